/**
 * The store interface. SQLite (better-sqlite3) is the embedded default; a PostgreSQL
 * implementation fills the same interface for several replicas. Methods are async so that
 * both fit; the SQLite one resolves synchronously-computed results.
 */

export type JobKind = 'video' | 'translation';

export interface JobRecord {
  /** Gateway id handed to the client (opaque, URL-safe). */
  id: string;
  clientId: string;
  accountId: string;
  provider: string;
  kind: JobKind;
  upstreamId: string;
  /** v3 status word (videos: pending|processing|completed|failed; translations: pending|running|completed|failed). */
  status: string;
  title: string | null;
  folderId: string | null;
  callbackUrl: string | null;
  callbackId: string | null;
  /** The normalized v3 request the client sent (for audit, retries and callbacks). */
  request: unknown;
  /** The normalized v3 detail as last seen (without the gateway id). */
  detail: Record<string, unknown> | null;
  /** The upstream's last raw answer. */
  upstreamPayload: unknown;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  deletedAt: number | null;
  /** When the background refresher polls this job next (in-progress jobs only). */
  nextPollAt?: number | null;
  /** Background polls so far. */
  pollAttempts?: number;
}

export type NewJob = Omit<JobRecord, 'updatedAt' | 'completedAt' | 'deletedAt'>;

export interface JobUpdate {
  status: string;
  detail: Record<string, unknown> | null;
  upstreamPayload: unknown;
  /** Set when the job reaches a terminal status. */
  completedAt?: number | null;
}

export interface ListJobsQuery {
  clientId: string;
  kind: JobKind;
  limit: number;
  /** Cursor: list rows strictly after this (createdAt, id) position, newest first. */
  after?: { createdAt: number; id: string };
  folderId?: string;
  /** Case-insensitive substring of the title. */
  titleContains?: string;
}

// ---- job lifecycle (issue 7) ------------------------------------------------------------

/** A webhook event the gateway emits (HeyGen's event body), persisted before any delivery. */
export interface WebhookEvent {
  /** Stable id, sent as Heygen-Event-Id on every attempt. */
  id: string;
  clientId: string;
  eventType: string;
  /** The exact JSON text that is signed and POSTed (never re-serialized). */
  body: string;
  jobId: string | null;
  createdAt: number;
}

/** One event to one target: the job's callback_url or a managed endpoint. */
export interface Delivery {
  id: string;
  eventId: string;
  clientId: string;
  url: string;
  /** Managed endpoint id, or null for a job's callback_url (signed with the client's webhook_secret). */
  endpointId: string | null;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export type NewDelivery = Pick<Delivery, 'id' | 'eventId' | 'clientId' | 'url' | 'endpointId' | 'nextAttemptAt' | 'createdAt'>;

/** What a job's first transition to a terminal status emits, written in the same transaction. */
export interface TerminalEffects {
  events: WebhookEvent[];
  deliveries: NewDelivery[];
}

export interface WebhookEndpoint {
  id: string;
  clientId: string;
  url: string;
  /** Subscribed event types; empty = all. */
  events: string[];
  secret: string;
  status: 'enabled' | 'disabled';
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'in_flight' }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string; headers: Record<string, string> };

// ---- routing and spend (issue 6) ---------------------------------------------------------

export interface SpendReservation {
  id: string;
  clientId: string;
  accountId: string;
  /** 'YYYY-MM' in UTC. */
  month: string;
  estimateUsd: number;
}

export interface SpendRow {
  clientId: string;
  accountId: string;
  month: string;
  /** Reserved (in flight) + settled (actual) USD. */
  reservedUsd: number;
  settledUsd: number;
  jobs: number;
}

export interface JobStatusCount {
  provider: string;
  kind: JobKind;
  status: string;
  n: number;
}

