import { join } from 'node:path';
import { ApiError, JobState, Type, type BatchJob, type GroundingMetadata } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { readJsonlFile, sdkEmulatorPerFile, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-grounding-key';
const sdk = sdkEmulatorPerFile(API_KEY);

interface Candidate {
  content: { parts: { text: string }[] };
  groundingMetadata?: GroundingMetadata;
  urlContextMetadata?: { urlMetadata: { retrievedUrl: string; urlRetrievalStatus: string }[] };
}
interface Line {
  key: string;
  response?: { candidates: Candidate[] };
  error?: { code: number; message: string };
}

async function runFileBatch(model: string, lines: object[], name: string): Promise<Map<string, Line>> {
  const file = await sdk.ai.files.upload({ file: writeJsonl(sdk.temp.dir, `${name}.jsonl`, lines.map((line) => JSON.stringify(line))), config: { mimeType: 'jsonl' } });
  const job = await sdk.ai.batches.create({ model, src: file.name! });
  let done: BatchJob = job;
  for (let attempt = 0; attempt < 1000 && done.state !== JobState.JOB_STATE_SUCCEEDED; attempt++) done = await sdk.ai.batches.get({ name: job.name! });
  const out = join(sdk.temp.dir, `${name}.out.jsonl`);
  await sdk.ai.files.download({ file: done.dest!.fileName!, downloadPath: out });
  return new Map((await readJsonlFile(out)).map((line) => [line['key'] as string, line as unknown as Line]));
}

/** Checks every support's segment against the answer's UTF-8 bytes and every chunk index against the chunks. */
function expectSupportsPointIntoAnswer(answer: string, metadata: GroundingMetadata): void {
  const bytes = Buffer.from(answer, 'utf8');
  expect(metadata.groundingSupports?.length).toBeGreaterThan(0);
  for (const support of metadata.groundingSupports ?? []) {
    const { startIndex, endIndex, text } = support.segment!;
    expect(bytes.subarray(startIndex ?? 0, endIndex).toString('utf8')).toBe(text);
    for (const index of support.groundingChunkIndices ?? []) expect(index).toBeLessThan(metadata.groundingChunks!.length);
  }
}

const SOURCE = 'Bodenprobe aus Göttingen: austauschbares Kalium 0.42 cmol/kg. The soil is a Luvisol. Measured in 2019.';
const ask = (text: string, extra: object = {}): object => ({ contents: [{ role: 'user', parts: [{ text }] }], ...extra });

describe('Google Search grounding and URL context (official SDK, real HTTP)', () => {
  it('grounds batch answers with stable queries, chunks under grounding.example and supports that point into the answer', async () => {
    const question = `${SOURCE} What is the DOI of the paper on this Luvisol?`;
    const results = await runFileBatch(
      'gemini-2.5-flash',
      [
        { key: 'search', request: ask(question, { tools: [{ googleSearch: {} }] }) },
        { key: 'snake', request: ask(question, { tools: [{ google_search: {} }] }) },
        { key: 'plain', request: ask(question) },
        { key: 'json', request: ask(question, { tools: [{ googleSearch: {} }], generationConfig: { responseMimeType: 'application/json' } }) },
      ],
      'grounded',
    );
    const candidate = results.get('search')!.response!.candidates[0]!;
    const metadata = candidate.groundingMetadata!;
    expect(metadata.webSearchQueries).toEqual(['doi paper luvisol', 'bodenprobe aus göttingen austauschbares kalium 0.42 cmol kg']);
    expect(metadata.groundingChunks!.length).toBeGreaterThanOrEqual(2);
    for (const chunk of metadata.groundingChunks!) {
      expect(chunk.web!.uri).toMatch(/^https:\/\/grounding\.example\/grounding-api-redirect\/[0-9a-f]{32}$/);
      expect(chunk.web!.title).toMatch(/\.example$/);
    }
    expect(metadata.searchEntryPoint?.renderedContent).toContain('<div');
    expectSupportsPointIntoAnswer(candidate.content.parts[0]!.text, metadata);
    expect(results.get('snake')!.response!.candidates[0]!.groundingMetadata).toEqual(metadata);
    expect(results.get('plain')!.response!.candidates[0]!.groundingMetadata).toBeUndefined();
    expect(results.get('json')!.error).toEqual({ code: 400, message: "Tool use with a response mime type: 'application/json' is unsupported" });
  });

  it('lets Gemini 3 combine search with a response schema, the supports pointing into the JSON text', async () => {
    const answer = await sdk.ai.models.generateContent({
      model: 'gemini-3-flash-preview',
      contents: `${SOURCE} Give the soil type and the potassium value.`,
      config: {
        tools: [{ googleSearch: {} }],
        responseMimeType: 'application/json',
        responseSchema: { type: Type.OBJECT, properties: { soilType: { type: Type.STRING }, potassium: { type: Type.NUMBER } }, required: ['soilType', 'potassium'] },
      },
    });
    const text = answer.candidates![0]!.content!.parts![0]!.text!;
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['potassium', 'soilType']);
    expectSupportsPointIntoAnswer(text, answer.candidates![0]!.groundingMetadata!);
  });

  it('refuses search with a JSON answer on 2.5 in generateContent too', async () => {
    const call = sdk.ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'What is a Luvisol?',
      config: { tools: [{ googleSearch: {} }], responseMimeType: 'application/json' },
    });
    const error = await call.then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toContain("Tool use with a response mime type: 'application/json' is unsupported");
  });

  it('reports every URL of the prompt in urlContextMetadata with URL context', async () => {
    const answer = await sdk.ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Compare https://soils.example/luvisol and https://soils.example/cambisol?lang=en. Which is richer in potassium?',
      config: { tools: [{ urlContext: {} }] },
    });
    expect(answer.candidates![0]!.urlContextMetadata).toEqual({
      urlMetadata: [
        { retrievedUrl: 'https://soils.example/luvisol', urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS' },
        { retrievedUrl: 'https://soils.example/cambisol?lang=en', urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS' },
      ],
    });
    expect(answer.candidates![0]!.groundingMetadata).toBeUndefined();
  });
});
