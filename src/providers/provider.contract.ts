/**
 * @module The behaviour every {@link BatchProvider} must show, as a vitest suite each implementation runs against
 * its own backend (an emulator, or the real service in a manual run).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, NotFoundError, ProviderError, randomId, systemClock, type Clock } from '../shared/index.ts';
import { TERMINAL_JOB_STATES, type BatchProvider, type RemoteJob, type ResultItem } from './batch-provider.ts';

/**
 * Jobs whose display name contains this text are cancelled right after creation. The backend must keep them
 * unfinished long enough for the cancel to land (a real provider does; an emulator should script them stuck).
 */
export const CONTRACT_CANCEL_MARKER = 'contract-cancel';

/** A provider under test and how to clean up after it. */
export interface ProviderContractSubject {
  provider: BatchProvider;
  teardown: () => Promise<void>;
}

/** Options of {@link runProviderContract}. */
export interface ProviderContractOptions {
  /** Names the suite, e.g. `gemini (emulator)`. */
  name: string;
  /** Called once before the suite; `teardown` once after it. */
  setup: () => Promise<ProviderContractSubject>;
  /** @default 'gemini-2.5-flash' */
  model?: string;
  /** Wait between two `getJob` polls. @default 100 */
  pollIntervalMs?: number;
  /** Polls before a job counts as stuck. @default 600 */
  maxPolls?: number;
  /** Sleeps between polls. @default systemClock */
  clock?: Clock;
}

const REQUEST_COUNT = 3;

/**
 * Defines the provider contract tests: upload, create, poll to a terminal state with counts, download, read
 * results joined by key, find by display name, cancel, delete, unknown jobs, empty input and declared capabilities.
 * @example
 * runProviderContract({ name: 'gemini (emulator)', setup: async () => ({ provider, teardown }) });
 */
