import { describe, expect, it } from 'vitest';
import { createRng, sha256Hex } from '../../shared/index.ts';
import { rngFromLabel, sha256HexOf } from './seeding.ts';

describe('seeding', () => {
  it('hashes and seeds exactly like sha256Hex and createRng(label)', () => {
    for (const label of ['', '7:abc', 'ünïcødé 🚀', '0\u0000key\u00001\u0000alias']) {
      expect(sha256HexOf(label)).toBe(sha256Hex(label));
      const expected = createRng(label);
      const actual = rngFromLabel(label);
      expect(Array.from({ length: 5 }, () => actual.next())).toEqual(Array.from({ length: 5 }, () => expected.next()));
    }
  });
});
