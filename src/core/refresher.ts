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
  /** Due jobs looked at per tick (each taken, or pushed back when its account has no free slot). */
  batch?: number;
  /** Upstream polls in flight at once per account. */
  perAccountConcurrency?: number;
  /** Delay before jitter for a job of a given age (default baseDelayMs; tests shrink it). */
  cadence?: (ageMs: number) => number;
}

const SECOND = 1000;
/** How long a taken job is held by the poll that took it. */
const LEASE_MS = 60 * SECOND;
/** How far a due job is pushed back when its account has no free poll slot. */
const BUSY_RETRY_MS = 5 * SECOND;

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
  cadence?: (ageMs: number) => number;
}): number {
  const rnd = opts.random ?? Math.random;
  let delay = (opts.cadence ?? baseDelayMs)(opts.now - opts.createdAt);
  if (opts.consecutiveFailures > 0) delay = Math.min(delay * 2 ** Math.min(opts.consecutiveFailures, 6), 10 * 60 * SECOND);
  delay = Math.round(delay * (0.8 + 0.4 * rnd()));
  if (opts.retryAfterSeconds !== undefined) delay = Math.max(delay, opts.retryAfterSeconds * SECOND);
  return opts.now + delay;
}

export class Refresher {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> | null = null;
  private stopped = true;
  private readonly now: () => number;
  /** Consecutive failed polls per job, to back off from a broken upstream. */
  private readonly failures = new Map<string, number>();
  /** Polls in flight, and how many of them per account. */
  private readonly polls = new Set<Promise<void>>();
  private readonly active = new Map<string, number>();

  constructor(private readonly o: RefresherOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Ticks every tickMs. A tick starts polls and does not wait for them: an account whose upstream
   * hangs holds only its own slots, while the other accounts' jobs keep being polled.
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.ticking = this.claim()
        .catch((err: unknown) => this.o.logger.error({ err }, 'refresher tick failed'))
        .finally(() => {
          this.ticking = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.tickMs ?? 1000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops ticking and waits for the polls in flight to be stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.allSettled([...this.polls]);
  }

  /** Polls the due jobs that have a free slot on their account; resolves when those polls are done. */
  async runOnce(): Promise<number> {
    const started = await this.claim();
    await Promise.all(started);
    return started.length;
  }

  /** Takes due jobs up to each account's free slots, leases them and starts their polls. */
  private async claim(): Promise<Promise<void>[]> {
    const now = this.now();
    const due = await this.o.store.dueJobs(now, this.o.batch ?? 50);
    if (due.length === 0) return [];
    const limit = this.o.perAccountConcurrency ?? 4;
    const free = new Map<string, number>();
    const take: JobRecord[] = [];
    const busy: JobRecord[] = [];
    for (const job of due) {
      const slots = free.get(job.accountId) ?? limit - (this.active.get(job.accountId) ?? 0);
      (slots > 0 ? take : busy).push(job);
      free.set(job.accountId, slots - 1);
    }
    await Promise.all([
      // Lease: push each taken job's next poll out first, so an overlapping tick (or replica) skips it.
      ...take.map((j) => this.o.store.schedulePoll(j.id, now + LEASE_MS, pollAttempts(j))),
      // Jobs of an account with no free slot step back behind everything due now, so they do not
      // fill the next batch ahead of other accounts' jobs.
      ...busy.map((j) => this.o.store.schedulePoll(j.id, now + BUSY_RETRY_MS, pollAttempts(j))),
    ]);
    return take.map((job) => this.launch(job));
  }

  private launch(job: JobRecord): Promise<void> {
    const account = job.accountId;
    this.active.set(account, (this.active.get(account) ?? 0) + 1);
    const p: Promise<void> = this.pollOne(job)
      .catch((err: unknown) => this.o.logger.error({ err, job: job.id }, 'background poll crashed'))
      .finally(() => {
        this.polls.delete(p);
        const n = (this.active.get(account) ?? 1) - 1;
        if (n > 0) this.active.set(account, n);
        else this.active.delete(account);
      });
    this.polls.add(p);
    return p;
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
        ...(this.o.cadence ? { cadence: this.o.cadence } : {}),
      }),
      pollAttempts(job) + 1,
    );
  }
}

const pollAttempts = (job: JobRecord): number => job.pollAttempts ?? 0;
