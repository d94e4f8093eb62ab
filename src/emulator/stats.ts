/** @module What the emulator counts, so tests can prove exactly-once submission and no interactive calls. */
import { endpointNames, type EndpointName } from './faults.ts';

/** Mutable counters kept by one emulator instance. */
export interface StatsCounters {
  filesUploaded: number;
  uploadsRejected: number;
  filesDeleted: number;
  bytesUploaded: number;
  batchesCreated: number;
  batchesCancelled: number;
  batchesDeleted: number;
  requestsProcessed: number;
  generateContentCalls: number;
  countTokensCalls: number;
  httpFaultsInjected: number;
  cachesCreated: number;
  cachesDeleted: number;
  /** Caches forgotten because their expiry passed. */
  cachesExpired: number;
}

/** A snapshot of the emulator's counters (GET /emulator/stats). */
export interface EmulatorStats extends StatsCounters {
  /** Calls received per endpoint, including refused and faulted ones. */
  endpointCalls: Record<EndpointName, number>;
  /** Distinct request keys ever submitted in a batch. */
  distinctKeysSubmitted: number;
  /** Submissions of a key that had been submitted before (0 when every key went out exactly once). */
  duplicateKeySubmissions: number;
  /** How many times each request key was submitted, in any batch. */
  submissionsByKey: Record<string, number>;
  /** Caches alive now (not deleted, not expired by the emulator's clock). */
  cachesLive: number;
}

/** All counters at zero. */
export function zeroCounters(): StatsCounters {
  return {
    filesUploaded: 0,
    uploadsRejected: 0,
    filesDeleted: 0,
    bytesUploaded: 0,
    batchesCreated: 0,
    batchesCancelled: 0,
    batchesDeleted: 0,
    requestsProcessed: 0,
    generateContentCalls: 0,
    countTokensCalls: 0,
    httpFaultsInjected: 0,
    cachesCreated: 0,
    cachesDeleted: 0,
    cachesExpired: 0,
  };
}

/** Every endpoint at zero calls. */
export function zeroEndpointCalls(): Record<EndpointName, number> {
  return Object.fromEntries(endpointNames.map((name) => [name, 0])) as Record<EndpointName, number>;
}

/** A detached snapshot of the counters. */
export function snapshotStats(
  counters: StatsCounters,
  endpointCalls: Record<EndpointName, number>,
  submissionsByKey: ReadonlyMap<string, number>,
  cachesLive = 0,
): EmulatorStats {
  let submissions = 0;
  for (const count of submissionsByKey.values()) submissions += count;
  return {
    ...counters,
    endpointCalls: { ...endpointCalls },
    distinctKeysSubmitted: submissionsByKey.size,
    duplicateKeySubmissions: submissions - submissionsByKey.size,
    submissionsByKey: Object.fromEntries(submissionsByKey),
    cachesLive,
  };
}
