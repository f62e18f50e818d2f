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
