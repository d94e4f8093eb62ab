/** @module The provider registry: one entry per name, each with its provider's own reader and capabilities. */
import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../config/index.ts';
import { ConfigError, createManualClock } from '../shared/index.ts';
import { createAnthropicProvider } from './anthropic/index.ts';
import { FakeBatchService } from './fake/index.ts';
import { createGeminiProvider } from './gemini/index.ts';
import { providerEntry, resultReaderFor } from './registry.ts';

describe('provider registry', () => {
  it("gives a provider's own readResults by its name, and refuses a name it does not know", () => {
    const gemini = createGeminiProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    expect(resultReaderFor(gemini.name)).toBe(gemini.readResults);
    expect(() => resultReaderFor('nobody')).toThrow(ConfigError);
  });

  it('declares on each entry the capabilities its connected provider declares', async () => {
    const gemini = createGeminiProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    expect(providerEntry('gemini').capabilities).toBe(gemini.capabilities);
    expect(providerEntry('emulator').capabilities).toBe(gemini.capabilities);
    const anthropic = createAnthropicProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    expect(providerEntry('anthropic').capabilities).toBe(anthropic.capabilities);
    expect(providerEntry('anthropic-emulator').capabilities).toBe(anthropic.capabilities);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    expect(resultReaderFor(anthropic.name)).toBe(anthropic.readResults);
    const clock = createManualClock();
    const connection = await providerEntry('fake').connect({ config: {} as ProjectConfig, stateDir: '/nowhere', clock, settings: undefined });
    expect(connection.provider.capabilities).toEqual(providerEntry('fake').capabilities);
    expect(connection.provider.name).toBe('fake');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    expect(resultReaderFor('fake')).toBe(connection.provider.readResults);
  });

  it('hands the fake the service a caller passes, so a test scripts and inspects it', async () => {
    const clock = createManualClock();
    const service = new FakeBatchService({ clock, limits: { maxRequestsPerJob: 7 } });
    const { provider } = await providerEntry('fake').connect({ config: {} as ProjectConfig, stateDir: '/nowhere', clock, settings: service });
    expect(provider.capabilities.limits.maxRequestsPerJob).toBe(7);
    await expect(provider.getJob('batches/none')).rejects.toThrow('no such job');
    expect(service.stats().calls.getJob).toBe(1);
  });

  it('refuses an unknown provider name with ConfigError naming the known ones', () => {
    expect(() => providerEntry('vertex')).toThrow(/unknown provider "vertex"; known: gemini, emulator, openai, openai-emulator, anthropic, anthropic-emulator, fake/);
  });
});
