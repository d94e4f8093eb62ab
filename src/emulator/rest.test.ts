import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.ts';
import { requestLines, textRequest, type WireBody, type WireOperation } from './test-support.ts';

const API_KEY = 'rest-test-key-1234';
let emulator: RunningEmulator;

async function json<T = WireBody>(response: Response): Promise<T> {
  return JSON.parse(await response.text()) as T;
}

/** Google's curl sample: start with a single-quoted snake_case body and ?key=, then one chunk with no key. */
async function curlStyleUpload(content: string, displayName: string): Promise<{ start: Response; final: Response; uploadUrl: string }> {
  const start = await fetch(`${emulator.url}/upload/v1beta/files?key=${API_KEY}`, {
    method: 'POST',
    headers: {
      'X-Goog-Upload-Protocol': 'resumable',
      'X-Goog-Upload-Command': 'start',
      'X-Goog-Upload-Header-Content-Length': String(Buffer.byteLength(content)),
      'X-Goog-Upload-Header-Content-Type': 'application/jsonl',
      'Content-Type': 'application/json',
    },
    body: `{'file': {'display_name': '${displayName}'}}`,
  });
  const uploadUrl = start.headers.get('x-goog-upload-url') ?? '';
  const final = await fetch(uploadUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/jsonl', 'X-Goog-Upload-Offset': '0', 'X-Goog-Upload-Command': 'upload, finalize' },
    body: content,
  });
  return { start, final, uploadUrl };
}

