/** @module Opening the ledger file (creating and migrating it), and naming the file in its errors. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError, FilesystemError, errorMessage, filesystemErrorFrom, type Clock } from '../shared/index.ts';
import { Ledger } from './ledger.ts';
import { migrations } from './schema.ts';

/** Opens (creating and migrating as needed) the ledger at `path`. */
export function openLedger(path: string, clock: Clock): Ledger {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // Only a new, empty file takes a page size (before WAL). 8 KB pages hold three 2 KB request bodies; 4 KB pages
    // held one, wasting 40% of what the ledger wrote for them.
    db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Savepoint journals in memory: as temp files they were 14% of the bytes a run wrote for its ledger.
    db.pragma('temp_store = MEMORY');
    // A checkpoint every 64 MB of WAL instead of 8: a page changed again meanwhile (a request is written when planned,
    // submitted and collected) is copied into the database once, and with fewer fsyncs: 25% fewer database writes.
    db.pragma('wal_autocheckpoint = 8000');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let i = applied; i < migrations.length; i++) {
      db.transaction(() => {
        db.exec(migrations[i] ?? '');
        db.pragma(`user_version = ${i + 1}`);
      })();
    }
    return new Ledger(db, clock);
  } catch (error) {
    throw ledgerError(path, error);
  }
}

/**
 * Opens the ledger at `path` read-only, for a reader beside a running writer (the dashboard): WAL lets it see each
 * commit of the writer, and it never migrates, locks the project or writes. A ledger that does not exist yet, or was
 * written by another version of truebatch (its schema is not this code's), is refused with what to do.
 */
export function openLedgerReadOnly(path: string, clock: Clock): Ledger {
  if (!existsSync(path)) throw new ConfigError(`no ledger at ${path} yet: run \`truebatch run\` (or plan) in this project first`);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const applied = db.pragma('user_version', { simple: true }) as number;
    if (applied !== migrations.length) {
      const which = applied < migrations.length ? 'an older' : 'a newer';
      throw new ConfigError(
        `the ledger ${path} was written by ${which} version of truebatch (schema ${applied}, this one reads ${migrations.length}): ` +
          'run any writing command (`truebatch plan`) with this version first to migrate it',
      );
    }
    return new Ledger(db, clock);
  } catch (error) {
    db?.close();
    if (error instanceof ConfigError) throw error;
    throw ledgerError(path, error);
  }
}

const SQLITE_REASONS: Record<string, string> = {
  SQLITE_FULL: 'the disk is full',
  SQLITE_READONLY: 'it is read-only',
  SQLITE_IOERR: 'a disk I/O error (is the disk full or gone?)',
  SQLITE_CANTOPEN: 'it cannot be opened (is its folder read-only, or gone?)',
  SQLITE_CORRUPT: 'it is corrupted',
};

/**
 * A {@link FilesystemError} naming the ledger file for a SQLite or file system failure, so "disk full" says where;
 * other errors are returned as they are.
 */
export function ledgerError(path: string, error: unknown): unknown {
  if (error instanceof FilesystemError) return error;
  const fsError = filesystemErrorFrom(error);
  if (fsError && (error as NodeJS.ErrnoException).path !== undefined) return fsError;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    // Extended codes (SQLITE_IOERR_WRITE) share their primary code's meaning.
    const primary = code.split('_').slice(0, 2).join('_');
    const reason = SQLITE_REASONS[primary] ?? errorMessage(error);
    return new FilesystemError(`cannot write the ledger ${path}: ${reason} (${code})`, { cause: error });
  }
  return error;
}
