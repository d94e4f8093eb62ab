import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/index.ts';
import { contentJson, parseRequest, promptTexts } from './request-parsing.ts';

function failure(request: unknown): string {
  try {
    parseRequest(request);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('parseRequest', () => {
  it.each([
    [[1], 'request: must be a JSON object, got an array'],
    [{}, 'request: contents is required'],
    [{ contents: 'hi' }, 'contents: must be an array, got a string'],
    [{ contents: [] }, 'contents: must not be empty'],
    [{ contents: [null] }, 'contents[0]: must be a JSON object, got null'],
    [{ contents: [{ role: 'user' }] }, 'contents[0]: parts is required'],
    [{ contents: [{ parts: {} }] }, 'contents[0].parts: must be an array, got an object'],
    [{ contents: [{ parts: [] }] }, 'contents[0].parts: must not be empty'],
    [
      { contents: [{ parts: [{ text: 'a' }, {}] }] },
      'contents[0].parts[1]: needs one of text, inlineData, fileData, functionCall, functionResponse (got none)',
    ],
    [
      { contents: [{ parts: [{ text: 'a', inline_data: { mime_type: 'image/png', data: 'AA' } }] }] },
      'contents[0].parts[0]: must have only one data field, got text, inlineData',
    ],
    [{ contents: [{ parts: [{ text: 7 }] }] }, 'contents[0].parts[0].text: must be a string, got a number'],
    [{ contents: [{ parts: [{ text: '' }] }] }, 'contents[0].parts[0].text: must not be empty'],
    [{ contents: [{ parts: [{ txt: 'a' }] }] }, 'contents[0].parts[0]: unknown field "txt"'],
    [
      { contents: [{ parts: [{ inlineData: { mimeType: 'image/png' } }] }] },
      'contents[0].parts[0].inlineData.data: is required',
    ],
    [{ contents: [{ parts: [{ fileData: {} }] }] }, 'contents[0].parts[0].fileData.fileUri: is required'],
    [
      { contents: [{ role: 'assistant', parts: [{ text: 'a' }] }] },
      'contents[0].role: must be "user" or "model", got "assistant"',
    ],
    [{ contents: [{ parts: [{ text: 'a' }] }], config: {} }, 'request: unknown field "config"'],
    [
      { contents: [{ parts: [{ text: 'a' }] }], systemInstruction: 'be nice' },
      'systemInstruction: must be a JSON object, got a string',
    ],
    [
      { contents: [{ parts: [{ text: 'a' }] }], generationConfig: { temperature: 1 }, generation_config: {} },
      'request: field "generationConfig" is given twice (camelCase and snake_case)',
    ],
  ])('rejects %j with a precise message', (request, message) => {
    expect(failure(request)).toBe(message);
  });

  it('normalises snake_case and camelCase to the same request', () => {
    const camel = parseRequest({
      contents: [{ role: 'user', parts: [{ text: 'a' }, { inlineData: { mimeType: 'image/png', data: 'AA' } }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
      },
    });
    const snake = parseRequest({
      contents: [{ role: 'user', parts: [{ text: 'a' }, { inline_data: { mime_type: 'image/png', data: 'AA' } }] }],
      system_instruction: { parts: [{ text: 'sys' }] },
      generation_config: {
        response_mime_type: 'application/json',
        response_schema: { type: 'object', properties: { a: { type: 'string' } } },
      },
    });
    expect(JSON.stringify({ ...snake, generation: { ...snake.generation, compiledSchema: undefined } })).toBe(
      JSON.stringify({ ...camel, generation: { ...camel.generation, compiledSchema: undefined } }),
    );
  });

  it('keeps only conversation text as prompt text, and structured parts as JSON', () => {
    const request = parseRequest({
      contents: [
        { role: 'user', parts: [{ text: 'first' }, { functionResponse: { name: 'f', response: {} } }] },
        { role: 'model', parts: [{ text: 'second' }] },
      ],
      systemInstruction: { parts: [{ text: 'system' }] },
    });
    expect(promptTexts(request)).toEqual(['first', 'second']);
    const json = '{"functionResponse":{"name":"f","response":{}}}';
    expect(request.contents[0]?.parts[1]).toEqual({ kind: 'structured', json });
  });

  it('writes every kind of content exactly as JSON.stringify does (the request hash depends on it)', () => {
    const longText = `${'A "quoted" prompt with a \\ backslash.\n'.repeat(20)}\ttab and a lone \ud800`;
    const request = parseRequest({
      contents: [
        { role: 'user', parts: [{ text: longText }, { text: 'short' }, { inlineData: { mimeType: 'image/png', data: 'AA' } }] },
        { role: 'model', parts: [{ fileData: { fileUri: 'https://x/"y"' } }, { functionCall: { name: 'f', args: { a: '"' } } }] },
        { parts: [{ text: 'x'.repeat(300) }] },
      ],
      systemInstruction: { parts: [{ text: 'sys "q"\n'.repeat(40) }] },
    });
    for (const content of [...request.contents, request.systemInstruction!]) expect(contentJson(content)).toBe(JSON.stringify(content));
  });
});
