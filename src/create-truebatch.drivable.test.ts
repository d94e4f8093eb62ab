/**
 * @module `openProject` refuses a provider whose declared way of working the engine cannot drive, before connecting
 * to it. The registry holds only drivable providers today, so the test hands `openProject` an entry of its own: the
 * fake provider declaring results in several files.
 */
import { describe, expect, it } from 'vitest';
import { openProject } from './create-truebatch.ts';
import { fakeProjects } from './engine/test-support/fake-project.ts';
import { providerEntry, type ProviderEntry } from './providers/index.ts';
import { ConfigError } from './shared/index.ts';

const fakeProject = fakeProjects();
const quiet = { reporter: { notice: () => {}, job: () => {} }, signal: new AbortController().signal };

describe('openProject and what a provider declares', () => {
  it('refuses a provider that declares results in several files, naming it, and never connects to it', async () => {
    const project = await fakeProject();
    const fake = providerEntry('fake');
    let connects = 0;
    const streaming: ProviderEntry = {
      ...fake,
      name: 'streaming',
      capabilities: { ...fake.capabilities, results: 'several-files' },
      connect: (request) => {
        connects++;
        return fake.connect(request);
      },
    };
    await expect(openProject(project.config, { ...quiet, provider: streaming })).rejects.toThrow(
      new ConfigError('provider streaming declares results as several-files, which this version of truebatch cannot drive yet'),
    );
    expect(connects).toBe(0);
    // Nothing was left half-open: the same project opens with a drivable provider.
    const opened = await openProject(project.config, { ...quiet, provider: 'fake', providerSettings: project.service });
    await opened.close();
  });
});
