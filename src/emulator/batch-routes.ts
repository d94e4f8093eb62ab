/**
 * @module Batches API: get, list (`operations`, paginated, no inline responses), `:cancel` and delete. Reading
 * a job advances it to the clock first. The create call lives with the model routes (`models/X:batchGenerateContent`).
 */
import { Hono, type Context } from 'hono';
import { NotFoundError } from '../shared/index.ts';
import { errorResponse } from './api-errors.ts';
import type { EndpointGuard } from './endpoint-guard.ts';
import { isTerminal, type BatchRecord, type EmulatorState } from './emulator-state.ts';
import type { JobRunner } from './job-runner.ts';
import { operationJson } from './operation-json.ts';
import { listQuery, pageOf } from './pagination.ts';
import { isApiVersion } from './public-urls.ts';

function findBatch(state: EmulatorState, id: string): BatchRecord {
  const batch = state.batches.get(id);
  if (batch === undefined) throw new NotFoundError(`Batch batches/${id} does not exist.`);
  return batch;
}

function parseSpec(c: Context): { id: string; verb: string | undefined } | undefined {
  if (!isApiVersion(c.req.param('version') ?? '')) return undefined;
  const spec = c.req.param('spec') ?? '';
  const colon = spec.indexOf(':');
  return colon < 0 ? { id: spec, verb: undefined } : { id: spec.slice(0, colon), verb: spec.slice(colon + 1) };
}

function notFound(c: Context): Response {
  return errorResponse(404, `The emulator has no endpoint for ${c.req.method} ${c.req.path}.`);
}

/** The `/{v}/batches…` routes. */
export function batchRoutes(state: EmulatorState, runner: JobRunner, guard: EndpointGuard): Hono {
  const app = new Hono();

  app.get('/:version/batches', (c) => {
    if (!isApiVersion(c.req.param('version'))) return notFound(c);
    return guard(c, 'batches.list', async () => {
      const { pageSize, pageToken } = listQuery(c);
      for (const batch of [...state.batches.values()]) if (!isTerminal(batch.state)) await runner.observe(batch);
      const { page, nextPageToken } = pageOf(state.batches.values(), pageSize, pageToken);
      return c.json({
        ...(page.length === 0 ? {} : { operations: page.map((batch) => operationJson(batch, { includeInlineResponses: false })) }),
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      });
    });
  });

  app.get('/:version/batches/:spec', (c) => {
    const spec = parseSpec(c);
    if (spec === undefined || spec.verb !== undefined) return notFound(c);
    return guard(c, 'batches.get', async () => {
      const batch = findBatch(state, spec.id);
      await runner.observe(batch);
      return c.json(operationJson(batch, { includeInlineResponses: true }));
    });
  });

  app.post('/:version/batches/:spec', (c) => {
    const spec = parseSpec(c);
    if (spec === undefined || spec.verb !== 'cancel') return notFound(c);
    return guard(c, 'batches.cancel', async () => {
      await runner.cancel(findBatch(state, spec.id));
      return c.json({});
    });
  });

  app.delete('/:version/batches/:spec', (c) => {
    const spec = parseSpec(c);
    if (spec === undefined || spec.verb !== undefined) return notFound(c);
    return guard(c, 'batches.delete', async () => {
      await runner.remove(findBatch(state, spec.id));
      state.counters.batchesDeleted++;
      return c.json({});
    });
  });
  return app;
}
