/**
 * @module The OpenAI Batch emulator's endpoint names (for `faults.http` and stats) and its scripted faults
 * (`faults.openai`): the traps users of the real Batch API fell into (spec other-batch-apis.md §10a; research
 * peers-and-pain-points.md P7, P9, P10, P25, P27). Kept free of emulator imports: faults.ts reads both.
 */
import { z } from 'zod';

/** The OpenAI endpoints HTTP faults can target, e.g. `{endpoint: openai.batches.create, fault: dropAfter}`. */
export const openAiEndpointNames = [
  'openai.files.create',
  'openai.files.get',
  'openai.files.list',
  'openai.files.delete',
  'openai.files.content',
  'openai.batches.create',
  'openai.batches.get',
  'openai.batches.list',
  'openai.batches.cancel',
] as const;

/** A scripted end for the OpenAI batches that match. */
export const openAiBatchFaultSchema = z
  .object({
    /** Which batches: the n-th created by the OpenAI endpoint (1-based) and/or those with a metadata value containing a text. */
    nth: z.number().int().positive().optional(),
    metadataContains: z.string().optional(),
    /**
     * - `expired`: the 24 h window ends after `afterLines` lines: those are in the output file, every other line is
     *   in the error file with `error.code: batch_expired` (help.openai.com Batch FAQ; P7).
     * - `all-failed`: every line is rejected (a 400 inside `response`, `error: null`), so the batch is `completed`
     *   with `output_file_id: null` and only an error file (P9, kaapi-backend#723).
     * - `token-limit`: `failed` at validation with `errors.data[0].code: token_limit_exceeded` after a create that
     *   succeeded (P27, openai-python#2084).
     * - `stuck`: stays `in_progress` with no line done, until cancelled.
     */
    outcome: z.enum(['expired', 'all-failed', 'token-limit', 'stuck']),
    afterLines: z.number().int().min(0).default(0),
  })
  .strict();

/** `faults.openai`. */
export const openAiFaultsSchema = z
  .object({
    /**
     * Share of lines rejected as OpenAI does a bad request inside a batch: the line goes to the error file with
     * `response.status_code: 400`, the error in `response.body.error` and `error: null` (openai-openapi#302; P10).
     */
    hiddenRejectionRate: z.number().min(0).max(1).default(0),
    /** The `code` of those rejections. */
    hiddenRejectionCode: z.string().min(1).default('context_length_exceeded'),
    /** Output and error lines in input order instead of a seeded shuffle (the real order is any: stdapi-ai#60). */
    inputOrder: z.boolean().default(false),
    /** A finished batch with no error file reports `error_file_id: ""` instead of leaving it out (tobert/kaibo PR#93). */
    emptyErrorFileId: z.boolean().default(false),
    batches: z.array(openAiBatchFaultSchema).default([]),
  })
  .strict();

export type OpenAiFaults = z.infer<typeof openAiFaultsSchema>;
export type OpenAiBatchFault = z.infer<typeof openAiBatchFaultSchema>;
