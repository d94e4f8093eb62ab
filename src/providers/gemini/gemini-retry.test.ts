import { describe, expect, it } from 'vitest';
import { ProviderError, type Clock } from '../../shared/index.ts';
import { retryingRead } from './gemini-retry.ts';

/** A clock whose sleeps return at once and are recorded, so backoff is checked without waiting. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => 0, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) };
}

const transient = () => new ProviderError('gemini', 'HTTP 503', { status: 503, isRetryable: true });
const policy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 250 };

describe('retryingRead', () => {
  it('retries retryable failures with doubling, capped waits, and returns the first success', async () => {
    const clock = recordingClock();
    let calls = 0;
    const value = await retryingRead(policy, clock, () => {
      calls++;
      return calls < 4 ? Promise.reject(transient()) : Promise.resolve('ok');
    });
    expect(value).toBe('ok');
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 250]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const clock = recordingClock();
    let calls = 0;
    await expect(
      retryingRead({ ...policy, attempts: 2 }, clock, () => {
        calls++;
        return Promise.reject(transient());
      }),
    ).rejects.toMatchObject({ status: 503, isRetryable: true });
    expect(calls).toBe(2);
  });

  it('does not retry a permanent failure', async () => {
    const clock = recordingClock();
    let calls = 0;
    await expect(
      retryingRead(policy, clock, () => {
        calls++;
        return Promise.reject(new ProviderError('gemini', 'HTTP 404', { status: 404, isRetryable: false }));
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});
