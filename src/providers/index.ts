/** @module Batch providers: the contract, the registry of providers by name, and each provider's factory. */
export * from './batch-provider.ts';
export type { ProviderConnectRequest, ProviderConnection, ProviderEntry } from './provider-entry.ts';
export { providerEntry, resultReaderFor, requestCodecFor } from './registry.ts';
export type { RequestCodec, RequestTokenEstimate } from './request-codec.ts';
export { createGeminiProvider, type GeminiProviderSettings } from './gemini/index.ts';
export { createFakeProvider, FakeBatchService, type FakeScript, type FakeJobRule, type FakeAnswer } from './fake/index.ts';
export { DEFAULT_RETRY_POLICY, retryDelay, withRetries, failureStatus, isTransient, type RetryPolicy, type RetryEvent, type Random } from './retry-policy.ts';
export { ProviderHealth, resilientProvider, type HealthObserver, type ResilienceOptions } from './resilient-provider.ts';
