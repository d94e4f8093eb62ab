/** @module Gemini result lines, read by the Gemini provider into neutral results, judged by results/. */
import { describe, expect, it } from 'vitest';
import { evaluateResult } from '../../results/index.ts';
import { compileValidator } from '../../validation/index.ts';
import type { ResultItem } from '../batch-provider.ts';
import { parseResultLine } from './gemini-results.ts';

type EvaluableItem = Exclude<ResultItem, { kind: 'malformed' }>;

interface GeminiPart {
  text?: string;
  thought?: boolean;
}
interface GeminiResponseJson {
  candidates?: { content?: { role: string; parts: GeminiPart[] }; finishReason?: string; index?: number }[];
  promptFeedback?: { blockReason: string };
  usageMetadata?: Record<string, number>;
  modelVersion?: string;
  responseId?: string;
}

/** A ResultItem as the Gemini provider reads it from a result line (its real decoder). */
function responseItem(key: string, response: GeminiResponseJson): EvaluableItem {
  const item = parseResultLine({ lineNumber: 1, ok: true, value: { key, response }, bytes: 0 });
  if (item.kind === 'malformed') throw new Error(item.reason);
  return item;
}

function modelAnswer(text: string, finishReason = 'STOP', usage = USAGE): GeminiResponseJson {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
    usageMetadata: usage,
    modelVersion: 'gemini-2.5-flash',
    responseId: '6VFkaIDwEPXVjMcP4-XW6Qo',
  };
}

const USAGE = { promptTokenCount: 812, candidatesTokenCount: 96, thoughtsTokenCount: 310, totalTokenCount: 1218 };

const validator = compileValidator({
  schema: {
    type: 'OBJECT',
    properties: {
      paper_metadata: { type: 'OBJECT', properties: { title: { type: 'STRING' }, year: { type: 'INTEGER' } } },
      quantitative_findings: {
        type: 'ARRAY',
        items: { type: 'OBJECT', properties: { value: { type: 'NUMBER' }, unit: { type: 'STRING' } } },
      },
    },
    required: ['paper_metadata'],
  },
  aliases: { quantitative_findings: ['key_findings'] },
  required: ['paper_metadata'],
  anyOf: [['quantitative_findings']],
});

const GOOD = {
  paper_metadata: { title: 'Potassium fixation in vertisols', year: 2019 },
  quantitative_findings: [{ value: 1.2, unit: 'cmol/kg' }],
};

