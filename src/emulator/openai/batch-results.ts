/**
 * @module A batch's result lines (`{id, custom_id, response: {status_code, request_id, body}, error}`, spec §10a)
 * appended to its partial output and error files while it runs, then stored as `batch_output` files when it ends,
 * in a seeded shuffled order unless `faults.openai.inputOrder` (the real order is any: stdapi-ai#60).
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { planOutput, writePlannedFile } from '../output-faults.ts';
import type { JsonObject } from '../proto-json.ts';
import { ResultWriter } from '../result-writer.ts';
import type { ChatAnswer } from './chat-completions.ts';
import { nextSeq, type BatchWork, type OpenAiBatchRecord, type OpenAiState } from './openai-store.ts';
import { seededId } from './openai-wire.ts';

/** How long generated files live (purpose `batch_output`: 30 days, like batch input files). */
const OUTPUT_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** One result line: an answer (`response`) or a request not run (`response: null`, `error`). */
export function resultLine(seed: number, batch: OpenAiBatchRecord, customId: string, answer: ChatAnswer | undefined, error: JsonObject | null): JsonObject {
  const label = `${batch.id}:${customId}`;
  const response = answer === undefined ? null : { status_code: answer.statusCode, request_id: seededId('', seed, `request:${label}`, 32), body: answer.body };
  return { id: seededId('batch_req_', seed, `line:${label}`, 32), custom_id: customId, response, error };
}

/** Appends a line to the batch's partial output or error file (opened on first use). */
export async function appendResult(work: BatchWork, which: 'output' | 'errors', batch: OpenAiBatchRecord, line: JsonObject): Promise<void> {
  const writer = (work[which] ??= new ResultWriter(join(batch.dir, which === 'output' ? 'output.partial.jsonl' : 'error.partial.jsonl')));
  (which === 'output' ? work.outputOffsets : work.errorOffsets).push(writer.bytes);
  const writing = writer.append(JSON.stringify(line));
  if (writing !== undefined) await writing;
}

/** Moves the partials into stored files and records them on the batch; a partial never opened makes no file. */
export async function storeResults(state: OpenAiState, batch: OpenAiBatchRecord, work: BatchWork): Promise<void> {
  const { seed, clock, faults } = state.emulator.options;
  for (const which of ['output', 'errors'] as const) {
    const writer = work[which];
    work[which] = undefined;
    if (writer === undefined) continue;
    await writer.close();
    const id = seededId('file-', seed, `file:${nextSeq(state)}`);
    const path = join(state.dir, 'files', id);
    let bytes = writer.bytes;
    if (faults.openai.inputOrder) await rename(writer.path, path);
    else {
      const plan = planOutput(writer.lines, { shuffle: true, duplicateKeys: 0, missingKeys: 0, unknownKeys: 0 }, `${seed}:openai:${batch.id}:${which}`);
      const offsets = which === 'output' ? work.outputOffsets : work.errorOffsets;
      ({ sizeBytes: bytes } = await writePlannedFile({ partialPath: writer.path, offsets, partialSize: writer.bytes, plan, finalPath: path, inventedLine: () => '' }));
    }
    const now = clock.now();
    const kind = which === 'output' ? 'output' : 'error';
    state.files.set(id, { id, seq: state.issued.seq, filename: `${batch.id}_${kind}.jsonl`, purpose: 'batch_output', bytes, createdAtMs: now, expiresAtMs: now + OUTPUT_LIFETIME_MS, path });
    if (which === 'output') batch.outputFileId = id;
    else batch.errorFileId = id;
  }
}
