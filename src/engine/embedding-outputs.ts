/**
 * @module The outputs of an embedding stage (`task: embed`): one JSON file per document, `{id, model, dimensions,
 * vector}`, and after each run one consolidated set per stage that downstream tools load in one go, rebuilt from the
 * recorded outputs (in request order) and each put in place atomically:
 * - `embeddings.jsonl`: one `{"id","vector"}` line per document;
 * - `embeddings.npy`: the vectors as a float32 matrix of shape [documents, dimensions] (NumPy `.npy` v1.0);
 * - `embeddings.ids.txt`: the document id of each row, one per line, in the same order.
 * Streamed: one document's vector is in memory at a time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { AtomicFileWriter, ensureFolder, float32Row, npyFloat32Header, NPY_HEADER_BYTES } from '../outputs/index.ts';
import { bareModelName } from '../requests/index.ts';
import { errorMessage, readLinesFrom } from '../shared/index.ts';
import type { EmbeddingOutput } from '../results/index.ts';
import type { EngineContext } from './context.ts';
import { projectRelative } from './prepare-document.ts';
import type { OutputFile } from './verdicts.ts';

/** The consolidated files of an embedding stage, in its output folder. */
export const EMBEDDING_FILES = { jsonl: 'embeddings.jsonl', npy: 'embeddings.npy', ids: 'embeddings.ids.txt' } as const;

/** One document's embedding output, as its file holds it. */
export interface DocumentEmbedding extends EmbeddingOutput {
  id: string;
  model: string;
}

/** The output file of one document's embedding: its facts readable at the top, the vector on one line. */
export function embeddingOutputFile(path: string, docId: string, model: string, output: EmbeddingOutput): OutputFile {
  const head = [`"id": ${JSON.stringify(docId)}`, `"model": ${JSON.stringify(bareModelName(model))}`, `"dimensions": ${output.dimensions}`];
  return { path, text: `{\n  ${head.join(',\n  ')},\n  "vector": ${JSON.stringify(output.vector)}\n}\n` };
}

/** What consolidating one stage wrote. */
export interface ConsolidatedEmbeddings {
  stage: string;
  rows: number;
  dimensions: number;
  /** The three files, absolute. */
  files: { jsonl: string; npy: string; ids: string };
  /** Outputs left out, with why (unreadable, or a vector of another size than the rest). */
  skipped: { path: string; reason: string }[];
}

function readEmbedding(path: string): DocumentEmbedding {
  const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<DocumentEmbedding>;
  if (typeof value.id !== 'string' || !Array.isArray(value.vector)) throw new Error('is not an embedding output ({id, vector})');
  return value as DocumentEmbedding;
}

/**
 * Rewrites the consolidated files of an embedding stage from its recorded outputs. The matrix's width is the stage's
 * `outputDimensionality`, else the first vector's; a vector of another width (left from an earlier config) is
 * skipped and reported, never padded.
 */
export function consolidateEmbeddings(ledger: Ledger, stage: StageConfig): ConsolidatedEmbeddings {
  const dir = stage.output.dir;
  ensureFolder(dir, `output folder of ${stage.name}`);
  const files = { jsonl: join(dir, EMBEDDING_FILES.jsonl), npy: join(dir, EMBEDDING_FILES.npy), ids: join(dir, EMBEDDING_FILES.ids) };
  const writers = [new AtomicFileWriter(files.jsonl), new AtomicFileWriter(files.npy), new AtomicFileWriter(files.ids)] as const;
  const [jsonl, npy, ids] = writers;
  const result: ConsolidatedEmbeddings = { stage: stage.name, rows: 0, dimensions: stage.embedding?.outputDimensionality ?? 0, files, skipped: [] };
  try {
    npy.write(Buffer.alloc(NPY_HEADER_BYTES)); // rewritten at the end, when the row count is known
    for (const output of ledger.outputs.recorded(stage.name)) {
      let embedding: DocumentEmbedding;
      try {
        embedding = readEmbedding(output.path);
      } catch (error) {
        result.skipped.push({ path: output.path, reason: errorMessage(error) });
        continue;
      }
      if (result.dimensions === 0) result.dimensions = embedding.vector.length;
      if (embedding.vector.length !== result.dimensions) {
        result.skipped.push({ path: output.path, reason: `has ${embedding.vector.length} values, the others ${result.dimensions}` });
        continue;
      }
      if (/[\r\n]/.test(embedding.id)) {
        result.skipped.push({ path: output.path, reason: 'its id has a line break, which the ids file cannot hold' });
        continue;
      }
      jsonl.write(`${JSON.stringify({ id: embedding.id, vector: embedding.vector })}\n`);
      npy.write(float32Row(embedding.vector));
      ids.write(`${embedding.id}\n`);
      result.rows++;
    }
    npy.writeAt(npyFloat32Header([result.rows, result.dimensions]), 0);
    for (const writer of writers) writer.commit();
  } catch (error) {
    for (const writer of writers) writer.abort();
    throw error;
  }
  return result;
}

/** Consolidates every embedding stage of `stages` (after a run or a collect) and says where the vectors are. */
export function consolidateEmbeddingStages(context: EngineContext, stages: readonly StageConfig[]): ConsolidatedEmbeddings[] {
  const written = stages.filter((stage) => stage.task === 'embed').map((stage) => consolidateEmbeddings(context.ledger, stage));
  for (const each of written) reportConsolidated(context, each);
  return written;
}

/** Tells the user where a stage's vectors are, and which outputs were left out. */
function reportConsolidated(context: EngineContext, written: ConsolidatedEmbeddings): void {
  const where = projectRelative(context.config.projectDir, written.files.npy);
  context.reporter.notice(`${written.stage}: ${written.rows} vector(s) of ${written.dimensions} values in ${where} (rows named in ${EMBEDDING_FILES.ids}; also ${EMBEDDING_FILES.jsonl})`);
  for (const skipped of written.skipped) context.reporter.notice(`${written.stage}: left out of ${EMBEDDING_FILES.npy}: ${skipped.path} ${skipped.reason}`);
}

/** Where a document's vector is in its stage's consolidated files. */
export interface VectorRow {
  /** The `.npy` matrix (absolute); `row` is 0-based, the same line in the `.jsonl` and `.ids.txt` beside it. */
  file: string;
  row: number;
}

/** The row of `docId` in an embedding stage's consolidated files, streamed from its ids file; undefined if absent. */
export async function vectorRowOf(stage: StageConfig, docId: string): Promise<VectorRow | undefined> {
  if (stage.task !== 'embed') return undefined;
  const ids = join(stage.output.dir, EMBEDDING_FILES.ids);
  if (!existsSync(ids)) return undefined;
  let row = 0;
  for await (const { text } of readLinesFrom(ids)) {
    if (text === docId) return { file: join(stage.output.dir, EMBEDDING_FILES.npy), row };
    row++;
  }
  return undefined;
}
