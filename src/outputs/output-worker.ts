/** @module The worker thread of {@link OutputWriter}: writes each batch of output files and says how each went. */
import { serveBatches } from '../shared/worker-batches.ts';
import type { OutputFile, OutputFileResult } from './output-writer.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

serveBatches<OutputFile, OutputFileResult, undefined>((files) =>
  files.map((file) => {
    try {
      // Not fsync'd: outputs are rebuilt from the ledger when a power cut loses one (see restore-outputs.ts).
      writeFileAtomic(file.path, file.text, { durable: false });
      return { ok: true };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }),
);
