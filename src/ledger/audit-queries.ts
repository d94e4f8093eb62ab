/**
 * @module Audits (#19): a sample of a stage's valid batch requests asked again interactively. Each call is an
 * intent before it is made and an answer or a failure after; an answered fingerprint is reused, never paid twice.
 */
import type { Clock } from '../shared/index.ts';
import type { Sql } from './sql.ts';

/** A valid request an audit may sample: how big it is, and what it is expected to cost. */
export interface AuditCandidate {
  requestId: number;
  key: string;
  docId: string;
  fingerprint: string;
  model: string;
  /** Characters of the stored request body: the size the sample is stratified by. */
  requestChars: number;
  estimatedInputTokens: number | null;
  estimatedOutputTokens: number | null;
}

/** What an answered call holds, reusable by a later call with the same fingerprint. */
export interface AuditAnswer {
  /** The neutral response (ModelResponse) as JSON. */
  answer: string;
  verdict: 'valid' | 'invalid' | 'failed';
  /** The field comparison with the batch output (JSON), when the answer was valid. */
  comparison: string | null;
  promptTokens: number | null;
  outputTokens: number | null;
}

/** The identity of one call of an audit. */
export interface AuditCallTarget {
  requestId: number;
  docId: string;
  key: string;
  fingerprint: string;
}

/** One recorded call, as the report reads it. */
export interface AuditCallRecord {
  key: string;
  docId: string;
  state: 'intent' | 'answered' | 'failed';
  verdict: AuditAnswer['verdict'] | null;
  comparison: string | null;
  costUsd: number;
  reused: boolean;
  error: string | null;
}

/** An audit and its calls. */
export interface AuditRecord {
  id: number;
  stage: string;
  seed: number;
  sampleSize: number;
  createdAt: number;
  finishedAt: number | null;
  calls: AuditCallRecord[];
}

/** Audit records and calls, bound to a ledger: `ledger.audits`. */
export interface AuditQueries {
  /** A stage's valid requests with their request size and token estimates, by key. */
  candidates(stage: string): AuditCandidate[];
  /** The stored request body of a request, and the repair note that went with its last line. */
  requestBody(requestId: number): { json: string; repairNote: string | null } | undefined;
  /** Starts an audit; calls left as intents by a crashed audit are marked failed first (they are asked again). */
  start(stage: string, seed: number, sampleSize: number): number;
  /** The latest answered call with this fingerprint, in any audit. */
  answered(fingerprint: string): (AuditAnswer & { id: number }) | undefined;
  /** Records the intent of a call before it is made. */
  intent(auditId: number, target: AuditCallTarget): number;
  /** Records an answered call and what it cost at the standard price. */
  answer(callId: number, answer: AuditAnswer, costUsd: number): void;
  /** Records a call that failed (nothing is reused from it). */
  fail(callId: number, error: string): void;
  /** Records a call answered by reusing an earlier answer with the same fingerprint (cost 0). */
  reuse(auditId: number, target: AuditCallTarget, from: AuditAnswer & { id: number }): void;
  finish(auditId: number): void;
  /** The latest audit of a stage, with its calls. */
  latest(stage: string): AuditRecord | undefined;
  /** USD paid for interactive calls in the project (or one stage). */
  spentUsd(stage?: string): number;
}

