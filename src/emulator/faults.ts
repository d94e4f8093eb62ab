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
    /**
     * `failed` and `expired` end the job after `afterLines` lines; `stuck` keeps it PENDING forever. The `refused-*`
     * outcomes refuse the create itself with the error the real service gives (spec §3.2): `refused-bad-line`
     * 400 naming `line` and `field` (inspect_ai#3257), `refused-unknown-model` 404, `refused-oversized` 400 (the
     * 20 MB inline limit); no job is made, so the client's next create is the n+1-th.
     */
    outcome: z.enum(['failed', 'expired', 'stuck', 'refused-bad-line', 'refused-unknown-model', 'refused-oversized']),
    afterLines: z.number().int().min(0).default(0),
    /** `refused-bad-line`: the 1-based line and the field it names. */
    line: z.number().int().positive().default(1),
    field: z.string().min(1).default('thinking_config'),
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

/** The error statuses an HTTP fault or an outage can answer with. */
const errorStatus = z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]);

/**
 * Seconds a 429 or 503 asks the client to wait: sent as Google's `RetryInfo` detail (`retryDelay`, exact; as real
 * Gemini 429s carry it, python-genai#1875; google/rpc/error_details.proto, AIP-193) and as a `Retry-After` header
 * (whole seconds, rounded up, RFC 9110 §10.2.3). Unset: neither is sent.
 */
const retryAfterSeconds = z.number().min(0).max(86_400).optional();

/**
 * An HTTP-level fault on a share of calls to an endpoint: an error status; `drop` (destroy the socket before
 * handling, so nothing happened); `dropAfter` (handle the call fully, then destroy the socket: a create makes the
 * job but the client sees a network error); `delay` (handle the call, then hold the answer `delayMs` on the
 * emulator's clock, past a client's timeout).
 */
export const httpFaultSchema = z
  .object({
    endpoint: z.union([z.enum(endpointNames), z.literal('*')]),
    fault: z.union([errorStatus, z.literal('drop'), z.literal('dropAfter'), z.literal('delay')]),
    rate: rate.default(1),
    /** Fire only on the n-th matching call (1-based; `rate` and `limit` still apply). Unset: any call. */
    nth: z.number().int().positive().optional(),
    /** Stop after this many injected faults (per rule). */
    limit: z.number().int().positive().optional(),
    /** How long a `delay` holds the answer. */
    delayMs: z.number().int().min(0).optional(),
    retryAfterSeconds,
  })
  .strict()
  .superRefine((fault, ctx) => {
    if (fault.fault === 'delay' && fault.delayMs === undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'a delay fault needs delayMs' });
    if (fault.fault !== 'delay' && fault.delayMs !== undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'delayMs is only for fault "delay"' });
    if (fault.retryAfterSeconds !== undefined && fault.fault !== 429 && fault.fault !== 503) {
      ctx.addIssue({ code: 'custom', path: ['retryAfterSeconds'], message: 'retryAfterSeconds is only for faults 429 and 503' });
    }
  });

/**
 * A window in which every API call fails (upload chunks included). It opens `startAfterMs` after the emulator
 * starts (its clock), or at its `startAtCall`-th API call, and lasts `durationMs`. `POST /emulator/outage` opens
 * one on demand.
 */
export const outageSchema = z
  .object({
    startAfterMs: z.number().int().min(0).optional(),
    startAtCall: z.number().int().positive().optional(),
    durationMs: z.number().int().positive(),
    /** An error status (503 UNAVAILABLE by default) or `drop` (no answer at all). */
    fault: z.union([errorStatus, z.literal('drop')]).default(503),
    retryAfterSeconds,
  })
  .strict()
  .superRefine((outage, ctx) => {
    if (outage.startAfterMs !== undefined && outage.startAtCall !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected at most one of startAfterMs and startAtCall' });
    }
  });

/** Drops the connection in the middle of the n-th upload chunk the emulator receives, after committing part of it. */
export const uploadChunkDropSchema = z
  .object({
    /**
     * Which chunk request (1-based, counted over every `upload` chunk this emulator receives, or with
     * `minUploadBytes` over the chunks of those uploads only).
     */
    nth: z.number().int().positive(),
    /** The share of the chunk's bytes kept (committed) before the connection drops. */
    committedFraction: rate.default(0.5),
    /**
     * Only chunks of uploads that declared at least this many bytes: the middle of one big file, whatever small
     * uploads run before or beside it (issue 23: a chunk lost half-way through a large input file).
     */
    minUploadBytes: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Interactive answers that differ from the batch answer to the same request (issue #19: an audit must be able to
 * measure disagreement). No Google source: a simulation aid. Each listed field of a `:generateContent` JSON answer is
 * altered for a seeded share `rate` of requests (drawn per request content and field), so the same request diverges
 * the same way on every run; batch lines are never altered.
 */
export const divergenceSchema = z
  .object({
    rate,
    /**
     * JSON pointer of a field in the answer (e.g. `/design`, `/meta/year`) -> how it changes: `number` (x1.5, rounded
     * for an integer; 0 becomes 1), `drop-item` (the list loses its last item), `flip-enum` (the next value of the schema's enum, or a
     * boolean negated), `text` (other words).
     */
    fields: z.record(z.string().regex(/^\//, 'expected a JSON pointer such as /field'), z.enum(['number', 'drop-item', 'flip-enum', 'text'])),
  })
  .strict();

/** Every fault the emulator can script. */
export const faultConfigSchema = z
  .object({
    lines: lineFaultsSchema.default(lineFaultsSchema.parse({})),
    output: outputFaultsSchema.default(outputFaultsSchema.parse({})),
    jobs: z.array(jobFaultSchema).default([]),
    http: z.array(httpFaultSchema).default([]),
    outages: z.array(outageSchema).default([]),
    dropUploadChunk: z.array(uploadChunkDropSchema).default([]),
    /** MIME types the upload refuses with HTTP 200 and an `{error}` body (the real server's quirk). */
    rejectMimeTypes: z.array(z.string()).default([]),
    divergence: divergenceSchema.optional(),
  })
  .strict();

export type LineFaults = z.infer<typeof lineFaultsSchema>;
export type OutputFaults = z.infer<typeof outputFaultsSchema>;
export type JobFault = z.infer<typeof jobFaultSchema>;
export type HttpFault = z.infer<typeof httpFaultSchema>;
export type Outage = z.infer<typeof outageSchema>;
export type UploadChunkDrop = z.infer<typeof uploadChunkDropSchema>;
export type Divergence = z.infer<typeof divergenceSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;
/** Faults as a user writes them: every field optional. */
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** No faults at all. */
export const noFaults: FaultConfig = faultConfigSchema.parse({});
