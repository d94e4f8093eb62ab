/**
 * @module A pending request's line as a job's input file holds it: its stored body, with the repair note (why its
 * last answer was rejected) appended as a last user part in the provider's encoding. Shared by cutting jobs, by
 * `truebatch plan`, which sizes the same lines, and by `truebatch show`.
 */
import type { PendingRequest } from '../ledger/index.ts';
import type { RequestCodec } from '../providers/request-codec.ts';
import type { BatchInputLine } from '../requests/index.ts';

/** The input line the run writes for `request`. */
export function submissionLine(codec: RequestCodec, request: PendingRequest): BatchInputLine {
  return { key: request.key, requestJson: withRepairNote(codec, request.request_json, request.repair_note) };
}

/** `requestJson` with the repair note appended as a last user part, in the provider's encoding. */
export function withRepairNote(codec: RequestCodec, requestJson: string, note: string | null): string {
  return note === null ? requestJson : codec.appendText(requestJson, note);
}
