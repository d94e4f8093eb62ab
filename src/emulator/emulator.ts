/**
 * @module `createEmulator`: one emulator instance as a Hono app with its own state, storage folder, job runner
 * and fault script. It serves the Gemini API (under `basePath`) and the Anthropic Message Batches API under
 * `/anthropic` (anthropic/README.md). It needs no port: tests call `app.request()`; `startEmulator` binds it to a socket.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { ConfigError, ProviderError, systemClock, type Clock } from '../shared/index.ts';
import { emptyAnthropicState } from './anthropic/batch-record.ts';
import { createAnthropicRunner } from './anthropic/batch-runner.ts';
import { createAnthropicGuard } from './anthropic/guard.ts';
import { ANTHROPIC_PREFIX, anthropicRoutes } from './anthropic/routes.ts';
import { anthropicStats } from './anthropic/stats.ts';
import { errorResponse, responseForThrown } from './api-errors.ts';
import { batchRoutes } from './batch-routes.ts';
import { cacheRoutes } from './cache-routes.ts';
import { liveCacheCount, type CacheRecord } from './cache-store.ts';
import { createEndpointGuard } from './endpoint-guard.ts';
import { storagePaths, type BatchRecord, type EmulatorState, type FileRecord, type ResolvedOptions } from './emulator-state.ts';
import { faultConfigSchema, outageSchema, type FaultConfigInput } from './faults.ts';
import { fileRoutes } from './file-routes.ts';
import { DROPPED_CONNECTION_PROVIDER, createHttpFaultInjector, createOutageSchedule } from './http-faults.ts';
import { createJobLoop, type JobLoop } from './job-loop.ts';
import { createJobRunner } from './job-runner.ts';
import { modelRoutes } from './model-routes.ts';
import { OPENAI_BASE_PATH, createOpenAiEmulator } from './openai/index.ts';
import { createSnapshotWriter, restoreState, type RestoredState } from './persistence.ts';
import { DEFAULT_FILE_QUOTA_BYTES, liveUploads } from './file-references.ts';
import { snapshotStats, zeroCounters, zeroEndpointCalls, zeroTallies, type EmulatorStats } from './stats.ts';
import { uploadRoutes } from './upload-routes.ts';

/** How an emulator behaves. Every field is optional. */
export interface EmulatorOptions {
  /** When set, every API call but upload chunks needs this key (`x-goog-api-key` or `?key=`). @default none */
  apiKey?: string | undefined;
  /** Seeds the simulated model and every fault. @default 0 */
  seed?: number | undefined;
  /** @default systemClock */
  clock?: Clock | undefined;
  /** Time from RUNNING to done; 0 = as fast as possible. @default 1500 */
  jobDurationMs?: number | undefined;
  /** Time a new job stays PENDING. @default 300 */
  pendingMs?: number | undefined;
  /** A job whose work would not end this long after creation EXPIRES with no results. @default 48 h */
  expiryMs?: number | undefined;
  /** The fault script (validated with `faultConfigSchema`). @default no faults */
  faults?: FaultConfigInput | undefined;
  /** Where files and job data live. @default a fresh temp folder, removed on close */
  storageDir?: string | undefined;
  /**
   * Keep the metadata in `<storageDir>/state.json`, so an emulator created later over the same `storageDir`
   * (another process) knows the same files and batches; jobs that had not ended run again from their first line.
   * Needs `storageDir`. @default false
   */
  persist?: boolean | undefined;
  /** A path prefix to serve under, e.g. `/gemini`. @default '' */
  basePath?: string | undefined;
  /** Bytes of live uploaded files the project may hold; an upload past it is refused. @default 20 GB */
  fileQuotaBytes?: number | undefined;
}

/** One emulator instance. */
export interface Emulator {
  /** The Hono app: `app.request('/v1beta/batches')` works without a port. */
  readonly app: Hono;
  /** The app as a fetch handler (usable as the SDK's `httpOptions.fetch`). */
  fetch(request: Request): Promise<Response>;
  stats(): EmulatorStats;
  /** Processes all work that is due by the clock now. */
  advance(): Promise<void>;
  /** Starts advancing jobs in the background (a `clock.sleep` loop) until `close`. */
  startJobLoop(): void;
  readonly storageDir: string;
  /**
   * Stops the job loop, closes every job's files, and removes the storage folder if it made it. A persisting
   * emulator keeps the folders of jobs that have not ended (its state.json is current after every change).
   */
  close(): Promise<void>;
}

const DEFAULT_JOB_DURATION_MS = 1500;
const DEFAULT_PENDING_MS = 300;
const DEFAULT_EXPIRY_MS = 48 * 60 * 60 * 1000;

