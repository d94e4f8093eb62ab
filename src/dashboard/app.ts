/**
 * @module The dashboard's Hono app: the access check, the bundled assets, one route per page, the live event stream
 * and the output files. Read-only throughout: no route writes the ledger or a file.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { errorMessage } from '../shared/index.ts';
import { asset } from './assets.ts';
import { requireLocalHost, requireToken } from './auth.ts';
import type { DashboardContext, DashboardProject } from './context.ts';
import { servableOutput } from './files.ts';
import { pageNumber, type Html } from './html.ts';
import { liveStream, type LiveView } from './live.ts';
import { OutcomeTally } from './outcome-tally.ts';
import { batchSizesPage } from './pages/batch-sizes.ts';
import { documentPage, documentsPage } from './pages/document.ts';
import { jobsFragment, jobsPage } from './pages/jobs.ts';
import { overviewFragment, overviewPage } from './pages/overview.ts';
import { qualityPage } from './pages/quality.ts';
import { failureKeysFragment, successPage } from './pages/success.ts';

/** Who may use the dashboard. */
export interface DashboardAccess {
  /** Required on every request when set. */
  token: string | undefined;
  /** Bound to a loopback address without a token: then only loopback Host headers are served (no DNS rebinding). */
  loopbackOnly: boolean;
}

/** The views the event stream can render. */
const LIVE_VIEWS: Record<string, LiveView> = {
  overview: (context) => overviewFragment(context),
  jobs: (context, query) => jobsFragment(context, pageNumber(query.get('page') ?? undefined)),
};

/**
 * Scripts and styles come from /assets only; inline style attributes (the stage bars) and uPlot's element styles
 * need 'unsafe-inline' for styles, never for scripts.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The dashboard for `project`. */
export function createDashboardApp(project: DashboardProject, access: DashboardAccess): Hono {
  const context: DashboardContext = { ...project, tally: new OutcomeTally(project.ledger) };
  // Counted now, before the first request: at 100k documents the first count is the one slow read (see outcome-tally.ts).
  context.tally.rows();
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  });
  if (access.loopbackOnly) app.use(requireLocalHost());
  app.use(requireToken(access.token));

  const send = async (c: Context, view: Html | Promise<Html>): Promise<Response> => c.html(String(await view));

  app.get('/assets/:name', (c) => {
    const found = asset(c.req.param('name'));
    if (!found) return c.notFound();
    return c.body(new Uint8Array(found.body), 200, { 'Content-Type': found.type, 'Cache-Control': 'max-age=3600' });
  });
  app.get('/', (c) => send(c, overviewPage(context)));
  app.get('/jobs', (c) => send(c, jobsPage(context, pageNumber(c.req.query('page')))));
  app.get('/success', (c) => send(c, successPage(context)));
  app.get('/failures', (c) =>
    send(c, failureKeysFragment(context, c.req.query('stage') ?? '', c.req.query('kind') ?? '', pageNumber(c.req.query('page')))));
  app.get('/documents', (c) => {
    const state = c.req.query('state');
    return send(c, documentsPage(context, c.req.query('stage'), state === '' ? undefined : state, pageNumber(c.req.query('page'))));
  });
  app.get('/document', async (c) => {
    const found = await documentPage(context, c.req.query('stage') ?? '', c.req.query('key') ?? '');
    return found === undefined ? c.notFound() : send(c, found);
  });
  app.get('/batch-sizes', (c) => send(c, batchSizesPage(context)));
  app.get('/quality', (c) => send(c, qualityPage(context)));
  app.get('/events', (c) => {
    const view = c.req.query('view') ?? '';
    const render = Object.hasOwn(LIVE_VIEWS, view) ? LIVE_VIEWS[view] : undefined;
    return render === undefined ? c.notFound() : liveStream(c, context, view, render);
  });
  app.get('/files/*', async (c) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname.slice('/files/'.length));
    } catch {
      return c.notFound();
    }
    const real = await servableOutput(context, path);
    if (real === undefined) return c.notFound();
    const type = real.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
    return c.body(Readable.toWeb(createReadStream(real)) as ReadableStream, 200, { 'Content-Type': type });
  });
  app.notFound((c) => c.text('not found', 404));
  app.onError((error, c) => c.text(`the dashboard could not answer: ${errorMessage(error)}`, 500));
  return app;
}
