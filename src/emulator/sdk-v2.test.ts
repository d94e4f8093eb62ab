/**
 * @module Issue #16's behaviours through the last 2.x SDK (`@google/genai` 2.32.0, the dev dependency alias
 * `genai-v2`), where users still pin it. Read from both SDKs' dist (node/index.mjs, genai.d.ts): the batch converters
 * (`batchJobFromMldev`, `tRecvBatchJobDestination`, `inlinedRequestToMldev`), `createEmbeddings`
 * (`embeddingsBatchJobSourceToMldev`), `files.download`, `ApiError` and the response getters are identical in 2.32
 * and 3.3. What differs on the wire: 2.32 defaults to API version `v1beta` (3.3: `v1`, or GOOGLE_GENAI_API_VERSION)
 * and posts every upload to the hard-coded `upload/v1beta/files` whatever `apiVersion` says (3.3:
 * `upload/{api_version}/files`) (spec §1.1, §2.1). The 3.3 counterparts are sdk-fidelity, sdk-batches and
 * sdk-embeddings.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, FunctionCallingConfigMode, GoogleGenAI, JobState, Type, type BatchJob } from 'genai-v2';
import { createManualClock } from '../shared/index.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import { makeTempDir, readJsonlFile, requestLines, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-v2-test-key';
const TERMINAL: readonly string[] = [JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED, JobState.JOB_STATE_EXPIRED];
const temp = makeTempDir();
let emulator: RunningEmulator;
/** No apiVersion: 2.32 talks v1beta by default (3.3 would talk v1). */
let ai: GoogleGenAI;

beforeAll(async () => {
  emulator = await startEmulator({
    apiKey: API_KEY,
    jobDurationMs: 0,
    pendingMs: 0,
    faults: { jobs: [{ displayNameContains: 'doomed', outcome: 'failed', afterLines: 1 }] },
  });
  ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: emulator.url } });
});
afterAll(async () => {
  await emulator.close();
  await temp.remove();
});

/** Polls with the SDK; each get also advances the job (the emulator's jobs move when observed). */
async function waitForEnd(client: GoogleGenAI, name: string): Promise<BatchJob> {
  let job = await client.batches.get({ name });
  for (let attempt = 0; attempt < 1000 && !TERMINAL.includes(job.state ?? ''); attempt++) job = await client.batches.get({ name });
  return job;
}

/** The ApiError a call rejects with, and Google's error envelope parsed from its message. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; error: { code: number; message: string; status: string } }> {
  const caught: unknown = await call.then(() => undefined, (error: unknown) => error);
  expect(caught).toBeInstanceOf(ApiError);
  const apiError = caught as ApiError;
  return { status: apiError.status, ...(JSON.parse(apiError.message) as { error: { code: number; message: string; status: string } }) };
}

/** The raw Operation behind a job, as REST clients read it (the SDK drops `error`, `response` and `batchStats`). */
async function rawOperation(url: string, name: string): Promise<{ done?: boolean; error?: unknown; response?: unknown; metadata: { batchStats: Record<string, string> } }> {
  const response = await fetch(`${url}/v1beta/${name}`, { headers: { 'x-goog-api-key': API_KEY } });
  return (await response.json()) as { done?: boolean; error?: unknown; response?: unknown; metadata: { batchStats: Record<string, string> } };
}

const line = (key: string, request: Record<string, unknown>): string => JSON.stringify({ key, request });
const contents = [{ role: 'user', parts: [{ text: 'Soil K rose 12 mg/kg after liming.' }] }];

describe('API versions (2.32 differs from 3.3: spec §1.1, §2.1)', () => {
  it('defaults to v1beta, and with apiVersion v1 still uploads to upload/v1beta/files while every other call uses v1', async () => {
    const path = writeJsonl(temp.dir, 'versions.jsonl', requestLines(2, 'ver'));
    // Default client: the upload and the get both answer with a v1beta uri (the emulator builds it from the path).
    const uploaded = await ai.files.upload({ file: path, config: { mimeType: 'jsonl' } });
    expect(uploaded.uri).toBe(`${emulator.url}/v1beta/${uploaded.name}`);
    expect((await ai.files.get({ name: uploaded.name! })).uri).toBe(`${emulator.url}/v1beta/${uploaded.name}`);

    const v1 = new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1', httpOptions: { baseUrl: emulator.url } });
    const mixed = await v1.files.upload({ file: path, config: { mimeType: 'jsonl' } });
    expect(mixed.uri).toBe(`${emulator.url}/v1beta/${mixed.name}`);
    expect((await v1.files.get({ name: mixed.name! })).uri).toBe(`${emulator.url}/v1/${mixed.name}`);
    // A file uploaded under v1beta runs as a v1 batch: the version segment names no separate store.
    const job = await v1.batches.create({ model: 'gemini-2.5-flash', src: mixed.name! });
    expect((await waitForEnd(v1, job.name!)).state).toBe(JobState.JOB_STATE_SUCCEEDED);
  });
});

