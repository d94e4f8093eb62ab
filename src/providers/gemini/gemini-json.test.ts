import { describe, expect, it } from 'vitest';
import { camelCaseKeys } from './gemini-json.ts';

describe('camelCaseKeys', () => {
  it('renames snake_case keys at every depth and keeps values, arrays and special keys', () => {
    expect(
      camelCaseKeys({
        '@type': 't',
        batch_stats: { request_count: '3' },
        items: [{ finish_reason: 'STOP', text: 'a_b' }],
        _private: 1,
      }),
    ).toEqual({ '@type': 't', batchStats: { requestCount: '3' }, items: [{ finishReason: 'STOP', text: 'a_b' }], _private: 1 });
  });

  it('prefers the camelCase spelling when both are present', () => {
    expect(camelCaseKeys({ display_name: 'snake', displayName: 'camel' })).toEqual({ displayName: 'camel' });
    expect(camelCaseKeys({ displayName: 'camel', display_name: 'snake' })).toEqual({ displayName: 'camel' });
  });
});
