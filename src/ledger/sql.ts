/** @module The one way ledger queries get a statement: prepared once per ledger and reused. */
import type Database from 'better-sqlite3';

/** Returns the (cached) prepared statement for a SQL text. */
export type Sql = (text: string) => Database.Statement;
