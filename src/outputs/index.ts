/** @module Outputs: atomic file writes, safe file names and the output layout. */
export { writeFileAtomic, describeWriteError, writeFailureReason, TEMP_FILE_PREFIX } from './write-file-atomic.ts';
export { ensureFolder } from './ensure-folder.ts';
export { removeOutput } from './remove-output.ts';
export { safeFileStem, MAX_STEM_BYTES } from './safe-file-stem.ts';
export { outputFileName, resolveInside, compactUtc, type OutputNameValues } from './output-path.ts';
export { AtomicFileWriter } from './atomic-file-writer.ts';
export { npyFloat32Header, float32Row, readNpyFloat32, NPY_HEADER_BYTES } from './npy-format.ts';
