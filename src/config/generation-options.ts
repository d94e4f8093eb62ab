/**
 * @module A stage's `generationConfig` (written in Gemini's names, as users know them) as neutral generation options.
 * Members keep the config's order, so the Gemini encoder sends the bytes it always sent.
 */
import type { EmbeddingOptions, GenerationOptions } from '../requests/neutral-request.ts';
import type { GenerationConfig, StageConfig } from './config-types.ts';

/** The neutral name of each config member that is renamed (the others keep their names). */
const NEUTRAL_NAMES: Readonly<Record<string, string>> = {
  responseMimeType: 'outputMimeType',
  responseJsonSchema: 'outputSchema',
  responseSchema: 'outputOpenApiSchema',
};

/** The neutral options of a stage's resolved generation config (undefined members dropped). */
export function generationOptionsOf(config: GenerationConfig): GenerationOptions {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (name === 'thinkingConfig') {
      const thinking = value as NonNullable<GenerationConfig['thinkingConfig']>;
      options['thinking'] = {
        ...(thinking.thinkingBudget === undefined ? {} : { budgetTokens: thinking.thinkingBudget }),
        ...(thinking.includeThoughts === undefined ? {} : { includeThoughts: thinking.includeThoughts }),
      };
    } else {
      options[NEUTRAL_NAMES[name] ?? name] = value;
    }
  }
  return options;
}

/**
 * The neutral embedding options of an `embed` stage, frozen once per stage (every request of the stage shares them),
 * members in a fixed order.
 */
const embeddingOptions = new WeakMap<StageConfig, EmbeddingOptions>();

export function embeddingOptionsOf(stage: StageConfig): EmbeddingOptions {
  let options = embeddingOptions.get(stage);
  if (!options) {
    const { outputDimensionality, taskType } = stage.embedding ?? {};
    options = Object.freeze({
      ...(outputDimensionality === undefined ? {} : { dimensions: outputDimensionality }),
      ...(taskType === undefined ? {} : { taskType }),
    });
    embeddingOptions.set(stage, options);
  }
  return options;
}
