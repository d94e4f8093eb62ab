/**
 * @module Anthropic's server tools web search (`web_search_*`) and web fetch (`web_fetch_*`), simulated with the
 * Gemini grounding simulation's deterministic queries and sources (model/grounding.ts): the answer starts with a
 * `server_tool_use` block per search query (or fetched prompt URL) and its `web_search_tool_result` (or
 * `web_fetch_tool_result`), and `usage.server_tool_use` counts the requests (shapes: @anthropic-ai/sdk 1.10
 * `ServerToolUseBlock`, `WebSearchToolResultBlock`, `WebFetchToolResultBlock`, `ServerToolUsage`). Text blocks carry
 * no citations. Other server tools are refused.
 */
import { InputError } from '../../shared/index.ts';
import { groundingMetadataFor, promptUrls } from '../model/index.ts';
import { describeJson, isJsonObject, type JsonObject } from '../proto-json.ts';

/** The model called the tool itself (SDK `DirectCaller`). */
const DIRECT = { type: 'direct' } as const;

/** The server tools a request enables. */
export interface ServerTools {
  webSearch: boolean;
  webFetch: boolean;
}

/** Whether `tool` is a server tool the emulator simulates (and which); throws for the others. */
export function serverToolKind(tool: JsonObject, location: string): keyof ServerTools | undefined {
  const type = tool['type'];
  if (type === undefined || type === null || type === 'custom') return undefined;
  if (typeof type === 'string' && type.startsWith('web_search_')) return 'webSearch';
  if (typeof type === 'string' && type.startsWith('web_fetch_')) return 'webFetch';
  throw new InputError(`${location}.type`, `the emulator simulates custom tools, web search and web fetch only, not ${describeJson(type)}`);
}

/** The texts of the prompt's text parts, in order (what the grounding simulation reads the question from). */
export function promptTextsOf(request: JsonObject): string[] {
  const texts: string[] = [];
  const contents = request['contents'];
  for (const content of Array.isArray(contents) ? contents : []) {
    const parts = isJsonObject(content) && Array.isArray(content['parts']) ? content['parts'] : [];
    for (const part of parts) if (isJsonObject(part) && typeof part['text'] === 'string') texts.push(part['text']);
  }
  return texts;
}

/** The server tool blocks that come before the answer, and the requests they count. */
export function serverToolBlocks(
  tools: ServerTools,
  answerText: string,
  promptTexts: readonly string[],
  idOf: (kind: string, index: number) => string,
): { blocks: JsonObject[]; usage: { web_search_requests: number; web_fetch_requests: number } } {
  const blocks: JsonObject[] = [];
  let searches = 0;
  if (tools.webSearch) {
    const grounding = groundingMetadataFor(answerText, 0, promptTexts);
    const queries = (grounding['webSearchQueries'] as string[] | undefined) ?? [];
    const chunks = (grounding['groundingChunks'] as { web: { uri: string; title: string } }[] | undefined) ?? [];
    queries.forEach((query, index) => {
      const id = idOf('srvtoolu', index);
      blocks.push({ type: 'server_tool_use', id, caller: DIRECT, name: 'web_search', input: { query } });
      const results = chunks.map(({ web }) => ({
        type: 'web_search_result',
        url: web.uri,
        title: web.title,
        encrypted_content: Buffer.from(`${query}\u0000${web.uri}`).toString('base64'),
        page_age: null,
      }));
      blocks.push({ type: 'web_search_tool_result', tool_use_id: id, caller: DIRECT, content: results });
    });
    searches = queries.length;
  }
  const urls = tools.webFetch ? promptUrls(promptTexts) : [];
  urls.forEach((url, index) => {
    const id = idOf('srvtoolu', searches + index);
    blocks.push({ type: 'server_tool_use', id, caller: DIRECT, name: 'web_fetch', input: { url } });
    const document = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: '' }, title: null, citations: null };
    blocks.push({ type: 'web_fetch_tool_result', tool_use_id: id, caller: DIRECT, content: { type: 'web_fetch_result', url, content: document, retrieved_at: null } });
  });
  return { blocks, usage: { web_search_requests: searches, web_fetch_requests: urls.length } };
}
