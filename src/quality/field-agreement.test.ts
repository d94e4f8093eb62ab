import { describe, expect, it } from 'vitest';
import { agreementRate, compareAnswers, normaliseText, summariseAgreement, textSimilarity } from './field-agreement.ts';

const schema = {
  type: 'object',
  properties: {
    study_id: { type: 'string' },
    design: { type: 'string', enum: ['rct', 'cohort', 'case-control'] },
    blinded: { type: 'boolean' },
    year: { type: 'integer' },
    participants: { type: 'integer' },
    effect: { type: ['number', 'null'] },
    outcomes: { type: 'array', items: { type: 'string' } },
    summary: { type: 'string' },
    meta: { type: 'object', properties: { doi: { type: 'string' }, pages: { type: 'number' } } },
  },
};

const answer = {
  study_id: 'S-1',
  design: 'rct',
  blinded: true,
  year: 2019,
  participants: 1000,
  effect: 0.42,
  outcomes: ['Mortality', 'length of stay'],
  summary: 'A randomised trial of early mobilisation in intensive care.',
  meta: { doi: '10.1/abc', pages: 12 },
};

function byPath(result: ReturnType<typeof compareAnswers>): Record<string, { kind: string; agreement: number; agrees: boolean }> {
  return Object.fromEntries(result.fields.map(({ path, ...rest }) => [path, rest]));
}

describe('compareAnswers', () => {
  it('takes each field kind from the schema and finds two equal answers in full agreement', () => {
    const fields = byPath(compareAnswers(schema, answer, structuredClone(answer)));
    expect(Object.fromEntries(Object.entries(fields).map(([path, field]) => [path, field.kind]))).toEqual({
      '/study_id': 'exact',
      '/design': 'exact',
      '/blinded': 'exact',
      '/year': 'exact',
      '/participants': 'number',
      '/effect': 'number',
      '/outcomes': 'set',
      '/summary': 'text',
      '/meta/doi': 'exact',
      '/meta/pages': 'number',
    });
    expect(Object.values(fields).every((field) => field.agreement === 1 && field.agrees)).toBe(true);
  });

  it('lets numbers differ within the relative tolerance, and no further', () => {
    const close = byPath(compareAnswers(schema, answer, { ...answer, participants: 1009, effect: 0.4242 }));
    expect(close['/participants']?.agrees).toBe(true);
    expect(close['/effect']?.agrees).toBe(true);
    const far = byPath(compareAnswers(schema, answer, { ...answer, participants: 1011 }));
    expect(far['/participants']).toEqual({ kind: 'number', agreement: 0, agrees: false });
    const loose = byPath(compareAnswers(schema, answer, { ...answer, participants: 1011 }, { numberTolerance: 0.05 }));
    expect(loose['/participants']?.agrees).toBe(true);
  });

  it('compares enums, ids and integer ids exactly', () => {
    const fields = byPath(compareAnswers(schema, answer, { ...answer, design: 'cohort', year: 2020, study_id: 's-1' }));
    expect(fields['/design']?.agrees).toBe(false);
    expect(fields['/year']?.agrees).toBe(false);
    expect(fields['/study_id']?.agrees).toBe(false);
    expect(fields['/blinded']?.agrees).toBe(true);
  });

  it('compares lists as sets of normalised items: order and case do not matter, a dropped item does', () => {
    const reordered = byPath(compareAnswers(schema, answer, { ...answer, outcomes: ['Length of  stay.', 'mortality'] }));
    expect(reordered['/outcomes']).toEqual({ kind: 'set', agreement: 1, agrees: true });
    const dropped = byPath(compareAnswers(schema, answer, { ...answer, outcomes: ['mortality'] }));
    expect(dropped['/outcomes']).toEqual({ kind: 'set', agreement: 0.5, agrees: false });
    const lenient = byPath(compareAnswers(schema, answer, { ...answer, outcomes: ['mortality'] }, { setThreshold: 0.5 }));
    expect(lenient['/outcomes']?.agrees).toBe(true);
  });

  it('counts repeated items, so dropping a repeat is a difference', () => {
    const repeated = byPath(compareAnswers(undefined, { tags: ['a', 'a', 'b'] }, { tags: ['a', 'b'] }));
    expect(repeated['/tags']?.agreement).toBeCloseTo(2 / 3);
    expect(repeated['/tags']?.agrees).toBe(false);
  });

  it('compares objects inside lists by their canonical JSON, whatever the key order', () => {
    const a = { findings: [{ name: 'pH', value: 6.5 }, { name: 'K', value: 120 }] };
    const b = { findings: [{ value: 120, name: 'K' }, { value: 6.5, name: 'pH' }] };
    expect(byPath(compareAnswers(undefined, a, b))['/findings']).toEqual({ kind: 'set', agreement: 1, agrees: true });
    const c = { findings: [{ name: 'pH', value: 6.6 }, { name: 'K', value: 120 }] };
    expect(byPath(compareAnswers(undefined, a, c))['/findings']?.agreement).toBeCloseTo(1 / 3);
  });

  it('scores prose by normalised token overlap with a threshold', () => {
    const reworded = byPath(compareAnswers(schema, answer, { ...answer, summary: 'A randomised trial of EARLY mobilisation, in intensive care!' }));
    expect(reworded['/summary']).toEqual({ kind: 'text', agreement: 1, agrees: true });
    const other = byPath(compareAnswers(schema, answer, { ...answer, summary: 'An observational study of sedation.' }));
    expect(other['/summary']?.agrees).toBe(false);
    expect(other['/summary']?.agreement).toBeLessThan(0.2);
  });

  it('infers kinds from the values when there is no schema', () => {
    const a = { id: 7, score: 3.2, tags: ['a'], note: 'some words here', flag: false, code: 'X-12' };
    const fields = byPath(compareAnswers(undefined, a, { ...a }));
    expect(Object.fromEntries(Object.entries(fields).map(([path, field]) => [path, field.kind]))).toEqual({
      '/id': 'exact',
      '/score': 'number',
      '/tags': 'set',
      '/note': 'text',
      '/flag': 'exact',
      '/code': 'exact',
    });
  });

  it('reads a Gemini responseSchema (uppercase types) as well', () => {
    const gemini = { type: 'OBJECT', properties: { label: { type: 'STRING', enum: ['a', 'b'] }, n: { type: 'NUMBER' } } };
    const fields = byPath(compareAnswers(gemini, { label: 'a', n: 1 }, { label: 'b', n: 1 }));
    expect(fields['/label']).toEqual({ kind: 'exact', agreement: 0, agrees: false });
    expect(fields['/n']?.kind).toBe('number');
  });

  it('counts a field present on one side only as a disagreement, and absent on both as nothing', () => {
    const fields = byPath(compareAnswers(schema, { design: 'rct', effect: null }, { design: 'rct', effect: 0.1, blinded: false }));
    expect(fields['/effect']?.agrees).toBe(false);
    expect(fields['/blinded']?.agrees).toBe(false);
    expect(fields['/summary']).toBeUndefined();
    const nulls = byPath(compareAnswers(schema, { effect: null }, {}));
    expect(nulls['/effect']?.agrees).toBe(true);
    const shapes = byPath(compareAnswers(schema, { meta: 'none' }, { meta: { doi: 'x' } }));
    expect(shapes['/meta']?.agrees).toBe(false);
  });

  it('compares answers that are not objects as one field at the root', () => {
    expect(compareAnswers(undefined, ['a', 'b'], ['b', 'a']).fields).toEqual([{ path: '', kind: 'set', agreement: 1, agrees: true }]);
  });
});

