import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { simulateGenerateContent } from './index.ts';

const PROMPT = `Extract the paper's metadata as JSON.

Attention Is All You Need
Authors: Ashish Vaswani, Noam Shazeer, Niki Parmar
Published in 2017 at NeurIPS.

The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.
We propose a new simple network architecture, the Transformer, based solely on attention mechanisms.
Our model achieves 28.4 BLEU on the WMT English-to-German translation task.
The model has 65 million parameters and trains in 3.5 days on 8 GPUs.
Contact: vaswani@example.org or see https://arxiv.org/abs/1706.03762 for details.`;

type SchemaField = 'responseSchema' | 'responseJsonSchema';

function jsonAnswer(schemaField: SchemaField, schema: unknown, seed = 1, text = PROMPT): unknown {
  const generationConfig = { responseMimeType: 'application/json', [schemaField]: schema };
  const response = simulateGenerateContent(
    { contents: [{ role: 'user', parts: [{ text }] }], generationConfig },
    { seed, model: 'gemini-2.5-flash' },
  ) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
  return JSON.parse(response.candidates[0]!.content.parts[0]!.text);
}

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
  ajv.addFormat('uri', /^https?:\/\/\S+$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  return ajv;
}

const JSON_SCHEMAS: Record<string, Record<string, unknown>> = {
  flat: {
    type: 'object',
    properties: {
      title: { type: 'string' },
      year: { type: 'integer' },
      score: { type: 'number' },
      open: { type: 'boolean' },
    },
    required: ['title', 'year', 'score', 'open'],
    additionalProperties: false,
  },
  nested: {
    type: 'object',
    properties: {
      paper: {
        type: 'object',
        properties: {
          title: { type: 'string', minLength: 3, maxLength: 40 },
          authors: {
            type: 'array',
            minItems: 2,
            maxItems: 4,
            uniqueItems: true,
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, rank: { type: 'integer', minimum: 1, maximum: 3 } },
              required: ['name', 'rank'],
            },
          },
        },
        required: ['title', 'authors'],
        additionalProperties: false,
      },
      tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
    },
    required: ['paper', 'tags'],
  },
  choices: {
    type: 'object',
    properties: {
      kind: { enum: ['article', 'review', 'thesis'] },
      status: { const: 'final' },
      note: { type: ['string', 'null'] },
      value: { anyOf: [{ type: 'integer', exclusiveMinimum: 1000 }, { type: 'string', format: 'date' }] },
      ratio: { type: 'number', minimum: 0, maximum: 1 },
      even: { type: 'integer', multipleOf: 2, minimum: 10 },
    },
    required: ['kind', 'status', 'note', 'value', 'ratio', 'even'],
  },
  formats: {
    type: 'object',
    properties: {
      contact: { type: 'string', format: 'email' },
      link: { type: 'string', format: 'uri' },
      published: { type: 'string', format: 'date' },
      updatedAt: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      padded: { type: 'string', minLength: 500 },
    },
    required: ['contact', 'link', 'published', 'updatedAt', 'id', 'padded'],
  },
  recursiveRefs: {
    $defs: {
      section: {
        type: 'object',
        properties: { heading: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/section' } } },
        required: ['heading'],
      },
    },
    type: 'object',
    properties: {
      root: { $ref: '#/$defs/section' },
      extra: {
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] },
        ],
      },
    },
    required: ['root', 'extra'],
  },
  topLevelArray: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 3 },
};

