/**
 * @module The zod schema of a stage's `input`: a folder of files (`dir`) or another stage's outputs (`stage`).
 * One strict object with every key, so unknown keys still get "did you mean" suggestions.
 */
import { z } from 'zod';
import type { FilesInput, StageOutputInput } from './config-types.ts';

/** Default `input.include`. */
export const DEFAULT_INCLUDE: readonly string[] = [
  '**/*.json', '**/*.md', '**/*.txt', '**/*.markdown', '**/*.html', '**/*.htm',
  '**/*.pdf', '**/*.png', '**/*.jpg', '**/*.jpeg', '**/*.webp',
  // Read only to be refused with what to do ("export it to PDF"), instead of silently left out.
  '**/*.docx', '**/*.doc',
];

const nonEmpty = z.string().trim().min(1, 'expected a non-empty string');
const relativePattern = nonEmpty.refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
  message: 'expected a glob relative to input.dir (no leading `/`, no `..`)',
});

/** Keys that only a files (`dir`) input may have. */
const FILES_ONLY_KEYS = ['include', 'exclude', 'expectedCount', 'idField', 'followSymlinks'] as const;
/** Keys that only a stage input may have. */
const STAGE_ONLY_KEYS = ['withDocument'] as const;

/** A stage's input after schema validation: `dir` not yet resolved, default exclusions not yet merged. */
export type ParsedStageInput = FilesInput | StageOutputInput;

/** `input` as written: either `{ dir, include?, exclude?, ... }` or `{ stage, withDocument? }`. */
export const stageInputSchema = z
  .object({
    dir: nonEmpty.optional(),
    include: z.array(relativePattern).min(1).optional(),
    exclude: z.array(relativePattern).optional(),
    expectedCount: z.number().int().min(0).optional(),
    idField: nonEmpty.optional(),
    followSymlinks: z.boolean().optional(),
    stage: nonEmpty.optional(),
    withDocument: z.boolean().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.dir !== undefined && input.stage !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected `dir` (a folder of documents) or `stage` (an upstream stage whose outputs are the documents), not both; use one or the other',
      });
      return;
    }
    if (input.dir === undefined && input.stage === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'missing; expected `dir` (a folder of documents) or `stage` (an upstream stage whose outputs are the documents)',
      });
      return;
    }
    const [own, other, foreign] =
      input.stage !== undefined ? (['stage', 'dir', FILES_ONLY_KEYS] as const) : (['dir', 'stage', STAGE_ONLY_KEYS] as const);
    for (const key of foreign) {
      if (input[key] === undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `\`${key}\` belongs to a \`${other}\` input, but this input names a \`${own}\`; use one or the other`,
      });
    }
  })
  .transform((input): ParsedStageInput => {
    if (input.stage !== undefined) return { kind: 'stage', stage: input.stage, withDocument: input.withDocument ?? false };
    return {
      kind: 'files',
      // The refinement above guarantees `dir` when there is no `stage`.
      dir: input.dir ?? '',
      include: input.include ?? [...DEFAULT_INCLUDE],
      exclude: input.exclude ?? [],
      ...(input.expectedCount === undefined ? {} : { expectedCount: input.expectedCount }),
      ...(input.idField === undefined ? {} : { idField: input.idField }),
      followSymlinks: input.followSymlinks ?? false,
    };
  });
