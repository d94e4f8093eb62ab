import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { defineConfig } from './define-config.ts';
import { loadProjectConfig } from './load-project-config.ts';

const configIndex = path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.ts');
let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('defineConfig', () => {
  it('returns its argument unchanged', () => {
    const config = { provider: 'emulator' as const, model: 'm', stages: [] };
    expect(defineConfig(config)).toBe(config);
  });

  it('is the default export of a truebatch.config.ts that loads like YAML', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-ts-config-'));
    await writeFile(
      path.join(dir, 'truebatch.config.ts'),
      `import { defineConfig } from ${JSON.stringify(configIndex)};
const temperature: number = 0.3;
export default defineConfig({
  provider: 'emulator',
  model: 'gemini-2.5-flash',
  stages: [{ name: 'ts_stage', input: { dir: 'in' }, prompt: { template: 'T {{document}}' }, generationConfig: { temperature } }],
});
`,
    );
    const config = await loadProjectConfig({ projectDir: dir, env: {} });
    expect(config.configFile).toBe(path.join(dir, 'truebatch.config.ts'));
    expect(config.stages[0]!.name).toBe('ts_stage');
    expect(config.stages[0]!.generationConfig.temperature).toBe(0.3);
    expect(config.stages[0]!.input).toMatchObject({ kind: 'files', dir: path.join(dir, 'in') });
  });

  it('validates a .ts config with the same errors', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-ts-config-'));
    await writeFile(
      path.join(dir, 'truebatch.config.ts'),
      `export default { provider: 'emulator', model: 'm', stages: [{ name: 's', input: { dir: 'in' }, prompt: { template: 't' }, maxAttempt: 2 }] };\n`,
    );
    await expect(loadProjectConfig({ projectDir: dir, env: {} })).rejects.toThrow(
      /truebatch\.config\.ts: stages\[0\]\.maxAttempt: unknown key; did you mean `maxAttempts`\?/,
    );
  });
});
