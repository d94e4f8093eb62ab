/**
 * @module Which Gemini models take built-in tools together with a response schema. Gemini 3 can combine structured
 * outputs with built-in tools (Search, URL Context, Code Execution, File Search) [spec D.2, issue vercel/ai#11599
 * quoting the Gemini docs]; the 2.x series cannot (the docs list the combination as a Gemini 3 feature).
 * Built-in tools beside function declarations are a 400 "Tool use with function calling is unsupported by the model."
 * on 2.x, and on Gemini 3 through an API key unless the request opts in with `includeServerSideToolInvocations`
 * [withceleste/celeste-python#197, maximhq/bifrost#6065], which truebatch does not send: refused on every model.
 */
import type { NeutralRequest, ToolSpec } from '../../requests/index.ts';
import { bareModelName } from '../../requests/index.ts';

/** Why Gemini would refuse `request` on `model`, or undefined when it takes it. */
export function geminiRequestProblem(model: string, request: NeutralRequest): string | undefined {
  const builtIn = (request.tools ?? []).filter((tool) => tool.kind !== 'function');
  const functions = (request.tools ?? []).filter((tool) => tool.kind === 'function');
  if (builtIn.length > 0 && functions.length > 0) {
    return `Gemini cannot combine built-in tools (${builtInNames(builtIn)}) with function declarations (${functions.map((tool) => tool.name).join(', ')}); drop one or the other`;
  }
  const { outputSchema, outputOpenApiSchema } = request.generation;
  if (builtIn.length === 0 || (outputSchema === undefined && outputOpenApiSchema === undefined)) return undefined;
  const bare = bareModelName(model);
  if (!/^gemini-[12]\./.test(bare)) return undefined;
  return (
    `${bare} cannot combine built-in tools (${builtInNames(builtIn)}) with a response schema; only Gemini 3 models can. ` +
    'Use a Gemini 3 model, or drop the response schema (validation.schema still checks the answer)'
  );
}

function builtInNames(tools: readonly ToolSpec[]): string {
  return tools.map((tool) => (tool.kind === 'web-search' ? 'googleSearch' : 'urlContext')).join(', ');
}
