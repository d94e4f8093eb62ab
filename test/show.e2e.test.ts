/**
 * `truebatch show`: the exact request a document becomes, before anything ran (no provider, nothing recorded), and
 * the same line the run then writes to its JSONL input file; did-you-mean for unknown keys, and a clear usage error
 * for a downstream request whose upstream output does not exist yet.
 */
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestPreview } from '../src/engine/index.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest();

/** `show --json` prints the engine's preview as it is. */
type Shown = RequestPreview;

async function show(project: string, ...args: string[]): Promise<Shown> {
  const shown = await runCli(['show', ...args, '--project', project, '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout) as Shown;
}

/** Every line of the run's JSONL input files, by key. */
function submittedLines(project: string): Map<string, string> {
  const dir = join(project, '.truebatch', 'inputs');
  const lines = readdirSync(dir).filter((name) => name.endsWith('.jsonl')).flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean));
  return new Map(lines.map((line) => [(JSON.parse(line) as { key: string }).key, line]));
}

/** A one-stage test project with a second stage reading the first one's outputs. */
function twoStageProject(): string {
  const project = makeProject({ count: 3 });
  writeFileSync(join(project, 'review.md'), 'Check these findings of {{title}} ({{year}}): {{findings}}\n');
  appendFileSync(join(project, 'truebatch.config.yaml'), '  - { name: review, input: { stage: extract }, prompt: { file: review.md }, generationConfig: { responseMimeType: application/json } }\n');
  return project;
}

