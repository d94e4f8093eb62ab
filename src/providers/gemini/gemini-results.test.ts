import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultItem } from '../batch-provider.ts';
import { MALFORMED_RAW_MAX_CHARS, parseResultLine, readGeminiResults } from './gemini-results.ts';

/** A real output line from the Gemini cookbook (Batch_mode.ipynb): key last, thoughts counted. */
const COOKBOOK_LINE =
  '{"response": {"responseId": "6VFkaIDwEPXVjMcP4-XW6Qo", "usageMetadata": {"promptTokenCount": 8, ' +
  '"candidatesTokenCount": 11, "totalTokenCount": 848, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}], ' +
  '"thoughtsTokenCount": 829}, "candidates": [{"content": {"role": "model", "parts": [{"text": "A bird in the hand"}, ' +
  '{"text": " is worth two in the bush."}]}, "index": 0, "finishReason": "STOP"}], "modelVersion": "gemini-2.5-flash"}, ' +
  '"key": "request_1"}';

function parse(text: string, lineNumber = 1): ResultItem {
  try {
    return parseResultLine({ lineNumber, ok: true, value: JSON.parse(text), bytes: text.length + 1 });
  } catch (error) {
    return parseResultLine({ lineNumber, ok: false, error: String(error), text });
  }
}

