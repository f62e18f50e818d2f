/**
 * The background refresher: polls every in-progress job from its upstream until it ends, so a
 * job finishes (and its callbacks go out) even when nobody polls the gateway — the only way to
 * learn about GMI jobs, and the safety net for everyone else.
 *
 * Cadence follows the documents (renders take 5-10x the video length; poll every 10-30 s):
 * young jobs every ~10 s, slowing to 30 s, then 60 s for jobs older than an hour, with ±20 %
 * jitter so a burst of creates does not poll in lockstep. An upstream Retry-After is honoured.
 */
import { GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import type { JobService } from './jobs.js';
import type { Router } from './router.js';
import type { JobRecord, Store } from '../store/types.js';

export interface RefresherOptions {
  store: Store;
  router: Router;
  jobs: JobService;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** How often the loop looks for due jobs. */
  tickMs?: number;
  /** Jobs taken per tick. */
  batch?: number;
  /** Upstream polls in flight at once per account. */
  perAccountConcurrency?: number;
}

const SECOND = 1000;

/** Delay before the next poll of a job of this age, before jitter. */
export function baseDelayMs(ageMs: number): number {
  if (ageMs < 2 * 60 * SECOND) return 10 * SECOND;
  if (ageMs < 10 * 60 * SECOND) return 15 * SECOND;
  if (ageMs < 60 * 60 * SECOND) return 30 * SECOND;
  return 60 * SECOND;
}

/** Next poll time: age-based cadence, jittered, stretched by failures and Retry-After. */
export function nextPollAt(opts: {
  now: number;
  createdAt: number;
  consecutiveFailures: number;
  retryAfterSeconds?: number | undefined;
  random?: () => number;
}): number {
  const rnd = opts.random ?? Math.random;
  let delay = baseDelayMs(opts.now - opts.createdAt);
  if (opts.consecutiveFailures > 0) delay = Math.min(delay * 2 ** Math.min(opts.consecutiveFailures, 6), 10 * 60 * SECOND);
  delay = Math.round(delay * (0.8 + 0.4 * rnd()));
  if (opts.retryAfterSeconds !== undefined) delay = Math.max(delay, opts.retryAfterSeconds * SECOND);
  return opts.now + delay;
}

export class Refresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private readonly now: () => number;
  /** Consecutive failed polls per job, to back off from a broken upstream. */
  private readonly failures = new Map<string, number>();

  constructor(private readonly o: RefresherOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .catch((err: unknown) => this.o.logger.error({ err }, 'refresher tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.tickMs ?? 1000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Polls every due job once; returns how many were polled. */
  async runOnce(): Promise<number> {
    const now = this.now();
    const due = await this.o.store.dueJobs(now, this.o.batch ?? 50);
    if (due.length === 0) return 0;
    // Lease: push each job's next poll out first, so an overlapping tick (or replica) skips it.
    await Promise.all(due.map((j) => this.o.store.schedulePoll(j.id, now + 60 * SECOND, pollAttempts(j))));
    const byAccount = new Map<string, JobRecord[]>();
    for (const job of due) {
      const list = byAccount.get(job.accountId) ?? [];
      list.push(job);
      byAccount.set(job.accountId, list);
    }
    const limit = this.o.perAccountConcurrency ?? 4;
    await Promise.all([...byAccount.values()].map((jobs) => runLimited(jobs, limit, (job) => this.pollOne(job))));
    return due.length;
  }

  private async pollOne(job: JobRecord): Promise<void> {
    let retryAfter: number | undefined;
    let fresh: JobRecord | null = null;
    try {
      fresh = await this.o.jobs.refresh(job, this.o.router.forJob(job.accountId));
      this.failures.delete(job.id);
    } catch (err) {
      const n = (this.failures.get(job.id) ?? 0) + 1;
      this.failures.set(job.id, n);
      if (err instanceof GatewayError) retryAfter = err.retryAfter;
      this.o.logger.warn(
        { job: job.id, account: job.accountId, code: err instanceof GatewayError ? err.code : 'error', failures: n },
        'background poll failed',
      );
    }
    if (fresh && (fresh.completedAt !== null || fresh.deletedAt !== null)) {
      this.failures.delete(job.id);
      return;
    }
    const now = this.now();
    await this.o.store.schedulePoll(
      job.id,
      nextPollAt({
        now,
        createdAt: job.createdAt,
        consecutiveFailures: this.failures.get(job.id) ?? 0,
        retryAfterSeconds: retryAfter,
        ...(this.o.random ? { random: this.o.random } : {}),
      }),
      pollAttempts(job) + 1,
    );
  }
}

const pollAttempts = (job: JobRecord): number => job.pollAttempts ?? 0;

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
