/**
 * @module Opt-in persistence (`persist` with a `storageDir`): the metadata of files and batches is written to
 * `<storageDir>/state.json` after every change that matters, and an emulator created later over the same folder
 * (another process) starts from it. File bytes and job folders are on disk already; without this their records
 * died with the process, and a client that restarted (truebatch's CLI with the embedded emulator) found its jobs
 * gone and submitted everything again.
 *
 * Rules: the file is replaced atomically (temp file, fsync, rename), saves are serialised and coalesced; on
 * load, expired files are dropped, jobs that had not ended run again from their first line, and what the
 * snapshot does not know (upload sessions, half-written outputs, leftovers of a killed process) is removed. A
 * state.json that cannot be read or is not one this emulator wrote is a ConfigError naming it: ignoring it would
 * silently forget every job, which is the very resubmission persistence exists to prevent.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FilesystemError, errorMessage, fileErrorReason } from '../shared/index.ts';
import { storagePaths, type BatchRecord, type EmulatorState, type FileRecord, type ResolvedOptions } from './emulator-state.ts';
import type { CacheRecord } from './cache-store.ts';
import type { AnthropicState } from './anthropic/batch-record.ts';
import { restoreAnthropic } from './anthropic/snapshot.ts';
import { isExpired } from './file-references.ts';
import { batchFromSnapshot, cacheFromSnapshot, fileFromSnapshot, snapshotOf, snapshotSchema, type Snapshot } from './snapshot.ts';

/** The snapshot's file name in the storage folder. */
export const STATE_FILE_NAME = 'state.json';

/** Where the snapshot of an emulator over `storageDir` lives. */
export function statePath(storageDir: string): string {
  return join(storageDir, STATE_FILE_NAME);
}

/** What an emulator starts from when a snapshot was found. */
export interface RestoredState {
  files: Map<string, FileRecord>;
  batches: Map<string, BatchRecord>;
  submissionsByKey: Map<string, number>;
  /** Context caches still alive by the clock. */
  caches: Map<string, CacheRecord>;
  /** Anthropic message batches (those that had not ended start over). */
  anthropic: AnthropicState;
  issued: { seq: number; ordinal: number };
  /** Restoring changed something (a job failed for a lost input, an expired file dropped): save it at once. */
  changed: boolean;
}

const REMEDY =
  'it is not a state file this emulator wrote. Move it away to start the emulator empty ' +
  '(the jobs it knew are then forgotten, and their requests are submitted again)';

function readSnapshot(path: string): Snapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the emulator's state file ${path}: ${fileErrorReason(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the emulator's state file ${path} is not valid JSON (${errorMessage(error)}): ${REMEDY}`, { cause: error });
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new ConfigError(`the emulator's state file ${path} is invalid at ${where}: ${issue?.message ?? 'unexpected content'}: ${REMEDY}`);
  }
  return parsed.data;
}

/** Removes every entry of `dir` whose name `keep` refuses. */
function removeUnknown(dir: string, keep: (name: string) => boolean): void {
  for (const name of readdirSync(dir)) if (!keep(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * A job that had not ended must start over: its half-written output goes, and a job whose input is gone (its
 * folder was removed while no emulator ran) fails instead of failing to read forever.
 */
function prepareRestart(batch: BatchRecord, now: number): void {
  rmSync(join(batch.dir, 'output.partial.jsonl'), { force: true });
  rmSync(join(batch.dir, 'output.planned.jsonl'), { force: true });
  if (batch.input.kind !== 'file' || existsSync(batch.input.path)) return;
  // Saved at once by the new emulator (RestoredState.changed), so each restart does not fail it again, later.
  batch.state = 'BATCH_STATE_FAILED';
  batch.updateTimeMs = now;
  batch.endTimeMs = now;
  batch.error = { code: 13, message: `Batch job failed: its input ${batch.input.path} disappeared while the emulator was stopped.` };
}

/**
 * Loads `<storageDir>/state.json` (sync: it runs once, while the emulator is created), or returns undefined
 * when there is none. Throws a ConfigError naming the file when it is unreadable or not a snapshot.
 */
export function restoreState(options: ResolvedOptions): RestoredState | undefined {
  const path = statePath(options.storageDir);
  const snapshot = readSnapshot(path);
  if (snapshot === undefined) return undefined;
  const dirs = storagePaths(options.storageDir);
  const now = options.clock.now();
  const files = new Map<string, FileRecord>();
  for (const entry of snapshot.files) {
    const record = fileFromSnapshot(entry, dirs.files);
    if (!isExpired(record, now)) files.set(record.id, record);
  }
  const batches = new Map<string, BatchRecord>();
  for (const entry of [...snapshot.batches].sort((a, b) => a.seq - b.seq)) {
    const batch = batchFromSnapshot(entry, options, dirs.jobs);
    if (batch.state === 'BATCH_STATE_PENDING') prepareRestart(batch, now);
    batches.set(batch.id, batch);
  }
  const caches = new Map<string, CacheRecord>();
  for (const entry of snapshot.caches) if (entry.expireTimeMs > now) caches.set(entry.id, cacheFromSnapshot(entry));
  // Expired files' bytes, upload sessions (a client uploads again) and what a killed process left half done.
  removeUnknown(dirs.files, (name) => files.has(name));
  removeUnknown(dirs.uploads, () => false);
  removeUnknown(dirs.jobs, (name) => batches.get(name)?.state === 'BATCH_STATE_PENDING');
  rmSync(`${path}.tmp`, { force: true, recursive: true });
  const anthropic = restoreAnthropic(snapshot.anthropic, options.storageDir);
  const issued = { ...snapshot.issued };
  for (const record of [...files.values(), ...batches.values(), ...caches.values(), ...anthropic.batches.values()]) issued.seq = Math.max(issued.seq, record.seq);
  for (const batch of batches.values()) issued.ordinal = Math.max(issued.ordinal, batch.ordinal);
  const failedOnRestore = snapshot.batches.some((entry) => {
    const live = entry.state === 'BATCH_STATE_PENDING' || entry.state === 'BATCH_STATE_RUNNING';
    return live && batches.get(entry.id)?.state === 'BATCH_STATE_FAILED';
  });
  const changed = failedOnRestore || files.size !== snapshot.files.length || caches.size !== snapshot.caches.length;
  return { files, batches, submissionsByKey: new Map(snapshot.submissionsByKey), caches, anthropic, issued, changed };
}

/**
 * The `saveSnapshot` of a persisting emulator: writes the state to a temp file in the same folder, fsyncs it and
 * renames it over state.json, so a crash leaves the old snapshot or the new one, never half of one. Calls made
 * while a write is queued share it; the snapshot is taken when the write starts, so it holds every change made
 * before the call.
 */
export function createSnapshotWriter(state: EmulatorState): () => Promise<void> {
  const path = statePath(state.options.storageDir);
  const temp = `${path}.tmp`;
  let tail: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const write = async (): Promise<void> => {
    queued = undefined;
    const text = JSON.stringify(snapshotOf(state));
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      throw new FilesystemError(`cannot save the emulator's state to ${path}: ${fileErrorReason(error)}`, { cause: error });
    }
  };
  return () => {
    if (queued !== undefined) return queued;
    const run = tail.then(write);
    queued = run;
    tail = run.catch(() => undefined);
    return run;
  };
}
