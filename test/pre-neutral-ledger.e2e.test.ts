/**
 * End to end: a ledger written by the release before the neutral request model (test/fixtures/pre-neutral-ledger,
 * see its README) is opened by this code. Its fingerprints are recomputed from the stored Gemini bodies, so `plan`
 * finds nothing to submit and `run` creates no job, uploads nothing and leaves every output as it was. (The ledger
 * names its outputs by the absolute paths of the folder it was made in, so in this copy `run` rewrites them from the
 * stored answers into the project's output folders, byte for byte the same.)
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { queryLedger } from './support/project.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'pre-neutral-ledger');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the fixture project with its ledger unpacked, as a user's disk holds it. */
function fixtureProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'truebatch-pre-neutral-'));
  made.push(dir);
  for (const name of ['papers', 'prompts', 'schemas', 'outputs', 'truebatch.config.yaml']) cpSync(join(FIXTURE, name), join(dir, name), { recursive: true });
  mkdirSync(join(dir, '.truebatch'));
  writeFileSync(join(dir, '.truebatch', 'ledger.db'), gunzipSync(readFileSync(join(FIXTURE, 'ledger.db.gz'))));
  return dir;
}

type Row = { key: string; fingerprint: string };
const fingerprints = (dir: string): Row[] => queryLedger<Row>(dir, 'SELECT key, fingerprint FROM requests ORDER BY key');
const attemptFingerprints = (dir: string): string[] =>
  queryLedger<{ fingerprint: string }>(dir, 'SELECT fingerprint FROM attempts ORDER BY id').map((row) => row.fingerprint);
const count = (dir: string, table: string): number => queryLedger<{ n: number }>(dir, `SELECT COUNT(*) AS n FROM ${table}`)[0]?.n ?? -1;

/** Each output file's text, by stage folder and name. */
function outputTexts(dir: string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const stage of readdirSync(join(dir, 'outputs'))) {
    for (const file of readdirSync(join(dir, 'outputs', stage))) texts[`${stage}/${file}`] = readFileSync(join(dir, 'outputs', stage, file), 'utf8');
  }
  return texts;
}

describe('a ledger written before the neutral request model', () => {
  it('is upgraded in place: plan finds nothing to submit and run submits nothing', async () => {
    const dir = fixtureProject();
    const before = fingerprints(dir);
    const attemptsBefore = attemptFingerprints(dir);
    const jobs = count(dir, 'jobs');
    expect(before).toHaveLength(8);
    expect(jobs).toBe(4);
    expect(attemptsBefore).toHaveLength(9);
    const outputs = outputTexts(dir);
    expect(Object.keys(outputs)).toHaveLength(8);

    const plan = await runCli(['plan', '--project', dir, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as { requests: Record<string, number> };
    expect(planned.requests).toMatchObject({ toSubmit: 0, new: 0, changed: 0, cached: 0, resubmissions: 0, unchanged: 8 });

    // Every fingerprint was recomputed (a new format), keys and counts unchanged; attempts follow their requests.
    const after = fingerprints(dir);
    expect(after.map((row) => row.key)).toEqual(before.map((row) => row.key));
    after.forEach((row, index) => expect(row.fingerprint).not.toBe(before[index]?.fingerprint));
    const renamed = new Map(before.map((row, index) => [row.fingerprint, after[index]?.fingerprint]));
    expect(attemptFingerprints(dir)).toEqual(attemptsBefore.map((old) => renamed.get(old) ?? old));
    expect(queryLedger<{ value: string }>(dir, "SELECT value FROM meta WHERE key = 'fingerprint_format'")).toEqual([{ value: 'neutral-request-1' }]);
    // Stored answers are neutral results now (the finish judged by the Gemini rules), so they are still judged alike.
    const responses = queryLedger<{ response: string }>(dir, 'SELECT response FROM attempts WHERE response IS NOT NULL ORDER BY id')
      .map((row) => JSON.parse(row.response) as Record<string, unknown>);
    expect(responses).toHaveLength(attemptsBefore.length);
    for (const response of responses) {
      expect(response).not.toHaveProperty('finishReason');
      expect(response).toMatchObject({ finish: expect.stringMatching(/^(stop|max-tokens)$/) as unknown, finishNote: expect.stringMatching(/^finishReason /) as unknown });
    }
    expect(responses.filter((response) => response['finish'] === 'max-tokens')).toHaveLength(1);

    const run = await runCli(['run', '--project', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(count(dir, 'jobs')).toBe(jobs);
    expect(attemptFingerprints(dir)).toHaveLength(attemptsBefore.length);
    expect(queryLedger<{ n: number }>(dir, "SELECT COUNT(*) AS n FROM requests WHERE state = 'valid'")[0]?.n).toBe(8);
    // Nothing was written for the provider: no shard, and the embedded emulator never saw an upload.
    expect(readdirSync(join(dir, '.truebatch'))).not.toContain('inputs');
    expect(outputTexts(dir)).toEqual(outputs);
    expect(fingerprints(dir)).toEqual(after);
  });
});
