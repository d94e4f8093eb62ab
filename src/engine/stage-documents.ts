/**
 * @module Where a stage's documents come from: files in a folder (the corpus), or the valid outputs of an
 * upstream stage (optionally joined with the original document). Either way each document carries its lineage.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { scanCorpus } from '../corpus/index.ts';
import type { Ledger, Lineage, RequestRow } from '../ledger/index.ts';
import { errorMessage, sha256Hex } from '../shared/index.ts';

/** A document ready to render, with what it came from. */
export interface StageDocument {
  id: string;
  path: string;
  text: string;
  fields: Record<string, unknown>;
  contentHash: string;
  sizeBytes: number;
  lineage: Pick<Lineage, 'document' | 'upstream'>;
}

/** One thing found while listing a stage's input. */
export type StageEntry =
  | { kind: 'document'; document: StageDocument }
  | { kind: 'excluded' | 'invalid'; path: string; reason: string };

/** The documents of a files stage, from its corpus. */
export async function* corpusDocuments(config: ProjectConfig, stage: StageConfig & { input: { kind: 'files' } }): AsyncGenerator<StageEntry> {
  for await (const entry of scanCorpus(stage.input)) {
    if (entry.kind !== 'document') {
      yield entry;
      continue;
    }
    const { document } = entry;
    yield {
      kind: 'document',
      document: {
        id: document.id,
        path: document.path,
        text: document.text,
        fields: document.fields,
        contentHash: document.contentHash,
        sizeBytes: document.sizeBytes,
        lineage: {
          document: { id: document.id, path: projectRelative(config, document.absolutePath), contentHash: document.contentHash },
          upstream: [],
        },
      },
    };
  }
}

/**
 * The documents of a stage fed by `upstream`: one per valid upstream output whose fingerprint `seen` does not
 * already hold (so repeated planning in one run only reads what is new).
 */
export function* upstreamDocuments(
  config: ProjectConfig,
  ledger: Ledger,
  upstream: string,
  withDocument: boolean,
  seen: Map<string, string>,
): Generator<StageEntry> {
  const rows = [...ledger.validRequests(upstream)].filter((row) => seen.get(row.key) !== row.fingerprint);
  for (const row of rows) {
    seen.set(row.key, row.fingerprint);
    const outputPath = row.output_path ?? '';
    let text: string;
    let output: unknown;
    try {
      text = readFileSync(outputPath, 'utf8');
      output = JSON.parse(text);
    } catch (error) {
      yield { kind: 'invalid', path: projectRelative(config, outputPath), reason: `upstream output unreadable: ${errorMessage(error)}` };
      continue;
    }
    const upstreamLineage = JSON.parse(row.lineage ?? '{}') as Partial<Lineage>;
    const fields = isRecord(output) ? output : { output };
    const joined = withDocument ? { ...fields, document: originalDocument(config, upstreamLineage) } : fields;
    yield {
      kind: 'document',
      document: {
        id: row.doc_id,
        path: projectRelative(config, outputPath),
        text,
        fields: joined,
        contentHash: sha256Hex(text),
        sizeBytes: Buffer.byteLength(text),
        lineage: {
          document: upstreamLineage.document,
          upstream: [{ stage: upstream, key: row.key, fingerprint: row.fingerprint, outputPath: projectRelative(config, outputPath) }],
        },
      },
    };
  }
}

/** How many upstream requests are still on their way (pending or in a job), and which were given up. */
export function upstreamProgress(ledger: Ledger, upstream: string): { waiting: number; givenUp: RequestRow[] } {
  const counts = ledger.requestCounts(upstream);
  return { waiting: counts.pending + counts.in_job, givenUp: ledger.givenUpRequests(upstream) };
}

function originalDocument(config: ProjectConfig, lineage: Partial<Lineage>): unknown {
  const path = lineage.document?.path;
  if (path === undefined) return undefined;
  const text = readFileSync(resolve(config.projectDir, path), 'utf8').replace(/^\uFEFF/, '');
  return path.endsWith('.json') ? (JSON.parse(text) as unknown) : { text };
}

function projectRelative(config: ProjectConfig, path: string): string {
  const rel = relative(config.projectDir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split('\\').join('/');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
