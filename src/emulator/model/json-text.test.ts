import { describe, expect, it } from 'vitest';
import { quoteJson } from './json-text.ts';

const long = (text: string): string => `${'Plain prose of a prompt. '.repeat(12)}${text}${' and more.'.repeat(10)}`;

describe('quoteJson', () => {
  it('equals JSON.stringify for texts with quotes, backslashes, newlines, control characters and surrogates', () => {
    const texts = [
      '',
      'short "quoted" \\ text\n',
      long('a "quote", a \\backslash\\, a \\" pair and\nnew\nlines'),
      long('a tab\there, a carriage return\r, a NUL \u0000 and \u001f'),
      long('a lone high \ud800 surrogate'),
      long('a lone low \udc00 surrogate'),
      long('a pair 😀 and é, 漢字, \u2028 \u2029 \u007f / </script>'),
      long('\\n is not a newline, \\\\n neither'),
      long('ends with a backslash \\'),
    ];
    for (const text of texts) expect(quoteJson(text)).toBe(JSON.stringify(text));
  });
});
