/**
 * @module What the real service refuses or does at create and in answers (issue #16; spec §3.2, §3.3, §2.4), through
 * the official SDK (3.3.0) and raw REST: schema validation of every request, unknown models, oversized inline
 * bodies, scripted create refusals, candidateCount, thought parts, thinking budgets and forced function calls.
 */
import { ApiError, FunctionCallingConfigMode, GoogleGenAI, JobState, Type } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { startEmulator } from './index.ts';
import { sdkEmulatorPerFile, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-fidelity-test-key';
const sdk = sdkEmulatorPerFile(API_KEY);

async function refusal(call: Promise<unknown>): Promise<{ status: number; error: { code: number; message: string; status: string; details?: unknown[] } }> {
  const caught: unknown = await call.then(() => undefined, (error: unknown) => error);
  expect(caught).toBeInstanceOf(ApiError);
  const apiError = caught as ApiError;
  return { status: apiError.status, ...(JSON.parse(apiError.message) as { error: { code: number; message: string; status: string } }) };
}

function post(path: string, body: string): Promise<Response> {
  return fetch(`${sdk.emulator.url}/v1beta/${path}`, { method: 'POST', headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' }, body });
}

const line = (key: string, request: Record<string, unknown>): string => JSON.stringify({ key, request });
const contents = [{ role: 'user', parts: [{ text: 'Soil K rose 12 mg/kg after liming.' }] }];

describe('create-time validation (python-genai#1451, java-genai#446, inspect_ai#3257)', () => {
  it('refuses a file batch for one line with a flat thinking_config, listing the line and column; snake and camel case pass', async () => {
    const path = writeJsonl(sdk.temp.dir, 'flat.jsonl', [
      line('ok-camel', { contents, generationConfig: { thinkingConfig: { thinkingBudget: 0 }, responseMimeType: 'application/json' } }),
      line('ok-snake', { contents, generation_config: { thinking_config: { thinking_budget: 0 }, response_mime_type: 'text/plain' } }),
      line('flat', { contents, thinking_config: { thinking_budget: 0 } }),
    ]);
    const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'jsonl' } });
    const before = sdk.emulator.stats();
    const { status, error } = await refusal(sdk.ai.batches.create({ model: 'gemini-2.5-flash', src: file.name! }));
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(error.message).toMatch(/^Error on line 3: invalid JSON, near column \d+: no such field: 'thinking_config'$/);
    // The whole batch is refused: no job, no key counted as submitted.
    expect(sdk.emulator.stats().batchesCreated).toBe(before.batchesCreated);
    expect(sdk.emulator.stats().submissionsByKey['ok-camel']).toBeUndefined();
  });

  it('refuses an inline request with a field at the wrong level, in Google’s words, with a field violation', async () => {
    const body = {
      batch: {
        inputConfig: {
          requests: {
            requests: [
              { request: { contents }, metadata: { key: 'fine' } },
              { request: { contents, generationConfig: { temperature: 0.1 }, thinkingConfig: { thinkingBudget: 0 } }, metadata: { key: 'bad' } },
              // The SDK's flat config beside the request (python-genai#1103 sent it inside; either way it is not REST).
              { request: { contents }, config: { temperature: 0.1 }, metadata: { key: 'sdk-shaped' } },
            ],
          },
        },
      },
    };
    const response = await post('models/gemini-2.5-flash:batchGenerateContent', JSON.stringify(body));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; status: string; details: unknown[] } };
    const where = 'batch.input_config.requests.requests[1].request';
    const first = `Invalid JSON payload received. Unknown name "thinkingConfig" at '${where}': Cannot find field.`;
    const second = `Invalid JSON payload received. Unknown name "config" at 'batch.input_config.requests.requests[2]': Cannot find field.`;
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(`${first}\n${second}`);
    expect(error.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [
          { field: where, description: first },
          { field: 'batch.input_config.requests.requests[2]', description: second },
        ],
      },
    ]);
  });

  it('accepts what the SDK builds from its flat config (it lifts the request fields and nests the rest)', async () => {
    const job = await sdk.ai.batches.create({
      model: 'gemini-2.5-flash',
      src: [{ contents: 'Say hi', config: { temperature: 0.2, thinkingConfig: { thinkingBudget: 0 }, systemInstruction: 'Be brief.' }, metadata: { key: 'sdk' } }],
    });
    expect(job.name).toMatch(/^batches\/[a-z0-9]{36}$/);
  });

  it('answers an unknown model with 404 NOT_FOUND at create', async () => {
    const { status, error } = await refusal(sdk.ai.batches.create({ model: 'gemini-9-ultra', src: [{ contents: 'x', metadata: { key: 'k' } }] }));
    expect(status).toBe(404);
    expect(error.message).toContain('models/gemini-9-ultra is not found for API version v1beta, or is not supported for batchGenerateContent');
  });

  it('refuses an inline body over 20 MB (DOC-guide) with 400', async () => {
    const text = 'x'.repeat(21 * 1024 * 1024);
    const body = JSON.stringify({ batch: { inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text }] }] } }] } } } });
    const response = await post('models/gemini-2.5-flash:batchGenerateContent', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Request payload size exceeds the limit: 20971520 bytes.');
  });
});

