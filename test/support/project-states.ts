/**
 * @module Small projects driven into many states for the plan-equals-run property test: a seeded generator of
 * operations (edit, add or delete a document, change a prompt, raise or lower maxAttempts, tighten or loosen the
 * validation, delete or damage outputs, run, run detached, interrupt a run), each applied to real files on disk.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two stages at most: `extract` reads `docs/`, `summarize` (when present) reads extract's outputs. */
export const STAGES = ['extract', 'summarize'] as const;
export type StageName = (typeof STAGES)[number];

/** Everything the generator varies about a project, written out by {@link writeProject}. */
export interface ProjectModel {
  dir: string;
  twoStages: boolean;
  /** Document name → content version. */
  docs: Map<string, number>;
  nextDoc: number;
  prompt: Record<StageName, number>;
  maxAttempts: Record<StageName, number>;
  /** Whether the stage requires a field the model never writes: every answer is then invalid. */
  strict: Record<StageName, boolean>;
  /** Whether `extract` sends a canary of two documents first (and stops unless one of them is valid). */
  canary: boolean;
  /** Whether `extract` runs as two variants (`extract.a`, and `extract.b` on Flash-Lite); `summarize` reads `a`. */
  variants: boolean;
}

/** One step of a sequence. Runs are where a plan is compared with what the run submits. */
export type Operation =
  | { kind: 'run' }
  | { kind: 'run-detached' }
  /** Stopped once `afterJobs` jobs are cut (none of them sent yet, perhaps) or sent. */
  | { kind: 'run-interrupted'; afterJobs: number; when: 'cut' | 'sent' }
  | { kind: 'edit-doc'; doc: string }
  | { kind: 'add-doc' }
  | { kind: 'delete-doc'; doc: string }
  | { kind: 'change-prompt'; stage: StageName }
  | { kind: 'set-max-attempts'; stage: StageName; to: number }
  | { kind: 'toggle-strict'; stage: StageName }
  | { kind: 'toggle-canary' }
  | { kind: 'delete-output'; stage: StageName; index: number }
  | { kind: 'damage-output'; stage: StageName; index: number };

/** A small seeded generator (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh project of 1–2 stages and 2–4 documents, on disk. */
export function newProject(random: () => number): ProjectModel {
  const dir = mkdtempSync(join(tmpdir(), 'tb-plan-states-'));
  mkdirSync(join(dir, 'docs'));
  const count = 2 + Math.floor(random() * 3);
  const model: ProjectModel = {
    dir,
    twoStages: random() < 0.6,
    docs: new Map(Array.from({ length: count }, (_, i) => [`paper${i + 1}`, 1])),
    nextDoc: count + 1,
    prompt: { extract: 1, summarize: 1 },
    maxAttempts: { extract: 1 + Math.floor(random() * 2), summarize: 1 + Math.floor(random() * 2) },
    strict: { extract: random() < 0.3, summarize: random() < 0.3 },
    canary: false,
    variants: false,
  };
  writeProject(model);
  return model;
}

/** The next operation: mostly runs, so that most states are compared. */
export function nextOperation(random: () => number, model: ProjectModel): Operation {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const stage = (): StageName => (model.twoStages ? pick(STAGES) : 'extract');
  const roll = random();
  if (roll < 0.3) return { kind: 'run' };
  if (roll < 0.36) return { kind: 'run-detached' };
  if (roll < 0.44) return { kind: 'run-interrupted', afterJobs: 1 + Math.floor(random() * 2), when: random() < 0.5 ? 'cut' : 'sent' };
  const docs = [...model.docs.keys()];
  const mutations: (() => Operation)[] = [
    () => ({ kind: 'edit-doc', doc: pick(docs) }),
    () => ({ kind: 'add-doc' }),
    () => (docs.length > 1 ? { kind: 'delete-doc', doc: pick(docs) } : { kind: 'add-doc' }),
    () => ({ kind: 'change-prompt', stage: stage() }),
    () => ({ kind: 'set-max-attempts', stage: stage(), to: 1 + Math.floor(random() * 4) }),
    () => ({ kind: 'set-max-attempts', stage: stage(), to: 1 + Math.floor(random() * 4) }),
    () => ({ kind: 'toggle-strict', stage: stage() }),
    () => ({ kind: 'toggle-strict', stage: stage() }),
    () => ({ kind: 'toggle-canary' }),
    () => ({ kind: 'delete-output', stage: stage(), index: Math.floor(random() * 4) }),
    () => ({ kind: 'damage-output', stage: stage(), index: Math.floor(random() * 4) }),
  ];
  return pick(mutations)();
}

