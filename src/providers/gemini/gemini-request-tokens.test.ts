import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/index.ts';
import {
  DEFAULT_OUTPUT_TOKENS,
  MEDIA_PART_TOKENS,
  SCHEMA_OUTPUT_MULTIPLIER,
  estimateRequestTokens,
} from './gemini-request-tokens.ts';
import { estimateTextTokens } from '../../cost/index.ts';

const FOX = 'The quick brown fox jumps over the lazy dog.';
const userText = (text: string): unknown[] => [{ role: 'user', parts: [{ text }] }];
const schema = {
  type: 'object',
  properties: { rating: { type: 'string', enum: ['low', 'medium', 'high'] }, potassium: { type: 'number' } },
  required: ['rating', 'potassium'],
};
const schemaTokens = estimateTextTokens(JSON.stringify(schema));

describe('estimateRequestTokens: input', () => {
  it('counts the text parts of contents, with no per-request overhead', () => {
    expect(estimateRequestTokens({ contents: userText(FOX) }).input).toBe(10);
    const twoTurns = [...userText(FOX), { role: 'model', parts: [{ text: 'ok' }, { text: FOX }] }];
    expect(estimateRequestTokens({ contents: twoTurns }).input).toBe(21);
  });

  it('counts the system instruction, in camelCase or snake_case', () => {
    const system = { parts: [{ text: 'You are an agronomist.' }] };
    const expected = 10 + estimateTextTokens('You are an agronomist.');
    expect(estimateRequestTokens({ contents: userText(FOX), systemInstruction: system }).input).toBe(expected);
    expect(estimateRequestTokens({ contents: userText(FOX), system_instruction: system }).input).toBe(expected);
  });

  it('counts the response schema, tools and function calls as JSON', () => {
    const withSchema = estimateRequestTokens({ contents: userText(FOX), generationConfig: { responseSchema: schema } });
    expect(withSchema.input).toBe(10 + schemaTokens);
    const tools = [{ functionDeclarations: [{ name: 'lookup', description: 'Find a soil sample' }] }];
    expect(estimateRequestTokens({ contents: userText(FOX), tools }).input).toBe(
      10 + estimateTextTokens(JSON.stringify(tools)),
    );
    const call = { name: 'lookup', args: { id: 'SK-1' } };
    expect(estimateRequestTokens({ contents: [{ parts: [{ functionCall: call }] }] }).input).toBe(
      estimateTextTokens(JSON.stringify(call)),
    );
  });

  it('counts each media part as one image or page', () => {
    const contents = [
      {
        parts: [
          { text: FOX },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { file_data: { file_uri: 'files/abc', mime_type: 'application/pdf' } },
        ],
      },
    ];
    expect(estimateRequestTokens({ contents }).input).toBe(10 + 2 * MEDIA_PART_TOKENS);
  });

  it('accepts contents given as a string', () => {
    expect(estimateRequestTokens({ contents: FOX }).input).toBe(10);
  });

  it('refuses a request that is not an object or has no contents', () => {
    expect(() => estimateRequestTokens('hello')).toThrow(InputError);
    expect(() => estimateRequestTokens({ contents: [] })).toThrow('request: contents must be a non-empty array');
    expect(() => estimateRequestTokens({ generationConfig: {} })).toThrow(InputError);
  });
});

describe('estimateRequestTokens: output', () => {
  it('guesses a default without a schema, capped by maxOutputTokens', () => {
    expect(estimateRequestTokens({ contents: userText(FOX) }).output).toBe(DEFAULT_OUTPUT_TOKENS);
    expect(estimateRequestTokens({ contents: userText(FOX), generationConfig: { maxOutputTokens: 200 } }).output).toBe(200);
    expect(estimateRequestTokens({ contents: userText(FOX), generation_config: { max_output_tokens: 300 } }).output).toBe(
      300,
    );
  });

  it('guesses twice the schema size for a JSON answer', () => {
    for (const generationConfig of [{ responseSchema: schema }, { response_json_schema: schema }]) {
      expect(estimateRequestTokens({ contents: userText(FOX), generationConfig }).output).toBe(
        SCHEMA_OUTPUT_MULTIPLIER * schemaTokens,
      );
    }
    const capped = { responseJsonSchema: schema, maxOutputTokens: 5 };
    expect(estimateRequestTokens({ contents: userText(FOX), generationConfig: capped }).output).toBe(5);
  });

  it('adds a positive thinking budget, still within maxOutputTokens', () => {
    const thinking = (thinkingBudget: number, maxOutputTokens?: number): number =>
      estimateRequestTokens({
        contents: userText(FOX),
        generationConfig: { responseSchema: schema, thinkingConfig: { thinkingBudget }, maxOutputTokens },
      }).output;
    expect(thinking(512)).toBe(2 * schemaTokens + 512);
    expect(thinking(0)).toBe(2 * schemaTokens);
    expect(thinking(-1)).toBe(2 * schemaTokens);
    expect(thinking(512, 100)).toBe(100);
  });

  it('multiplies by candidateCount', () => {
    const generationConfig = { maxOutputTokens: 100, candidateCount: 3 };
    expect(estimateRequestTokens({ contents: userText(FOX), generationConfig }).output).toBe(300);
  });

  it('uses the caller expectation when given, and refuses a negative one', () => {
    const request = { contents: userText(FOX), generationConfig: { responseSchema: schema } };
    expect(estimateRequestTokens(request, { expectedOutputTokens: 42 })).toEqual({ input: 10 + schemaTokens, output: 42 });
    expect(() => estimateRequestTokens(request, { expectedOutputTokens: -1 })).toThrow(InputError);
  });
});
