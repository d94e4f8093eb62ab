/**
 * @module The page frame and small view helpers, on Hono's `html` template (which escapes every interpolated value
 * unless it is itself a template or `raw`), so nothing read from the ledger or a file can inject markup.
 */
import { html, raw } from 'hono/html';

/** An escaped HTML fragment. */
export type Html = ReturnType<typeof html>;

/** The pages, in the navigation's order. */
export const PAGES = [
  { path: '/', name: 'Overview' },
  { path: '/jobs', name: 'Jobs' },
  { path: '/success', name: 'Success rates' },
  { path: '/documents', name: 'Documents' },
  { path: '/batch-sizes', name: 'Batch sizes' },
  { path: '/quality', name: 'Quality' },
] as const;

/** A whole page: head with the bundled assets, skip link, navigation (current page marked), and `body`. */
export function page(options: { title: string; current: string; project: string; body: Html }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · truebatch dashboard</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/htmx.min.js"></script>
<script src="/assets/sse.min.js"></script>
<script src="/assets/uPlot.iife.min.js"></script>
<script src="/assets/dashboard.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">truebatch dashboard</span>
  <span class="project">${options.project}</span>
  <nav aria-label="Pages"><ul>${PAGES.map(
    (each) => html`<li><a href="${each.path}"${raw(each.path === options.current ? ' aria-current="page"' : '')}>${each.name}</a></li>`,
  )}</ul></nav>
</header>
<main id="main">
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>`;
}

/**
 * A region that the server's event stream replaces live: it listens on `/events?view=<view>` and swaps in the
 * fragment of event `<view>`. `inner` is its first rendering.
 */
export function liveRegion(view: string, query: string, inner: Html): Html {
  return html`<div hx-ext="sse" sse-connect="/events?view=${view}${query === '' ? '' : `&${query}`}">
  <p class="live" aria-hidden="true">Live: updates as the ledger changes.</p>
  <div id="live-${view}" sse-swap="${view}" aria-live="polite">${inner}</div>
</div>`;
}

/** A link to a document's page. */
export function documentLink(stage: string, key: string): Html {
  return html`<a href="/document?stage=${encodeURIComponent(stage)}&amp;key=${encodeURIComponent(key)}">${key}</a>`;
}

/** A state, styled by its name. */
export function stateText(state: string): Html {
  return html`<span class="state ${state}">${state.replace('_', ' ')}</span>`;
}

/** A uPlot chart drawn by dashboard.js from `spec`, with `table` as its accessible equivalent. */
export function chart(caption: string, spec: ChartSpec, table: Html): Html {
  // JSON in a script element: `<` escaped so no `</script>` can end it early.
  const json = JSON.stringify(spec).replaceAll('<', '\\u003c');
  return html`<figure class="chart"><figcaption>${caption}</figcaption>
  <div class="plot" aria-hidden="true"></div>
  <script type="application/json">${raw(json)}</script>
  <details><summary>Data as a table</summary><div class="scroll">${table}</div></details>
</figure>`;
}

/** What dashboard.js draws: x values, one y array per series. */
export interface ChartSpec {
  xLabel: string;
  yLabel: string;
  /** x values are epoch seconds. */
  time?: boolean;
  /** Points only, no lines (a scatter). */
  points?: boolean;
  series: string[];
  x: number[];
  ys: (number | null)[][];
}

/** Previous/next links for a paginated table. */
export function pager(path: string, params: Record<string, string>, pageNo: number, more: boolean): Html {
  const href = (n: number): string => `${path}?${new URLSearchParams({ ...params, page: String(n) }).toString()}`;
  return html`<nav class="pager" aria-label="Pages of this table">
  ${pageNo > 1 ? html`<a href="${href(pageNo - 1)}">← previous</a>` : ''}
  <span class="muted">page ${pageNo}</span>
  ${more ? html`<a href="${href(pageNo + 1)}">next →</a>` : ''}
</nav>`;
}

/** A positive page number from a query parameter (1 when absent or not a number). */
export function pageNumber(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}
