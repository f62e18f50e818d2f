/**
 * The embedded store: one better-sqlite3 connection per process. Calls are synchronous inside;
 * the async signatures only exist so the PostgreSQL store can share the interface.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import type { JobKind, JobRecord, JobUpdate, ListJobsQuery, NewJob, Store } from './types.js';

type AffinityKind = 'asset' | 'look' | 'group';

export interface SqliteStoreOptions {
  /** Clock for updated_at / affinity created_at; tests pin it. */
  now?: () => number;
}

interface JobRow {
  id: string;
  client_id: string;
  account_id: string;
  provider: string;
  kind: JobKind;
  upstream_id: string;
  status: string;
  title: string | null;
  folder_id: string | null;
  callback_url: string | null;
  callback_id: string | null;
  request_json: string | null;
  detail_json: string | null;
  upstream_payload_json: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  deleted_at: number | null;
}

const JOB_COLUMNS = `id, client_id, account_id, provider, kind, upstream_id, status, title, folder_id,
  callback_url, callback_id, request_json, detail_json, upstream_payload_json,
  created_at, updated_at, completed_at, deleted_at`;

// The listing filters are optional; a NULL parameter switches each one off so one statement
// serves every combination.
const LIST_FILTERS = `client_id = @clientId AND kind = @kind AND deleted_at IS NULL
  AND (@folderId IS NULL OR folder_id = @folderId)
  AND (@titlePattern IS NULL OR gateway_fold(title) LIKE @titlePattern ESCAPE '\\')`;

/** Every statement the store runs, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  // SQLite's own LIKE and lower() fold ASCII only; titles are in every language.
  db.function('gateway_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : null));

  return {
    insertJob: db.prepare<NewJobParams>(
      `INSERT INTO jobs (${JOB_COLUMNS}) VALUES (@id, @clientId, @accountId, @provider, @kind, @upstreamId,
        @status, @title, @folderId, @callbackUrl, @callbackId, @request, @detail, @upstreamPayload,
        @createdAt, @createdAt, NULL, NULL)`,
    ),
    getJob: db.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`),
    // The completed_at guard is the whole point: a late or out-of-order poll result must not
    // revive a finished job or replace its result.
    updateJob: db.prepare<UpdateParams>(
      `UPDATE jobs SET status = @status, detail_json = @detail, upstream_payload_json = @upstreamPayload,
         completed_at = @completedAt, updated_at = @updatedAt
       WHERE id = @id AND completed_at IS NULL`,
    ),
    markDeleted: db.prepare<[number, number, string]>(
      'UPDATE jobs SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
    ),
    listFirst: db.prepare<ListParams, JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE ${LIST_FILTERS}
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    // Row-value comparison lets SQLite start the index scan at the cursor instead of
    // filtering every earlier row.
    listAfter: db.prepare<ListParams & { afterCreatedAt: number; afterId: string }, JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE ${LIST_FILTERS}
         AND (created_at, id) < (@afterCreatedAt, @afterId)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    putAffinity: db.prepare<[AffinityKind, string, string, string, number]>(
      `INSERT INTO affinity (kind, resource_id, account_id, client_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, resource_id) DO UPDATE SET
         account_id = excluded.account_id, client_id = excluded.client_id, created_at = excluded.created_at`,
    ),
    getAffinity: db.prepare<[AffinityKind, string], { account_id: string; client_id: string }>(
      'SELECT account_id, client_id FROM affinity WHERE kind = ? AND resource_id = ?',
    ),
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
  };
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly insertMany: (jobs: NewJob[]) => void;

  /** Opens (creating if needed) and migrates the database at `file`; `':memory:'` for a throwaway one. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new SqliteStore(db, options);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.db = db;
    this.now = options.now ?? Date.now;
    this.stmt = prepareStatements(db);
    this.insertMany = db.transaction((jobs: NewJob[]) => {
      for (const job of jobs) this.stmt.insertJob.run(toParams(job));
    });
  }

  async insertJob(job: NewJob): Promise<void> {
    this.stmt.insertJob.run(toParams(job));
  }

  async insertJobs(jobs: NewJob[]): Promise<void> {
    this.insertMany(jobs);
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const row = this.stmt.getJob.get(id);
    return row === undefined ? null : fromRow(row);
  }

  async updateJob(id: string, update: JobUpdate): Promise<JobRecord | null> {
    this.stmt.updateJob.run({
      id,
      status: update.status,
      detail: update.detail === null ? null : JSON.stringify(update.detail),
      upstreamPayload: toJson(update.upstreamPayload),
      completedAt: update.completedAt ?? null,
      updatedAt: this.now(),
    });
    // Read back rather than echo the update: when the guard skipped it, the caller must see the
    // terminal row as stored.
    return this.getJob(id);
  }

  async markDeleted(id: string, at: number): Promise<void> {
    this.stmt.markDeleted.run(at, at, id);
  }

  async listJobs(q: ListJobsQuery): Promise<JobRecord[]> {
    // SQLite reads a negative LIMIT as "no limit"; refuse it rather than return everything.
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`listJobs limit must be a positive integer, got ${q.limit}`);
    const params: ListParams = {
      clientId: q.clientId,
      kind: q.kind,
      limit: q.limit,
      folderId: q.folderId ?? null,
      titlePattern: q.titleContains === undefined || q.titleContains === '' ? null : `%${escapeLike(q.titleContains.toLowerCase())}%`,
    };
    const rows = q.after
      ? this.stmt.listAfter.all({ ...params, afterCreatedAt: q.after.createdAt, afterId: q.after.id })
      : this.stmt.listFirst.all(params);
    return rows.map(fromRow);
  }

  async putAffinity(kind: AffinityKind, resourceId: string, accountId: string, clientId: string): Promise<void> {
    this.stmt.putAffinity.run(kind, resourceId, accountId, clientId, this.now());
  }

  async getAffinity(kind: AffinityKind, resourceId: string): Promise<{ accountId: string; clientId: string } | null> {
    const row = this.stmt.getAffinity.get(kind, resourceId);
    return row === undefined ? null : { accountId: row.account_id, clientId: row.client_id };
  }

  async ping(): Promise<boolean> {
    if (!this.db.open) return false;
    return this.stmt.ping.get()?.ok === 1;
  }

  /** The connection's durability settings, for the startup log and tests. */
  settings(): { journalMode: string; synchronous: number; busyTimeout: number; foreignKeys: boolean } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      busyTimeout: Number(this.db.pragma('busy_timeout', { simple: true })),
      foreignKeys: Number(this.db.pragma('foreign_keys', { simple: true })) === 1,
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

