/**
 * Anthropic Message Batches end to end: the CLI on the `anthropic` provider against the emulator's Message Batches
 * API over HTTP. Plan prices the stage at Claude batch prices and the run's actual cost is the usage in the result
 * files times those prices; each Anthropic trap is a scripted emulator fault: results in any order, errors nested
 * twice, expired and canceled lines, no counts until a batch ends, a create whose answer is lost (a batch has no
 * name to find it by).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPriceTable } from '../src/cost/index.ts';
import { makePdf, pngBytes } from './support/documents.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { runCli } from './support/cli.ts';
import { copySoilK, makeProject, outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

interface ResultLine {
  key?: string;
  custom_id: string;
  result: { type: string; message?: { usage: Record<string, number | null> }; error?: unknown };
}

/** Every line of the project's downloaded result files. */
function resultLines(project: string): ResultLine[] {
  const dir = join(project, '.truebatch', 'results');
  return readdirSync(dir).flatMap((name) =>
    readFileSync(join(dir, name), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ResultLine),
  );
}

const validCount = (project: string): number | undefined =>
  queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM requests WHERE state = 'valid'")[0]?.n;

describe('anthropic (end to end, over HTTP to the emulator)', () => {
  it('plans a stage at Claude batch prices, runs it, and prices the run from the usage in the result files', async () => {
    const project = makeProject({ count: 5, provider: 'anthropic', extraYaml: 'sharding: { maxRequestsPerJob: 2 }' });
    const planned = await runCli(['plan', '--project', project, '--json'], {});
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout) as { requests: { toSubmit: number }; shards: unknown[]; estimatedCost: { standardUsd: number; batchUsd: number } };
    expect(plan.requests.toSubmit).toBe(5);
    expect(plan.shards).toHaveLength(3);
    expect(plan.estimatedCost.batchUsd).toBeGreaterThan(0);
    expect(plan.estimatedCost.batchUsd).toBeCloseTo(plan.estimatedCost.standardUsd * 0.5, 12);

    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(server.stats().anthropic.batchesCreated).toBe(3);
    expect(validCount(project)).toBe(5);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(5);

    // Anthropic's usage as it came, times Claude's batch prices (half of everything, cache reads included).
    const price = createPriceTable().priceFor('claude-sonnet-5-5');
    let expectedUsd = 0;
    for (const line of resultLines(project)) {
      const usage = line.result.message?.usage ?? {};
      const fresh = (usage['input_tokens'] ?? 0) + (usage['cache_creation_input_tokens'] ?? 0);
      const cached = usage['cache_read_input_tokens'] ?? 0;
      const output = usage['output_tokens'] ?? 0;
      expectedUsd += ((fresh * price.inputPerMTok + cached * price.cachedInputPerMTok + output * price.outputPerMTok) / 1e6) * 0.5;
    }
    expect(expectedUsd).toBeGreaterThan(0);
    const report = JSON.parse((await runCli(['report', '--project', project, '--json'], {})).stdout) as {
      total: { actual: { batchUsd: number; standardUsd: number } };
    };
    expect(report.total.actual.batchUsd).toBeCloseTo(expectedUsd, 12);
    expect(report.total.actual.batchUsd).toBeCloseTo(report.total.actual.standardUsd * 0.5, 12);
  });

  it('joins results that come back in any order on their custom_id, each to its own request', async () => {
    const project = makeProject({ count: 8, provider: 'anthropic' });
    const { env } = await emulator({ seed: 3 });
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const lines = resultLines(project);
    const lineNumbers = lines.map((line) => Number(line.custom_id.split('-')[1]));
    // Shuffled by the emulator (as Anthropic does), yet every line carries the key of the request it answers.
    expect(lineNumbers).not.toEqual([...lineNumbers].sort((a, b) => a - b));
    expect(lines.every((line) => typeof line.key === 'string')).toBe(true);
    expect(new Set(lines.map((line) => line.key)).size).toBe(8);
    // The emulator's model answers from the document: each output holds its own paper's title.
    const outputs = join(project, 'outputs', 'extract');
    for (const name of outputFiles(outputs)) {
      const paper = /paper(\d+)/.exec(name)?.[1];
      expect(readFileSync(join(outputs, name), 'utf8')).toContain(`Potassium study ${paper}`);
    }
  });

  it('reads the message of an error nested twice, and sends the request again', async () => {
    // Half the lines fail. A request is named anew in each batch (its custom_id carries the job), so each try may
    // fail again: enough tries that all succeed (some request failing all 16: 12 x 0.5^16), and some fail (1 - 0.5^12).
    const project = makeProject({ count: 12, provider: 'anthropic', maxAttempts: 16 });
    const { server, env } = await emulator({ faults: { lines: { errorRate: 0.5 } } });
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(validCount(project)).toBe(12);
    const failed = queryLedger<{ reason: string }>(project, "SELECT reason FROM attempts WHERE state = 'failed'");
    expect(failed.length).toBeGreaterThan(0);
    for (const { reason } of failed) expect(reason).toMatch(/provider error \d+: (api_error|rate_limit_error|overloaded_error): [A-Za-z]/);
    // The errored requests went out again, in later batches.
    expect(server.stats().anthropic.batchesCreated).toBeGreaterThan(1);
  });

  it('sends the expired lines of a batch again in a new batch, keeping what the first one answered', async () => {
    const project = makeProject({ count: 5, provider: 'anthropic' });
    const { server, env } = await emulator({ faults: { anthropic: { batches: [{ nth: 1, outcome: 'expired', afterLines: 2 }] } } });
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(validCount(project)).toBe(5);
    expect(server.stats().anthropic.batchesCreated).toBe(2);
    expect(server.stats().anthropic.resultLines.expired).toBe(3);
    const resent = queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM attempts WHERE attempt_no = 2');
    expect(resent[0]?.n).toBe(3);
  });

  it('shows a running batch’s counts as unknown, not zero, and sends the canceled lines of a cancelled batch again', async () => {
    const project = makeProject({ count: 4, provider: 'anthropic' });
    const { server, env } = await emulator({ faults: { anthropic: { batches: [{ nth: 1, outcome: 'stuck' }] } } });
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    expect((await runCli(['collect', '--project', project], env)).code).toBe(0);
    // Anthropic reports every count but `processing` as zero until the batch has ended: truebatch shows them unknown.
    const status = await runCli(['status', '--project', project], env);
    expect(status.stdout).toMatch(/running\s+msgbatch_\S+\s+\?\/4/);
    const json = JSON.parse((await runCli(['status', '--project', project, '--json'], env)).stdout) as { liveJobs: { counts_reported: number }[] };
    expect(json.liveJobs[0]?.counts_reported).toBe(0);

    expect((await runCli(['cancel', '--project', project, '--yes'], env)).code).toBe(0);
    const run = await runCli(['run', '--project', project], env);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(server.stats().anthropic.resultLines.canceled).toBe(4);
    expect(server.stats().anthropic.batchesCreated).toBe(2);
    expect(validCount(project)).toBe(4);
  });

  it('finds a batch whose create answer was lost by its custom_ids (a batch has no name), and creates no second one', async () => {
    const project = makeProject({ count: 4, provider: 'anthropic' });
    const { server, env } = await emulator({ faults: { http: [{ endpoint: 'anthropic.batches.create', fault: 'dropAfter', nth: 1 }] } });
    const run = await runCli(['run', '--project', project], env);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(server.stats().anthropic.batchesCreated).toBe(1);
    expect(validCount(project)).toBe(4);
    expect(queryLedger(project, "SELECT 1 FROM events WHERE kind = 'job-reconciled' AND message LIKE '%: found msgbatch_%'")).toHaveLength(1);
  });

  it('runs the soil-k example on the embedded Anthropic emulator with its provider and model lines changed', async () => {
    const project = copySoilK();
    const path = join(project, 'truebatch.config.yaml');
    const config = readFileSync(path, 'utf8');
    writeFileSync(path, config.replace(/^provider: emulator$/m, 'provider: anthropic-emulator').replace(/^model: gemini-2\.5-flash$/m, 'model: claude-sonnet-5-5'));
    const run = await runCli(['run', '--project', project], {});
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(queryLedger<{ id: string }>(project, "SELECT remote_name AS id FROM jobs").every(({ id }) => id.startsWith('msgbatch_'))).toBe(true);
    expect(outputFiles(join(project, 'outputs', 'stage_1a'))).toHaveLength(24);
    expect(outputFiles(join(project, 'outputs', 'stage_2a'))).toHaveLength(24);
  });

  it('sends PDFs as document blocks and images as image blocks, inline in the batch, beside text and JSON', async () => {
    const project = mkdtempSync(join(tmpdir(), 'tb-anthropic-documents-'));
    mkdirSync(join(project, 'docs'));
    writeFileSync(join(project, 'docs', 'paper.pdf'), await makePdf(['Potassium fertiliser raised maize yield by 1.2 t/ha.']));
    writeFileSync(join(project, 'docs', 'scan.png'), pngBytes());
    writeFileSync(join(project, 'docs', 'notes.md'), '# Field notes\n\nK deficiency showed as leaf-edge scorch.\n');
    writeFileSync(join(project, 'docs', 'trial.json'), JSON.stringify({ title: 'K trial', text: 'Yields rose with K.' }));
    writeFileSync(join(project, 'prompt.md'), 'Summarise this document as JSON.\n\n{{document}}\n');
    writeFileSync(join(project, 'schema.json'), JSON.stringify({ type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] }));
    writeFileSync(
      join(project, 'truebatch.config.yaml'),
      [
        'provider: anthropic',
        'model: claude-sonnet-5-5',
        'polling: { initialIntervalMs: 50, maxIntervalMs: 200 }',
        'stages:',
        '  - name: read',
        '    input: { dir: docs }',
        '    prompt: { file: prompt.md }',
        '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
        '    documents: { travel: inline }',
        '',
      ].join('\n'),
    );
    const { env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'read'))).toHaveLength(4);
    // What was sent: the shard is gone once collected, so read the bodies the ledger planned.
    const bodies = queryLedger<{ body: string }>(project, 'SELECT json AS body FROM request_bodies').map(({ body }) => body).join('\n');
    expect(bodies).toContain('"type":"document","source":{"type":"base64","media_type":"application/pdf"');
    expect(bodies).toContain('"type":"image","source":{"type":"base64","media_type":"image/png"');
  });
});

