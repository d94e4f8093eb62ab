/** @module `truebatch show`: the exact request a document becomes, before anything is submitted or paid for. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatUsd } from '../../cost/index.ts';
import { findRequest, showRequest, type RequestPreview, type RequestTarget } from '../../engine/index.ts';
import type { Ledger, RequestRow } from '../../ledger/index.ts';
import { ConfigError, NotFoundError } from '../../shared/index.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';
import { stagesFromFlag } from '../project-session.ts';

function describe(preview: RequestPreview): string {
  const { status, estimatedTokens: tokens, estimatedCost: cost } = preview;
  return [
    `stage ${preview.stage}, key ${preview.key}, document ${preview.document.id} (${preview.document.path})`,
    `model ${preview.model}, fingerprint ${preview.fingerprint}`,
    `estimated tokens ${tokens.input} in, ${tokens.output} out: ${formatUsd(cost.batchUsd)} at the batch price (${formatUsd(cost.standardUsd)} interactive)`,
    `status ${status.state} (${status.change}): ${status.detail}`,
    '',
    'Batch input line (exactly as the next run writes it to the JSONL file):',
    preview.line,
    '',
    ...(preview.system === null ? [] : ['System instruction:', preview.system, '']),
    'Prompt:',
    preview.prompt,
    ...(preview.repairNote === null ? [] : ['', 'Repair note (appended by the next attempt):', preview.repairNote]),
  ].join('\n');
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The request that wrote the output file `path`; a file no request wrote is a usage error. */
function requestOfOutput(ledger: Ledger, path: string, folders: readonly string[]): RequestRow {
  try {
    return findRequest(ledger, path, folders);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new ConfigError(`${path} is a file, but no request wrote it: pass a request key, or --stage S and a document id`, { cause: error });
  }
}

/** Registers `show`. */
export function registerShowCommand(program: Command): void {
  program
    .command('show')
    .description(
      'the exact request a document becomes: its batch input line, rendered prompt, fingerprint, model, estimated ' +
        'tokens and cost, and whether it is pending, cached, valid, in a job, given up or too large; contacts no ' +
        'provider and records nothing',
    )
    .argument('<target>', 'a request key, an output file, or with --stage a document id')
    .option('--stage <name>', 'look in this stage only; <target> may then be a document id')
    .action(async (target: string, flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, async (ledger, config, session) => {
        const folders = [process.cwd(), config.projectDir];
        // Without --stage, <target> is an output file when there is one by that name, else a request key.
        const output = flags.stage === undefined && folders.some((folder) => isFile(resolve(folder, target)))
          ? requestOfOutput(ledger, target, folders)
          : undefined;
        const stages = stagesFromFlag(config, output?.stage ?? flags.stage);
        const wanted: RequestTarget = output
          ? { by: 'key', value: output.key }
          : { by: flags.stage === undefined ? 'key' : 'document', value: target };
        const preview = await showRequest({ config, ledger, prices: session.prices }, stages, wanted);
        printResult(options, preview, () => describe(preview));
      });
    });
}
