/**
 * @module The per-document half of planning, which needs no ledger: read the file (for a corpus), render the
 * neutral request, fingerprint it, and have the provider's codec encode it and estimate its tokens. Pure, so it runs on worker threads while the main thread
 * records the documents already prepared (see plan-worker.ts).
 */
import { isAbsolute, relative } from 'node:path';
import { inspectDocument, isBinaryFormat, readDocument } from '../corpus/index.ts';
import type { RequestCodec } from '../providers/request-codec.ts';
import { requestCodecFor } from '../providers/registry.ts';
import { buildRequest, fingerprintRequest, inputLineSize, type RequestSpec } from '../requests/index.ts';
import { errorMessage } from '../shared/index.ts';
import { boundSizeDelta } from './document-uploads.ts';
import type { StageDocument } from './stage-documents.ts';

/** What a stage's documents are prepared with (given to the planning workers once, when they start). */
export interface PrepareRecipe {
  spec: RequestSpec;
  /** The files stage's `idField`. */
  idField: string | undefined;
  /** Lineage paths are relative to it. */
  projectDir: string;
  /** The provider's registry name: its codec encodes the requests and estimates their tokens. */
  provider: string;
}

/** A document to prepare: a corpus file still to read, or a document already read (an upstream output). */
export type PrepareTask =
  | { kind: 'file'; path: string; absolutePath: string }
  | { kind: 'document'; document: StageDocument };

/** Whether a stage entry is a document to prepare (not a path left out). */
export function isPrepareTask(entry: { kind: string }): entry is PrepareTask {
  return entry.kind === 'file' || entry.kind === 'document';
}

/** What planning records of a document (its text and fields stay with the worker). */
export type DocumentFacts = Omit<StageDocument, 'text' | 'fields'>;

/** A prepared document, or why it cannot be one. */
export type Prepared =
  /** The file is not a document (unreadable, malformed, bad id...). */
  | { kind: 'unreadable'; path: string; reason: string }
  /** A document whose request cannot be rendered (a field the prompt needs is missing...). */
  | { kind: 'unrenderable'; document: DocumentFacts; reason: string }
  | {
      kind: 'request';
      document: DocumentFacts;
      key: string;
      fingerprint: string;
      requestJson: string;
      estimate: { input: number; output: number };
      /** Bytes of its JSONL input line, for shard planning. */
      lineSize: number;
    };

/** Prepares each task, in order. Never throws for a bad document: the reason is in the result. */
export async function prepareDocuments(tasks: readonly PrepareTask[], recipe: PrepareRecipe): Promise<Prepared[]> {
  const codec = requestCodecFor(recipe.provider);
  const prepared: Prepared[] = [];
  for (const task of tasks) {
    if (task.kind === 'document') {
      prepared.push(prepare(task.document, recipe, codec));
      continue;
    }
    const read = readDocument(task, recipe.idField);
    // A PDF's pages are counted here, on the worker, once per content (inspect-document.ts).
    const inspected = read.ok ? await inspectDocument(read.document) : read;
    if (!inspected.ok) {
      prepared.push({ kind: 'unreadable', path: task.path, reason: inspected.reason });
      continue;
    }
    const { id, path, text, fields, contentHash, sizeBytes, absolutePath, format, mimeType, pages } = inspected.document;
    const lineage = { document: { id, path: projectRelative(recipe.projectDir, absolutePath), contentHash }, upstream: [] };
    const attachment = isBinaryFormat(format)
      ? { attachment: { mimeType, contentHash, sizeBytes, absolutePath, format, ...(pages === undefined ? {} : { pages }) } }
      : {};
    prepared.push(prepare({ id, path, text, fields, contentHash, sizeBytes, lineage, ...attachment }, recipe, codec));
  }
  return prepared;
}

function prepare(document: StageDocument, recipe: PrepareRecipe, codec: RequestCodec): Prepared {
  const { text: _text, fields: _fields, ...facts } = document;
  try {
    const built = buildRequest(recipe.spec, document);
    const fingerprint = fingerprintRequest({ provider: codec.provider, model: recipe.spec.model, request: built.request });
    const estimate = codec.estimateTokens(built.request);
    const requestJson = codec.encode(built.request);
    return {
      kind: 'request', document: facts, key: built.key, fingerprint, requestJson,
      estimate: { input: estimate.input, output: estimate.output },
      // As the run writes it: an inline document's reference becomes its base64.
      lineSize: inputLineSize({ key: built.key, requestJson }) + boundSizeDelta(requestJson, () => document.attachment?.sizeBytes),
    };
  } catch (error) {
    return { kind: 'unrenderable', document: facts, reason: errorMessage(error) };
  }
}

/** `path` relative to the project (with `/`), or as it is when outside it. */
export function projectRelative(projectDir: string, path: string): string {
  const rel = relative(projectDir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split('\\').join('/');
}
