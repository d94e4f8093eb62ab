/** @module The local Gemini Batch API emulator (and the Anthropic Message Batches API under /anthropic): the folder's only door. */
export { createEmulator, type Emulator, type EmulatorOptions } from './emulator.ts';
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './start-emulator.ts';
export type { EmulatorStats } from './stats.ts';
export type { AnthropicStats } from './anthropic/stats.ts';
export {
  anthropicBatchFaultSchema,
  anthropicFaultsSchema,
  endpointNames,
  faultConfigSchema,
  httpFaultSchema,
  jobFaultSchema,
  lineFaultsSchema,
  noFaults,
  outageSchema,
  outputFaultsSchema,
  uploadChunkDropSchema,
  type AnthropicBatchFault,
  type AnthropicFaults,
  type EndpointName,
  type FaultConfig,
  type FaultConfigInput,
  type HttpFault,
  type JobFault,
  type LineFaults,
  type Outage,
  type OutputFaults,
  type UploadChunkDrop,
} from './faults.ts';
