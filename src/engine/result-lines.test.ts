/**
 * @module What the engine does with a result file that is not one clean line per request, on the fake provider: a
 * key twice, a key it never sent, a line it cannot read, and a download that fails once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeBatchService } from '../providers/index.ts';
import type { FakeServiceOptions } from '../providers/fake/index.ts';
import type { RequestRow } from '../ledger/index.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();

type ResultLine = ReturnType<FakeBatchService['resultLines']>[number];

/** A fake service whose result files are rewritten by `bend` (lines in input order in, lines out). */
function bentResults(bend: (lines: ResultLine[]) => ResultLine[]): (options: FakeServiceOptions) => FakeBatchService {
  return (options) =>
    new (class extends FakeBatchService {
      override resultLines(fileName: string): ResultLine[] {
        return bend(super.resultLines(fileName));
      }
    })(options);
}

const counts = (project: FakeProject): Record<RequestRow['state'], number> => project.read((ledger) => ledger.requestCounts('extract'));
const jobSizes = (project: FakeProject): number[] => project.read((ledger) => ledger.jobs().map((job) => job.request_count));

describe('result lines that do not match the requests one to one', () => {
  it('a key answered twice keeps the first line: an invalid first answer is retried even though the second was valid', async () => {
    const project = await fakeProject({
      createService: bentResults((lines) => {
        const first = lines.find((line) => line.key.includes('doc1'));
        if (!first || !('answer' in first)) return lines;
        // Only the first job: the retry (one line) comes back clean.
        if (lines.length === 1) return lines;
        const invalid: ResultLine = { key: first.key, answer: { ...first.answer, text: '{"nope": 1}' } };
        return [invalid, ...lines.filter((line) => line !== first), first];
      }),
    });
    await project.run();
    expect(jobSizes(project)).toEqual([4, 1]);
    expect(counts(project)).toMatchObject({ valid: 4, given_up: 0 });
    expect(project.outputs()).toHaveLength(4);
  });

  it('a key answered twice with the valid line first is valid at once, with one output file', async () => {
    const project = await fakeProject({
      createService: bentResults((lines) => {
        const first = lines.find((line) => line.key.includes('doc1'));
        if (!first || !('answer' in first)) return lines;
        return [...lines, { key: first.key, answer: { ...first.answer, text: '{"nope": 1}' } }];
      }),
    });
    await project.run();
    expect(jobSizes(project)).toEqual([4]);
    expect(counts(project).valid).toBe(4);
    expect(project.outputs()).toHaveLength(4);
  });

  it('a line for a key the job never sent is ignored: no request, no output, no retry', async () => {
    const project = await fakeProject({
      createService: bentResults((lines) => {
        const [first] = lines;
        if (!first || !('answer' in first)) return lines;
        return [{ key: 'not-a-sent-key', answer: { ...first.answer, text: '{"key":"not-a-sent-key"}' } }, ...lines];
      }),
    });
    await project.run();
    expect(jobSizes(project)).toEqual([4]);
    expect(counts(project)).toMatchObject({ valid: 4, pending: 0, in_job: 0, given_up: 0 });
    expect(project.outputs()).toHaveLength(4);
    expect(project.read((ledger) => ledger.requestByKey('extract', 'not-a-sent-key'))).toBeUndefined();
  });

  it('an unreadable line is skipped and the lines after it are still collected', async () => {
    const project = await fakeProject({
      // An empty key fails the fake's result-line schema: the reader yields a malformed item, it does not throw.
      createService: bentResults((lines) => [{ key: '', error: { code: 500, message: 'garbled' } }, ...lines]),
    });
    await project.run();
    expect(jobSizes(project)).toEqual([4]);
    expect(counts(project).valid).toBe(4);
  });

  it('a line dropped and replaced by an unreadable one: the dropped request is retried alone', async () => {
    let bent = false;
    const project = await fakeProject({
      createService: bentResults((lines) => {
        if (bent) return lines;
        bent = true;
        return [...lines.slice(0, 3), { key: '', error: { code: 500, message: 'garbled' } }];
      }),
    });
    await project.run();
    expect(jobSizes(project)).toEqual([4, 1]);
    expect(counts(project).valid).toBe(4);
  });
});

describe('downloading the result file', () => {
  it('a download that keeps failing past its retries is collected later in the same run, creating no new job', async () => {
    // 5 tries per download call (resilience.retry.attempts): the first call fails, the next pass's succeeds.
    const project = await fakeProject({ script: { failures: [{ operation: 'downloadResults', times: 5 }] } });
    await project.run();
    expect(project.notices.filter((notice) => notice.includes('will collect it later'))).toHaveLength(1);
    expect(project.service.stats().calls).toMatchObject({ downloadResults: 6, createJob: 1, uploadFile: 1 });
    expect(jobSizes(project)).toEqual([4]);
    expect(counts(project).valid).toBe(4);
    const [job] = project.read((ledger) => ledger.jobs());
    // The kept copy is the complete second download: one line per request.
    const kept = readFileSync(join(project.dir, '.truebatch', 'results', `${job?.display_name ?? ''}.jsonl`), 'utf8');
    expect(kept.trim().split('\n')).toHaveLength(4);
  });
});
