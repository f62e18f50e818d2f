/**
 * The gateway's Prometheus metrics. Each app owns one Registry (never prom-client's global one),
 * so several gateways in one process (tests, the benchmark) never mix their figures.
 *
 * Every label value comes from a bounded set: route patterns (never raw URLs), configured account
 * ids, provider names, v3 status words, error codes. The one value an upstream chooses, an unknown
 * status word, is normalized and capped so a misbehaving upstream cannot grow the series without bound.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CircuitSnapshot, CircuitState } from './circuit.js';
import type { Logger } from './logger.js';
import { monthOf } from './pricing.js';
import type { JobKind, Store } from '../store/types.js';

/** Distinct unknown status words kept as their own label value; later ones count as "other". */
export const MAX_UNKNOWN_WORDS = 32;
const MAX_WORD_LENGTH = 40;
const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Label value for anything outside the known set (a foreign account id, an odd method). */
const OTHER = 'other';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

export interface RequestObservation {
  /** The route's URL pattern (`/v3/videos/:video_id`), or null when no route matched. */
  route: string | null;
  method: string;
  status: number;
  /** From the X-Gateway-Account / X-Gateway-Provider reply headers; absent when the call was not routed. */
  account?: string | undefined;
  provider?: string | undefined;
  seconds: number;
}

export interface UpstreamObservation {
  account: string;
  provider: string;
  /** The adapter method called (createVideo, getVideo, uploadAsset, ...). */
  operation: string;
  /** "ok", or the error code the call failed with (a v3 error code, or "error"). */
  outcome: string;
  seconds: number;
}

export interface MetricsOptions {
  /** Jobs and spend are read from the store at scrape time. */
  store?: Pick<Store, 'countJobsByStatus' | 'spendByMonth'>;
  /** Configured accounts: their ids and providers are the only values those labels take. */
  accounts?: ReadonlyArray<{ id: string; provider: string }>;
  /** Configured clients, for budget use (only those with a monthly budget get a limit and ratio). */
  clients?: ReadonlyArray<{ id: string; monthly_budget_usd?: number | undefined }>;
  /** Circuit breaker states by account id; may also be attached later with setCircuitSource. */
  circuits?: () => Readonly<Record<string, CircuitSnapshot>>;
  /** Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
  now?: () => number;
  logger?: Logger;
}

/** An upstream's status word as a label value: lower case, a small alphabet, bounded length. */
export function normalizeWord(word: string): string {
  const w = word
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .slice(0, MAX_WORD_LENGTH);
  return w === '' ? '(empty)' : w;
}

export class Metrics {
  readonly registry = new Registry();

  private readonly requests: Counter<'route' | 'method' | 'status' | 'account' | 'provider'>;
  private readonly requestSeconds: Histogram<'route' | 'method'>;
  private readonly upstreamSeconds: Histogram<'account' | 'provider' | 'operation' | 'outcome'>;
  private readonly unknownStatuses: Counter<'provider' | 'kind' | 'word'>;
  private readonly deliveries: Counter<'outcome'>;

  private readonly accountIds: ReadonlySet<string> | null;
  private readonly providers: ReadonlySet<string> | null;
  private readonly words = new Set<string>();
  private circuitSource: (() => Readonly<Record<string, CircuitSnapshot>>) | null;
  private readonly now: () => number;

