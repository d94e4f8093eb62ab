/** @module Cost: the price table, text token estimates, calibration from real usage, and USD arithmetic and display. */
export * from './model-price.ts';
export * from './model-id.ts';
export * from './price-table.ts';
export * from './cost-of-usage.ts';
export * from './text-tokens.ts';
export * from './calibration.ts';
export * from './format-usd.ts';
export * from './cache-decision.ts';
