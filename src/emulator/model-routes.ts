/**
 * @module `POST /{v}/models/{model}:verb`: `batchGenerateContent` and `asyncBatchEmbedContent` create a batch; `generateContent` and
 * `countTokens` are answered at once by the simulated model (its InputError is a 400); the batch path never uses
 * them, and stats count them.
 */
import { Hono, type Context } from 'hono';
import { errorResponse } from './api-errors.ts';
import { MAX_CREATE_BODY_BYTES, createBatch, oversizedBodyError } from './batch-create.ts';
import { cacheLookup } from './cache-store.ts';
import { documentReaderOf, type DocumentsRead } from './document-reading.ts';
import type { EndpointGuard } from './endpoint-guard.ts';
import type { EmulatorState } from './emulator-state.ts';
import { parseRequestJson } from './lenient-json.ts';
import { requireKnownModel } from './model-catalogue.ts';
import { countTokens, divergeAnswer, resolveCachedContent, simulateGenerateContent } from './model/index.ts';
import { operationJson } from './operation-json.ts';
import { field, isJsonObject } from './proto-json.ts';
import { isApiVersion } from './public-urls.ts';
import { tally } from './stats.ts';

async function readBody(c: Context, where: string): Promise<unknown> {
  return parseRequestJson(await c.req.text(), where);
}

/** The request's media parts read as a batch line's are (a file must be alive); undefined when it is not an object. */
async function readDocuments(state: EmulatorState, request: unknown): Promise<DocumentsRead | undefined> {
  return isJsonObject(request) ? documentReaderOf(state).read(request) : undefined;
}

/** The `/{v}/models/{model}:verb` routes. */
export function modelRoutes(state: EmulatorState, guard: EndpointGuard): Hono {
  const app = new Hono();
  app.post('/:version/models/:spec', (c) => {
    const spec = c.req.param('spec');
    const colon = spec.indexOf(':');
    const model = colon < 0 ? spec : spec.slice(0, colon);
    const verb = colon < 0 ? '' : spec.slice(colon + 1);
    if (!isApiVersion(c.req.param('version')) || model === '') {
      return errorResponse(404, `The emulator has no endpoint for POST ${c.req.path}.`);
    }
    const { seed } = state.options;
    switch (verb) {
      // asyncBatchEmbedContent: batches.createEmbeddings (SDK 3.3.0 createEmbeddingsInternal; spec §3.2, Part D.4).
      case 'batchGenerateContent':
      case 'asyncBatchEmbedContent':
        return guard(c, 'batches.create', async () => {
          const text = await c.req.text();
          // Inline requests travel in this body: over 20 MB it is refused before anything is read (spec §3.2, §6).
          if (Buffer.byteLength(text) > MAX_CREATE_BODY_BYTES) throw oversizedBodyError();
          const apiVersion = c.req.param('version');
          const task = verb === 'asyncBatchEmbedContent' ? 'embed' : undefined;
          const batch = await createBatch(state, { model: `models/${model}`, apiVersion, task }, parseRequestJson(text, 'body'));
          return c.json(operationJson(batch, { includeInlineResponses: true }));
        });
      case 'generateContent':
        return guard(c, 'models.generateContent', async () => {
          state.counters.generateContentCalls++;
          requireKnownModel(model, c.req.param('version'), 'generateContent');
          const body = await readBody(c, 'body');
          const resolved = isJsonObject(body) ? resolveCachedContent(body, model, cacheLookup(state)) : { request: body, cachedTokens: 0 };
          if ('error' in resolved) return errorResponse(resolved.error.code, resolved.error.message);
          const read = await readDocuments(state, resolved.request);
          if (read !== undefined && 'error' in read) return errorResponse(read.error.code, read.error.message);
          const answer = simulateGenerateContent(resolved.request, { seed, model, documents: read?.documents, cachedTokens: resolved.cachedTokens });
          // faults.divergence: the interactive answer may disagree with the batch one (issue #19, a simulation aid).
          const { response, divergedFields } = divergeAnswer(answer, resolved.request, state.options.faults.divergence, seed);
          for (const path of divergedFields) tally(state.tallies.divergedAnswersByField, path);
          return c.json(response);
        });
      case 'countTokens':
        return guard(c, 'models.countTokens', async () => {
          state.counters.countTokensCalls++;
          const body = await readBody(c, 'body');
          const request = (isJsonObject(body) ? field(body, 'generateContentRequest') : undefined) ?? body;
          const read = await readDocuments(state, request);
          if (read !== undefined && 'error' in read) return errorResponse(read.error.code, read.error.message);
          return c.json({ totalTokens: countTokens(request, read?.documents) });
        });
      default:
        return errorResponse(501, `The emulator does not implement models.${verb === '' ? 'get' : verb}.`);
    }
  });
  return app;
}
