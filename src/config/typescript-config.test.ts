import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from './load-project-config.ts';
import { importTypeScriptConfig, OWN_ENTRY_URL } from './typescript-config.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function projectWith(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-ts-config-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const configImportingTruebatch = `import { defineConfig } from 'truebatch';
export default defineConfig({
  provider: 'emulator',
  model: 'gemini-2.5-flash',
  stages: [{ name: 'from_bare_import', input: { dir: 'in' }, prompt: { template: 'T {{document}}' } }],
});
`;

describe('importTypeScriptConfig', () => {
  it("points `truebatch` at the running package's own entry (src/index.ts from source)", () => {
    expect(fileURLToPath(OWN_ENTRY_URL)).toBe(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'index.ts'));
  });

  it("resolves `import { defineConfig } from 'truebatch'` in a folder far from any truebatch install", async () => {
    // A temp folder has no node_modules/truebatch above it, as for a user's project with truebatch installed globally.
    const project = await projectWith({ 'truebatch.config.ts': configImportingTruebatch });
    const config = await loadProjectConfig({ projectDir: project, env: {} });
    expect(config.stages[0]!.name).toBe('from_bare_import');
  });

  it('loads the config as an ES module even inside a CommonJS package', async () => {
    const project = await projectWith({
      'package.json': JSON.stringify({ name: 'someone-elses-project', type: 'commonjs' }),
      'truebatch.config.ts': configImportingTruebatch,
    });
    const exported = await importTypeScriptConfig(pathToFileURL(path.join(project, 'truebatch.config.ts')).href, 'c.ts');
    expect(exported).toMatchObject({ stages: [{ name: 'from_bare_import' }] });
  });

  it('names the file and the missing module when another bare import cannot be resolved', async () => {
    const project = await projectWith({
      'truebatch.config.ts': `import { x } from 'no-such-package-anywhere';\nexport default x;\n`,
    });
    await expect(importTypeScriptConfig(pathToFileURL(path.join(project, 'truebatch.config.ts')).href, 'shown.ts')).rejects.toThrow(
      /shown\.ts: could not load the TypeScript config: .*no-such-package-anywhere/,
    );
  });
});
