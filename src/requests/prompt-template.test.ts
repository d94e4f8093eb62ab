/** @module Tests for prompt templates. */
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../shared/index.ts';
import { findMissingPlaceholders, findPlaceholders, renderPrompt } from './prompt-template.ts';

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
