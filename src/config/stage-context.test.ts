import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveProjectConfig, type ResolveContext } from './resolve-config.ts';
import { configErrorMessage } from './test-support.ts';
import { validateConfigObject } from './validate-config.ts';

let dir: string;
let context: ResolveContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-context-'));
  context = { projectDir: dir, configFile: path.join(dir, 'c.yaml'), source: 'c.yaml', locate: undefined, providerOverride: undefined, env: {} };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stageWith = (extra: Record<string, unknown>) => ({
  provider: 'emulator',
  model: 'gemini-2.5-flash',
  stages: [{ name: 'one', input: { dir: 'docs' }, prompt: { template: 'x' }, ...extra }],
});

describe('a stage context and tools', () => {
  it('reads the inline text first, then the files in order, defaulting cache to auto', async () => {
    await mkdir(path.join(dir, 'context'));
    await writeFile(path.join(dir, 'context/codebook.md'), 'K methods codebook');
    await writeFile(path.join(dir, 'context/units.md'), 'Units: mg/kg');
    const parsed = validateConfigObject(
      stageWith({ context: { text: 'Shared rules.', files: ['context/codebook.md', 'context/units.md'] }, tools: ['googleSearch', 'urlContext'] }),
      'c.yaml',
    );
    const [stage] = (await resolveProjectConfig(parsed, context)).stages;
    expect(stage!.context).toEqual({
      pieces: [
        { kind: 'text', text: 'Shared rules.', source: 'context.text' },
        { kind: 'text', text: 'K methods codebook', source: 'context/codebook.md' },
        { kind: 'text', text: 'Units: mg/kg', source: 'context/units.md' },
      ],
      cache: 'auto',
    });
    expect(stage!.tools).toEqual([{ kind: 'web-search' }, { kind: 'url-context' }]);
  });

  it('names the missing context file and where it is configured', async () => {
    const parsed = validateConfigObject(stageWith({ context: { files: ['context/none.md'], cache: 'always', expectedHours: 2 } }), 'c.yaml');
    await expect(resolveProjectConfig(parsed, context)).rejects.toThrow(/c\.yaml: stages\[0\]\.context\.files\[0\]: file context\/none\.md .* does not exist/);
  });

  it('refuses an empty context, an unknown cache mode, an unknown or repeated tool', () => {
    expect(configErrorMessage(stageWith({ context: {} }))).toContain('expected `text`, `files` or both');
    expect(configErrorMessage(stageWith({ context: { text: 'a', cache: 'sometimes' } }))).toContain('context.cache');
    expect(configErrorMessage(stageWith({ tools: ['codeExecution'] }))).toContain('tools');
    expect(configErrorMessage(stageWith({ tools: ['googleSearch', 'googleSearch'] }))).toContain('expected each tool once');
  });
});
