/** @module `truebatch lineage`: where an output came from, or what depends on a document. */
import type { Command } from 'commander';
import { dependentsOf, findRequest, provenanceOf, vectorRowOf, type Provenance, type VectorRow } from '../../engine/index.ts';
import { ConfigError, NotFoundError } from '../../shared/index.ts';
import { table } from '../format.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';

function describe(node: Provenance & { vectors?: VectorRow }, indent = ''): string {
  const lines = [
    `${indent}${node.stage} ${node.key}: ${node.state}${node.outputPath ? ` → ${node.outputPath}` : ''}`,
    `${indent}  fingerprint ${node.fingerprint.slice(0, 16)}…  model ${node.model}`,
  ];
  if (node.vectors) lines.push(`${indent}  vector row ${node.vectors.row} of ${node.vectors.file}`);
  if (node.document) lines.push(`${indent}  document ${node.document.id} (${node.document.path}, sha256 ${node.document.contentHash.slice(0, 12)}…)`);
  if (node.prompt) lines.push(`${indent}  prompt ${node.prompt.file ?? '(inline)'} sha256 ${node.prompt.sha256.slice(0, 12)}…; generationConfig sha256 ${(node.generationConfigSha256 ?? '').slice(0, 12)}…`);
  if (node.reusedAttempt !== null) lines.push(`${indent}  answer reused from attempt ${node.reusedAttempt} (identical request)`);
  for (const attempt of node.attempts) {
    const files = attempt.documentFiles === null ? '' : `, document ${attempt.documentFiles}`;
    lines.push(`${indent}  attempt ${attempt.attempt}: ${attempt.state} in ${attempt.job} (${attempt.remoteJob ?? 'not submitted'}${files})${attempt.reason ? `: ${attempt.reason}` : ''}`);
  }
  const grounding = node.sources?.grounding;
  if (grounding) {
    if (grounding.queries.length > 0) lines.push(`${indent}  searched: ${grounding.queries.join('; ')}`);
    grounding.sources.forEach((source, index) => {
      const supported = grounding.supports.filter((support) => support.sources.includes(index)).length;
      lines.push(`${indent}  source ${index + 1}: ${source.title ?? '(untitled)'} <${source.uri ?? 'no URI'}>${supported > 0 ? `, supports ${supported} statement(s)` : ''}`);
    });
  }
  for (const citation of node.sources?.citations ?? []) lines.push(`${indent}  cites ${citation.title ?? '(untitled)'} <${citation.uri ?? 'no URI'}>`);
  for (const parent of node.upstream) lines.push(`${indent}  from:`, describe(parent, `${indent}    `));
  return lines.join('\n');
}

/** Runs `find`; a target that names nothing is the user's to fix, as a wrong argument is: a usage error (exit 2). */
function lookUp<T>(find: () => T): T {
  try {
    return find();
  } catch (error) {
    if (error instanceof NotFoundError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}

/** Registers `lineage`. */
export function registerLineageCommand(program: Command): void {
  program
    .command('lineage')
    .description("an output's provenance (by output file or request key), or with --dependents what a document feeds")
    .argument('<target>', 'an output file (from here or the project folder), a request key, or with --dependents a document id')
    .option('--dependents', 'list every request derived from the document id <target>', false)
    .action(async (target: string, flags: { dependents: boolean }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, async (ledger, config) => {
        if (flags.dependents) {
          const dependents = lookUp(() => dependentsOf(ledger, target));
          printResult(options, { document: target, dependents }, () =>
            table([['stage', 'key', 'state', 'output'], ...dependents.map((d) => [d.stage, d.key, d.state, d.outputPath ?? '-'])]),
          );
          return;
        }
        const found = provenanceOf(ledger, lookUp(() => findRequest(ledger, target, [process.cwd(), config.projectDir])));
        // An embedding's row in its stage's consolidated files, beside its own output.
        const stage = config.stages.find((each) => each.name === found.stage);
        const vectors = stage && found.document ? await vectorRowOf(stage, found.document.id) : undefined;
        const provenance = vectors === undefined ? found : { ...found, vectors };
        printResult(options, provenance, () => describe(provenance));
      });
    });
}
