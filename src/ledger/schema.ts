/**
 * @module The ledger's SQLite schema, as an ordered list of migrations. A migration is never edited once
 * released; a change is a new entry.
 */

/** Migrations in order; `user_version` records how many have been applied. */
export const migrations: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE documents (
    stage TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    PRIMARY KEY (stage, doc_id)
  );
  CREATE TABLE corpus_issues (
    stage TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('excluded', 'invalid')),
    reason TEXT NOT NULL,
    PRIMARY KEY (stage, path)
  );
  CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    model TEXT NOT NULL,
    request_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'in_job', 'valid', 'given_up')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    repair_note TEXT,
    last_reason TEXT,
    output_path TEXT,
    -- Set when the output was reused from an earlier valid result with the same fingerprint.
    cached_from INTEGER,
    -- Where this request came from: document, upstream outputs, prompt, model, config (JSON).
    lineage TEXT,
    estimated_input_tokens INTEGER,
    estimated_output_tokens INTEGER,
    updated_at INTEGER NOT NULL,
    UNIQUE (stage, key)
  );
  CREATE INDEX requests_fingerprint ON requests (fingerprint);
  CREATE INDEX requests_state ON requests (stage, state);
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    display_name TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    model TEXT NOT NULL,
    input_path TEXT NOT NULL,
    request_count INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    input_file TEXT,
    remote_name TEXT UNIQUE,
    remote_state TEXT,
    succeeded_count INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0,
    output_file TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    submitted_at INTEGER,
    finished_at INTEGER,
    collected_at INTEGER,
    polls INTEGER NOT NULL DEFAULT 0,
    -- A canary job: the stage's first, small batch that must pass before the rest is submitted.
    canary INTEGER NOT NULL DEFAULT 0,
    -- Reserved at submit from token estimates; replaced by the actual batch cost once collected.
    estimated_usd REAL,
    actual_usd REAL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_state ON jobs (state);
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    -- 1, 2, 3… over the request's whole life (a changed document or prompt continues the count).
    attempt_no INTEGER NOT NULL,
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    -- The request's fingerprint when this attempt was made: a valid attempt is reusable for identical work.
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_job', 'valid', 'invalid', 'failed')),
    reason TEXT,
    issues TEXT,
    response TEXT,
    prompt_tokens INTEGER,
    output_tokens INTEGER,
    thoughts_tokens INTEGER,
    cached_tokens INTEGER,
    total_tokens INTEGER,
    model_version TEXT,
    finished_at INTEGER,
    UNIQUE (request_id, attempt_no)
  );
  CREATE INDEX attempts_job ON attempts (job_id);
  CREATE INDEX attempts_fingerprint ON attempts (fingerprint, state);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    stage TEXT,
    job_id INTEGER,
    message TEXT NOT NULL
  );
  CREATE TABLE calibration (
    model TEXT PRIMARY KEY,
    ratio REAL NOT NULL,
    samples INTEGER NOT NULL
  );
  `,
  // Request bodies live in their own table, written once: SQLite rewrites a whole row on every UPDATE, and the
  // state changes of a request must not copy its (possibly 100 KB) body each time. `output_bytes` is the size of
  // the output file as written, so a missing or damaged output is found and rewritten from the stored answer.
  `
  CREATE TABLE request_bodies (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    json TEXT NOT NULL
  );
  INSERT INTO request_bodies (request_id, json) SELECT id, request_json FROM requests;
  ALTER TABLE requests DROP COLUMN request_json;
  ALTER TABLE requests ADD COLUMN output_bytes INTEGER;
  `,
  // Fingerprint indexes cost a random index page per row written (the keys are random hashes). Nothing looks
  // requests up by fingerprint (reuse goes through attempts), and the attempts index leaves out `state`, so that
  // recording a result no longer moves the attempt's entry: together about 6% of a run's page writes.
  `
  DROP INDEX requests_fingerprint;
  DROP INDEX attempts_fingerprint;
  CREATE INDEX attempts_fingerprint ON attempts (fingerprint);
  `,
  // What each attempt had repaired (`repairs`: a JSON array of alias, fence, prose) and why a failed or invalid one
  // failed (`failure_kind`), so a run can count repairs by kind and retries by reason. Attempts recorded before this
  // migration get both from what they stored (reason text, issues) as the code of that time wrote them, so an
  // existing ledger keeps its history and nothing is resubmitted.
  `
  ALTER TABLE attempts ADD COLUMN failure_kind TEXT;
  ALTER TABLE attempts ADD COLUMN repairs TEXT;
  UPDATE attempts SET failure_kind = CASE
      WHEN reason LIKE 'provider-error:%' THEN 'provider-error'
      WHEN reason LIKE 'blocked:%' THEN 'blocked'
      WHEN reason LIKE 'empty:%' THEN 'empty'
      WHEN reason LIKE 'truncated:%' THEN 'truncated'
      WHEN reason LIKE 'unparseable:%' THEN 'unparseable'
      WHEN reason = 'missing from the results file' THEN 'missing-key'
      WHEN reason LIKE 'job expired%' THEN 'job-expired'
      WHEN reason LIKE 'job cancelled%' THEN 'job-cancelled'
      WHEN reason LIKE 'job failed%' THEN 'job-failed'
      WHEN reason LIKE 'the provider lost%' THEN 'job-lost'
      ELSE 'other' END
    WHERE state = 'failed';
  UPDATE attempts SET failure_kind = COALESCE((SELECT json_extract(issue.value, '$.code') FROM json_each(attempts.issues) AS issue
      WHERE json_extract(issue.value, '$.severity') = 'error' ORDER BY issue.key LIMIT 1), 'other')
    WHERE state = 'invalid' AND json_valid(issues);
  UPDATE attempts SET failure_kind = 'other' WHERE state = 'invalid' AND failure_kind IS NULL;
  UPDATE attempts SET repairs = (
      SELECT json_group_array(kind) FROM (
        SELECT kind FROM (
          SELECT 1 AS rank, 'alias' AS kind WHERE EXISTS (SELECT 1 FROM json_each(attempts.issues) AS issue
            WHERE json_extract(issue.value, '$.code') = 'alias')
          UNION ALL SELECT 2, 'fence' WHERE EXISTS (SELECT 1 FROM json_each(attempts.issues) AS issue
            WHERE json_extract(issue.value, '$.code') = 'extraction'
              AND json_extract(issue.value, '$.message') GLOB 'removed*code fence*')
          UNION ALL SELECT 3, 'prose' WHERE EXISTS (SELECT 1 FROM json_each(attempts.issues) AS issue
            WHERE json_extract(issue.value, '$.code') = 'extraction'
              AND json_extract(issue.value, '$.message') GLOB 'removed * characters of prose *')
        ) ORDER BY rank))
    WHERE state IN ('valid', 'invalid') AND json_valid(issues);
  UPDATE attempts SET repairs = NULL WHERE repairs = '[]';
  `,
  // Provider storms (issue 23): each retried call by endpoint and status, and when the provider stopped and started
  // answering again.
  `
  CREATE TABLE provider_retries (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    endpoint TEXT NOT NULL,
    status TEXT NOT NULL
  );
  CREATE TABLE provider_health (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    healthy INTEGER NOT NULL CHECK (healthy IN (0, 1)),
    reason TEXT
  );
  `,
  // Context caching (issue 18): explicit caches a run created, intent first (state 'creating' with its display name
  // before the provider is asked), and the jobs that reference each, so the last one collected deletes it.
  `
  CREATE TABLE caches (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    model TEXT NOT NULL,
    display_name TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('creating', 'created', 'deleted')),
    remote_name TEXT,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE TABLE cache_jobs (
    cache_id INTEGER NOT NULL REFERENCES caches(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    PRIMARY KEY (cache_id, job_id)
  );
  CREATE INDEX cache_jobs_by_job ON cache_jobs (job_id);
  `,
  // Issue #17, PDFs and images through the Files API: where each document's bytes are (by content), each upload of
  // one (an intent first, so a crash between upload and record is reconciled by display name), and which jobs
  // reference which upload (a file is deleted once nothing still needs it). IF NOT EXISTS: a ledger whose version was
  // set back (as a test of an older migration does) applies it again.
  `
  CREATE TABLE IF NOT EXISTS document_sources (
    content_hash TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL,
    display_name TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('intent', 'live', 'dead', 'deleted')),
    remote_name TEXT,
    uri TEXT,
    size_bytes INTEGER NOT NULL,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    reason TEXT
  );
  CREATE INDEX IF NOT EXISTS uploads_content ON uploads (content_hash, state);
  CREATE TABLE IF NOT EXISTS job_uploads (
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    upload_id INTEGER NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (job_id, upload_id)
  );
  CREATE INDEX IF NOT EXISTS job_uploads_upload ON job_uploads (upload_id);
  `,
  // #19 audit: a sample of a stage's valid batch requests asked again interactively and compared. Each audit run is
  // a row; each of its calls is recorded as an intent before it is made (kind 'interactive', the only interactive
  // calls truebatch makes), then answered (with the answer, tokens and standard-price cost) or failed. A call whose
  // fingerprint was already answered is reused (`reused_from`, cost 0) instead of paid again.
  `
  CREATE TABLE audits (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    seed INTEGER NOT NULL,
    sample_size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE TABLE audit_calls (
    id INTEGER PRIMARY KEY,
    audit_id INTEGER NOT NULL REFERENCES audits (id),
    request_id INTEGER NOT NULL REFERENCES requests (id),
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('interactive')),
    state TEXT NOT NULL CHECK (state IN ('intent', 'answered', 'failed')),
    answer TEXT,
    verdict TEXT CHECK (verdict IN ('valid', 'invalid', 'failed')),
    comparison TEXT,
    prompt_tokens INTEGER,
    output_tokens INTEGER,
    cost_usd REAL NOT NULL DEFAULT 0,
    reused_from INTEGER REFERENCES audit_calls (id),
    error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX audit_calls_audit ON audit_calls (audit_id);
  CREATE INDEX audit_calls_fingerprint ON audit_calls (fingerprint, state);
  `,
  // #21 Anthropic provider: whether the provider has reported the job's request counts. Anthropic reports none
  // until a batch has ended, so progress shows them unknown, not zero.
  `ALTER TABLE jobs ADD COLUMN counts_reported INTEGER NOT NULL DEFAULT 0;`,
  // #21 per-stage providers: the registry name of the provider a job was cut for (null for jobs cut before), so a
  // stage whose provider changed while its jobs were unfinished is refused rather than asked at the wrong provider.
  `ALTER TABLE jobs ADD COLUMN provider TEXT;`,
];
