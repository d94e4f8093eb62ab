import { join } from 'node:path';
import { type BatchJob } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { readJsonlFile, sdkEmulatorPerFile, writeJsonl } from './test-support.ts';

// Batch embeddings (spec §3.2 "Embeddings", Part D.4): `batches.createEmbeddings` posts to
// `models/{m}:asyncBatchEmbedContent`; file lines are `{"key","request":{"content":{parts},"output_dimensionality":N}}`
// and result lines `{"key","response":{"tokenCount","embedding":{"values"}}}`.
const API_KEY = 'sdk-embeddings-test-key';
const TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED'];
const sdk = sdkEmulatorPerFile(API_KEY);

async function waitForEnd(name: string): Promise<BatchJob> {
  let job = await sdk.ai.batches.get({ name });
  for (let attempt = 0; attempt < 1000 && !TERMINAL.includes(job.state ?? ''); attempt++) {
    await new Promise((resolve) => setImmediate(resolve));
    job = await sdk.ai.batches.get({ name });
  }
  return job;
}

function lines(...values: unknown[]): string[] {
  return values.map((value) => JSON.stringify(value));
}

function norm(values: number[]): number {
  return Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
}

describe('batch embeddings through the official SDK', () => {
  it('embeds an uploaded file: snake_case and camelCase lines, one {key, response} line each, downloadable', async () => {
    const path = writeJsonl(sdk.temp.dir, 'embed.jsonl', lines(
      { key: 'a', request: { content: { parts: [{ text: 'soil carbon under no-till maize' }] }, output_dimensionality: 8 } },
      { key: 'b', request: { content: { parts: [{ text: 'nitrogen leaching' }] }, outputDimensionality: 16, taskType: 'RETRIEVAL_DOCUMENT' } },
      { key: 'c', request: { content: { parts: [{ text: 'default size' }] } } },
    ));
    const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'application/json' } });
    const created = await sdk.ai.batches.createEmbeddings({ model: 'gemini-embedding-001', src: { fileName: file.name! }, config: { displayName: 'embed-file' } });
    expect(created).toMatchObject({ state: 'JOB_STATE_PENDING', displayName: 'embed-file', model: 'models/gemini-embedding-001' });

    const done = await waitForEnd(created.name!);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    expect(done.dest?.fileName).toBe(`files/batch-${created.name!.slice('batches/'.length)}`);
    const out = join(sdk.temp.dir, 'embed.out.jsonl');
    await sdk.ai.files.download({ file: done.dest!.fileName!, downloadPath: out });
    const results = await readJsonlFile(out);
    expect(results.map((line) => line['key'])).toEqual(['a', 'b', 'c']);
    const responses = results.map((line) => line['response'] as { tokenCount: string; embedding: { values: number[] } });
    // gemini-embedding-001 gives 3072 values unless told otherwise.
    expect(responses.map((response) => response.embedding.values.length)).toEqual([8, 16, 3072]);
    for (const response of responses) {
      expect(Object.keys(response).sort()).toEqual(['embedding', 'tokenCount']);
      expect(response.tokenCount).toMatch(/^[1-9]\d*$/);
      expect(norm(response.embedding.values)).toBeCloseTo(1, 5);
    }
  });

  it('embeds inline contents and returns them as dest.inlinedEmbedContentResponses', async () => {
    const created = await sdk.ai.batches.createEmbeddings({
      model: 'gemini-embedding-001',
      src: { inlinedRequests: { contents: ['first text', 'second text'], config: { outputDimensionality: 5, taskType: 'CLUSTERING' } } },
    });
    const done = await waitForEnd(created.name!);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    const responses = done.dest?.inlinedEmbedContentResponses ?? [];
    expect(responses).toHaveLength(2);
    for (const item of responses) {
      expect(item.response?.embedding?.values).toHaveLength(5);
      expect(Number(item.response?.tokenCount)).toBeGreaterThan(0);
    }
    expect(done.dest?.inlinedResponses).toBeUndefined();
  });

  it('gives texts that share most words nearer vectors than unrelated texts (cosine), at the default 3072 values', async () => {
    const created = await sdk.ai.batches.createEmbeddings({
      model: 'gemini-embedding-001',
      src: {
        inlinedRequests: {
          contents: [
            'Exchangeable potassium rose after potash fertiliser on the clay loam',
            'Exchangeable potassium fell after potash fertiliser on the sandy loam',
            'The orchestra rehearsed a new symphony in the concert hall',
          ],
        },
      },
    });
    const done = await waitForEnd(created.name!);
    const [base = [], similar = [], unrelated = []] = (done.dest?.inlinedEmbedContentResponses ?? []).map((item) => item.response?.embedding?.values ?? []);
    expect(base).toHaveLength(3072);
    const cosine = (a: number[], b: number[]): number => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
    expect(cosine(base, similar)).toBeGreaterThan(0.5);
    expect(cosine(base, unrelated)).toBeLessThan(0.2);
  });

  it('names the job an EmbedContentBatch on the wire and refuses a bad dimension line by line', async () => {
    const path = writeJsonl(sdk.temp.dir, 'embed-bad.jsonl', lines(
      { key: 'ok', request: { content: { parts: [{ text: 'fine' }] }, output_dimensionality: 4 } },
      { key: 'too-big', request: { content: { parts: [{ text: 'too big' }] }, output_dimensionality: 4096 } },
    ));
    const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'application/json' } });
    const created = await sdk.ai.batches.createEmbeddings({ model: 'gemini-embedding-001', src: { fileName: file.name! } });
    const done = await waitForEnd(created.name!);
    const raw = await fetch(`${sdk.emulator.url}/v1beta/${done.name!}`, { headers: { 'x-goog-api-key': API_KEY } });
    const operation = (await raw.json()) as { metadata: Record<string, unknown>; response: Record<string, unknown> };
    expect(operation.metadata['@type']).toBe('type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch');
    expect(operation.response['@type']).toBe('type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatchOutput');
    expect(operation.metadata['batchStats']).toEqual({ requestCount: '2', successfulRequestCount: '1', failedRequestCount: '1' });
    const out = join(sdk.temp.dir, 'embed-bad.out.jsonl');
    await sdk.ai.files.download({ file: done.dest!.fileName!, downloadPath: out });
    const [ok, bad] = await readJsonlFile(out);
    expect(ok?.['response']).toBeDefined();
    expect(bad).toMatchObject({ key: 'too-big', error: { code: 400 } });
    expect(JSON.stringify(bad)).toContain('outputDimensionality');
  });
});
