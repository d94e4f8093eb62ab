/**
 * @module A file written piece by piece (streamed, never held whole in memory) that appears under its name only when
 * complete: the pieces go to a temporary file beside it, renamed over the name on {@link AtomicFileWriter.commit}.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { FilesystemError } from '../shared/index.ts';
import { describeWriteError, tempPathFor } from './write-file-atomic.ts';

/** Appends to a temporary file; `commit` renames it to `path`, `abort` removes it. Errors name `path` in plain words. */
export class AtomicFileWriter {
  readonly path: string;
  readonly #tempPath: string;
  #fd: number | undefined;
  #position = 0;

  constructor(path: string) {
    this.path = path;
    this.#tempPath = tempPathFor(path);
    this.#fd = this.#guard(() => openSync(this.#tempPath, 'wx'));
  }

  /** Appends `data`. */
  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    this.#guard(() => {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.#open(), bytes, done, bytes.length - done, this.#position + done);
    });
    this.#position += bytes.length;
  }

  /** Overwrites bytes already written at `position` (a header whose numbers are known only at the end). */
  writeAt(data: Uint8Array, position: number): void {
    this.#guard(() => {
      let done = 0;
      while (done < data.length) done += writeSync(this.#open(), data, done, data.length - done, position + done);
    });
  }

  /** Closes the file and puts it under its name (replacing what was there). */
  commit(): void {
    this.#guard(() => {
      closeSync(this.#open());
      this.#fd = undefined;
      renameSync(this.#tempPath, this.path);
    });
  }

  /** Drops the temporary file; the file under `path`, if any, is untouched. Safe to call after a failure. */
  abort(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.#tempPath, { force: true });
  }

  #open(): number {
    if (this.#fd === undefined) throw new FilesystemError(`${this.path} is already committed or aborted`);
    return this.#fd;
  }

  #guard<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw error instanceof FilesystemError ? error : describeWriteError(this.path, error);
    }
  }
}
