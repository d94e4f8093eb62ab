/**
 * @module The zod schema of a stage's `documents`: how its PDFs and images travel to the provider. Small ones go
 * inline in the request (base64), larger ones as an uploaded file referenced by the request.
 */
import { z } from 'zod';

/** Default `documents.inlineMaxBytes`: well below Gemini's 20 MB inline limit [spec D.3], so job files stay small. */
export const DEFAULT_INLINE_MAX_BYTES = 4 * 1024 * 1024;
/** Default `documents.maxJobWaitMs`: 24 hours, Gemini's target turnaround for a batch. */
export const DEFAULT_MAX_JOB_WAIT_MS = 24 * 60 * 60 * 1000;
/** Gemini refuses inline data over 20 MB per request [spec D.3]. */
export const MAX_INLINE_BYTES = 20 * 1000 * 1000;

/** A stage's `documents` as written. */
export const documentsSchema = z
  .object({
    /** `auto`: inline up to `inlineMaxBytes`, uploaded above; `inline` or `file` force one way. */
    travel: z.enum(['auto', 'inline', 'file']).default('auto'),
    inlineMaxBytes: z.number().int().min(0).max(MAX_INLINE_BYTES).default(DEFAULT_INLINE_MAX_BYTES),
    /**
     * How long a job may wait before its requests run. An uploaded file is reused for a new job only if it lives at
     * least this long after the job is created, else it is uploaded again (files live 48 h [spec D.3]).
     */
    maxJobWaitMs: z.number().int().min(0).default(DEFAULT_MAX_JOB_WAIT_MS),
  })
  .strict();

/** A stage's resolved `documents`. */
export type DocumentsConfig = z.output<typeof documentsSchema>;
