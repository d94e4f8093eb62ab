/**
 * @module Batches of work done on a worker thread and answered in order, so the main thread (the ledger's only
 * writer) keeps working meanwhile. Used where per-item work is heavy and independent: reading and rendering
 * documents, writing output files.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { errorMessage, WorkerError } from './errors.ts';

interface BatchRequest<In> {
  id: number;
  items: In[];
}

type BatchReply<Out> = { id: number; results: Out[] } | { id: number; error: string };

/**
 * A worker thread running `moduleUrl`. Built code (`.js`) runs as it is. From source (TypeScript: the tests, tsx) Node
 * cannot load it, and a worker does not inherit the process's loader (nor take `--import` in Node 20), so the worker
 * first registers tsx's.
 */
function startWorker(moduleUrl: URL, data: unknown): Worker {
  // A small young generation keeps a busy worker's resident memory low (the CLI's budget is 300 MB); the old
  // generation keeps V8's default, so a document of tens of megabytes is handled as on the main thread.
  const options = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8 } };
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The module `name` beside `moduleUrl`, with the same extension (`.ts` from source under tsx, `.js` once built). */
export function moduleBeside(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

/**
 * A worker thread running `moduleUrl` (which calls {@link serveBatches}) with `data` as its `workerData`. Batches
 * are answered in the order sent; several can be in flight. Call {@link close} when done.
 */
export class WorkerBatches<In, Out> {
  readonly #worker: Worker;
  readonly #what: string;
  readonly #waiting = new Map<number, { resolve: (results: Out[]) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #dead: Error | undefined;

  constructor(moduleUrl: URL, data: unknown, what: string) {
    this.#what = what;
    this.#worker = startWorker(moduleUrl, data);
    this.#worker.unref();
    this.#worker.on('message', (reply: BatchReply<Out>) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      // Idle, it need not keep the process alive; closing, it must, until `terminate` has seen it exit.
      if (this.#waiting.size === 0 && this.#dead === undefined) this.#worker.unref();
      if ('error' in reply) waiter?.reject(new WorkerError(`${this.#what} failed: ${reply.error}`));
      else waiter?.resolve(reply.results);
    });
    const fail = (error: Error): void => {
      this.#dead ??= error;
      for (const waiter of this.#waiting.values()) waiter.reject(error);
      this.#waiting.clear();
    };
    this.#worker.on('error', (error) => fail(new WorkerError(`${this.#what} stopped: ${errorMessage(error)}`, { cause: error })));
    this.#worker.on('exit', (code) => fail(new WorkerError(`${this.#what} exited (code ${code})`)));
  }

  /** Sends `items` to the worker; resolves with one result per item, in order. */
  run(items: In[]): Promise<Out[]> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    // Only a worker with work in flight keeps the process alive.
    this.#worker.ref();
    return new Promise<Out[]>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, items } satisfies BatchRequest<In>);
    });
  }

  /** Stops the worker; batches still in flight are rejected. */
  async close(): Promise<void> {
    this.#dead ??= new WorkerError(`${this.#what} is closed`);
    // An idle worker is unref'd: with nothing else pending, the process would end before the exit is seen and leave
    // this promise unsettled (a caller that stopped iterating early, a batch still in flight, exited with code 13).
    this.#worker.ref();
    await this.#worker.terminate();
  }
}

/**
 * In a worker module: answers each batch with `handle`, given the `data` passed to {@link WorkerBatches}. An async
 * `handle` is awaited, one batch after the other, so replies keep the order of the batches.
 */
export function serveBatches<In, Out, Data>(handle: (items: In[], data: Data) => Out[] | Promise<Out[]>): void {
  const port = parentPort;
  if (!port) throw new WorkerError('serveBatches runs only in a worker thread');
  const data = workerData as Data;
  let previous = Promise.resolve();
  port.on('message', (request: BatchRequest<In>) => {
    previous = previous.then(async () => {
      try {
        port.postMessage({ id: request.id, results: await handle(request.items, data) } satisfies BatchReply<Out>);
      } catch (error) {
        // The batch failed, or its results could not be sent (not cloneable): say so instead of never answering.
        port.postMessage({ id: request.id, error: errorMessage(error) } satisfies BatchReply<Out>);
      }
    });
  });
}
