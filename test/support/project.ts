/**
 * @module Test projects on disk: the soil-k example copied to a temp folder, or a small generated corpus, with
 * a config that points the `gemini` provider at a test's own emulator.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));

/** A copy of examples/soil-k in a fresh temp folder. */
export function copySoilK(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-soil-k-'));
  cpSync(join(examplesDir, 'soil-k'), dir, { recursive: true, filter: (source) => !source.includes('.truebatch') && !source.includes('outputs') });
  return dir;
}

/**
 * A copy of examples/soil-k-variants beside a copy of examples/soil-k (whose papers, prompt and schema it reads), in
 * a fresh temp folder; returns the variants project's folder.
 */
export function copySoilKVariants(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-soil-k-variants-'));
  const filter = (source: string): boolean => !source.includes('.truebatch') && !source.includes('outputs');
  cpSync(join(examplesDir, 'soil-k'), join(dir, 'soil-k'), { recursive: true, filter });
  cpSync(join(examplesDir, 'soil-k-variants'), join(dir, 'soil-k-variants'), { recursive: true, filter });
  return join(dir, 'soil-k-variants');
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

/** The model a test project asks each provider for. */
const MODEL_OF_PROVIDER: Readonly<Record<string, string>> = {
  gemini: 'gemini-2.5-flash',
  emulator: 'gemini-2.5-flash',
  openai: 'gpt-4.1-mini',
  'openai-emulator': 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-5-5',
  'anthropic-emulator': 'claude-sonnet-5-5',
};

/**
 * A small project of `count` JSON papers and one stage (`stageYaml`: one more line of it), with fast polling, on
 * `provider` (default `gemini`, pointed at a test's emulator by the environment).
 */
export function makeProject(
  options: {
    count?: number;
    maxAttempts?: number;
    expectedCount?: number;
    extraYaml?: string;
    stageYaml?: string;
    /** @default 'gemini' */
    provider?: string;
    /** @default the provider's model in MODEL_OF_PROVIDER */
    model?: string;
  } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-project-'));
  mkdirSync(join(dir, 'docs'));
  const count = options.count ?? 6;
  for (let i = 1; i <= count; i++) {
    const paper = {
      title: `Potassium study ${i}`,
      year: 2000 + i,
      abstract: `Exchangeable potassium rose by ${10 + i} mg/kg after ${i * 30} kg/ha of K2O. Yields increased ${i}.5 t/ha.`,
    };
    writeFileSync(join(dir, 'docs', `paper${i}.json`), JSON.stringify(paper, null, 2));
  }
  writeFileSync(join(dir, 'prompt.md'), 'Extract the title, year and findings of this paper as JSON.\n\n{{document}}\n');
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA, null, 2));
  writeFileSync(
    join(dir, 'truebatch.config.yaml'),
    [
      `provider: ${options.provider ?? 'gemini'}`,
      `model: ${options.model ?? MODEL_OF_PROVIDER[options.provider ?? 'gemini'] ?? 'gemini-2.5-flash'}`,
      options.extraYaml?.includes('polling:') ? '' : 'polling: { initialIntervalMs: 50, maxIntervalMs: 200 }',
      options.extraYaml ?? '',
      'stages:',
      '  - name: extract',
      `    input: { dir: docs${options.expectedCount === undefined ? '' : `, expectedCount: ${options.expectedCount}`} }`,
      '    prompt: { file: prompt.md }',
      '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
      `    maxAttempts: ${options.maxAttempts ?? 3}`,
      ...(options.stageYaml === undefined ? [] : [`    ${options.stageYaml}`]),
      '',
    ].join('\n'),
  );
  return dir;
}

/** Points the copied soil-k project at an external provider: `gemini` with fast polling. */
export function useGeminiProvider(projectDir: string): void {
  const path = join(projectDir, 'truebatch.config.yaml');
  const text = readFileSync(path, 'utf8')
    .replace(/^provider: emulator$/m, 'provider: gemini')
    .replace(/polling:[\s\S]*?\n\n/, 'polling:\n  initialIntervalMs: 50\n  maxIntervalMs: 200\n\n');
  writeFileSync(path, text);
}

/** The JSON files in a folder (recursively none: outputs are flat). */
export function outputFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** Runs one read-only query on a project's ledger. */
export function queryLedger<T>(projectDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(projectDir, '.truebatch', 'ledger.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
