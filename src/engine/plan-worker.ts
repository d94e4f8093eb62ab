/** @module The planning worker thread: prepares batches of documents (see prepare-document.ts). */
import { serveBatches } from '../shared/worker-batches.ts';
import { prepareDocuments, type PrepareBatch, type Prepared } from './prepare-document.ts';

// The recipe arrives as a fresh copy with each batch; buildRequest makes (and freezes) what its requests share once
// per copy, so the response schema is serialised once per batch, not once per document.
serveBatches<PrepareBatch, Prepared[], undefined>((batches) => batches.map((batch) => prepareDocuments(batch.tasks, batch.recipe)));
