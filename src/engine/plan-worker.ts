/** @module The planning worker thread: prepares batches of documents (see prepare-document.ts). */
import { serveBatches } from '../shared/worker-batches.ts';
import { prepareDocuments, type Prepared, type PrepareRecipe, type PrepareTask } from './prepare-document.ts';

// The recipe is the worker's data, one object for its whole life: buildRequest makes (and freezes) what the stage's
// requests share once, and the main thread sends only the documents.
serveBatches<PrepareTask, Prepared, PrepareRecipe>((tasks, recipe) => prepareDocuments(tasks, recipe));