describe('scripted create refusals (faults.jobs)', () => {
  it('refuses the n-th create for a bad line, an unknown model or an oversized body, and the next create goes through', async () => {
    const scripted = await startEmulator({
      apiKey: API_KEY,
      faults: {
        jobs: [
          { nth: 1, outcome: 'refused-bad-line', line: 4, field: 'config' },
          { nth: 2, outcome: 'refused-unknown-model' },
          { nth: 3, outcome: 'refused-oversized' },
        ],
      },
    });
    try {
      const client = new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: scripted.url } });
      const create = (): Promise<unknown> => client.batches.create({ model: 'gemini-2.5-flash', src: [{ contents: 'x', metadata: { key: 'k' } }] });
      expect((await refusal(create())).error).toMatchObject({ code: 400, message: "Error on line 4: invalid JSON, near column 1: no such field: 'config'" });
      expect((await refusal(create())).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
      expect((await refusal(create())).error.message).toContain('Request payload size exceeds the limit');
      await expect(create()).resolves.toMatchObject({ state: 'JOB_STATE_PENDING' });
      expect(scripted.stats().batchesCreated).toBe(1);
    } finally {
      await scripted.close();
    }
  });
});

describe('generation options (DOC-ref GenerationConfig, ThinkingConfig, FunctionCallingConfig)', () => {
  it('returns candidateCount candidates, each indexed', async () => {
    const answer = await sdk.ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Name a soil nutrient.', config: { candidateCount: 2 } });
    expect(answer.candidates?.map((candidate) => candidate.index)).toEqual([0, 1]);
    expect(answer.candidates?.every((candidate) => (candidate.content?.parts?.[0]?.text ?? '') !== '')).toBe(true);
  });

  it('returns a thought part (thought: true) before the answer with includeThoughts, when it reports thinking tokens', async () => {
    const answer = await sdk.ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Name a soil nutrient.',
      config: { thinkingConfig: { includeThoughts: true } },
    });
    expect(answer.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    const parts = answer.candidates?.[0]?.content?.parts ?? [];
    expect(parts.map((part) => part.thought === true)).toEqual([true, false]);
    // The SDK's text skips thought parts.
    expect(answer.text).toBe(parts[1]?.text);
    const noThinking = await sdk.ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Name a soil nutrient.',
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 0 } },
    });
    expect(noThinking.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    expect(noThinking.candidates?.[0]?.content?.parts?.some((part) => part.thought === true)).toBe(false);
  });

  it('refuses a thinking budget of 0 on gemini-2.5-pro, which cannot stop thinking: a 400, and in a batch that line’s error', async () => {
    const { status, error } = await refusal(
      sdk.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }),
    );
    expect(status).toBe(400);
    expect(error.message).toBe('Budget 0 is invalid. This model only works in thinking mode.');
    const job = await sdk.ai.batches.create({
      model: 'gemini-2.5-pro',
      src: [
        { contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } }, metadata: { key: 'off' } },
        { contents: 'x', config: { thinkingConfig: { thinkingBudget: 128 } }, metadata: { key: 'on' } },
      ],
    });
    let done = await sdk.ai.batches.get({ name: job.name! });
    for (let attempt = 0; attempt < 100 && done.state !== JobState.JOB_STATE_SUCCEEDED; attempt++) done = await sdk.ai.batches.get({ name: job.name! });
    const [off, on] = done.dest?.inlinedResponses ?? [];
    expect(off?.error).toMatchObject({ code: 400, message: 'Budget 0 is invalid. This model only works in thinking mode.' });
    expect(on?.response?.candidates?.length).toBe(1);
  });

  it('answers a functionCall whose args fit the declared parameters under toolConfig mode ANY', async () => {
    const answer = await sdk.ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Record that soil K rose 12 mg/kg in plot B.',
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: 'record_measurement',
                parameters: {
                  type: Type.OBJECT,
                  properties: { plot: { type: Type.STRING }, value: { type: Type.NUMBER }, unit: { type: Type.STRING, enum: ['mg/kg', 'ppm'] } },
                  required: ['plot', 'value', 'unit'],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
      },
    });
    const [call] = answer.functionCalls ?? [];
    expect(call?.name).toBe('record_measurement');
    expect(call?.args).toEqual({ plot: expect.any(String), value: expect.any(Number), unit: expect.stringMatching(/^(mg\/kg|ppm)$/) });
    const free = await sdk.ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hi', config: { tools: [{ functionDeclarations: [{ name: 'f' }] }] } });
    expect(free.functionCalls).toBeUndefined();
  });
});
