/**
 * @module Planning a stage: list its documents (a corpus, or an upstream stage's valid outputs), render one
 * request per document, estimate its tokens, and record it — or, in preview mode (`truebatch plan`), only say
 * what would happen. Both modes take the same decisions (`upsertDecision`, `reuseStoredAnswer`); preview keeps
 * them in `decided` instead of writing them. Identical work already done (same fingerprint, valid answer stored)
 * is reused, not resubmitted.
 */
import { embeddingOptionsOf, generationOptionsOf, type ProjectConfig, type StageConfig } from '../config/index.ts';
import { checkExpectedCount, DocumentIds, documentIdsFor, walkCorpus } from '../corpus/index.ts';
import { upsertDecision, type Ledger, type Lineage, type RequestRow, type UpsertOutcome } from '../ledger/index.ts';
import { removeOutput } from '../outputs/index.ts';
import { canonicalJson, documentRef, type RequestSpec } from '../requests/index.ts';
import { contextPartsOf } from './stage-context.ts';
import { sha256Hex } from '../shared/index.ts';
import { compileValidator, type Validator } from '../validation/index.ts';
import { preparedEntries, type PreparedEntry } from './prepared-entries.ts';
import { reuseStoredAnswer } from './reuse-answer.ts';
import { upstreamDocuments, upstreamProgress, type OutputReader, type StageEntry } from './stage-documents.ts';

/** What planning found and decided for one stage. */
export interface StagePlan {
  stage: string;
  documents: number;
  excluded: { path: string; reason: string }[];
  invalid: { path: string; reason: string }[];
  /** Upstream requests not yet valid: their documents will enter this stage later. */
  waitingOnUpstream: number;
  /** Upstream requests given up: their documents never enter this stage. */
  blockedByUpstream: { key: string; reason: string }[];
  requests: Record<UpsertOutcome | 'cached', number>;
  /**
   * Unchanged requests left to (re)submit: retries of failed answers, given-up requests a raised `maxAttempts`
   * revives, or work a stop left unsent.
   */
  resubmissions: number;
  /**
   * Per request key of a listed document: the state planning leaves it in (what the run then submits: `pending`).
   * Kept by a preview only (`truebatch plan` lays it over the ledger); a run reads its work from the ledger, and a
   * million keys would take ~150 MB.
   */
  decided: Map<string, DecidedRequest>;
  /** Keys whose request changed (new fingerprint): the run drops their old output and answers them afresh. */
  redone: Set<string>;
  /** The PDFs and images among the documents: how many, their pages and bytes. */
  attachments: AttachmentCounts;
  /** Documents the run uploads (none live long enough): bytes by content hash. */
  uploads: Map<string, number>;
}

/** PDFs and images counted. */
export interface AttachmentCounts {
  pdfs: number;
  pages: number;
  images: number;
  bytes: number;
}

/** Where planning leaves one request: its state (or served from a stored answer), and a freshly rendered line. */
export interface DecidedRequest {
  state: RequestRow['state'] | 'cached';
  /**
   * For a new or changed request: its line's size and estimated tokens, as rendered now (not yet in the ledger), and
   * the ledger id a changed request keeps (the run cuts pending requests in id order).
   */
  fresh?: { lineSize: number; input: number; output: number; requestId?: number };
}

/** How a preview sees a downstream stage's input as the run will find it. */
export interface UpstreamView {
  /** Upstream requests the run starts afresh: their current outputs do not enter this stage in its first pass. */
  redone: ReadonlySet<string>;
  /** Reads an upstream output as the run will have restored it. */
  read: OutputReader;
}

/** Per-run memory of which upstream outputs each downstream stage has already planned. */
export type PlanMemory = Map<string, Map<string, string>>;

/** The request recipe of a stage. */
export function requestSpecOf(stage: StageConfig): RequestSpec {
  return {
    stageName: stage.name,
    model: stage.model,
    keyTemplate: stage.keyTemplate,
    promptTemplate: stage.prompt.template,
    ...(stage.prompt.system === undefined ? {} : { system: stage.prompt.system }),
    generation: generationOptionsOf(stage.generationConfig),
    ...(stage.task === 'embed' ? { embedding: embeddingOptionsOf(stage) } : {}),
    ...(stage.context === undefined ? {} : { context: contextPartsOf(stage.context) }),
    ...(stage.tools === undefined ? {} : { tools: stage.tools }),
    documents: stage.documents,
  };
}

