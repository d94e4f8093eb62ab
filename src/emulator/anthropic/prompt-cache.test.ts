import { describe, expect, it } from 'vitest';
import { CacheTrack, minimumCacheableTokens, usePromptCache } from './prompt-cache.ts';

describe('prompt cache', () => {
  it('covers the parts up to the last breakpoint, with its TTL', () => {
    const track = new CacheTrack();
    track.add({ text: 'tools' }, { cache_control: { type: 'ephemeral', ttl: '1h' } }, 'tools.0');
    track.add({ text: 'system' }, { cache_control: { type: 'ephemeral' } }, 'system.0');
    track.add({ text: 'question' }, {}, 'messages.0.content');
    const prefix = track.prefix('claude-sonnet-4-5');
    expect(prefix?.request).toEqual({ contents: [{ role: 'user', parts: [{ text: 'tools' }, { text: 'system' }] }] });
    expect(prefix?.ttl).toBe('5m');
    expect(new CacheTrack().prefix('claude-sonnet-4-5')).toBeUndefined();
    expect(() => new CacheTrack().add({ text: 'x' }, { cache_control: { type: 'persistent' } }, 'system.0')).toThrow('system.0.cache_control.type');
  });

  it('writes, reads while alive (refreshing it), and writes again once the TTL has passed', () => {
    const track = new CacheTrack();
    track.add({ text: 'x' }, { cache_control: { type: 'ephemeral' } }, 'system.0');
    const prefix = track.prefix('claude-sonnet-4-5');
    if (prefix === undefined) throw new Error('expected a prefix');
    const cache = new Map<string, number>();
    const minute = 60 * 1000;
    expect(usePromptCache(cache, prefix, 2000, 'claude-sonnet-4-5', 0)).toEqual({ written: 2000, read: 0, ttl: '5m' });
    expect(usePromptCache(cache, prefix, 2000, 'claude-sonnet-4-5', 4 * minute)).toEqual({ written: 0, read: 2000, ttl: '5m' });
    expect(usePromptCache(cache, prefix, 2000, 'claude-sonnet-4-5', 8 * minute)?.read).toBe(2000);
    expect(usePromptCache(cache, prefix, 2000, 'claude-sonnet-4-5', 14 * minute)?.written).toBe(2000);
    expect(usePromptCache(cache, prefix, 2000, 'claude-haiku-4-5', 15 * minute)).toBeUndefined();
    expect(minimumCacheableTokens('claude-opus-4-5-20251101')).toBe(4096);
    expect(minimumCacheableTokens('claude-3-5-haiku-latest')).toBe(2048);
  });
});
