import { describe, expect, it } from 'vitest';
import { InputError } from '../shared/index.ts';
import { parseRequestJson, singleToDoubleQuotes } from './lenient-json.ts';

describe('parseRequestJson', () => {
  it('reads the single-quoted body of Google’s curl sample', () => {
    expect(parseRequestJson("{'file': {'display_name': 'my file'}}", 'body')).toEqual({ file: { display_name: 'my file' } });
  });

  it('keeps double quotes and escapes inside single-quoted strings', () => {
    expect(singleToDoubleQuotes(`{'a': 'say "hi" it\\'s', "b": "it's"}`)).toBe(`{"a": "say \\"hi\\" it's", "b": "it's"}`);
  });

  it('treats an empty body as {} and anything else unparseable as a 400 InputError', () => {
    expect(parseRequestJson('  ', 'body')).toEqual({});
    expect(() => parseRequestJson('{"a":', 'body')).toThrow(InputError);
    expect(() => parseRequestJson('{"a":', 'body')).toThrow(/^body: Invalid JSON payload received\. /);
  });
});
