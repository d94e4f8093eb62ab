/**
 * @module Finding the request one document becomes in one stage, from the config and the corpus (or the upstream
 * stage's outputs), through the same preparation planning uses (`prepareDocuments`, which planning runs on its
 * workers): nothing is recorded and no provider is asked.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { suggestKey } from '../config/index.ts';
import { DocumentIds, walkCorpus } from '../corpus/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { renderKey } from '../requests/index.ts';
import { ConfigError } from '../shared/index.ts';
import { requestSpecOf } from './plan-stage.ts';
import { isPrepareTask, prepareDocuments, type Prepared, type PrepareRecipe } from './prepare-document.ts';
import { upstreamDocuments, type StageEntry } from './stage-documents.ts';

/** A request to find: by its key, or (`by: 'document'`) by its document's id (or its key) in `stages`. */
export interface RequestTarget {
  by: 'key' | 'document';
  value: string;
}

/** The found request of a stage, prepared exactly as planning prepares it. */
export interface FoundRequest {
  stage: StageConfig;
  prepared: Extract<Prepared, { kind: 'request' }>;
}

/** What searching saw: each key with its stage (for "did you mean"), and each document id with its keys. */
interface Seen {
  keys: Map<string, string>;
  ids: Map<string, string[]>;
}

function remember(seen: Seen, key: string, stage: string, id: string): void {
  seen.keys.set(key, stage);
  seen.ids.set(id, [...(seen.ids.get(id) ?? []), key]);
}

function nothingSeen(): Seen {
  return { keys: new Map(), ids: new Map() };
}

/** A document's path for people: a corpus file's within the project (as in lineage); an upstream output's already is. */
export function documentPathOf(stage: StageConfig, document: Extract<Prepared, { kind: 'request' }>['document']): string {
  return stage.input.kind === 'files' ? (document.lineage.document?.path ?? document.path) : document.path;
}

function matches(target: RequestTarget, key: string, id: string): boolean {
  return key === target.value || (target.by === 'document' && id === target.value);
}

function recipeOf(config: ProjectConfig, stage: StageConfig): PrepareRecipe {
  return { spec: requestSpecOf(stage), idField: stage.input.kind === 'files' ? stage.input.idField : undefined, projectDir: config.projectDir, provider: stage.provider };
}

function entriesOf(config: ProjectConfig, ledger: Ledger, stage: StageConfig): AsyncIterable<StageEntry> | Iterable<StageEntry> {
  return stage.input.kind === 'files'
    ? walkCorpus(stage.input)
    : upstreamDocuments(config, ledger, stage.input.stage, stage.input.withDocument, new Map<string, string>());
}

/** Searches one stage; returns the request, or undefined after adding what it saw to `seen`. */
async function searchStage(config: ProjectConfig, ledger: Ledger, stage: StageConfig, target: RequestTarget, seen: Seen): Promise<FoundRequest | undefined> {
  const ids = new DocumentIds();
  const recipe = recipeOf(config, stage);
  // Prepared here, one at a time, not on planning's worker threads: the search usually ends long before the corpus
  // does, and starting the workers would take longer than reading a small corpus.
  for await (const entry of entriesOf(config, ledger, stage)) {
    if (!isPrepareTask(entry)) continue;
    const [prepared] = await prepareDocuments([entry], recipe);
    if (prepared === undefined || prepared.kind === 'unreadable') continue;
    const { id } = prepared.document;
    const path = documentPathOf(stage, prepared.document);
    // As in planning: the later file with an id already taken is not a document of the stage.
    if (entry.kind === 'file' && ids.claim(id, path) !== undefined) continue;
    const key = prepared.kind === 'request' ? prepared.key : renderKey(stage.keyTemplate, { id, stage: stage.name });
    remember(seen, key, stage.name, id);
    if (!matches(target, key, id)) continue;
    if (prepared.kind === 'unrenderable') throw new ConfigError(`${stage.name} ${key} (${path}): its request cannot be built: ${prepared.reason}`);
    return { stage, prepared };
  }
  return undefined;
}

