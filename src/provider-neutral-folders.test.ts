/**
 * @module The folders that must stay provider-neutral hold no Gemini field name: not in code, strings or comments.
 * Gemini's vocabulary lives in `src/providers/gemini/` (and the emulator, which is Gemini's API); the config keeps
 * the names users write in `generationConfig`, and maps them to neutral options in one place.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;
const NEUTRAL_FOLDERS = ['requests', 'results', 'cost', 'engine'];

/**
 * Gemini's own identifiers, matched as whole words anywhere. Ordinary English words that Gemini also uses as keys
 * (`contents`, `parts`, `candidates`) are matched only where code uses them as keys: `.parts`, `parts:`, `"parts"`.
 */
const GEMINI_WORDS = [
  'generationConfig', 'systemInstruction', 'responseJsonSchema', 'responseSchema', 'responseMimeType', 'thinkingConfig',
  'thinkingBudget', 'inlineData', 'fileData', 'finishReason', 'blockReason', 'promptFeedback', 'usageMetadata',
  'promptTokenCount', 'candidatesTokenCount', 'thoughtsTokenCount', 'cachedContentTokenCount', 'cachedContent',
  'GenerateContentRequest', 'GenerateContentResponse', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'BLOCKLIST',
  'PROHIBITED_CONTENT', 'SPII', 'googleSearch', 'functionDeclarations',
];
const GEMINI_KEYS = ['contents', 'parts', 'candidates'];
const PATTERN = new RegExp(
  [
    // A stage's `generationConfig` is the config's member, in the names users write: only the engine reads it there.
    `(?<!stage\\.)\\b(?:${GEMINI_WORDS.join('|')})\\b`,
    `(?:\\.|["'\`])(?:${GEMINI_KEYS.join('|')})\\b`,
    `(?<!(?:const|let|var) )\\b(?:${GEMINI_KEYS.join('|')})["'\`]?\\s*:`,
  ].join('|'),
  'g',
);

/**
 * Files still allowed to use Gemini names, each with why. Shrink this list; never grow it without a reason.
 */
const ALLOWED = new Set([
  // Writes a test project's config file, whose keys are the ones users write (`generationConfig`, ...).
  'engine/test-support/fake-project.ts',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|md)$/.test(entry.name) ? [path] : [];
  });
}

/** `file:line: word` for each Gemini name in `text`. */
function findings(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) => [...line.matchAll(PATTERN)].map((match) => `${file}:${index + 1}: ${match[0]}`));
}

describe('provider-neutral folders', () => {
  it('hold no Gemini field name outside src/providers/gemini/', () => {
    const found = NEUTRAL_FOLDERS.flatMap((folder) => sourceFiles(join(SRC, folder)))
      .map((path) => relative(SRC, path).split('\\').join('/'))
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) => findings(file, readFileSync(join(SRC, file), 'utf8')));
    expect(found).toEqual([]);
  });

  it('would catch a Gemini name in code, in a string and in a comment', () => {
    expect(findings('x.ts', 'const a = request.generationConfig;')).toHaveLength(1);
    expect(findings('x.ts', "if (reason === 'MAX_TOKENS') return;")).toHaveLength(1);
    expect(findings('x.ts', '// reads usageMetadata')).toHaveLength(1);
    expect(findings('x.ts', 'const body = { contents: [], "parts": [] }; body.candidates;')).toHaveLength(3);
    expect(findings('x.ts', '// the parts of a table of contents')).toEqual([]);
  });
});
