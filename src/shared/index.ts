/** @module Cross-cutting helpers: clock, ids, errors, logging, JSONL streams, JSON text with positions, deep freezing, JSON objects. */
export * from './clock.ts';
export * from './ids.ts';
export * from './errors.ts';
export * from './logger.ts';
export * from './jsonl.ts';
export * from './worker-batches.ts';
export * from './line-reader.ts';
export * from './json-text.ts';
export * from './deep-freeze.ts';
export * from './json-object.ts';
