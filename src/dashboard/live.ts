/**
 * @module Live updates: `/events?view=<view>` is a server-sent event stream that checks the ledger every
 * {@link POLL_MS} with `PRAGMA data_version` (a counter SQLite moves when another connection commits: free to read)
 * and, when it moved, sends the view's fragment rendered afresh as the event named after the view, which the htmx SSE
 * extension swaps in.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { DashboardContext } from './context.ts';
import type { Html } from './html.ts';

/** How often the ledger is checked for a writer's commits. */
export const POLL_MS = 500;

/** Renders a view's live fragment. */
export type LiveView = (context: DashboardContext, query: URLSearchParams) => Html;

/** Streams `render`'s fragment on every change of the ledger, from the first moment (the page may be stale by then). */
export function liveStream(c: Context, context: DashboardContext, view: string, render: LiveView): Response {
  const query = new URL(c.req.url).searchParams;
  return streamSSE(c, async (stream) => {
    let seen: number | undefined;
    while (!stream.aborted && !stream.closed) {
      const version = context.ledger.dashboard.dataVersion();
      if (version !== seen) {
        seen = version;
        await stream.writeSSE({ event: view, data: String(await render(context, query)) });
      }
      await stream.sleep(POLL_MS);
    }
  });
}
