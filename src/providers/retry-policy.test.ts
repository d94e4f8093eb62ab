import { describe, expect, it } from 'vitest';
import { ProviderError, createRng, type Clock } from '../shared/index.ts';
import { retryDelay, withRetries, type RetryEvent, type RetryPolicy } from './retry-policy.ts';

/** A clock whose sleeps return at once and are recorded, so backoff is checked without waiting. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => 0, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) };
}

const policy: RetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 250 };
const transient = (retryAfterMs?: number) =>
  new ProviderError('test', 'HTTP 503', { status: 503, isRetryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

/** A call failing with `failures` one after another, then answering `ok`. */
function failing(failures: Error[]): { call: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    call: () => {
      const failure = failures[calls++];
      return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
    },
  };
}

describe('retryDelay', () => {
  it('draws full jitter below a ceiling that doubles per retry and stops at maxDelayMs', () => {
    const rng = createRng('jitter');
    for (let draw = 0; draw < 500; draw++) {
      for (const [retry, ceiling] of [[1, 100], [2, 200], [3, 250], [9, 250]] as const) {
        const delay = retryDelay(policy, retry, () => rng.next());
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
    expect(retryDelay(policy, 2, () => 0)).toBe(0);
    expect(retryDelay(policy, 2, () => 0.999_999)).toBe(199);
  });

  it("uses the provider's hint instead, even above maxDelayMs", () => {
    expect(retryDelay(policy, 1, () => 0.5, 7000)).toBe(7000);
    expect(retryDelay(policy, 3, () => 0.5, 0)).toBe(0);
  });
});

describe('withRetries', () => {
  it('retries transient failures and returns the first success, telling each retry with its status', async () => {
    const clock = recordingClock();
    const events: RetryEvent[] = [];
    const network = new ProviderError('test', 'network error', { isRetryable: true });
    const script = failing([transient(), network, transient()]);
    const value = await withRetries('getJob', { policy, clock, random: () => 0.5, onRetry: (event) => events.push(event) }, script.call);
    expect(value).toBe('ok');
    expect(script.calls()).toBe(4);
    expect(clock.sleeps).toEqual([50, 100, 125]);
    expect(events).toEqual([
      { endpoint: 'getJob', status: '503', delayMs: 50 },
      { endpoint: 'getJob', status: 'network', delayMs: 100 },
      { endpoint: 'getJob', status: '503', delayMs: 125 },
    ]);
  });

  it('waits what Retry-After or RetryInfo asked for rather than its own backoff', async () => {
    const clock = recordingClock();
    const script = failing([transient(4000), transient()]);
    await withRetries('downloadResults', { policy, clock, random: () => 0.5 }, script.call);
    expect(clock.sleeps).toEqual([4000, 100]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const clock = recordingClock();
    const script = failing([transient(), transient(), transient(), transient(), transient()]);
    await expect(withRetries('getJob', { policy, clock, random: () => 0 }, script.call)).rejects.toMatchObject({ status: 503 });
    expect(script.calls()).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('does not retry a permanent failure or an error that is not the provider’s', async () => {
    for (const permanent of [new ProviderError('test', 'HTTP 400', { status: 400, isRetryable: false }), new TypeError('bug')]) {
      const clock = recordingClock();
      const script = failing([permanent]);
      await expect(withRetries('getJob', { policy, clock, random: () => 0 }, script.call)).rejects.toBe(permanent);
      expect(script.calls()).toBe(1);
      expect(clock.sleeps).toEqual([]);
    }
  });
});