describe('evaluateResult', () => {
  it('fails an error line as provider-error, quoting code and message', () => {
    const item: EvaluableItem = {
      kind: 'error',
      key: 'doc-7',
      lineNumber: 7,
      error: { code: 500, message: 'Internal error encountered.' },
    };
    expect(evaluateResult(item, validator)).toEqual({
      status: 'failed',
      key: 'doc-7',
      reason: 'provider-error',
      message: 'provider error 500: Internal error encountered.',
      usage: undefined,
      text: undefined,
    });
  });

  it('fails a blocked prompt as blocked', () => {
    const verdict = evaluateResult(
      responseItem('doc-1', {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: 812, totalTokenCount: 812 },
        modelVersion: 'gemini-2.5-flash',
      }),
      validator,
    );
    expect(verdict).toMatchObject({ status: 'failed', reason: 'blocked', message: 'prompt blocked: SAFETY' });
    expect(verdict.usage?.promptTokens).toBe(812);
  });

  it('fails a candidate stopped by a safety filter as blocked, not empty', () => {
    const verdict = evaluateResult(
      responseItem('doc-2', { candidates: [{ finishReason: 'SAFETY', index: 0 }], usageMetadata: USAGE }),
      validator,
    );
    expect(verdict).toMatchObject({
      status: 'failed',
      reason: 'blocked',
      message: 'response blocked: finishReason SAFETY',
    });
  });

  it('fails a response without candidates as empty', () => {
    const verdict = evaluateResult(responseItem('doc-3', { usageMetadata: USAGE }), validator);
    expect(verdict).toMatchObject({
      status: 'failed',
      reason: 'empty',
      message: 'the response has no text (no candidates)',
      text: undefined,
    });
  });

  it('fails a candidate with only blank text as empty, naming the finishReason', () => {
    const verdict = evaluateResult(responseItem('doc-4', modelAnswer('  \n', 'OTHER')), validator);
    expect(verdict).toMatchObject({
      status: 'failed',
      reason: 'empty',
      message: 'the response has no text (finishReason OTHER)',
    });
  });

  it('fails MAX_TOKENS spent before any text (thinking only) as truncated', () => {
    const verdict = evaluateResult(
      responseItem('doc-5', {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'Plan...', thought: true }] }, finishReason: 'MAX_TOKENS' },
        ],
        usageMetadata: { promptTokenCount: 800, thoughtsTokenCount: 2048, totalTokenCount: 2848 },
      }),
      validator,
    );
    expect(verdict).toMatchObject({
      status: 'failed',
      reason: 'truncated',
      message: 'the response hit MAX_TOKENS before any text (2048 thinking tokens, 0 output tokens)',
    });
  });

  it('fails MAX_TOKENS with cut-off JSON as truncated, keeping the text', () => {
    const text = '```json\n{"paper_metadata": {"title": "K fixation", "year": 2019}, "quantitative_findings": [{"val';
    const verdict = evaluateResult(responseItem('doc-6', modelAnswer(text, 'MAX_TOKENS')), validator);
    const cutAt = text.length - 4;
    expect(verdict).toEqual({
      status: 'failed',
      key: 'doc-6',
      reason: 'truncated',
      message: `the response hit MAX_TOKENS: the JSON is truncated (unterminated string at character ${cutAt})`,
      usage: { promptTokens: 812, outputTokens: 96, thoughtsTokens: 310, cachedTokens: 0, totalTokens: 1218 },
      text,
    });
  });

  it('proceeds after MAX_TOKENS when the JSON is complete, with a warning', () => {
    const verdict = evaluateResult(responseItem('doc-8', modelAnswer(JSON.stringify(GOOD), 'MAX_TOKENS')), validator);
    expect(verdict.status).toBe('valid');
    if (verdict.status !== 'valid') return;
    expect(verdict.output).toEqual(GOOD);
    expect(verdict.issues).toEqual([
      {
        severity: 'warning',
        code: 'extraction',
        path: '',
        message: 'the response ended with finishReason MAX_TOKENS, but its JSON is complete',
      },
    ]);
  });

  it('fails prose without JSON as unparseable, with the extraction reason', () => {
    const text = 'I am sorry, but the document does not contain any quantitative findings.';
    expect(evaluateResult(responseItem('doc-9', modelAnswer(text)), validator)).toMatchObject({
      status: 'failed',
      reason: 'unparseable',
      message: 'no JSON object or array found in the text',
      text,
    });
  });

  it('fails truncated JSON after STOP as unparseable, not truncated', () => {
    const verdict = evaluateResult(responseItem('doc-10', modelAnswer('{"paper_metadata": {')), validator);
    expect(verdict).toMatchObject({ status: 'failed', reason: 'unparseable' });
  });

  it('accepts a fenced answer with an alias as valid, with the canonical output and warnings', () => {
    const answer = { paper_metadata: GOOD.paper_metadata, key_findings: GOOD.quantitative_findings };
    const text = `Here is the JSON:\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\``;
    const verdict = evaluateResult(responseItem('doc-11', modelAnswer(text)), validator);
    expect(verdict.status).toBe('valid');
    if (verdict.status !== 'valid') return;
    expect(verdict.output).toEqual(GOOD);
    expect(verdict.text).toBe(text);
    expect(verdict.usage?.thoughtsTokens).toBe(310);
    expect(verdict.issues.map((issue) => [issue.severity, issue.code, issue.message])).toEqual([
      ['warning', 'extraction', 'removed code fence (json)'],
      ['warning', 'extraction', 'removed 17 characters of prose before the JSON'],
      ['warning', 'alias', '/key_findings: renamed to quantitative_findings'],
    ]);
  });

  it('names what was repaired: alias, fence and prose each once, on valid and invalid answers alike, and nothing for clean JSON', () => {
    const aliased = { paper_metadata: GOOD.paper_metadata, key_findings: GOOD.quantitative_findings };
    const text = `Here is the JSON:\n\`\`\`json\n${JSON.stringify(aliased)}\n\`\`\`\nDone.`;
    expect(evaluateResult(responseItem('doc-r1', modelAnswer(text)), validator)).toMatchObject({ status: 'valid', repairs: ['alias', 'fence', 'prose'] });
    expect(evaluateResult(responseItem('doc-r2', modelAnswer(JSON.stringify(GOOD))), validator)).toMatchObject({ status: 'valid', repairs: [] });
    const broken = { paper_metadata: { title: 'T', year: '2019' }, quantitative_findings: GOOD.quantitative_findings };
    expect(evaluateResult(responseItem('doc-r3', modelAnswer(`Sure: ${JSON.stringify(broken)}`)), validator))
      .toMatchObject({ status: 'invalid', repairs: ['prose'] });
  });

  it('reports schema errors as invalid with precise paths', () => {
    const answer = { paper_metadata: { title: 'T', year: '2019' }, quantitative_findings: [{ value: 'high' }] };
    const verdict = evaluateResult(responseItem('doc-12', modelAnswer(JSON.stringify(answer))), validator);
    expect(verdict.status).toBe('invalid');
    if (verdict.status !== 'invalid') return;
    expect(verdict.issues.map((issue) => issue.message)).toEqual([
      '/paper_metadata/year: must be integer, got "2019"',
      '/quantitative_findings/0/value: must be number, got "high"',
    ]);
    expect(verdict.key).toBe('doc-12');
  });

  it('reports a failed any-of group as invalid', () => {
    const answer = { paper_metadata: { title: 'T' }, quantitative_findings: [] };
    const verdict = evaluateResult(responseItem('doc-13', modelAnswer(JSON.stringify(answer))), validator);
    expect(verdict).toMatchObject({ status: 'invalid', issues: [{ code: 'any-of', severity: 'error' }] });
  });

  it('joins the text of several parts and ignores thought parts', () => {
    const json = JSON.stringify(GOOD);
    const verdict = evaluateResult(
      responseItem('doc-14', {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'thinking about it', thought: true },
                { text: json.slice(0, 20) },
                { text: json.slice(20) },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      }),
      validator,
    );
    expect(verdict).toMatchObject({ status: 'valid', output: GOOD, usage: undefined });
  });
});
