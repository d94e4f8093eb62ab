import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/index.ts';
import { lineFaultsSchema } from '../faults.ts';
import { countTokens, simulateGenerateContent, simulateLine, type SimulationContext } from './index.ts';

const TEXT = `Quarterly report of the Nordlys Shipping Company.
Revenue grew to 182 million NOK in 2023, up 12 percent on the year before.
The fleet now counts 23 vessels, four of them electric ferries.
Chief executive Marta Holm expects two more ferries to enter service in 2025.`;

const schema = {
  type: 'object',
  properties: {
    company: { type: 'string' },
    revenue: { type: 'number' },
    vessels: { type: 'integer' },
    electric: { type: 'boolean' },
    outlook: { type: 'string' },
    highlights: { type: 'array', items: { type: 'string' } },
  },
  required: ['company', 'revenue'],
};

const camelRequest = {
  systemInstruction: { parts: [{ text: 'You are a careful analyst.' }] },
  contents: [{ role: 'user', parts: [{ text: TEXT }] }],
  generationConfig: {
    temperature: 0.2,
    maxOutputTokens: 800,
    responseMimeType: 'application/json',
    responseJsonSchema: schema,
  },
};
const snakeRequest = {
  system_instruction: { parts: [{ text: 'You are a careful analyst.' }] },
  contents: [{ role: 'user', parts: [{ text: TEXT }] }],
  generation_config: {
    temperature: 0.2,
    max_output_tokens: 800,
    response_mime_type: 'application/json',
    response_json_schema: schema,
  },
};

const context = (overrides: Partial<SimulationContext> = {}): SimulationContext => ({
  seed: 7,
  model: 'models/gemini-2.5-flash',
  key: 'doc-1',
  submission: 1,
  faults: lineFaultsSchema.parse({}),
  ...overrides,
});

interface Response {
  candidates: Array<{ content: { role: string; parts: Array<{ text: string }> }; finishReason: string; index: number }>;
  usageMetadata: Record<string, number>;
  modelVersion: string;
  responseId: string;
}

function responseOf(line: ReturnType<typeof simulateLine>): Response {
  if (!('response' in line)) throw new InputError('test', `expected a response, got ${JSON.stringify(line)}`);
  return line.response as unknown as Response;
}

