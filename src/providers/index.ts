/** @module Batch providers: the contract, and the factory that picks an implementation. */
export * from './batch-provider.ts';
export { createGeminiProvider, type GeminiProviderSettings } from './gemini/index.ts';
export { resultReaderFor } from './result-readers.ts';
