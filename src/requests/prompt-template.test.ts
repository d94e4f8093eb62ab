/** @module Tests for prompt templates. */
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../shared/index.ts';
import { findMissingPlaceholders, findPlaceholders, missingFieldsReason, parseMissingFields, renderPrompt } from './prompt-template.ts';

const doc = {
  id: 'doc-7',
  text: 'Full text of the paper.',
  fields: {
    title: 'Soil carbon',
    year: 2024,
    peerReviewed: false,
    meta: { journal: { name: 'Geoderma' }, pages: null },
    authors: ['Ana', 'Bo'],
    site: { lat: 1.5, lon: -2 },
  },
};

describe('findPlaceholders', () => {
  it('lists distinct names in order of first use, trimming whitespace inside the braces', () => {
    expect(findPlaceholders('{{ title }} {{a.b.c}} {{title}} {{document}}')).toEqual(['title', 'a.b.c', 'document']);
  });

  it('does not count escaped braces', () => {
    expect(findPlaceholders('use \\{{title}} literally, fill {{year}}')).toEqual(['year']);
  });

  it('rejects an unclosed placeholder with its position', () => {
    expect(() => findPlaceholders('ok\n  {{title')).toThrow(/line 2, column 3.*no closing/);
    expect(() => findPlaceholders('{{title')).toThrow(ConfigError);
  });

  it('rejects placeholders that are not names or dotted paths', () => {
    for (const bad of ['{{}}', '{{ a b }}', '{{a..b}}', '{{.a}}', '{{{a}}}']) {
      expect(() => findPlaceholders(bad), bad).toThrow(ConfigError);
    }
  });
});

describe('findMissingPlaceholders', () => {
  it('names the fields the document lacks, treating null as missing, document and id as always present', () => {
    const template = '{{id}} {{document}} {{title}} {{meta.journal.name}} {{meta.pages}} {{abstract}} {{meta.x.y}}';
    expect(findMissingPlaceholders(template, doc.fields)).toEqual(['meta.pages', 'abstract', 'meta.x.y']);
  });

  it('does not resolve inherited properties such as constructor or toString', () => {
    expect(findMissingPlaceholders('{{constructor}} {{title.length}} {{authors.toString}}', doc.fields)).toEqual([
      'constructor',
      'title.length',
      'authors.toString',
    ]);
  });
});

describe('renderPrompt', () => {
  it('fills top-level and nested fields, the document text and the id', () => {
    expect(renderPrompt('[{{id}}] {{ title }} in {{meta.journal.name}}:\n{{document}}', doc)).toBe(
      '[doc-7] Soil carbon in Geoderma:\nFull text of the paper.',
    );
  });

  it('renders numbers and booleans as text, arrays and objects as pretty JSON, array elements by index', () => {
    expect(renderPrompt('{{year}} {{peerReviewed}} {{authors.1}}', doc)).toBe('2024 false Bo');
    expect(renderPrompt('{{authors}}', doc)).toBe('[\n  "Ana",\n  "Bo"\n]');
    expect(renderPrompt('{{site}}', doc)).toBe('{\n  "lat": 1.5,\n  "lon": -2\n}');
  });

  it('turns \\{{ into a literal {{ and leaves lone braces alone', () => {
    expect(renderPrompt('JSON like \\{{"a": 1}} and {x} }} for {{title}}', doc)).toBe(
      'JSON like {{"a": 1}} and {x} }} for Soil carbon',
    );
  });

  it('does not re-expand placeholders that appear inside field values', () => {
    const tricky = { id: 'd', text: '{{title}}', fields: { title: '{{id}}' } };
    expect(renderPrompt('{{document}}|{{title}}', tricky)).toBe('{{title}}|{{id}}');
  });

  it('throws an InputError naming the document and every missing field', () => {
    let caught: unknown;
    try {
      renderPrompt('{{title}} {{abstract}} {{meta.pages}} {{abstract}}', doc);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = (caught as InputError).message;
    expect(message).toContain('doc-7');
    expect(message).toContain('"abstract"');
    expect(message).toContain('"meta.pages"');
    expect(message).not.toContain('"title"');
  });

  it('prefers the built-in id and document over fields of the same name', () => {
    expect(renderPrompt('{{id}}/{{document}}', { id: 'real', text: 'body', fields: { id: 'x', document: 'y' } })).toBe(
      'real/body',
    );
  });
});

describe('missingFieldsReason and parseMissingFields', () => {
  it('name the missing placeholders and the fields the document has, and read them back from a stored reason', () => {
    const reason = missingFieldsReason(['titel', 'meta.year'], ['title', 'abstract']);
    expect(reason).toBe('the prompt template needs field(s) "titel", "meta.year", which the document lacks (its fields: title, abstract)');
    expect(parseMissingFields(`document p1: ${reason}`)).toEqual({ missing: ['titel', 'meta.year'], fields: ['title', 'abstract'] });
    expect(parseMissingFields(`document p1: ${missingFieldsReason(['x'], [])}`)).toEqual({ missing: ['x'], fields: [] });
    expect(parseMissingFields('binary file (NUL byte at offset 398)')).toBeUndefined();
  });

  it('name at most 20 fields', () => {
    const fields = Array.from({ length: 25 }, (_, i) => `f${i}`);
    const reason = missingFieldsReason(['x'], fields);
    expect(reason).toMatch(/\(its fields: f0, f1, .*, f19, …\)$/);
    expect(parseMissingFields(reason)?.fields).toEqual(fields.slice(0, 20));
  });

  it('renderPrompt gives this reason for a document that lacks a field', () => {
    expect(() => renderPrompt('{{titel}}', { id: 'p1', text: '', fields: { title: 'T' } })).toThrow(
      'document p1: the prompt template needs field(s) "titel", which the document lacks (its fields: title)',
    );
  });
});