function emptyPlan(stage: string): StagePlan {
  return {
    stage,
    documents: 0,
    excluded: [],
    invalid: [],
    waitingOnUpstream: 0,
    blockedByUpstream: [],
    requests: { new: 0, changed: 0, unchanged: 0, busy: 0, cached: 0 },
    resubmissions: 0,
    decided: new Map(),
    redone: new Set(),
    attachments: { pdfs: 0, pages: 0, images: 0, bytes: 0 },
    uploads: new Map(),
  };
}

/**
 * Plans `stage`. With `record`, writes documents, requests and corpus problems to the ledger and reuses stored
 * answers; with `preview`, changes nothing (a downstream stage then reads its input through `upstream`).
 * Documents are read and rendered on the planning worker while this thread records them. Throws ConfigError on an
 * expected-count mismatch.
 */
export async function planStage(
  input: {
    config: ProjectConfig; ledger: Ledger; memory: PlanMemory; mode: 'record' | 'preview'; upstream?: UpstreamView | undefined;
    /** Run after every `every` documents, with what is recorded so far committed and no transaction open (the run submits then). */
    meanwhile?: { every: number; run: () => Promise<void> } | undefined;
  },
  stage: StageConfig,
): Promise<StagePlan> {
  const { config, ledger, mode } = input;
  const plan = emptyPlan(stage.name);
  const validator = compileValidator(stage.validation);
  const shared = {
    prompt: { file: stage.prompt.templateFile, sha256: sha256Hex(stage.prompt.template) },
    systemSha256: stage.prompt.system === undefined ? undefined : sha256Hex(stage.prompt.system),
    model: stage.model,
    generationConfigSha256: sha256Hex(canonicalJson(stage.generationConfig)),
  };
  let entries: AsyncIterable<StageEntry> | Iterable<StageEntry>;
  if (stage.input.kind === 'files') {
    entries = walkCorpus(stage.input);
  } else {
    const upstream = stage.input.stage;
    let seen = input.memory.get(stage.name);
    if (!seen) input.memory.set(stage.name, (seen = new Map<string, string>()));
    const seenNow = mode === 'record' ? seen : new Map<string, string>();
    entries = upstreamDocuments(config, ledger, upstream, stage.input.withDocument, seenNow, input.upstream ?? {});
    const progress = upstreamProgress(ledger, upstream);
    plan.waitingOnUpstream = progress.waiting;
    plan.blockedByUpstream = progress.givenUp.map((row) => ({ key: row.key, reason: `${upstream} gave up: ${row.last_reason ?? 'unknown'}` }));
  }
  const recipe = {
    spec: requestSpecOf(stage),
    idField: stage.input.kind === 'files' ? stage.input.idField : undefined,
    projectDir: config.projectDir,
    provider: stage.provider,
  };
  // A file an earlier plan recorded for an id keeps it: a newcomer with the same id never takes its outputs over.
  const ids = stage.input.kind === 'files' ? documentIdsFor(stage.input, (id) => ledger.documents.pathOf(stage.name, id)) : new DocumentIds();
  let sinceMeanwhile = 0;
  await ledger.batched(async (tick, outside) => {
    for await (const entry of preparedEntries(entries, recipe)) {
      if (entry.kind === 'prepared') planPrepared(input, stage, { validator, shared, ids }, entry, plan);
      else (entry.kind === 'excluded' ? plan.excluded : plan.invalid).push({ path: entry.path, reason: entry.reason });
      tick();
      if (input.meanwhile && ++sinceMeanwhile >= input.meanwhile.every) {
        sinceMeanwhile = 0;
        await outside(input.meanwhile.run);
      }
    }
  });
  if (stage.input.kind === 'files') {
    checkExpectedCount(stage.input.expectedCount, plan.documents + plan.invalid.length, stage.input.dir);
    if (mode === 'record') {
      ledger.documents.replaceIssues(stage.name, [
        ...plan.excluded.map((issue) => ({ ...issue, kind: 'excluded' as const })),
        ...plan.invalid.map((issue) => ({ ...issue, kind: 'invalid' as const })),
      ]);
    }
  }
  return plan;
}

