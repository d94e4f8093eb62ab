import { describe, expect, it } from 'vitest';
import { lineFaultsSchema, type LineFaults } from '../faults.ts';
import { simulateLine, type SimulatedLine } from './index.ts';
import { faultsApply, malformText, planLine, renameFields } from './line-faults.ts';

const request = {
  contents: [{ parts: [{ text: 'Arctic Terns\nAuthors: Kari Nord, Ola Sand\nThe 412 birds nested in 2021.' }] }],
  generationConfig: {
    responseMimeType: 'application/json',
    responseSchema: {
      type: 'OBJECT',
      properties: {
        title: { type: 'STRING' },
        authors: {
          type: 'ARRAY',
          items: { type: 'OBJECT', properties: { name: { type: 'STRING' } }, required: ['name'] },
        },
        count: { type: 'INTEGER' },
      },
      required: ['title', 'authors', 'count'],
    },
  },
};

const KEYS = Array.from({ length: 40 }, (_, index) => `doc-${index}`);

function run(faults: Partial<LineFaults>, key = 'doc-1', submission = 1): SimulatedLine {
  const context = { seed: 11, model: 'gemini-2.5-flash', key, submission, faults: lineFaultsSchema.parse(faults) };
  return simulateLine(request, context);
}

interface Candidates {
  candidates?: Array<{ content: { parts: Array<{ text: string }> }; finishReason: string }>;
  usageMetadata?: { candidatesTokenCount: number };
}

function textOf(line: SimulatedLine): { text: string; finishReason: string } {
  const response: Candidates = 'response' in line ? line.response : {};
  const candidate = response.candidates?.[0];
  return { text: candidate?.content.parts[0]?.text ?? '', finishReason: candidate?.finishReason ?? '' };
}

const clean = run({});
const cleanText = textOf(clean).text;

