/** @module Tests for judging result files on the collect worker: a real worker thread, real files. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectConfig, type StageConfig } from '../config/index.ts';
import { fakeResultLine } from '../providers/fake/index.ts';
import type { JudgeJob, LineOutcome } from './judge-lines.ts';
import { ResultJudge } from './result-judge.ts';

let projectDir: string;
let stage: StageConfig;
let judge: ResultJudge;
beforeAll(async () => {
  projectDir = mkdtempSync(join(tmpdir(), 'tb-judge-'));
  mkdirSync(join(projectDir, 'docs'));
  writeFileSync(join(projectDir, 'prompt.md'), 'Extract.\n{{document}}\n');
  writeFileSync(
    join(projectDir, 'truebatch.config.yaml'),
    [
      'provider: gemini',
      'model: gemini-2.5-flash',
      'stages:',
      '  - name: extract',
      '    input: { dir: docs }',
      '    prompt: { file: prompt.md }',
      '    output: { fileName: "{id}.json" }',
      '    validation: { required: [title] }',
      '',
    ].join('\n'),
  );
  const config = await loadProjectConfig({ projectDir, env: {} });
  const [first] = config.stages;
  if (!first) throw new Error('the test config has one stage');
  stage = first;
});
afterAll(() => rmSync(projectDir, { recursive: true, force: true }));
afterEach(async () => {
  await judge.close();
  rmSync(stage.output.dir, { recursive: true, force: true });
});

function answerLine(key: string, answer: unknown): string {
  return fakeResultLine(key, { text: JSON.stringify(answer) });
}

function resultFile(name: string, lines: string[]): string {
  const path = join(projectDir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function judgeAll(job: JudgeJob): Promise<LineOutcome[]> {
  const outcomes: LineOutcome[] = [];
  for await (const batch of judge.judge(job)) outcomes.push(...batch);
  return outcomes;
}

describe('ResultJudge', () => {
  it('joins each line on its key, judges it, writes valid outputs before saying so, and keeps file order', async () => {
    judge = new ResultJudge();
    mkdirSync(stage.output.dir, { recursive: true });
    const resultPath = resultFile('results.jsonl', [
      answerLine('a_extract', { title: 'A' }),
      '{"key": broken',
      answerLine('b_extract', { note: 'no title' }),
      answerLine('nobody_extract', { title: 'X' }),
      answerLine('a_extract', { title: 'A again' }),
      answerLine('c_extract', { title: 'C' }),
      JSON.stringify({ key: 'd_extract', error: { code: 13, message: 'internal' } }),
    ]);
    const attempts: JudgeJob['attempts'] = [['a_extract', 'a', true], ['b_extract', 'b', true], ['c_extract', 'c', false], ['d_extract', 'd', true]];
    const outcomes = await judgeAll({ resultPath, provider: 'fake', stage, finishedAt: 0, attempts });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['valid', 'malformed', 'invalid', 'unknown', 'duplicates', 'alreadyRecorded', 'failed']);
    const [valid, malformed] = outcomes;
    expect(malformed).toMatchObject({ kind: 'malformed', lineNumber: 2 });
    const path = join(stage.output.dir, 'a.json');
    expect(valid).toMatchObject({ kind: 'valid', key: 'a_extract', record: { state: 'valid', output: { path, bytes: readFileSync(path).length } } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ title: 'A' });
    // Only the valid answer of an open attempt was written: not the duplicate, the unknown key or the recorded one.
    expect(readdirSync(stage.output.dir)).toEqual(['a.json']);
  });

  it('streams a long file in batches, one job after another on the same worker', async () => {
    judge = new ResultJudge();
    mkdirSync(stage.output.dir, { recursive: true });
    const keys = Array.from({ length: 700 }, (_, index) => `d${index}`);
    const resultPath = resultFile('long.jsonl', keys.map((id) => answerLine(`${id}_extract`, { title: id })));
    const batches: number[] = [];
    for await (const batch of judge.judge({ resultPath, provider: 'fake', stage, finishedAt: 0, attempts: keys.map((id) => [`${id}_extract`, id, true]) })) {
      batches.push(batch.length);
    }
    expect(batches).toEqual([256, 256, 188]);
    expect(readdirSync(stage.output.dir)).toHaveLength(700);
    const again = await judgeAll({ resultPath: resultFile('short.jsonl', [answerLine('d0_extract', { title: 'x' })]), provider: 'fake', stage, finishedAt: 0, attempts: [['d0_extract', 'd0', false]] });
    expect(again).toEqual([{ kind: 'alreadyRecorded' }]);
  });

  it('ends a batch early at 4 MB of answers, so large answers do not pile up in memory', async () => {
    judge = new ResultJudge();
    mkdirSync(stage.output.dir, { recursive: true });
    const ids = Array.from({ length: 30 }, (_, index) => `big${index}`);
    const resultPath = resultFile('big.jsonl', ids.map((id) => answerLine(`${id}_extract`, { title: id, body: 'x'.repeat(200_000) })));
    const batches: number[] = [];
    for await (const batch of judge.judge({ resultPath, provider: 'fake', stage, finishedAt: 0, attempts: ids.map((id) => [`${id}_extract`, id, true]) })) {
      batches.push(batch.length);
    }
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(30);
    expect(Math.max(...batches)).toBeLessThanOrEqual(21); // 4 MB of 200 KB answers, and the one that crossed it
  });

  it('stops at an output it cannot write, naming it, after the outcomes before it', async () => {
    judge = new ResultJudge();
    mkdirSync(stage.output.dir, { recursive: true });
    mkdirSync(join(stage.output.dir, 'b.json')); // a folder where the output file should go
    const resultPath = resultFile('blocked.jsonl', ['a', 'b', 'c'].map((id) => answerLine(`${id}_extract`, { title: id })));
    const outcomes = await judgeAll({ resultPath, provider: 'fake', stage, finishedAt: 0, attempts: ['a', 'b', 'c'].map((id) => [`${id}_extract`, id, true]) });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['valid', 'unwritable']);
    expect(outcomes[1]).toMatchObject({ key: 'b_extract', message: expect.stringContaining('b.json') as unknown });
    expect(existsSync(join(stage.output.dir, 'c.json'))).toBe(false);
  });

  it('records with each judged answer what was repaired, and with each failure why', async () => {
    judge = new ResultJudge();
    mkdirSync(stage.output.dir, { recursive: true });
    const resultPath = resultFile('repairs.jsonl', [
      fakeResultLine('a_extract', { text: 'Here:\n```json\n{"title": "A"}\n```' }),
      fakeResultLine('b_extract', { text: '```json\n{"note": "no title"}\n```' }),
      fakeResultLine('c_extract', { text: '{"title": "C', truncated: true }),
      fakeResultLine('d_extract', { text: 'no JSON here' }),
      fakeResultLine('e_extract', { error: { code: 13, message: 'internal' } }),
    ]);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const outcomes = await judgeAll({ resultPath, provider: 'fake', stage, finishedAt: 0, attempts: ids.map((id) => [`${id}_extract`, id, true]) });
    expect(outcomes.map((outcome) => ('record' in outcome ? [outcome.kind, outcome.record.failureKind, outcome.record.repairs] : outcome.kind))).toEqual([
      ['valid', undefined, ['fence', 'prose']],
      ['invalid', 'required', ['fence']],
      ['failed', 'truncated', undefined],
      ['failed', 'unparseable', undefined],
      ['failed', 'provider-error', undefined],
    ]);
  });
});
