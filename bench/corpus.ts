/**
 * @module Synthetic benchmark projects: a seeded corpus of single-line JSON papers written straight to disk (a few
 * documents in memory at a time), plus the prompt, schema and config of a one-stage pipeline.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, type Rng } from '../src/shared/index.ts';

/** How many documents, of about what size, from which seed. */
export interface CorpusSpec {
  count: number;
  /** Target size of each document file in bytes. */
  docBytes: number;
  seed: number;
}

/** What was written. */
export interface WrittenCorpus {
  files: number;
  bytes: number;
}

const WORDS = (
  'soil potassium exchangeable yield maize wheat rice fertiliser trial plot field clay loam sand organic matter ' +
  'nitrogen phosphorus uptake root biomass grain season rainfall irrigation treatment control replicate mean ' +
  'significant increase decrease response rate kg ha mg extract ammonium acetate leaching fixation mineral'
).split(' ');
const SENTENCES_IN_POOL = 512;
const WRITES_IN_FLIGHT = 8;

function sentence(rng: Rng): string {
  const words: string[] = [];
  const length = 8 + rng.int(16);
  for (let i = 0; i < length; i++) words.push(rng.pick(WORDS));
  const text = words.join(' ');
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)} (${rng.int(500)} kg/ha, p=${(rng.next() / 10).toFixed(3)}).`;
}

/** One document: plain text values (no quotes or newlines inside), so its JSON is one line of about `bytes`. */
function paper(id: number, bytes: number, rng: Rng, pool: readonly string[]): string {
  const head = { id: `d${id}`, title: `Potassium trial ${id}: ${pool[id % pool.length]?.slice(0, 60) ?? ''}`, year: 1970 + rng.int(55) };
  const frame = JSON.stringify({ ...head, abstract: '' });
  const parts: string[] = [];
  let length = frame.length;
  while (length < bytes) {
    const next = rng.pick(pool);
    parts.push(next);
    length += next.length + 1;
  }
  const abstract = parts.join(' ').slice(0, Math.max(1, bytes - frame.length));
  return JSON.stringify({ ...head, abstract });
}

/** Writes `spec.count` documents `docs/d<N>.json` under `dir`, `WRITES_IN_FLIGHT` at a time. */
export async function writeCorpus(dir: string, spec: CorpusSpec): Promise<WrittenCorpus> {
  const docsDir = join(dir, 'docs');
  mkdirSync(docsDir, { recursive: true });
  const rng = createRng(spec.seed);
  const pool = Array.from({ length: SENTENCES_IN_POOL }, () => sentence(rng));
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < spec.count) {
      const id = next++;
      const text = paper(id, spec.docBytes, createRng(`${spec.seed}:${id}`), pool);
      bytes += Buffer.byteLength(text);
      await writeFile(join(docsDir, `d${id}.json`), text);
    }
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
  return { files: spec.count, bytes };
}

/**
 * The corpus of `spec` under `cacheDir` (`<cacheDir>/<count>x<docBytes>-seed<seed>/docs`), written only when no
 * complete copy is there yet: a million files take minutes to write, and a kept copy lets runs be repeated.
 */
export async function cachedCorpus(cacheDir: string, spec: CorpusSpec): Promise<WrittenCorpus & { docsDir: string }> {
  const dir = join(cacheDir, `${spec.count}x${spec.docBytes}-seed${spec.seed}`);
  const marker = join(dir, 'complete.json');
  if (existsSync(marker)) return { ...(JSON.parse(readFileSync(marker, 'utf8')) as WrittenCorpus), docsDir: join(dir, 'docs') };
  rmSync(dir, { recursive: true, force: true });
  const written = await writeCorpus(dir, spec);
  writeFileSync(marker, JSON.stringify(written));
  return { ...written, docsDir: join(dir, 'docs') };
}

/** Polling and sharding of the benchmark project. */
export interface ProjectSettings {
  polling: { initialIntervalMs: number; maxIntervalMs: number; backoffFactor?: number };
  sharding?: { maxRequestsPerJob: number; maxBytesPerJob: number };
  /** The corpus folder when it is not `dir/docs` (a corpus cached outside the project). */
  docsDir?: string;
}

const SCHEMA = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    year: { type: 'integer' },
    findings: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
  required: ['title', 'year', 'findings'],
};

/** Writes the prompt, schema and `truebatch.config.yaml` of a one-stage project over `dir/docs`. */
export function writeProject(dir: string, settings: ProjectSettings): void {
  writeFileSync(join(dir, 'prompt.md'), 'Extract the title, year and findings of this paper as JSON.\n\n{{document}}\n');
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA, null, 2));
  const { polling, sharding, docsDir = 'docs' } = settings;
  writeFileSync(
    join(dir, 'truebatch.config.yaml'),
    [
      'provider: gemini',
      'model: gemini-2.5-flash',
      `polling: { initialIntervalMs: ${polling.initialIntervalMs}, maxIntervalMs: ${polling.maxIntervalMs}` +
        `${polling.backoffFactor === undefined ? '' : `, backoffFactor: ${polling.backoffFactor}`} }`,
      ...(sharding ? [`sharding: { maxRequestsPerJob: ${sharding.maxRequestsPerJob}, maxBytesPerJob: ${sharding.maxBytesPerJob} }`] : []),
      'stages:',
      '  - name: extract',
      `    input: { dir: ${JSON.stringify(docsDir)} }`,
      '    prompt: { file: prompt.md }',
      '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
      '    maxAttempts: 3',
      '',
    ].join('\n'),
  );
}
