/** @module The zod schemas of the run-shaping sections: job batching, budgets, canary runs, prompt size. */
import { z } from 'zod';

/** Default per-stage `maxInputTokens`. */
export const DEFAULT_MAX_INPUT_TOKENS = 1_000_000;

/**
 * A stage's `batching`: a job is cut from whatever is ready once at least `minRequests` are ready, or the oldest
 * has waited `maxWaitMs`, or nothing more can arrive.
 */
export const batchingSchema = z
  .object({
    minRequests: z.number().int().min(1).default(1),
    maxWaitMs: z.number().int().min(0).default(0),
  })
  .strict();

/** A project's or a stage's `budget`: a cap in USD, none when `maxUsd` is absent. */
export const budgetSchema = z.object({ maxUsd: z.number().positive().optional() }).strict();

/** A stage's `canary`: run `size` documents first and go on only if at least `minValidRate` of them are valid. */
export const canarySchema = z
  .object({
    size: z.number().int().min(1),
    minValidRate: z.number().min(0).max(1),
  })
  .strict();

/** A stage's `maxInputTokens`: documents whose estimated prompt is longer are refused at plan time. */
export const maxInputTokensSchema = z.number().int().positive().default(DEFAULT_MAX_INPUT_TOKENS);
