/**
 * Schema migrations for the embedded SQLite store. Append new entries with the next version;
 * never edit one that has shipped, because databases already recorded it as applied.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/*
 * v1 notes for later migrations:
 * - jobs.id is the one key other tables point at (idempotency keys -> the job they created,
 *   spend ledger -> the job it charged, webhook outbox -> the job it reports), so those tables
 *   can declare `REFERENCES jobs(id)`; foreign_keys is ON for every connection.
 * - Times are epoch milliseconds in INTEGER columns everywhere, so ledger and outbox rows can be
 *   compared with job times without conversion.
 * - STRICT tables make SQLite reject a value of the wrong type instead of storing it silently.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs_and_affinity',
    sql: `
CREATE TABLE jobs (
  id                    TEXT    NOT NULL PRIMARY KEY,
  client_id             TEXT    NOT NULL,
  account_id            TEXT    NOT NULL,
  provider              TEXT    NOT NULL,
  kind                  TEXT    NOT NULL CHECK (kind IN ('video', 'translation')),
  upstream_id           TEXT    NOT NULL,
  status                TEXT    NOT NULL,
  title                 TEXT,
  folder_id             TEXT,
  callback_url          TEXT,
  callback_id           TEXT,
  request_json          TEXT,
  detail_json           TEXT,
  upstream_payload_json TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  completed_at          INTEGER,
  deleted_at            INTEGER
) STRICT;

-- A client's list of one kind, newest first; the cursor (created_at, id) walks this index.
CREATE INDEX jobs_client_kind_created ON jobs (client_id, kind, created_at DESC, id DESC);

-- Webhook or admin lookups by what the upstream calls the job.
CREATE INDEX jobs_account_upstream ON jobs (account_id, upstream_id);

-- Jobs a background refresher still has to poll, stalest first; stays small because finished
-- and deleted jobs leave it.
CREATE INDEX jobs_in_progress ON jobs (updated_at)
  WHERE completed_at IS NULL AND deleted_at IS NULL;

CREATE TABLE affinity (
  kind        TEXT    NOT NULL CHECK (kind IN ('asset', 'look', 'group')),
  resource_id TEXT    NOT NULL,
  account_id  TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (kind, resource_id)
) STRICT;
`,
  },
  {
    version: 2,
    name: 'lifecycle_webhooks_idempotency_spend',
    sql: `
-- The refresher's schedule. Jobs that exist before this migration are due at once, as new ones are.
ALTER TABLE jobs ADD COLUMN next_poll_at INTEGER;
ALTER TABLE jobs ADD COLUMN poll_attempts INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET next_poll_at = created_at;

-- Superseded: the refresher now walks jobs by when they are due, not by when they last changed.
DROP INDEX jobs_in_progress;
CREATE INDEX jobs_due ON jobs (next_poll_at, id)
  WHERE completed_at IS NULL AND deleted_at IS NULL;
-- max_concurrent_jobs is checked on every create; count from a small index, not the table.
CREATE INDEX jobs_active_account ON jobs (account_id)
  WHERE completed_at IS NULL AND deleted_at IS NULL;

-- No foreign key to jobs: an event may report something other than a job (an endpoint test),
-- and the outbox must keep what it owes a client whatever happens to the job row.
CREATE TABLE webhook_events (
  id         TEXT    NOT NULL PRIMARY KEY,
  client_id  TEXT    NOT NULL,
  event_type TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  job_id     TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_events_client_created ON webhook_events (client_id, created_at DESC, id DESC);

-- endpoint_id has no foreign key: a NULL there means "the job's callback_url, signed with the
-- client's secret", so ON DELETE SET NULL would re-sign another endpoint's events wrongly.
CREATE TABLE webhook_deliveries (
  id              TEXT    NOT NULL PRIMARY KEY,
  event_id        TEXT    NOT NULL REFERENCES webhook_events (id),
  client_id       TEXT    NOT NULL,
  url             TEXT    NOT NULL,
  endpoint_id     TEXT,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  delivered_at    INTEGER
) STRICT;
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
-- The sender's work queue; delivered and failed rows leave it.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE state = 'pending';

CREATE TABLE webhook_endpoints (
  id          TEXT    NOT NULL PRIMARY KEY,
  client_id   TEXT    NOT NULL,
  url         TEXT    NOT NULL,
  events_json TEXT    NOT NULL CHECK (json_valid(events_json) AND json_type(events_json) = 'array'),
  secret      TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('enabled', 'disabled')),
  description TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_client_created ON webhook_endpoints (client_id, created_at DESC, id DESC);

CREATE TABLE idempotency_keys (
  client_id    TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  state        TEXT    NOT NULL CHECK (state IN ('in_flight', 'done')),
  status       INTEGER,
  body         TEXT,
  headers_json TEXT,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (client_id, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Money is integer micro-dollars so that sums compared against a budget are exact.
CREATE TABLE spend (
  id              TEXT    NOT NULL PRIMARY KEY,
  client_id       TEXT    NOT NULL,
  account_id      TEXT    NOT NULL,
  month           TEXT    NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  job_id          TEXT,
  estimate_micros INTEGER NOT NULL CHECK (estimate_micros >= 0),
  actual_micros   INTEGER CHECK (actual_micros >= 0),
  state           TEXT    NOT NULL CHECK (state IN ('reserved', 'settled', 'released')),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
-- Month first: serves the budget check (client + month) and the all-clients monthly report alike.
CREATE INDEX spend_month_client ON spend (month, client_id, account_id);
`,
  },
];

const CREATE_LEDGER = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`;

/** Applies the migrations `db` has not recorded yet, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number[] {
  assertOrdered(migrations);
  db.exec(CREATE_LEDGER);

  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const newest = migrations.at(-1)?.version ?? 0;
  const unknown = [...applied].filter((v) => v > newest);
  if (unknown.length > 0) {
    // An older build must not write into a schema it does not understand.
    throw new Error(
      `database schema is at version ${Math.max(...unknown)} but this build knows up to ${newest}; upgrade the gateway`,
    );
  }

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    // IMMEDIATE takes the write lock up front, so two processes opening the same file cannot
    // both decide a migration is missing and both run it.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (again !== undefined) return;
      db.exec(m.sql);
      record.run(m.version, m.name, now());
      done.push(m.version);
    }).immediate();
  }
  return done;
}

function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migration versions must be increasing integers; "${m.name}" has ${m.version} after ${previous}`);
    }
    previous = m.version;
  }
}
