/**
 * @module `faults.divergence` through the official SDK (issue #19): the interactive `:generateContent` answer to a
 * request equals the batch line's answer to the same request, except on the configured fields of a seeded share of
 * requests, the same ones on every call; stats count them per field.
 */
import { JobState, type BatchJob, type GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { sdkEmulatorPerFile } from './test-support.ts';

const API_KEY = 'sdk-divergence-test-key';
const sdk = sdkEmulatorPerFile(API_KEY, {
  seed: 7,
  faults: { divergence: { rate: 0.2, fields: { '/design': 'flip-enum', '/participants': 'number', '/outcomes': 'drop-item' } } },
});

const MODEL = 'gemini-2.5-flash';
const config = {
  responseMimeType: 'application/json',
  responseJsonSchema: {
    type: 'object',
    properties: {
      design: { type: 'string', enum: ['rct', 'cohort', 'case-control'] },
      participants: { type: 'integer' },
      outcomes: { type: 'array', items: { type: 'string' }, minItems: 2 },
      summary: { type: 'string' },
    },
    required: ['design', 'participants', 'outcomes', 'summary'],
  },
};
const prompts = Array.from({ length: 60 }, (_, index) => `Trial ${index}: ${100 + index * 7} patients were followed for mortality and stay.`);

async function waitForEnd(client: GoogleGenAI, name: string): Promise<BatchJob> {
  let job = await client.batches.get({ name });
  for (let attempt = 0; attempt < 1000 && job.state !== JobState.JOB_STATE_SUCCEEDED && job.state !== JobState.JOB_STATE_FAILED; attempt++) {
    await new Promise((resolve) => setImmediate(resolve));
    job = await client.batches.get({ name });
  }
  return job;
}

function answerOf(text: string | undefined): Record<string, unknown> {
  return JSON.parse(text ?? 'null') as Record<string, unknown>;
}

describe('interactive answers that diverge from the batch ones (faults.divergence)', () => {
  it('alters only the configured fields, of about the configured share of requests, the same way on every call', async () => {
    const created = await sdk.ai.batches.create({
      model: MODEL,
      src: prompts.map((text, index) => ({ contents: text, config, metadata: { key: `doc-${index}` } })),
    });
    const done = await waitForEnd(sdk.ai, created.name!);
    const batchAnswers = (done.dest?.inlinedResponses ?? []).map((item) => answerOf(item.response?.candidates?.[0]?.content?.parts?.[0]?.text));
    expect(batchAnswers).toHaveLength(prompts.length);

    const differing: Record<string, number> = {};
    for (const [index, text] of prompts.entries()) {
      const interactive = await sdk.ai.models.generateContent({ model: MODEL, contents: text, config });
      const again = await sdk.ai.models.generateContent({ model: MODEL, contents: text, config });
      expect(again.text).toBe(interactive.text);
      const answer = answerOf(interactive.text);
      const batch = batchAnswers[index]!;
      expect(answer['summary']).toEqual(batch['summary']);
      for (const field of ['design', 'participants', 'outcomes']) {
        if (JSON.stringify(answer[field]) !== JSON.stringify(batch[field])) differing[`/${field}`] = (differing[`/${field}`] ?? 0) + 1;
      }
      if (answer['design'] !== batch['design']) expect(['rct', 'cohort', 'case-control']).toContain(answer['design']);
      if (answer['participants'] !== batch['participants']) expect(answer['participants']).toBe(Math.round((batch['participants'] as number) * 1.5) || 1);
      if (JSON.stringify(answer['outcomes']) !== JSON.stringify(batch['outcomes'])) expect(answer['outcomes']).toEqual((batch['outcomes'] as unknown[]).slice(0, -1));
    }
    for (const field of ['/design', '/participants', '/outcomes']) {
      expect(differing[field]).toBeGreaterThanOrEqual(4);
      expect(differing[field]).toBeLessThanOrEqual(20);
    }
    // Each request was asked twice: stats count both answers.
    const stats = sdk.emulator.stats();
    expect(stats.divergedAnswers).toEqual(Object.fromEntries(Object.entries(differing).map(([field, count]) => [field, count * 2])));
    expect(stats.generateContentCalls).toBe(prompts.length * 2);
  });
});
