import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { resolveApiKey, resolveBaseUrl, resolveProvider, resolveProviderAccess } from './resolve-env.ts';

describe('resolveApiKey', () => {
  it('prefers GOOGLE_API_KEY, trims, and treats blank as unset', () => {
    expect(resolveApiKey({ GOOGLE_API_KEY: ' g ', GEMINI_API_KEY: 'm' })).toBe('g');
    expect(resolveApiKey({ GOOGLE_API_KEY: '', GEMINI_API_KEY: ' m\n' })).toBe('m');
    expect(resolveApiKey({})).toBeUndefined();
  });
});

describe('resolveProvider', () => {
  it('prefers the flag over the file', () => {
    expect(resolveProvider('gemini', 'emulator', 'f')).toBe('gemini');
    expect(resolveProvider(undefined, 'emulator', 'f')).toBe('emulator');
  });
  it('refuses an unknown flag value and a missing provider', () => {
    expect(() => resolveProvider('vertex', undefined, 'f')).toThrow(ConfigError);
    expect(() => resolveProvider(undefined, undefined, 'f.yaml')).toThrow(/f\.yaml: provider: missing/);
  });
});

describe('resolveBaseUrl', () => {
  it('prefers the file, then GOOGLE_GEMINI_BASE_URL', () => {
    expect(resolveBaseUrl('http://file', { GOOGLE_GEMINI_BASE_URL: 'http://env' })).toBe('http://file');
    expect(resolveBaseUrl(undefined, { GOOGLE_GEMINI_BASE_URL: 'http://env' })).toBe('http://env');
    expect(resolveBaseUrl(undefined, {})).toBeUndefined();
  });
  it('names the variable when it is not a URL', () => {
    expect(() => resolveBaseUrl(undefined, { GOOGLE_GEMINI_BASE_URL: 'localhost:1' })).toThrow(
      'environment variable GOOGLE_GEMINI_BASE_URL: expected an http:// or https:// URL',
    );
  });
});

describe('resolveProviderAccess', () => {
  it('takes OpenAI\'s key and base URL from OPENAI_API_KEY and OPENAI_BASE_URL, Gemini\'s from its own variables', () => {
    const env = { OPENAI_API_KEY: ' sk-o ', OPENAI_BASE_URL: 'http://o/v1', GEMINI_API_KEY: 'g', GOOGLE_GEMINI_BASE_URL: 'http://g' };
    expect(resolveProviderAccess('openai', undefined, env)).toEqual({ apiKey: 'sk-o', baseUrl: 'http://o/v1' });
    expect(resolveProviderAccess('emulator', undefined, env)).toEqual({ apiKey: 'g', baseUrl: 'http://g' });
    expect(resolveProviderAccess('openai', 'http://file', {})).toEqual({ apiKey: undefined, baseUrl: undefined });
    expect(() => resolveProviderAccess('openai', undefined, { OPENAI_BASE_URL: 'api.openai.com' })).toThrow(/OPENAI_BASE_URL/);
  });
});
