import { describe, expect, it } from 'vitest';
import type { NeutralRequest } from '../../requests/index.ts';
import { openAiRequestCodec } from './openai-request.ts';
import { strictSchemaOf } from './openai-schema.ts';

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    title: { type: 'string' },
    findings: { type: 'array', items: { type: 'object', properties: { value: { type: ['number', 'null'] }, unit: { type: 'string' } }, required: ['value'] } },
  },
  required: ['title'],
};

const REQUEST: NeutralRequest = {
  system: 'Answer with JSON.',
  content: [
    { kind: 'text', text: 'Paper text' },
    { kind: 'inline', mimeType: 'application/pdf', base64: 'truebatch-inline:sha256:' + 'a'.repeat(64), pages: 3 },
    { kind: 'inline', mimeType: 'image/png', base64: 'iVBOR' },
  ],
  generation: { temperature: 0.1, maxOutputTokens: 4096, outputMimeType: 'application/json', outputSchema: SCHEMA },
};

describe('openAiRequestCodec (Chat Completions batch body)', () => {
  it('encodes system, user parts (PDF as a file part, image as a data URL) and a strict JSON schema answer', () => {
    const body = JSON.parse(openAiRequestCodec.encode(REQUEST)) as Record<string, unknown>;
    expect(body).toEqual({
      messages: [
        { role: 'system', content: 'Answer with JSON.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Paper text' },
            { type: 'file', file: { filename: 'document.pdf', file_data: `data:application/pdf;base64,truebatch-inline:sha256:${'a'.repeat(64)}` } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
          ],
        },
      ],
      temperature: 0.1,
      max_completion_tokens: 4096,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: (strictSchemaOf(SCHEMA) as { schema: unknown }).schema } },
    });
    expect(openAiRequestCodec.encode(REQUEST)).toBe(openAiRequestCodec.encode(REQUEST));
  });

  it('reads its own body back, and appends a repair note as the last user part', () => {
    const encoded = openAiRequestCodec.encode(REQUEST);
    const decoded = openAiRequestCodec.decode(encoded);
    expect(decoded.system).toBe(REQUEST.system);
    expect(decoded.content).toEqual(REQUEST.content.map((part) => (part.kind === 'inline' ? { kind: 'inline', mimeType: part.mimeType, base64: part.base64 } : part)));
    expect(decoded.generation).toMatchObject({ temperature: 0.1, maxOutputTokens: 4096, outputMimeType: 'application/json' });
    const noted = JSON.parse(openAiRequestCodec.appendText(encoded, 'Fix the JSON.')) as { messages: { content: unknown[] }[] };
    expect(noted.messages[1]?.content.at(-1)).toEqual({ type: 'text', text: 'Fix the JSON.' });
    expect(() => openAiRequestCodec.decode('{"contents":[]}')).toThrow(/messages/);
  });

  it('encodes an answer function as a forced tool call and reads it back', () => {
    const request: NeutralRequest = {
      content: [{ kind: 'text', text: 'x' }],
      generation: {},
      tools: [{ kind: 'function', name: 'record', parameters: { type: 'object' }, answer: true }],
    };
    const body = JSON.parse(openAiRequestCodec.encode(request)) as Record<string, unknown>;
    expect(body['tool_choice']).toEqual({ type: 'function', function: { name: 'record' } });
    expect(openAiRequestCodec.decode(openAiRequestCodec.encode(request)).tools).toEqual(request.tools);
  });

  it('estimates tokens offline: text, schema and a guess per PDF page; output capped at maxOutputTokens', () => {
    const estimate = openAiRequestCodec.estimateTokens(REQUEST);
    expect(estimate.input).toBeGreaterThan(3 * 765);
    expect(estimate.output).toBeGreaterThan(0);
    expect(estimate.output).toBeLessThanOrEqual(4096);
  });
});

describe('openAiRequestCodec.requestProblem (refused at plan time, with the reason)', () => {
  const problem = (model: string, request: NeutralRequest): string | undefined => openAiRequestCodec.requestProblem?.(model, request);
  const base: NeutralRequest = { content: [{ kind: 'text', text: 'x' }], generation: {} };

  it('accepts a plain or structured request on an OpenAI model', () => {
    expect(problem('gpt-4.1-mini', base)).toBeUndefined();
    expect(problem('gpt-4.1-mini', REQUEST)).toBeUndefined();
  });

  it('names a Gemini model, topK, web search, a thinking budget, uploaded files and a schema strict mode cannot take', () => {
    expect(problem('gemini-2.5-flash', base)).toMatch(/not an OpenAI model/);
    expect(problem('gpt-4.1', { ...base, generation: { topK: 40 } })).toMatch(/topK/);
    expect(problem('gpt-4.1', { ...base, tools: [{ kind: 'web-search' }] })).toMatch(/web-search/);
    expect(problem('gpt-5', { ...base, generation: { thinking: { budgetTokens: 1024 } } })).toMatch(/thinking/);
    expect(problem('gpt-4.1', { ...base, content: [{ kind: 'file', uri: 'files/x', mimeType: 'application/pdf' }] })).toMatch(/inline/);
    expect(problem('gpt-4.1', { ...base, generation: { outputSchema: { type: 'object', properties: { a: { type: 'string', minLength: 2 } } } } })).toBe(
      'the response schema uses "minLength" at /properties/a/minLength, which OpenAI strict structured outputs do not support',
    );
    expect(problem('gpt-4.1', { ...base, generation: { outputSchema: { type: 'array' } } })).toMatch(/object at the root/);
    expect(problem('gpt-4.1', { ...base, embedding: {} })).toMatch(/embedding/);
  });
});

describe('strictSchemaOf', () => {
  it('requires every property and closes every object, so an answer to it also follows the stage schema', () => {
    expect(strictSchemaOf(SCHEMA)).toEqual({
      ok: true,
      schema: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          findings: {
            type: 'array',
            items: { type: 'object', properties: { value: { type: ['number', 'null'] }, unit: { type: 'string' } }, required: ['value', 'unit'], additionalProperties: false },
          },
        },
        required: ['title', 'findings'],
        additionalProperties: false,
      },
    });
  });

  it('refuses open objects', () => {
    expect(strictSchemaOf({ type: 'object', additionalProperties: true })).toEqual({
      ok: false,
      reason: 'the response schema allows additional properties at /, which OpenAI strict structured outputs do not',
    });
  });
});
