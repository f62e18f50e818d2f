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

export interface Store {
  /** Inserts one job. */
  insertJob(job: NewJob): Promise<void>;
  /** Inserts several jobs atomically (a translation with several output languages). */
  insertJobs(jobs: NewJob[]): Promise<void>;
  /** A job by gateway id, or null; deleted jobs are returned too (callers decide). */
  getJob(id: string): Promise<JobRecord | null>;
  /** Stores a refreshed status; never moves a terminal job back to in-progress. Returns the row after. */
  updateJob(id: string, update: JobUpdate): Promise<JobRecord | null>;
  markDeleted(id: string, at: number): Promise<void>;
  /** Newest first; excludes deleted jobs; returns up to `limit` rows. */
  listJobs(q: ListJobsQuery): Promise<JobRecord[]>;
  /** Resource affinity: which account an upstream asset or avatar look belongs to. */
  putAffinity(kind: 'asset' | 'look' | 'group', resourceId: string, accountId: string, clientId: string): Promise<void>;
  getAffinity(kind: 'asset' | 'look' | 'group', resourceId: string): Promise<{ accountId: string; clientId: string } | null>;
  /** True once open and migrated. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
