import { join } from 'node:path';
import { GoogleGenAI, JobState, type BatchJob } from '@google/genai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import { makeTempDir, readJsonlFile, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-cached-batches-key';
const CODEBOOK = 'Codebook. Exchangeable potassium is reported in cmol per kg after extraction with ammonium acetate. '.repeat(60);
const running: RunningEmulator[] = [];
const temp = makeTempDir();

afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
});
afterAll(() => temp.remove());

async function start(clock: ManualClock): Promise<GoogleGenAI> {
  const emulator = await startEmulator({ apiKey: API_KEY, clock, jobDurationMs: 0, pendingMs: 0 });
  running.push(emulator);
  return new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: emulator.url } });
}

async function waitForEnd(ai: GoogleGenAI, name: string): Promise<BatchJob> {
  let job = await ai.batches.get({ name });
  for (let attempt = 0; attempt < 1000 && job.state !== JobState.JOB_STATE_SUCCEEDED && job.state !== JobState.JOB_STATE_FAILED; attempt++) {
    job = await ai.batches.get({ name });
  }
  return job;
}

type Line = { key: string; response?: { usageMetadata: Record<string, number>; candidates: { content: { parts: { text: string }[] } }[] }; error?: { code: number; message: string } };

async function runFileBatch(ai: GoogleGenAI, lines: object[], name: string, beforeRun: () => void = () => undefined): Promise<Map<string, Line>> {
  const file = await ai.files.upload({ file: writeJsonl(temp.dir, `${name}.jsonl`, lines.map((line) => JSON.stringify(line))), config: { mimeType: 'jsonl' } });
  const job = await ai.batches.create({ model: 'gemini-2.5-flash', src: file.name!, config: { displayName: name } });
  beforeRun();
  const done = await waitForEnd(ai, job.name!);
  expect(done.state).toBe('JOB_STATE_SUCCEEDED');
  const out = join(temp.dir, `${name}.out.jsonl`);
  await ai.files.download({ file: done.dest!.fileName!, downloadPath: out });
  return new Map((await readJsonlFile(out)).map((line) => [line['key'] as string, line as unknown as Line]));
}

const question = (text: string): object => ({ contents: [{ role: 'user', parts: [{ text }] }] });

describe('batch lines that name a context cache (official SDK, real HTTP)', () => {
  it('answers as if the cached contents came first and reports the cached tokens in usage', async () => {
    const ai = await start(createManualClock());
    const cache = await ai.caches.create({
      model: 'gemini-2.5-flash',
      config: { contents: [{ role: 'user', parts: [{ text: CODEBOOK }] }], systemInstruction: 'Use the codebook.', ttl: '3600s' },
    });
    const cachedTokens = cache.usageMetadata!.totalTokenCount!;
    const ask = 'Which extractant is used for exchangeable potassium?';
    const results = await runFileBatch(
      ai,
      [
        { key: 'cached', request: { ...question(ask), cachedContent: cache.name } },
        { key: 'snake', request: { ...question(ask), cached_content: cache.name } },
        { key: 'inlined', request: { contents: [{ role: 'user', parts: [{ text: CODEBOOK }] }, { role: 'user', parts: [{ text: ask }] }], systemInstruction: { parts: [{ text: 'Use the codebook.' }] } } },
        { key: 'plain', request: question(ask) },
      ],
      'cached',
    );
    const cached = results.get('cached')!.response!;
    const inlined = results.get('inlined')!.response!;
    expect(cached.candidates).toEqual(inlined.candidates);
    expect(cached.candidates[0]!.content.parts[0]!.text).toContain('ammonium acetate');
    expect(cached.usageMetadata['cachedContentTokenCount']).toBe(cachedTokens);
    expect(cached.usageMetadata['promptTokenCount']).toBe(inlined.usageMetadata['promptTokenCount']);
    expect(cached.usageMetadata['promptTokenCount']).toBe(cachedTokens + Math.ceil(ask.length / 4));
    expect(results.get('snake')!.response!.usageMetadata['cachedContentTokenCount']).toBe(cachedTokens);
    expect(inlined.usageMetadata['cachedContentTokenCount']).toBeUndefined();
    expect(results.get('plain')!.response!.usageMetadata['cachedContentTokenCount']).toBeUndefined();
  });

  it('fails only the lines whose cache expired before the job ran, with the real status', async () => {
    const clock = createManualClock();
    const ai = await start(clock);
    const short = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: CODEBOOK, ttl: '60s' } });
    const long = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: CODEBOOK, ttl: '7200s' } });
    const results = await runFileBatch(
      ai,
      [
        { key: 'expired-0', request: { ...question('a?'), cachedContent: short.name } },
        { key: 'alive', request: { ...question('b?'), cachedContent: long.name } },
        { key: 'expired-1', request: { ...question('c?'), cachedContent: short.name } },
        { key: 'plain', request: question('d?') },
      ],
      'expiry',
      () => clock.advance(61_000),
    );
    for (const key of ['expired-0', 'expired-1']) {
      expect(results.get(key)!.error).toEqual({ code: 403, message: `CachedContent not found (or permission denied): ${short.name}` });
    }
    expect(results.get('alive')!.response!.usageMetadata['cachedContentTokenCount']).toBe(long.usageMetadata!.totalTokenCount);
    expect(results.get('plain')!.response).toBeDefined();
  });

  it('refuses a line that also sets systemInstruction, tools or toolConfig, or names another model’s cache', async () => {
    const ai = await start(createManualClock());
    const cache = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: CODEBOOK } });
    const pro = await ai.caches.create({ model: 'gemini-2.5-pro', config: { contents: CODEBOOK.repeat(4) } });
    const results = await runFileBatch(
      ai,
      [
        { key: 'system', request: { ...question('x'), cachedContent: cache.name, systemInstruction: { parts: [{ text: 'no' }] } } },
        { key: 'tools', request: { ...question('x'), cachedContent: cache.name, tools: [{ googleSearch: {} }] } },
        { key: 'other-model', request: { ...question('x'), cachedContent: pro.name } },
        { key: 'unknown', request: { ...question('x'), cachedContent: 'cachedContents/nosuchcache1' } },
      ],
      'refused',
    );
    const refusal = 'Tool config, tools and system instruction should not be set in the request when using cached content.';
    expect(results.get('system')!.error).toEqual({ code: 400, message: refusal });
    expect(results.get('tools')!.error).toEqual({ code: 400, message: refusal });
    expect(results.get('other-model')!.error).toEqual({
      code: 400,
      message: `Model used by GenerateContent request (models/gemini-2.5-flash) and CachedContent (models/gemini-2.5-pro) has to be the same.`,
    });
    expect(results.get('unknown')!.error?.code).toBe(403);
  });

  it('takes cachedContent in an inline batch built by the SDK', async () => {
    const ai = await start(createManualClock());
    const cache = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: CODEBOOK } });
    const job = await ai.batches.create({
      model: 'gemini-2.5-flash',
      src: [{ contents: 'Which extractant?', config: { cachedContent: cache.name! }, metadata: { key: 'inline' } }],
    });
    const done = await waitForEnd(ai, job.name!);
    const response = done.dest?.inlinedResponses?.[0]?.response;
    expect(response?.usageMetadata?.cachedContentTokenCount).toBe(cache.usageMetadata!.totalTokenCount);
  });
});
