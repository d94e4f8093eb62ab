/** @module Corpus queries: the documents a stage planned, and the files it excluded or found invalid. */
import type { Sql } from './sql.ts';

/** A file a stage's corpus excluded or could not use, with why. */
export interface CorpusIssue {
  path: string;
  kind: 'excluded' | 'invalid';
  reason: string;
}

/** Replaces a stage's corpus issues (run it in a transaction). */
export function replaceCorpusIssues(sql: Sql, stage: string, issues: readonly CorpusIssue[]): void {
  sql('DELETE FROM corpus_issues WHERE stage = ?').run(stage);
  const insert = sql('INSERT OR REPLACE INTO corpus_issues (stage, path, kind, reason) VALUES (?, ?, ?, ?)');
  for (const issue of issues) insert.run(stage, issue.path, issue.kind, issue.reason);
}

/** A stage's corpus issues, by path. */
export function corpusIssues(sql: Sql, stage: string): CorpusIssue[] {
  return sql('SELECT path, kind, reason FROM corpus_issues WHERE stage = ? ORDER BY path').all(stage) as CorpusIssue[];
}

/** The path recorded for a stage's document `docId` (relative to the input folder), if the stage has planned it. */
export function documentPath(sql: Sql, stage: string, docId: string): string | undefined {
  const row = sql('SELECT path FROM documents WHERE stage = ? AND doc_id = ?').get(stage, docId) as { path: string } | undefined;
  return row?.path;
}

/** Records (or updates) a stage's document. */
export function upsertDocument(sql: Sql, stage: string, doc: { id: string; path: string; contentHash: string; sizeBytes: number }): void {
  sql(
      `INSERT INTO documents (stage, doc_id, path, content_hash, size_bytes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stage, doc_id) DO UPDATE SET path = excluded.path, content_hash = excluded.content_hash,
         size_bytes = excluded.size_bytes`,
    )
    .run(stage, doc.id, doc.path, doc.contentHash, doc.sizeBytes);
}

/** A stage's documents and corpus problems, bound to a ledger: `ledger.documents`. */
export interface DocumentQueries {
  /** Replaces a stage's corpus problems with `issues`, in one transaction. */
  replaceIssues(stage: string, issues: readonly CorpusIssue[]): void;
  issues(stage: string): CorpusIssue[];
  /** The path recorded for a stage's document `docId`, if the stage has planned it. */
  pathOf(stage: string, docId: string): string | undefined;
  upsert(stage: string, doc: { id: string; path: string; contentHash: string; sizeBytes: number }): void;
}

/** The document queries bound to `sql`; `transaction` runs a change as one. */
export function documentQueries(sql: Sql, transaction: (fn: () => void) => void): DocumentQueries {
  return {
    replaceIssues: (stage, issues) => transaction(() => replaceCorpusIssues(sql, stage, issues)),
    issues: (stage) => corpusIssues(sql, stage),
    pathOf: (stage, docId) => documentPath(sql, stage, docId),
    upsert: (stage, doc) => upsertDocument(sql, stage, doc),
  };
}