describe('truebatch show (end to end)', () => {
  it('shows the exact request before anything ran, contacting no provider and recording nothing', async () => {
    const project = twoStageProject();
    // No API key in the environment: the gemini provider could not even be reached.
    const before = await show(project, 'paper1_extract');
    expect(before).toMatchObject({ stage: 'extract', key: 'paper1_extract', document: { id: 'paper1', path: 'docs/paper1.json' }, model: 'gemini-2.5-flash' });
    expect(before.status).toMatchObject({ state: 'pending', change: 'new', outputPath: null });
    expect(before.prompt).toContain('Extract the title, year and findings of this paper as JSON.');
    expect(before.prompt).toContain('"title": "Potassium study 1"');
    expect(JSON.parse(before.line)).toMatchObject({ key: 'paper1_extract', request: { contents: [{ role: 'user', parts: [{ text: before.prompt }] }] } });
    expect(before.estimatedTokens.input).toBeGreaterThan(0);
    expect(queryLedger(project, 'SELECT * FROM requests')).toEqual([]);
    expect(queryLedger(project, 'SELECT * FROM documents')).toEqual([]);

    // By document id within a stage, and in words.
    expect((await show(project, '--stage', 'extract', 'paper1')).line).toBe(before.line);
    const text = await runCli(['show', 'paper1_extract', '--project', project]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(before.line);
    expect(text.stdout).toContain('status pending (new)');

    // A downstream request exists only once its upstream output does.
    const downstream = await runCli(['show', 'paper1_review', '--project', project]);
    expect(downstream.code).toBe(2);
    expect(downstream.stderr).toContain('review paper1_review: its request is built from the output of extract for document paper1, which does not exist yet');
  });

  it('shows the line the run then sends, and where the request stands as it moves on', async () => {
    const project = twoStageProject();
    const before = await show(project, 'paper1_extract');

    // Detached, the job's JSONL input file stays in .truebatch/inputs until the job is collected.
    const { server, env } = await emulator({ jobDurationMs: 1500 });
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    expect(submittedLines(project).get('paper1_extract')).toBe(before.line);
    const recorded = queryLedger<{ fingerprint: string }>(project, "SELECT fingerprint FROM requests WHERE key = 'paper1_extract'");
    expect(recorded).toEqual([{ fingerprint: before.fingerprint }]);
    expect((await show(project, 'paper1_extract')).status).toMatchObject({ state: 'in_job', change: 'unchanged' });
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const calls = server.stats().endpointCalls;

    const after = await show(project, 'paper1_extract');
    expect(after.line).toBe(before.line);
    expect(after.status).toMatchObject({ state: 'valid', change: 'unchanged' });
    expect(after.status.outputPath).toMatch(/outputs\/extract\/paper1_extract/);
    // By the output file it wrote, too; and the downstream request, now that its upstream output exists.
    expect((await show(project, after.status.outputPath ?? '')).key).toBe('paper1_extract');
    const review = await show(project, 'paper1_review');
    expect(review.prompt).toMatch(/^Check these findings of Potassium study 1 \(2001\): /);
    const reviewed = queryLedger<{ fingerprint: string }>(project, "SELECT fingerprint FROM requests WHERE key = 'paper1_review'");
    expect(reviewed).toEqual([{ fingerprint: review.fingerprint }]);
    expect(review.status.state).toBe('valid');
    expect(server.stats().endpointCalls).toEqual(calls);

    // A changed prompt: the request changes, and the next run would submit it.
    writeFileSync(join(project, 'prompt.md'), 'List the title, year and findings as JSON.\n\n{{document}}\n');
    const changed = await show(project, 'paper1_extract');
    expect(changed.status).toMatchObject({ state: 'pending', change: 'changed' });
    expect(changed.fingerprint).not.toBe(before.fingerprint);
    expect(changed.prompt).toContain('List the title, year and findings as JSON.');
  }, 120_000); // nine CLI processes and two runs: well under a minute, but not on a loaded machine

  it('shows a retry with its repair note, exactly as the retry then sends it', async () => {
    const project = makeProject({ count: 2 });
    // paper1's first answer names `findings` `key_findings`: invalid, so its retry carries a repair note.
    const faults = { lines: { aliasRate: 1, aliases: { findings: 'key_findings' }, keyContains: 'paper1', maxSubmissionsPerKey: 1 } };
    const { env } = await emulator({ jobDurationMs: 300, faults });
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    const stateOf = (): { state: string; repair_note: string | null } | undefined =>
      queryLedger<{ state: string; repair_note: string | null }>(project, "SELECT state, repair_note FROM requests WHERE key = 'paper1_extract'")[0];
    // `collect` submits nothing: the retry waits, pending, for the next run.
    for (let i = 0; i < 20 && stateOf()?.state !== 'pending'; i++) expect((await runCli(['collect', '--project', project], env)).code).toBe(0);
    expect(stateOf()?.repair_note).toContain('findings');

    const retry = await show(project, 'paper1_extract');
    expect(retry.status).toMatchObject({ state: 'pending', change: 'unchanged' });
    expect(retry.repairNote).toBe(stateOf()?.repair_note);
    const parts = (JSON.parse(retry.line) as { request: { contents: { parts: { text: string }[] }[] } }).request.contents[0]?.parts;
    expect(parts?.map((part) => part.text)).toEqual([retry.prompt, retry.repairNote]);
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    expect(submittedLines(project).get('paper1_extract')).toBe(retry.line);
  }, 120_000);

  it('refuses an unknown key with a did-you-mean, and a document id given as a key with its keys (exit 2)', async () => {
    const project = twoStageProject();
    const typo = await runCli(['show', 'paper1_extrct', '--project', project]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no request key paper1_extrct in any stage; did you mean paper1_extract?');
    const id = await runCli(['show', 'paper2', '--project', project]);
    expect(id.code).toBe(2);
    expect(id.stderr).toContain('no request key paper2: that is a document id; its request keys are paper2_extract (extract), paper2_review (review)');
    const noDocument = await runCli(['show', '--stage', 'extract', 'paper9', '--project', project]);
    expect(noDocument.code).toBe(2);
    expect(noDocument.stderr).toContain('no document with id paper9 in stage extract; did you mean paper1?');
  });

  it('says why a request cannot be built (exit 2)', async () => {
    const project = makeProject({ count: 2 });
    writeFileSync(join(project, 'prompt.md'), 'Summarise {{abstrct}} as JSON.\n');
    const missing = await runCli(['show', 'paper1_extract', '--project', project]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/extract paper1_extract \(docs\/paper1\.json\): its request cannot be built: .*abstrct/);
  });
});