  constructor(private readonly opts: MetricsOptions = {}) {
    const registers = [this.registry];
    this.now = opts.now ?? Date.now;
    this.accountIds = opts.accounts ? new Set(opts.accounts.map((a) => a.id)) : null;
    this.providers = opts.accounts ? new Set(opts.accounts.map((a) => a.provider)) : null;
    this.circuitSource = opts.circuits ?? null;

    this.requests = new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method, status, and the account and provider that served them.',
      labelNames: ['route', 'method', 'status', 'account', 'provider'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its answer, by route pattern and method.',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.upstreamSeconds = new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Duration of each adapter call to an upstream account, by account, provider, operation and outcome (ok or error code).',
      labelNames: ['account', 'provider', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.unknownStatuses = new Counter({
      name: 'gateway_upstream_unknown_status_total',
      help: `Upstream status words no adapter knew (treated as in progress). Words beyond the first ${MAX_UNKNOWN_WORDS} count as "${OTHER}".`,
      labelNames: ['provider', 'kind', 'word'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'gateway_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (failed, will be retried), failed (given up).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['delivered', 'retry', 'failed'] as const) this.deliveries.inc({ outcome }, 0);

    const store = opts.store;
    const log = opts.logger;
    if (store) {
      new Gauge({
        name: 'gateway_jobs',
        help: 'Jobs in the store (not deleted) by provider, kind and v3 status.',
        labelNames: ['provider', 'kind', 'status'],
        registers,
        async collect() {
          this.reset();
          try {
            for (const row of await store.countJobsByStatus()) this.set({ provider: row.provider, kind: row.kind, status: row.status }, row.n);
          } catch (err) {
            log?.warn({ err }, 'metrics: counting jobs failed');
          }
        },
      });
      const clients = opts.clients ?? [];
      const now = this.now;
      // Each gauge reads on its own: prom-client collects the metrics of one scrape concurrently.
      const spendTotals = async (): Promise<Map<string, number>> => {
        const totals = new Map<string, number>(clients.map((c) => [c.id, 0]));
        for (const row of await store.spendByMonth(monthOf(now()))) {
          totals.set(row.clientId, (totals.get(row.clientId) ?? 0) + row.reservedUsd + row.settledUsd);
        }
        return totals;
      };
      new Gauge({
        name: 'gateway_budget_spent_usd',
        help: 'USD reserved (in flight) plus settled this calendar month (UTC), by client.',
        labelNames: ['client'],
        registers,
        async collect() {
          this.reset();
          try {
            for (const [client, usd] of await spendTotals()) this.set({ client }, usd);
          } catch (err) {
            log?.warn({ err }, 'metrics: reading spend failed');
          }
        },
      });
      new Gauge({
        name: 'gateway_budget_limit_usd',
        help: 'Configured monthly budget (USD), for clients that have one.',
        labelNames: ['client'],
        registers,
        collect() {
          this.reset();
          for (const c of clients) if (c.monthly_budget_usd !== undefined) this.set({ client: c.id }, c.monthly_budget_usd);
        },
      });
      new Gauge({
        name: 'gateway_budget_used_ratio',
        help: 'Spent this month divided by the monthly budget, for clients that have one (1 = budget used up).',
        labelNames: ['client'],
        registers,
        async collect() {
          this.reset();
          if (!clients.some((c) => c.monthly_budget_usd !== undefined)) return;
          try {
            const totals = await spendTotals();
            for (const c of clients) {
              if (c.monthly_budget_usd !== undefined) this.set({ client: c.id }, (totals.get(c.id) ?? 0) / c.monthly_budget_usd);
            }
          } catch (err) {
            log?.warn({ err }, 'metrics: reading spend failed');
          }
        },
      });
    }

    const circuits = (): Readonly<Record<string, CircuitSnapshot>> => this.circuitSource?.() ?? {};
    new Gauge({
      name: 'gateway_circuit_state',
      help: 'Circuit breaker state per account: 1 for the current state (closed, open, half_open), 0 for the others.',
      labelNames: ['account', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [account, snap] of Object.entries(circuits())) {
          for (const state of CIRCUIT_STATES) this.set({ account, state }, snap.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'gateway_circuit_consecutive_failures',
      help: 'Consecutive failed upstream calls per account, as counted by its circuit breaker.',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        for (const [account, snap] of Object.entries(circuits())) this.set({ account }, snap.consecutive_failures);
      },
    });

    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Attaches circuit breaker states once a CircuitRegistry exists (its snapshots() fits). */
  setCircuitSource(source: (() => Readonly<Record<string, CircuitSnapshot>>) | null): void {
    this.circuitSource = source;
  }

  observeRequest(r: RequestObservation): void {
    const route = r.route ?? '(unmatched)';
    const method = METHODS.has(r.method) ? r.method : OTHER;
    this.requests.inc({
      route,
      method,
      status: String(r.status),
      account: this.known(r.account, this.accountIds),
      provider: this.known(r.provider, this.providers),
    });
    this.requestSeconds.observe({ route, method }, r.seconds);
  }

  observeUpstream(o: UpstreamObservation): void {
    this.upstreamSeconds.observe({ account: o.account, provider: o.provider, operation: o.operation, outcome: o.outcome }, o.seconds);
  }

  unknownStatus(provider: string, kind: JobKind, word: string): void {
    let w = normalizeWord(word);
    if (!this.words.has(w)) {
      if (this.words.size >= MAX_UNKNOWN_WORDS) w = OTHER;
      else this.words.add(w);
    }
    this.unknownStatuses.inc({ provider, kind, word: w });
  }

  delivery(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }

  /** '' (Prometheus: no value) when absent; the value when in the known set (or no set is known); else "other". */
  private known(v: string | undefined, set: ReadonlySet<string> | null): string {
    if (v === undefined || v === '') return '';
    return set === null || set.has(v) ? v : OTHER;
  }
}
