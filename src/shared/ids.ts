/**
 * @module Identifiers, hashes and seeded randomness: the only place that makes random values.
 */
import { createHash, randomBytes } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random lowercase alphanumeric id, the shape Google uses for file and batch ids. */
export function randomId(length = 12): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += LOWER_ALNUM[byte % LOWER_ALNUM.length];
  return id;
}

/** Hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A deterministic pseudo-random source (mulberry32), so seeded behaviour is reproducible. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  /** Picks one element; the array must not be empty. */
  pick<T>(items: readonly T[]): T;
}

/** Creates an {@link Rng} from a number or from any string (hashed), e.g. `${seed}:${key}`. */
export function createRng(seed: number | string): Rng {
  let state = typeof seed === 'number' ? seed >>> 0 : Number.parseInt(sha256Hex(seed).slice(0, 8), 16);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
}