async function createFileBatch(fileName: string): Promise<WireOperation> {
  const response = await fetch(`${emulator.url}/v1beta/models/gemini-2.5-flash:batchGenerateContent?key=${API_KEY}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ batch: { display_name: 'rest-job', input_config: { file_name: fileName } } }),
  });
  expect(response.status).toBe(200);
  return json<WireOperation>(response);
}

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: API_KEY, jobDurationMs: 0, pendingMs: 0 });
});
afterAll(() => emulator.close());

describe('REST forms from Google’s docs and non-SDK clients', () => {
  it('uploads curl-style: snake_case single-quoted body, ?key= on start, no key on the chunk', async () => {
    const { start, final, uploadUrl } = await curlStyleUpload(`${requestLines(2, 'curl').join('\n')}\n`, 'curl upload');
    expect(start.status).toBe(200);
    expect(start.headers.get('x-goog-upload-status')).toBe('active');
    expect(uploadUrl).toMatch(new RegExp(`^${emulator.url}/upload/v1beta/files\\?upload_id=[a-z0-9]{40}&upload_protocol=resumable$`));
    expect(final.status).toBe(200);
    expect(final.headers.get('x-goog-upload-status')).toBe('final');
    const body = await json(final);
    expect(body.file).toMatchObject({ displayName: 'curl upload', mimeType: 'application/jsonl', source: 'UPLOADED', state: 'ACTIVE' });

    const again = await fetch(uploadUrl, { method: 'POST', headers: { 'X-Goog-Upload-Offset': '0', 'X-Goog-Upload-Command': 'upload, finalize' }, body: 'x' });
    expect(again.status).toBe(404);
    const unknown = await fetch(`${emulator.url}/upload/v1beta/files?upload_id=nope&upload_protocol=resumable`, {
      method: 'POST',
      headers: { 'X-Goog-Upload-Offset': '0', 'X-Goog-Upload-Command': 'upload, finalize' },
      body: 'x',
    });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error?.status).toBe('NOT_FOUND');
  });

  it('checks chunk offsets and answers every chunk with x-goog-upload-status', async () => {
    const start = await fetch(`${emulator.url}/upload/v1/files`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY, 'X-Goog-Upload-Protocol': 'resumable', 'X-Goog-Upload-Command': 'start', 'X-Goog-Upload-Header-Content-Length': '6' },
      body: JSON.stringify({ file: { mime_type: 'text/plain' } }),
    });
    const url = start.headers.get('x-goog-upload-url')!;
    const first = await fetch(url, { method: 'POST', headers: { 'X-Goog-Upload-Offset': '0', 'X-Goog-Upload-Command': 'upload' }, body: 'abc' });
    expect(first.headers.get('x-goog-upload-status')).toBe('active');
    const wrong = await fetch(url, { method: 'POST', headers: { 'X-Goog-Upload-Offset': '1', 'X-Goog-Upload-Command': 'upload, finalize' }, body: 'def' });
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).error?.message).toBe('X-Goog-Upload-Offset: 1 does not match the 3 bytes received so far');
    const last = await fetch(url, { method: 'POST', headers: { 'X-Goog-Upload-Offset': '3', 'X-Goog-Upload-Command': 'upload, finalize' }, body: 'def' });
    expect(last.headers.get('x-goog-upload-status')).toBe('final');
    expect((await json(last)).file).toMatchObject({ sizeBytes: '6', mimeType: 'text/plain' });
  });

  it('creates from snake_case bodies, reads the top-level response, and downloads in the docs’ /download/ form', async () => {
    const { final } = await curlStyleUpload(`${requestLines(3, 'dl').join('\n')}\n`, 'dl');
    const fileName = (await json(final)).file!.name;
    const created = await createFileBatch(fileName);
    expect(created.metadata).toMatchObject({ displayName: 'rest-job', inputConfig: { fileName }, state: 'BATCH_STATE_PENDING' });
    expect(created.metadata.batchStats).toEqual({ requestCount: '3', pendingRequestCount: '3' });
    expect(created.done).toBeUndefined();

    const done = await json<WireOperation>(await fetch(`${emulator.url}/v1beta/${created.name}?key=${API_KEY}`));
    expect(done.done).toBe(true);
    expect(done.metadata.batchStats).toEqual({ requestCount: '3', successfulRequestCount: '3' });
    expect(done.response).toEqual({
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput',
      responsesFile: done.metadata.output?.responsesFile,
    });
    const outputName = done.response!.responsesFile!;
    const sdkForm = await fetch(`${emulator.url}/v1beta/${outputName}:download?alt=media`, { headers: { 'x-goog-api-key': API_KEY } });
    const docsForm = await fetch(`${emulator.url}/download/v1beta/${outputName}:download?alt=media&key=${API_KEY}`);
    const encodedForm = await fetch(`${emulator.url}/download/v1beta/${encodeURIComponent(`${outputName}:download`)}?alt=media&key=${API_KEY}`);
    const bytes = await sdkForm.text();
    expect(bytes.trim().split('\n')).toHaveLength(3);
    expect(await docsForm.text()).toBe(bytes);
    expect(await encodedForm.text()).toBe(bytes);
  });

  it('creates an inline batch from snake_case input_config.requests.requests', async () => {
    const response = await fetch(`${emulator.url}/v1alpha/models/gemini-2.5-flash:batchGenerateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY },
      body: JSON.stringify({ batch: { input_config: { requests: { requests: [{ request: textRequest('hi'), metadata: { key: 's1' } }] } } } }),
    });
    const created = await json<WireOperation>(response);
    const done = await json<WireOperation>(await fetch(`${emulator.url}/v1alpha/${created.name}?key=${API_KEY}`));
    expect(done.metadata.output?.inlinedResponses?.inlinedResponses[0]?.metadata).toEqual({ key: 's1' });
    expect(done.response?.inlinedResponses).toEqual(done.metadata.output?.inlinedResponses);
    const listed = await json(await fetch(`${emulator.url}/v1alpha/batches?page_size=100&key=${API_KEY}`));
    const item = listed.operations?.find((operation) => operation.name === created.name);
    expect(item?.metadata.output).toBeUndefined();
    expect(item?.done).toBe(true);
  });

  it('answers 401 without a key and 403 with a wrong one, in Google’s envelope, never echoing the key', async () => {
    const missing = await fetch(`${emulator.url}/v1beta/batches`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect((await json(missing)).error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    const wrong = await fetch(`${emulator.url}/v1beta/files?key=not-the-key-999`);
    expect(wrong.status).toBe(403);
    const text = await wrong.text();
    expect((JSON.parse(text) as WireBody).error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect(text).not.toContain('not-the-key-999');
    const stats = await fetch(`${emulator.url}/emulator/stats`);
    expect(stats.status).toBe(200);
  });

  it('answers malformed requests with a precise 400 and unknown names with 404', async () => {
    const post = (path: string, body: string): Promise<Response> =>
      fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'x-goog-api-key': API_KEY }, body });
    const cases: [string, string, number, string][] = [
      ['/v1beta/models/gemini-2.5-flash:batchGenerateContent', '{"batch":{}}', 400, 'batch.inputConfig: is required: give inputConfig.fileName or inputConfig.requests'],
      ['/v1beta/models/gemini-2.5-flash:batchGenerateContent', '{"batch":{"inputConfig":{"fileName":"files/a","requests":{"requests":[]}}}}', 400, 'batch.inputConfig: must have exactly one of fileName or requests'],
      ['/v1beta/models/gemini-2.5-flash:batchGenerateContent', '{"batch":{"inputConfig":{"requests":{"requests":[{"metadata":{}}]}}}}', 400, 'batch.inputConfig.requests.requests[0].request: must be a GenerateContentRequest object, got nothing'],
      ['/v1beta/models/gemini-2.5-flash:batchGenerateContent', '{"batch":', 400, 'body: Invalid JSON payload received.'],
      ['/v1beta/models/gemini-2.5-flash:batchGenerateContent', '{"batch":{"inputConfig":{"fileName":"files/missing"}}}', 404, 'File files/missing does not exist.'],
      ['/v1beta/batches/nope:cancel', '{}', 404, 'Batch batches/nope does not exist.'],
      ['/v1beta/models/gemini-2.5-flash:generateContent', '{"contents":"not a list"}', 400, ''],
    ];
    for (const [path, body, status, message] of cases) {
      const response = await post(path, body);
      expect(response.status, path).toBe(status);
      const error = (await json(response)).error;
      expect(error?.code).toBe(status);
      expect(error?.message).toContain(message);
    }
    const badPage = await fetch(`${emulator.url}/v1beta/files?pageSize=ten&key=${API_KEY}`);
    expect((await json(badPage)).error?.message).toBe('pageSize: must be an integer, got "ten"');
    const deleted = await fetch(`${emulator.url}/v1beta/files/unknown1`, { method: 'DELETE', headers: { 'x-goog-api-key': API_KEY }, body: '{}' });
    expect(deleted.status).toBe(404);
  });
});
