import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { createDashboardApp } from './app.ts';
import { dashboardFixture } from './dashboard-fixture.ts';
import { startDashboard } from './server.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function fixture() {
  const made = await dashboardFixture();
  cleanups.push(() => made.close());
  return made;
}

describe('the dashboard app', () => {
  it('renders every page from a ledger opened read-only', async () => {
    const { project } = await fixture();
    const app = createDashboardApp(project, { token: undefined, loopbackOnly: false });
    for (const path of ['/', '/jobs', '/success', '/documents', '/batch-sizes', '/quality', '/failures?stage=extract&kind=required']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    const jobs = await (await app.request('/jobs')).text();
    expect(jobs).toContain('data-count="valid">1<');
    expect(await (await app.request('/failures?stage=extract&kind=required')).text()).toContain('key=b');
    const quality = await (await app.request('/quality')).text();
    expect(quality).toContain('No audit yet.');
    expect(quality).toContain('No variant yet.');
  });

  it('shows a document with its attempts, the diff between them, its output and what it feeds', async () => {
    const { project, writer } = await fixture();
    const attempt = writer.openAttempts(writer.jobs({ states: ['running'] })[0]?.id ?? 0)[0];
    writer.recordResult(attempt?.id ?? 0, { state: 'valid', response: JSON.stringify({ text: '{"title":"B"}' }) });
    const app = createDashboardApp(project, { token: undefined, loopbackOnly: false });
    const page = await (await app.request('/document?stage=extract&key=b')).text();
    expect(page).toContain('<div class="same">{</div><div class="del">  &quot;name&quot;: &quot;B&quot;</div><div class="add">  &quot;title&quot;: &quot;B&quot;</div>');
    const a = await (await app.request('/document?stage=extract&key=a')).text();
    expect(a).toContain('href="/files/outputs/extract/a.json"');
    expect(a).toContain('key=a">a</a>'); // summarise a, downstream
    expect((await app.request('/document?stage=extract&key=nope')).status).toBe(404);
  });

  it('serves output files and nothing else: traversal, the config, the ledger and links out are 404', async () => {
    const { project, dir } = await fixture();
    symlinkSync(join(dir, 'truebatch.config.yaml'), join(dir, 'outputs', 'extract', 'link.json'));
    const app = createDashboardApp(project, { token: undefined, loopbackOnly: false });
    expect(await (await app.request('/files/outputs/extract/a.json')).text()).toBe('{"title":"A"}');
    for (const path of ['/files/outputs/extract/%2e%2e/%2e%2e/truebatch.config.yaml', '/files/..%2f..%2f..%2fetc%2fpasswd',
      '/files/truebatch.config.yaml', '/files/.truebatch/ledger.db', '/files/outputs/extract/link.json', '/files/%2fetc%2fpasswd',
      '/files/outputs/extract', '/assets/..%2fpackage.json', '/assets/nothing.js']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
    const htmx = await app.request('/assets/htmx.min.js');
    expect(htmx.headers.get('content-type')).toBe('text/javascript');
    expect((await htmx.text()).length).toBeGreaterThan(10_000);
  });

  it('with a token: refuses requests without it, trades ?token= for a cookie, and takes a bearer header', async () => {
    const { project } = await fixture();
    const app = createDashboardApp(project, { token: 's3cret', loopbackOnly: false });
    expect((await app.request('/')).status).toBe(401);
    expect((await app.request('/?token=wrong')).status).toBe(401);
    expect((await app.request('/events?view=jobs', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const traded = await app.request('/jobs?token=s3cret&page=1');
    expect(traded.status).toBe(303);
    expect(traded.headers.get('location')).toBe('/jobs?page=1');
    const cookie = (traded.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^truebatch_dashboard=/);
    expect((await app.request('/jobs', { headers: { cookie } })).status).toBe(200);
    expect((await app.request('/jobs', { headers: { cookie: 'truebatch_dashboard=wrong' } })).status).toBe(401);
    expect((await app.request('/jobs', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });

  it('without a token on loopback, answers only loopback Host names (no DNS rebinding)', async () => {
    const { project } = await fixture();
    const app = createDashboardApp(project, { token: undefined, loopbackOnly: true });
    expect((await app.request('http://127.0.0.1:8788/')).status).toBe(200);
    expect((await app.request('http://localhost:8788/')).status).toBe(200);
    expect((await app.request('http://attacker.example:8788/')).status).toBe(403);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    const { project } = await fixture();
    await expect(startDashboard(project, { host: '0.0.0.0', port: 0 })).rejects.toThrow(ConfigError);
    await expect(startDashboard(project, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs --token/);
  });

  it('streams a fresh fragment when another connection commits', async () => {
    const { project, writer } = await fixture();
    const app = createDashboardApp(project, { token: undefined, loopbackOnly: false });
    const controller = new AbortController();
    const response = await app.request('/events?view=jobs', { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const next = async (): Promise<string> => {
      let text = '';
      while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value);
      return text;
    };
    expect(await next()).toContain('event: jobs');
    const running = writer.jobs({ states: ['running'] })[0]?.id ?? 0;
    writer.recordResult(writer.openAttempts(running)[0]?.id ?? 0, { state: 'valid', response: '{}' });
    const update = await next();
    expect(update).toContain('event: jobs');
    expect(update).toContain(`data-job="${running}" data-count="valid">1<`);
    controller.abort();
    await reader.cancel();
  });
});
