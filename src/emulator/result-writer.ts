/**
 * @module Writes a job's result lines to its partial output file through one reused buffer, hashing what it writes.
 * A result line is about 1 KB: handing each to a write stream cost a Buffer, a stream callback and a `writev` slot
 * per line, and the buffers' churn made V8 run full collections; one large write per megabyte costs next to nothing.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before they are written; the buffer only grows past this for a longer line. */
const FLUSH_BYTES = 1024 * 1024;

/** Appends lines (`\n`-terminated) to a new file and keeps the SHA-256 of everything appended. */
export class ResultWriter {
  readonly path: string;
  readonly #hash = createHash('sha256');
  #buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  #used = 0;
  #bytes = 0;
  #lines = 0;
  #handle: Promise<FileHandle> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Bytes appended so far (written or still buffered). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Lines appended so far. */
  get lines(): number {
    return this.#lines;
  }

  /**
   * Appends `line` and a newline. Returns a promise only when the buffer had to be written first (await it before
   * the next append); most lines only land in the buffer.
   */
  append(line: string): Promise<void> | undefined {
    // UTF-8 never takes more than 3 bytes per UTF-16 unit, so the exact length is only needed near the end.
    if (this.#used + line.length * 3 + 1 > this.#buffer.length) {
      const size = Buffer.byteLength(line) + 1;
      if (this.#used + size > this.#buffer.length) return this.#flush().then(() => this.#put(line, size));
    }
    this.#put(line, undefined);
    return undefined;
  }

  /** Writes what is buffered, fsyncs (so a crash right after cannot leave the file short) and closes the file. */
  async close(): Promise<void> {
    const handle = await this.#open();
    try {
      await this.#flush();
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** The hex SHA-256 of every byte appended; call once, after `close`. */
  sha256Hex(): string {
    return this.#hash.digest('hex');
  }

  #put(line: string, size: number | undefined): void {
    if (size !== undefined && size > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(size);
    const written = this.#buffer.write(line, this.#used, 'utf8');
    this.#buffer[this.#used + written] = 10;
    this.#used += written + 1;
    this.#bytes += written + 1;
    this.#lines++;
  }

  #open(): Promise<FileHandle> {
    // Opened on first use: created even when no line is ever appended.
    this.#handle ??= open(this.path, 'w');
    return this.#handle;
  }

  async #flush(): Promise<void> {
    const handle = await this.#open();
    if (this.#used === 0) return;
    const bytes = this.#buffer.subarray(0, this.#used);
    this.#hash.update(bytes);
    let done = 0;
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    this.#used = 0;
  }
}
