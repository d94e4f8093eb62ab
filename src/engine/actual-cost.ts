/**
 * @module What a stage's attempts cost: at the batch price actually billed, at the interactive (standard) price of
 * the same tokens, and the saving, from the usage the provider reported for each attempt (streamed).
 */
import { ConfigError } from '../shared/index.ts';
import { costOfUsage, type ModelPrice, type PriceTable } from '../cost/index.ts';
import type { Ledger } from '../ledger/index.ts';

/** An actual cost in USD, or unknown (a model without a price) with the reasons: never shown as $0. */
export type ActualStageCost =
  | { kind: 'priced'; batchUsd: number; standardUsd: number; savingUsd: number }
  | { kind: 'unknown'; reasons: string[] };

/** The actual cost of every attempt of `stage` that reported usage. */
export function actualStageCost(ledger: Ledger, stage: string, prices: PriceTable): ActualStageCost {
  const priceOf = new Map<string, ModelPrice | string>();
  const reasons = new Set<string>();
  const sum = { batchUsd: 0, standardUsd: 0, savingUsd: 0 };
  for (const usage of ledger.outcomes.stageUsage(stage)) {
    let price = priceOf.get(usage.model);
    if (price === undefined) {
      price = priceOrReason(prices, usage.model);
      priceOf.set(usage.model, price);
    }
    if (typeof price === 'string') {
      reasons.add(price);
      continue;
    }
    const cost = costOfUsage(usage, price);
    sum.batchUsd += cost.batchUsd;
    sum.standardUsd += cost.standardUsd;
    sum.savingUsd += cost.savingUsd;
  }
  return reasons.size > 0 ? { kind: 'unknown', reasons: [...reasons] } : { kind: 'priced', ...sum };
}

function priceOrReason(prices: PriceTable, model: string): ModelPrice | string {
  try {
    return prices.priceFor(model);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/** The sum of stage costs; unknown when any of them is. */
export function totalCost(costs: readonly ActualStageCost[]): ActualStageCost {
  const reasons = [...new Set(costs.flatMap((cost) => (cost.kind === 'unknown' ? cost.reasons : [])))];
  if (reasons.length > 0) return { kind: 'unknown', reasons };
  const sum = { batchUsd: 0, standardUsd: 0, savingUsd: 0 };
  for (const cost of costs) {
    if (cost.kind !== 'priced') continue;
    sum.batchUsd += cost.batchUsd;
    sum.standardUsd += cost.standardUsd;
    sum.savingUsd += cost.savingUsd;
  }
  return { kind: 'priced', ...sum };
}
