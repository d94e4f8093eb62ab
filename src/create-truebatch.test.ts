/** @module The composition root: one lock, the provider from the registry, limits merged, failures leave nothing held. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from './config/index.ts';
import { openLedgerSession, openProject, withProviderLimits } from './create-truebatch.ts';
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

  it('gives each stage its provider: one embedded emulator for two emulator providers, stopped when the last closes', async () => {
    const project = await fakeProject({ reviewStage: true });
    const path = project.config.configFile;
    writeFileSync(path, readFileSync(path, 'utf8').replace('  - name: review\n', '  - name: review\n    provider: anthropic-emulator\n    model: claude-sonnet-5-5\n'));
    const config = await loadProjectConfig({ projectDir: project.dir, env: {} });
    const opened = await openProject(config, quiet);
    try {
      expect(opened.context.providerFor('extract').name).toBe('gemini');
      expect(opened.context.providerFor('review').name).toBe('anthropic');
      expect(opened.context.providerFor('gone').name).toBe('gemini');
      expect(opened.connections.map((connection) => connection.notice?.replace(/ at .*/, ''))).toEqual([
        'Using the embedded emulator',
        'Using the embedded Anthropic emulator',
      ]);
      const [gemini, anthropic] = opened.connections.map((connection) => new URL(/at (http:\/\/\S+?):? /.exec(connection.notice ?? '')?.[1] ?? '').host);
      expect(anthropic).toBe(gemini);
    } finally {
      await opened.close();
    }
  });

  it('refuses two connections to one API (gemini and emulator), naming both stages', async () => {
    const project = await fakeProject({ reviewStage: true });
    const path = project.config.configFile;
    writeFileSync(path, readFileSync(path, 'utf8').replace('  - name: review\n', '  - name: review\n    provider: gemini\n'));
    const config = await loadProjectConfig({ projectDir: project.dir, env: {} });
    await expect(openProject(config, quiet)).rejects.toThrow(/stages extract \(provider emulator\) and review \(provider gemini\) reach the same API/);
    expect(() => openLedgerSession(config, { locked: false })).toThrow(ConfigError);
    await (await project.open()).close();
  });
});
