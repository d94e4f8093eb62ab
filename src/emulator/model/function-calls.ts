/**
 * @module Forced function calls: with `toolConfig.functionCallingConfig.mode` `ANY`, the model "is constrained to
 * always predicting a function call" (DOC-ref FunctionCallingConfig.Mode) to one of `allowedFunctionNames` (all
 * declared functions when unset). The simulated call names a declared function and its `args` conform to the
 * declaration's `parameters` (Gemini Schema) or `parametersJsonSchema`, generated like a response schema's value.
 * Modes `AUTO`, `NONE` and no toolConfig answer with text, as before.
 */
import { InputError, type Rng } from '../../shared/index.ts';
import { geminiSchemaToJsonSchema } from './gemini-schema.ts';
import { isJsonObject, type JsonObject } from './object-fields.ts';
import { cachedSchema } from './schema-cache.ts';
import type { SchemaNode } from './schema-compiling.ts';
import type { TextCorpus } from './text-mining.ts';
import { generateValue } from './value-generation.ts';

/** A function the model must call, with its compiled parameters schema (none: no arguments). */
export interface ForcedFunction {
  readonly name: string;
  readonly parameters: SchemaNode | undefined;
}

interface Declaration {
  name: string;
  parameters: JsonObject | undefined;
  parametersJsonSchema: JsonObject | undefined;
  where: string;
}

/** `request[name]` in either spelling. */
function member(object: JsonObject, camelName: string): unknown {
  return object[camelName] ?? object[camelName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

function declarationsOf(tools: unknown): Declaration[] {
  if (!Array.isArray(tools)) return [];
  const found: Declaration[] = [];
  tools.forEach((tool, toolIndex) => {
    if (!isJsonObject(tool)) return;
    const list = member(tool, 'functionDeclarations');
    if (!Array.isArray(list)) return;
    list.forEach((declaration, index) => {
      if (!isJsonObject(declaration) || typeof declaration['name'] !== 'string') return;
      const parameters = member(declaration, 'parameters');
      const json = member(declaration, 'parametersJsonSchema');
      found.push({
        name: declaration['name'],
        parameters: isJsonObject(parameters) ? parameters : undefined,
        parametersJsonSchema: isJsonObject(json) ? json : undefined,
        where: `tools[${toolIndex}].functionDeclarations[${index}]`,
      });
    });
  });
  return found;
}

/** The function a request forces the model to call, if its toolConfig says `ANY`; seeded pick among the allowed. */
export function forcedFunctionCall(request: unknown, rng: Rng): ForcedFunction | undefined {
  if (!isJsonObject(request)) return undefined;
  const toolConfig = member(request, 'toolConfig');
  const calling = isJsonObject(toolConfig) ? member(toolConfig, 'functionCallingConfig') : undefined;
  if (!isJsonObject(calling) || member(calling, 'mode') !== 'ANY') return undefined;
  const allowed = member(calling, 'allowedFunctionNames');
  const declarations = declarationsOf(member(request, 'tools')).filter(
    (declaration) => !Array.isArray(allowed) || allowed.includes(declaration.name),
  );
  if (declarations.length === 0) {
    throw new InputError('toolConfig.functionCallingConfig', 'mode ANY needs at least one (allowed) function declaration in tools');
  }
  const chosen = rng.pick(declarations);
  return { name: chosen.name, parameters: compiledParameters(chosen) };
}

function compiledParameters(declaration: Declaration): SchemaNode | undefined {
  if (declaration.parameters !== undefined) {
    const where = `${declaration.where}.parameters`;
    // Read as a Gemini Schema, as a responseSchema is (an invalid one is a 400 naming it).
    return cachedSchema(geminiSchemaToJsonSchema(declaration.parameters, where), where).compiled;
  }
  if (declaration.parametersJsonSchema !== undefined) {
    const where = `${declaration.where}.parametersJsonSchema`;
    return cachedSchema(declaration.parametersJsonSchema, where).compiled;
  }
  return undefined;
}

/** The `functionCall` part: the function's name and arguments conforming to its parameters. */
export function functionCallPart(call: ForcedFunction, corpus: TextCorpus, rng: Rng): Record<string, unknown> {
  const args = call.parameters === undefined ? {} : generateValue(call.parameters, corpus, rng);
  return { functionCall: { name: call.name, args } };
}
