/**
 * @module The I/O floor: the least a batch pipeline must do on disk, as a plain script — read every document,
 * write them as one JSONL (each document is already one JSON line, so the same bytes), read that JSONL back line
 * by line, and write one small output file per line. No hashing, parsing, HTTP, fsync or database.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** How long the floor took over how many documents and bytes. */
export interface IoFloor {
  wallMs: number;
  documents: number;
  jsonlBytes: number;
}

/** Runs the floor over `docsDir`, working in `workDir` (which the caller removes). */
export async function measureIoFloor(docsDir: string, workDir: string): Promise<IoFloor> {
  const started = performance.now();
  const names = (await readdir(docsDir)).filter((name) => name.endsWith('.json'));
  const jsonlPath = join(workDir, 'floor.jsonl');
  const outDir = join(workDir, 'outputs');
  mkdirSync(outDir, { recursive: true });

  const jsonl = createWriteStream(jsonlPath);
  let jsonlBytes = 0;
  for (const name of names) {
    const bytes = await readFile(join(docsDir, name));
    jsonlBytes += bytes.length + 1;
    jsonl.write(bytes);
    if (!jsonl.write('\n')) await once(jsonl, 'drain');
  }
  jsonl.end();
  await once(jsonl, 'close');

  let index = 0;
  const lines = createInterface({ input: createReadStream(jsonlPath, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    const name = names[index++] ?? `line-${index}.json`;
    await writeFile(join(outDir, name), `{"source":${JSON.stringify(name)},"chars":${line.length}}\n`);
  }
  return { wallMs: performance.now() - started, documents: names.length, jsonlBytes };
}
