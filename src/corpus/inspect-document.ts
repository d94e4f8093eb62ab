/** @module The checks of a document that need more than its first and last bytes: a PDF's page count. */
import type { Document } from './corpus-types.ts';
import { countPdfPages } from './pdf-inspect.ts';

/** Page counts by content hash: a PDF met again in the same process (another stage, a re-plan) is not parsed again. */
const pagesByHash = new Map<string, number>();

/**
 * `document` with its page count when it is a PDF, or why it cannot be sent. Other documents come back as they are.
 * Never throws.
 */
export async function inspectDocument(document: Document): Promise<{ ok: true; document: Document } | { ok: false; reason: string }> {
  if (document.format !== 'pdf') return { ok: true, document };
  const known = pagesByHash.get(document.contentHash);
  if (known !== undefined) return { ok: true, document: { ...document, pages: known } };
  const counted = await countPdfPages(document.absolutePath);
  if (!counted.ok) return { ok: false, reason: `${counted.reason} (PDF, ${document.sizeBytes} bytes)` };
  pagesByHash.set(document.contentHash, counted.pages);
  return { ok: true, document: { ...document, pages: counted.pages } };
}
