import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ResultItem } from '../batch-provider.ts';
import { readOpenAiResults } from './openai-results.ts';

const FIXTURE = fileURLToPath(new URL('./__fixtures__/results.jsonl', import.meta.url));

async function readAll(path: string): Promise<ResultItem[]> {
  const items: ResultItem[] = [];
  for await (const item of readOpenAiResults(path)) items.push(item);
  return items;
}

describe('readOpenAiResults (output and error lines, spec §10a)', () => {
  it('reads a 200 line into a response with text, finish and usage (reasoning tokens apart from the answer)', async () => {
    const [first] = await readAll(FIXTURE);
    expect(first).toMatchObject({
      kind: 'response',
      key: 'doc-1_stage',
      lineNumber: 1,
      response: {
        text: '{"answer":1}',
        finish: 'stop',
        rawFinish: 'stop',
        modelVersion: 'gpt-4.1-mini-2025-04-14',
        usage: { promptTokens: 120, outputTokens: 20, thoughtsTokens: 10, cachedTokens: 64, totalTokens: 150 },
      },
    });
  });

  it('reads a 4xx inside "response" with "error": null as an error item, not a response (the trap)', async () => {
    const items = await readAll(FIXTURE);
    expect(items[1]).toEqual({
      kind: 'error',
      key: 'doc-2_stage',
      lineNumber: 2,
      error: { code: 400, message: "context_length_exceeded: This model's maximum context length is 128000 tokens." },
    });
  });

  it('says a cut answer stopped at the limit, and reads an error-file line with its OpenAI code', async () => {
    const items = await readAll(FIXTURE);
    expect(items[2]).toMatchObject({ kind: 'response', response: { finish: 'max-tokens', rawFinish: 'length' } });
    expect(items[3]).toEqual({
      kind: 'error',
      key: 'doc-4_stage',
      lineNumber: 4,
      error: { code: 499, message: 'batch_expired: This request could not be executed before the completion window expired.' },
    });
  });

  it('turns a line that is not JSON, or has no custom_id, into a malformed item and reads on', async () => {
    const items = await readAll(FIXTURE);
    expect(items[4]).toMatchObject({ kind: 'malformed', lineNumber: 5, reason: expect.stringMatching(/^result line 5 not valid JSON/) });
    expect(items[5]).toMatchObject({ kind: 'malformed', lineNumber: 6, reason: expect.stringContaining('custom_id') });
    expect(items).toHaveLength(8);
  });

  it('reads a structured-output refusal as blocked, and a tool call as the function call answer', async () => {
    const items = await readAll(FIXTURE);
    expect(items[6]).toMatchObject({ kind: 'response', response: { text: undefined, finish: 'blocked', finishNote: "the model refused: I can't help with that." } });
    expect(items[7]).toMatchObject({ kind: 'response', response: { functionCall: { name: 'record', args: { x: 2 } }, finish: 'stop' } });
  });
});