describe('simulateLine / simulateGenerateContent', () => {
  it('answers with the GenerateContentResponse shape', () => {
    const response = responseOf(simulateLine(camelRequest, context()));
    expect(response.candidates).toHaveLength(1);
    expect(response.candidates[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.responseId).toMatch(/^[A-Za-z0-9_-]{22,23}$/);
    expect(JSON.parse(response.candidates[0]!.content.parts[0]!.text)).toMatchObject({ revenue: 182 });
  });

  it('is deterministic for a request and a seed, and the seed changes the answer', () => {
    const answer = (seed: number, request: unknown = camelRequest) =>
      simulateGenerateContent(request, { seed, model: 'gemini-2.5-flash' });
    const first = answer(7);
    expect(answer(7, structuredClone(camelRequest))).toEqual(first);
    const others = Array.from({ length: 20 }, (_, index) => answer(100 + index));
    expect(others.some((other) => JSON.stringify(other) !== JSON.stringify(first))).toBe(true);
  });

  it('gives the same answer under any key and any submission when no fault applies', () => {
    const base = simulateLine(camelRequest, context());
    expect(simulateLine(camelRequest, context({ key: 'another-key', submission: 3 }))).toEqual(base);
    expect(simulateLine(camelRequest, context({ key: undefined }))).toEqual(base);
    const interactive = simulateGenerateContent(camelRequest, { seed: 7, model: 'models/gemini-2.5-flash' });
    expect(responseOf(base)).toEqual(interactive);
  });

  it('answers a snake_case request exactly like its camelCase twin', () => {
    expect(simulateLine(snakeRequest, context())).toEqual(simulateLine(camelRequest, context()));
    expect(countTokens(snakeRequest)).toBe(countTokens(camelRequest));
  });

  it('turns an invalid request into a precise 400 line and a thrown InputError', () => {
    const bad = { contents: [{ parts: [{ text: 'ok' }, { thought: true }] }] };
    const message = expect.stringMatching(/^contents\[0\]\.parts\[1\]: needs one of text, inlineData/) as unknown;
    expect(simulateLine(bad, context())).toEqual({ error: { code: 400, message } });
    expect(simulateLine('nope', context())).toEqual({
      error: { code: 400, message: 'request: must be a JSON object, got a string' },
    });
    expect(() => simulateGenerateContent({ contents: {} }, { seed: 1, model: 'm' })).toThrow(InputError);
    expect(() => countTokens({})).toThrow('request: contents is required');
  });
});

describe('token accounting', () => {
  it('reports countTokens as promptTokenCount and sums the total from its parts', () => {
    const response = responseOf(simulateLine(camelRequest, context()));
    const tokens = (text: string) => Math.ceil(Buffer.byteLength(text) / 4);
    const expectedPrompt = tokens('You are a careful analyst.') + tokens(TEXT);
    const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount, totalTokenCount } = response.usageMetadata;
    expect(countTokens(camelRequest)).toBe(expectedPrompt);
    expect(promptTokenCount).toBe(expectedPrompt);
    expect(candidatesTokenCount).toBe(Math.ceil(Buffer.byteLength(response.candidates[0]!.content.parts[0]!.text) / 4));
    expect(thoughtsTokenCount).toBeGreaterThan(0);
    expect(totalTokenCount).toBe(promptTokenCount! + candidatesTokenCount! + thoughtsTokenCount!);
  });

  it('counts a media part as 258 tokens', () => {
    const media = { file_data: { file_uri: 'files/abc', mime_type: 'image/png' } };
    const request = { contents: [{ parts: [{ text: 'abcdefgh' }, media] }] };
    expect(countTokens(request)).toBe(2 + 258);
  });

  it('has no thinking tokens for older models or a zero thinking budget', () => {
    const old = responseOf(simulateLine(camelRequest, context({ model: 'gemini-2.0-flash' })));
    expect(old.usageMetadata['thoughtsTokenCount']).toBeUndefined();
    const generationConfig = { ...camelRequest.generationConfig, thinkingConfig: { thinkingBudget: 0 } };
    const noThinking = { ...camelRequest, generationConfig };
    expect(responseOf(simulateLine(noThinking, context())).usageMetadata['thoughtsTokenCount']).toBeUndefined();
  });

  it('cuts an answer longer than maxOutputTokens and finishes with MAX_TOKENS', () => {
    const limited = { ...camelRequest, generationConfig: { ...camelRequest.generationConfig, maxOutputTokens: 10 } };
    const full = responseOf(simulateLine(camelRequest, context())).candidates[0]!.content.parts[0]!.text;
    const response = responseOf(simulateLine(limited, context()));
    const text = response.candidates[0]!.content.parts[0]!.text;
    expect(response.candidates[0]!.finishReason).toBe('MAX_TOKENS');
    expect(Buffer.byteLength(text)).toBe(40);
    expect(full.startsWith(text)).toBe(true);
    expect(response.usageMetadata['candidatesTokenCount']).toBe(10);
  });
});

describe('answers without a schema', () => {
  it('answers plain text with the prompt sentences relevant to the question', () => {
    const request = { contents: [{ parts: [{ text: `${TEXT}\nHow many vessels does the fleet count?` }] }] };
    const response = simulateGenerateContent(request, { seed: 1, model: 'gemini-2.0-flash' }) as unknown as Response;
    const text = response.candidates[0]!.content.parts[0]!.text;
    expect(text).toBe('The fleet now counts 23 vessels, four of them electric ferries.');
  });

  it('answers JSON without a schema with a small summary object', () => {
    const generationConfig = { responseMimeType: 'application/json' };
    const request = { contents: [{ parts: [{ text: TEXT }] }], generationConfig };
    const response = simulateGenerateContent(request, { seed: 1, model: 'gemini-2.0-flash' }) as unknown as Response;
    const answer = JSON.parse(response.candidates[0]!.content.parts[0]!.text) as Record<string, unknown>;
    expect(answer['title']).toBe('Quarterly report of the Nordlys Shipping Company.');
    expect(answer['summary']).toMatch(/^Quarterly report of the Nordlys Shipping Company\. Revenue grew to 182/);
    expect(answer['keywords']).toHaveLength(3);
  });

  it('answers text/x.enum with one bare enum value, the one the text mentions', () => {
    const request = {
      contents: [{ parts: [{ text: 'Classify the sentiment. The ferries were late: a negative experience.' }] }],
      generationConfig: {
        responseMimeType: 'text/x.enum',
        responseSchema: { type: 'STRING', format: 'enum', enum: ['positive', 'negative', 'neutral'] },
      },
    };
    const response = simulateGenerateContent(request, { seed: 3, model: 'gemini-2.0-flash' }) as unknown as Response;
    expect(response.candidates[0]!.content.parts[0]!.text).toBe('negative');
  });
});
