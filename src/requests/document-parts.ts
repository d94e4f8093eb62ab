/**
 * @module A PDF or image as a part of a request, and how its bytes or its uploaded file's URI enter the batch line.
 *
 * The neutral request (and so the fingerprint and the stored body) holds a content-addressed reference in place of the
 * bytes or the URI: `truebatch-inline:sha256:<hex>` or `truebatch-file:sha256:<hex>`. The engine binds it when it
 * writes a job's input line (base64 of the file, or the URI of a live upload of it). So a fingerprint names the work
 * (this document, sent this way), not an upload: re-uploading an expired file changes the line, never the
 * fingerprint, and the ledger does not hold megabytes of base64 per request.
 */
import type { RequestPart } from './neutral-request.ts';

/** How a document travels: in the request (base64) or as an uploaded file the request references. */
export type DocumentTravel = 'inline' | 'file';

/** A PDF or image a request carries beside its prompt. */
export interface RequestAttachment {
  mimeType: string;
  /** SHA-256 hex of the file. */
  contentHash: string;
  sizeBytes: number;
  /** A PDF's page count (token estimates). */
  pages?: number;
}

/** A stage's rule: `auto` sends files up to `inlineMaxBytes` inline and uploads larger ones. */
export interface DocumentTravelRule {
  travel: 'auto' | DocumentTravel;
  inlineMaxBytes: number;
}

/** How `attachment` travels under `rule`. */
export function travelOf(attachment: Pick<RequestAttachment, 'sizeBytes'>, rule: DocumentTravelRule): DocumentTravel {
  if (rule.travel !== 'auto') return rule.travel;
  return attachment.sizeBytes <= rule.inlineMaxBytes ? 'inline' : 'file';
}

/** The reference a stored body holds until the line is written. */
export function documentRef(travel: DocumentTravel, contentHash: string): string {
  return `truebatch-${travel}:sha256:${contentHash}`;
}

const REF_PATTERN = /truebatch-(inline|file):sha256:([0-9a-f]{64})/g;

/** The neutral part of `attachment` travelling `travel`. */
export function documentPart(attachment: RequestAttachment, travel: DocumentTravel): RequestPart {
  const pages = attachment.pages === undefined ? {} : { pages: attachment.pages };
  const ref = documentRef(travel, attachment.contentHash);
  return travel === 'inline'
    ? { kind: 'inline', mimeType: attachment.mimeType, base64: ref, ...pages }
    : { kind: 'file', uri: ref, mimeType: attachment.mimeType, ...pages };
}

/** One document reference found in a line. */
export interface DocumentRef {
  travel: DocumentTravel;
  contentHash: string;
}

/** The document references in an encoded request, in order. */
export function documentRefsIn(requestJson: string): DocumentRef[] {
  if (!requestJson.includes('truebatch-')) return [];
  return [...requestJson.matchAll(REF_PATTERN)].map((match) => ({ travel: match[1] as DocumentTravel, contentHash: match[2] ?? '' }));
}

/**
 * `requestJson` with each reference replaced by `bind(ref)`: base64 (inline) or a URI (file). The value is written
 * inside the JSON string the reference was in, so it is escaped as a JSON string body.
 */
export function bindDocumentRefs(requestJson: string, bind: (ref: DocumentRef) => string): string {
  if (!requestJson.includes('truebatch-')) return requestJson;
  return requestJson.replace(REF_PATTERN, (_match, travel: string, contentHash: string) =>
    JSON.stringify(bind({ travel: travel as DocumentTravel, contentHash })).slice(1, -1),
  );
}

/** Bytes of base64 text for `bytes` bytes. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}