/** Applies a mutation to the files on disk (runs are carried out by the test). */
export function applyMutation(model: ProjectModel, operation: Operation): void {
  switch (operation.kind) {
    case 'edit-doc':
      model.docs.set(operation.doc, (model.docs.get(operation.doc) ?? 0) + 1);
      break;
    case 'add-doc':
      model.docs.set(`paper${model.nextDoc++}`, 1);
      break;
    case 'delete-doc':
      model.docs.delete(operation.doc);
      rmSync(join(model.dir, 'docs', `${operation.doc}.json`));
      break;
    case 'change-prompt':
      model.prompt[operation.stage]++;
      break;
    case 'set-max-attempts':
      model.maxAttempts[operation.stage] = operation.to;
      break;
    case 'toggle-strict':
      model.strict[operation.stage] = !model.strict[operation.stage];
      break;
    case 'toggle-canary':
      model.canary = !model.canary;
      break;
    case 'delete-output':
    case 'damage-output': {
      const variant = model.variants && operation.stage === 'extract' ? (operation.index % 2 === 0 ? 'a' : 'b') : '';
      const dir = join(model.dir, 'outputs', operation.stage, variant);
      const files = listFiles(dir);
      const file = files[operation.index % Math.max(files.length, 1)];
      if (file === undefined) break;
      if (operation.kind === 'delete-output') rmSync(join(dir, file));
      else truncateSync(join(dir, file), 3);
      break;
    }
    default:
      return;
  }
  writeProject(model);
}

/** Writes the documents, prompts and config of `model`. */
export function writeProject(model: ProjectModel): void {
  for (const [name, version] of model.docs) {
    const number = Number(name.replace('paper', ''));
    const paper = {
      title: `Potassium study ${number}`,
      year: 2000 + number,
      abstract: `Version ${version}: exchangeable potassium rose by ${10 + number * version} mg/kg after ${number * 30} kg/ha of K2O.`,
    };
    writeFileSync(join(model.dir, 'docs', `${name}.json`), JSON.stringify(paper, null, 2));
  }
  writeFileSync(
    join(model.dir, 'schema.json'),
    JSON.stringify({
      type: 'object',
      properties: { title: { type: 'string' }, year: { type: 'integer' }, findings: { type: 'array', items: { type: 'string' }, minItems: 1 } },
      required: ['title', 'year', 'findings'],
    }),
  );
  const stage = (name: StageName, input: string, template: string): string[] => [
    `  - name: ${name}`,
    `    input: ${input}`,
    `    prompt: { template: ${JSON.stringify(template)} }`,
    '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
    `    maxAttempts: ${model.maxAttempts[name]}`,
    ...(model.strict[name] ? ['    validation: { required: [doi] }'] : []),
    ...(model.canary && name === 'extract' ? ['    canary: { size: 2, minValidRate: 0.5 }'] : []),
    ...(model.variants && name === 'extract' ? ['    variants: [{ name: a }, { name: b, model: gemini-2.5-flash-lite }]'] : []),
  ];
  writeFileSync(
    join(model.dir, 'truebatch.config.yaml'),
    [
      'provider: gemini',
      'model: gemini-2.5-flash',
      'polling: { initialIntervalMs: 5, maxIntervalMs: 20 }',
      // Two requests a job: an interrupted run leaves some jobs unsent and some requests not yet in a job.
      'sharding: { maxRequestsPerJob: 2 }',
      'stages:',
      ...stage('extract', '{ dir: docs }', `Extract the title, year and findings as JSON (v${model.prompt.extract}).\n\n{{document}}`),
      ...(model.twoStages
        ? stage('summarize', '{ stage: extract }', `Summarise these findings as JSON (v${model.prompt.summarize}).\n\n{{document}}`)
        : []),
      '',
    ].join('\n'),
  );
}

/** Describes an operation for a failure message. */
export function describeOperation(operation: Operation): string {
  const { kind, ...rest } = operation;
  const details = Object.entries(rest).map(([name, value]) => `${name}=${String(value)}`);
  return details.length > 0 ? `${kind}(${details.join(', ')})` : kind;
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
}
