/**
 * End to end: the CLI as a child process against an emulator over real HTTP, checked through the files on disk,
 * the ledger and the emulator's own counters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { copySoilK, makeProject, outputFiles, queryLedger, useGeminiProvider } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });

describe('truebatch run (end to end)', () => {
  it('runs the soil-k example: every paper valid, consolidation file excluded, variants accepted, bad answers resubmitted as a new batch', async () => {
    const project = copySoilK();
    useGeminiProvider(project);
    const { server, env } = await emulator({
      faults: {
        lines: {
          aliasRate: 0.3,
          aliases: { quantitative_findings: 'key_findings' },
          malformedRate: 0.3,
          malformedKinds: ['truncated'],
          maxSubmissionsPerKey: 1,
        },
      },
    });
    const result = await runCli(['run', '--project', project, '--json'], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);

    const outputs = outputFiles(join(project, 'outputs', 'stage_1a'));
    expect(outputs).toHaveLength(24);
    expect(outputs.some((name) => name.startsWith('complete_dataset'))).toBe(false);
    const issues = queryLedger<{ path: string; reason: string }>(project, "SELECT path, reason FROM corpus_issues WHERE kind = 'excluded'");
    expect(issues.map((issue) => issue.path)).toContain('complete_dataset.json');

    // Aliased answers were accepted, and their outputs carry the canonical name only.
    const aliased = queryLedger<{ issues: string }>(project, "SELECT issues FROM attempts WHERE state = 'valid' AND issues LIKE '%key_findings%'");
    expect(aliased.length).toBeGreaterThan(0);
    for (const name of outputs) {
      const output = JSON.parse(readFileSync(join(project, 'outputs', 'stage_1a', name), 'utf8')) as Record<string, unknown>;
      expect(output).not.toHaveProperty('key_findings');
    }

    // Truncated first answers failed, went into a second batch job, and came back valid.
    const retried = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM requests WHERE stage = 'stage_1a' AND attempts = 2");
    expect(retried[0]?.n).toBeGreaterThan(0);
    const jobs = queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM jobs');
    const stats = server.stats();
    expect(stats.batchesCreated).toBe(jobs[0]?.n);
    expect(stats.batchesCreated).toBeGreaterThanOrEqual(2);
    expect(stats.generateContentCalls).toBe(0);
    const attempts = queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM attempts');
    expect(stats.requestsProcessed).toBe(attempts[0]?.n);
    // Requests go out with the schema's property order as written: Gemini answers in that order, so it is the
    // user's to choose (fingerprints ignore key order; the sent request must not).
    const [body] = queryLedger<{ json: string }>(project, "SELECT b.json FROM request_bodies b JOIN requests r ON r.id = b.request_id WHERE r.stage = 'stage_1a' LIMIT 1");
    const sent = JSON.parse(body?.json ?? '{}') as { generationConfig?: { responseJsonSchema?: { properties?: object } } };
    expect(Object.keys(sent.generationConfig?.responseJsonSchema?.properties ?? {})).toEqual(
      ['paper_metadata', 'research_methodology', 'quantitative_findings', 'conclusions'],
    );
    // Every job's input file was deleted at the provider once collected (its quota is small). Result files were
    // only downloaded, never read with files.get nor deleted: Google refuses both for their 42-character ids
    // (python-genai#1613, #1759; go-genai#436), so they are left to expire.
    expect(stats.filesDeleted).toBe(stats.batchesCreated);
    expect(stats.resultFileGetCalls).toBe(0);
    expect(stats.resultFileDeleteCalls).toBe(0);
    const listed = (await fetch(`${env['GOOGLE_GEMINI_BASE_URL'] ?? ''}/v1beta/files?pageSize=100`, { headers: { 'x-goog-api-key': env['GEMINI_API_KEY'] ?? '' } })
      .then((response) => response.json())) as { files?: { name: string }[] };
    const names = (listed.files ?? []).map((file) => file.name);
    expect(names).toHaveLength(stats.batchesCreated);
    for (const name of names) expect(name).toMatch(/^files\/batch-[a-z0-9]{36}$/);
    const summary = JSON.parse(result.stdout) as { stages: { stage: string; valid: number; givenUp: number }[] };
    expect(summary.stages).toMatchObject([
      { stage: 'stage_1a', valid: 24, givenUp: 0 },
      { stage: 'stage_2a', valid: 24, givenUp: 0 },
    ]);
    expect(outputFiles(join(project, 'outputs', 'stage_2a'))).toHaveLength(24);

    // A second run on the unchanged project submits nothing new.
    const again = await runCli(['run', '--project', project], env);
    expect(again.code).toBe(0);
    expect(server.stats().batchesCreated).toBe(stats.batchesCreated);
    expect(server.stats().filesUploaded).toBe(stats.filesUploaded);
  });

  it('refuses a corpus whose size differs from expectedCount, submitting nothing', async () => {
    const project = makeProject({ count: 5, expectedCount: 6 });
    const { server, env } = await emulator();
    const result = await runCli(['run', '--project', project], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expected 6 documents .* found 5/);
    expect(server.stats().batchesCreated).toBe(0);
  });

  it('gives up requests that keep failing, with their reasons, and exits 3', async () => {
    const project = makeProject({ count: 4, maxAttempts: 2 });
    const { server, env } = await emulator({ faults: { lines: { errorRate: 1, keyContains: 'paper2' } } });
    const result = await runCli(['run', '--project', project], env);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/paper2_extract after 2 attempt\(s\): provider-error/);
    const status = await runCli(['status', '--project', project, '--json'], env);
    const parsed = JSON.parse(status.stdout) as { stages: { valid: number; givenUp: number; givenUpRequests: { key: string; reason: string }[] }[] };
    expect(parsed.stages[0]).toMatchObject({ valid: 3, givenUp: 1 });
    expect(parsed.stages[0]?.givenUpRequests[0]?.key).toBe('paper2_extract');
    // Each retry went out as a new batch: two jobs, never one call per document.
    expect(server.stats().batchesCreated).toBe(2);
    expect(server.stats().submissionsByKey['paper2_extract']).toBe(2);
    expect(server.stats().generateContentCalls).toBe(0);
  });

  it('finishes with every document accounted for under HTTP errors, shuffled, duplicate, missing and unknown keys', async () => {
    const project = makeProject({ count: 12 });
    const { server, env } = await emulator({
      seed: 7,
      faults: {
        http: [
          { endpoint: 'batches.get', fault: 503, rate: 0.3 },
          { endpoint: 'files.download', fault: 'drop', limit: 1 },
          { endpoint: 'upload.start', fault: 429, limit: 1 },
        ],
        output: { shuffle: true, duplicateKeys: 2, missingKeys: 2, unknownKeys: 2, nth: 1 },
      },
    });
    const result = await runCli(['run', '--project', project], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(12);
    const events = queryLedger<{ kind: string }>(project, 'SELECT kind FROM events');
    const kinds = new Set(events.map((event) => event.kind));
    expect(kinds).toContain('result-duplicate');
    expect(kinds).toContain('result-unknown');
    // Missing keys were resubmitted in a later job and nothing else was.
    const stats = server.stats();
    expect(stats.duplicateKeySubmissions).toBeGreaterThanOrEqual(2);
    const counts = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM requests WHERE state = 'valid'");
    expect(counts[0]?.n).toBe(12);
  });

  it('reports a provider file it could not delete and carries on', async () => {
    const project = makeProject({ count: 2 });
    const { server, env } = await emulator({ faults: { http: [{ endpoint: 'files.delete', fault: 503 }] } });
    const result = await runCli(['run', '--project', project], env);
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(2);
    expect(result.stdout + result.stderr).toMatch(/could not delete files\/\S+ at the provider .*it expires on its own/);
    const kept = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM events WHERE kind = 'provider-file-kept'");
    // Only the input file: the result file is never deleted (it cannot be, at Google).
    expect(kept[0]?.n).toBe(1);
    expect(server.stats().filesDeleted).toBe(0);
  });

  it('reports a create refused for one bad line with the line, its request key and the field; nothing is lost', async () => {
    // Google refuses the whole batch at create for one line outside the REST schema (inspect_ai#3257).
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator({ faults: { jobs: [{ nth: 1, outcome: 'refused-bad-line', line: 2, field: 'thinking_config' }] } });
    const refused = await runCli(['run', '--project', project], env);
    expect(refused.code).not.toBe(0);
    const [job] = queryLedger<{ state: string; input_path: string }>(project, 'SELECT state, input_path FROM jobs');
    const secondKey = (JSON.parse(readFileSync(job!.input_path, 'utf8').split('\n')[1]!) as { key: string }).key;
    expect(refused.stderr).toContain(`line 2 (key ${secondKey}): no such field: 'thinking_config'`);
    expect(job?.state).toBe('uploaded');
    expect(server.stats().batchesCreated).toBe(0);
    expect(server.stats().endpointCalls['batches.create']).toBe(1);
    // The next run creates the job (the fault refused only the first create) and every request comes back.
    const again = await runCli(['run', '--project', project], env);
    expect(again.code, again.stderr).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
    expect(server.stats().batchesCreated).toBe(1);
  });

  it('collects expired and failed jobs, keeps what finished, and resubmits only the rest', async () => {
    const project = makeProject({ count: 6 });
    const { server, env } = await emulator({
      faults: { jobs: [{ nth: 1, outcome: 'expired', afterLines: 2 }, { nth: 2, outcome: 'failed', afterLines: 1 }] },
    });
    const result = await runCli(['run', '--project', project], env);
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(6);
    const jobs = queryLedger<{ state: string; remote_state: string }>(project, 'SELECT state, remote_state FROM jobs ORDER BY id');
    expect(jobs.map((job) => job.remote_state)).toEqual(['BATCH_STATE_EXPIRED', 'BATCH_STATE_FAILED', 'BATCH_STATE_SUCCEEDED']);
    // An expired job keeps no results (as Google documents), so all 6 go again; the failed job kept its first
    // line, so only the other 5 go a third time.
    const submissions: number[] = Object.values(server.stats().submissionsByKey);
    expect(submissions.reduce((a, b) => a + b, 0)).toBe(6 + 6 + 5);
    const attempts = queryLedger<{ state: string; n: number }>(project, 'SELECT state, COUNT(*) AS n FROM attempts GROUP BY state ORDER BY state');
    expect(attempts).toEqual([{ state: 'failed', n: 11 }, { state: 'valid', n: 6 }]);
  });

  it('never writes the API key to the ledger, logs or outputs', async () => {
    const secret = 'AIzaSy-SECRET-do-not-leak-123456';
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator({ apiKey: secret, jobDurationMs: 100 });
    const ok = await runCli(['run', '--project', project], env);
    expect(ok.code).toBe(0);
    // A wrong key makes the provider answer 403; the error must not echo either key.
    const wrong = 'AIzaSy-WRONG-also-secret-987654';
    const deniedProject = makeProject({ count: 1 });
    const denied = await runCli(['run', '--project', deniedProject], { GEMINI_API_KEY: wrong, GOOGLE_GEMINI_BASE_URL: server.url });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/40[13]/);
    const texts = [ok.stdout, ok.stderr, denied.stdout, denied.stderr];
    const { readdirSync, statSync } = await import('node:fs');
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
    for (const path of [...walk(project), ...walk(deniedProject)]) texts.push(readFileSync(path).toString('latin1'));
    for (const text of texts) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(wrong);
    }
  });
});
