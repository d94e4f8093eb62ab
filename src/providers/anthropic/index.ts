/** @module The Anthropic Message Batches provider (loads the SDK). */
export { createAnthropicProvider, type AnthropicProviderSettings } from './anthropic-provider.ts';
export { anthropicRequestCodec, ANTHROPIC_PROVIDER_NAME, DEFAULT_MAX_TOKENS } from './anthropic-request.ts';
export { readAnthropicResults } from './anthropic-results.ts';
