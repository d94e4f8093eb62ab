/**
 * @module A pending request's line as a job's input file holds it: its stored body, with the repair note (why its
 * last answer was rejected) appended as a last user part. Shared by cutting jobs and by `truebatch plan`, which
 * sizes the same lines.
 */
import type { PendingRequest } from '../ledger/index.ts';
import type { BatchInputLine } from '../requests/index.ts';

/** The input line the run writes for `request`. */
export function submissionLine(request: PendingRequest): BatchInputLine {
  return { key: request.key, requestJson: withRepairNote(request.request_json, request.repair_note) };
}

/** Appends a repair note (why the last answer was rejected) as a last user part. */
export function withRepairNote(requestJson: string, note: string | null): string {
  if (note === null) return requestJson;
  const request = JSON.parse(requestJson) as { contents?: { parts?: { text?: string }[] }[] };
  request.contents?.[0]?.parts?.push({ text: note });
  return JSON.stringify(request);
}
