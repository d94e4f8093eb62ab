/**
 * @module A small project for the dashboard's unit tests: a config with two stages, a real ledger file written
 * through the ledger's own methods (one collected job: `a` valid, `b` invalid then retried in a running job), an
 * output file, and the ledger opened again read-only as the dashboard opens it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectConfig } from '../config/index.ts';
import { projectPrices } from '../create-truebatch.ts';
import { openLedger, openLedgerReadOnly, type Ledger } from '../ledger/index.ts';
import { createManualClock } from '../shared/index.ts';
import type { DashboardProject } from './context.ts';

type RequestInput = Parameters<Ledger['upsertRequest']>[0];

function requestInput(stage: string, key: string, upstream: { stage: string; key: string }[] = []): RequestInput {
  const fingerprint = `fp-${stage}-${key}`;
  return {
    stage, docId: key, key, fingerprint, model: 'gemini-2.5-flash', requestJson: JSON.stringify({ contents: [{ parts: [{ text: `doc ${key}` }] }] }),
    maxAttempts: 3,
    lineage: {
      document: undefined, upstream: upstream.map((up) => ({ ...up, fingerprint: 'x', outputPath: 'x' })), prompt: { file: undefined, sha256: 'p' },
      systemSha256: undefined, model: 'gemini-2.5-flash', generationConfigSha256: 'g', fingerprint,
    },
    estimatedInputTokens: 10, estimatedOutputTokens: 20,
  };
}

function addRequest(ledger: Ledger, stage: string, key: string, upstream: { stage: string; key: string }[] = []): void {
  ledger.upsertRequest(requestInput(stage, key, upstream), ledger.requestStatus(stage, key));
}

/** Moves a job from planned to `running`, submitted at `at`. */
function submit(ledger: Ledger, jobId: number, at: number): void {
  for (const state of ['uploading', 'uploaded', 'creating'] as const) ledger.updateJob(jobId, state);
  ledger.updateJob(jobId, 'submitted', { remote_name: `batches/${jobId}`, submitted_at: at });
  ledger.updateJob(jobId, 'running');
}

/** The fixture project: its folder, the writer's ledger (kept open) and the dashboard's read-only view of it. */
export async function dashboardFixture(): Promise<{ dir: string; writer: Ledger; project: DashboardProject; outputPath: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-dashboard-'));
  mkdirSync(join(dir, 'docs'));
  mkdirSync(join(dir, 'outputs', 'extract'), { recursive: true });
  writeFileSync(join(dir, 'prompt.md'), 'Extract {{document}}\n');
  writeFileSync(join(dir, 'truebatch.config.yaml'), ['provider: emulator', 'model: gemini-2.5-flash', 'stages:',
    '  - { name: extract, input: { dir: docs }, prompt: { file: prompt.md }, maxAttempts: 3 }',
    '  - { name: summarise, input: { stage: extract }, prompt: { file: prompt.md } }', ''].join('\n'));
  const config = await loadProjectConfig({ projectDir: dir, env: {} });
  const clock = createManualClock(Date.UTC(2026, 11, 6, 8));
  const path = join(dir, '.truebatch', 'ledger.db');
  const writer = openLedger(path, clock);
  addRequest(writer, 'extract', 'a');
  addRequest(writer, 'extract', 'b');
  const first = writer.createJob({ stage: 'extract', displayNamePrefix: 'tb-t-extract', model: 'gemini-2.5-flash', inputPath: '/in', sizeBytes: 10, keys: ['a', 'b'] });
  submit(writer, first.id, clock.now());
  const outputPath = join(dir, 'outputs', 'extract', 'a.json');
  writeFileSync(outputPath, '{"title":"A"}');
  const attempts = writer.openAttempts(first.id);
  for (const attempt of attempts) {
    writer.recordResult(attempt.id, attempt.key === 'a'
      ? { state: 'valid', response: JSON.stringify({ text: '{"title":"A"}' }), output: { path: outputPath, bytes: 13 } }
      : { state: 'invalid', reason: 'schema: /title is required', failureKind: 'required', response: JSON.stringify({ text: '{"name":"B"}' }) });
  }
  writer.updateJob(first.id, 'succeeded', { finished_at: clock.now() + 60_000 });
  writer.updateJob(first.id, 'collected', { collected_at: clock.now() + 61_000, actual_usd: 0.01 });
  addRequest(writer, 'summarise', 'a', [{ stage: 'extract', key: 'a' }]);
  const second = writer.createJob({ stage: 'extract', displayNamePrefix: 'tb-t-extract', model: 'gemini-2.5-flash', inputPath: '/in', sizeBytes: 10, keys: ['b'] });
  submit(writer, second.id, clock.now() + 120_000);
  const ledger = openLedgerReadOnly(path, clock);
  return {
    dir, writer, outputPath,
    project: { config, ledger, prices: projectPrices(config), clock },
    close() {
      ledger.close();
      writer.close();
    },
  };
}