/** The stage a stage takes its documents from, followed up to a files stage. */
function rootStageOf(config: ProjectConfig, stage: StageConfig): StageConfig {
  let current = stage;
  for (let hops = 0; current.input.kind === 'stage' && hops < config.stages.length; hops++) {
    const upstream: string = current.input.stage;
    current = config.stages.find((candidate) => candidate.name === upstream) ?? current;
  }
  return current;
}

/**
 * Finds `target` among the requests of `stages`. Throws ConfigError (a usage error) when it names nothing (with
 * a "did you mean"), when its request cannot be built, or when it belongs to a stage whose upstream output for that
 * document does not exist yet.
 */
export async function findStageRequest(
  input: { config: ProjectConfig; ledger: Ledger },
  stages: readonly StageConfig[],
  target: RequestTarget,
): Promise<FoundRequest> {
  const { config, ledger } = input;
  const seen = nothingSeen();
  for (const stage of stages) {
    const found = await searchStage(config, ledger, stage, target, seen);
    if (found) return found;
  }
  // A downstream request exists only once its upstream output does: its documents are the root corpus's.
  for (const stage of stages) {
    if (stage.input.kind !== 'stage') continue;
    const root = rootStageOf(config, stage);
    const rootSeen = nothingSeen();
    // Searched for a key no document has (keys are never empty), to list the documents.
    if (root.input.kind === 'files') await searchStage(config, ledger, root, { by: 'key', value: '' }, rootSeen);
    for (const id of rootSeen.ids.keys()) {
      const key = renderKey(stage.keyTemplate, { id, stage: stage.name });
      if (matches(target, key, id)) throw new ConfigError(upstreamMissingMessage(config, ledger, stage, key, id));
      if (!seen.keys.has(key)) remember(seen, key, stage.name, id);
    }
  }
  throw new ConfigError(notFoundMessage(target, stages, seen));
}

/** Why a downstream request cannot be shown yet: its upstream request for the document has no valid output. */
function upstreamMissingMessage(config: ProjectConfig, ledger: Ledger, stage: StageConfig, key: string, id: string): string {
  const upstream = stage.input.kind === 'stage' ? stage.input.stage : '';
  const upstreamStage = config.stages.find((candidate) => candidate.name === upstream);
  const upstreamKey = upstreamStage === undefined ? undefined : renderKey(upstreamStage.keyTemplate, { id, stage: upstream });
  const request = upstreamKey === undefined ? undefined : ledger.requestByKey(upstream, upstreamKey);
  const head = `${stage.name} ${key}: its request is built from the output of ${upstream} for document ${id}`;
  if (request?.state === 'given_up') {
    return `${head}, and ${upstream} gave up on ${request.key} (${request.last_reason ?? 'no reason recorded'}): it never enters ${stage.name}`;
  }
  return `${head}, which does not exist yet${request === undefined ? '' : ` (${request.key} is ${request.state})`}; ` +
    `run \`truebatch run --stage ${upstream}\` (or \`truebatch run\`) first, then show it`;
}

function notFoundMessage(target: RequestTarget, stages: readonly StageConfig[], seen: Seen): string {
  const where = stages.length === 1 ? `stage ${stages[0]?.name ?? ''}` : 'any stage';
  if (target.by === 'document') {
    const suggestion = suggestKey(target.value, [...seen.ids.keys()]);
    return `no document with id ${target.value} in ${where}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
  }
  const keysOfDocument = seen.ids.get(target.value);
  if (keysOfDocument !== undefined) {
    const keys = keysOfDocument.map((key) => `${key} (${seen.keys.get(key) ?? ''})`).join(', ');
    return `no request key ${target.value}: that is a document id; its request keys are ${keys} (or use --stage S ${target.value})`;
  }
  const suggestion = suggestKey(target.value, [...seen.keys.keys()]);
  return `no request key ${target.value} in ${where}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
}
