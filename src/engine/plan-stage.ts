/**
 * @module Planning a stage: list its documents (a corpus, or an upstream stage's valid outputs), render one
 * request per document, estimate its tokens, and record it — or, in preview mode (`truebatch plan`), only say
 * what would happen. Identical work already done (same fingerprint, valid answer stored) is reused, not resubmitted.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { checkExpectedCount } from '../corpus/index.ts';
import { estimateRequestTokens } from '../cost/index.ts';
import { upsertOutcome, type Ledger, type Lineage, type UpsertOutcome } from '../ledger/index.ts';
import { buildRequest, canonicalJson, inputLineSize, type RequestSpec } from '../requests/index.ts';
import { errorMessage, sha256Hex } from '../shared/index.ts';
import { compileValidator, type Validator } from '../validation/index.ts';
import { reuseStoredAnswer } from './reuse-answer.ts';
import { corpusDocuments, upstreamDocuments, upstreamProgress, type StageDocument, type StageEntry } from './stage-documents.ts';

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
  /** Unchanged requests still waiting to be (re)submitted: retries of failed answers, or work a stop left unsent. */
  resubmissions: number;
  /** Estimated tokens of the requests that would be submitted (new, changed, or still pending). */
  estimatedTokens: { input: number; output: number };
  /** Byte sizes of the JSONL lines that would be submitted, for shard planning. */
  lineSizes: number[];
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
    ...(stage.prompt.system === undefined ? {} : { systemInstruction: stage.prompt.system }),
    generationConfig: { ...stage.generationConfig },
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
    estimatedTokens: { input: 0, output: 0 },
    lineSizes: [],
  };
}

/**
 * Plans `stage`. With `record`, writes documents, requests and corpus problems to the ledger and reuses stored
 * answers; with `preview`, changes nothing. Throws ConfigError on an expected-count mismatch.
 */
export async function planStage(
  input: { config: ProjectConfig; ledger: Ledger; memory: PlanMemory; mode: 'record' | 'preview' },
  stage: StageConfig,
): Promise<StagePlan> {
  const { config, ledger, mode } = input;
  const plan = emptyPlan(stage.name);
  const spec = requestSpecOf(stage);
  const validator = compileValidator(stage.validation);
  const shared = {
    prompt: { file: stage.prompt.templateFile, sha256: sha256Hex(stage.prompt.template) },
    systemSha256: stage.prompt.system === undefined ? undefined : sha256Hex(stage.prompt.system),
    model: stage.model,
    generationConfigSha256: sha256Hex(canonicalJson(stage.generationConfig)),
  };
  let entries: AsyncIterable<StageEntry> | Iterable<StageEntry>;
  if (stage.input.kind === 'files') {
    entries = corpusDocuments(config, { ...stage, input: stage.input });
  } else {
    const upstream = stage.input.stage;
    let seen = input.memory.get(stage.name);
    if (!seen) input.memory.set(stage.name, (seen = new Map<string, string>()));
    entries = upstreamDocuments(config, ledger, upstream, stage.input.withDocument, mode === 'record' ? seen : new Map<string, string>());
    const progress = upstreamProgress(ledger, upstream);
    plan.waitingOnUpstream = progress.waiting;
    plan.blockedByUpstream = progress.givenUp.map((row) => ({ key: row.key, reason: `${upstream} gave up: ${row.last_reason ?? 'unknown'}` }));
  }
  let seen = 0;
  await ledger.batched(async (tick) => {
    for await (const entry of entries) {
      if (entry.kind === 'document') planDocument(input, stage, { spec, validator, shared }, entry.document, plan);
      else (entry.kind === 'excluded' ? plan.excluded : plan.invalid).push({ path: entry.path, reason: entry.reason });
      tick();
      // Reading documents is synchronous: let Ctrl-C and timers through now and then.
      if (++seen % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  });
  if (stage.input.kind === 'files') {
    checkExpectedCount(stage.input.expectedCount, plan.documents + plan.invalid.length, stage.input.dir);
    if (mode === 'record') {
      ledger.replaceCorpusIssues(stage.name, [
        ...plan.excluded.map((issue) => ({ ...issue, kind: 'excluded' as const })),
        ...plan.invalid.map((issue) => ({ ...issue, kind: 'invalid' as const })),
      ]);
    }
  }
  return plan;
}

function planDocument(
  input: { config: ProjectConfig; ledger: Ledger; mode: 'record' | 'preview' },
  stage: StageConfig,
  recipe: { spec: RequestSpec; validator: Validator; shared: Omit<Lineage, 'document' | 'upstream' | 'fingerprint'> },
  document: StageDocument,
  plan: StagePlan,
): void {
  const { ledger, mode } = input;
  const { spec, validator, shared } = recipe;
  let built: ReturnType<typeof buildRequest>;
  let estimate: { input: number; output: number };
  try {
    built = buildRequest(spec, document);
    estimate = estimateRequestTokens(built.request);
  } catch (error) {
    plan.invalid.push({ path: document.path, reason: errorMessage(error) });
    return;
  }
  if (estimate.input > stage.maxInputTokens) {
    plan.invalid.push({
      path: document.path,
      reason: `too large: about ${estimate.input} input tokens, over maxInputTokens ${stage.maxInputTokens} (${document.sizeBytes} bytes); not sent`,
    });
    return;
  }
  plan.documents++;
  const requestJson = JSON.stringify(built.request);
  // Before the upsert: whether an unchanged request is still waiting to be sent.
  const existing = ledger.requestStatus(stage.name, built.key);
  let outcome: UpsertOutcome;
  if (mode === 'preview') {
    outcome = upsertOutcome(existing, built.fingerprint);
  } else {
    ledger.upsertDocument(stage.name, document);
    outcome = ledger.upsertRequest({
      stage: stage.name,
      docId: document.id,
      key: built.key,
      fingerprint: built.fingerprint,
      model: stage.model,
      requestJson,
      maxAttempts: stage.maxAttempts,
      lineage: { ...document.lineage, ...shared, fingerprint: built.fingerprint },
      estimatedInputTokens: estimate.input,
      estimatedOutputTokens: estimate.output,
    }, existing);
  }
  const willSubmit = outcome === 'new' || outcome === 'changed' || (outcome === 'unchanged' && existing?.state === 'pending');
  if (willSubmit && reuseStoredAnswer(input, stage, validator, built.key, document.id, built.fingerprint)) {
    plan.requests.cached++;
    return;
  }
  plan.requests[outcome]++;
  if (willSubmit && outcome === 'unchanged') plan.resubmissions++;
  if (willSubmit) {
    plan.estimatedTokens.input += estimate.input;
    plan.estimatedTokens.output += estimate.output;
    plan.lineSizes.push(inputLineSize({ key: built.key, requestJson }));
  }
}
