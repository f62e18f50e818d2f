/**
 * The webhook outbox sender. Events and their deliveries are persisted (store.finishJob) before
 * anything is sent; this worker claims due deliveries under a lease, POSTs the stored body
 * verbatim with fresh signature headers, and records each attempt. At least once: a crash between
 * sending and recording means the lease runs out and the same event (same id, same bytes) is sent
 * again, which receivers de-duplicate on Heygen-Event-Id.
 */
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { ClientConfig } from '../../config/schema.js';
import type { Logger } from '../logger.js';
import type { Delivery, Store } from '../../store/types.js';
import { webhookHeaders } from './sign.js';
import { TargetRefusedError, checkTargetUrl, createTargetAgent, isTargetRefused, type LookupFn } from './target.js';

/** HeyGen: a 2xx within 10 s counts. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** HeyGen: retried with exponential backoff for up to 24 hours. */
export const DELIVERY_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 60 * 60 * 1000;

/**
 * Wait before the next attempt after `attempts` failed ones: 10 s, 30 s, 90 s, 4.5 min, ...
 * capped at 1 h, each spread by +-20 % so receivers coming back up are not hit by every sender at once.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random, firstRetryMs: number = FIRST_RETRY_MS): number {
  const base = Math.min(firstRetryMs * 3 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface OutboxOptions {
  store: Store;
  /** Where a client's webhook_secret is found (a ClientDirectory or the configured list). */
  clients: { get(id: string): ClientConfig | undefined } | readonly ClientConfig[];
  /** config.webhooks.allow_private_targets. */
  allowPrivateTargets: boolean;
  logger: Logger;
  now?: () => number;
  /**
   * Sends the requests. Defaults to an SSRF-guarded Agent (target.ts); one given here is used as
   * is, so it must do its own address checks.
   */
  dispatcher?: Dispatcher;
  /** Resolver for the default agent (tests map a name to 127.0.0.1). */
  lookup?: LookupFn;
  /** Deliveries in flight at once (default 8). */
  concurrency?: number;
  /** How often start()'s loop looks for due deliveries when idle (default 1000 ms). */
  pollIntervalMs?: number;
  /** Whole-attempt deadline (default 10 s, HeyGen's). */
  timeoutMs?: number;
  /** How long a claim holds a delivery before another worker may take it (default timeout + 60 s). */
  leaseMs?: number;
  /** Give up this long after the event was created (default 24 h). */
  maxAgeMs?: number;
  /** Jitter source (tests pin it). */
  random?: () => number;
  /** Wait before the first retry; later ones grow 3x from it (default 10 s; tests shrink it). */
  firstRetryMs?: number;
  /** Told each recorded attempt's outcome: delivered, retry (will be tried again) or failed for good (metrics). */
  onAttempt?: (outcome: 'delivered' | 'retry' | 'failed') => void;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** No retry whatever the deadline (refused target, endpoint gone). */
  permanent: boolean;
}

/** The target and signing secret of one delivery, as of now. */
type Resolved = { url: string; secret: string | null; body: string; eventId: string; eventCreatedAt: number } | { fail: string };

