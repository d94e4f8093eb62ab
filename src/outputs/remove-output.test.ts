/** @module Tests for removing a superseded output: real files. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemError } from '../shared/index.ts';
import { removeOutput } from './remove-output.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tb-remove-output-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('removeOutput', () => {
  it('deletes the output, and takes one already gone as done', () => {
    const path = join(dir, 'a_extract.json');
    writeFileSync(path, '{}');
    removeOutput(path, dir);
    expect(existsSync(path)).toBe(false);
    expect(() => removeOutput(path, dir)).not.toThrow();
  });

  it("leaves alone an output outside the stage's folder: an earlier output.dir, or a copied project's original", () => {
    const elsewhere = join(dir, 'original', 'outputs');
    mkdirSync(elsewhere, { recursive: true });
    const path = join(elsewhere, 'a_extract.json');
    writeFileSync(path, '{}');
    removeOutput(path, join(dir, 'copy', 'outputs'));
    removeOutput(path, dir);
    expect(existsSync(path)).toBe(true);
  });

  it('names the path when it cannot remove it', () => {
    const path = join(dir, 'in-the-way.json');
    mkdirSync(join(path, 'inside'), { recursive: true });
    const error = ((): unknown => {
      try {
        removeOutput(path, dir);
        return undefined;
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(FilesystemError);
    expect((error as Error).message).toContain(`cannot remove the superseded output ${path}`);
    expect(existsSync(path)).toBe(true);
  });
});
