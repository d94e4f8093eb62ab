import { describe, expect, it } from 'vitest';
import { createRng, InputError } from '../shared/index.ts';
import { CALIBRATION_CLAMP, applyCalibration, updateCalibration, type Calibration } from './calibration.ts';

describe('applyCalibration', () => {
  it('leaves the estimate alone without a ratio, scales and rounds up with one', () => {
    expect(applyCalibration(1000, undefined)).toBe(1000);
    expect(applyCalibration(1000, 1.25)).toBe(1250);
    expect(applyCalibration(10, 1.01)).toBe(11);
  });

  it('refuses a ratio that is not a positive number', () => {
    for (const ratio of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => applyCalibration(100, ratio)).toThrow(InputError);
    }
  });
});

describe('updateCalibration', () => {
  it('starts from the first observation', () => {
    const first = updateCalibration(undefined, 1000, 1200);
    expect(first.samples).toBe(1);
    expect(first.ratio).toBeCloseTo(1.2, 12);
  });

  it('treats over- and under-estimates alike', () => {
    const once = updateCalibration(undefined, 100, 200);
    const twice = updateCalibration(once, 100, 50);
    expect(twice.samples).toBe(2);
    expect(twice.ratio).toBeCloseTo(1, 12);
  });

  it('converges toward the true ratio after several noisy updates', () => {
    const rng = createRng('calibration');
    let calibration: Calibration | undefined;
    for (let index = 0; index < 200; index += 1) {
      const estimated = 200 + rng.int(5000);
      const noise = 0.8 + 0.4 * rng.next();
      calibration = updateCalibration(calibration, estimated, Math.round(estimated * 1.3 * noise));
    }
    expect(calibration?.samples).toBe(200);
    expect(calibration?.ratio).toBeGreaterThan(1.3 * 0.95);
    expect(calibration?.ratio).toBeLessThan(1.3 * 1.05);
    // The estimate corrected by the calibration is close to the truth.
    expect(applyCalibration(1000, calibration?.ratio) / 1300).toBeCloseTo(1, 1);
  });

  it('follows a change of the true ratio instead of freezing', () => {
    let calibration: Calibration = { ratio: 2, samples: 10_000 };
    for (let index = 0; index < 300; index += 1) calibration = updateCalibration(calibration, 1000, 800);
    expect(calibration.ratio).toBeCloseTo(0.8, 2);
  });

  it('limits what one runaway observation can do', () => {
    let calibration: Calibration | undefined;
    for (let index = 0; index < 20; index += 1) calibration = updateCalibration(calibration, 100, 100);
    const after = updateCalibration(calibration, 100, 1_000_000);
    expect(after.ratio).toBeLessThanOrEqual(CALIBRATION_CLAMP ** (1 / 21) + 1e-12);
    expect(updateCalibration(undefined, 100, 1_000_000).ratio).toBeCloseTo(CALIBRATION_CLAMP, 10);
  });

  it('skips observations with nothing to compare', () => {
    const previous = { ratio: 1.4, samples: 7 };
    expect(updateCalibration(previous, 0, 100)).toBe(previous);
    expect(updateCalibration(previous, 100, 0)).toBe(previous);
    expect(updateCalibration(previous, Number.NaN, 100)).toBe(previous);
    expect(updateCalibration(undefined, 0, 0)).toEqual({ ratio: 1, samples: 0 });
  });
});
