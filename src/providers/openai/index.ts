/** @module The OpenAI batch provider: the only code that imports `openai`. */
export { createOpenAiProvider, type OpenAiProviderSettings } from './openai-provider.ts';
export { OPENAI_CAPABILITIES } from './openai-capabilities.ts';
export { OPENAI, openAiRequestCodec } from './openai-request.ts';
