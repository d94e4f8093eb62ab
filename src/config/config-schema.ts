/** @module The zod schema of a whole project config file (`truebatch.config.yaml` and friends). */
import { z } from 'zod';
import { priceOverridesSchema } from '../cost/index.ts';
import { faultConfigSchema } from '../emulator/faults.ts';
import { budgetSchema } from './limits-schema.ts';
import { stageGraphIssues } from './stage-graph.ts';
import { PROVIDER_NAMES, stageSchema } from './stage-schema.ts';

/** The provider's per-file limit; a shard must fit in one uploaded file. */
export const MAX_BYTES_PER_JOB = 2_000_000_000;

export { PROVIDER_NAMES, type ProviderName } from './stage-schema.ts';

const positiveInt = z.number().int().positive();
const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value), { message: 'expected an http:// or https:// URL' });

const geminiSchema = z
  .object({
    apiVersion: z.enum(['v1beta', 'v1']).default('v1beta'),
    uploadMimeType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'expected a MIME type such as application/json')
      .default('application/json'),
    baseUrl: httpUrl.optional(),
  })
  .strict();

const emulatorSchema = z
  .object({
    seed: z.number().int().default(0),
    jobDurationMs: z.number().int().min(0).default(1500),
    faults: faultConfigSchema.optional(),
    faultsFile: z.string().trim().min(1).optional(),
  })
  .strict()
  .superRefine((emulator, ctx) => {
    if (emulator.faults !== undefined && emulator.faultsFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected at most one of `faults` (inline) and `faultsFile`' });
    }
  });

const pollingSchema = z
  .object({
    initialIntervalMs: positiveInt.default(1000),
    // Long jobs (hours) are then checked a few times an hour; a finished job is still seen within ~10% of its run.
    maxIntervalMs: positiveInt.default(600_000),
    backoffFactor: z.number().min(1).max(10).default(1.5),
    /** A job still PENDING this long after submission is reported as stale (never cancelled automatically). */
    staleAfterMs: positiveInt.default(86_400_000),
  })
  .strict()
  .superRefine((polling, ctx) => {
    if (polling.maxIntervalMs < polling.initialIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxIntervalMs'],
        message: `expected at least initialIntervalMs (${polling.initialIntervalMs}), got ${polling.maxIntervalMs}`,
      });
    }
  });

/** How calls to the provider are retried, and how long a run waits for a provider that does not answer. */
const resilienceSchema = z
  .object({
    /** The retry policy of every call that is safe to repeat (see src/providers/retry-policy.ts). */
    retry: z
      .object({
        attempts: positiveInt.max(100).default(5),
        initialDelayMs: positiveInt.default(1000),
        maxDelayMs: positiveInt.default(30_000),
      })
      .strict()
      .prefault({}),
    /** The run stops (exit 8) only when no call to the provider has succeeded for this long. */
    patienceMs: positiveInt.default(1_800_000),
  })
  .strict();

const shardingSchema = z
  .object({
    maxRequestsPerJob: positiveInt.default(10_000),
    maxBytesPerJob: positiveInt
      .max(MAX_BYTES_PER_JOB, `expected at most ${MAX_BYTES_PER_JOB} (2 GB, the provider's file limit)`)
      .default(1_900_000_000),
  })
  .strict();

/**
 * A whole config file. Unknown keys anywhere are errors. Also checks the stage graph: unique names, every
 * `input.stage` names another stage, and no cycles.
 */
export const projectConfigSchema = z
  .object({
    provider: z.enum(PROVIDER_NAMES).optional(),
    model: z.string().trim().min(1).optional(),
    gemini: geminiSchema.prefault({}),
    emulator: emulatorSchema.prefault({}),
    polling: pollingSchema.prefault({}),
    resilience: resilienceSchema.prefault({}),
    sharding: shardingSchema.prefault({}),
    prices: priceOverridesSchema.default({}),
    budget: budgetSchema.prefault({}),
    stages: z.array(stageSchema).min(1, 'expected at least one stage'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const firstIndex = new Map<string, number>();
    config.stages.forEach((stage, index) => {
      const first = firstIndex.get(stage.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', index, 'name'],
          message: `expected a unique stage name; \`${stage.name}\` is already stages[${first}].name`,
        });
      } else firstIndex.set(stage.name, index);
      const variantsNameModels = stage.variants !== undefined && stage.variants.every((variant) => variant.model !== undefined);
      if (stage.model === undefined && config.model === undefined && !variantsNameModels) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', index, 'model'],
          message: 'missing; expected a model here or a top-level `model` (e.g. gemini-2.5-flash)',
        });
      }
    });
    for (const issue of stageGraphIssues(config.stages)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** A config as a user writes it (every defaulted field optional); what {@link defineConfig} accepts. */
export type ProjectConfigInput = z.input<typeof projectConfigSchema>;
/** A config after schema validation: defaults applied, referenced files not yet read, paths not yet resolved. */
export type ParsedProjectConfig = z.output<typeof projectConfigSchema>;