describe('line faults through simulateLine', () => {
  it('answers every line with a 500 or 429 error at errorRate 1, never at 0', () => {
    for (const key of KEYS) {
      const line = run({ errorRate: 1 }, key);
      expect('error' in line && [500, 429].includes(line.error.code)).toBe(true);
      expect(run({ errorRate: 0 }, key)).toEqual(run({}, key));
    }
    const lines = KEYS.map((key) => run({ errorRate: 1 }, key));
    const codes = new Set(lines.map((line) => ('error' in line ? line.error.code : 0)));
    expect(codes).toEqual(new Set([500, 429]));
  });

  it('blocks the prompt at safetyBlockRate 1: promptFeedback SAFETY, no candidates, prompt usage kept', () => {
    const line = run({ safetyBlockRate: 1 });
    expect(line).toMatchObject({
      response: {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: expect.any(Number) as unknown },
      },
    });
    expect('response' in line && 'candidates' in line.response).toBe(false);
  });

  it('drops the candidates at emptyCandidateRate 1, as [] or absent', () => {
    const shapes = new Set(
      KEYS.map((key) => {
        const line = run({ emptyCandidateRate: 1 }, key);
        if (!('response' in line)) return 'error';
        const candidates = line.response['candidates'];
        return candidates === undefined ? 'absent' : JSON.stringify(candidates);
      }),
    );
    expect(shapes).toEqual(new Set(['absent', '[]']));
  });

  it('wraps the JSON in code fences', () => {
    const { text } = textOf(run({ malformedRate: 1, malformedKinds: ['fence'] }));
    expect(text).toBe(`\`\`\`json\n${cleanText}\n\`\`\``);
  });

  it('surrounds the JSON with prose', () => {
    for (const key of KEYS.slice(0, 10)) {
      const { text, finishReason } = textOf(run({ malformedRate: 1, malformedKinds: ['prose'] }, key));
      expect(text).toContain(textOf(run({}, key)).text);
      expect(text).not.toBe(textOf(run({}, key)).text);
      expect(() => JSON.parse(text) as unknown).toThrow();
      expect(finishReason).toBe('STOP');
    }
  });

  it('cuts the JSON in the middle with finishReason MAX_TOKENS', () => {
    const line = run({ malformedRate: 1, malformedKinds: ['truncated'] });
    const { text, finishReason } = textOf(line);
    expect(finishReason).toBe('MAX_TOKENS');
    expect(cleanText.startsWith(text) && text.length < cleanText.length).toBe(true);
    const usage = ('response' in line ? (line.response as Candidates) : {}).usageMetadata;
    expect(usage?.candidatesTokenCount).toBe(Math.ceil(Buffer.byteLength(text) / 4));
  });

  it('renames aliased fields at any depth', () => {
    const aliased = run({ aliasRate: 1, aliases: { title: 'Title', name: 'full_name' } });
    const answer = JSON.parse(textOf(aliased).text) as Record<string, unknown>;
    const original = JSON.parse(cleanText) as { title: string; authors: Array<{ name: string }> };
    expect(answer['Title']).toBe(original.title);
    expect(answer['title']).toBeUndefined();
    expect(answer['authors']).toEqual(original.authors.map((author) => ({ full_name: author.name })));
  });

  it('leaves every line alone at rate 0 for every fault', () => {
    const none = {
      errorRate: 0,
      malformedRate: 0,
      aliasRate: 0,
      emptyCandidateRate: 0,
      safetyBlockRate: 0,
      aliases: { title: 'T' },
    };
    for (const key of KEYS) expect(run(none, key)).toEqual(run({}, key));
  });

  it('only hits keys containing keyContains', () => {
    expect('error' in run({ errorRate: 1, keyContains: 'flaky' }, 'doc-flaky-3')).toBe(true);
    expect(run({ errorRate: 1, keyContains: 'flaky' }, 'doc-3')).toEqual(run({}, 'doc-3'));
  });

  it('stops after maxSubmissionsPerKey submissions, so a retry succeeds', () => {
    const faults = { errorRate: 1, maxSubmissionsPerKey: 2 };
    expect('error' in run(faults, 'doc-1', 1)).toBe(true);
    expect('error' in run(faults, 'doc-1', 2)).toBe(true);
    expect(run(faults, 'doc-1', 3)).toEqual(clean);
  });

  it('decides each line the same way every time, and afresh for a new submission', () => {
    const faults = lineFaultsSchema.parse({
      errorRate: 0.5,
      malformedRate: 0.5,
      aliasRate: 0.5,
      aliases: { title: 'name' },
    });
    const keys = Array.from({ length: 200 }, (_, index) => `k${index}`);
    const plans = keys.map((key) => planLine(faults, { seed: 5, key, submission: 1 }));
    expect(keys.map((key) => planLine(faults, { seed: 5, key, submission: 1 }))).toEqual(plans);
    const errors = plans.filter((plan) => plan.kind === 'error').length;
    expect(errors).toBeGreaterThan(60);
    expect(errors).toBeLessThan(140);
    const retried = keys.map((key) => planLine(faults, { seed: 5, key, submission: 2 }));
    expect(retried).not.toEqual(plans);
  });
});

describe('fault helpers', () => {
  it('faultsApply honours keyContains for a missing key', () => {
    const keyless = { seed: 1, key: undefined, submission: 1 };
    expect(faultsApply(lineFaultsSchema.parse({ keyContains: 'x' }), keyless)).toBe(false);
    expect(faultsApply(lineFaultsSchema.parse({}), { seed: 1, key: undefined, submission: 9 })).toBe(true);
  });

  it('renameFields leaves values and unlisted keys untouched, and counts the keys it renamed', () => {
    const renamed = renameFields({ a: { a: ['a', { b: 1 }] }, c: 'a' }, { a: 'z', b: 'y' });
    expect(renamed).toEqual({ value: { z: { z: ['a', { y: 1 }] }, c: 'a' }, renamed: 3 });
    expect(renameFields({ c: 1 }, { a: 'z' }).renamed).toBe(0);
  });

  it('malformText never splits a surrogate pair when truncating', () => {
    const { text } = malformText('ab😀cd', { kind: 'truncated' });
    expect(text).toBe('ab');
  });
});
