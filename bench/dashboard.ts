/**
 * @module The dashboard scenario of `npm run bench`: a synthetic ledger of 100k documents (two stages, retries,
 * given-up requests, many jobs) and the time each dashboard page takes to render from it, through the Hono app
 * in-process (no network): the first render, and the median of several after it. Target: every page under 300 ms.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadProjectConfig } from '../src/config/index.ts';
import { projectPrices } from '../src/create-truebatch.ts';
import { createDashboardApp } from '../src/dashboard/app.ts';
import { openLedger, openLedgerReadOnly } from '../src/ledger/index.ts';
import { systemClock } from '../src/shared/index.ts';
import type { BenchEnv } from './scenario-support.ts';

/** Each page's render time at 100k documents. */
export interface DashboardResult {
  documents: number;
  requests: number;
  attempts: number;
  jobs: number;
  buildMs: number;
  /** Creating the app, which counts the attempts' outcomes once. */
  startMs: number;
  /** Path → the first render (statements compiled, the outcome tally filled when the page uses it), then the median and worst of the next ones (ms). */
  pages: Record<string, { firstMs: number; medianMs: number; maxMs: number; bytes: number }>;
  measuredAt: string;
  code?: string;
}

/** The target of the issue: every page of a 100k-document ledger under this. */
export const DASHBOARD_TARGET_MS = 300;

const DOCUMENTS = 100_000;
const PER_JOB = 10_000;
const RENDERS = 5;

