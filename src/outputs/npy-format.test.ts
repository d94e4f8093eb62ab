import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFileWriter } from './atomic-file-writer.ts';
import { float32Row, npyFloat32Header, NPY_HEADER_BYTES, readNpyFloat32 } from './npy-format.ts';

describe('the .npy v1.0 format', () => {
  it('writes the magic, version 1.0, a 64-aligned header ending in a newline, and little-endian float32 rows', () => {
    const header = npyFloat32Header([2, 3]);
    expect(header).toHaveLength(NPY_HEADER_BYTES);
    expect([...header.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    expect(header.readUInt16LE(8) + 10).toBe(NPY_HEADER_BYTES);
    expect(NPY_HEADER_BYTES % 64).toBe(0);
    expect(header.toString('latin1', 10)).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    const file = Buffer.concat([header, float32Row([1, 2, 3]), float32Row([0.5, -1, 0.1])]);
    expect(file.readFloatLE(NPY_HEADER_BYTES + 4)).toBe(2);
    const read = readNpyFloat32(file);
    expect(read.shape).toEqual([2, 3]);
    expect(Array.from(read.values)).toEqual([1, 2, 3, 0.5, -1, Math.fround(0.1)]);
  });
});

describe('AtomicFileWriter', () => {
  it('shows the file under its name only on commit, rewrites a header in place, and leaves nothing on abort', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-atomic-writer-'));
    try {
      const path = join(dir, 'out.bin');
      const writer = new AtomicFileWriter(path);
      writer.write('xxxx');
      writer.write('-body');
      writer.writeAt(Buffer.from('HEAD'), 0);
      expect(readdirSync(dir)).not.toContain('out.bin');
      writer.commit();
      expect(readFileSync(path, 'utf8')).toBe('HEAD-body');
      const dropped = new AtomicFileWriter(path);
      dropped.write('new');
      dropped.abort();
      expect(readdirSync(dir)).toEqual(['out.bin']);
      expect(readFileSync(path, 'utf8')).toBe('HEAD-body');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
