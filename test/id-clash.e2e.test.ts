/**
 * Id clashes through the real CLI: a newcomer never takes over an id that already has outputs, both files are named
 * in plan, run and status, and a clash counts as an invalid document (exit 7).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest();

/** A project of two text notes, `note_00.txt` and `note_01.txt`. */
function notesProject(): string {
  const project = makeProject({ count: 0 });
  for (const n of ['00', '01']) writeFileSync(join(project, 'docs', `note_${n}.txt`), `Note ${n}: potassium rose by 1${n} mg/kg.`);
  return project;
}

describe('id clashes (end to end)', () => {
  it('adding note_00.md beside a processed note_00.txt: the id keeps its file and outputs; both are named; exit 7', async () => {
    const project = notesProject();
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(ExitCode.ok);
    const outputs = outputFiles(join(project, 'outputs', 'extract'));
    const note00 = join(project, 'outputs', 'extract', outputs.find((name) => name.startsWith('note_00_')) ?? 'missing');
    const before = readFileSync(note00, 'utf8');
    writeFileSync(join(project, 'docs', 'note_00.md'), '# A different note with the same stem');

    const clash =
      'duplicate id `note_00`: already used by note_00.txt, which keeps it (an earlier run used it); note_00.md is not processed: ' +
      'rename one of them, or set input.idField to a JSON field that tells them apart';
    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(ExitCode.invalidDocuments);
    expect(plan.stdout).toContain(`invalid extract note_00.md: ${clash}`);
    expect(plan.stdout).toContain('To submit: 0 request(s)');

    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(ExitCode.invalidDocuments);
    expect(run.stdout).toContain(`note_00.md: ${clash}`);
    expect(server.stats().batchesCreated).toBe(1);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toEqual(outputs);
    expect(readFileSync(note00, 'utf8')).toBe(before);
    expect(queryLedger(project, "SELECT path FROM documents WHERE doc_id = 'note_00'")).toEqual([{ path: 'note_00.txt' }]);

    const status = await runCli(['status', '--project', project], env);
    expect(status.stdout).toContain(`note_00.md: ${clash}`);

    // Once the old file is gone, the id moves to the new one: a rename, not a clash.
    rmSync(join(project, 'docs', 'note_00.txt'));
    const renamed = await runCli(['run', '--project', project], env);
    expect(renamed.code).toBe(ExitCode.ok);
    expect(queryLedger(project, "SELECT path FROM documents WHERE doc_id = 'note_00'")).toEqual([{ path: 'note_00.md' }]);
  });

  it('on a fresh project the first file in path order keeps the id, the other is refused naming both; exit 7', async () => {
    const project = notesProject();
    writeFileSync(join(project, 'docs', 'note_00.md'), '# Same stem, fresh project');
    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(ExitCode.invalidDocuments);
    expect(run.stdout).toContain(
      'note_00.txt: duplicate id `note_00`: already used by note_00.md, which keeps it (it comes first in path order); note_00.txt is not processed',
    );
    expect(Object.keys(server.stats().submissionsByKey).sort()).toEqual(['note_00_extract', 'note_01_extract']);
    expect(queryLedger(project, "SELECT path FROM documents WHERE doc_id = 'note_00'")).toEqual([{ path: 'note_00.md' }]);
    // The next plan keeps the same decision: the recorded file keeps the id.
    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(ExitCode.invalidDocuments);
    expect(plan.stdout).toContain('invalid extract note_00.txt: duplicate id `note_00`: already used by note_00.md, which keeps it (an earlier run used it)');
  });
});