describe('schema-conforming JSON answers', () => {
  const ajv = createAjv();
  for (const [name, schema] of Object.entries(JSON_SCHEMAS)) {
    it(`conforms to the "${name}" JSON Schema under 40 seeds`, () => {
      const validate = ajv.compile(schema);
      for (let seed = 0; seed < 40; seed += 1) {
        const answer = jsonAnswer('responseJsonSchema', schema, seed);
        const why = `${name} seed ${seed}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(answer)}`;
        expect(validate(answer), why).toBe(true);
      }
    });
  }

  it('conforms to a Gemini uppercase Schema (nullable, enum, propertyOrdering, snake_case keywords)', () => {
    const gemini = {
      type: 'OBJECT',
      properties: {
        title: { type: 'STRING' },
        year: { type: 'INTEGER' },
        venue: { type: 'string', nullable: true },
        field: { type: 'STRING', enum: ['biology', 'machine translation', 'physics'] },
        authors: { type: 'ARRAY', items: { type: 'STRING' }, min_items: '1', max_items: '2' },
        metrics: {
          type: 'OBJECT',
          properties: { bleu: { type: 'NUMBER' }, gpus: { type: 'INTEGER' } },
          required: ['bleu'],
        },
        peerReviewed: { type: 'BOOLEAN' },
      },
      required: ['title', 'year', 'field', 'authors', 'metrics', 'peerReviewed'],
      property_ordering: ['year', 'title'],
    };
    const equivalent = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        year: { type: 'integer' },
        venue: { type: ['string', 'null'] },
        field: { enum: ['biology', 'machine translation', 'physics'] },
        authors: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
        metrics: {
          type: 'object',
          properties: { bleu: { type: 'number' }, gpus: { type: 'integer' } },
          required: ['bleu'],
          additionalProperties: false,
        },
        peerReviewed: { type: 'boolean' },
      },
      required: ['title', 'year', 'field', 'authors', 'metrics', 'peerReviewed'],
      additionalProperties: false,
    };
    const validate = ajv.compile(equivalent);
    for (let seed = 0; seed < 40; seed += 1) {
      const answer = jsonAnswer('responseSchema', gemini, seed) as Record<string, unknown>;
      expect(validate(answer), ajv.errorsText(validate.errors)).toBe(true);
      expect(Object.keys(answer).slice(0, 2)).toEqual(['year', 'title']);
    }
  });
});

describe('values come from the prompt', () => {
  const schema = {
    type: 'object',
    properties: {
      title: { type: 'string' },
      authors: { type: 'array', items: { type: 'string' } },
      year: { type: 'integer' },
      bleuScore: { type: 'number' },
      gpus: { type: 'integer' },
      field: { type: 'string', enum: ['biology', 'machine translation', 'physics'] },
      summary: { type: 'string' },
      contact: { type: 'string' },
      url: { type: 'string' },
    },
    required: ['title', 'authors', 'year', 'bleuScore', 'gpus', 'field', 'summary', 'contact', 'url'],
  };

  it('fills each property with the matching fact of the text', () => {
    const answer = jsonAnswer('responseJsonSchema', schema) as Record<string, unknown>;
    expect(answer['title']).toBe('Attention Is All You Need');
    expect(answer['authors']).toEqual(['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar']);
    expect(answer['year']).toBe(2017);
    expect(answer['bleuScore']).toBe(28.4);
    expect(answer['gpus']).toBe(8);
    expect(answer['field']).toBe('machine translation');
    expect(answer['contact']).toBe('vaswani@example.org');
    expect(answer['url']).toBe('https://arxiv.org/abs/1706.03762');
    expect(answer['summary']).toMatch(/^The dominant sequence transduction models/);
  });

  it('takes a number for a numeric property from the numbers of the text, whatever the seed', () => {
    const text = 'Inventory report.\nThe warehouse holds 4817 crates of apples and 92 pallets of pears this week.';
    const numeric = {
      type: 'object',
      properties: { crates: { type: 'integer' }, total: { type: 'number' } },
      required: ['crates', 'total'],
    };
    for (let seed = 0; seed < 10; seed += 1) {
      const answer = jsonAnswer('responseJsonSchema', numeric, seed, text) as Record<string, number>;
      expect(answer['crates']).toBe(4817);
      expect([4817, 92]).toContain(answer['total']);
    }
  });

  it('prefers a "key: value" field of the prompt over anything else', () => {
    const text = 'Invoice\nVendor: Fjord Supplies AS\nThe order was shipped late because of a storm.';
    const schema = { type: 'object', properties: { vendor: { type: 'string' } }, required: ['vendor'] };
    const answer = jsonAnswer('responseJsonSchema', schema, 1, text);
    expect(answer).toEqual({ vendor: 'Fjord Supplies AS' });
  });
});