function resolveOptions(options: EmulatorOptions, storageDir: string): ResolvedOptions {
  const parsed = faultConfigSchema.safeParse(options.faults ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`emulator faults: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) throw new ConfigError(`emulator basePath "${basePath}" must start with "/"`);
  return {
    apiKey: options.apiKey === '' ? undefined : options.apiKey,
    seed: options.seed ?? 0,
    clock: options.clock ?? systemClock,
    jobDurationMs: Math.max(0, options.jobDurationMs ?? DEFAULT_JOB_DURATION_MS),
    pendingMs: Math.max(0, options.pendingMs ?? DEFAULT_PENDING_MS),
    expiryMs: options.expiryMs ?? DEFAULT_EXPIRY_MS,
    faults: parsed.data,
    storageDir,
    persist: options.persist === true,
    basePath,
    fileQuotaBytes: options.fileQuotaBytes ?? DEFAULT_FILE_QUOTA_BYTES,
  };
}

function createState(options: ResolvedOptions, restored: RestoredState | undefined): EmulatorState {
  const issued = restored?.issued ?? { seq: 0, ordinal: 0 };
  const state: EmulatorState = {
    options,
    files: restored?.files ?? new Map<string, FileRecord>(),
    uploads: new Map(),
    batches: restored?.batches ?? new Map<string, BatchRecord>(),
    caches: restored?.caches ?? new Map<string, CacheRecord>(),
    anthropic: restored?.anthropic ?? emptyAnthropicState(),
    counters: zeroCounters(),
    tallies: zeroTallies(),
    endpointCalls: zeroEndpointCalls(),
    submissionsByKey: restored?.submissionsByKey ?? new Map<string, number>(),
    issued,
    nextSeq: () => ++issued.seq,
    nextBatchOrdinal: () => ++issued.ordinal,
    saveSnapshot: () => Promise.resolve(),
  };
  if (options.persist) state.saveSnapshot = createSnapshotWriter(state);
  return state;
}

/** Creates an emulator instance (no socket; see `startEmulator`). */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const ownsStorage = options.storageDir === undefined;
  if (ownsStorage && options.persist === true) {
    throw new ConfigError('emulator persist needs a storageDir: a temp folder removed on close cannot keep state');
  }
  const storageDir = options.storageDir ?? mkdtempSync(join(tmpdir(), 'truebatch-emulator-'));
  const resolved = resolveOptions(options, storageDir);
  for (const dir of Object.values(storagePaths(storageDir))) mkdirSync(dir, { recursive: true });
  const restored = resolved.persist ? restoreState(resolved) : undefined;
  const state = createState(resolved, restored);
  // What restoring changed is saved at once; a save that fails here fails again, and is reported, at the next change.
  const restoring = restored?.changed === true ? state.saveSnapshot().catch(() => undefined) : Promise.resolve();
  const runner = createJobRunner(state);
  const outages = createOutageSchedule(resolved.faults.outages, resolved.clock);
  // One injector for every API: an `http` rule for `*` counts the calls of all of them.
  const injector = createHttpFaultInjector(resolved.faults.http, resolved.seed);
  const guard = createEndpointGuard(state, injector, outages);
  const openai = createOpenAiEmulator(state, guard);
  const anthropicRunner = createAnthropicRunner(state, state.anthropic);
  const stats = (): EmulatorStats => ({
    ...snapshotStats(
      state.counters,
      state.endpointCalls,
      state.submissionsByKey,
      state.tallies,
      liveUploads(state),
      liveCacheCount(state),
      anthropicStats(state.anthropic),
    ),
    openai: openai.stats(),
  });

  const api = new Hono();
  api.route('/', uploadRoutes(state, guard));
  api.route('/', fileRoutes(state, guard));
  api.route('/', batchRoutes(state, runner, guard));
  api.route('/', modelRoutes(state, guard));
  api.route('/', cacheRoutes(state, guard));
  api.route(OPENAI_BASE_PATH, openai.routes);
  api.get('/emulator/stats', (c) => c.json(stats()));
  // Opens an outage now ({durationMs, fault?, retryAfterSeconds?}, as in faults.outages), so a test can script one
  // mid-run; DELETE ends every outage.
  api.post('/emulator/outage', async (c) => {
    const parsed = outageSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return errorResponse(400, `emulator outage: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const opened = outages.open(parsed.data);
    return c.json({ endsAt: new Date(opened.endsAt).toISOString() });
  });
  api.delete('/emulator/outage', (c) => {
    outages.end();
    return c.json({});
  });
  const app = new Hono();
  app.route(ANTHROPIC_PREFIX, anthropicRoutes(state, state.anthropic, anthropicRunner, createAnthropicGuard(state, injector, outages)));
  app.route(resolved.basePath === '' ? '/' : resolved.basePath, api);
  app.notFound((c) => errorResponse(404, `The emulator has no endpoint for ${c.req.method} ${c.req.path}.`));
  app.onError((error) => {
    // A scripted dropped connection with no socket to destroy: let the caller's fetch fail.
    if (error instanceof ProviderError && error.provider === DROPPED_CONNECTION_PROVIDER) throw error;
    return responseForThrown(error);
  });

  let loop: JobLoop | undefined;
  return {
    app,
    fetch: async (request) => app.fetch(request),
    stats,
    advance: async () => {
      await runner.advanceAll(Infinity);
      await openai.advanceSlice(Infinity);
      await anthropicRunner.advanceAll(Infinity);
    },
    startJobLoop() {
      // The loop's slices go to the Gemini jobs, then to the OpenAI and the Anthropic batches.
      const all = {
        advanceSlice: async (sliceMs: number) => {
          const gemini = await runner.advanceSlice(sliceMs);
          const openaiLeft = await openai.advanceSlice(sliceMs);
          return (await anthropicRunner.advanceSlice(sliceMs)) || openaiLeft || gemini;
        },
      };
      loop ??= createJobLoop(all, resolved.clock);
    },
    storageDir,
    async close() {
      await restoring;
      await loop?.stop();
      await runner.closeAll();
      await openai.close();
      await anthropicRunner.closeAll();
      if (ownsStorage) await rm(storageDir, { recursive: true, force: true });
    },
  };
}
