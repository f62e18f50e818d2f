/**
 * Per-account circuit breaker. After `failureThreshold` consecutive failures that say something
 * about the account's health the circuit opens and the account is skipped; once the cooldown (or
 * the upstream's longer Retry-After) has passed it is half-open and lets exactly one probe
 * through; the probe's success closes it, its failure opens it again for another cooldown.
 *
 * State lives in memory, per replica: each replica learns an account's health from its own calls.
 */
import type { AccountConfig } from '../config/schema.js';
import { isGatewayError } from './errors.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOLDOWN_MS = 30_000;
/**
 * A half-open probe whose outcome is never reported (the caller crashed, or forgot) would keep
 * the account shut forever; after this long another probe may go.
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 120_000;

export interface CircuitSettings {
  failureThreshold?: number | undefined;
  cooldownMs?: number | undefined;
  probeTimeoutMs?: number | undefined;
}

export interface CircuitOptions extends CircuitSettings {
  now?: () => number;
}

/** For the admin API: times are epoch milliseconds. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutive_failures: number;
  /** When the circuit last opened; null while closed. */
  opened_at: number | null;
  /** When an open circuit turns half-open; null while closed. */
  retry_at: number | null;
  /** A half-open probe is out and has not reported. */
  probe_in_flight: boolean;
}

/**
 * Whether an error from an upstream call says the account is unhealthy: connection failures, 5xx,
 * 429 and timeouts do; a 4xx answer is about the request, not the account. An error that is not a
 * GatewayError never came through the upstream mapping (a raw socket error, an adapter bug), so it
 * counts too.
 */
export function countsAsFailure(err: unknown): boolean {
  if (!isGatewayError(err)) return true;
  return err.status >= 500 || err.status === 429 || err.code === 'gateway_timeout' || err.code === 'upstream_error';
}

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;

  private failures = 0;
  /** Latest instant a Retry-After received during the current failure streak asks us to wait for. */
  private waitUntil = 0;
  private openedAt: number | null = null;
  /** Non-null exactly while not closed. */
  private retryAt: number | null = null;
  private probeSince: number | null = null;

  constructor(opts: CircuitOptions = {}) {
    this.threshold = Math.max(1, opts.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD);
    this.cooldownMs = Math.max(0, opts.cooldownMs ?? DEFAULT_COOLDOWN_MS);
    this.probeTimeoutMs = Math.max(0, opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    this.now = opts.now ?? Date.now;
  }

  state(): CircuitState {
    if (this.retryAt === null) return 'closed';
    return this.now() < this.retryAt ? 'open' : 'half_open';
  }

  /**
   * May a call go to this account now? Closed: yes. Open: no. Half-open: yes for exactly one
   * caller, which thereby holds the probe and must report onSuccess / onFailure (or release).
   */
  canPass(): boolean {
    const state = this.state();
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const now = this.now();
    if (this.probeSince !== null && now - this.probeSince < this.probeTimeoutMs) return false;
    this.probeSince = now;
    return true;
  }

  /** Whether canPass() would say yes, without reserving the probe (for eligibility listings). */
  wouldPass(): boolean {
    const state = this.state();
    if (state !== 'half_open') return state === 'closed';
    return this.probeSince === null || this.now() - this.probeSince >= this.probeTimeoutMs;
  }

  /** Gives back a pass that was not used (the call never reached the upstream). */
  release(): void {
    this.probeSince = null;
  }

  onSuccess(): void {
    this.failures = 0;
    this.waitUntil = 0;
    this.openedAt = null;
    this.retryAt = null;
    this.probeSince = null;
  }

  onFailure(opts: { retryAfterSeconds?: number | undefined } = {}): void {
    const now = this.now();
    this.failures += 1;
    if (opts.retryAfterSeconds !== undefined && opts.retryAfterSeconds > 0) {
      this.waitUntil = Math.max(this.waitUntil, now + opts.retryAfterSeconds * 1000);
    }
    const state = this.state();
    if (state === 'open') {
      // A late answer to a call sent before the circuit opened: only a longer Retry-After matters.
      this.retryAt = Math.max(this.retryAt ?? now, this.waitUntil);
      return;
    }
    if (state === 'half_open' || this.failures >= this.threshold) {
      this.openedAt = now;
      this.retryAt = Math.max(now + this.cooldownMs, this.waitUntil);
      this.probeSince = null;
    }
  }

  /**
   * Reports a call's outcome: no error, or an error that does not count (the upstream answered,
   * e.g. a 400), is a success; anything countsAsFailure is a failure, honouring its Retry-After.
   */
  record(err?: unknown): void {
    if (err === undefined || !countsAsFailure(err)) {
      this.onSuccess();
      return;
    }
    this.onFailure({ retryAfterSeconds: isGatewayError(err) ? err.retryAfter : undefined });
  }

  /** Whole seconds until a call may pass (for Retry-After on a 503); 0 when one may pass now. */
  retryAfterSeconds(): number {
    const state = this.state();
    if (state === 'closed') return 0;
    const now = this.now();
    if (state === 'open') return Math.max(1, Math.ceil(((this.retryAt ?? now) - now) / 1000));
    if (this.probeSince === null || now - this.probeSince >= this.probeTimeoutMs) return 0;
    // The probe is out; its answer decides. Ask the client to come back shortly.
    return 1;
  }

  snapshot(): CircuitSnapshot {
    return {
      state: this.state(),
      consecutive_failures: this.failures,
      opened_at: this.openedAt,
      retry_at: this.retryAt,
      probe_in_flight: this.state() === 'half_open' && this.probeSince !== null && this.now() - this.probeSince < this.probeTimeoutMs,
    };
  }
}

/** One breaker per account id, created on first use with that account's settings. */
export class CircuitRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly now: () => number;

  constructor(
    private readonly opts: {
      now?: () => number;
      /** Applied to every account, under its own settings. */
      defaults?: CircuitSettings;
      perAccount?: Readonly<Record<string, CircuitSettings | undefined>>;
    } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** A registry with a breaker for every configured account, from `accounts[].circuit`. */
  static fromAccounts(accounts: readonly AccountConfig[], opts: { now?: () => number; defaults?: CircuitSettings } = {}): CircuitRegistry {
    const perAccount: Record<string, CircuitSettings> = {};
    for (const a of accounts) {
      perAccount[a.id] = { failureThreshold: a.circuit?.failure_threshold, cooldownMs: a.circuit?.cooldown_ms };
    }
    const registry = new CircuitRegistry({ ...opts, perAccount });
    for (const a of accounts) registry.get(a.id);
    return registry;
  }

  get(accountId: string): CircuitBreaker {
    let breaker = this.breakers.get(accountId);
    if (!breaker) {
      const own = this.opts.perAccount?.[accountId] ?? {};
      const pick = <K extends keyof CircuitSettings>(k: K): CircuitSettings[K] => own[k] ?? this.opts.defaults?.[k];
      breaker = new CircuitBreaker({
        now: this.now,
        failureThreshold: pick('failureThreshold'),
        cooldownMs: pick('cooldownMs'),
        probeTimeoutMs: pick('probeTimeoutMs'),
      });
      this.breakers.set(accountId, breaker);
    }
    return breaker;
  }

  /** Every known account's breaker state, by account id. */
  snapshots(): Record<string, CircuitSnapshot> {
    const out: Record<string, CircuitSnapshot> = {};
    for (const [id, b] of this.breakers) out[id] = b.snapshot();
    return out;
  }
}
