/** @module `startDashboard`: serves a project's dashboard over HTTP, read-only, on 127.0.0.1 unless told otherwise. */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, errorMessage } from '../shared/index.ts';
import { createDashboardApp } from './app.ts';
import type { DashboardProject } from './context.ts';

/** Where to listen and who may look. */
export interface DashboardOptions {
  /** @default '127.0.0.1' */
  host?: string | undefined;
  /** 0 picks a free port. @default 8788 */
  port?: number | undefined;
  /** Required for any host but a loopback one; then checked on every request. */
  token?: string | undefined;
}

/** A dashboard listening on a port. */
export interface RunningDashboard {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends open event streams. */
  close(): Promise<void>;
}

/** The dashboard's default port. */
export const DASHBOARD_PORT = 8788;

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Starts the dashboard for `project` (whose ledger the caller opened read-only and closes). Binding a host other
 * than a loopback one without a token is refused: the dashboard shows prompts, answers and outputs.
 */
export async function startDashboard(project: DashboardProject, options: DashboardOptions = {}): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  if (!loopback && (options.token === undefined || options.token === '')) {
    throw new ConfigError(`--host ${host} lets other machines in: it needs --token <secret> (or bind 127.0.0.1)`);
  }
  const app = createDashboardApp(project, { token: options.token || undefined, loopbackOnly: loopback && !options.token });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: host, port: options.port ?? DASHBOARD_PORT, overrideGlobalObjects: false }, () => {
      listening.off('error', reject);
      resolve(listening);
    });
    listening.once('error', reject);
  }).catch((error: unknown) => {
    throw new ConfigError(`the dashboard cannot listen on ${host}:${options.port ?? DASHBOARD_PORT}: ${errorMessage(error)}`, { cause: error });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
