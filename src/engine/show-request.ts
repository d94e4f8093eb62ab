/**
 * @module `truebatch show`: the exact request a document becomes in a stage (its batch input line, rendered prompt,
 * fingerprint, estimated tokens and cost) and what the next run would do with it, before anything is paid for.
 * Built by the same preparation as planning; records nothing and contacts no provider.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { estimateCost, type CostBreakdown, type PriceTable } from '../cost/index.ts';
import { upsertDecision, type Ledger, type RequestRow, type UpsertOutcome } from '../ledger/index.ts';
import { requestCodecFor } from '../providers/registry.ts';
import { serialiseInputLine } from '../requests/index.ts';
import { compileValidator } from '../validation/index.ts';
import { calibrated } from './costing.ts';
import { documentPathOf, findStageRequest, type FoundRequest, type RequestTarget } from './find-stage-request.ts';
import { reuseStoredAnswer } from './reuse-answer.ts';
import { withRepairNote } from './submission-line.ts';

/** Where a request stands, and what the next run does with it. */
export interface RequestPreviewStatus {
  /**
   * `pending`: the next run submits it; `cached`: an identical request has a valid stored answer, reused without
   * submitting; `valid`: answered and valid; `in_job`: at the provider; `given_up`; `too_large`: over
   * `maxInputTokens`, never sent.
   */
  state: 'pending' | 'cached' | 'valid' | 'in_job' | 'given_up' | 'too_large';
  /** The request against the ledger's: `new`, `changed` (document, prompt or settings changed), `unchanged`, `busy`. */
  change: UpsertOutcome;
  outputPath: string | null;
  /** One sentence for people. */
  detail: string;
}

/** The request one document becomes in one stage. */
export interface RequestPreview {
  stage: string;
  key: string;
  document: { id: string; path: string };
  model: string;
  fingerprint: string;
  /** The batch input line, exactly as the next submission writes it to the JSONL file (without the newline). */
  line: string;
  /** The rendered prompt (the request's first part), to read. */
  prompt: string;
  system: string | null;
  /** Why the last answer was rejected: the next attempt appends it as a last part (it is in `line`). */
  repairNote: string | null;
  estimatedTokens: { input: number; output: number; uncalibrated: { input: number; output: number } };
  estimatedCost: CostBreakdown;
  status: RequestPreviewStatus;
}

/**
 * The request `target` names among `stages`. Throws ConfigError when it names nothing, cannot be built, or waits
 * on an upstream output that does not exist yet; and for a model without a price, as `plan` does.
 */
export async function showRequest(
  input: { config: ProjectConfig; ledger: Ledger; prices: PriceTable },
  stages: readonly StageConfig[],
  target: RequestTarget,
): Promise<RequestPreview> {
  const found = await findStageRequest(input, stages, target);
  const { stage, prepared } = found;
  const existing = input.ledger.requestByKey(stage.name, prepared.key);
  const status = statusOf(input.ledger, found, existing);
  const repairNote = status.change === 'unchanged' && status.state === 'pending' ? (existing?.repair_note ?? null) : null;
  const codec = requestCodecFor(stage.provider);
  const request = codec.decode(prepared.requestJson);
  const [firstPart] = request.content;
  const tokens = calibrated(input.ledger, stage.model, prepared.estimate);
  return {
    stage: stage.name,
    key: prepared.key,
    document: { id: prepared.document.id, path: documentPathOf(stage, prepared.document) },
    model: stage.model,
    fingerprint: prepared.fingerprint,
    line: serialiseInputLine({ key: prepared.key, requestJson: withRepairNote(codec, prepared.requestJson, repairNote) }),
    prompt: firstPart?.kind === 'text' ? firstPart.text : '',
    system: request.system ?? null,
    repairNote,
    estimatedTokens: { ...tokens, uncalibrated: prepared.estimate },
    estimatedCost: estimateCost(tokens, input.prices.priceFor(stage.model)),
    status,
  };
}

/** What the next run does with the request, decided as planning decides it (see `planPrepared`). */
function statusOf(ledger: Ledger, found: FoundRequest, existing: RequestRow | undefined): RequestPreviewStatus {
  const { stage, prepared } = found;
  const decision = upsertDecision(existing, prepared.fingerprint, stage.maxAttempts);
  const change = decision.outcome;
  const outputPath = change === 'unchanged' ? (existing?.output_path ?? null) : null;
  const status = (state: RequestPreviewStatus['state'], detail: string): RequestPreviewStatus => ({ state, change, outputPath, detail });
  if (prepared.estimate.input > stage.maxInputTokens) {
    return status('too_large', `about ${prepared.estimate.input} input tokens, over maxInputTokens ${stage.maxInputTokens}: never sent`);
  }
  if (change === 'busy') return status('in_job', 'an older version of it is in a batch job; this one is submitted once that job is collected');
  const willSubmit = decision.state === 'pending';
  if (willSubmit && reuseStoredAnswer({ ledger, mode: 'preview' }, stage, compileValidator(stage.validation), prepared.key, prepared.document.id, prepared.fingerprint)) {
    return status('cached', 'an identical request has a valid stored answer: the next run reuses it and submits nothing');
  }
  if (change === 'new') return status('pending', 'not planned yet: the next run submits it');
  if (change === 'changed') return status('pending', 'its document, prompt or settings changed since it was last planned: the next run submits it');
  switch (decision.state) {
    case 'valid':
      return status('valid', `answered and valid${outputPath === null ? '' : `: ${outputPath}`}`);
    case 'in_job':
      return status('in_job', 'in a batch job at the provider');
    case 'given_up':
      return status('given_up', `given up: ${existing?.last_reason ?? 'no reason recorded'}`);
    default:
      return status('pending', `waiting to be submitted${existing?.last_reason ? ` (last attempt: ${existing.last_reason})` : ''}`);
  }
}
