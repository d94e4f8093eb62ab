/**
 * @module PDFs and images through Gemini's Files API (`ai.files.upload` with their MIME type): up to 2 GB a file,
 * 20 GB a project, kept 48 hours [spec D.3]. A request references a file by its `uri`.
 */
import { openAsBlob } from 'node:fs';
import { FileState, type File as GeminiFile, type GoogleGenAI } from '@google/genai';
import { ProviderError, type Clock } from '../../shared/index.ts';
import type { DocumentFiles, UploadedDocument } from '../batch-provider.ts';
import { GEMINI_PROVIDER_NAME, translatingErrors } from './gemini-errors.ts';

/** How long to wait for an uploaded file to leave `PROCESSING` (PDFs are usually `ACTIVE` at once). */
const ACTIVE_WAIT_MS = 120_000;
const ACTIVE_POLL_MS = 1_000;

function documentOf(file: GeminiFile, where: string): UploadedDocument {
  if (file.name === undefined || file.uri === undefined) {
    throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: the file came back without a name or uri`, { isRetryable: false });
  }
  const expires = file.expirationTime === undefined ? Number.NaN : Date.parse(file.expirationTime);
  return {
    name: file.name,
    uri: file.uri,
    displayName: file.displayName,
    sizeBytes: Number(file.sizeBytes ?? 0),
    expiresAt: Number.isFinite(expires) ? expires : undefined,
  };
}

/** The Files API as the contract's {@link DocumentFiles}. `secrets` are kept out of every error message. */
export function geminiDocuments(ai: GoogleGenAI, secrets: readonly string[], clock: Clock): DocumentFiles {
  return {
    async upload(path, { displayName, mimeType }) {
      const where = `uploadDocument(${displayName})`;
      // A file-backed Blob: the SDK streams it from disk in chunks instead of reading it whole.
      const blob = await openAsBlob(path, { type: mimeType });
      let file = await translatingErrors(where, secrets, () => ai.files.upload({ file: blob, config: { mimeType, displayName } }));
      const deadline = clock.now() + ACTIVE_WAIT_MS;
      while (file.state === FileState.PROCESSING && file.name !== undefined && clock.now() < deadline) {
        await clock.sleep(ACTIVE_POLL_MS);
        const name = file.name;
        file = await translatingErrors(where, secrets, () => ai.files.get({ name }));
      }
      if (file.state !== undefined && file.state !== FileState.ACTIVE) {
        throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: the file is ${file.state}, not ACTIVE${file.error?.message ? `: ${file.error.message}` : ''}`, {
          isRetryable: file.state === FileState.PROCESSING,
        });
      }
      return documentOf(file, where);
    },

    async list(prefix) {
      const found: UploadedDocument[] = [];
      const pager = await translatingErrors('listDocuments', secrets, () => ai.files.list({ config: { pageSize: 100 } }));
      for await (const file of pager) {
        if (file.displayName?.startsWith(prefix) === true) found.push(documentOf(file, 'listDocuments'));
      }
      return found;
    },
  };
}
