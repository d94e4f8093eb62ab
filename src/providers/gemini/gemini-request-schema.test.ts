/**
 * @module Every line truebatch writes for Gemini fits the REST schema of a batch input line, checked by the same
 * validator the emulator refuses creates with (one bad line refuses the whole batch at Google: inspect_ai#3257).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lineViolation } from '../../emulator/request-schema.ts';
import { serialiseInputLine, type NeutralRequest } from '../../requests/index.ts';
import { geminiRequestCodec } from './gemini-request.ts';

/** One request per shape the codec can emit: every generation option, tools, a cached context, file and inline parts. */
const requests: NeutralRequest[] = [
  { content: [{ kind: 'text', text: 'plain' }], generation: {} },
  {
    system: 'Be brief.',
    content: [
      { kind: 'text', text: 'Read this.' },
      { kind: 'file', mimeType: 'application/pdf', uri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' },
      { kind: 'inline', mimeType: 'image/png', base64: 'iVBORw0KGgo=' },
    ],
    generation: {
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 512,
      candidateCount: 2,
      stopSequences: ['END'],
      seed: 7,
      outputMimeType: 'application/json',
      outputSchema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
      thinking: { budgetTokens: 0, includeThoughts: true },
    },
    tools: [{ kind: 'function', name: 'lookup', description: 'Finds a record', parameters: { type: 'object', properties: { id: { type: 'string' } } } }, { kind: 'web-search' }],
    cachedContext: { name: 'cachedContents/abc' },
  },
  {
    content: [{ kind: 'text', text: 'openapi' }],
    generation: { outputMimeType: 'application/json', outputOpenApiSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, propertyOrdering: ['n'] } },
  },
];

describe('Gemini input lines against the REST schema', () => {
  it('encodes every request shape with REST fields only, at the right level', () => {
    for (const request of requests) {
      const line = serialiseInputLine({ key: 'k-1', requestJson: geminiRequestCodec.encode(request) });
      expect(lineViolation(JSON.parse(line) as Record<string, unknown>), line).toBeUndefined();
    }
  });

  it('keeps the golden lines of earlier versions valid too', () => {
    const golden = readFileSync(new URL('./__fixtures__/golden-request-lines.jsonl', import.meta.url), 'utf8').trim().split('\n');
    for (const text of golden) {
      const { line } = JSON.parse(text) as { line: string };
      expect(lineViolation(JSON.parse(line) as Record<string, unknown>), line).toBeUndefined();
    }
  });

  it('would catch the mistakes seen in the wild: a flat thinking_config, an SDK-style config', () => {
    const flat = { key: 'k', request: { contents: [{ parts: [{ text: 'x' }] }], thinking_config: { thinking_budget: 0 } } };
    expect(lineViolation(flat)).toEqual({ field: 'thinking_config', parent: 'request', kind: 'unknown-field' });
    const sdk = { key: 'k', request: { contents: [{ parts: [{ text: 'x' }] }], config: { responseMimeType: 'application/json' } } };
    expect(lineViolation(sdk)).toMatchObject({ field: 'config', kind: 'unknown-field' });
  });
});