interface NewJobParams {
  id: string;
  clientId: string;
  accountId: string;
  provider: string;
  kind: JobKind;
  upstreamId: string;
  status: string;
  title: string | null;
  folderId: string | null;
  callbackUrl: string | null;
  callbackId: string | null;
  request: string | null;
  detail: string | null;
  upstreamPayload: string | null;
  createdAt: number;
}

interface UpdateParams {
  id: string;
  status: string;
  detail: string | null;
  upstreamPayload: string | null;
  completedAt: number | null;
  updatedAt: number;
}

interface ListParams {
  clientId: string;
  kind: JobKind;
  limit: number;
  folderId: string | null;
  titlePattern: string | null;
}

function toParams(job: NewJob): NewJobParams {
  return {
    id: job.id,
    clientId: job.clientId,
    accountId: job.accountId,
    provider: job.provider,
    kind: job.kind,
    upstreamId: job.upstreamId,
    status: job.status,
    title: job.title,
    folderId: job.folderId,
    callbackUrl: job.callbackUrl,
    callbackId: job.callbackId,
    request: toJson(job.request),
    detail: job.detail === null ? null : JSON.stringify(job.detail),
    upstreamPayload: toJson(job.upstreamPayload),
    createdAt: job.createdAt,
  };
}

/** SQL NULL stands for `undefined`; a JSON `null` is stored as the text 'null', so both round-trip. */
function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromJson(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text);
}

function fromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    accountId: row.account_id,
    provider: row.provider,
    kind: row.kind,
    upstreamId: row.upstream_id,
    status: row.status,
    title: row.title,
    folderId: row.folder_id,
    callbackUrl: row.callback_url,
    callbackId: row.callback_id,
    request: fromJson(row.request_json),
    detail: row.detail_json === null ? null : (JSON.parse(row.detail_json) as Record<string, unknown>),
    upstreamPayload: fromJson(row.upstream_payload_json),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    deletedAt: row.deleted_at,
  };
}

/** Makes the user's text match literally inside a LIKE pattern that uses ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
