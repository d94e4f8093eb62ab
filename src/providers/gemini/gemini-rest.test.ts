import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../shared/index.ts';
import { batchIdFromName, createGeminiRestClient, fileIdFromName, geminiApiUrl } from './gemini-rest.ts';

describe('batchIdFromName', () => {
  it('takes the id of batches/<id> (or a bare id) and refuses anything else', () => {
    expect(batchIdFromName('batches/abc123', 'op')).toBe('abc123');
    expect(batchIdFromName('abc123', 'op')).toBe('abc123');
    expect(() => batchIdFromName('files/abc', 'getJob(files/abc)')).toThrow(ProviderError);
    expect(() => batchIdFromName('batches/', 'op')).toThrow(/not a batch name/);
  });
});

describe('fileIdFromName', () => {
  it('takes the id of files/<id>, including batch output names', () => {
    expect(fileIdFromName('files/batch-o08hk76gv328', 'op')).toBe('batch-o08hk76gv328');
    expect(() => fileIdFromName('files/a/b', 'op')).toThrow(/not a file name/);
  });
});

describe('geminiApiUrl', () => {
  it('builds URLs as the SDK does: trailing slash stripped, path prefix kept, empty version left out', () => {
    expect(geminiApiUrl({ baseUrl: 'https://generativelanguage.googleapis.com/', apiVersion: 'v1beta' }, 'batches/x')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/batches/x',
    );
    expect(geminiApiUrl({ baseUrl: 'http://127.0.0.1:8080/gemini', apiVersion: 'v1' }, 'batches/x')).toBe(
      'http://127.0.0.1:8080/gemini/v1/batches/x',
    );
    expect(geminiApiUrl({ baseUrl: 'http://h', apiVersion: '' }, 'batches/x')).toBe('http://h/batches/x');
  });
});

describe('downloadFile over a connection that drops mid-body', () => {
  // The emulator drops connections only before answering; this stub server cuts the body halfway, which is what
  // crashes the SDK's files.download. Real HTTP, port 0, no global patching.
  it('rejects with a retryable ProviderError and leaves no partial file', async () => {
    const requests: { url: string | undefined; key: string | string[] | undefined }[] = [];
    const server = createServer((request, response) => {
      requests.push({ url: request.url, key: request.headers['x-goog-api-key'] });
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
      response.write('{"key":"a","response":{}}\n', () => request.socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = await mkdtemp(join(tmpdir(), 'truebatch-gemini-rest-'));
    try {
      const { port } = server.address() as AddressInfo;
      const rest = createGeminiRestClient({ apiKey: 'drop-key-1234', baseUrl: `http://127.0.0.1:${port}`, apiVersion: 'v1beta' });
      const dest = join(dir, 'out.jsonl');
      const error: unknown = await rest.downloadFile('files/batch-abc', dest, 'downloadResults(batches/abc)').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ isRetryable: true, status: undefined });
      expect((error as ProviderError).message).toMatch(/downloadResults\(batches\/abc\).*network error/);
      expect(existsSync(dest)).toBe(false);
      expect(requests).toEqual([{ url: '/v1beta/files/batch-abc:download?alt=media', key: 'drop-key-1234' }]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
