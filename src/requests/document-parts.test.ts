import { describe, expect, it } from 'vitest';
import { base64Length, bindDocumentRefs, documentPart, documentRefsIn, travelOf } from './document-parts.ts';
import { fingerprintRequest } from './fingerprint.ts';

const HASH = 'a'.repeat(64);
const pdf = { mimeType: 'application/pdf', contentHash: HASH, sizeBytes: 5000, pages: 3 };

describe('document parts', () => {
  it('travel inline up to the stage limit and as a file above it, unless forced', () => {
    expect(travelOf(pdf, { travel: 'auto', inlineMaxBytes: 5000 })).toBe('inline');
    expect(travelOf(pdf, { travel: 'auto', inlineMaxBytes: 4999 })).toBe('file');
    expect(travelOf(pdf, { travel: 'file', inlineMaxBytes: 1e9 })).toBe('file');
  });

  it('hold a content reference, bound to bytes or a URI when the line is written', () => {
    const parts = [documentPart(pdf, 'inline'), documentPart(pdf, 'file')];
    expect(parts).toEqual([
      { kind: 'inline', mimeType: 'application/pdf', base64: `truebatch-inline:sha256:${HASH}`, pages: 3 },
      { kind: 'file', uri: `truebatch-file:sha256:${HASH}`, mimeType: 'application/pdf', pages: 3 },
    ]);
    const json = JSON.stringify({ pieces: parts });
    expect(documentRefsIn(json)).toEqual([{ travel: 'inline', contentHash: HASH }, { travel: 'file', contentHash: HASH }]);
    const bound = bindDocumentRefs(json, (ref) => (ref.travel === 'inline' ? 'QUJD' : 'https://files.example/f/1?"q"'));
    expect(JSON.parse(bound)).toEqual({
      pieces: [
        { kind: 'inline', mimeType: 'application/pdf', base64: 'QUJD', pages: 3 },
        { kind: 'file', uri: 'https://files.example/f/1?"q"', mimeType: 'application/pdf', pages: 3 },
      ],
    });
    expect(base64Length(4)).toBe(8);
  });

  it('keep the fingerprint whatever upload the line is bound to', () => {
    const request = { content: [{ kind: 'text' as const, text: 'Summarise.' }, documentPart(pdf, 'file')], generation: {} };
    const fingerprint = fingerprintRequest({ provider: 'gemini', model: 'm', request });
    expect(fingerprintRequest({ provider: 'gemini', model: 'm', request: structuredClone(request) })).toBe(fingerprint);
    const inline = { ...request, content: [request.content[0]!, documentPart(pdf, 'inline')] };
    expect(fingerprintRequest({ provider: 'gemini', model: 'm', request: inline })).not.toBe(fingerprint);
  });
});
