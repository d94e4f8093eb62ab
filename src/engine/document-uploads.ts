/**
 * @module The PDFs and images of a job's lines: bound when the line is written (inline bytes as base64, or the URI of
 * an uploaded file), uploaded once per content and reused while they live long enough, and deleted at the provider
 * once nothing needs them. Uploads are ledger records (`ledger.uploads`): the intent is written before each upload,
 * so an upload whose reply was lost in a crash is found again by its display name, which carries the content hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { StageConfig } from '../config/index.ts';
import type { UploadRow } from '../ledger/index.ts';
import { base64Length, bindDocumentRefs, documentRef, documentRefsIn, type BatchInputLine, type DocumentRef } from '../requests/index.ts';
import { ConfigError, InputError, ProviderError, errorMessage, randomId } from '../shared/index.ts';
import { documentsProvider, type EngineContext } from './context.ts';

/** Display names of document uploads: `<project prefix>-doc-<sha256>-<random>`, so a lost reply is found again. */
function uploadPrefix(context: EngineContext, contentHash: string): string {
  return `${context.displayNamePrefix}-doc-${contentHash}`;
}

/**
 * Binds the document references of one stage's lines as they are written, uploading what must be uploaded. Remembers
 * which uploads each key used, so the jobs cut from the lines can name them ({@link DocumentBinder.uploadsOf}).
 */
export class DocumentBinder {
  readonly #context: EngineContext;
  readonly #stage: StageConfig;
  readonly #uploads = new Map<string, UploadRow>();
  readonly #usedBy = new Map<string, number[]>();
  #quotaFull: string | undefined;

  constructor(context: EngineContext, stage: StageConfig) {
    this.#context = context;
    this.#stage = stage;
  }

