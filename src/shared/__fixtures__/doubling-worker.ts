/** @module A worker for the WorkerBatches tests: doubles numbers, throws on a negative one, exits on 13. */
import { WorkerError } from '../errors.ts';
import { serveBatches } from '../worker-batches.ts';

serveBatches<number, number, { factor: number }>((items, data) =>
  items.map((n) => {
    if (n < 0) throw new WorkerError(`negative: ${n}`);
    if (n === 13) process.exit(3);
    return n * data.factor;
  }),
);
