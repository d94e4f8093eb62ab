/**
 * @module List pagination: newest first, `pageSize` default 10 and at most 100, an opaque token that survives
 * deletions, and no `nextPageToken` at all on the last page (the SDK's pager loops while the key is present).
 */
import type { Context } from 'hono';
import { InputError } from '../shared/index.ts';

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

/** `pageSize` from the query: absent or ≤ 0 means 10, above 100 means 100, anything not an integer is a 400. */
export function readPageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^-?\d+$/.test(raw)) throw new InputError('pageSize', `must be an integer, got "${raw}"`);
  const size = Number(raw);
  if (size <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

function encodeToken(seq: number): string {
  return Buffer.from(`after:${seq}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (match?.[1] === undefined) throw new InputError('pageToken', `"${token}" is not a page token this server issued`);
  return Number(match[1]);
}

/** One page of `items` (any order in; newest first out) after `pageToken`. */
export function pageOf<T extends { seq: number }>(
  items: Iterable<T>,
  pageSize: number,
  pageToken: string | undefined,
): { page: T[]; nextPageToken: string | undefined } {
  const after = pageToken === undefined || pageToken === '' ? Infinity : decodeToken(pageToken);
  const remaining = [...items].filter((item) => item.seq < after).sort((a, b) => b.seq - a.seq);
  const page = remaining.slice(0, pageSize);
  const last = page.at(-1);
  return { page, nextPageToken: remaining.length > pageSize && last !== undefined ? encodeToken(last.seq) : undefined };
}

/** `pageSize` and `pageToken` of a list call, camelCase or snake_case. */
export function listQuery(c: Context): { pageSize: number; pageToken: string | undefined } {
  return {
    pageSize: readPageSize(c.req.query('pageSize') ?? c.req.query('page_size')),
    pageToken: c.req.query('pageToken') ?? c.req.query('page_token'),
  };
}
