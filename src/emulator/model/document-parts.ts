/**
 * @module What a media part (inlineData or fileData) gives the simulated model once the emulator has read its
 * bytes: the text it may mine (a PDF's or a text file's; none for an image, which answers from its metadata only)
 * and the prompt tokens it costs. The model itself never reads files: the emulator resolves each part first
 * (document-reading.ts) and hands the model a look-up.
 */
import type { PromptPart, SimulatedRequest } from './request-parsing.ts';

/** A media part of the prompt. */
export type MediaPart = Extract<PromptPart, { kind: 'media' }>;

/** What one read media part contributes. */
export interface DocumentContent {
  /** Text the model may mine ('' for images). */
  readonly text: string;
  /** Prompt tokens the part costs. */
  readonly tokens: number;
}

/** The content of a media part; undefined when it was not read (a flat media cost and no text). */
export type DocumentLookup = (part: MediaPart) => DocumentContent | undefined;

/** The texts the model mines, in prompt order: text parts, and the text of every read document part. */
export function minedTexts(request: SimulatedRequest, documents: DocumentLookup | undefined): string[] {
  const texts: string[] = [];
  for (const content of request.contents) {
    for (const part of content.parts) {
      if (part.kind === 'text') texts.push(part.text);
      else if (part.kind === 'media') {
        const text = documents?.(part)?.text ?? '';
        if (text !== '') texts.push(text);
      }
    }
  }
  return texts;
}
