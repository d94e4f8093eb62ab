/**
 * The README's "Use it on your own documents", run line by line: pack the checkout, install the tarball into an
 * empty prefix, and in an empty folder of generated JSON papers run the installed `truebatch init` and `truebatch
 * run`. The only additions are flags that keep everything in temp folders (and npm's cache preferred, for speed).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess, type CliResult } from './support/cli.ts';
import { writeJsonPapers } from './support/papers.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const root = mkdtempSync(join(tmpdir(), 'tb-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The shell lines of the README section, comments dropped. */
function readmeInstallLines(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('\n## Use it on your own documents\n')[1]?.split('\n## ')[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '');
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return startProcess(command, args, { cwd, env }).done;
}

describe('installing from the checkout (README: Use it on your own documents)', () => {
  const packDir = join(root, 'pack');
  const prefix = join(root, 'prefix');
  const projectDir = join(root, 'my-papers');
  const bin = join(prefix, 'bin');
  // A clean environment, as on a fresh machine: nothing inherited from the test runner but PATH, HOME, npm's cache and
  // the Node headers to compile better-sqlite3 against (.ci/run sets them for Node 24, which has no headers download).
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
    HOME: process.env['HOME'] ?? root,
  };
  for (const name of ['npm_config_cache', 'npm_config_nodedir']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }

  it('says exactly the commands this test runs', () => {
    expect(readmeInstallLines()).toEqual([
      'npm pack',
      `npm install -g ./truebatch-${version}.tgz`,
      'cd ~/my-papers',
      'truebatch init',
      'truebatch run',
    ]);
  });

  it('packs, installs, and runs init then run to one valid output per paper', { timeout: 10 * 60_000 }, async () => {
    mkdirSync(packDir);
    const paperIds = writeJsonPapers(join(projectDir, 'papers'), 5);
    let cwd = repoRoot;
    for (const line of readmeInstallLines()) {
      const [command = '', ...args] = line.split(/\s+/);
      let ran: CliResult;
      if (command === 'cd') {
        cwd = projectDir;
        continue;
      } else if (command === 'npm' && args[0] === 'pack') {
        ran = await run('npm', [...args, '--pack-destination', packDir], cwd, env);
        cwd = packDir;
      } else if (command === 'npm' && args[0] === 'install') {
        ran = await run('npm', [...args, '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'], cwd, env);
      } else {
        expect(command).toBe('truebatch');
        // Found on PATH, from the prefix the tarball was installed into, as a user's shell would find it.
        ran = await run(command, args, cwd, env);
      }
      expect({ line, code: ran.code, stderr: ran.code === 0 ? '' : ran.stderr }).toEqual({ line, code: 0, stderr: '' });
      if (line === 'truebatch init') expect(ran.stdout).toMatch(/\nNext: truebatch run\n$/);
    }

    const outputDir = join(projectDir, 'outputs', 'extract');
    const outputs = readdirSync(outputDir).filter((file) => file.endsWith('.json'));
    expect(outputs.map((file) => file.replace(/_extract_.*$/, '')).sort()).toEqual(paperIds);
    for (const file of outputs) {
      const answer = JSON.parse(readFileSync(join(outputDir, file), 'utf8')) as Record<string, unknown>;
      expect(typeof answer['summary']).toBe('string');
      expect(Array.isArray(answer['key_points'])).toBe(true);
    }
  });

  it('installed, prints its version and loads a .ts config that imports defineConfig from truebatch', async () => {
    expect(await run('truebatch', ['--version'], root, env)).toMatchObject({ code: 0, stdout: `${version}\n` });
    const tsProject = join(root, 'ts-project');
    mkdirSync(join(tsProject, 'notes'), { recursive: true });
    writeFileSync(join(tsProject, 'notes', 'a.txt'), 'Potassium matters.\n');
    writeFileSync(
      join(tsProject, 'truebatch.config.ts'),
      `import { defineConfig } from 'truebatch';
export default defineConfig({
  provider: 'emulator',
  model: 'gemini-2.5-flash',
  stages: [{ name: 'notes', input: { dir: 'notes' }, prompt: { template: 'Summarise: {{document}}' } }],
});
`,
    );
    const plan = await run('truebatch', ['--json', 'plan'], tsProject, env);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ requests: { toSubmit: 1 } });
  });
});