export class OutboxWorker {
  private readonly store: Store;
  private readonly clients: { get(id: string): ClientConfig | undefined };
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly maxAgeMs: number;
  private readonly inflight = new Set<Promise<void>>();
  private ownAgent: Dispatcher | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly opts: OutboxOptions) {
    this.store = opts.store;
    const list = opts.clients;
    this.clients = isClientList(list) ? { get: (id) => list.find((c) => c.id === id) } : list;
    this.log = opts.logger.child({ component: 'webhook-outbox' });
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.concurrency = Math.max(1, opts.concurrency ?? 8);
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
    this.leaseMs = opts.leaseMs ?? this.timeoutMs + 60_000;
    this.maxAgeMs = opts.maxAgeMs ?? DELIVERY_MAX_AGE_MS;
  }

  /** Runs the send loop in the background until stop(). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().catch((err: unknown) => this.log.error({ err }, 'webhook outbox loop stopped'));
  }

  /** Stops claiming, waits for the attempts in flight to be sent and recorded, and releases sockets. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.inflight]);
    const agent = this.ownAgent;
    this.ownAgent = null;
    await agent?.close();
  }

  /** Looks for due deliveries now instead of at the next poll (after a job finished). */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Claims what is due now (up to the free concurrency), sends it, and returns how many were attempted. */
  async runOnce(): Promise<number> {
    const started = await this.claimAndStart(this.concurrency - this.inflight.size);
    await Promise.allSettled(started);
    return started.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      const free = this.concurrency - this.inflight.size;
      if (free > 0) {
        try {
          claimed = (await this.claimAndStart(free)).length;
        } catch (err) {
          this.log.error({ err }, 'claiming webhook deliveries failed');
        }
      }
      if (this.stopping) break;
      // A full batch may mean more is due: go again as soon as a slot frees up.
      if (claimed === 0 || this.inflight.size >= this.concurrency) await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async claimAndStart(max: number): Promise<Promise<void>[]> {
    if (max <= 0) return [];
    const batch = await this.store.claimDeliveries(this.now(), max, this.leaseMs);
    return batch.map((d) => {
      const p: Promise<void> = this.attempt(d)
        .catch((err: unknown) => this.log.error({ err, delivery: d.id }, 'webhook delivery attempt crashed'))
        .finally(() => {
          this.inflight.delete(p);
          this.wake();
        });
      this.inflight.add(p);
      return p;
    });
  }

  private dispatcher(): Dispatcher {
    if (this.opts.dispatcher) return this.opts.dispatcher;
    this.ownAgent ??= createTargetAgent({
      allowPrivateTargets: this.opts.allowPrivateTargets,
      connectTimeoutMs: this.timeoutMs,
      ...(this.opts.lookup ? { lookup: this.opts.lookup } : {}),
    });
    return this.ownAgent;
  }

  private async attempt(d: Delivery): Promise<void> {
    const target = await this.resolve(d);
    let outcome: Outcome;
    let eventCreatedAt = d.createdAt;
    let url = d.url;
    if ('fail' in target) {
      outcome = { ok: false, status: null, error: target.fail, permanent: true };
    } else {
      eventCreatedAt = target.eventCreatedAt;
      url = target.url;
      outcome = await this.send(target.url, target.body, target.secret, target.eventId);
    }
    const at = this.now();
    const attempts = d.attempts + 1;
    let nextAttemptAt: number | null = null;
    if (!outcome.ok && !outcome.permanent) {
      const deadline = eventCreatedAt + this.maxAgeMs;
      // The last try lands on the deadline itself; one that fails there is final.
      nextAttemptAt = at >= deadline ? null : Math.min(at + retryDelayMs(attempts, this.random, this.opts.firstRetryMs), deadline);
    }
    await this.store.recordAttempt(d.id, { at, ok: outcome.ok, status: outcome.status, error: outcome.error, nextAttemptAt });
    this.opts.onAttempt?.(outcome.ok ? 'delivered' : nextAttemptAt !== null ? 'retry' : 'failed');

    // Origin only: a callback URL's path or query may carry the receiver's own token.
    const fields = { delivery: d.id, event: d.eventId, endpoint: d.endpointId, target: originOf(url), status: outcome.status, attempts };
    if (outcome.ok) this.log.info(fields, 'webhook delivered');
    else if (nextAttemptAt !== null) this.log.warn({ ...fields, error: outcome.error, next_attempt_at: nextAttemptAt }, 'webhook delivery failed; will retry');
    else this.log.warn({ ...fields, error: outcome.error }, 'webhook delivery failed for good');
  }

  private async resolve(d: Delivery): Promise<Resolved> {
    const event = await this.store.getEvent(d.eventId);
    if (!event) return { fail: 'event not found' };
    const base = { body: event.body, eventId: event.id, eventCreatedAt: event.createdAt };
    if (d.endpointId !== null) {
      // An endpoint's current URL and secret: a PATCH or rotation applies to what is still owed.
      const ep = await this.store.getEndpoint(d.endpointId);
      if (!ep || ep.clientId !== d.clientId) return { fail: 'endpoint deleted' };
      if (ep.status !== 'enabled') return { fail: 'endpoint disabled' };
      return { ...base, url: ep.url, secret: ep.secret };
    }
    const client = this.clients.get(d.clientId);
    if (!client) return { fail: 'client no longer configured' };
    return { ...base, url: d.url, secret: client.webhook_secret ?? null };
  }

  private async send(url: string, body: string, secret: string | null, eventId: string): Promise<Outcome> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      checkTargetUrl(url);
      const headers = webhookHeaders({ body, secret, eventId, timestamp: Math.floor(this.now() / 1000) });
      const res = await request(url, { method: 'POST', headers, body, dispatcher: this.dispatcher(), signal });
      // The answer's body is not used; read a little so the socket can be reused, never wait on it.
      res.body.dump({ limit: 64 * 1024 }).catch(() => {});
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return { ok, status: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}`, permanent: false };
    } catch (err) {
      if (isTargetRefused(err)) return { ok: false, status: null, error: refusalText(err), permanent: true };
      if (signal.aborted) return { ok: false, status: null, error: `no answer within ${this.timeoutMs} ms`, permanent: false };
      return { ok: false, status: null, error: errorText(err), permanent: false };
    }
  }
}

function isClientList(v: OutboxOptions['clients']): v is readonly ClientConfig[] {
  return Array.isArray(v);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

function refusalText(err: unknown): string {
  for (let e: unknown = err, i = 0; e && i < 8; i++) {
    if (e instanceof TargetRefusedError) return `refused: ${e.message}`;
    e = (e as { cause?: unknown }).cause;
  }
  return 'refused: non-public target';
}

/** A short, secret-free reason: the error code (ECONNREFUSED, ...) or the error's class. */
function errorText(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : null;
  return code ?? (typeof e?.name === 'string' ? e.name : 'request failed');
}
