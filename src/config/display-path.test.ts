import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayPath } from './display-path.ts';

describe('displayPath', () => {
  it('is relative inside the working folder and absolute outside it', () => {
    expect(displayPath(path.join(process.cwd(), 'a', 'b.yaml'))).toBe(path.join('a', 'b.yaml'));
    expect(displayPath('/definitely/elsewhere.yaml')).toBe('/definitely/elsewhere.yaml');
    expect(displayPath(process.cwd())).toBe(process.cwd());
  });
});
