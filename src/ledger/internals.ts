/**
 * @module The ledger's database and statements, for the ledger's own modules and tests only: lint forbids importing
 * this (or any module here but index.ts) from outside src/ledger/, so SQL stays behind the typed queries.
 */
import type Database from 'better-sqlite3';
import type { Ledger } from './ledger.ts';
import type { Sql } from './sql.ts';

/** The connection and the cached statement factory behind `ledger` (private on its type). */
export function internalsOf(ledger: Ledger): { db: Database.Database; sql: Sql } {
  // Bracket access is TypeScript's sanctioned way past `private`; this module is the only place that uses it.
  return { db: ledger['db'], sql: ledger['sql'] };
}