describe('text normalisation', () => {
  it('lowercases, drops punctuation and collapses whitespace', () => {
    expect(normaliseText('  The  pH, was 6.5!\n')).toBe('the ph was 6 5');
    expect(textSimilarity('', '  ')).toBe(1);
    expect(textSimilarity('a b', 'b c')).toBeCloseTo(1 / 3);
  });
});

describe('agreementRate', () => {
  it('gives the Wilson 95% interval, inside 0..1 even at the extremes', () => {
    const rate = agreementRate(80, 100);
    expect(rate.rate).toBe(0.8);
    expect(rate.interval.low).toBeCloseTo(0.7112, 3);
    expect(rate.interval.high).toBeCloseTo(0.8666, 3);
    const all = agreementRate(10, 10);
    expect(all.interval.high).toBe(1);
    expect(all.interval.low).toBeCloseTo(0.7225, 3);
    expect(agreementRate(0, 5).interval.low).toBe(0);
    expect(agreementRate(0, 0)).toEqual({ agree: 0, n: 0, rate: 0, interval: { low: 0, high: 1 } });
  });

  it('narrows as the sample grows', () => {
    const small = agreementRate(8, 10).interval;
    const large = agreementRate(800, 1000).interval;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });
});

describe('summariseAgreement', () => {
  it('tallies per field and per whole document', () => {
    const documents = [0, 1, 2, 3, 4].map((index) => compareAnswers(schema, answer, { ...answer, design: index === 0 ? 'cohort' : 'rct' }));
    const summary = summariseAgreement(documents);
    const design = summary.fields.find((field) => field.path === '/design');
    expect(design).toMatchObject({ kind: 'exact', agree: 4, n: 5, rate: 0.8 });
    expect(summary.fields.find((field) => field.path === '/summary')).toMatchObject({ agree: 5, n: 5, rate: 1 });
    expect(summary.overall).toMatchObject({ agree: 4, n: 5, rate: 0.8 });
    expect(summary.fields.map((field) => field.path)[0]).toBe('/study_id');
  });

  it('summarises nothing as no fields and an empty overall rate', () => {
    expect(summariseAgreement([])).toEqual({ fields: [], overall: { agree: 0, n: 0, rate: 0, interval: { low: 0, high: 1 } } });
  });
});