export interface Store {
  /** Inserts one job. */
  insertJob(job: NewJob): Promise<void>;
  /** Inserts several jobs atomically (a translation with several output languages). */
  insertJobs(jobs: NewJob[]): Promise<void>;
  /** A job by gateway id, or null; deleted jobs are returned too (callers decide). */
  getJob(id: string): Promise<JobRecord | null>;
  /** The job an account's upstream id belongs to (upstream webhooks name upstream ids). */
  findJobByUpstream(accountId: string, upstreamId: string): Promise<JobRecord | null>;
  /** Stores a refreshed status; never moves a terminal job back to in-progress. Returns the row after. */
  updateJob(id: string, update: JobUpdate): Promise<JobRecord | null>;
  markDeleted(id: string, at: number): Promise<void>;
  /** Newest first; excludes deleted jobs; returns up to `limit` rows. */
  listJobs(q: ListJobsQuery): Promise<JobRecord[]>;
  /** Resource affinity: which account an upstream asset or avatar look belongs to. */
  putAffinity(kind: 'asset' | 'look' | 'group', resourceId: string, accountId: string, clientId: string): Promise<void>;
  getAffinity(kind: 'asset' | 'look' | 'group', resourceId: string): Promise<{ accountId: string; clientId: string } | null>;
  // ---- background refresh (issue 7) ----
  /** In-progress, not deleted jobs whose next poll is due (next_poll_at <= now), oldest due first. */
  dueJobs(now: number, limit: number): Promise<JobRecord[]>;
  /** Sets when the refresher polls this job next, and how many polls it has had. */
  schedulePoll(id: string, nextPollAt: number, pollAttempts: number): Promise<void>;
  /**
   * Like updateJob, but when THIS update is the job's first transition to a terminal status, the
   * effects (events + deliveries) are inserted in the same transaction. Returns the stored row and
   * whether this call made the transition (so the caller can settle spend exactly once).
   */
  finishJob(id: string, update: JobUpdate, effects: TerminalEffects): Promise<{ job: JobRecord | null; transitioned: boolean }>;
  /** Replaces a terminal job's detail (fresh presigned URLs); never changes its status. */
  refreshTerminalDetail(id: string, detail: Record<string, unknown>, upstreamPayload: unknown): Promise<void>;
  /** Jobs in progress (not terminal, not deleted) on an account: the max_concurrent_jobs count. */
  countActiveJobs(accountId: string): Promise<number>;
  /** Jobs (not deleted) counted by provider, kind and status: the metrics' jobs gauge. */
  countJobsByStatus(): Promise<JobStatusCount[]>;

  // ---- webhooks (issue 7) ----
  insertEvents(effects: TerminalEffects): Promise<void>;
  /**
   * Claims up to `limit` pending deliveries due at `now` by pushing their next_attempt_at to
   * now + leaseMs in one statement, so two workers (or replicas) never send the same attempt.
   */
  claimDeliveries(now: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  recordAttempt(id: string, r: { at: number; ok: boolean; status: number | null; error: string | null; nextAttemptAt: number | null }): Promise<void>;
  getEvent(id: string): Promise<WebhookEvent | null>;
  /** The client's events newest first, keyset-paginated like listJobs. */
  listEvents(clientId: string, limit: number, after?: { createdAt: number; id: string }): Promise<WebhookEvent[]>;
  listDeliveries(eventId: string): Promise<Delivery[]>;
  createEndpoint(e: WebhookEndpoint): Promise<void>;
  getEndpoint(id: string): Promise<WebhookEndpoint | null>;
  listEndpoints(clientId: string, limit: number, after?: { createdAt: number; id: string }): Promise<WebhookEndpoint[]>;
  /** Enabled endpoints of a client subscribed to an event type (or to all). */
  endpointsFor(clientId: string, eventType: string): Promise<WebhookEndpoint[]>;
  updateEndpoint(id: string, patch: Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'secret' | 'status' | 'description'>>, at: number): Promise<WebhookEndpoint | null>;
  deleteEndpoint(id: string): Promise<boolean>;

  // ---- idempotency (issue 7) ----
  /**
   * Starts (or finds) the record for (client, key) atomically. Records older than `ttlMs` count as
   * absent, and so does an in-flight record too old to belong to a running request (a crash).
   */
  beginIdempotent(clientId: string, key: string, requestHash: string, now: number, ttlMs: number): Promise<IdempotencyBegin>;
  completeIdempotent(clientId: string, key: string, r: { status: number; body: string; headers: Record<string, string> }): Promise<void>;
  /** Forgets an in-flight record whose request failed in a retryable way, so a retry can run. */
  abandonIdempotent(clientId: string, key: string): Promise<void>;
  /** Deletes idempotency records older than `before` (housekeeping). */
  purgeIdempotent(before: number): Promise<number>;

  // ---- spend (issue 6) ----
  /**
   * Atomically reserves `r.estimateUsd` for the client's month if reserved + settled + estimate
   * stays within `budgetUsd` (null = no budget). False, and nothing written, when it would not.
   */
  reserveSpend(r: SpendReservation, budgetUsd: number | null, now: number): Promise<boolean>;
  /** Ties a reservation to the job it paid for. */
  attachSpend(reservationId: string, jobId: string): Promise<void>;
  /** Books the actual cost (replacing the estimate) when the job completes. Idempotent. */
  settleSpend(reservationId: string, actualUsd: number, now: number): Promise<void>;
  /** Releases a reservation (create failed, or job failed): it no longer counts. Idempotent. */
  releaseSpend(reservationId: string, now: number): Promise<void>;
  /** Per client and account for a month (optionally one client). */
  spendByMonth(month: string, clientId?: string): Promise<SpendRow[]>;
  /** Reserved + settled for a client in a month. */
  clientMonthSpend(clientId: string, month: string): Promise<number>;

  /** True once open and migrated. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
