/**
 * @module A stage's entries prepared on a worker thread, a batch at a time with a few batches in flight, and
 * yielded in their original order: the main thread records one batch while the worker prepares the next. A pass
 * with only a few documents (a small corpus, a downstream stage's newly valid inputs) is prepared on this thread:
 * starting a worker costs far more than rendering them.
 */
import { statSync } from 'node:fs';
import { moduleBeside, WorkerBatches, WorkerError } from '../shared/index.ts';
import { isPrepareTask, prepareDocuments, type Prepared, type PrepareRecipe, type PrepareTask } from './prepare-document.ts';
import type { StageEntry } from './stage-documents.ts';

/** An entry of the stage, prepared when it was a document. */
export type PreparedEntry =
  | Exclude<StageEntry, PrepareTask>
  | { kind: 'prepared'; task: PrepareTask; prepared: Prepared };

/** At most this many documents in a batch, and about this many bytes of requests. */
const MAX_TASKS_PER_BATCH = 64;
const BATCH_BYTES = 1_000_000;
const BATCHES_IN_FLIGHT = 6;
/** Two: recording takes the main thread about half the time that reading and rendering take one worker. */
const WORKERS = 2;
/** A pass of at most this many documents, and this many bytes of them, is prepared on this thread. */
const IN_THREAD_DOCUMENTS = 16;
const IN_THREAD_BYTES = 1_000_000;

/**
 * `entries` with every document prepared with `recipe`, in order. The worker threads start with the first documents
 * and stop when the iteration ends (so they hold no memory between planning passes).
 */
export async function* preparedEntries(entries: AsyncIterable<StageEntry> | Iterable<StageEntry>, recipe: PrepareRecipe): AsyncGenerator<PreparedEntry> {
  const iterator = toAsyncIterator(entries);
  // The first entries are held back until the pass proves larger than a few documents.
  const head: StageEntry[] = [];
  let tasks = 0;
  let bytes = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) {
      const prepare = (batch: PrepareTask[]): Promise<Prepared[]> => prepareDocuments(batch, recipe);
      yield* await prepareBatch(head, prepare);
      return;
    }
    head.push(next.value);
    if (!isPrepareTask(next.value)) continue;
    bytes += sizeOf(next.value);
    if (++tasks > IN_THREAD_DOCUMENTS || bytes > IN_THREAD_BYTES) break;
  }
  yield* onWorkers(concat(head, iterator), recipe);
}

function sizeOf(task: PrepareTask): number {
  if (task.kind === 'document') return task.document.sizeBytes;
  // An unreadable file is refused when prepared, wherever that is.
  return statSync(task.absolutePath, { throwIfNoEntry: false })?.size ?? 0;
}

async function* toAsyncIterator(entries: AsyncIterable<StageEntry> | Iterable<StageEntry>): AsyncGenerator<StageEntry> {
  yield* entries;
}

async function* concat(head: readonly StageEntry[], rest: AsyncIterator<StageEntry>): AsyncGenerator<StageEntry> {
  try {
    yield* head;
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    // A caller that stops early stops the walk too.
    await rest.return?.();
  }
}

async function* onWorkers(entries: AsyncIterable<StageEntry>, recipe: PrepareRecipe): AsyncGenerator<PreparedEntry> {
  const workers: WorkerBatches<PrepareTask, Prepared>[] = [];
  let sent = 0;
  const prepare = async (tasks: PrepareTask[]): Promise<Prepared[]> => {
    // Batches go round the workers, started as needed (each with the recipe, once); results are still taken in order.
    const index = sent++ % WORKERS;
    const worker = (workers[index] ??= new WorkerBatches(moduleBeside(import.meta.url, 'plan-worker'), recipe, 'the planning worker'));
    const prepared = await worker.run(tasks);
    if (prepared.length !== tasks.length) throw new WorkerError(`the planning worker answered ${prepared.length} of ${tasks.length} documents`);
    return prepared;
  };
  const inFlight: Promise<PreparedEntry[]>[] = [];
  let batch: StageEntry[] = [];
  // Documents can be megabytes: batches start at one document and grow while the largest request seen allows.
  let batchSize = 1;
  let largestRequest = 0;
  const send = (): void => {
    const prepared = prepareBatch(batch, prepare).then((entries) => {
      for (const entry of entries) if (entry.kind === 'prepared' && entry.prepared.kind === 'request') largestRequest = Math.max(largestRequest, entry.prepared.lineSize);
      batchSize = Math.max(1, Math.min(MAX_TASKS_PER_BATCH, Math.floor(BATCH_BYTES / Math.max(largestRequest, 1))));
      return entries;
    });
    // Handled now: a later batch can fail while an earlier one is awaited; its error surfaces when its turn comes.
    prepared.catch(() => undefined);
    inFlight.push(prepared);
    batch = [];
  };
  try {
    for await (const entry of entries) {
      batch.push(entry);
      if (batch.length < batchSize) continue;
      send();
      if (inFlight.length >= BATCHES_IN_FLIGHT) yield* await (inFlight.shift() as Promise<PreparedEntry[]>);
    }
    if (batch.length > 0) send();
    while (inFlight.length > 0) yield* await (inFlight.shift() as Promise<PreparedEntry[]>);
  } finally {
    // Batches still in flight (the caller stopped early) are dropped; their rejections are already handled.
    await Promise.all(workers.map((worker) => worker.close()));
  }
}

async function prepareBatch(entries: readonly StageEntry[], prepare: (tasks: PrepareTask[]) => Promise<Prepared[]>): Promise<PreparedEntry[]> {
  const tasks = entries.filter(isPrepareTask);
  const prepared = tasks.length === 0 ? [] : await prepare(tasks);
  let next = 0;
  return entries.map((entry): PreparedEntry => (isPrepareTask(entry) ? { kind: 'prepared', task: entry, prepared: prepared[next++] as Prepared } : entry));
}
