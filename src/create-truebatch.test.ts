/** @module The composition root: one lock, the provider from the registry, limits merged, failures leave nothing held. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from './config/index.ts';
import { openLedgerSession, openProject, requireDrivable, withProviderLimits } from './create-truebatch.ts';
import { fakeProjects } from './engine/test-support/fake-project.ts';
import { providerEntry } from './providers/index.ts';
import { ConfigError, LockedError } from './shared/index.ts';

const fakeProject = fakeProjects();
const quiet = { reporter: { notice: () => {}, job: () => {} }, signal: new AbortController().signal };

describe('openProject', () => {
  it('connects the provider the registry names, with the settings given (the fake and its service)', async () => {
    const project = await fakeProject();
    const opened = await project.open();
    try {
      expect(opened.context.provider.name).toBe('fake');
      await expect(opened.context.provider.findJobsByDisplayName('x')).resolves.toEqual([]);
      expect(project.service.stats().calls.findJobsByDisplayName).toBe(1);
    } finally {
      await opened.close();
    }
  });

  it("narrows the config's sharding to the provider's declared limits; the smaller of the two wins", async () => {
    const narrow = await fakeProject({ limits: { maxRequestsPerJob: 2, maxBytesPerJob: 5000 } });
    const opened = await narrow.open();
    try {
      expect(opened.context.config.sharding).toEqual({ maxRequestsPerJob: 2, maxBytesPerJob: 5000 });
    } finally {
      await opened.close();
    }
    const wide = await fakeProject({ limits: { maxRequestsPerJob: 50 }, extraYaml: 'sharding: { maxRequestsPerJob: 3 }' });
    const capabilities = { ...providerEntry('fake').capabilities, limits: wide.service.limits };
    expect(withProviderLimits(wide.config, capabilities).sharding).toEqual({ maxRequestsPerJob: 3, maxBytesPerJob: wide.config.sharding.maxBytesPerJob });
  });

  it('takes the one project lock for a run and for a writing command alike, and releases it on close', async () => {
    const project = await fakeProject();
    const lockPath = join(project.dir, '.truebatch', 'lock');
    const opened = await project.open();
    expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    await opened.close();
    expect(existsSync(lockPath)).toBe(false);
    // Held by another live process (this test's parent): both ways in are refused; reading without it is not.
    writeFileSync(lockPath, String(process.ppid));
    await expect(project.open()).rejects.toBeInstanceOf(LockedError);
    expect(() => openLedgerSession(project.config, { locked: true })).toThrow(LockedError);
    openLedgerSession(project.config, { locked: false }).close();
    expect(readFileSync(lockPath, 'utf8')).toBe(String(process.ppid));
  });

  it('refuses gemini without a key with the same ConfigError as ever, and releases the lock it took', async () => {
    const project = await fakeProject();
    const config = await loadProjectConfig({ projectDir: project.dir, env: {}, providerOverride: 'gemini' });
    await expect(openProject(config, quiet)).rejects.toThrow(
      new ConfigError(
        'provider gemini needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment, ' +
          'or try the local emulator with --provider emulator',
      ),
    );
    await (await project.open()).close();
  });

  it('starts the embedded emulator for provider emulator, says so, and stops it on close', async () => {
    const project = await fakeProject();
    const opened = await openProject(project.config, quiet);
    const url = /at (http:\/\/\S+):/.exec(opened.connection.notice ?? '')?.[1];
    expect(opened.context.provider.name).toBe('gemini');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(opened.context.provider.findJobsByDisplayName('none')).resolves.toEqual([]);
    await opened.close();
    await expect(fetch(`${url ?? ''}/v1beta/batches`)).rejects.toThrow();
  });

  it('refuses a provider that declares a way of working the engine does not drive yet, naming it', () => {
    const fake = providerEntry('fake').capabilities;
    expect(() => requireDrivable('fake', fake)).not.toThrow();
    // Inline input, reconciliation by the provider's own strategy and streamed results are driven (Anthropic).
    expect(() => requireDrivable('anthropic', providerEntry('anthropic').capabilities)).not.toThrow();
    expect(() => requireDrivable('openai', { ...fake, reconciliation: 'metadata-tag', results: 'several-files' })).toThrow(
      new ConfigError('provider openai declares reconciliation by metadata-tag, results as several-files, which this version of truebatch cannot drive yet'),
    );
  });
});
