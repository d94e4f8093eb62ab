/**
 * @module How a provider writes a neutral request on its wire and reads it back. Light (no SDK): planning workers and
 * the ledger's fingerprint upgrade load it through the registry.
 */
import type { NeutralRequest } from '../requests/index.ts';

/** Estimated tokens of one request. `output` includes expected thinking tokens. */
export interface RequestTokenEstimate {
  input: number;
  output: number;
}

/** A provider's request encoding. */
export interface RequestCodec {
  /** The provider's name, part of every fingerprint (`gemini` for Google's API and the emulator alike). */
  readonly provider: string;
  /** The JSON text that goes in a batch input line's `request` member. Deterministic: same request, same bytes. */
  encode(request: NeutralRequest): string;
  /** The neutral request of a stored wire request. Throws InputError for a body this codec cannot read. */
  decode(requestJson: string): NeutralRequest;
  /** A stored wire request with one more text part at the end of the user's turn (a repair note). */
  appendText(requestJson: string, text: string): string;
  /** Tokens the request is expected to take in and give out, offline, by the provider's own rules. */
  estimateTokens(request: NeutralRequest): RequestTokenEstimate;
  /**
   * Why the provider would refuse every request like `request` on `model` (e.g. tools with a response schema on a
   * model that cannot combine them), or undefined. `plan` and `run` refuse such a stage before anything is sent.
   */
  requestProblem?(model: string, request: NeutralRequest): string | undefined;
}
