import { describe, expect, it } from 'vitest';
import { defaultEmbeddingDimensions, embedText, parseEmbedRequest } from './embedding.ts';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
}

describe('the simulated embedding model', () => {
  it('puts texts that share most words nearer each other than unrelated texts', () => {
    const dimensions = 256;
    const base = embedText('Soil organic carbon increased under no-till maize in the long-term trial', dimensions);
    const similar = embedText('Soil organic carbon increased under no-till wheat in the long-term trial', dimensions);
    const unrelated = embedText('The committee approved the harbour budget for next year', dimensions);
    expect(cosine(base, similar)).toBeGreaterThan(0.7);
    expect(cosine(base, similar)).toBeGreaterThan(cosine(base, unrelated) + 0.5);
  });

  it('is deterministic, unit-length and of the asked size', () => {
    const vector = embedText('same text', 768);
    expect(embedText('same text', 768)).toEqual(vector);
    expect(vector).toHaveLength(768);
    expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 5);
  });

  it('reads camelCase and snake_case, defaults to the model size and names bad fields', () => {
    expect(parseEmbedRequest({ content: { parts: [{ text: 'x' }] }, output_dimensionality: 12 }, 'models/gemini-embedding-001').dimensions).toBe(12);
    expect(parseEmbedRequest({ content: { parts: [{ text: 'x' }] }, task_type: 'CLUSTERING' }, 'gemini-embedding-001')).toEqual({ text: 'x', dimensions: 3072, taskType: 'CLUSTERING' });
    expect(defaultEmbeddingDimensions('text-embedding-004')).toBe(768);
    expect(() => parseEmbedRequest({ content: { parts: [{ text: 'x' }] }, taskType: 'SUMMARY' }, 'gemini-embedding-001')).toThrow(/taskType/);
    expect(() => parseEmbedRequest({ contents: [{ parts: [{ text: 'x' }] }] }, 'gemini-embedding-001')).toThrow(/no such field: 'contents'/);
    expect(() => parseEmbedRequest({ content: { parts: [{ text: ' ' }] } }, 'gemini-embedding-001')).toThrow(/no text/);
  });
});
