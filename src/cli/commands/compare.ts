/** @module `truebatch compare --stage S`: a stage's variants side by side, from the ledger and their outputs (#19). */
import type { Command } from 'commander';
import { formatUsd } from '../../cost/index.ts';
import { compareVariants, rateText, type VariantComparison, type VariantPairAgreement } from '../../quality/index.ts';
import { table } from '../format.ts';
import { failuresText, repairFieldsText, repairsText } from '../format-outcome.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';

/** Registers `compare`. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description("a stage's variants side by side: valid rate, repairs, retries, tokens, cost per document, and how far their answers agree field by field")
    .requiredOption('--stage <name>', 'the stage whose variants to compare')
    .action(async (flags: { stage: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, (ledger, config, session) => {
        const comparison = compareVariants(ledger, config.stages, flags.stage, session.prices);
        printResult(options, comparison, () => formatComparison(comparison));
      });
    });
}

function formatComparison(comparison: VariantComparison): string {
  const rows: string[][] = [['variant', 'model', 'valid', 'attempts', 'retries', 'tokens in/out', 'batch cost', 'per document']];
  for (const v of comparison.variants) {
    rows.push([
      v.variant, v.model, rateText(v.valid), String(v.attempts), String(v.retries), `${v.tokens.prompt}/${v.tokens.output + v.tokens.thoughts}`,
      v.cost.kind === 'unknown' ? 'unknown' : formatUsd(v.cost.batchUsd),
      v.costPerDocumentUsd === undefined ? '-' : formatUsd(v.costPerDocumentUsd),
    ]);
  }
  const lines = [`${comparison.stage}: ${comparison.variants.length} variants`, table(rows), ''];
  for (const v of comparison.variants) {
    const failures = failuresText(v);
    lines.push(`${v.variant}: repaired answers: ${repairsText(v)}; resubmitted after: ${failures.resubmitted}` +
      (failures.notResubmitted === undefined ? '' : `; failed, not resubmitted: ${failures.notResubmitted}`));
    const fields = repairFieldsText(v);
    if (fields !== undefined) lines.push(`  by field: ${fields}`);
  }
  for (const pair of comparison.pairs) lines.push('', formatPair(pair));
  return lines.join('\n');
}

function formatPair(pair: VariantPairAgreement): string {
  const head = `${pair.a} vs ${pair.b}: ${pair.documents} document(s) valid in both; every field agrees in ${rateText(pair.agreement.overall)}`;
  const rows = [['field', 'kind', 'agrees'], ...pair.agreement.fields.map((field) => [field.path, field.kind, rateText(field)])];
  const unreadable = pair.unreadable.map((file) => `  not compared: ${file.path}: ${file.reason}`);
  return [head, ...(pair.documents > 0 ? [table(rows)] : []), ...unreadable].join('\n');
}
