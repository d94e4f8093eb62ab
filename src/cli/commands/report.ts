/** @module `truebatch report`: the project's cost and outcome report, as Markdown, JSON or one HTML page. */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { openProjectLedger } from '../../create-truebatch.ts';
import { writeFileAtomic } from '../../outputs/index.ts';
import { buildReport, renderHtml, renderMarkdown, type RunReport } from '../../report/index.ts';
import { systemClock } from '../../shared/index.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { loadConfigFromFlags } from '../load-config.ts';
import { stagesFromFlag } from '../project-session.ts';

type ReportFormat = 'md' | 'json' | 'html';

function render(report: RunReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'html' ? renderHtml(report) : renderMarkdown(report);
}

/** Registers `report`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('cost and outcome report from the ledger: documents and requests, outcomes, tokens, estimated and actual cost, saving, job ' +
      'times, repairs, why attempts failed, top validation problems')
    .option('--stage <name>', 'only this stage')
    .addOption(new Option('--format <format>', 'md, json or html (a self-contained page); --json means json').choices(['md', 'json', 'html']))
    .option('--out <file>', 'write the report to this file (atomically) instead of printing it')
    .action(async (flags: { stage?: string; format?: ReportFormat; out?: string }, command: Command) => {
      const options = globalOptions(command);
      const config = await loadConfigFromFlags(options);
      const stages = flags.stage === undefined ? undefined : stagesFromFlag(config, flags.stage).map((stage) => stage.name);
      const ledger = openProjectLedger(config);
      let report: RunReport;
      try {
        report = buildReport(ledger, config, { ...(stages === undefined ? {} : { stages }), clock: systemClock });
      } finally {
        ledger.close();
      }
      const format: ReportFormat = flags.format ?? (options.json ? 'json' : 'md');
      const text = render(report, format);
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const path = resolve(process.cwd(), flags.out);
      await mkdir(dirname(path), { recursive: true });
      writeFileAtomic(path, text);
      printResult(options, { out: path, format }, () => `Wrote the ${format} report to ${path}.`);
    });
}
