/**
 * @module The NumPy `.npy` format, version 1.0, for float32 matrices (numpy.org/doc/stable/reference/generated/
 * numpy.lib.format.html): the magic string `\x93NUMPY`, the version bytes 1 and 0, a little-endian uint16 header
 * length, then an ASCII Python dict literal (`descr`, `fortran_order`, `shape`) padded with spaces and ended by a
 * newline so that the data starts at a multiple of 64 bytes; then the values in C order.
 */

/** Bytes before the data in the files written here: fixed, so the header can be rewritten once the row count is known. */
export const NPY_HEADER_BYTES = 128;

const MAGIC = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]);

/** The header of a little-endian float32 (`<f4`) C-order array of `shape`, exactly {@link NPY_HEADER_BYTES} long. */
export function npyFloat32Header(shape: readonly number[]): Buffer {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const headerLength = NPY_HEADER_BYTES - MAGIC.length - 2;
  if (dict.length + 1 > headerLength) throw new RangeError(`npy shape ${tuple} does not fit a ${NPY_HEADER_BYTES}-byte header`);
  const header = Buffer.alloc(NPY_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt16LE(headerLength, MAGIC.length);
  header.write(`${dict.padEnd(headerLength - 1, ' ')}\n`, MAGIC.length + 2, 'latin1');
  return header;
}

/** One row of float32 values, little-endian. */
export function float32Row(values: readonly number[]): Buffer {
  const row = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => row.writeFloatLE(value, index * 4));
  return row;
}

/** Reads a `.npy` written by {@link npyFloat32Header} back (for tests and tools): its shape and values. */
export function readNpyFloat32(bytes: Buffer): { shape: number[]; values: Float32Array } {
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an .npy v1.0 file');
  const headerLength = bytes.readUInt16LE(MAGIC.length);
  const header = bytes.toString('latin1', MAGIC.length + 2, MAGIC.length + 2 + headerLength);
  if (!header.includes("'descr': '<f4'") || !header.includes("'fortran_order': False")) throw new Error(`unsupported npy header ${header}`);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  const start = MAGIC.length + 2 + headerLength;
  const count = shape.reduce((product, size) => product * size, 1);
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) values[index] = bytes.readFloatLE(start + index * 4);
  return { shape, values };
}