  /**
   * Makes sure every uploaded document the lines reference has a live upload, uploading what has none. Called before
   * the lines are written (the ledger cannot be written while it streams them).
   */
  async prepare(lines: () => Iterable<{ key: string; request_json: string }>): Promise<void> {
    // A corpus without PDFs or images has nothing to upload: its requests are not read a second time.
    if (!this.#context.ledger.uploads.hasSources()) return;
    const wanted = new Map<string, string>();
    for (const line of lines()) {
      for (const ref of documentRefsIn(line.request_json)) if (ref.travel === 'file' && !wanted.has(ref.contentHash)) wanted.set(ref.contentHash, line.key);
    }
    for (const [contentHash, key] of wanted) {
      if (!(await this.#uploadWithinQuota(contentHash, key))) break;
    }
  }

  /**
   * Why the provider's file storage took no more documents, when it refused one (lines whose documents are not
   * uploaded wait for the next cut, once collected jobs have freed space).
   */
  get quotaFull(): string | undefined {
    return this.#quotaFull;
  }

  /** Whether every uploaded document `requestJson` references has its upload (see {@link prepare}). */
  ready(requestJson: string): boolean {
    return documentRefsIn(requestJson).every((ref) => ref.travel === 'inline' || this.#uploads.has(ref.contentHash));
  }

  /** Uploads (or finds) the document; false when the storage quota refused it even after deleting what nothing needs. */
  async #uploadWithinQuota(contentHash: string, key: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#liveUpload(contentHash, key);
        return true;
      } catch (error) {
        // Gemini keeps 20 GB of files per project [spec D.3]; a full quota is refused with 429 RESOURCE_EXHAUSTED.
        if (!(error instanceof ProviderError && error.status === 429 && /quota|storage|exhausted/i.test(error.message))) throw error;
        if (attempt > 1) {
          this.#quotaFull = errorMessage(error);
          return false;
        }
        await deleteUnneededUploads(this.#context);
      }
    }
  }

  /** `line` with its references bound: base64 of the file (inline), the URI of the live upload (file). */
  bind(line: BatchInputLine): BatchInputLine {
    const refs = documentRefsIn(line.requestJson);
    if (refs.length === 0) return line;
    const used = new Set<number>();
    const requestJson = bindDocumentRefs(line.requestJson, (ref) => {
      if (ref.travel === 'inline') return this.#inlineBytes(ref.contentHash, line.key).toString('base64');
      const upload = this.#uploads.get(ref.contentHash);
      if (upload?.uri === undefined || upload.uri === null) throw new InputError(`request ${line.key}`, `no upload prepared for document sha256 ${ref.contentHash}`);
      used.add(upload.id);
      return upload.uri;
    });
    this.#usedBy.set(line.key, [...used]);
    return { key: line.key, requestJson };
  }

  /** The uploads the lines of `keys` reference. */
  uploadsOf(keys: readonly string[]): number[] {
    return [...new Set(keys.flatMap((key) => this.#usedBy.get(key) ?? []))];
  }

  #sourceOf(contentHash: string, key: string): { path: string; mimeType: string; sizeBytes: number } {
    const source = this.#context.ledger.uploads.source(contentHash);
    if (source === undefined) throw new InputError(`request ${key}`, `its document (sha256 ${contentHash}) is not known to the ledger; run plan again`);
    return source;
  }

  /** The document's bytes, checked against the content the request was planned (and fingerprinted) with. */
  #inlineBytes(contentHash: string, key: string): Buffer {
    const { path } = this.#sourceOf(contentHash, key);
    const bytes = readFileSync(path);
    if (createHash('sha256').update(bytes).digest('hex') !== contentHash) {
      throw new InputError(`request ${key}`, `${path} changed since it was planned; run again to plan the new content`);
    }
    return bytes;
  }

  /** A live upload of the content that outlives the job's maximum wait, uploading one when there is none. */
  async #liveUpload(contentHash: string, key: string): Promise<UploadRow> {
    const known = this.#uploads.get(contentHash);
    if (known) return known;
    const { ledger } = this.#context;
    const provider = this.#context.providerFor(this.#stage.name);
    const live = ledger.uploads.liveUpload(contentHash, this.#stage.documents.maxJobWaitMs);
    if (live) {
      this.#uploads.set(contentHash, live);
      return live;
    }
    const files = provider.documents;
    if (files === undefined) {
      throw new ConfigError(`${this.#stage.name}: provider ${provider.name} cannot take uploaded documents; set documents.travel: inline for the stage`);
    }
    const source = this.#sourceOf(contentHash, key);
    // Flushed to disk before the upload is sent, so a crash after it is reconciled (reconcileUploadIntents).
    const intent = ledger.durably(() => ledger.uploads.beginUpload(contentHash, `${uploadPrefix(this.#context, contentHash)}-${randomId(6)}`, source.sizeBytes));
    let upload: UploadRow;
    try {
      const file = await files.upload(source.path, { displayName: intent.display_name, mimeType: source.mimeType });
      this.#context.failpoint('after-document-upload');
      upload = ledger.uploads.completeUpload(intent.id, { remoteName: file.name, uri: file.uri, expiresAt: file.expiresAt });
    } catch (error) {
      ledger.uploads.retire(intent.id, 'dead', `upload failed: ${errorMessage(error)}`);
      throw error;
    }
    ledger.addEvent('document-uploaded', `${source.path}: ${upload.remote_name ?? ''} (${source.sizeBytes} bytes)`, { stage: this.#stage.name });
    this.#uploads.set(contentHash, upload);
    return upload;
  }
}

/**
 * Settles upload intents a crash left without an outcome: an upload that arrived (found by its display name) is
 * adopted or deleted, one that never arrived is marked dead. Run before new uploads.
 */
export async function reconcileUploadIntents(context: EngineContext): Promise<void> {
  const { ledger } = context;
  const provider = documentsProvider(context);
  const intents = ledger.uploads.intents();
  if (intents.length === 0 || provider.documents === undefined) return;
  const stored = await provider.documents.list(`${context.displayNamePrefix}-doc-`);
  for (const intent of intents) {
    const file = stored.find((candidate) => candidate.displayName === intent.display_name);
    if (file === undefined) ledger.uploads.retire(intent.id, 'dead', 'the upload never arrived');
    else ledger.uploads.completeUpload(intent.id, { remoteName: file.name, uri: file.uri, expiresAt: file.expiresAt });
  }
}

/**
 * After a job is collected: uploads whose lines failed because the file was gone are marked dead (their requests are
 * resubmitted with a fresh upload), and uploads nothing needs any more are deleted at the provider.
 */
export async function settleJobDocuments(context: EngineContext, jobId: number): Promise<void> {
  const { ledger } = context;
  const uploads = ledger.uploads.ofJob(jobId);
  if (uploads.length === 0) return;
  const gone = new Set(ledger.uploads.goneInJob(jobId));
  for (const upload of uploads) {
    if (upload.state === 'live' && gone.has(upload.content_hash)) ledger.uploads.retire(upload.id, 'dead', 'the provider no longer had the file (403)');
  }
  await deleteUnneededUploads(context);
}

/**
 * The uploads `jobId`'s lines reference that would not outlive the stage's `documents.maxJobWaitMs` if the job were
 * created now (dead, deleted, or expiring too soon): such a job must not be created with them. An upload the provider
 * keeps for less than that wait in all is not counted: a fresh one would be just as short, and the job would be cut
 * again forever.
 */
export function expiringUploadsOf(context: EngineContext, stage: StageConfig, jobId: number): UploadRow[] {
  const wait = stage.documents.maxJobWaitMs;
  const needed = context.clock.now() + wait;
  return context.ledger.uploads.ofJob(jobId).filter((upload) => {
    if (upload.state !== 'live') return true;
    return upload.expires_at !== null && upload.expires_at < needed && upload.expires_at - upload.created_at > wait;
  });
}

/** Deletes at the provider every live upload that no job waiting for results and no pending request needs. */
export async function deleteUnneededUploads(context: EngineContext): Promise<void> {
  const { ledger } = context;
  const provider = documentsProvider(context);
  for (const upload of ledger.uploads.unneeded()) {
    try {
      if (upload.remote_name !== null) await provider.deleteFile(upload.remote_name);
      ledger.uploads.retire(upload.id, 'deleted', 'no longer needed');
    } catch (error) {
      context.reporter.notice(`could not delete uploaded document ${upload.remote_name ?? ''} (${errorMessage(error)}); it expires on its own`);
    }
  }
}

/** Bytes a bound line has more than the stored one: each inline reference becomes the file's base64. */
export function boundSizeDelta(requestJson: string, sizeOf: (ref: DocumentRef) => number | undefined): number {
  let delta = 0;
  for (const ref of documentRefsIn(requestJson)) {
    if (ref.travel !== 'inline') continue;
    const size = sizeOf(ref);
    if (size !== undefined) delta += base64Length(size) - documentRef('inline', ref.contentHash).length;
  }
  return delta;
}
