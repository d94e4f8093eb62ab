/**
 * End to end in a real browser (Debian's Chromium through playwright-core; never a downloaded one): `truebatch
 * dashboard` beside a `truebatch run` in another process, on the embedded emulator with slow jobs and line faults
 * (soil-k's: some documents need a retry). The Jobs page's counts rise without a reload to the final ones, a failure
 * group lists its keys, a document page shows the diff between its two attempts, a wrong token is refused, and a
 * path out of the outputs is 404. The test writes the README's screenshots (docs/screenshots/).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCli, type RunningCli } from '../../test/support/cli.ts';
import { copySoilK, queryLedger } from '../../test/support/project.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'test-token-4b1d';
const screenshots = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));

if (!existsSync(CHROMIUM)) console.warn(`dashboard browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** soil-k with jobs of 6 s, cut into jobs of at most 6 requests (several jobs per stage). */
function slowProject(): string {
  const project = copySoilK();
  const path = join(project, 'truebatch.config.yaml');
  const config = readFileSync(path, 'utf8').replace('jobDurationMs: 1500', 'jobDurationMs: 6000');
  writeFileSync(path, `${config}\nsharding:\n  maxRequestsPerJob: 6\n`);
  return project;
}

function count(project: string, sql: string): number {
  return queryLedger<{ n: number }>(project, sql)[0]?.n ?? -1;
}

/** A raw GET (no URL normalisation, so `..` reaches the server as written). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!existsSync(CHROMIUM))('truebatch dashboard in a browser, beside a run', () => {
  let project: string;
  let run: RunningCli;
  let dashboard: RunningCli;
  let base: string;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    project = slowProject();
    run = startCli(['run', '--project', project]);
    // The dashboard reads an existing ledger: wait for the run to have submitted a job, none collected yet.
    await vi.waitFor(() => {
      expect(existsSync(join(project, '.truebatch', 'ledger.db'))).toBe(true);
      expect(count(project, 'SELECT COUNT(*) AS n FROM jobs WHERE remote_name IS NOT NULL')).toBeGreaterThan(0);
    }, { timeout: 60_000, interval: 100 });
    dashboard = startCli(['dashboard', '--project', project, '--port', '0', '--token', TOKEN]);
    const line = await dashboard.firstLine();
    base = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '';
    expect(base, `${line}\n${dashboard.stderr()}`).not.toBe('');
    profile = mkdtempSync(join(tmpdir(), 'tb-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    dashboard?.child.kill('SIGTERM');
    run?.child.kill('SIGTERM');
    await Promise.allSettled([dashboard?.done, run?.done]);
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the Jobs page counts rising live, without a reload, to the final counts', async () => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${base}/jobs?token=${TOKEN}`);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar for a cookie
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    const validOnPage = async (): Promise<number> =>
      (await page.locator('[data-count="valid"]').allTextContents()).reduce((sum, text) => sum + Number(text.replace(/,/g, '')), 0);
    const first = await validOnPage();

    const finished = await run.done;
    expect(finished.stderr).not.toContain('unexpected error');
    expect(finished.code).toBe(0);
    const finalValid = count(project, "SELECT COUNT(*) AS n FROM attempts WHERE state = 'valid'");
    const finalJobs = count(project, 'SELECT COUNT(*) AS n FROM jobs');
    expect(finalJobs).toBeGreaterThan(2);
    await expect.poll(validOnPage, { timeout: 30_000, interval: 250 }).toBe(finalValid);
    expect(first).toBeLessThan(finalValid);
    expect(await page.locator('[data-count="valid"]').count()).toBe(finalJobs);
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);

    await page.goto(`${base}/`);
    await page.locator('figure, .graph').first().waitFor();
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'overview.png'), fullPage: true });

    // A narrow screen: nothing wider than the viewport (wide tables scroll inside their own box).
    await page.setViewportSize({ width: 390, height: 800 });
    for (const path of ['/', '/jobs', '/success', '/batch-sizes']) {
      await page.goto(`${base}${path}`);
      const widths = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return { scroll: root.scrollWidth, client: root.clientWidth };
      });
      expect(widths.scroll, path).toBeLessThanOrEqual(widths.client);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 180_000);

  it('lists the keys behind a failure group when it is clicked', async () => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${base}/success`);
    const group = page.locator('ul.failures button').first();
    await group.click();
    const keys = page.locator('table.failure-keys a');
    await expect.poll(() => keys.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const failing = queryLedger<{ key: string }>(project,
      "SELECT r.key FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.state IN ('failed', 'invalid')").map((row) => row.key);
    expect(failing).toContain(await keys.first().textContent());
    // uPlot, served from /assets, drew the outcome charts.
    await expect.poll(() => page.locator('figure.chart .uplot').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'success.png'), fullPage: false });
  });

  it('shows the diff between two attempts on a document page, and links its output', async () => {
    const retried = queryLedger<{ stage: string; key: string; output_path: string }>(project,
      "SELECT stage, key, output_path FROM requests WHERE attempts > 1 AND state = 'valid' ORDER BY key LIMIT 1")[0];
    expect(retried).toBeDefined();
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${base}/document?stage=${encodeURIComponent(retried?.stage ?? '')}&key=${encodeURIComponent(retried?.key ?? '')}`);
    const diff = page.locator('.attempt-diff').first();
    await expect.poll(() => diff.isVisible()).toBe(true);
    expect(await diff.locator('.add, .del').count()).toBeGreaterThan(0);
    const outputLink = page.locator(`a[href="/files/${relative(project, retried?.output_path ?? '')}"]`);
    expect(await outputLink.count()).toBe(1);
    const output = await page.request.get(`${base}/files/${relative(project, retried?.output_path ?? '')}`);
    expect(output.status()).toBe(200);
    await page.screenshot({ path: join(screenshots, 'document.png'), fullPage: false });
  });

  it('refuses a wrong token, on pages and on the event stream', async () => {
    expect(await rawGet(base, `/?token=wrong`)).toBe(401);
    expect(await rawGet(base, '/jobs')).toBe(401);
    expect(await rawGet(base, '/events?view=jobs', { authorization: 'Bearer wrong' })).toBe(401);
    expect(await rawGet(base, '/jobs', { authorization: `Bearer ${TOKEN}` })).toBe(200);
  });

  it('answers 404 for a path outside the outputs', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const path of ['/files/../../../../etc/passwd', '/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/files/..%2f..%2fetc%2fpasswd',
      '/files/truebatch.config.yaml', '/files/.truebatch/ledger.db', '/files//etc/passwd', '/assets/..%2fpackage.json']) {
      expect(await rawGet(base, path, auth), path).toBe(404);
    }
  });
});
