/**
 * @module Calibration of token estimates from real usage: a per-model running ratio of actual / estimated tokens,
 * which the engine keeps in the ledger (one for input and one for output is the intended use).
 */
import { InputError } from '../shared/index.ts';

/** A calibration ratio and how many observations it summarises. */
export interface Calibration {
  ratio: number;
  samples: number;
}

/**
 * After this many observations each new one keeps the weight 1/CALIBRATION_WINDOW, so the ratio follows changes (a
 * new prompt, a model update) instead of freezing.
 */
export const CALIBRATION_WINDOW = 50;
/** One observation's ratio is clamped into [1/CLAMP, CLAMP] so one runaway response cannot wreck the calibration. */
export const CALIBRATION_CLAMP = 10;

/**
 * `estimate` corrected by `ratio`, rounded up to whole tokens; `estimate` unchanged when there is no ratio yet.
 * Throws InputError for a ratio that is not a positive finite number (a corrupted ledger value).
 */
export function applyCalibration(estimate: number, ratio: number | undefined): number {
  if (ratio === undefined) return estimate;
  if (!Number.isFinite(ratio) || ratio <= 0) {
    throw new InputError('calibration', `the ratio must be a positive number, got ${ratio}`);
  }
  return Math.ceil(estimate * ratio);
}

/**
 * The calibration after one more observation of `estimated` vs `actual` tokens.
 *
 * The ratio is a running geometric mean of actual/estimated: the mean of the observations' logarithms, each weighted
 * 1/(samples + 1) until {@link CALIBRATION_WINDOW} observations and 1/CALIBRATION_WINDOW after that (an exponential
 * moving average). Working in logarithms treats over- and under-estimates alike (x2 and x0.5 cancel out).
 * An observation with `estimated` or `actual` not positive and finite (nothing to compare, e.g. a blocked prompt) is
 * skipped: the previous calibration is returned, or `{ ratio: 1, samples: 0 }` when there was none.
 */
export function updateCalibration(
  previous: Calibration | undefined,
  estimated: number,
  actual: number,
): Calibration {
  const start = previous ?? { ratio: 1, samples: 0 };
  if (!(Number.isFinite(estimated) && estimated > 0 && Number.isFinite(actual) && actual > 0)) return start;
  const observed = Math.min(CALIBRATION_CLAMP, Math.max(1 / CALIBRATION_CLAMP, actual / estimated));
  const samples = start.samples + 1;
  const weight = 1 / Math.min(samples, CALIBRATION_WINDOW);
  const logRatio = Math.log(start.ratio) + (Math.log(observed) - Math.log(start.ratio)) * weight;
  return { ratio: Math.exp(logRatio), samples };
}
