/** @module Test support for config tests (not part of the build). */
import { expect } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { validateConfigObject } from './validate-config.ts';

/** The ConfigError message that validating `raw` (as `my.config.yaml`) produces; fails the test if none. */
export function configErrorMessage(raw: unknown): string {
  try {
    validateConfigObject(raw, 'my.config.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  return expect.unreachable('expected a ConfigError');
}