/** Fills a fresh ledger at `path`: `extract` over 100k documents, `summarise` over half their outputs. */
function buildLedger(path: string): { requests: number; attempts: number; jobs: number; retriedKey: string } {
  openLedger(path, systemClock).close(); // the schema, by the ledger's own migrations
  const db = new Database(path);
  const start = Date.UTC(2026, 11, 1);
  let requests = 0;
  let attempts = 0;
  let jobId = 0;
  const insertJob = db.prepare(`INSERT INTO jobs (id, stage, display_name, state, model, input_path, request_count, size_bytes,
    input_file, remote_name, remote_state, succeeded_count, failed_count, output_file, created_at, submitted_at, finished_at, collected_at,
    estimated_usd, actual_usd, updated_at) VALUES (?, ?, ?, ?, 'gemini-2.5-flash', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRequest = db.prepare(`INSERT INTO requests (id, stage, doc_id, key, fingerprint, model, state, attempts, max_attempts,
    last_reason, output_path, lineage, estimated_input_tokens, estimated_output_tokens, updated_at)
    VALUES (?, ?, ?, ?, ?, 'gemini-2.5-flash', ?, ?, 3, ?, ?, ?, 600, 300, ?)`);
  const insertBody = db.prepare('INSERT INTO request_bodies (request_id, json) VALUES (?, ?)');
  const insertAttempt = db.prepare(`INSERT INTO attempts (request_id, attempt_no, job_id, fingerprint, state, reason, failure_kind,
    repairs, response, prompt_tokens, output_tokens, total_tokens, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 600, 300, 900, ?)`);
  let retriedKey = '';
  db.transaction(() => {
    for (const [stage, count] of [['extract', DOCUMENTS], ['summarise', DOCUMENTS / 2]] as const) {
      const firstJob = jobId + 1;
      const jobCount = Math.ceil(count / PER_JOB);
      for (let j = 0; j < jobCount; j++) {
        jobId++;
        const created = start + jobId * 600_000;
        const running = j === jobCount - 1;
        const size = Math.min(PER_JOB, count - j * PER_JOB);
        insertJob.run(jobId, stage, `tb-bench-${jobId}`, running ? 'running' : 'collected', `/tmp/job-${jobId}.jsonl`, size, size * 2000,
          `files/in-${jobId}`, `batches/${jobId}`, running ? 'running' : 'succeeded', running ? 0 : size, running ? null : `files/out-${jobId}`,
          created, created + 60_000, running ? null : created + 60_000 + size * 30, running ? null : created + 90_000 + size * 30,
          size * 0.0004, running ? null : size * 0.00038, created);
      }
      for (let i = 0; i < count; i++) {
        requests++;
        const doc = `d${i}`;
        const key = `${doc}_${stage}`;
        const job = firstJob + Math.floor(i / PER_JOB);
        const inRunningJob = job === firstJob + jobCount - 1;
        const retried = i % 10 === 3;
        const givenUp = i % 20 === 7;
        const tries = givenUp ? 3 : retried ? 2 : 1;
        const state = inRunningJob ? 'in_job' : givenUp ? 'given_up' : 'valid';
        const lineage = JSON.stringify({
          document: stage === 'extract' ? { id: doc, path: `docs/${doc}.json`, contentHash: 'ab'.repeat(32) } : undefined,
          upstream: stage === 'summarise' ? [{ stage: 'extract', key: `${doc}_extract`, fingerprint: 'f'.repeat(64), outputPath: `/tmp/out/${doc}.json` }] : [],
          prompt: { file: 'prompt.md', sha256: 'c'.repeat(64) }, model: 'gemini-2.5-flash', generationConfigSha256: 'd'.repeat(64), fingerprint: 'e'.repeat(64),
        });
        insertRequest.run(requests, stage, doc, key, `fp-${stage}-${i}`, state, inRunningJob ? 1 : tries,
          givenUp ? 'schema: /year must be integer' : null, state === 'valid' ? `/tmp/out/${stage}/${key}.json` : null, lineage, start + i);
        insertBody.run(requests, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: `Extract the findings of paper ${doc}. `.repeat(8) }] }] }));
        for (let a = 1; a <= (inRunningJob ? 1 : tries); a++) {
          attempts++;
          const last = a === tries;
          const valid = !inRunningJob && last && !givenUp;
          const answer = JSON.stringify({ text: JSON.stringify({ title: `Paper ${doc}`, year: a === 1 && !valid ? 'unknown' : 2020, findings: ['K rose by 12 mg/kg'] }, null, 2) });
          insertAttempt.run(requests, a, inRunningJob ? job : Math.min(job + a - 1, firstJob + jobCount - 2), `fp-${stage}-${i}`,
            inRunningJob ? 'in_job' : valid ? 'valid' : 'invalid', valid || inRunningJob ? null : 'schema: /year must be integer',
            valid || inRunningJob ? null : a === 2 ? 'truncated' : 'schema', valid && i % 4 === 0 ? '["alias"]' : null,
            inRunningJob ? null : answer, inRunningJob ? null : start + job * 600_000 + 120_000 + a * 1000 + i);
        }
        if (retried && !givenUp && !inRunningJob && retriedKey === '') retriedKey = key;
      }
    }
  })();
  db.close();
  return { requests, attempts, jobs: jobId, retriedKey };
}

/** Builds the ledger, then renders each page {@link RENDERS} times after a first render. */
export async function runDashboard(env: Pick<BenchEnv, 'log' | 'cleanup'>): Promise<DashboardResult> {
  const dir = env.cleanup.tempDir('tb-bench-dashboard-');
  const path = join(dir, '.truebatch', 'ledger.db');
  env.log(`dashboard: building a ${DOCUMENTS.toLocaleString('en')}-document ledger`);
  const built = performance.now();
  const { requests, attempts, jobs, retriedKey } = buildLedger(path);
  const buildMs = performance.now() - built;
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'prompt.md'), 'Extract the findings of {{document}}\n');
  writeFileSync(join(dir, 'truebatch.config.yaml'), ['provider: emulator', 'model: gemini-2.5-flash', 'stages:',
    '  - { name: extract, input: { dir: docs }, prompt: { file: prompt.md } }',
    '  - { name: summarise, input: { stage: extract }, prompt: { file: prompt.md } }', ''].join('\n'));
  const config = await loadProjectConfig({ projectDir: dir, env: {} });
  const ledger = openLedgerReadOnly(path, systemClock);
  const started = performance.now();
  const app = createDashboardApp({ config, ledger, prices: projectPrices(config), clock: systemClock }, { token: undefined, loopbackOnly: false });
  const startMs = performance.now() - started;
  env.log(`dashboard: app created in ${Math.round(startMs)} ms`);
  const paths = ['/', '/jobs', '/success', '/failures?stage=extract&kind=schema', '/documents?stage=extract',
    '/documents?stage=extract&state=valid&page=1500', `/document?stage=extract&key=${retriedKey}`, '/document?stage=summarise&key=d3_summarise',
    '/batch-sizes', '/quality'];
  const pages: DashboardResult['pages'] = {};
  try {
    for (const page of paths) {
      const times: number[] = [];
      let firstMs = 0;
      let bytes = 0;
      for (let i = 0; i <= RENDERS; i++) {
        const began = performance.now();
        const response = await app.request(page);
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${page}: HTTP ${response.status}: ${body.slice(0, 200)}`);
        if (i > 0) times.push(performance.now() - began);
        else firstMs = performance.now() - began;
        bytes = body.length;
      }
      times.sort((a, b) => a - b);
      const result = { firstMs, medianMs: times[Math.floor(times.length / 2)] ?? 0, maxMs: times.at(-1) ?? 0, bytes };
      pages[page.replace(/key=[^&]+/, 'key=…')] = result;
      env.log(`dashboard: ${page}: first ${Math.round(firstMs)} ms, then median ${Math.round(result.medianMs)} ms`);
    }
  } finally {
    ledger.close();
  }
  return { documents: DOCUMENTS, requests, attempts, jobs, buildMs, startMs, pages, measuredAt: new Date().toISOString() };
}
