/**
 * The embedded store: one better-sqlite3 connection per process. Calls are synchronous inside;
 * the async signatures only exist so the PostgreSQL store can share the interface.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import type {
  Delivery,
  IdempotencyBegin,
  JobKind,
  JobRecord,
  JobStatusCount,
  JobUpdate,
  ListJobsQuery,
  NewDelivery,
  NewJob,
  SpendReservation,
  SpendRow,
  Store,
  TerminalEffects,
  WebhookEndpoint,
  WebhookEvent,
} from './types.js';

type AffinityKind = 'asset' | 'look' | 'group';

export interface SqliteStoreOptions {
  /** Clock for updated_at / affinity created_at; tests pin it. */
  now?: () => number;
}

/** Longer than the longest request the gateway serves (server.request_timeout_ms defaults to 120 s). */
export const IN_FLIGHT_ORPHAN_MS = 5 * 60 * 1000;

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
  next_poll_at: number | null;
  poll_attempts: number;
}

const JOB_COLUMNS = `id, client_id, account_id, provider, kind, upstream_id, status, title, folder_id,
  callback_url, callback_id, request_json, detail_json, upstream_payload_json,
  created_at, updated_at, completed_at, deleted_at, next_poll_at, poll_attempts`;

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
      // A new job is due for its first poll at once.
      `INSERT INTO jobs (${JOB_COLUMNS}) VALUES (@id, @clientId, @accountId, @provider, @kind, @upstreamId,
        @status, @title, @folderId, @callbackUrl, @callbackId, @request, @detail, @upstreamPayload,
        @createdAt, @createdAt, NULL, NULL, @createdAt, 0)`,
    ),
    getJob: db.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`),
    findJobByUpstream: db.prepare<[string, string], JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE account_id = ? AND upstream_id = ? ORDER BY created_at DESC LIMIT 1`,
    ),
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

    // ---- background refresh ----
    dueJobs: db.prepare<[number, number], JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs
       WHERE completed_at IS NULL AND deleted_at IS NULL AND next_poll_at <= ?
       ORDER BY next_poll_at, id LIMIT ?`,
    ),
    schedulePoll: db.prepare<[number, number, string]>('UPDATE jobs SET next_poll_at = ?, poll_attempts = ? WHERE id = ?'),
    refreshTerminalDetail: db.prepare<[string, string | null, number, string]>(
      `UPDATE jobs SET detail_json = ?, upstream_payload_json = ?, updated_at = ?
       WHERE id = ? AND completed_at IS NOT NULL`,
    ),
    countJobsByStatus: db.prepare<[], JobStatusCount>(
      'SELECT provider, kind, status, COUNT(*) AS n FROM jobs WHERE deleted_at IS NULL GROUP BY provider, kind, status',
    ),
    countActiveJobs: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM jobs WHERE account_id = ? AND completed_at IS NULL AND deleted_at IS NULL',
    ),

    // ---- webhooks ----
    insertEvent: db.prepare<EventParams>(
      `INSERT INTO webhook_events (id, client_id, event_type, body, job_id, created_at)
       VALUES (@id, @clientId, @eventType, @body, @jobId, @createdAt)`,
    ),
    insertDelivery: db.prepare<NewDelivery>(
      `INSERT INTO webhook_deliveries (id, event_id, client_id, url, endpoint_id, state, attempts, next_attempt_at,
         created_at, updated_at)
       VALUES (@id, @eventId, @clientId, @url, @endpointId, 'pending', 0, @nextAttemptAt, @createdAt, @createdAt)`,
    ),
    dueDeliveries: db.prepare<[number, number], DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE state = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    leaseDelivery: db.prepare<[number, string]>('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?'),
    // Only a pending delivery takes an attempt: a duplicate report after delivery (or after giving
    // up) must not reopen or recount it.
    recordAttempt: db.prepare<AttemptParams>(
      `UPDATE webhook_deliveries SET
         attempts = attempts + 1, last_status = @status, last_error = @error, updated_at = @at,
         state = CASE WHEN @ok = 1 THEN 'delivered' WHEN @nextAttemptAt IS NULL THEN 'failed' ELSE 'pending' END,
         delivered_at = CASE WHEN @ok = 1 THEN @at ELSE delivered_at END,
         next_attempt_at = CASE WHEN @ok = 0 AND @nextAttemptAt IS NOT NULL THEN @nextAttemptAt ELSE next_attempt_at END
       WHERE id = @id AND state = 'pending'`,
    ),
    getEvent: db.prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM webhook_events WHERE id = ?`),
    listEventsFirst: db.prepare<[string, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM webhook_events WHERE client_id = ?
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    listEventsAfter: db.prepare<[string, number, string, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM webhook_events WHERE client_id = ? AND (created_at, id) < (?, ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    listDeliveries: db.prepare<[string], DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE event_id = ? ORDER BY created_at, id`,
    ),
    insertEndpoint: db.prepare<EndpointParams>(
      `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS})
       VALUES (@id, @clientId, @url, @events, @secret, @status, @description, @createdAt, @updatedAt)`,
    ),
    getEndpoint: db.prepare<[string], EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?`),
    listEndpointsFirst: db.prepare<[string, number], EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE client_id = ?
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    listEndpointsAfter: db.prepare<[string, number, string, number], EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE client_id = ? AND (created_at, id) < (?, ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    endpointsFor: db.prepare<[string, string], EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
       WHERE client_id = ? AND status = 'enabled'
         AND (json_array_length(events_json) = 0 OR EXISTS (SELECT 1 FROM json_each(events_json) WHERE value = ?))
       ORDER BY created_at, id`,
    ),
    updateEndpoint: db.prepare<EndpointParams>(
      `UPDATE webhook_endpoints SET url = @url, events_json = @events, secret = @secret, status = @status,
         description = @description, updated_at = @updatedAt
       WHERE id = @id`,
    ),
    deleteEndpoint: db.prepare<[string]>('DELETE FROM webhook_endpoints WHERE id = ?'),
    // A deleted endpoint's secret is gone, so what it was still owed can never be signed again.
    failEndpointDeliveries: db.prepare<[number, string]>(
      `UPDATE webhook_deliveries SET state = 'failed', last_error = 'endpoint deleted', updated_at = ?
       WHERE endpoint_id = ? AND state = 'pending'`,
    ),

    // ---- idempotency ----
    getIdempotent: db.prepare<[string, string], IdempotencyRow>(
      `SELECT request_hash, state, status, body, headers_json, created_at FROM idempotency_keys
       WHERE client_id = ? AND key = ?`,
    ),
    startIdempotent: db.prepare<[string, string, string, number]>(
      `INSERT INTO idempotency_keys (client_id, key, request_hash, state, created_at) VALUES (?, ?, ?, 'in_flight', ?)
       ON CONFLICT (client_id, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'in_flight',
         status = NULL, body = NULL, headers_json = NULL, created_at = excluded.created_at`,
    ),
    completeIdempotent: db.prepare<[number, string, string, string, string]>(
      `UPDATE idempotency_keys SET state = 'done', status = ?, body = ?, headers_json = ?
       WHERE client_id = ? AND key = ? AND state = 'in_flight'`,
    ),
    // A stored answer is never forgotten this way: only the request still running can be abandoned.
    abandonIdempotent: db.prepare<[string, string]>(
      "DELETE FROM idempotency_keys WHERE client_id = ? AND key = ? AND state = 'in_flight'",
    ),
    purgeIdempotent: db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?'),

    // ---- spend ----
    clientMonthMicros: db.prepare<[string, string], { micros: number }>(
      `SELECT COALESCE(SUM(CASE state WHEN 'reserved' THEN estimate_micros ELSE actual_micros END), 0) AS micros
       FROM spend WHERE month = ? AND client_id = ? AND state != 'released'`,
    ),
    insertSpend: db.prepare<[string, string, string, string, number, number, number]>(
      `INSERT INTO spend (id, client_id, account_id, month, estimate_micros, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'reserved', ?, ?)`,
    ),
    attachSpend: db.prepare<[string, number, string]>('UPDATE spend SET job_id = ?, updated_at = ? WHERE id = ?'),
    settleSpend: db.prepare<[number, number, string]>(
      "UPDATE spend SET state = 'settled', actual_micros = ?, updated_at = ? WHERE id = ? AND state = 'reserved'",
    ),
    releaseSpend: db.prepare<[number, string]>(
      "UPDATE spend SET state = 'released', updated_at = ? WHERE id = ? AND state = 'reserved'",
    ),
    spendByMonth: db.prepare<{ month: string; clientId: string | null }, SpendAggregateRow>(
      `SELECT client_id, account_id,
         COALESCE(SUM(CASE state WHEN 'reserved' THEN estimate_micros END), 0) AS reserved_micros,
         COALESCE(SUM(CASE state WHEN 'settled' THEN actual_micros END), 0) AS settled_micros,
         COUNT(*) AS jobs
       FROM spend WHERE month = @month AND (@clientId IS NULL OR client_id = @clientId) AND state != 'released'
       GROUP BY client_id, account_id ORDER BY client_id, account_id`,
    ),
  };
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly insertMany: (jobs: NewJob[]) => void;
  private readonly finishTx: (params: UpdateParams, effects: TerminalEffects) => boolean;
  private readonly insertEffects: (effects: TerminalEffects) => void;
  private readonly claimTx: (now: number, limit: number, leaseMs: number) => DeliveryRow[];
  private readonly updateEndpointTx: (id: string, patch: EndpointPatch, at: number) => EndpointRow | undefined;
  private readonly deleteEndpointTx: (id: string) => boolean;
  private readonly beginIdempotentTx: (clientId: string, key: string, requestHash: string, now: number, ttlMs: number) => IdempotencyBegin;
  private readonly reserveTx: (r: SpendReservation, estimateMicros: number, budgetMicros: number | null, now: number) => boolean;

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

    // The transactions below are IMMEDIATE: each takes the write lock before its first read, so
    // another connection (another process) waits instead of acting on what it read before us.

    const writeEffects = (effects: TerminalEffects): void => {
      // Events first: every delivery points at one.
      for (const e of effects.events) this.stmt.insertEvent.run(e);
      for (const d of effects.deliveries) this.stmt.insertDelivery.run(d);
    };
    this.insertEffects = db.transaction(writeEffects).immediate;
    // The guarded UPDATE changes a row only while it is not terminal, so among racing callers at
    // most one sees a change that sets completed_at: that one writes the effects.
    this.finishTx = db.transaction((params: UpdateParams, effects: TerminalEffects) => {
      const changed = this.stmt.updateJob.run(params).changes === 1;
      const transitioned = changed && params.completedAt !== null;
      if (transitioned) writeEffects(effects);
      return transitioned;
    }).immediate;
    this.claimTx = db.transaction((now: number, limit: number, leaseMs: number) => {
      const rows = this.stmt.dueDeliveries.all(now, limit);
      const until = now + leaseMs;
      for (const row of rows) {
        this.stmt.leaseDelivery.run(until, row.id);
        row.next_attempt_at = until;
      }
      return rows;
    }).immediate;
    this.updateEndpointTx = db.transaction((id: string, patch: EndpointPatch, at: number) => {
      const row = this.stmt.getEndpoint.get(id);
      if (row === undefined) return undefined;
      const current = fromEndpointRow(row);
      const next: WebhookEndpoint = {
        ...current,
        url: patch.url ?? current.url,
        events: patch.events ?? current.events,
        secret: patch.secret ?? current.secret,
        status: patch.status ?? current.status,
        // null is a real value here (clears the description); only an absent key keeps it.
        description: patch.description === undefined ? current.description : patch.description,
        updatedAt: at,
      };
      this.stmt.updateEndpoint.run(toEndpointParams(next));
      return this.stmt.getEndpoint.get(id);
    }).immediate;
    this.deleteEndpointTx = db.transaction((id: string) => {
      const deleted = this.stmt.deleteEndpoint.run(id).changes === 1;
      if (deleted) this.stmt.failEndpointDeliveries.run(this.now(), id);
      return deleted;
    }).immediate;
    this.beginIdempotentTx = db.transaction((clientId: string, key: string, requestHash: string, now: number, ttlMs: number): IdempotencyBegin => {
      const row = this.stmt.getIdempotent.get(clientId, key);
      // An in-flight record older than any request can run was left by a crash: the request
      // behind it is gone, so the key is free again rather than stuck for a day.
      const orphaned = row !== undefined && row.state === 'in_flight' && now - row.created_at > IN_FLIGHT_ORPHAN_MS;
      if (row === undefined || orphaned || now - row.created_at > ttlMs) {
        this.stmt.startIdempotent.run(clientId, key, requestHash, now);
        return { state: 'new' };
      }
      if (row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.state === 'in_flight') return { state: 'in_flight' };
      return {
        state: 'done',
        status: row.status ?? 0,
        body: row.body ?? '',
        headers: row.headers_json === null ? {} : (JSON.parse(row.headers_json) as Record<string, string>),
      };
    }).immediate;
    this.reserveTx = db.transaction((r: SpendReservation, estimateMicros: number, budgetMicros: number | null, now: number) => {
      if (budgetMicros !== null) {
        const current = this.stmt.clientMonthMicros.get(r.month, r.clientId)?.micros ?? 0;
        if (current + estimateMicros > budgetMicros) return false;
      }
      this.stmt.insertSpend.run(r.id, r.clientId, r.accountId, r.month, estimateMicros, now, now);
      return true;
    }).immediate;
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

  async findJobByUpstream(accountId: string, upstreamId: string): Promise<JobRecord | null> {
    const row = this.stmt.findJobByUpstream.get(accountId, upstreamId);
    return row === undefined ? null : fromRow(row);
  }

  async updateJob(id: string, update: JobUpdate): Promise<JobRecord | null> {
    this.stmt.updateJob.run(toUpdateParams(id, update, this.now()));
    // Read back rather than echo the update: when the guard skipped it, the caller must see the
    // terminal row as stored.
    return this.getJob(id);
  }

  async dueJobs(now: number, limit: number): Promise<JobRecord[]> {
    assertLimit('dueJobs', limit);
    return this.stmt.dueJobs.all(now, limit).map(fromRow);
  }

  async schedulePoll(id: string, nextPollAt: number, pollAttempts: number): Promise<void> {
    this.stmt.schedulePoll.run(nextPollAt, pollAttempts, id);
  }

  async finishJob(id: string, update: JobUpdate, effects: TerminalEffects): Promise<{ job: JobRecord | null; transitioned: boolean }> {
    const transitioned = this.finishTx(toUpdateParams(id, update, this.now()), effects);
    return { job: await this.getJob(id), transitioned };
  }

  async refreshTerminalDetail(id: string, detail: Record<string, unknown>, upstreamPayload: unknown): Promise<void> {
    this.stmt.refreshTerminalDetail.run(JSON.stringify(detail), toJson(upstreamPayload), this.now(), id);
  }

  async countJobsByStatus(): Promise<JobStatusCount[]> {
    return this.stmt.countJobsByStatus.all();
  }

  async countActiveJobs(accountId: string): Promise<number> {
    return this.stmt.countActiveJobs.get(accountId)?.n ?? 0;
  }

  async insertEvents(effects: TerminalEffects): Promise<void> {
    this.insertEffects(effects);
  }

  async claimDeliveries(now: number, limit: number, leaseMs: number): Promise<Delivery[]> {
    assertLimit('claimDeliveries', limit);
    return this.claimTx(now, limit, leaseMs).map(fromDeliveryRow);
  }

  async recordAttempt(id: string, r: { at: number; ok: boolean; status: number | null; error: string | null; nextAttemptAt: number | null }): Promise<void> {
    this.stmt.recordAttempt.run({ id, at: r.at, ok: r.ok ? 1 : 0, status: r.status, error: r.error, nextAttemptAt: r.nextAttemptAt });
  }

  async getEvent(id: string): Promise<WebhookEvent | null> {
    const row = this.stmt.getEvent.get(id);
    return row === undefined ? null : fromEventRow(row);
  }

  async listEvents(clientId: string, limit: number, after?: { createdAt: number; id: string }): Promise<WebhookEvent[]> {
    assertLimit('listEvents', limit);
    const rows = after
      ? this.stmt.listEventsAfter.all(clientId, after.createdAt, after.id, limit)
      : this.stmt.listEventsFirst.all(clientId, limit);
    return rows.map(fromEventRow);
  }

  async listDeliveries(eventId: string): Promise<Delivery[]> {
    return this.stmt.listDeliveries.all(eventId).map(fromDeliveryRow);
  }

  async createEndpoint(e: WebhookEndpoint): Promise<void> {
    this.stmt.insertEndpoint.run(toEndpointParams(e));
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint | null> {
    const row = this.stmt.getEndpoint.get(id);
    return row === undefined ? null : fromEndpointRow(row);
  }

  async listEndpoints(clientId: string, limit: number, after?: { createdAt: number; id: string }): Promise<WebhookEndpoint[]> {
    assertLimit('listEndpoints', limit);
    const rows = after
      ? this.stmt.listEndpointsAfter.all(clientId, after.createdAt, after.id, limit)
      : this.stmt.listEndpointsFirst.all(clientId, limit);
    return rows.map(fromEndpointRow);
  }

  async endpointsFor(clientId: string, eventType: string): Promise<WebhookEndpoint[]> {
    return this.stmt.endpointsFor.all(clientId, eventType).map(fromEndpointRow);
  }

  async updateEndpoint(id: string, patch: EndpointPatch, at: number): Promise<WebhookEndpoint | null> {
    const row = this.updateEndpointTx(id, patch, at);
    return row === undefined ? null : fromEndpointRow(row);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    return this.deleteEndpointTx(id);
  }

  async beginIdempotent(clientId: string, key: string, requestHash: string, now: number, ttlMs: number): Promise<IdempotencyBegin> {
    return this.beginIdempotentTx(clientId, key, requestHash, now, ttlMs);
  }

  async completeIdempotent(clientId: string, key: string, r: { status: number; body: string; headers: Record<string, string> }): Promise<void> {
    this.stmt.completeIdempotent.run(r.status, r.body, JSON.stringify(r.headers), clientId, key);
  }

  async abandonIdempotent(clientId: string, key: string): Promise<void> {
    this.stmt.abandonIdempotent.run(clientId, key);
  }

  async purgeIdempotent(before: number): Promise<number> {
    return this.stmt.purgeIdempotent.run(before).changes;
  }

  async reserveSpend(r: SpendReservation, budgetUsd: number | null, now: number): Promise<boolean> {
    const estimate = toMicros(r.estimateUsd, 'estimateUsd');
    // Rounding the budget to whole micro-dollars is the 1e-9-style tolerance: sums are then exact.
    const budget = budgetUsd === null ? null : Math.round(budgetUsd * MICROS);
    return this.reserveTx(r, estimate, budget, now);
  }

  async attachSpend(reservationId: string, jobId: string): Promise<void> {
    this.stmt.attachSpend.run(jobId, this.now(), reservationId);
  }

  async settleSpend(reservationId: string, actualUsd: number, now: number): Promise<void> {
    this.stmt.settleSpend.run(toMicros(actualUsd, 'actualUsd'), now, reservationId);
  }

  async releaseSpend(reservationId: string, now: number): Promise<void> {
    this.stmt.releaseSpend.run(now, reservationId);
  }

  async spendByMonth(month: string, clientId?: string): Promise<SpendRow[]> {
    return this.stmt.spendByMonth.all({ month, clientId: clientId ?? null }).map((row) => ({
      clientId: row.client_id,
      accountId: row.account_id,
      month,
      reservedUsd: row.reserved_micros / MICROS,
      settledUsd: row.settled_micros / MICROS,
      jobs: row.jobs,
    }));
  }

  async clientMonthSpend(clientId: string, month: string): Promise<number> {
    return (this.stmt.clientMonthMicros.get(month, clientId)?.micros ?? 0) / MICROS;
  }

  async markDeleted(id: string, at: number): Promise<void> {
    this.stmt.markDeleted.run(at, at, id);
  }

  async listJobs(q: ListJobsQuery): Promise<JobRecord[]> {
    assertLimit('listJobs', q.limit);
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

interface EventParams {
  id: string;
  clientId: string;
  eventType: string;
  body: string;
  jobId: string | null;
  createdAt: number;
}

interface EventRow {
  id: string;
  client_id: string;
  event_type: string;
  body: string;
  job_id: string | null;
  created_at: number;
}

const EVENT_COLUMNS = 'id, client_id, event_type, body, job_id, created_at';

interface DeliveryRow {
  id: string;
  event_id: string;
  client_id: string;
  url: string;
  endpoint_id: string | null;
  state: Delivery['state'];
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

const DELIVERY_COLUMNS = `id, event_id, client_id, url, endpoint_id, state, attempts, next_attempt_at,
  last_status, last_error, created_at, updated_at, delivered_at`;

interface AttemptParams {
  id: string;
  at: number;
  ok: 0 | 1;
  status: number | null;
  error: string | null;
  nextAttemptAt: number | null;
}

type EndpointPatch = Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'secret' | 'status' | 'description'>>;

interface EndpointParams {
  id: string;
  clientId: string;
  url: string;
  events: string;
  secret: string;
  status: WebhookEndpoint['status'];
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

interface EndpointRow {
  id: string;
  client_id: string;
  url: string;
  events_json: string;
  secret: string;
  status: WebhookEndpoint['status'];
  description: string | null;
  created_at: number;
  updated_at: number;
}

const ENDPOINT_COLUMNS = 'id, client_id, url, events_json, secret, status, description, created_at, updated_at';

interface IdempotencyRow {
  request_hash: string;
  state: 'in_flight' | 'done';
  status: number | null;
  body: string | null;
  headers_json: string | null;
  created_at: number;
}

interface SpendAggregateRow {
  client_id: string;
  account_id: string;
  reserved_micros: number;
  settled_micros: number;
  jobs: number;
}

/** Spend is stored in integer micro-dollars. */
const MICROS = 1_000_000;

function toMicros(usd: number, name: string): number {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`${name} must be a finite, non-negative number of USD, got ${usd}`);
  return Math.round(usd * MICROS);
}

/** SQLite reads a negative LIMIT as "no limit"; refuse it rather than return everything. */
function assertLimit(method: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${method} limit must be a positive integer, got ${limit}`);
}

