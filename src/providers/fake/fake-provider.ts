/**
 * @module The fake provider: the {@link BatchProvider} contract over a {@link FakeBatchService} in memory. Files go
 * to and from disk as with a real provider; everything else is in the service, on the test's clock.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { InputError, NotFoundError, ProviderError } from '../../shared/index.ts';
import type { BatchProvider, ProviderCapabilities } from '../batch-provider.ts';
import { fakeContextCaches } from './fake-caches.ts';
import { fakeModelResponse, readFakeResults, type FakeRequestLine } from './fake-results.ts';
import { FAKE_DEFAULT_LIMITS, FAKE_PROVIDER_NAME, type FakeBatchService } from './fake-service.ts';

/** What the fake declares before a service sets its own limits. */
export const FAKE_CAPABILITIES: ProviderCapabilities = Object.freeze({
  input: 'uploaded-file',
  reconciliation: 'display-name',
  results: 'one-file',
  deletableResultFiles: true,
  limits: FAKE_DEFAULT_LIMITS,
});

/**
 * Creates a provider over `service`. Several providers over one service are several processes of one user.
 * @example
 * const service = new FakeBatchService({ clock: createManualClock(), script: { runMs: 5000 } });
 * const provider = createFakeProvider({ service });
 */
export function createFakeProvider(settings: { service: FakeBatchService }): BatchProvider {
  const { service } = settings;
  // Every call yields once first, as a network call would, so callers cannot rely on synchronous answers.
  const call = async <T>(operation: Parameters<FakeBatchService['enter']>[0], where: string, work: () => T | Promise<T>): Promise<T> => {
    await Promise.resolve();
    service.enter(operation, where);
    return work();
  };
  return {
    name: FAKE_PROVIDER_NAME,
    capabilities: Object.freeze({ ...FAKE_CAPABILITIES, deletableResultFiles: service.deletableResultFiles, limits: service.limits }),
    uploadFile: (path) =>
      call('uploadFile', `uploadFile(${path})`, async () => {
        const sizeBytes = (await stat(path)).size;
        if (sizeBytes === 0) throw new InputError(path, 'is empty; a batch needs at least one request');
        const lines = parseInputLines(await readFile(path, 'utf8'), path);
        return { name: service.storeFile(lines, sizeBytes), sizeBytes };
      }),
    documents: {
      upload: (path, options) =>
        call('uploadDocument', `uploadDocument(${path})`, async () => service.documents.store(options.displayName, (await stat(path)).size)),
      list: (prefix) => call('listDocuments', `listDocuments(${prefix})`, () => service.documents.list(prefix)),
    },
    createJob: (options) => call('createJob', `createJob(${options.displayName})`, () => service.createJob(options)),
    getJob: (name) => call('getJob', `getJob(${name})`, () => service.getJob(name)),
    findJobsByDisplayName: (displayName) => call('findJobsByDisplayName', `findJobsByDisplayName(${displayName})`, () => service.findJobs(displayName)),
    cancelJob: (name) => call('cancelJob', `cancelJob(${name})`, () => service.cancelJob(name)),
    downloadResults: (job, destPath) =>
      call('downloadResults', `downloadResults(${job.name})`, async () => {
        if (job.outputFile === undefined) throw new NotFoundError(`fake downloadResults(${job.name}): the job has no output file`);
        const lines = service.resultLines(job.outputFile);
        await writeFile(destPath, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      }),
    deleteFile: (name) => call('deleteFile', `deleteFile(${name})`, () => service.deleteFile(name)),
    readResults: readFakeResults,
    caches: fakeContextCaches(service.caches),
    interactive: {
      generate: ({ key, requestJson }) =>
        call('generate', `generate(${key})`, () => {
          const line = service.answerNow(key, JSON.parse(requestJson));
          if (line === undefined) throw new ProviderError(FAKE_PROVIDER_NAME, `fake generate(${key}): no answer (scripted)`, { status: 500, isRetryable: false });
          if ('error' in line) {
            const { code, message } = line.error;
            throw new ProviderError(FAKE_PROVIDER_NAME, `fake generate(${key}) failed: HTTP ${code}: ${message}`, { status: code, isRetryable: code === 429 || code >= 500 });
          }
          return fakeModelResponse(line.answer);
        }),
    },
  };
}

/** The `{"key","request"}` lines of an input file; a line without a string key is refused, as a provider would. */
function parseInputLines(text: string, path: string): FakeRequestLine[] {
  const lines: FakeRequestLine[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw badLine(path, index + 1, 'is not JSON');
    }
    if (value === null || typeof value !== 'object' || !('key' in value) || typeof value.key !== 'string') {
      throw badLine(path, index + 1, 'has no string "key"');
    }
    lines.push({ key: value.key, request: 'request' in value ? value.request : undefined });
  }
  return lines;
}

function badLine(path: string, lineNumber: number, why: string): ProviderError {
  return new ProviderError(FAKE_PROVIDER_NAME, `fake uploadFile(${path}): line ${lineNumber} ${why}`, { status: 400, isRetryable: false });
}
