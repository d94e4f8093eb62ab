/** @module The int64 token counters of Gemini responses: a number, or the string proto3 JSON sends. */
import { z } from 'zod';

/** A token count as a number (strings like `"12"` are read too). */
export const tokenCountSchema = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+$/, 'expected a non-negative integer string').transform(Number),
]);