export function runProviderContract(options: ProviderContractOptions): void {
  const model = options.model ?? 'gemini-2.5-flash';
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const maxPolls = options.maxPolls ?? 600;
  const clock = options.clock ?? systemClock;

  describe(`BatchProvider contract: ${options.name}`, () => {
    let subject: ProviderContractSubject;
    let dir: string;
    let inputPath: string;
    const runId = randomId(8);
    const displayName = `contract-${runId}`;
    const keys = Array.from({ length: REQUEST_COUNT }, (_unused, index) => `${runId}-doc-${index + 1}`);
    let inputFile: string | undefined;
    let finishedJob: RemoteJob | undefined;

    const provider = (): BatchProvider => subject.provider;
    const waitForTerminal = async (name: string): Promise<RemoteJob> => {
      for (let poll = 0; poll < maxPolls; poll++) {
        const job = await provider().getJob(name);
        expect(job.name).toBe(name);
        if (TERMINAL_JOB_STATES.has(job.state)) return job;
        await clock.sleep(pollIntervalMs);
      }
      throw new ProviderError(provider().name, `job ${name} did not finish after ${maxPolls} polls`, {
        isRetryable: false,
      });
    };
    const requireValue = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new NotFoundError(`an earlier contract step did not produce ${what}`);
      return value;
    };

    beforeAll(async () => {
      subject = await options.setup();
      dir = await mkdtemp(join(tmpdir(), 'truebatch-provider-contract-'));
      inputPath = join(dir, 'requests.jsonl');
      const lines = keys.map((key, index) =>
        JSON.stringify({ key, request: { contents: [{ role: 'user', parts: [{ text: `Say hello number ${index + 1}` }] }] } }),
      );
      await writeFile(inputPath, `${lines.join('\n')}\n`);
    });

    afterAll(async () => {
      await subject.teardown();
      await rm(dir, { recursive: true, force: true });
    });

    it('uploads a JSONL file and reports its name and size', async () => {
      const uploaded = await provider().uploadFile(inputPath, { displayName: `${displayName}-input` });
      expect(uploaded.name).not.toBe('');
      expect(uploaded.sizeBytes).toBe((await stat(inputPath)).size);
      inputFile = uploaded.name;
    });

    it('creates a job that runs to succeeded with full request counts', async () => {
      const created = await provider().createJob({ model, inputFile: requireValue(inputFile, 'an input file'), displayName });
      expect(created.name).not.toBe('');
      expect(created.displayName).toBe(displayName);
      expect(created.rawState).not.toBe('');
      const job = await waitForTerminal(created.name);
      expect(job.state).toBe('succeeded');
      expect(job.displayName).toBe(displayName);
      expect(job.requestCounts).toEqual({ total: REQUEST_COUNT, succeeded: REQUEST_COUNT, failed: 0, pending: 0 });
      expect(job.outputFile).toBeDefined();
      expect(job.error).toBeUndefined();
      finishedJob = job;
    });

    it('downloads the results, and reads one item per input line, joined by key', async () => {
      const path = join(dir, 'results.jsonl');
      await provider().downloadResults(requireValue(finishedJob, 'a finished job'), path);
      const items: ResultItem[] = [];
      for await (const item of provider().readResults(path)) items.push(item);
      expect(items).toHaveLength(REQUEST_COUNT);
      const byKey = new Map(items.map((item) => [item.kind === 'malformed' ? `malformed:${item.lineNumber}` : item.key, item]));
      expect([...byKey.keys()].sort()).toEqual([...keys].sort());
      for (const item of items) {
        expect(item.kind).toBe('response');
        if (item.kind !== 'response') continue;
        expect(item.lineNumber).toBeGreaterThan(0);
        expect(item.response.text).toEqual(expect.any(String));
        expect(item.response.usage?.totalTokens).toBeGreaterThan(0);
      }
    });

    it('answers a batch line\'s request interactively, when it offers that, as its batch line was answered (#19)', async (context) => {
      const interactive = provider().interactive;
      if (interactive === undefined) return context.skip('the provider has no interactive calls');
      const path = join(dir, 'results-interactive.jsonl');
      await provider().downloadResults(requireValue(finishedJob, 'a finished job'), path);
      const key = requireValue(keys[0], 'a key');
      let batchText: string | undefined;
      for await (const item of provider().readResults(path)) if (item.kind === 'response' && item.key === key) batchText = item.response.text;
      const requestJson = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello number 1' }] }] });
      const answer = await interactive.generate({ model, key, requestJson });
      expect(answer.text).toBe(requireValue(batchText, 'the batch answer'));
      expect(answer.usage?.totalTokens).toBeGreaterThan(0);
    });

    it('finds exactly the created job by its display name, with counts', async () => {
      const job = requireValue(finishedJob, 'a finished job');
      const found = await provider().findJobsByDisplayName(displayName);
      expect(found.map((each) => each.name)).toEqual([job.name]);
      expect(found[0]?.state).toBe('succeeded');
      expect(found[0]?.requestCounts?.total).toBe(REQUEST_COUNT);
      expect(await provider().findJobsByDisplayName(`${displayName}-never-created`)).toEqual([]);
    });

    it('cancels a job, which then ends cancelled', async () => {
      const created = await provider().createJob({
        model,
        inputFile: requireValue(inputFile, 'an input file'),
        displayName: `${displayName}-${CONTRACT_CANCEL_MARKER}`,
      });
      await provider().cancelJob(created.name);
      const job = await waitForTerminal(created.name);
      expect(job.state).toBe('cancelled');
      expect(job.rawState).not.toBe('');
    });

    it('deletes the input file and, where the provider can, the result file; deleting a file that is gone is not an error', async () => {
      const job = requireValue(finishedJob, 'a finished job');
      const input = requireValue(inputFile, 'an input file');
      await provider().deleteFile(input);
      await provider().deleteFile(input);
      if (!provider().capabilities.deletableResultFiles) {
        // Left to expire (Gemini: the result id is too long for files.delete); it stays downloadable.
        await provider().downloadResults(job, join(dir, 'kept.jsonl'));
        return;
      }
      await provider().deleteFile(requireValue(job.outputFile, 'a result file'));
      await expect(provider().downloadResults(job, join(dir, 'after-delete.jsonl'))).rejects.toThrow();
    });

    it('rejects an unknown job with NotFoundError, the one way the engine learns a job is gone', async () => {
      const error: unknown = await provider()
        .getJob(`batches/unknown${runId.toLowerCase()}`)
        .then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
    });

    it('refuses an empty input file with InputError, before anything reaches the provider', async () => {
      const empty = join(dir, 'empty.jsonl');
      await writeFile(empty, '');
      await expect(provider().uploadFile(empty, { displayName: `${displayName}-empty` })).rejects.toBeInstanceOf(InputError);
    });

    it('declares its capabilities: how input travels, how a lost create is found, how results come back, limits', () => {
      const { capabilities } = provider();
      expect(['uploaded-file', 'inline']).toContain(capabilities.input);
      expect(['display-name', 'metadata-tag', 'provider-strategy']).toContain(capabilities.reconciliation);
      expect(['one-file', 'several-files', 'stream']).toContain(capabilities.results);
      for (const limit of Object.values(capabilities.limits)) {
        if (limit !== undefined) expect(limit).toBeGreaterThan(0);
      }
      // What the contract exercises today; a provider that declares otherwise needs the engine to learn it first.
      expect(capabilities).toMatchObject({ input: 'uploaded-file', reconciliation: 'display-name', results: 'one-file' });
    });
  });
}
