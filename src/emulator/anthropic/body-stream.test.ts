import { describe, expect, it } from 'vitest';
import { requestItemTexts } from './body-stream.ts';

/** `text` as UTF-8 chunks of `size` bytes (splitting multi-byte characters and escapes). */
function* chunksOf(text: string, size: number): Generator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function itemsOf(text: string, size = 7, maxBytes = 1_000_000): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of requestItemTexts(chunksOf(text, size), maxBytes, () => new Error('too large'))) items.push(JSON.parse(item));
  return items;
}

describe('requestItemTexts', () => {
  it('yields each item of requests whatever the chunking, with brackets, commas, escapes and UTF-8 inside strings', async () => {
    const requests = [
      { custom_id: 'a', params: { messages: [{ role: 'user', content: 'x ] } , { "y" \\ 👋 é' }], max_tokens: 5 } },
      { custom_id: 'b', params: { nested: [[1, 2], { deep: [] }], flag: true, none: null } },
      { custom_id: 'c', params: {} },
    ];
    const body = JSON.stringify({ requests }, null, 2);
    for (const size of [1, 2, 3, 7, 64, body.length]) expect(await itemsOf(body, size)).toEqual(requests);
    expect(await itemsOf('{"requests":[]}')).toEqual([]);
  });

  it('refuses what is not an object with one requests list, and a body over the limit', async () => {
    await expect(itemsOf('[1]')).rejects.toThrow('must be a JSON object');
    await expect(itemsOf('{}')).rejects.toThrow('requests: Field required');
    await expect(itemsOf('{"requests":[],"betas":[]}')).rejects.toThrow('betas: Extra inputs are not permitted');
    await expect(itemsOf('{"requests":{"a":1}}')).rejects.toThrow('requests: Input should be a valid list');
    await expect(itemsOf('{"requests":[{"custom_id":"a"},]}')).rejects.toThrow('an empty element');
    await expect(itemsOf('{"requests":[{"custom_id":"a"}')).rejects.toThrow('the body ends early');
    await expect(itemsOf('{"requests":[]} x')).rejects.toThrow('after the end of the body');
    await expect(itemsOf(JSON.stringify({ requests: [{ custom_id: 'a'.repeat(100) }] }), 16, 50)).rejects.toThrow('too large');
  });
});
