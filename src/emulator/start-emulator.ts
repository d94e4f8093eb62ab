/**
 * @module `startEmulator`: serves an emulator on a TCP port (0 = any free one) with its background job loop,
 * so the official SDK and curl can reach it over real HTTP.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, errorMessage } from '../shared/index.ts';
import { ANTHROPIC_PREFIX } from './anthropic/routes.ts';
import { createEmulator, type Emulator, type EmulatorOptions } from './emulator.ts';
import { OPENAI_BASE_PATH } from './openai/index.ts';
import type { EmulatorStats } from './stats.ts';

/** Where to listen, on top of the emulator's own options. */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** @default '127.0.0.1' */
  host?: string | undefined;
  /** 0 picks a free port. @default 0 */
  port?: number | undefined;
}

/** An emulator listening on a port. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` plus any base path, no trailing slash: the SDK's `httpOptions.baseUrl`. */
  readonly url: string;
  /** `url` + `/openai/v1`: the OpenAI SDK's `baseURL` (`OPENAI_BASE_URL`). */
  readonly openaiUrl: string;
  /** `http://127.0.0.1:PORT/anthropic`: the Anthropic SDK's `baseURL` (whatever the Gemini base path). */
  readonly anthropicUrl: string;
  readonly port: number;
  readonly emulator: Emulator;
  stats(): EmulatorStats;
  /** Processes all work that is due by the clock now. */
  advance(): Promise<void>;
  /** Stops accepting connections, drops open ones, stops the job loop and cleans up. */
  close(): Promise<void>;
}

function listen(emulator: Emulator, host: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // overrideGlobalObjects: false keeps the process's own Request/Response untouched (tests share it).
    const server = serve({ fetch: emulator.app.fetch, hostname: host, port, overrideGlobalObjects: false }, () => {
      server.off('error', reject);
      resolve(server);
    });
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/** Starts an emulator on `host:port` and its job loop. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = createEmulator(options);
  const host = options.host ?? '127.0.0.1';
  let server: ServerType;
  try {
    server = await listen(emulator, host, options.port ?? 0);
  } catch (error) {
    await emulator.close();
    throw new ConfigError(`the emulator cannot listen on ${host}:${options.port ?? 0}: ${errorMessage(error)}`, { cause: error });
  }
  emulator.startJobLoop();
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  let closing: Promise<void> | undefined;
  const url = `http://${urlHost}:${port}${basePath}`;
  return {
    url,
    openaiUrl: `${url}${OPENAI_BASE_PATH}`,
    anthropicUrl: `http://${urlHost}:${port}${ANTHROPIC_PREFIX}`,
    port,
    emulator,
    stats: () => emulator.stats(),
    advance: () => emulator.advance(),
    close() {
      closing ??= (async () => {
        await closeServer(server);
        await emulator.close();
      })();
      return closing;
    },
  };
}
