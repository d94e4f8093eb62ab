/**
 * @module The I/O floor: the least a batch pipeline must do on disk, as a plain script — read every document,
 * write them as one JSONL (each document is already one JSON line, so the same bytes), read that JSONL back line
 * by line, and write one small output file per line. No hashing, parsing, HTTP, fsync or database.
 */
import { closeSync, createReadStream, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** How long the floor took over how many documents and bytes. */
export interface IoFloor {
  wallMs: number;
  documents: number;
  jsonlBytes: number;
  /** The JSONL written, inside the work folder. */
  jsonlPath: string;
}

/**
 * Runs the floor over `docsDir`, working in `workDir` (which the caller removes). Small files are read and written
 * with the synchronous API, the fastest way on this machine (the promise API costs a thread-pool round trip per
 * open, write and close: it made the floor 3–6× slower), so the floor is what the disk allows.
 */
export async function measureIoFloor(docsDir: string, workDir: string): Promise<IoFloor> {
  const started = performance.now();
  const names = readdirSync(docsDir).filter((name) => name.endsWith('.json'));
  const jsonlPath = join(workDir, 'floor.jsonl');
  const outDir = join(workDir, 'outputs');
  mkdirSync(outDir, { recursive: true });

  const jsonl = openSync(jsonlPath, 'w');
  let jsonlBytes = 0;
  for (const name of names) {
    const bytes = readFileSync(join(docsDir, name));
    jsonlBytes += bytes.length + 1;
    writeSync(jsonl, bytes);
    writeSync(jsonl, '\n');
  }
  closeSync(jsonl);

  let index = 0;
  const lines = createInterface({ input: createReadStream(jsonlPath, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    const name = names[index++] ?? `line-${index}.json`;
    writeFileSync(join(outDir, name), `{"source":${JSON.stringify(name)},"chars":${line.length}}\n`);
  }
  return { wallMs: performance.now() - started, documents: names.length, jsonlBytes, jsonlPath };
}

/** How long reading every document of `docsDir` once takes (the yardstick of `truebatch plan`): sync reads, in order. */
export function measureReadOnce(docsDir: string): number {
  const started = performance.now();
  for (const name of readdirSync(docsDir)) if (name.endsWith('.json')) readFileSync(join(docsDir, name));
  return performance.now() - started;
}
