import { describe, expect, it } from 'vitest';
import { parseGenerationConfig } from './generation-config.ts';

describe('parseGenerationConfig', () => {
  it('defaults to plain text with no limits', () => {
    expect(parseGenerationConfig(undefined)).toMatchObject({
      responseMimeType: 'text/plain',
      responseSchema: undefined,
      maxOutputTokens: undefined,
    });
  });

  it('reads snake_case numbers, int64 strings and the thinking budget', () => {
    const settings = parseGenerationConfig({
      max_output_tokens: '64',
      top_k: 40,
      top_p: 0.9,
      thinking_config: { thinking_budget: 0 },
    });
    expect(settings).toMatchObject({ maxOutputTokens: 64, topK: 40, topP: 0.9, thinkingBudget: 0 });
  });

  it.each([
    [{ temperature: 3 }, 'generationConfig.temperature: must be at most 2, got 3'],
    [{ maxOutputTokens: 0 }, 'generationConfig.maxOutputTokens: must be at least 1, got 0'],
    [{ topK: 1.5 }, 'generationConfig.topK: must be an integer, got 1.5'],
    [
      { responseMimeType: 'text/csv' },
      'generationConfig.responseMimeType: unsupported "text/csv" (use text/plain, application/json, text/x.enum)',
    ],
    [
      { responseSchema: { type: 'STRING' } },
      'generationConfig.responseSchema: needs responseMimeType "application/json" or "text/x.enum"',
    ],
    [{ responseMimeType: 'text/x.enum' }, 'generationConfig.responseSchema: is required with text/x.enum'],
    [
      { responseMimeType: 'application/json', responseSchema: {}, responseJsonSchema: {} },
      'generationConfig: set only one of responseSchema and responseJsonSchema',
    ],
    [
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'text' } },
      'generationConfig.responseJsonSchema.type: unknown type "text"',
    ],
    [{ candidateCount: 9 }, 'generationConfig.candidateCount: '],
    [{ maxTokens: 5 }, 'generationConfig: unknown field "maxTokens"'],
  ])('rejects %j', (config, message) => {
    expect(() => parseGenerationConfig(config)).toThrow(message);
  });

  it('compiles the schema once, keeping the JSON form for the request identity', () => {
    const settings = parseGenerationConfig({
      responseMimeType: 'APPLICATION/JSON',
      responseSchema: { type: 'ARRAY', items: { type: 'NUMBER' } },
    });
    expect(settings.responseMimeType).toBe('application/json');
    expect(settings.responseSchema).toEqual({ type: 'array', items: { type: 'number' } });
    expect(settings.compiledSchema?.items?.types).toEqual(['number']);
  });

  it('writes its identity as JSON.stringify writes the settings without the compiled schema', () => {
    const configs = [
      undefined,
      { temperature: 0.5, topK: '3' },
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } } },
      { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] }, maxOutputTokens: 9, topP: 1, thinkingConfig: { thinkingBudget: 0 } },
    ];
    for (const config of configs) {
      const settings = parseGenerationConfig(config);
      expect(settings.identityJson).toBe(JSON.stringify({ ...settings, compiledSchema: undefined, identityJson: undefined }));
    }
  });
});
