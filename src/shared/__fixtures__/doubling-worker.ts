/**
 * @module A worker for the WorkerBatches tests: doubles numbers, throws on a negative one, exits on 13, and answers
 * a batch holding 100 only after a few turns of its event loop (an async handler).
 */
import { WorkerError } from '../errors.ts';
import { serveBatches } from '../worker-batches.ts';

function double(items: number[], factor: number): number[] {
  return items.map((n) => {
    if (n < 0) throw new WorkerError(`negative: ${n}`);
    if (n === 13) process.exit(3);
    return n * factor;
  });
}

serveBatches<number, number, { factor: number }>(async (items, data) => {
  if (!items.includes(100)) return double(items, data.factor);
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  return double(items, data.factor);
});
