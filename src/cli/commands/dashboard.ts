/**
 * @module `truebatch dashboard`: serves the project's web dashboard until SIGINT/SIGTERM, reading the ledger
 * read-only (never the project lock, so it runs beside `truebatch run`), and prints one line with its address once
 * it accepts connections.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { projectPrices, stateDirOf } from '../../create-truebatch.ts';
import { DASHBOARD_PORT, startDashboard } from '../../dashboard/index.ts';
import { openLedgerReadOnly } from '../../ledger/index.ts';
import { systemClock } from '../../shared/index.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { loadConfigFromFlags } from '../load-config.ts';
import { integerFlag, waitForStopSignal } from './emulator.ts';

interface DashboardFlags {
  host: string;
  port: string;
  token?: string;
  open: boolean;
}

/** Opens `url` in the desktop's browser, if there is one; the printed address serves otherwise. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`truebatch: could not open a browser (${command}); open ${url}\n`));
  child.unref();
}

/** Registers `truebatch dashboard`. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve a live, read-only web dashboard of the project (stages, jobs, success rates, documents, batch sizes, quality)')
    .option('--host <host>', 'interface to listen on; anything but a loopback address needs --token', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', String(DASHBOARD_PORT))
    .option('--token <secret>', 'require this token on every request (the printed address carries it once; then a cookie)')
    .option('--open', 'open the dashboard in the default browser', false)
    .action(async (flags: DashboardFlags, command: Command) => {
      const options = globalOptions(command);
      const port = integerFlag('--port', flags.port, 0, 65535);
      const config = await loadConfigFromFlags(options);
      const ledger = openLedgerReadOnly(join(stateDirOf(config), 'ledger.db'), systemClock);
      try {
        const stopped = waitForStopSignal();
        const dashboard = await startDashboard({ config, ledger, prices: projectPrices(config), clock: systemClock }, { host: flags.host, port, token: flags.token });
        const url = flags.token === undefined ? dashboard.url : `${dashboard.url}/?token=${encodeURIComponent(flags.token)}`;
        printResult(options, { url: dashboard.url, port: dashboard.port }, () => `truebatch dashboard at ${url}`);
        if (flags.open) openBrowser(url);
        await stopped;
        await dashboard.close();
      } finally {
        ledger.close();
      }
    });
}
