/**
 * @module The emulator's scripted faults: what can go wrong, how often, and where. Every random choice is drawn
 * from a generator seeded by the emulator's seed plus a stable label (a request key, a call counter), so the same
 * faults happen on every run.
 */
import { z } from 'zod';

const rate = z.number().min(0).max(1);

/** Faults applied to individual result lines by the simulated model. */
export const lineFaultsSchema = z
  .object({
    /** Share of lines answered `{key, error}` instead of a response. */
    errorRate: rate.default(0),
    /** Share of JSON answers wrapped in code fences, followed by prose, or cut short with `MAX_TOKENS`. */
    malformedRate: rate.default(0),
    malformedKinds: z.array(z.enum(['fence', 'prose', 'truncated'])).min(1).default(['fence', 'prose', 'truncated']),
    /** Share of JSON answers whose field names are replaced per `aliases` (canonical name → variant name). */
    aliasRate: rate.default(0),
    aliases: z.record(z.string(), z.string()).default({}),
    /** Share of lines with no candidates at all. */
    emptyCandidateRate: rate.default(0),
    /** Share of lines whose prompt is blocked for safety (`promptFeedback.blockReason`, no candidates). */
    safetyBlockRate: rate.default(0),
    /** Only apply these faults to requests whose key contains this text. */
    keyContains: z.string().optional(),
    /**
     * Apply these faults only to a request's first N submissions (counted per key), so a retry can succeed.
     * Unset: every submission.
     */
    maxSubmissionsPerKey: z.number().int().positive().optional(),
  })
  .strict();

/** Faults applied to a whole result file when it is written. */
export const outputFaultsSchema = z
  .object({
    /** Write lines in a shuffled order instead of input order. */
    shuffle: z.boolean().default(false),
    /** How many lines to write twice. */
    duplicateKeys: z.number().int().min(0).default(0),
    /** How many lines to leave out. */
    missingKeys: z.number().int().min(0).default(0),
    /** How many extra lines with keys that were never submitted. */
    unknownKeys: z.number().int().min(0).default(0),
    /** Apply these faults only to the n-th created job (1-based). Unset: every job. */
    nth: z.number().int().positive().optional(),
  })
  .strict();

/** A scripted outcome for the jobs that match. */
export const jobFaultSchema = z
  .object({
    /** Which jobs: the n-th created (1-based) and/or those whose displayName contains a text. Empty: every job. */
    nth: z.number().int().positive().optional(),
    displayNameContains: z.string().optional(),
    /** `failed` and `expired` end the job after `afterLines` lines; `stuck` keeps it PENDING forever. */
    outcome: z.enum(['failed', 'expired', 'stuck']),
    afterLines: z.number().int().min(0).default(0),
  })
  .strict();

/** The endpoints HTTP faults can target. */
export const endpointNames = [
  'upload.start',
  'upload.chunk',
  'files.get',
  'files.list',
  'files.delete',
  'files.download',
  'batches.create',
  'batches.get',
  'batches.list',
  'batches.cancel',
  'batches.delete',
  'models.generateContent',
  'models.countTokens',
  'caches.create',
  'caches.get',
  'caches.list',
  'caches.update',
  'caches.delete',
] as const;

/** An endpoint name, e.g. `batches.get`. */
export type EndpointName = (typeof endpointNames)[number];

/** An HTTP-level fault: an error status or a dropped connection on a share of calls to an endpoint. */
export const httpFaultSchema = z
  .object({
    endpoint: z.union([z.enum(endpointNames), z.literal('*')]),
    /** An HTTP status (429, 500, 503, …) or `drop` to destroy the socket without answering. */
    fault: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504), z.literal('drop')]),
    rate: rate.default(1),
    /** Stop after this many injected faults (per rule). */
    limit: z.number().int().positive().optional(),
  })
  .strict();

/** Every fault the emulator can script. */
export const faultConfigSchema = z
  .object({
    lines: lineFaultsSchema.default(lineFaultsSchema.parse({})),
    output: outputFaultsSchema.default(outputFaultsSchema.parse({})),
    jobs: z.array(jobFaultSchema).default([]),
    http: z.array(httpFaultSchema).default([]),
    /** MIME types the upload refuses with HTTP 200 and an `{error}` body (the real server's quirk). */
    rejectMimeTypes: z.array(z.string()).default([]),
  })
  .strict();

export type LineFaults = z.infer<typeof lineFaultsSchema>;
export type OutputFaults = z.infer<typeof outputFaultsSchema>;
export type JobFault = z.infer<typeof jobFaultSchema>;
export type HttpFault = z.infer<typeof httpFaultSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;
/** Faults as a user writes them: every field optional. */
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** No faults at all. */
export const noFaults: FaultConfig = faultConfigSchema.parse({});
