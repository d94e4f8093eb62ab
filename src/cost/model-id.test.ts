import { describe, expect, it } from 'vitest';
import { normaliseModelId, resolveModelId } from './model-id.ts';

const known = ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro'];

describe('normaliseModelId', () => {
  it('drops a leading models/ and surrounding spaces', () => {
    expect(normaliseModelId('models/gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(normaliseModelId(' gemini-2.5-pro ')).toBe('gemini-2.5-pro');
    expect(normaliseModelId('tunedModels/x')).toBe('tunedModels/x');
  });
});

describe('resolveModelId', () => {
  it('matches an exact id, with or without models/', () => {
    expect(resolveModelId('gemini-2.5-flash', known)).toBe('gemini-2.5-flash');
    expect(resolveModelId('models/gemini-2.5-flash-lite', known)).toBe('gemini-2.5-flash-lite');
  });

  it('falls back from a version tag to the family id', () => {
    expect(resolveModelId('gemini-2.5-flash-001', known)).toBe('gemini-2.5-flash');
    expect(resolveModelId('models/gemini-2.5-flash-preview-09-2025', known)).toBe('gemini-2.5-flash');
    expect(resolveModelId('gemini-2.5-flash-lite-preview-06-17', known)).toBe('gemini-2.5-flash-lite');
    expect(resolveModelId('gemini-2.5-pro-exp-03-25', known)).toBe('gemini-2.5-pro');
    expect(resolveModelId('gemini-2.5-pro-latest', known)).toBe('gemini-2.5-pro');
  });

  it('never falls back to a different model that merely shares a prefix', () => {
    expect(resolveModelId('gemini-2.5-flash-image', known)).toBeUndefined();
    expect(resolveModelId('gemini-2.5-flash-preview-tts', known)).toBeUndefined();
    expect(resolveModelId('gemini-2.5-flashy', known)).toBeUndefined();
    expect(resolveModelId('gemini-2.5', known)).toBeUndefined();
    expect(resolveModelId('', known)).toBeUndefined();
  });

  it('prefers the longest known id', () => {
    expect(resolveModelId('gemini-2.5-flash-lite-001', ['gemini-2.5-flash', 'gemini-2.5-flash-lite'])).toBe(
      'gemini-2.5-flash-lite',
    );
  });
});
