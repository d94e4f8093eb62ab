/**
 * @module `openProject` refuses a registered provider whose declared way of working the engine cannot drive, before
 * connecting to it. The registry holds only drivable providers today, so this file adds one line to it (a module
 * mock of the registry, its one seam): a provider that declares results as a stream.
 */
import { describe, expect, it, vi } from 'vitest';
import { openProject } from './create-truebatch.ts';
import { fakeProjects } from './engine/test-support/fake-project.ts';
import type { ProviderEntry } from './providers/provider-entry.ts';
import type * as Registry from './providers/registry.ts';
import { ConfigError } from './shared/index.ts';

const connects = vi.hoisted(() => ({ count: 0 }));

vi.mock('./providers/registry.ts', async (importOriginal) => {
  const registry = await importOriginal<typeof Registry>();
  const fake = registry.providerEntry('fake');
  const streaming: ProviderEntry = {
    ...fake,
    name: 'streaming',
    capabilities: { ...fake.capabilities, results: 'stream' },
    connect: (request) => {
      connects.count++;
      return fake.connect(request);
    },
  };
  return { ...registry, providerEntry: (name: string) => (name === streaming.name ? streaming : registry.providerEntry(name)) };
});

const fakeProject = fakeProjects();
const quiet = { reporter: { notice: () => {}, job: () => {} }, signal: new AbortController().signal };

describe('openProject and what a provider declares', () => {
  it('refuses a provider that declares results as a stream, naming it, and never connects to it', async () => {
    const project = await fakeProject();
    await expect(openProject(project.config, { ...quiet, provider: 'streaming' })).rejects.toThrow(
      new ConfigError('provider streaming declares results as stream, which this version of truebatch cannot drive yet'),
    );
    expect(connects.count).toBe(0);
    // Nothing was left half-open: the same project opens with a drivable provider.
    const opened = await openProject(project.config, { ...quiet, provider: 'fake', providerSettings: project.service });
    await opened.close();
  });
});