describe('create-time refusals surface as ApiError (python-genai#1451, java-genai#446, inspect_ai#3257)', () => {
  it('refuses a whole file batch for one flat thinking_config line with 400 naming the line; nothing is created', async () => {
    const path = writeJsonl(temp.dir, 'flat.jsonl', [
      line('ok-snake', { contents, generation_config: { thinking_config: { thinking_budget: 0 } } }),
      line('flat', { contents, thinking_config: { thinking_budget: 0 } }),
    ]);
    const file = await ai.files.upload({ file: path, config: { mimeType: 'jsonl' } });
    const before = emulator.stats().batchesCreated;
    const { status, error } = await refusal(ai.batches.create({ model: 'gemini-2.5-flash', src: file.name! }));
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(error.message).toMatch(/^Error on line 2: invalid JSON, near column \d+: no such field: 'thinking_config'$/);
    expect(emulator.stats().batchesCreated).toBe(before);
  });

  it('answers an unknown model with 404 NOT_FOUND at create (issue #16)', async () => {
    const { status, error } = await refusal(ai.batches.create({ model: 'gemini-9-ultra', src: [{ contents: 'x', metadata: { key: 'k' } }] }));
    expect(status).toBe(404);
    expect(error.status).toBe('NOT_FOUND');
    expect(error.message).toContain('models/gemini-9-ultra is not found for API version v1beta');
  });
});

describe('ids and result files (js-genai#1227; python-genai#1613, #1759; go-genai#436)', () => {
  it('makes 36-character batch ids; files/batch-<id> downloads, while files.get and files.delete answer 400', async () => {
    const path = writeJsonl(temp.dir, 'ids.jsonl', requestLines(3, 'ids'));
    const file = await ai.files.upload({ file: path, config: { mimeType: 'jsonl' } });
    const job = await ai.batches.create({ model: 'gemini-2.5-flash', src: file.name!, config: { displayName: 'ids' } });
    expect(job.name).toMatch(/^batches\/[a-z0-9]{36}$/);
    const done = await waitForEnd(ai, job.name!);
    const resultFile = done.dest?.fileName ?? '';
    expect(resultFile).toBe(`files/batch-${job.name!.slice('batches/'.length)}`);
    const out = `${temp.dir}/ids.out.jsonl`;
    await ai.files.download({ file: resultFile, downloadPath: out });
    expect((await readJsonlFile(out)).map((row) => row['key'])).toEqual(['ids-0', 'ids-1', 'ids-2']);
    for (const call of [ai.files.get({ name: resultFile }), ai.files.delete({ name: resultFile })]) {
      const { status, error } = await refusal(call);
      expect(status).toBe(400);
      expect(error.message).toContain("File ID (name excluding 'files/') cannot be more than 40 characters.");
    }
  });
});

describe('done Operations: exactly one of error or response (DOC-ref Operation); the SDK shows neither', () => {
  it('fails a job: the SDK’s BatchJob has no error or completionStats (batchJobFromMldev, same in 3.3); REST has the error', async () => {
    const job = await ai.batches.create({
      model: 'gemini-2.5-flash',
      src: [{ contents: 'a', metadata: { key: 'a' } }, { contents: 'b', metadata: { key: 'b' } }],
      config: { displayName: 'doomed' },
    });
    const done = await waitForEnd(ai, job.name!);
    expect(done.state).toBe(JobState.JOB_STATE_FAILED);
    expect(done.error).toBeUndefined();
    expect(done.completionStats).toBeUndefined();
    const operation = await rawOperation(emulator.url, job.name!);
    expect(operation.done).toBe(true);
    expect(operation.error).toMatchObject({ code: 13 });
    expect(operation.response).toBeUndefined();
  });

  it('cancels a running job: state CANCELLED through the SDK; REST has error code 1, no response, counts that add up', async () => {
    const clock = createManualClock();
    const slow = await startEmulator({ apiKey: API_KEY, clock, pendingMs: 100, jobDurationMs: 1000 });
    try {
      const client = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: slow.url } });
      const job = await client.batches.create({ model: 'gemini-2.5-flash', src: Array.from({ length: 10 }, (_, index) => ({ contents: `q${index}`, metadata: { key: `c-${index}` } })) });
      clock.advance(100 + 400);
      expect((await client.batches.get({ name: job.name! })).state).toBe(JobState.JOB_STATE_RUNNING);
      await client.batches.cancel({ name: job.name! });
      const cancelled = await client.batches.get({ name: job.name! });
      expect(cancelled.state).toBe(JobState.JOB_STATE_CANCELLED);
      expect(cancelled.error).toBeUndefined();
      expect(cancelled.dest?.inlinedResponses?.map((item) => item.metadata?.['key'])).toEqual(['c-0', 'c-1', 'c-2', 'c-3']);
      const operation = await rawOperation(slow.url, job.name!);
      expect(operation.error).toEqual({ code: 1, message: 'Batch job was cancelled.' });
      expect(operation.response).toBeUndefined();
      expect(operation.metadata.batchStats).toEqual({ requestCount: '10', successfulRequestCount: '4', pendingRequestCount: '6' });
    } finally {
      await slow.close();
    }
  });
});

