import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveProjectConfig, type ResolveContext } from './resolve-config.ts';
import { validateConfigObject } from './validate-config.ts';

let dir: string;
let context: ResolveContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-variants-'));
  context = { projectDir: dir, configFile: path.join(dir, 'c.yaml'), source: 'c.yaml', locate: undefined, providerOverride: undefined, env: {} };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = async (config: Record<string, unknown>) => resolveProjectConfig(validateConfigObject({ provider: 'emulator', model: 'm', ...config }, 'c.yaml'), context);

describe('stage variants (#19)', () => {
  it('resolve to one stage per variant with its own name, folder, model, prompt and generation settings; downstream reads the first', async () => {
    await writeFile(path.join(dir, 'lite.md'), 'Lite prompt {{document}}');
    const config = await resolve({
      stages: [
        {
          name: 'next',
          input: { stage: 'extract' },
          prompt: { template: 'n' },
        },
        {
          name: 'extract',
          input: { dir: 'docs' },
          prompt: { template: 'Full prompt {{document}}', system: 'sys' },
          generationConfig: { temperature: 0.1, maxOutputTokens: 100 },
          variants: [
            { name: 'pro', model: 'gemini-2.5-pro' },
            { name: 'lite', model: 'gemini-2.5-flash-lite', prompt: { file: 'lite.md' }, generationConfig: { temperature: 0.7 } },
          ],
        },
      ],
    });
    // Upstream first: a downstream stage may come between the variants.
    expect(config.stages.map((stage) => stage.name)).toEqual(['extract.pro', 'next', 'extract.lite']);
    const [pro, next, lite] = config.stages;
    expect(pro).toMatchObject({
      model: 'gemini-2.5-pro',
      variant: { stage: 'extract', name: 'pro', primary: true },
      prompt: { template: 'Full prompt {{document}}', system: 'sys' },
      generationConfig: { temperature: 0.1, maxOutputTokens: 100 },
      output: { dir: path.join(dir, 'outputs', 'extract', 'pro') },
    });
    expect(lite).toMatchObject({
      model: 'gemini-2.5-flash-lite',
      variant: { stage: 'extract', name: 'lite', primary: false },
      prompt: { template: 'Lite prompt {{document}}', templateFile: path.join(dir, 'lite.md'), system: 'sys' },
      generationConfig: { temperature: 0.7, maxOutputTokens: 100 },
      output: { dir: path.join(dir, 'outputs', 'extract', 'lite') },
    });
    expect(next?.input).toEqual({ kind: 'stage', stage: 'extract.pro', withDocument: false });
    expect(next?.variant).toBeUndefined();
  });

  it("takes a variant's response schema in place of the stage's, whatever form either is given in", async () => {
    await writeFile(path.join(dir, 's.json'), '{"type": "object", "required": ["a"]}');
    const config = await resolve({
      stages: [{
        name: 's', input: { dir: 'd' }, prompt: { template: 'x' }, generationConfig: { responseJsonSchemaFile: 's.json' },
        variants: [{ name: 'a' }, { name: 'b', generationConfig: { responseSchema: { type: 'OBJECT' } } }],
      }],
    });
    const [a, b] = config.stages;
    expect(a?.generationConfig).toEqual({ responseJsonSchema: { type: 'object', required: ['a'] }, responseMimeType: 'application/json' });
    expect(b?.generationConfig).toEqual({ responseSchema: { type: 'OBJECT' }, responseMimeType: 'application/json' });
  });

  it('a variant giving its own system text replaces the stage\'s', async () => {
    const config = await resolve({
      stages: [{ name: 's', input: { dir: 'd' }, prompt: { template: 'x', system: 'stage sys' }, variants: [{ name: 'a' }, { name: 'b', prompt: { template: 'y', system: 'own' } }] }],
    });
    expect(config.stages.map((stage) => stage.prompt)).toEqual([{ template: 'x', system: 'stage sys' }, { template: 'y', system: 'own' }]);
  });

  it("puts variant folders under the stage's own output.dir", async () => {
    const config = await resolve({
      stages: [{ name: 's', input: { dir: 'd' }, prompt: { template: 'x' }, output: { dir: 'out/s' }, variants: [{ name: 'a' }, { name: 'b', model: 'm2' }] }],
    });
    expect(config.stages.map((stage) => stage.output.dir)).toEqual([path.join(dir, 'out/s/a'), path.join(dir, 'out/s/b')]);
  });

  it("names a variant's missing prompt file at its own path", async () => {
    await expect(
      resolve({ stages: [{ name: 's', input: { dir: 'd' }, prompt: { template: 'x' }, variants: [{ name: 'a' }, { name: 'b', prompt: { file: 'nope.md' } }] }] }),
    ).rejects.toThrow(/stages\[0\]\.variants\[1\]\.prompt\.file/);
  });

  it('refuses one variant, a name given twice, and a bad name; takes a stage model or prompt from its variants', () => {
    const base = { name: 's', input: { dir: 'd' }, prompt: { template: 'x' } };
    expect(() => validateConfigObject({ model: 'm', stages: [{ ...base, variants: [{ name: 'a' }] }] }, 'c.yaml')).toThrow(/at least two variants/);
    expect(() => validateConfigObject({ model: 'm', stages: [{ ...base, variants: [{ name: 'a' }, { name: 'a' }] }] }, 'c.yaml')).toThrow(/unique variant name/);
    expect(() => validateConfigObject({ model: 'm', stages: [{ ...base, variants: [{ name: 'a.b' }, { name: 'c' }] }] }, 'c.yaml')).toThrow(/letters, digits/);
    const noStageModel = { stages: [{ name: 's', input: { dir: 'd' }, variants: [{ name: 'a', model: 'x', prompt: { template: 'p' } }, { name: 'b', model: 'y', prompt: { template: 'q' } }] }] };
    expect(() => validateConfigObject(noStageModel, 'c.yaml')).not.toThrow();
    expect(() => validateConfigObject({ stages: [{ ...base, variants: [{ name: 'a', model: 'x' }, { name: 'b' }] }] }, 'c.yaml')).toThrow(/missing; expected a model/);
  });
});
