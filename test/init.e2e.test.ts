/**
 * `truebatch init` as a user runs it: a real CLI process on a real folder, then the project it wrote is planned and
 * run on the embedded emulator.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { outputFiles } from './support/project.ts';
import { writeJsonPapers } from './support/papers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function emptyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-init-'));
  dirs.push(dir);
  return dir;
}

describe('truebatch init', () => {
  it('writes a project for JSON papers that plans and runs to one valid output per paper', async () => {
    const dir = emptyFolder();
    const ids = writeJsonPapers(join(dir, 'papers'), 4);
    const init = await runCli(['init', dir]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`Found 4 JSON document(s) in ${join(dir, 'papers')}/; the prompt uses {{title}}, {{year}}, {{authors}}, {{abstract}}.`);
    expect(init.stdout).toContain('Plan: 4 request(s) in 1 shard(s)');
    expect(init.stdout).toMatch(new RegExp(`\nNext: truebatch --project ${dir} run\n$`));
    expect(readFileSync(join(dir, 'prompts/extract.md'), 'utf8')).toContain('{{title}}');

    const run = await runCli(['--project', dir, 'run']);
    expect(run.code).toBe(0);
    const outputs = outputFiles(join(dir, 'outputs/extract'));
    expect(outputs.map((file) => file.replace(/_extract_.*$/, '')).sort()).toEqual(ids);
    for (const file of outputs) {
      const output = JSON.parse(readFileSync(join(dir, 'outputs/extract', file), 'utf8')) as { summary: unknown; key_points: unknown };
      expect(typeof output.summary).toBe('string');
      expect(Array.isArray(output.key_points)).toBe(true);
    }
  });

  it('uses {{document}} for text documents and reports what it wrote as JSON', async () => {
    const dir = emptyFolder();
    mkdirSync(join(dir, 'documents'));
    writeFileSync(join(dir, 'documents/a.md'), '# Notes\nPotassium matters.\n');
    writeFileSync(join(dir, 'documents/b.txt'), 'Potassium matters too.\n');
    const init = await runCli(['--json', 'init', dir]);
    expect(init.code).toBe(0);
    const result = JSON.parse(init.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      projectDir: dir,
      documents: { folder: 'documents', kind: 'text', count: 2 },
      placeholders: ['document'],
      files: ['truebatch.config.yaml', 'prompts/extract.md', 'schemas/extract.schema.json'],
      plan: { requests: { toSubmit: 2 } },
      next: `truebatch --project ${dir} run`,
    });
  });

  it('refuses to overwrite an existing config (exit 2) and writes nothing', async () => {
    const dir = emptyFolder();
    writeJsonPapers(join(dir, 'papers'), 1);
    writeFileSync(join(dir, 'truebatch.config.yaml'), 'mine\n');
    const init = await runCli(['init', dir]);
    expect(init.code).toBe(2);
    expect(init.stderr).toBe(
      `truebatch: ${join(dir, 'truebatch.config.yaml')} already exists; truebatch init never overwrites a project. ` +
        'Run `truebatch plan` to use it, or move it away and run truebatch init again\n',
    );
    expect(readFileSync(join(dir, 'truebatch.config.yaml'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'prompts'))).toBe(false);
  });

  it('refuses PDFs (exit 2) and says to export their text', async () => {
    const dir = emptyFolder();
    mkdirSync(join(dir, 'papers'));
    writeFileSync(join(dir, 'papers/a.pdf'), '%PDF-1.7\n');
    for (const args of [['init', dir], ['init', dir, '--documents', 'pdf']]) {
      const init = await runCli(args);
      expect(init.code).toBe(2);
      expect(init.stderr).toMatch(/PDF documents are not supported yet\. Export each PDF's text to a \.txt file/);
    }
    expect(existsSync(join(dir, 'truebatch.config.yaml'))).toBe(false);
  });

  it('says where it looked when there are no documents, and refuses an unknown --documents kind (exit 2)', async () => {
    const dir = emptyFolder();
    const none = await runCli(['init', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no documents (.json, .txt, .md) found in ${join(dir, 'papers')}/, ${join(dir, 'documents')}/, ${dir}/`);
    const unknown = await runCli(['init', dir, '--documents', 'docx']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("argument 'docx' is invalid. Allowed choices are json, text, pdf.");
  });
});
