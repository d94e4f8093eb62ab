/**
 * Issue #17: a job is never created with an uploaded document that could expire before it runs. A job cut (and its
 * document uploaded) in one run but created in a later one, on an injected clock, is withdrawn and cut again with a
 * fresh upload when less than `documents.maxJobWaitMs` is left; with enough left, the upload is reused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const makeProject = fakeProjects();

const HOUR_MS = 3_600_000;
/** A 1×1 PNG: sent as an uploaded file (the stage forces `travel: file`). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/**
 * A project whose one job (two JSON documents and a PNG) was cut, its PNG uploaded (kept 48 h by the fake) and its
 * input file uploaded, when the process died before creating it.
 */
async function jobCutButNotCreated(crashAt: 'after-upload' | 'after-intent' = 'after-upload'): Promise<FakeProject> {
  const project = await makeProject({ docs: 2, stageYaml: `documents: { travel: file, maxJobWaitMs: ${24 * HOUR_MS} }` });
  writeFileSync(join(project.dir, 'docs', 'scan.png'), PNG);
  await project.crashAt(crashAt);
  expect(project.read((ledger) => ledger.jobs().map((job) => job.state))).toEqual([crashAt === 'after-upload' ? 'uploaded' : 'creating']);
  expect(project.service.stats().calls.uploadDocument).toBe(1);
  return project;
}

/** The document URIs the lines of each job created at the fake reference, by job. */
function referencedUris(project: FakeProject): string[][] {
  return project.service.jobs().map((job) => [...JSON.stringify(project.service.jobLines(job.name)).matchAll(/fake:\/\/files\/fake-doc-\d+/g)].map((match) => match[0]));
}

function eventKinds(project: FakeProject): string[] {
  const db = new Database(project.read((ledger) => ledger.path), { readonly: true });
  try {
    return (db.prepare('SELECT kind FROM events ORDER BY id').all() as { kind: string }[]).map((row) => row.kind);
  } finally {
    db.close();
  }
}

describe('uploaded documents that could expire before their job runs', () => {
  // After an intent, the lost create is reconciled first (no job at the provider), then the job is withdrawn.
  it.each(['after-upload', 'after-intent'] as const)('uploads the document again before create when less than maxJobWaitMs is left, and deletes the old upload (crash %s)', async (crashAt) => {
    const project = await jobCutButNotCreated(crashAt);
    // 18 h of the upload's 48 h are left: less than the 24 h the job may wait before it runs.
    project.clock.advance(30 * HOUR_MS);

    const outcome = await project.run();

    expect(outcome.stages[0]).toMatchObject({ valid: 3, pending: 0, inJob: 0 });
    expect(project.outputs()).toHaveLength(3);
    const [old, fresh, ...others] = project.read((ledger) => ledger.uploads.all());
    expect(others).toEqual([]);
    expect(project.service.stats().calls.uploadDocument).toBe(2);
    // One job created, once, and its line names the fresh upload, never the old one.
    expect(Object.values(project.service.stats().jobsByDisplayName)).toEqual([1]);
    expect(referencedUris(project)).toEqual([[fresh?.uri]]);
    expect(fresh?.uri).not.toBe(old?.uri);
    // Both are deleted once the job is collected; the withdrawn job's attempt was undone (each request tried once).
    expect([old?.state, fresh?.state]).toEqual(['deleted', 'deleted']);
    expect(project.read((ledger) => ledger.jobs().map((job) => job.state))).toEqual(['collected']);
    expect(eventKinds(project)).toContain('job-withdrawn');
    expect(project.notices.some((notice) => notice.includes('withdrawn before create'))).toBe(true);
    expect(project.read((ledger) => ['doc1', 'doc2', 'scan'].map((doc) => ledger.requestsForDocument(doc).map((request) => request.attempts)))).toEqual([[1], [1], [1]]);
  });

  it('uploads again when a quota wait at create outlasts the upload, in the same run, and submits each request once', async () => {
    const project = await makeProject({
      docs: 1,
      // Patient enough to wait out a 30 h quota refusal.
      extraYaml: `resilience: { patienceMs: ${40 * HOUR_MS} }`,
      stageYaml: `documents: { travel: file, maxJobWaitMs: ${24 * HOUR_MS} }`,
      // The provider is at its limit for 30 h: by then 18 h are left of the document's 48 h.
      script: { failures: [{ operation: 'createJob', status: 429, retryAfterMs: 30 * HOUR_MS }] },
    });
    writeFileSync(join(project.dir, 'docs', 'scan.png'), PNG);

    await project.run();

    expect(project.outputs()).toHaveLength(2);
    expect(project.service.stats().calls.uploadDocument).toBe(2);
    expect(Object.values(project.service.stats().jobsByDisplayName)).toEqual([1]);
    const [old, fresh] = project.read((ledger) => ledger.uploads.all());
    expect(referencedUris(project)).toEqual([[fresh?.uri]]);
    expect([old?.state, fresh?.state]).toEqual(['deleted', 'deleted']);
    expect(eventKinds(project)).toEqual(expect.arrayContaining(['job-create-deferred', 'job-withdrawn']));
  });

  it('creates the job with a fresh upload when the provider keeps files for less than maxJobWaitMs (no endless re-cut)', async () => {
    // The fake keeps files 48 h: no upload can live 50 h, so a new one would be no better.
    const project = await makeProject({ docs: 1, stageYaml: `documents: { travel: file, maxJobWaitMs: ${50 * HOUR_MS} }` });
    writeFileSync(join(project.dir, 'docs', 'scan.png'), PNG);

    await project.run();

    expect(project.outputs()).toHaveLength(2);
    expect(project.service.stats().calls.uploadDocument).toBe(1);
    expect(eventKinds(project)).not.toContain('job-withdrawn');
  });

  it('reuses the upload when it outlives maxJobWaitMs (no second upload, nothing withdrawn)', async () => {
    const project = await jobCutButNotCreated();
    // 47 h left.
    project.clock.advance(HOUR_MS);

    await project.run();

    expect(project.outputs()).toHaveLength(3);
    expect(project.service.stats().calls.uploadDocument).toBe(1);
    const [only, ...others] = project.read((ledger) => ledger.uploads.all());
    expect(others).toEqual([]);
    expect(referencedUris(project)).toEqual([[only?.uri]]);
    expect(only?.state).toBe('deleted');
    expect(eventKinds(project)).not.toContain('job-withdrawn');
  });
});