function toUpdateParams(id: string, update: JobUpdate, now: number): UpdateParams {
  return {
    id,
    status: update.status,
    detail: update.detail === null ? null : JSON.stringify(update.detail),
    upstreamPayload: toJson(update.upstreamPayload),
    completedAt: update.completedAt ?? null,
    updatedAt: now,
  };
}

function fromEventRow(row: EventRow): WebhookEvent {
  return { id: row.id, clientId: row.client_id, eventType: row.event_type, body: row.body, jobId: row.job_id, createdAt: row.created_at };
}

function fromDeliveryRow(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    eventId: row.event_id,
    clientId: row.client_id,
    url: row.url,
    endpointId: row.endpoint_id,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

function toEndpointParams(e: WebhookEndpoint): EndpointParams {
  return {
    id: e.id,
    clientId: e.clientId,
    url: e.url,
    events: JSON.stringify(e.events),
    secret: e.secret,
    status: e.status,
    description: e.description,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function fromEndpointRow(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    clientId: row.client_id,
    url: row.url,
    events: JSON.parse(row.events_json) as string[],
    secret: row.secret,
    status: row.status,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
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
    nextPollAt: row.next_poll_at,
    pollAttempts: row.poll_attempts,
  };
}

/** Makes the user's text match literally inside a LIKE pattern that uses ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
