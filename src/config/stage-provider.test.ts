import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveProjectConfig, type ResolveContext } from './resolve-config.ts';
import { configErrorMessage } from './test-support.ts';
import { validateConfigObject } from './validate-config.ts';

let dir: string;
let context: ResolveContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-stage-provider-'));
  context = { projectDir: dir, configFile: path.join(dir, 'c.yaml'), source: 'c.yaml', locate: undefined, providerOverride: undefined, env: {} };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = async (config: Record<string, unknown>) =>
  resolveProjectConfig(validateConfigObject({ provider: 'gemini', model: 'gemini-2.5-flash', ...config }, 'c.yaml'), context);
const stage = (name: string, more: Record<string, unknown> = {}) => ({ name, input: { dir: 'docs' }, prompt: { template: '{{document}}' }, ...more });
const providersOf = (config: Awaited<ReturnType<typeof resolve>>) => Object.fromEntries(config.stages.map((s) => [s.name, [s.provider, s.model]]));

describe('a stage\'s provider (#21)', () => {
  it('is its own `provider:`, else the project\'s; a variant\'s over its stage\'s', async () => {
    const config = await resolve({
      stages: [
        stage('extract'),
        stage('review', { provider: 'anthropic', model: 'claude-sonnet-4-5' }),
        stage('compare', { variants: [{ name: 'flash' }, { name: 'gpt', provider: 'openai', model: 'gpt-5-mini' }] }),
      ],
    });
    expect(providersOf(config)).toEqual({
      extract: ['gemini', 'gemini-2.5-flash'],
      review: ['anthropic', 'claude-sonnet-4-5'],
      'compare.flash': ['gemini', 'gemini-2.5-flash'],
      'compare.gpt': ['openai', 'gpt-5-mini'],
    });
  });

  it('keeps the stage\'s own provider under --provider, which replaces the project\'s', async () => {
    context = { ...context, providerOverride: 'emulator' };
    const config = await resolve({ stages: [stage('extract'), stage('review', { provider: 'anthropic-emulator', model: 'claude-sonnet-4-5' })] });
    expect(config.provider).toBe('emulator');
    expect(providersOf(config)).toEqual({ extract: ['emulator', 'gemini-2.5-flash'], review: ['anthropic-emulator', 'claude-sonnet-4-5'] });
  });

  it('gives each other provider a stage names its own key from the environment, never the project\'s', async () => {
    context = { ...context, env: { GEMINI_API_KEY: 'g-key', OPENAI_API_KEY: 'o-key' } };
    const config = await resolve({ stages: [stage('extract'), stage('review', { provider: 'openai', model: 'gpt-5-mini' })] });
    expect(config.apiKey).toBe('g-key');
    expect(config.stageProviderAccess).toEqual({ openai: { apiKey: 'o-key', baseUrl: undefined } });
  });

  it('refuses a name that is no provider, saying where', () => {
    expect(configErrorMessage({ provider: 'gemini', model: 'm', stages: [stage('extract', { provider: 'mistral' })] })).toContain('stages[0].provider');
    expect(
      configErrorMessage({ provider: 'gemini', model: 'm', stages: [stage('extract', { variants: [{ name: 'a' }, { name: 'b', provider: 'x' }] })] }),
    ).toContain('stages[0].variants[1].provider');
  });
});
