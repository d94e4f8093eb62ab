/** @module The Gemini batch provider: the only code that imports `@google/genai`. */
export { createGeminiProvider, GEMINI_DEFAULT_BASE_URL, type GeminiProviderSettings } from './gemini-provider.ts';
export { GEMINI_PROVIDER_NAME } from './gemini-errors.ts';
export { GEMINI_CAPABILITIES } from './gemini-capabilities.ts';
