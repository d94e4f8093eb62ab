/**
 * @module The simulated tokenizer. One rule for prompts, answers and :countTokens, so costs can be checked exactly:
 * a text is `ceil(utf8Bytes / 4)` tokens; a media part (inlineData or fileData) is a flat
 * {@link MEDIA_PART_TOKENS}; a structured part (function call or response, code) counts as the text of its JSON.
 * Parts are summed with no per-part or per-turn overhead.
 */
import type { DocumentLookup } from './document-parts.ts';
import type { PromptContent, SimulatedRequest } from './request-parsing.ts';

/** Bytes of UTF-8 per simulated token. */
export const BYTES_PER_TOKEN = 4;

/** Tokens for one inline or file media part (what Gemini charges for one image). */
export const MEDIA_PART_TOKENS = 258;

/** Tokens of a text: `ceil(utf8Bytes / 4)`; 0 for the empty string. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

function contentTokens(content: PromptContent, documents: DocumentLookup | undefined): number {
  let tokens = 0;
  for (const part of content.parts) {
    if (part.kind === 'text') tokens += estimateTextTokens(part.text);
    else if (part.kind === 'media') tokens += documents?.(part)?.tokens ?? MEDIA_PART_TOKENS;
    else tokens += estimateTextTokens(part.json);
  }
  return tokens;
}

/**
 * The prompt's tokens: every part of `contents` plus the system instruction; a media part the emulator read costs
 * what `documents` says (a PDF 258 per page), any other {@link MEDIA_PART_TOKENS}.
 */
export function countPromptTokens(request: SimulatedRequest, documents?: DocumentLookup): number {
  let tokens = request.systemInstruction === undefined ? 0 : contentTokens(request.systemInstruction, documents);
  for (const content of request.contents) tokens += contentTokens(content, documents);
  return tokens;
}

/**
 * The longest prefix of `text` that is at most `maxTokens` tokens (so at most `maxTokens * 4` UTF-8 bytes), never
 * splitting a character.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  const maxBytes = maxTokens * BYTES_PER_TOKEN;
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end);
}
