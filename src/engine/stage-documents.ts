/**
 * @module Where a stage's documents come from: files in a folder (the corpus), or the valid outputs of an
 * upstream stage (optionally joined with the original document). Either way each document carries its lineage.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProjectConfig } from '../config/index.ts';
import { isBinaryFormat, sniffFile } from '../corpus/index.ts';
import type { Ledger, Lineage, RequestRow } from '../ledger/index.ts';
import type { RequestAttachment } from '../requests/index.ts';
import { errorMessage, sha256Hex, isRecord } from '../shared/index.ts';
import { projectRelative, type PrepareTask } from './prepare-document.ts';

/** A document ready to render, with what it came from. */
export interface StageDocument {
  id: string;
  path: string;
  text: string;
  fields: Record<string, unknown>;
  contentHash: string;
  sizeBytes: number;
  lineage: Pick<Lineage, 'document' | 'upstream'>;
  /** A PDF or image, which travels beside the prompt (its text is empty). */
  attachment?: StageAttachment;
}

/** A PDF or image document: what its request part needs, and where its bytes are. */
export interface StageAttachment extends RequestAttachment {
  format: 'pdf' | 'image';
  absolutePath: string;
}

/**
 * One thing found while listing a stage's input: a document to prepare, or a path left out with the reason. A files
 * stage's entries are its corpus walk (`walkCorpus`): files are read when prepared, on the planning worker.
 */
export type StageEntry = PrepareTask | { kind: 'excluded' | 'invalid'; path: string; reason: string };

/** Reads an upstream output: its path and text. Throws when it cannot be read. */
export type OutputReader = (row: RequestRow) => { path: string; text: string };

/** The run's reader: the output file as it is on disk. */
export const readOutputFile: OutputReader = (row) => ({ path: row.output_path ?? '', text: readFileSync(row.output_path ?? '', 'utf8') });

/**
 * The documents of a stage fed by `upstream`: one per valid upstream output whose fingerprint `seen` does not
 * already hold (so repeated planning in one run only reads what is new). A plan passes `redone` (upstream requests
 * its run starts afresh, whose outputs it drops) and a `read` that sees outputs as the run will have restored them.
 */
export function* upstreamDocuments(
  config: ProjectConfig,
  ledger: Ledger,
  upstream: string,
  withDocument: boolean,
  seen: Map<string, string>,
  options: { redone?: ReadonlySet<string>; read?: OutputReader } = {},
): Generator<StageEntry> {
  const read = options.read ?? readOutputFile;
  const rows = [...ledger.validRequests(upstream)].filter((row) => seen.get(row.key) !== row.fingerprint && !options.redone?.has(row.key));
  for (const row of rows) {
    seen.set(row.key, row.fingerprint);
    let outputPath = row.output_path ?? '';
    let text: string;
    let output: unknown;
    try {
      ({ path: outputPath, text } = read(row));
      output = JSON.parse(text);
    } catch (error) {
      yield { kind: 'invalid', path: projectRelative(config.projectDir, outputPath), reason: `upstream output unreadable: ${errorMessage(error)}` };
      continue;
    }
    const upstreamLineage = JSON.parse(row.lineage ?? '{}') as Partial<Lineage>;
    const fields = isRecord(output) ? output : { output };
    const joined = withDocument ? { ...fields, document: originalDocument(config, upstreamLineage) } : fields;
    yield {
      kind: 'document',
      document: {
        id: row.doc_id,
        path: projectRelative(config.projectDir, outputPath),
        text,
        fields: joined,
        contentHash: sha256Hex(text),
        sizeBytes: Buffer.byteLength(text),
        lineage: {
          document: upstreamLineage.document,
          upstream: [{ stage: upstream, key: row.key, fingerprint: row.fingerprint, outputPath: projectRelative(config.projectDir, outputPath) }],
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
  const absolutePath = resolve(config.projectDir, path);
  // A PDF or image has no text to join: the downstream prompt gets where it is and its hash, and only its first
  // bytes are read (it may be a 2 GB PDF).
  const sniffed = sniffFile({ path, absolutePath });
  if (sniffed.ok && isBinaryFormat(sniffed.format)) return { path, contentHash: lineage.document?.contentHash, mimeType: sniffed.mimeType };
  const text = readFileSync(absolutePath, 'utf8').replace(/^\uFEFF/, '');
  return path.endsWith('.json') ? (JSON.parse(text) as unknown) : { text };
}

