import { describe, expect, it } from 'vitest';
import { InputError } from '../shared/index.ts';
import { pageOf, readPageSize } from './pagination.ts';

const items = Array.from({ length: 5 }, (_, index) => ({ seq: index + 1 }));

describe('pagination', () => {
  it('defaults pageSize to 10 and caps it at 100', () => {
    expect(readPageSize(undefined)).toBe(10);
    expect(readPageSize('0')).toBe(10);
    expect(readPageSize('1000')).toBe(100);
    expect(() => readPageSize('2.5')).toThrow(InputError);
  });

  it('pages newest first and leaves nextPageToken out on the last page, even after a deletion', () => {
    const first = pageOf(items, 2, undefined);
    expect(first.page.map((item) => item.seq)).toEqual([5, 4]);
    const rest = items.filter((item) => item.seq !== 4);
    const second = pageOf(rest, 2, first.nextPageToken);
    expect(second.page.map((item) => item.seq)).toEqual([3, 2]);
    const last = pageOf(rest, 2, second.nextPageToken);
    expect(last.page.map((item) => item.seq)).toEqual([1]);
    expect(last.nextPageToken).toBeUndefined();
    expect(() => pageOf(items, 2, 'garbage')).toThrow(/pageToken/);
  });
});
