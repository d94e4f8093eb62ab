import { describe, expect, it } from 'vitest';
import { fileIdOfUri, fileUnavailable } from './file-references.ts';

describe('fileIdOfUri', () => {
  it('reads the id from a File’s uri (any host, version or prefix) and from files/<id>', () => {
    expect(fileIdOfUri('https://generativelanguage.googleapis.com/v1beta/files/abc123')).toBe('abc123');
    expect(fileIdOfUri('http://127.0.0.1:4000/gemini/v1/files/x-1')).toBe('x-1');
    expect(fileIdOfUri('files/abc123')).toBe('abc123');
  });

  it('names nothing for URIs the emulator cannot read', () => {
    for (const uri of ['gs://bucket/paper.pdf', 'https://example.com/paper.pdf', 'files/', 'files/a/b', 'abc123', 'files/ABC']) {
      expect(fileIdOfUri(uri)).toBeUndefined();
    }
  });
});

describe('fileUnavailable', () => {
  it('is Google’s 403 wording for a file that is gone', () => {
    expect(fileUnavailable('oe6b8dv1e0gr')).toEqual({
      code: 403,
      message: 'You do not have permission to access the File oe6b8dv1e0gr or it may not exist.',
    });
  });
});
