/**
 * @module The simulated model's hashing: one-shot SHA-256 (`crypto.hash`, several times cheaper than a Hash object
 * for the short labels hashed on every line) and seeded generators built from it, equal to `createRng(label)`.
 */
import { hash } from 'node:crypto';
import { createRng, type Rng } from '../../shared/index.ts';

/** Hex SHA-256 of a string's UTF-8 bytes: the same as `sha256Hex(text)`. */
export function sha256HexOf(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The generator `createRng(label)` makes (seeded by the first 32 bits of the label's SHA-256), hashed once. */
export function rngFromLabel(label: string): Rng {
  return createRng(Number.parseInt(sha256HexOf(label).slice(0, 8), 16));
}
