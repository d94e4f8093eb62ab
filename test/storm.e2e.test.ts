/**
 * @module End to end (issue 23): unattended runs ride out provider storms. `truebatch run` as a child process against
 * an emulator that fails 35% of calls on every endpoint, loses the answers of created jobs, goes down for a minute
 * and drops an upload chunk in the middle of a 200 MB input file: one run finishes everything, with one job per
 * display name, and the big upload resumed rather than restarted. And a provider that stays
 * down past the patience: the run exits 8, `status` says since when, and the next run finishes without submitting
 * anything twice.
 *
 * The emulator runs on a clock 20 times faster than real time (its jobs, delays and outages are timed on it), so the
 * one-minute outage lasts 3 real seconds; the CLI keeps the real clock, as its patience and retry waits are its own.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock, type Clock } from '../src/shared/index.ts';
import { UPLOAD_CHUNK_BYTES } from '../src/providers/gemini/gemini-resumable-upload.ts';
import { runCli } from './support/cli.ts';
import { largePng } from './support/documents.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const SCALE = 20;

/** Twelve images of 12.5 MB, inline in one job as base64: its input file is about 200 MB. */
const BIG_IMAGES = 12;
const BIG_IMAGE_BYTES = 12_500_000;

/** A clock that runs `SCALE` times faster than real time. */
function fastClock(): Clock {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * SCALE,
    sleep: (ms, signal) => systemClock.sleep(ms / SCALE, signal),
  };
}

const emulator = emulatorPerTest({ jobDurationMs: 2000, pendingMs: 500 });

/** Short retry waits: the storm is dense, the test should not idle. */
const RESILIENCE = 'resilience: { retry: { attempts: 6, initialDelayMs: 20, maxDelayMs: 400 }, patienceMs: 600000 }';

/** Every display name in the ledger has exactly one remote job, and the emulator created no other. */
function expectOneJobPerDisplayName(project: string, batchesCreated: number): number {
  const jobs = queryLedger<{ display_name: string; remote_name: string | null }>(project, 'SELECT display_name, remote_name FROM jobs');
  expect(new Set(jobs.map((job) => job.display_name)).size).toBe(jobs.length);
  expect(jobs.every((job) => job.remote_name !== null)).toBe(true);
  expect(batchesCreated).toBe(jobs.length);
  return jobs.length;
}

describe('truebatch run in a provider storm', () => {
  it('35% transient faults everywhere, lost create answers, a one-minute outage and a chunk dropped mid-way through a 200 MB upload: one run, exit 0, every output', async () => {
    const project = makeProject({
      count: 300 - BIG_IMAGES,
      extraYaml: `${RESILIENCE}\nsharding: { maxRequestsPerJob: 25 }`,
      stageYaml: `documents: { inlineMaxBytes: ${BIG_IMAGE_BYTES} }`,
    });
    onTestFinished(() => rmSync(project, { recursive: true, force: true }));
    // Sorted after every paper, the images fill the last job: an input file of about 200 MB.
    for (let i = 1; i <= BIG_IMAGES; i++) writeFileSync(join(project, 'docs', `scan-${String(i).padStart(2, '0')}.png`), largePng(BIG_IMAGE_BYTES, `scan ${i}`));
    const { server, env } = await emulator({
      clock: fastClock(),
      faults: {
        http: [
          // A create the emulator makes, whose answer is then lost: reconciled by display name, never made twice.
          { endpoint: 'batches.create', fault: 'dropAfter', rate: 0.3 },
          // 35% of the rest on every endpoint: 15% 503, 10% 429 (asking for 0.1 s), 10% dropped connections.
          { endpoint: '*', fault: 503, rate: 0.15 },
          { endpoint: '*', fault: 429, rate: 0.1 / 0.85, retryAfterSeconds: 0.1 },
          { endpoint: '*', fault: 'drop', rate: 0.1 / 0.75 },
        ],
        // The whole API down for a minute (emulator time), from its 60th call (mid-run: the run makes a few hundred).
        outages: [{ startAtCall: 60, durationMs: 60_000 }],
        // The 12th of its 24 chunks of 8 MiB: half of it kept, then the connection drops.
        dropUploadChunk: [{ nth: 12, minUploadBytes: 150_000_000, committedFraction: 0.5 }],
      },
    });
    const result = await runCli(['run', '--project', project, '--json'], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(300);
    const stats = server.stats();
    expect(expectOneJobPerDisplayName(project, stats.batchesCreated)).toBeGreaterThanOrEqual(12);
    // About 35% of the calls that were not refused by the outage failed (the seeded draw gives somewhat more or less).
    const calls = Object.values(stats.endpointCalls).reduce((sum, count) => sum + count, 0);
    expect(stats.httpFaultsInjected / (calls - stats.outageCallsRefused)).toBeGreaterThan(0.25);
    expect(stats.outageCallsRefused).toBeGreaterThan(0);
    // Creates whose answer was lost were found by their display name in the same run.
    const found = queryLedger(project, "SELECT 1 FROM events WHERE kind = 'job-reconciled' AND message LIKE '%: found batches/%'");
    expect(found.length).toBeGreaterThan(0);
    // The images' input file (about 200 MB of base64) went up once: resumed where the server stood, never begun again.
    expect(stats).toMatchObject({ uploadChunksDropped: 1, uploadsRestarted: 0 });
    expect(stats.uploadsResumed).toBeGreaterThanOrEqual(1);
    expect(stats.bytesUploaded).toBeGreaterThan((BIG_IMAGES * BIG_IMAGE_BYTES * 4) / 3);
    expect(stats.uploadBytesReceived).toBeLessThan(stats.bytesUploaded + 2 * UPLOAD_CHUNK_BYTES);
    // The summary counts the retries by endpoint and status.
    const summary = JSON.parse(result.stdout) as { retries: { endpoint: string; status: string; count: number }[] };
    const retried = new Set(summary.retries.map((retry) => retry.endpoint));
    expect(retried).toContain('getJob');
    expect(new Set(summary.retries.map((retry) => retry.status))).toEqual(expect.objectContaining(new Set(['503', '429', 'network'])));
  }, 300_000);

  it('a provider down longer than the patience ends the run with exit 8; status says since when; the next run submits nothing twice', async () => {
    const project = makeProject({
      count: 4,
      extraYaml: 'resilience: { retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 200 }, patienceMs: 2000 }',
    });
    // Down from the first status call (upload start, chunk and create come first), for hours.
    const { server, env } = await emulator({ clock: fastClock(), faults: { outages: [{ startAtCall: 4, durationMs: 10 * 3_600_000 }] } });
    const down = await runCli(['run', '--project', project], env);
    expect(down.code).toBe(8);
    expect(down.stderr).toMatch(/unreachable since \d{4}-\d\d-\d\dT[\d:.]+Z.*Nothing is lost.*`truebatch run` again/s);
    expect(server.stats().batchesCreated).toBe(1);

    const status = await runCli(['status', '--project', project], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/provider unhealthy since \d{4}-\d\d-\d\dT/);

    const ended = await fetch(`${server.url}/emulator/outage`, { method: 'DELETE' });
    expect(ended.ok).toBe(true);
    const again = await runCli(['run', '--project', project], env);
    expect(again.stderr).not.toContain('unexpected error');
    expect(again.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(4);
    expect(expectOneJobPerDisplayName(project, server.stats().batchesCreated)).toBe(1);
    expect((await runCli(['status', '--project', project], env)).stdout).not.toContain('provider unhealthy');
  }, 120_000);
});
