/**
 * @module The content-addressed cache: a request whose fingerprint (rendered request plus model) already has a
 * valid stored answer is not submitted again. The stored answer is re-validated with the stage's current rules,
 * and its output written under the new request's name.
 */
import type { StageConfig } from '../config/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { ModelResponse } from '../providers/index.ts';
import { evaluateResult } from '../results/index.ts';
import type { Validator } from '../validation/index.ts';
import { outputFile, writeOutputFile } from './verdicts.ts';

/**
 * Serves a pending request from a stored valid answer for the same fingerprint, if there is one that still
 * passes validation. In preview mode only says whether it would. Returns true when served.
 */
export function reuseStoredAnswer(
  input: { ledger: Ledger; mode: 'record' | 'preview' },
  stage: StageConfig,
  validator: Validator,
  key: string,
  docId: string,
  fingerprint: string,
): boolean {
  const attempt = input.ledger.reusableAttempt(fingerprint);
  if (!attempt?.response) return false;
  const stored = JSON.parse(attempt.response) as ModelResponse;
  const verdict = evaluateResult({ kind: 'response', key, lineNumber: 0, response: stored }, validator);
  if (verdict.status !== 'valid') return false;
  if (input.mode === 'preview') return true;
  const output = writeOutputFile(outputFile(stage, docId, key, verdict.output, attempt.finishedAt ?? 0));
  input.ledger.markCached(stage.name, key, attempt.id, output);
  input.ledger.addEvent('request-cached', `${key}: reused the valid answer of attempt ${attempt.id}`, { stage: stage.name });
  return true;
}