describe('parseResultLine', () => {
  it('reads a real response line: text, finish reason, usage, model version, raw', () => {
    const item = parse(COOKBOOK_LINE, 7);
    expect(item.kind).toBe('response');
    if (item.kind !== 'response') return;
    expect(item.key).toBe('request_1');
    expect(item.lineNumber).toBe(7);
    expect(item.response).toMatchObject({
      text: 'A bird in the hand is worth two in the bush.',
      finish: 'stop',
      rawFinish: 'STOP',
      finishNote: 'finishReason STOP',
      promptBlocked: undefined,
      modelVersion: 'gemini-2.5-flash',
      usage: { promptTokens: 8, outputTokens: 11, thoughtsTokens: 829, cachedTokens: 0, totalTokens: 848 },
    });
    expect(item.response.raw).toMatchObject({ responseId: '6VFkaIDwEPXVjMcP4-XW6Qo' });
  });

  it('leaves thought parts out of the text', () => {
    const item = parse(
      '{"key":"k","response":{"candidates":[{"content":{"parts":[{"text":"thinking…","thought":true},{"text":"{\\"a\\":1}"}]},"finishReason":"STOP"}]}}',
    );
    expect(item.kind === 'response' && item.response.text).toBe('{"a":1}');
  });

  it('reads the first function call of the answer, its arguments as given (none: the empty object)', () => {
    const item = parse(
      '{"key":"k","response":{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"record_paper","args":{"title":"T","year":2001}}},{"functionCall":{"name":"other","args":{}}}]},"finishReason":"STOP"}]}}',
    );
    expect(item.kind === 'response' && item.response).toMatchObject({ text: undefined, finish: 'stop', functionCall: { name: 'record_paper', args: { title: 'T', year: 2001 } } });
    const bare = parse('{"key":"k","response":{"candidates":[{"content":{"parts":[{"function_call":{"name":"ping"}}]},"finishReason":"STOP"}]}}');
    expect(bare.kind === 'response' && bare.response.functionCall).toEqual({ name: 'ping', args: {} });
    const text = parse(COOKBOOK_LINE);
    expect(text.kind === 'response' && 'functionCall' in text.response).toBe(false);
  });

  it('reports a blocked prompt as a response with the block reason and no text', () => {
    const item = parse(
      '{"key":"doc-9","response":{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12}}}',
    );
    expect(item).toMatchObject({ kind: 'response', key: 'doc-9' });
    if (item.kind !== 'response') return;
    expect(item.response).toMatchObject({ text: undefined, finish: undefined, rawFinish: undefined, finishNote: 'no candidates', promptBlocked: 'SAFETY' });
    expect(item.response.usage).toEqual({ promptTokens: 12, outputTokens: 0, thoughtsTokens: 0, cachedTokens: 0, totalTokens: 12 });
  });

  it('reports MAX_TOKENS and missing usage as they are', () => {
    const item = parse('{"key":"k","response":{"candidates":[{"content":{"parts":[{"text":"{\\"a\\":"}]},"finishReason":"MAX_TOKENS"}]}}');
    expect(item.kind === 'response' && item.response.rawFinish).toBe('MAX_TOKENS');
    expect(item.kind === 'response' && item.response.finish).toBe('max-tokens');
    expect(item.kind === 'response' && item.response.usage).toBeUndefined();
  });

  it('reads an error line as a per-request failure', () => {
    expect(parse('{"key":"doc-3","error":{"code":429,"message":"Resource has been exhausted"}}', 3)).toEqual({
      kind: 'error',
      key: 'doc-3',
      lineNumber: 3,
      error: { code: 429, message: 'Resource has been exhausted' },
    });
    expect(parse('{"error":{"status":"INTERNAL"},"key":"doc-4"}')).toMatchObject({
      kind: 'error',
      error: { code: 2, message: 'INTERNAL' },
    });
  });

  it('accepts snake_case field names', () => {
    const item = parse(
      '{"key":"k","response":{"candidates":[{"content":{"parts":[{"text":"hi"}]},"finish_reason":"STOP"}],' +
        '"usage_metadata":{"prompt_token_count":"3","candidates_token_count":1,"cached_content_token_count":2,"total_token_count":4},' +
        '"model_version":"gemini-2.5-flash","prompt_feedback":{}}}',
    );
    expect(item.kind).toBe('response');
    if (item.kind !== 'response') return;
    expect(item.response).toMatchObject({ text: 'hi', finish: 'stop', rawFinish: 'STOP', modelVersion: 'gemini-2.5-flash' });
    expect(item.response.usage).toEqual({ promptTokens: 3, outputTokens: 1, thoughtsTokens: 0, cachedTokens: 2, totalTokens: 4 });
  });

  it('turns every kind of bad line into a malformed item with a precise reason', () => {
    const cases: [string, RegExp][] = [
      ['{"key":"k","response":{"candidates":[', /line 1 not valid JSON/],
      ['[1,2]', /not a JSON object/],
      ['{"response":{"candidates":[]}}', /has no "key"/],
      ['{"key":{"id":1},"response":{}}', /"key" is not a string \(it is {"id":1}\)/],
      ['{"key":"","response":{}}', /"key" is empty/],
      ['{"key":"k"}', /neither "response" nor "error"/],
      ['{"key":"k","response":{"candidates":"nope"}}', /"response" is invalid.*candidates/s],
      ['{"key":"k","error":{"code":"x"}}', /"error" is invalid.*code/s],
    ];
    for (const [text, reason] of cases) {
      const item = parse(text);
      expect(item.kind, text).toBe('malformed');
      if (item.kind === 'malformed') expect(item.reason, text).toMatch(reason);
    }
  });

  it('accepts a numeric key and keeps only the start of a huge malformed line', () => {
    expect(parse('{"key":42,"response":{}}')).toMatchObject({ kind: 'response', key: '42' });
    const huge = parse(`{"key":"k","note":"${'x'.repeat(10_000)}"}`);
    expect(huge.kind === 'malformed' && huge.raw.length).toBe(MALFORMED_RAW_MAX_CHARS + 1);
  });
});

describe('readGeminiResults', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'truebatch-gemini-results-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams a file into one item per non-blank line, with line numbers', async () => {
    const path = join(dir, 'out.jsonl');
    await writeFile(path, `${COOKBOOK_LINE}\n\n{"key":"b","error":{"code":400,"message":"bad"}}\nnot json\n`);
    const items: ResultItem[] = [];
    for await (const item of readGeminiResults(path)) items.push(item);
    expect(items.map((item) => [item.kind, item.lineNumber])).toEqual([
      ['response', 1],
      ['error', 3],
      ['malformed', 4],
    ]);
  });
});
