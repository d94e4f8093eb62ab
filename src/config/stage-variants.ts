/**
 * @module A stage's variants (issue #19): one stage per variant, named `<stage>.<variant>`, writing to
 * `<output.dir>/<variant>`, each with the variant's provider, model, prompt template (and system text, when it gives
 * one) and generation settings over the stage's. Each is then planned, fingerprinted, cached and recorded as a stage
 * of its own; a stage reading one with variants reads its primary (first) variant.
 */
import path from 'node:path';
import type { StageConfig, StageVariant } from './config-types.ts';
import type { ParsedStage } from './stage-schema.ts';

/** Where a stage's fields were written: `stages[i]`, or `stages[i].variants[j]` for what a variant overrides. */
export interface StagePaths {
  readonly at: readonly (string | number)[];
  readonly promptAt: readonly (string | number)[];
  readonly generationAt: readonly (string | number)[];
}

/** One stage to resolve: the config stage itself, or one of its variants merged over it. */
export interface StageToResolve {
  readonly stage: ParsedStage;
  readonly paths: StagePaths;
  readonly variant?: StageVariant;
}

/** The stages one config stage (at `stages[index]`) resolves to. */
export function expandVariants(stage: ParsedStage, index: number): StageToResolve[] {
  const at = ['stages', index] as const;
  if (stage.variants === undefined) return [{ stage, paths: { at, promptAt: at, generationAt: at } }];
  const stageDir = stage.output.dir ?? path.join('outputs', stage.name);
  return stage.variants.map((variant, position) => {
    const variantAt = [...at, 'variants', position] as const;
    const merged: ParsedStage = {
      ...stage,
      name: `${stage.name}.${variant.name}`,
      provider: variant.provider ?? stage.provider,
      model: variant.model ?? stage.model,
      prompt: mergedPrompt(stage.prompt, variant.prompt),
      generationConfig: mergedGeneration(stage.generationConfig, variant.generationConfig),
      output: { ...stage.output, dir: path.join(stageDir, variant.name) },
    };
    const paths = {
      at,
      promptAt: variant.prompt === undefined ? at : variantAt,
      generationAt: variant.generationConfig === undefined ? at : variantAt,
    };
    return { stage: merged, paths, variant: { stage: stage.name, name: variant.name, primary: position === 0 } };
  });
}

/** A variant's prompt: its template, with the stage's system text unless it gives its own. */
function mergedPrompt(stage: ParsedStage['prompt'], variant: ParsedStage['prompt']): ParsedStage['prompt'] {
  if (variant === undefined || stage === undefined) return variant ?? stage;
  const ownSystem = variant.system !== undefined || variant.systemFile !== undefined;
  return ownSystem ? variant : { system: stage.system, systemFile: stage.systemFile, ...variant };
}

/** A variant's generation settings over the stage's; a response schema the variant gives replaces the stage's, whatever its form. */
function mergedGeneration(stage: ParsedStage['generationConfig'], variant: ParsedStage['generationConfig'] | undefined): ParsedStage['generationConfig'] {
  if (variant === undefined) return stage;
  const schemaKeys = ['responseSchema', 'responseJsonSchema', 'responseJsonSchemaFile'] as const;
  const replacesSchema = schemaKeys.some((key) => variant[key] !== undefined);
  const base = replacesSchema ? Object.fromEntries(Object.entries(stage).filter(([key]) => !(schemaKeys as readonly string[]).includes(key))) : stage;
  return { ...base, ...variant };
}

/** A stage reading a stage with variants reads its primary (first) variant's outputs. */
export function readingPrimaryVariants(stages: readonly StageConfig[]): StageConfig[] {
  const primaryOf = new Map(stages.filter((s) => s.variant?.primary === true).map((s) => [s.variant?.stage, s.name]));
  return stages.map((stage) => {
    const primary = stage.input.kind === 'stage' ? primaryOf.get(stage.input.stage) : undefined;
    return primary === undefined || stage.input.kind !== 'stage' ? stage : { ...stage, input: { ...stage.input, stage: primary } };
  });
}
