/**
 * `truebatch validate` after a stricter rule: without --apply it lists what would become invalid and changes
 * nothing (no file, no ledger row); with --apply it records the verdicts and removes the outputs that fail now.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const PAPERS = 20;

/** Everything `validate --apply` could change in the ledger, as one comparable value. */
function ledgerState(project: string): unknown {
  return {
    requests: queryLedger(project, 'SELECT * FROM requests ORDER BY id'),
    attempts: queryLedger(project, 'SELECT * FROM attempts ORDER BY id'),
    events: queryLedger(project, 'SELECT * FROM events ORDER BY id'),
  };
}

describe('truebatch validate (end to end)', () => {
  it('lists what a stricter rule would reject and changes nothing; --apply applies it', async () => {
    const project = makeProject({ count: PAPERS });
    expect((await runCli(['run', '--project', project, '--provider', 'emulator'])).code).toBe(0);
    const outputs = join(project, 'outputs', 'extract');
    const filesBefore = outputFiles(outputs);
    expect(filesBefore).toHaveLength(PAPERS);
    const ledgerBefore = ledgerState(project);

    const configPath = join(project, 'truebatch.config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('    maxAttempts: 3', '    validation: { required: [doi] }\n    maxAttempts: 3'));

    const preview = await runCli(['validate', '--project', project, '--json']);
    expect(preview.code).toBe(0);
    const listed = JSON.parse(preview.stdout) as {
      applied: boolean;
      stages: { checked: number; nowInvalid: number; changes: { key: string; change: string; reason: string; outputPath: string }[] }[];
    };
    expect(listed.applied).toBe(false);
    const changes = listed.stages[0]?.changes ?? [];
    expect(listed.stages[0]).toMatchObject({ checked: PAPERS, nowInvalid: PAPERS });
    expect(changes.map((c) => c.key).sort()).toEqual(Array.from({ length: PAPERS }, (_, i) => `paper${i + 1}_extract`).sort());
    expect(changes.every((c) => c.change === 'now-invalid' && c.reason.includes('doi') && c.outputPath.includes('outputs'))).toBe(true);
    expect(outputFiles(outputs)).toEqual(filesBefore);
    expect(ledgerState(project)).toEqual(ledgerBefore);

    const text = await runCli(['validate', '--project', project]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('paper20_extract');
    expect(text.stdout).toContain(`Nothing was changed. \`truebatch validate --apply\` records these ${PAPERS} verdict(s)`);
    expect(outputFiles(outputs)).toEqual(filesBefore);
    expect(ledgerState(project)).toEqual(ledgerBefore);

    const applied = await runCli(['validate', '--project', project, '--apply', '--json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, stages: [{ nowInvalid: PAPERS }] });
    expect(outputFiles(outputs)).toEqual([]);
    const states = queryLedger<{ state: string }>(project, 'SELECT state FROM requests');
    expect(states.every((r) => r.state === 'pending')).toBe(true);

    // Applied once, there is nothing left to change.
    const again = JSON.parse((await runCli(['validate', '--project', project, '--json'])).stdout) as { stages: { changes: unknown[] }[] };
    expect(again.stages[0]?.changes).toEqual([]);
  });

  it('says in its help that it changes nothing without --apply', async () => {
    const help = await runCli(['validate', '--help']);
    expect(help.stdout).toContain('changes nothing unless --apply');
    expect(help.stdout).toContain('--apply');
  });
});
