/** @module The planning worker thread: prepares batches of documents (see prepare-document.ts). */
import { deepFreeze } from '../config/index.ts';
import { serveBatches } from '../shared/worker-batches.ts';
import { prepareDocuments, type PrepareBatch, type Prepared } from './prepare-document.ts';

// Frozen again after the copy to this thread, so the response schema's canonical JSON is cached (see fingerprint.ts).
serveBatches<PrepareBatch, Prepared[], undefined>((batches) => batches.map((batch) => prepareDocuments(batch.tasks, deepFreeze(batch.recipe))));