/** Records one prepared document (or says why it is not one) and counts what will happen to its request. */
function planPrepared(
  input: { config: ProjectConfig; ledger: Ledger; mode: 'record' | 'preview' },
  stage: StageConfig,
  context: { validator: Validator; shared: Omit<Lineage, 'document' | 'upstream' | 'fingerprint'>; ids: DocumentIds },
  entry: Extract<PreparedEntry, { kind: 'prepared' }>,
  plan: StagePlan,
): void {
  const { ledger, mode } = input;
  const { prepared } = entry;
  if (prepared.kind === 'unreadable') {
    plan.invalid.push({ path: prepared.path, reason: prepared.reason });
    return;
  }
  const { document } = prepared;
  // Corpus ids are claimed in scan order: the file that keeps an id is the recorded one, else the first (document-ids.ts).
  const taken = entry.task.kind === 'file' ? context.ids.claim(document.id, document.path) : undefined;
  if (taken !== undefined) {
    plan.invalid.push({ path: document.path, reason: taken });
    return;
  }
  if (prepared.kind === 'unrenderable') {
    plan.invalid.push({ path: document.path, reason: prepared.reason });
    return;
  }
  const { key, fingerprint, requestJson, estimate } = prepared;
  if (estimate.input > stage.maxInputTokens) {
    plan.invalid.push({
      path: document.path,
      reason: `too large: about ${estimate.input} input tokens, over maxInputTokens ${stage.maxInputTokens} (${document.sizeBytes} bytes); not sent`,
    });
    return;
  }
  plan.documents++;
  const { attachment } = document;
  if (attachment) {
    if (attachment.format === 'pdf') plan.attachments.pdfs++;
    else plan.attachments.images++;
    plan.attachments.pages += attachment.pages ?? 0;
    plan.attachments.bytes += attachment.sizeBytes;
  }
  // Read before the upsert: the decision depends on where the request stands now.
  const existing = ledger.requestStatus(stage.name, key);
  const decision = upsertDecision(existing, fingerprint, stage.maxAttempts);
  if (mode === 'record') {
    ledger.documents.upsert(stage.name, document);
    if (attachment) ledger.uploads.rememberSource({ contentHash: attachment.contentHash, path: attachment.absolutePath, mimeType: attachment.mimeType, sizeBytes: attachment.sizeBytes });
    ledger.upsertRequest({
      stage: stage.name,
      docId: document.id,
      key,
      fingerprint,
      model: stage.model,
      requestJson,
      maxAttempts: stage.maxAttempts,
      lineage: { ...document.lineage, ...context.shared, fingerprint },
      estimatedInputTokens: estimate.input,
      estimatedOutputTokens: estimate.output,
    }, existing);
    // The output of the old document or prompt stands for nothing now; its answer stays in the ledger.
    if (decision.outcome === 'changed' && existing?.output_path) removeOutput(existing.output_path, stage.output.dir);
  }
  const { outcome } = decision;
  if (outcome === 'changed') plan.redone.add(key);
  const fresh = outcome === 'new' || outcome === 'changed'
    ? { lineSize: prepared.lineSize, ...estimate, ...(existing ? { requestId: existing.id } : {}) }
    : undefined;
  const willSubmit = decision.state === 'pending';
  if (willSubmit && reuseStoredAnswer(input, stage, context.validator, key, document.id, fingerprint)) {
    plan.requests.cached++;
    if (mode === 'preview') plan.decided.set(key, { state: 'cached' });
    return;
  }
  plan.requests[outcome]++;
  if (willSubmit && outcome === 'unchanged') plan.resubmissions++;
  // An uploaded document with no upload that outlives the job's wait is uploaded by the run (document-uploads.ts).
  if (willSubmit && attachment && requestJson.includes(documentRef('file', attachment.contentHash)) &&
    !ledger.uploads.liveUpload(attachment.contentHash, stage.documents.maxJobWaitMs)) {
    plan.uploads.set(attachment.contentHash, attachment.sizeBytes);
  }
  if (mode === 'preview') plan.decided.set(key, { state: decision.state, ...(fresh ? { fresh } : {}) });
}
