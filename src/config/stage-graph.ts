/**
 * @module The stage graph: which stage reads which stage's outputs. Checks that every upstream stage exists and
 * that there is no cycle, orders stages upstream first, and answers upstream/downstream questions.
 */
import { ConfigError } from '../shared/index.ts';
import type { StageConfig } from './config-types.ts';
import { suggestKey } from './suggest-key.ts';

/** A problem with the stage graph, at a path inside the config file. */
export interface StageGraphIssue {
  path: (string | number)[];
  message: string;
}

/** A stage as the graph checks see it: its name and its `input`, which may not have passed its own checks. */
export interface StageNode {
  name: string;
  input: unknown;
}

/** The stage an unchecked `input` reads from; undefined for a files input or one mixing `dir` and `stage`. */
function upstreamNameOf(input: unknown): string | undefined {
  // Top-level refinements also run when an input failed its own checks, so it may be the untransformed object.
  if (typeof input !== 'object' || input === null) return undefined;
  const { stage, dir } = input as Record<string, unknown>;
  return typeof stage === 'string' && dir === undefined ? stage.trim() : undefined;
}

function unknownStageMessage(name: string, others: readonly string[]): string {
  const suggestion = suggestKey(name, others);
  if (suggestion !== undefined) return `unknown stage \`${name}\`; did you mean \`${suggestion}\`?`;
  if (others.length === 0) return `unknown stage \`${name}\`; there is no other stage to read from`;
  return `unknown stage \`${name}\`; expected one of ${others.map((other) => `\`${other}\``).join(', ')}`;
}

/** `a → b → a` in data-flow order (each stage's outputs feed the next), from a chain that follows `input.stage`. */
function cycleMessage(upstreamChain: readonly string[]): string {
  const flow = [...upstreamChain].reverse();
  if (flow.length === 2) {
    return `cycle: ${flow.join(' → ')}; a stage cannot read its own outputs, expected another stage's name`;
  }
  return `cycle: ${flow.join(' → ')} (each stage reads the outputs of the one before it); expected the chain of \`stage\` inputs to start at a stage with a \`dir\` input`;
}

/**
 * Every unknown upstream stage (with a "did you mean") and every cycle (once, at its first stage in file order),
 * each at `stages[i].input.stage`. Duplicate names are reported elsewhere; the first stage of a name counts.
 */
export function stageGraphIssues(stages: readonly StageNode[]): StageGraphIssue[] {
  const indexOf = new Map<string, number>();
  stages.forEach((stage, index) => {
    if (!indexOf.has(stage.name)) indexOf.set(stage.name, index);
  });
  const upstream = stages.map((stage) => upstreamNameOf(stage.input));
  const issues: StageGraphIssue[] = [];
  upstream.forEach((name, index) => {
    if (name === undefined || indexOf.has(name)) return;
    const others = [...indexOf.keys()].filter((other) => other !== stages[index]?.name);
    issues.push({ path: ['stages', index, 'input', 'stage'], message: unknownStageMessage(name, others) });
  });
  // Each stage has at most one upstream, so following `input.stage` from every stage finds every cycle.
  const done = new Set<number>();
  for (let start = 0; start < stages.length; start++) {
    const onPath: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !done.has(current) && !onPath.includes(current)) {
      onPath.push(current);
      const next: string | undefined = upstream[current];
      current = next === undefined ? undefined : indexOf.get(next);
    }
    if (current !== undefined && onPath.includes(current)) {
      const cycle = onPath.slice(onPath.indexOf(current));
      const first = Math.min(...cycle);
      const from = cycle.indexOf(first);
      const chain = [...cycle.slice(from), ...cycle.slice(0, from), first].map((index) => stages[index]?.name ?? '');
      issues.push({ path: ['stages', first, 'input', 'stage'], message: cycleMessage(chain) });
    }
    for (const index of onPath) done.add(index);
  }
  return issues;
}

/** The name of the stage whose outputs `stage` reads, or undefined when it reads files. */
export function upstreamOf(stage: Pick<StageConfig, 'input'>): string | undefined {
  return stage.input.kind === 'stage' ? stage.input.stage : undefined;
}

/**
 * Stages in topological order: each after the stage it reads from; otherwise in the given order (of the stages
 * ready to go next, the earliest given comes first).
 *
 * @throws ConfigError when the stages form a cycle or name a missing stage (a validated config never does)
 */
export function topologicalOrder<Stage extends Pick<StageConfig, 'name' | 'input'>>(stages: readonly Stage[]): Stage[] {
  const placed = new Set<string>();
  const ordered: Stage[] = [];
  const waiting = [...stages];
  while (waiting.length > 0) {
    const next = waiting.findIndex((stage) => {
      const upstream = upstreamOf(stage);
      return upstream === undefined || placed.has(upstream);
    });
    const [stage] = next === -1 ? [] : waiting.splice(next, 1);
    if (stage === undefined) {
      const stuck = waiting.map((s) => `\`${s.name}\` (reads \`${upstreamOf(s) ?? ''}\`)`).join(', ');
      throw new ConfigError(`stages cannot be ordered: ${stuck}; each reads a stage that is missing or in a cycle`);
    }
    ordered.push(stage);
    placed.add(stage.name);
  }
  return ordered;
}

/**
 * The names of every stage that reads, directly or through other stages, the outputs of `stageName`; in the
 * config's stage order (topological), `stageName` itself excluded. Takes a `ProjectConfig` or any `{ stages }`.
 *
 * @throws ConfigError when no stage is named `stageName`
 * @example
 * downstreamOf(config, 'extract'); // ['summarise', 'score'] when summarise reads extract and score reads summarise
 */
export function downstreamOf(
  config: { readonly stages: readonly Pick<StageConfig, 'name' | 'input'>[] },
  stageName: string,
): string[] {
  const names = config.stages.map((stage) => stage.name);
  if (!names.includes(stageName)) throw new ConfigError(unknownStageMessage(stageName, names));
  const reached = new Set([stageName]);
  let grew = true;
  // Repeats until nothing changes, so it does not rely on `config.stages` being sorted.
  while (grew) {
    grew = false;
    for (const stage of config.stages) {
      const upstream = upstreamOf(stage);
      if (upstream !== undefined && reached.has(upstream) && !reached.has(stage.name)) {
        reached.add(stage.name);
        grew = true;
      }
    }
  }
  return names.filter((name) => name !== stageName && reached.has(name));
}
