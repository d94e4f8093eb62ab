/** @module Makes sure dist/ is built from the current src/ before the bench runs the CLI from it, and says which code that is. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { FilesystemError } from '../src/shared/index.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/cli/main.js is missing or older than any source file; returns its path. */
export function ensureBuilt(repoRoot: string, log: (message: string) => void): string {
  const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');
  if (existsSync(cliPath) && statSync(cliPath).mtimeMs >= newestMtime(join(repoRoot, 'src'))) return cliPath;
  log('dist/ is missing or older than src/: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(cliPath)) {
    throw new FilesystemError(`npm run build failed (exit ${build.status ?? build.signal}); the bench runs dist/cli/main.js`);
  }
  return cliPath;
}

/** The commit the bench measures, `+` when src/ has uncommitted changes (read-only git calls). */
export function codeVersion(repoRoot: string): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : '+'}`;
}

/**
 * Transpiles bench/naive-baseline.ts to dist/bench/naive-baseline.js (types stripped, nothing bundled: its one
 * import, the SDK, resolves from the repository's node_modules) so it runs on plain node like the built CLI,
 * without the TypeScript loader's memory in its peak RSS. Returns its path.
 */
export function buildNaiveBaseline(repoRoot: string): string {
  const source = readFileSync(join(repoRoot, 'bench', 'naive-baseline.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const outDir = join(repoRoot, 'dist', 'bench');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'naive-baseline.js');
  writeFileSync(path, outputText);
  return path;
}
