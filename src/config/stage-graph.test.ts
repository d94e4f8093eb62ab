import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import type { StageInput } from './config-types.ts';
import { downstreamOf, stageGraphIssues, topologicalOrder, upstreamOf } from './stage-graph.ts';
import { validateConfigObject } from './validate-config.ts';

const files: StageInput = { kind: 'files', dir: '/d', include: ['**/*.md'], exclude: [], followSymlinks: false };
/** A stage reading `from`, or files when `from` is undefined. */
const node = (name: string, from?: string) => ({
  name,
  input: from === undefined ? files : ({ kind: 'stage', stage: from, withDocument: false } as const),
});
const names = (stages: readonly { name: string }[]) => stages.map((stage) => stage.name);

const rawStage = (name: string, input: unknown) => ({ name, input, prompt: { template: 't' } });
function messageOf(...stages: unknown[]): string {
  try {
    validateConfigObject({ provider: 'emulator', model: 'm', stages }, 'my.config.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  return expect.unreachable('expected a ConfigError');
}

describe('stage graph errors in a config', () => {
  it('names an unknown upstream stage with a did-you-mean', () => {
    expect(messageOf(rawStage('stage_1a', { dir: 'd' }), rawStage('stage_2', { stage: 'stage_la' }))).toBe(
      'invalid config: my.config.yaml: stages[1].input.stage: unknown stage `stage_la`; did you mean `stage_1a`?',
    );
  });

  it('lists the other stages when no name is close', () => {
    expect(messageOf(rawStage('extract', { dir: 'd' }), rawStage('score', { dir: 'd' }), rawStage('sum', { stage: 'zzzzzz' }))).toBe(
      'invalid config: my.config.yaml: stages[2].input.stage: unknown stage `zzzzzz`; expected one of `extract`, `score`',
    );
  });

  it('refuses a stage reading itself, naming the cycle', () => {
    expect(messageOf(rawStage('a', { stage: 'a' }))).toBe(
      "invalid config: my.config.yaml: stages[0].input.stage: cycle: a → a; a stage cannot read its own outputs, expected another stage's name",
    );
  });

  it('names a longer cycle once, in data-flow order, at its first stage in the file', () => {
    const message = messageOf(
      rawStage('seed', { dir: 'd' }),
      rawStage('stage_a', { stage: 'stage_c' }),
      rawStage('stage_b', { stage: 'stage_a' }),
      rawStage('stage_c', { stage: 'stage_b' }),
      rawStage('tail', { stage: 'stage_c' }),
    );
    expect(message).toBe(
      'invalid config: my.config.yaml: stages[1].input.stage: cycle: stage_a → stage_b → stage_c → stage_a ' +
        '(each stage reads the outputs of the one before it); expected the chain of `stage` inputs to start at a stage with a `dir` input',
    );
  });

  it('names a two-stage cycle', () => {
    expect(messageOf(rawStage('stage_a', { stage: 'stage_b' }), rawStage('stage_b', { stage: 'stage_a' }))).toContain(
      'stages[0].input.stage: cycle: stage_a → stage_b → stage_a',
    );
  });
});

describe('stageGraphIssues', () => {
  it('finds nothing wrong in a valid graph, and reports separate cycles separately', () => {
    expect(stageGraphIssues([node('a'), node('b', 'a'), node('c', 'b'), node('d', 'a')])).toEqual([]);
    const issues = stageGraphIssues([node('x', 'x'), node('a', 'b'), node('b', 'a')]);
    expect(issues.map((issue) => issue.path)).toEqual([
      ['stages', 0, 'input', 'stage'],
      ['stages', 1, 'input', 'stage'],
    ]);
  });

  it('ignores inputs that mix dir and stage (reported by the input schema) and unchecked raw inputs', () => {
    expect(stageGraphIssues([{ name: 'a', input: { dir: 'd', stage: 'a' } }, { name: 'b', input: 'nonsense' }])).toEqual([]);
    expect(stageGraphIssues([{ name: 'a', input: { stage: 'a', include: [] } }])).toHaveLength(1);
  });
});

describe('topologicalOrder', () => {
  it('keeps the file order when it is already upstream first', () => {
    expect(names(topologicalOrder([node('a'), node('b', 'a'), node('c')]))).toEqual(['a', 'b', 'c']);
  });

  it('moves a stage after the stage it reads, and keeps the file order among the ones ready', () => {
    expect(names(topologicalOrder([node('summary', 'extract'), node('other'), node('extract')]))).toEqual([
      'other',
      'extract',
      'summary',
    ]);
    expect(names(topologicalOrder([node('d', 'c'), node('c', 'b'), node('b', 'a'), node('a')]))).toEqual(['a', 'b', 'c', 'd']);
    expect(names(topologicalOrder([node('b2', 'a'), node('b1', 'a'), node('a')]))).toEqual(['a', 'b2', 'b1']);
  });

  it('refuses a cycle rather than drop stages', () => {
    expect(() => topologicalOrder([node('a', 'b'), node('b', 'a')])).toThrow(ConfigError);
  });
});

describe('upstreamOf and downstreamOf', () => {
  const config = {
    stages: [node('extract'), node('summarise', 'extract'), node('score', 'summarise'), node('tag', 'extract'), node('alone')],
  };

  it('gives the stage a stage reads, or undefined for files', () => {
    expect(upstreamOf(config.stages[1]!)).toBe('extract');
    expect(upstreamOf(config.stages[0]!)).toBeUndefined();
  });

  it('gives every stage reached downstream, transitively, in stage order', () => {
    expect(downstreamOf(config, 'extract')).toEqual(['summarise', 'score', 'tag']);
    expect(downstreamOf(config, 'summarise')).toEqual(['score']);
    expect(downstreamOf(config, 'score')).toEqual([]);
    expect(downstreamOf(config, 'alone')).toEqual([]);
  });

  it('does not rely on the stages being sorted', () => {
    expect(downstreamOf({ stages: [node('c', 'b'), node('b', 'a'), node('a')] }, 'a')).toEqual(['c', 'b']);
  });

  it('refuses an unknown stage name with a suggestion', () => {
    expect(() => downstreamOf(config, 'sumarise')).toThrow('unknown stage `sumarise`; did you mean `summarise`?');
  });
});
