import { describe, expect, it } from 'vitest';
import { fakeProjects } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();

/** A shared context of about 5,000 tokens by the fake's count (a quarter of the characters). */
const CONTEXT = 'Exchangeable K by 1 M ammonium acetate at pH 7; report mg/kg. '.repeat(320).trim();
const stageYaml = `context: { text: "${CONTEXT}", expectedHours: 1 }`;

type SeenRequest = { content: { text?: string }[]; cachedContext?: { name: string }; system?: string };

/** A fake model that records each request it answers, and answers as the default does. */
function recordingModel(): { seen: SeenRequest[]; answer: (key: string, request: unknown) => { text: string } } {
  const seen: SeenRequest[] = [];
  return { seen, answer: (key, request) => (seen.push(request as SeenRequest), { text: JSON.stringify({ key }) }) };
}

describe('explicit context caches in a run (fake provider)', () => {
  it('creates one cache for the job, names it in every line instead of the context, and deletes it once the job is done', async () => {
    const model = recordingModel();
    const project = await fakeProject({ docs: 40, stageYaml, script: { answer: model.answer } });
    const outcome = await project.run();
    expect(outcome.stages[0]?.valid).toBe(40);
    expect(project.service.caches).toMatchObject({ created: 1, deleted: 1 });
    expect(project.service.caches.live()).toEqual([]);
    const [cache] = project.read((ledger) => ledger.caches.all());
    expect(cache).toMatchObject({ stage: 'extract', state: 'deleted' });
    expect(project.read((ledger) => ledger.jobs())).toHaveLength(1);
    expect(model.seen).toHaveLength(40);
    for (const request of model.seen) {
      expect(request.cachedContext).toEqual({ name: cache!.remote_name });
      expect(request.content.some((part) => part.text === CONTEXT)).toBe(false);
    }
  });

  it('keeps no cache for a job whose context does not pay off, and puts the context first instead', async () => {
    const model = recordingModel();
    const project = await fakeProject({ docs: 2, stageYaml: 'context: { text: "Codebook: K is potassium." }', script: { answer: model.answer } });
    await project.run();
    expect(project.service.caches.created).toBe(0);
    expect(model.seen).toHaveLength(2);
    for (const request of model.seen) expect(request.content[0]?.text).toBe('Codebook: K is potassium.');
  });

  it.each(['after-cache-create', 'after-cache-record'] as const)('leaves no orphan cache after a crash %s, before its job exists', async (failpoint) => {
    const project = await fakeProject({ docs: 40, stageYaml });
    await project.crashAt(failpoint);
    expect(project.service.caches.live()).toHaveLength(1);
    await project.run();
    expect(project.service.caches.live()).toEqual([]);
    expect(project.service.caches).toMatchObject({ created: 2, deleted: 2 });
    expect(project.read((ledger) => ledger.caches.all().map((cache) => cache.state))).toEqual(['deleted', 'deleted']);
  });

  it('extends the cache while its job runs longer than the cache would live (injected clock)', async () => {
    const project = await fakeProject({ docs: 40, stageYaml, script: { runMs: 3 * 60 * 60 * 1000 } });
    const outcome = await project.run();
    expect(outcome.stages[0]?.valid).toBe(40);
    const [cache] = project.read((ledger) => ledger.caches.all());
    // Created for an hour, still alive three hours later when the job finished: it was extended on watch ticks.
    expect(cache!.expires_at! - cache!.created_at).toBeGreaterThan(3 * 60 * 60 * 1000);
    expect(project.service.caches).toMatchObject({ created: 1, deleted: 1 });
  });

  it('resubmits the lines of a job whose cache expired before it ran, in a new job with a new cache', async () => {
    const seen: SeenRequest[] = [];
    const project = await fakeProject({ docs: 40, stageYaml, script: { pendingMs: 2 * 60 * 60 * 1000 } });
    // The model answers as a provider does: a line naming a cache that is gone fails alone (spec D.1; the emulator's 403).
    project.service.answerWith((key, request) => {
      const named = (request as SeenRequest).cachedContext?.name;
      seen.push(request as SeenRequest);
      if (named !== undefined && !project.service.caches.live().some((cache) => cache.name === named)) {
        return { error: { code: 403, message: `CachedContent not found (or permission denied): ${named}` } };
      }
      return { text: JSON.stringify({ key }) };
    });
    await project.run({ detach: true });
    // Nobody tends the cache while no run is going: its hour passes before the job runs.
    project.clock.advance(3 * 60 * 60 * 1000);
    const outcome = await project.run();
    expect(outcome.stages[0]?.valid).toBe(40);
    const caches = project.read((ledger) => ledger.caches.all());
    expect(caches.map((cache) => cache.state)).toEqual(['deleted', 'deleted']);
    expect(new Set(seen.map((request) => request.cachedContext?.name))).toEqual(new Set(caches.map((cache) => cache.remote_name)));
    expect(project.read((ledger) => ledger.jobs()).map((job) => job.request_count)).toEqual([40, 40]);
    expect(project.service.caches.live()).toEqual([]);
  });
});
