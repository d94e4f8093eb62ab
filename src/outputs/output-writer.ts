/**
 * @module Output files written on a worker thread, in batches, while the main thread reads, validates and records
 * the next results. Creating many small files is mostly kernel time, and this way it overlaps the rest.
 */
import { FilesystemError, moduleBeside, WorkerBatches, WorkerError } from '../shared/index.ts';

/** One output file to write. */
export interface OutputFile {
  path: string;
  text: string;
}

/** How writing one file went (the worker's answer). */
export type OutputFileResult = { ok: true } | { ok: false; message: string };

interface Queued extends OutputFile {
  written: () => void;
}

/** A batch is sent at this many files or bytes of text, whichever comes first; a few batches are in flight. */
const FILES_PER_BATCH = 256;
const BATCH_TEXT_BYTES = 4 * 1024 * 1024;
const BATCHES_IN_FLIGHT = 4;

/**
 * Writes files atomically (temp file and rename, not fsync'd) on a worker thread. A file's `written` callback runs
 * only once it is on disk, so a caller that records files there never records one that is not. After a failure,
 * `write` and `flush` throw it (a {@link FilesystemError} that names the file and says why, the error a callback
 * threw, or a WorkerError when the thread died) and files not yet sent are dropped, their callbacks never run;
 * `flush` still waits for the batches in flight and reports what they wrote.
 */
export class OutputWriter {
  #worker: WorkerBatches<OutputFile, OutputFileResult> | undefined;
  #queue: Queued[] = [];
  /** Characters of text queued (UTF-16 units: close enough to bytes for a bound). */
  #queuedChars = 0;
  readonly #inFlight: Promise<void>[] = [];
  #failure: Error | undefined;
  /** False once a callback threw: the caller cannot record, so no more callbacks run. */
  #recording = true;

  /** Queues `file`; resolves once it is queued (after waiting, when too many batches are in flight). */
  async write(file: OutputFile, written: () => void): Promise<void> {
    this.#throwIfFailed();
    this.#queue.push({ ...file, written });
    this.#queuedChars += file.text.length;
    if (this.#queue.length < FILES_PER_BATCH && this.#queuedChars < BATCH_TEXT_BYTES) return;
    this.#send();
    if (this.#inFlight.length >= BATCHES_IN_FLIGHT) await this.#inFlight.shift();
    this.#throwIfFailed();
  }

  /** Writes everything queued (unless a write failed) and waits for all batches in flight; throws the first failure. */
  async flush(): Promise<void> {
    if (this.#failure) this.#queue = [];
    else if (this.#queue.length > 0) this.#send();
    while (this.#inFlight.length > 0) await this.#inFlight.shift();
    this.#throwIfFailed();
  }

  /** Stops the worker thread (after {@link flush}, or to give up on what is still queued). */
  async close(): Promise<void> {
    this.#queue = [];
    this.#queuedChars = 0;
    await this.#worker?.close();
    this.#worker = undefined;
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  #send(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#queuedChars = 0;
    this.#worker ??= new WorkerBatches<OutputFile, OutputFileResult>(moduleBeside(import.meta.url, 'output-worker'), undefined, 'the output writer');
    const files = batch.map(({ path, text }) => ({ path, text }));
    this.#inFlight.push(
      this.#worker.run(files).then(
        (results) => this.#settle(batch, results),
        // The thread itself failed (a WorkerError): nothing of the batch is known to be on disk.
        (error: unknown) => {
          this.#failure ??= error instanceof Error ? error : new WorkerError(String(error));
        },
      ),
    );
  }

  #settle(batch: readonly Queued[], results: readonly OutputFileResult[]): void {
    for (const [index, file] of batch.entries()) {
      if (!this.#recording) return;
      const result = results[index];
      // Even after a failure, a file that is on disk is reported: recording it is right, and saves rewriting it.
      if (!result?.ok) {
        this.#failure ??= new FilesystemError(result?.message ?? `no answer for ${file.path}`);
        continue;
      }
      try {
        file.written();
      } catch (error) {
        // The caller could not record it (its ledger failed): stop taking files, and say why at the next call.
        this.#failure ??= error instanceof Error ? error : new WorkerError(String(error));
        this.#recording = false;
      }
    }
  }
}
