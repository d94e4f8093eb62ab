/**
 * @module `truebatch init [DIR]`: writes a new project (config, prompt, schema) for the documents in DIR, plans it,
 * and prints the command to run next.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CONFIG_FILE_NAMES } from '../../config/index.ts';
import { formatUsd } from '../../cost/index.ts';
import { previewRun, type RunPreview } from '../../engine/index.ts';
import { DOCUMENT_FOLDERS, DOCUMENT_KINDS, prepareProject, type DocumentKind, type PreparedProject } from '../../project-init/index.ts';
import { ConfigError } from '../../shared/index.ts';
import { globalOptions, printResult, type GlobalOptions } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function requireFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new ConfigError(`${dir} is not a folder: give truebatch init the folder that holds your documents (or their papers/ folder)`);
  }
}

/** An existing project is never overwritten. */
async function refuseExistingConfig(dir: string): Promise<void> {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(dir, name);
    if (await exists(file)) {
      throw new ConfigError(
        `${file} already exists; truebatch init never overwrites a project. Run \`truebatch plan\` to use it, ` +
          'or move it away and run truebatch init again',
      );
    }
  }
}

/** Refuses before writing anything: a prompt or schema already there is never overwritten either. */
async function refuseExistingFiles(dir: string, project: PreparedProject): Promise<void> {
  for (const file of project.template.files) {
    const target = path.join(dir, file.path);
    if (await exists(target)) throw new ConfigError(`${target} already exists; truebatch init never overwrites a file. Move it away and run truebatch init again`);
  }
}

async function writeProject(dir: string, project: PreparedProject): Promise<void> {
  for (const file of project.template.files) {
    const target = path.join(dir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    // `wx`: a file that appeared since the check is still not overwritten.
    await writeFile(target, file.text, { flag: 'wx' });
  }
}

/** The command that runs the new project from where the user is. */
function nextCommand(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  if (relative === '') return 'truebatch run';
  const shown = relative.startsWith('..') ? dir : relative;
  return `truebatch --project ${/[\s'"$`\\]/.test(shown) ? JSON.stringify(shown) : shown} run`;
}

function describeInit(dir: string, project: PreparedProject, plan: RunPreview, next: string): string {
  const { documents, template } = project;
  const where = documents.folder === '.' ? dir : path.join(dir, documents.folder);
  const kind = documents.kind === 'json' ? 'JSON' : 'text';
  const cost = plan.estimatedCost;
  const lines = [
    `Found ${documents.files.length} ${kind} document(s) in ${where}${path.sep}; the prompt uses ${template.placeholders.map((name) => `{{${name}}}`).join(', ')}.`,
    `Wrote ${template.files.map((file) => file.path).join(', ')} in ${dir}${path.sep} (provider: emulator, which needs no API key).`,
    '',
    `Plan: ${plan.requests.toSubmit} request(s) in ${plan.shards.length} shard(s); about ${plan.estimatedTokens.input} input and ` +
      `${plan.estimatedTokens.output} output tokens; ${formatUsd(cost.batchUsd)} at Gemini's batch price (${formatUsd(cost.standardUsd)} interactive).`,
    ...plan.invalid.map((issue) => `invalid ${issue.path}: ${issue.reason}`),
    '',
    `Next: ${next}`,
  ];
  return lines.join('\n');
}

/** Registers `init`. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      `write a new project for the documents in DIR (looked for in ${DOCUMENT_FOLDERS.map((f) => (f === '.' ? 'DIR itself' : `DIR/${f}`)).join(', then ')}): ` +
        'a commented truebatch.config.yaml on the emulator, a prompt using the documents\' fields, a JSON schema; then plan it',
    )
    .argument('[dir]', 'the project folder (default: --project, else the current folder)')
    .addOption(new Option('--documents <kind>', 'the kind of documents to use, instead of the kind most files have (pdf: not supported yet)').choices(DOCUMENT_KINDS))
    .action(async (dirArgument: string | undefined, flags: { documents?: DocumentKind }, command: Command) => {
      const options = globalOptions(command);
      const dir = path.resolve(process.cwd(), dirArgument ?? options.project);
      await requireFolder(dir);
      await refuseExistingConfig(dir);
      const project = await prepareProject(dir, flags.documents);
      await refuseExistingFiles(dir, project);
      await writeProject(dir, project);
      const projectOptions: GlobalOptions = { ...options, project: dir, config: undefined };
      const plan = await withLedger(projectOptions, false, (ledger, config, session) =>
        previewRun({ config, ledger, prices: session.prices }, config.stages),
      );
      const next = nextCommand(dir);
      const result = {
        projectDir: dir,
        documents: { folder: project.documents.folder, kind: project.documents.kind, count: project.documents.files.length },
        placeholders: project.template.placeholders,
        files: project.template.files.map((file) => file.path),
        plan,
        next,
      };
      printResult(options, result, () => describeInit(dir, project, plan, next));
    });
}