describe('generation options in a batch (DOC-ref GenerationConfig, ThinkingConfig, FunctionCallingConfig)', () => {
  it('returns candidateCount candidates, thought parts with includeThoughts, and a functionCall under mode ANY', async () => {
    const job = await ai.batches.create({
      model: 'gemini-2.5-flash',
      src: [
        { contents: 'Name a soil nutrient.', config: { candidateCount: 2 }, metadata: { key: 'two' } },
        { contents: 'Name a soil nutrient.', config: { thinkingConfig: { includeThoughts: true } }, metadata: { key: 'thoughts' } },
        {
          contents: 'Record that soil K rose 12 mg/kg in plot B.',
          config: {
            tools: [{ functionDeclarations: [{ name: 'record', parameters: { type: Type.OBJECT, properties: { plot: { type: Type.STRING } }, required: ['plot'] } }] }],
            toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
          },
          metadata: { key: 'call' },
        },
      ],
    });
    const done = await waitForEnd(ai, job.name!);
    const [two, thoughts, call] = (done.dest?.inlinedResponses ?? []).map((item) => item.response);
    expect(two?.candidates?.map((candidate) => candidate.index)).toEqual([0, 1]);
    expect(thoughts?.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    expect(thoughts?.candidates?.[0]?.content?.parts?.map((part) => part.thought === true)).toEqual([true, false]);
    expect(call?.candidates?.[0]?.content?.parts?.[0]?.functionCall).toMatchObject({ name: 'record', args: { plot: expect.any(String) } });
  });

  it('refuses a thinking budget of 0 on gemini-2.5-pro with 400 through generateContent', async () => {
    const { status, error } = await refusal(ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }));
    expect(status).toBe(400);
    expect(error.message).toBe('Budget 0 is invalid. This model only works in thinking mode.');
  });
});

describe('batches.createEmbeddings exists in 2.32 and sends what 3.3 sends (spec §3.2 "Embeddings", Part D.4)', () => {
  it('embeds inline contents into dest.inlinedEmbedContentResponses and a file into a downloadable result file', async () => {
    const inline = await ai.batches.createEmbeddings({
      model: 'gemini-embedding-001',
      src: { inlinedRequests: { contents: ['first text', 'second text'], config: { outputDimensionality: 5, taskType: 'CLUSTERING' } } },
    });
    const inlineDone = await waitForEnd(ai, inline.name!);
    expect(inlineDone.dest?.inlinedEmbedContentResponses?.map((item) => item.response?.embedding?.values?.length)).toEqual([5, 5]);
    expect(inlineDone.dest?.inlinedResponses).toBeUndefined();

    const path = writeJsonl(temp.dir, 'embed.jsonl', [
      JSON.stringify({ key: 'e', request: { content: { parts: [{ text: 'soil carbon' }] }, output_dimensionality: 8 } }),
    ]);
    const file = await ai.files.upload({ file: path, config: { mimeType: 'application/json' } });
    const fromFile = await ai.batches.createEmbeddings({ model: 'gemini-embedding-001', src: { fileName: file.name! } });
    const fileDone = await waitForEnd(ai, fromFile.name!);
    const out = `${temp.dir}/embed.out.jsonl`;
    await ai.files.download({ file: fileDone.dest!.fileName!, downloadPath: out });
    const [row] = await readJsonlFile(out);
    expect(row?.['key']).toBe('e');
    expect((row?.['response'] as { embedding: { values: number[] } }).embedding.values).toHaveLength(8);
  });
});
