/** @module Corpus: read a stage's input documents, with include/exclude, expected count and per-file reasons. */
export { scanCorpus, walkCorpus } from './scan-corpus.ts';
export { DocumentIds, documentIdsFor, type RecordedPath } from './document-ids.ts';
export { checkExpectedCount } from './expected-count.ts';
export { formatOf, readDocument, sniffFile } from './read-document.ts';
export { isBinaryFormat, sniffDocument } from './document-kind.ts';
export { inspectDocument } from './inspect-document.ts';
export { MAX_DOCUMENT_BYTES, MAX_PDF_PAGES } from './pdf-inspect.ts';
export type { CorpusEntry, Document, DocumentFormat } from './corpus-types.ts';