/** The audit queries bound to `sql`, timed by `clock`. */
export function auditQueries(sql: Sql, clock: Clock): AuditQueries {
  return {
    candidates: (stage) =>
      sql(
        `SELECT r.id AS requestId, r.key, r.doc_id AS docId, r.fingerprint, r.model, LENGTH(b.json) AS requestChars,
                r.estimated_input_tokens AS estimatedInputTokens, r.estimated_output_tokens AS estimatedOutputTokens
         FROM requests r JOIN request_bodies b ON b.request_id = r.id
         WHERE r.stage = ? AND r.state = 'valid' ORDER BY r.key`,
      ).all(stage) as AuditCandidate[],
    requestBody: (requestId) =>
      sql('SELECT b.json, r.repair_note AS repairNote FROM requests r JOIN request_bodies b ON b.request_id = r.id WHERE r.id = ?').get(requestId) as
        | { json: string; repairNote: string | null }
        | undefined,
    start: (stage, seed, sampleSize) => {
      const now = clock.now();
      sql(`UPDATE audit_calls SET state = 'failed', error = 'interrupted before its answer was recorded', finished_at = ? WHERE state = 'intent'`).run(now);
      return Number(sql('INSERT INTO audits (stage, seed, sample_size, created_at) VALUES (?, ?, ?, ?)').run(stage, seed, sampleSize, now).lastInsertRowid);
    },
    answered: (fingerprint) =>
      sql(
        `SELECT id, answer, verdict, comparison, prompt_tokens AS promptTokens, output_tokens AS outputTokens FROM audit_calls
         WHERE fingerprint = ? AND state = 'answered' ORDER BY id DESC LIMIT 1`,
      ).get(fingerprint) as (AuditAnswer & { id: number }) | undefined,
    intent: (auditId, target) =>
      Number(
        sql(
          `INSERT INTO audit_calls (audit_id, request_id, doc_id, key, fingerprint, kind, state, created_at)
           VALUES (?, ?, ?, ?, ?, 'interactive', 'intent', ?)`,
        ).run(auditId, target.requestId, target.docId, target.key, target.fingerprint, clock.now()).lastInsertRowid,
      ),
    answer: (callId, answer, costUsd) => {
      sql(
        `UPDATE audit_calls SET state = 'answered', answer = ?, verdict = ?, comparison = ?, prompt_tokens = ?, output_tokens = ?,
           cost_usd = ?, finished_at = ? WHERE id = ?`,
      ).run(answer.answer, answer.verdict, answer.comparison, answer.promptTokens, answer.outputTokens, costUsd, clock.now(), callId);
    },
    fail: (callId, error) => {
      sql(`UPDATE audit_calls SET state = 'failed', error = ?, finished_at = ? WHERE id = ?`).run(error, clock.now(), callId);
    },
    reuse: (auditId, target, from) => {
      const now = clock.now();
      sql(
        `INSERT INTO audit_calls (audit_id, request_id, doc_id, key, fingerprint, kind, state, answer, verdict, comparison,
           prompt_tokens, output_tokens, cost_usd, reused_from, created_at, finished_at)
         VALUES (?, ?, ?, ?, ?, 'interactive', 'answered', ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
      ).run(auditId, target.requestId, target.docId, target.key, target.fingerprint, from.answer, from.verdict, from.comparison, from.promptTokens, from.outputTokens, from.id, now, now);
    },
    finish: (auditId) => {
      sql('UPDATE audits SET finished_at = ? WHERE id = ?').run(clock.now(), auditId);
    },
    latest: (stage) => {
      const audit = sql(
        `SELECT id, stage, seed, sample_size AS sampleSize, created_at AS createdAt, finished_at AS finishedAt FROM audits
         WHERE stage = ? ORDER BY id DESC LIMIT 1`,
      ).get(stage) as Omit<AuditRecord, 'calls'> | undefined;
      if (audit === undefined) return undefined;
      const calls = (
        sql(
          `SELECT key, doc_id AS docId, state, verdict, comparison, cost_usd AS costUsd, reused_from IS NOT NULL AS reused, error
           FROM audit_calls WHERE audit_id = ? ORDER BY id`,
        ).all(audit.id) as (Omit<AuditCallRecord, 'reused'> & { reused: number })[]
      ).map((call) => ({ ...call, reused: call.reused === 1 }));
      return { ...audit, calls };
    },
    spentUsd: (stage) => auditSpentUsd(sql, stage),
  };
}

/** USD paid for interactive calls in the project (or one stage): part of the spend budgets hold. */
export function auditSpentUsd(sql: Sql, stage: string | undefined): number {
  const row = sql(
    `SELECT COALESCE(SUM(c.cost_usd), 0) AS usd FROM audit_calls c JOIN audits a ON a.id = c.audit_id WHERE (? IS NULL OR a.stage = ?)`,
  ).get(stage ?? null, stage ?? null) as { usd: number };
  return row.usd;
}
