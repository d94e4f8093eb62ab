/** @module Tests for the result readers by provider name. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { createGeminiProvider } from './gemini/index.ts';
import { resultReaderFor } from './result-readers.ts';

describe('resultReaderFor', () => {
  it("gives a provider's own readResults by its name, and refuses a name it does not know", () => {
    const gemini = createGeminiProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    expect(resultReaderFor(gemini.name)).toBe(gemini.readResults);
    expect(() => resultReaderFor('nobody')).toThrow(ConfigError);
  });
});
