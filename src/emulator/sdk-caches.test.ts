import { ApiError, GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import { makeTempDir } from './test-support.ts';

const API_KEY = 'sdk-caches-test-key';
const running: RunningEmulator[] = [];
const temps: { remove: () => Promise<void> }[] = [];

afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
  for (const temp of temps.splice(0)) await temp.remove();
});

async function start(clock: ManualClock, storage?: { storageDir: string; persist: boolean }): Promise<{ emulator: RunningEmulator; ai: GoogleGenAI }> {
  const emulator = await startEmulator({ apiKey: API_KEY, clock, jobDurationMs: 0, pendingMs: 0, ...storage });
  running.push(emulator);
  return { emulator, ai: new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: emulator.url } }) };
}

/** A text of exactly `tokens` simulated tokens (4 ASCII bytes each). */
function textOfTokens(tokens: number): string {
  const sentence = 'Exchangeable potassium is extracted with 1 M ammonium acetate at pH 7. ';
  return sentence.repeat(Math.ceil((tokens * 4) / sentence.length)).slice(0, tokens * 4);
}

async function apiError(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('cachedContents through the official SDK', () => {
  it('creates, gets, extends and deletes a cache, with usageMetadata and times on the clock', async () => {
    const clock = createManualClock();
    const { emulator, ai } = await start(clock);
    const created = await ai.caches.create({
      model: 'gemini-2.5-flash',
      config: { contents: [{ role: 'user', parts: [{ text: textOfTokens(1500) }] }], systemInstruction: 'Answer from the codebook.', displayName: 'codebook', ttl: '600s' },
    });
    expect(created.name).toMatch(/^cachedContents\/[a-z0-9]{12}$/);
    expect(created).toMatchObject({
      displayName: 'codebook',
      model: 'models/gemini-2.5-flash',
      createTime: '2026-01-01T00:00:00.000000000Z',
      expireTime: '2026-01-01T00:10:00.000000000Z',
      usageMetadata: { totalTokenCount: 1500 + 7 },
    });
    expect(await ai.caches.get({ name: created.name! })).toEqual(created);

    clock.advance(60_000);
    const extended = await ai.caches.update({ name: created.name!, config: { ttl: '3600s' } });
    expect(extended).toMatchObject({ updateTime: '2026-01-01T00:01:00.000000000Z', expireTime: '2026-01-01T01:01:00.000000000Z' });
    const moved = await ai.caches.update({ name: created.name!, config: { expireTime: '2026-01-02T00:00:00Z' } });
    expect(moved.expireTime).toBe('2026-01-02T00:00:00.000000000Z');

    expect(emulator.stats()).toMatchObject({ cachesCreated: 1, cachesLive: 1, cachesDeleted: 0 });
    await ai.caches.delete({ name: created.name! });
    expect((await apiError(ai.caches.get({ name: created.name! }))).status).toBe(404);
    expect(emulator.stats()).toMatchObject({ cachesCreated: 1, cachesLive: 0, cachesDeleted: 1 });
  });

  it('lists caches newest first in pages, and an expired cache is gone from get and list', async () => {
    const clock = createManualClock();
    const { emulator, ai } = await start(clock);
    const names: string[] = [];
    for (let index = 0; index < 5; index++) {
      const ttl = index === 0 ? '60s' : '3600s';
      const cache = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1024), displayName: `c${index}`, ttl } });
      names.push(cache.name!);
    }
    const first = await ai.caches.list({ config: { pageSize: 2 } });
    expect(first.page.map((cache) => cache.displayName)).toEqual(['c4', 'c3']);
    const seen: string[] = [];
    for await (const cache of await ai.caches.list({ config: { pageSize: 2 } })) seen.push(cache.name!);
    expect(seen).toEqual([...names].reverse());

    clock.advance(60_000);
    expect((await apiError(ai.caches.get({ name: names[0]! }))).status).toBe(404);
    expect((await apiError(ai.caches.update({ name: names[0]!, config: { ttl: '60s' } }))).status).toBe(404);
    const after: string[] = [];
    for await (const cache of await ai.caches.list({ config: { pageSize: 3 } })) after.push(cache.name!);
    expect(after).toEqual(names.slice(1).reverse());
    expect(emulator.stats()).toMatchObject({ cachesCreated: 5, cachesExpired: 1, cachesLive: 4 });
  });

  it('refuses a cache under the model minimum with the real error, and bad expiries precisely', async () => {
    const { ai } = await start(createManualClock());
    const small = await apiError(ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1023) } }));
    expect(small.status).toBe(400);
    expect(small.message).toContain('Cached content is too small. total_token_count=1023, min_total_token_count=1024');
    const pro = await apiError(ai.caches.create({ model: 'gemini-2.5-pro', config: { contents: textOfTokens(2000) } }));
    expect(pro.message).toContain('total_token_count=2000, min_total_token_count=4096');
    expect((await ai.caches.create({ model: 'gemini-2.5-pro', config: { contents: textOfTokens(4096) } })).usageMetadata?.totalTokenCount).toBe(4096);

    const both = await apiError(ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1024), ttl: '60s', expireTime: '2027-01-01T00:00:00Z' } }));
    expect(both.message).toContain('either ttl or expireTime');
    const badTtl = await apiError(ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1024), ttl: '1 hour' } }));
    expect(badTtl.message).toContain('cachedContent.ttl');
    const past = await apiError(ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1024), expireTime: '2025-01-01T00:00:00Z' } }));
    expect(past.message).toContain('not in the future');
  });

  it('defaults the TTL to one hour and keeps caches across a restart over the same folder', async () => {
    const clock = createManualClock();
    const temp = makeTempDir();
    temps.push(temp);
    const first = await start(clock, { storageDir: temp.dir, persist: true });
    const kept = await first.ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1100), displayName: 'kept' } });
    expect(kept.expireTime).toBe('2026-01-01T01:00:00.000000000Z');
    const short = await first.ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1100), ttl: '30s' } });
    await first.emulator.close();
    running.splice(running.indexOf(first.emulator), 1);

    clock.advance(31_000);
    const second = await start(clock, { storageDir: temp.dir, persist: true });
    expect(await second.ai.caches.get({ name: kept.name! })).toEqual(kept);
    expect((await apiError(second.ai.caches.get({ name: short.name! }))).status).toBe(404);
    const another = await second.ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1100) } });
    expect(another.name).not.toBe(kept.name);
  });

  it('answers generateContent with a cache, and refuses it once the cache expired', async () => {
    const clock = createManualClock();
    const { ai } = await start(clock);
    const cache = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: textOfTokens(1200), ttl: '60s' } });
    const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Which extractant?', config: { cachedContent: cache.name! } });
    expect(answer.usageMetadata).toMatchObject({ promptTokenCount: 1200 + 5, cachedContentTokenCount: 1200 });
    clock.advance(60_000);
    const gone = await apiError(ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Which extractant?', config: { cachedContent: cache.name! } }));
    expect(gone.status).toBe(403);
    expect(gone.message).toContain('CachedContent not found (or permission denied)');
  });
});
