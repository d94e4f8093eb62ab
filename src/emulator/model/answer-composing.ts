/**
 * @module Composes the simulated model's answer for a request: schema-conforming JSON, a small JSON summary when
 * JSON is asked for without a schema, one enum value for `text/x.enum`, otherwise a short extractive answer.
 */
import type { Rng } from '../../shared/index.ts';
import type { GenerationSettings } from './generation-config.ts';
import type { SchemaNode } from './schema-compiling.ts';
import type { Sentence, TextCorpus } from './text-mining.ts';
import { rankEnumValues } from './number-values.ts';
import { overlap } from './text-words.ts';
import { generateValue, type AnswerStyle } from './value-generation.ts';

/** The answer before serialisation: a JSON value (JSON mime type) or plain text. */
export type ComposedAnswer =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly text: string };

/** Composes the answer; `schema` is the compiled response schema, if any; `style` is the model's (model-catalogue.ts). */
export function composeAnswer(
  generation: GenerationSettings,
  schema: SchemaNode | undefined,
  corpus: TextCorpus,
  rng: Rng,
  style?: AnswerStyle,
): ComposedAnswer {
  if (generation.responseMimeType === 'application/json') {
    return { kind: 'json', value: schema === undefined ? summaryObject(corpus) : generateValue(schema, corpus, rng, style) };
  }
  if (generation.responseMimeType === 'text/x.enum' && schema !== undefined) {
    const values = schema.enumValues ?? [generateValue(schema, corpus, rng, style)];
    return { kind: 'text', text: String(rankEnumValues(corpus, values, rng)[0]) };
  }
  return { kind: 'text', text: extractiveAnswer(corpus) };
}

/** How a JSON answer is written: two-space indented, as Gemini usually writes it. */
export function serialiseJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function summaryObject(corpus: TextCorpus): Record<string, unknown> {
  const summary = leadSentences(corpus.facts, 2);
  return {
    ...(corpus.firstLine === undefined ? {} : { title: corpus.firstLine }),
    summary: summary.length > 0 ? summary : 'The prompt has no text to summarise.',
    keywords: corpus.keywords.slice(0, 3),
  };
}

/**
 * One or two content sentences: those sharing most words with the prompt's last instruction or question, in
 * prompt order, or simply the first two when nothing matches.
 */
function extractiveAnswer(corpus: TextCorpus): string {
  const question = corpus.sentences.findLast((sentence) => sentence.isInstruction);
  const candidates = corpus.facts.filter((sentence) => sentence !== question);
  if (question !== undefined) {
    const relevant = candidates
      .map((sentence, index) => ({ sentence, index, score: overlap(question.stems, sentence.stems) }))
      .filter((entry) => entry.score > 0)
      .sort((left, right) => right.score - left.score || left.index - right.index)
      .slice(0, 2)
      .sort((left, right) => left.index - right.index)
      .map((entry) => entry.sentence);
    if (relevant.length > 0) return leadSentences(relevant, 2);
  }
  const lead = leadSentences(candidates.length > 0 ? candidates : corpus.facts, 2);
  return lead.length > 0 ? lead : 'The prompt has no text to answer from.';
}

function leadSentences(sentences: readonly Sentence[], count: number): string {
  return sentences
    .slice(0, count)
    .map((sentence) => sentence.text)
    .join(' ');
}
