import { describe, expect, it } from 'vitest';
import { lineFaultsSchema } from '../faults.ts';
import { answerProfileOf } from '../model-catalogue.ts';
import { simulateLine } from './index.ts';

const TEXT = `Field trial on a sandy loam in Punjab, 2019 to 2021.
Exchangeable potassium rose from 84.6 to 112.3 mg/kg after 60 kg K2O/ha.
Wheat yield increased by 0.74 t/ha, and the critical level was 97.5 mg/kg.
The authors recommend 60 kg K2O/ha on soils below the critical level.`;

const optional = Object.fromEntries(
  ['site', 'soil', 'crop', 'season', 'design', 'funding', 'notes', 'region'].map((name) => [name, { type: 'string' }]),
);
const request = {
  contents: [{ role: 'user', parts: [{ text: TEXT }] }],
  generationConfig: {
    responseMimeType: 'application/json',
    responseJsonSchema: {
      type: 'object',
      properties: { ...optional, value: { type: 'number' }, rise: { type: 'number' }, yield: { type: 'number' } },
      required: ['value', 'rise', 'yield'],
    },
  },
};

function answer(model: string, seed: number): Record<string, unknown> {
  const line = simulateLine(request, { seed, model, key: 'k', submission: 1, faults: lineFaultsSchema.parse({}) });
  if (!('response' in line)) throw new Error(JSON.stringify(line.error));
  const candidates = line.response['candidates'] as { content: { parts: { text: string }[] } }[];
  return JSON.parse(candidates[0]?.content.parts[0]?.text ?? '') as Record<string, unknown>;
}

describe('answers by model (issue #19: variants on a smaller model answer differently)', () => {
  it('knows lite models by name', () => {
    expect(answerProfileOf('gemini-2.5-flash-lite').roundsNumbers).toBe(true);
    expect(answerProfileOf('models/gemini-flash-lite-latest').roundsNumbers).toBe(true);
    expect(answerProfileOf('gemini-2.5-flash').roundsNumbers).toBe(false);
    expect(answerProfileOf('gemini-2.5-pro').optionalDropRate).toBeLessThan(answerProfileOf('gemini-2.5-flash-lite').optionalDropRate);
  });

  it('a lite model fills in a subset of the optional fields, rounds its numbers, and answers the same on every run', () => {
    let fullFields = 0;
    let liteFields = 0;
    let roundedApart = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const full = answer('gemini-2.5-flash', seed);
      const lite = answer('gemini-2.5-flash-lite', seed);
      expect(answer('gemini-2.5-flash-lite', seed)).toEqual(lite);
      for (const name of Object.keys(lite)) expect(full).toHaveProperty(name);
      fullFields += Object.keys(full).length;
      liteFields += Object.keys(lite).length;
      for (const name of ['value', 'rise', 'yield']) {
        expect(Number.isInteger(lite[name])).toBe(true);
        expect(lite[name]).toBe(Math.round(full[name] as number));
        if (lite[name] !== full[name]) roundedApart++;
      }
    }
    expect(liteFields).toBeLessThan(fullFields);
    expect(roundedApart).toBeGreaterThan(0);
  });
});
