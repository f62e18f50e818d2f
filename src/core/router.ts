/**
 * Chooses the account that serves a request.
 *
 * Eligibility, per account of the client: its provider can do the operation and honour every
 * field present (capabilities), every `alias:<name>` in the request has an id on it, its circuit
 * is not open, it has room under `max_concurrent_jobs`, and the client's monthly budget can take
 * the estimated cost. A pin (`X-Gateway-Account`) skips the choice but not the checks.
 *
 * Creates go through `dispatch`: accounts in policy order (`priority`: the client's list order;
 * `cheapest`: lowest estimate, ties by list order), each attempt reserving its estimate in the
 * ledger before the upstream call and reporting its outcome to the account's circuit breaker.
 * A failure that certainly made no upstream job (connection refused, 5xx, 429) moves on to the
 * next account; anything else (a 4xx answer, a timeout after the request was sent) is the answer.
 */
import type { AccountConfig, AliasesConfig, ClientConfig } from '../config/schema.js';
import { unsupportedFields, type Adapter, type CheckedInputs, type Operation, type VideoRequest } from './adapter.js';
import type { AccountSet } from './accounts.js';
import { resolveAliases, unknownAlias } from './aliases.js';
import type { CircuitRegistry } from './circuit.js';
import { GatewayError, isGatewayError } from './errors.js';
import type { Logger } from './logger.js';
import { estimateCost } from './pricing.js';
import type { Charge, SpendLedger } from './spend.js';
import { legacyOnlyFields } from '../api/legacy/fidelity.js';
import type { Store } from '../store/types.js';

/** The operations that create something billable; only they are dispatched. */
export type CreateOp = keyof CheckedInputs;

export interface RouteRequest<K extends Operation> {
  client: ClientConfig;
  op: K;
  input?: K extends keyof CheckedInputs ? CheckedInputs[K] : undefined;
  /** Account id from X-Gateway-Account. */
  pin?: string | undefined;
  /** Account that owns a resource the request references (asset, look); it must serve the request. */
  affinity?: { accountId: string; param: string } | undefined;
}

export type CreateRequest<K extends CreateOp> = RouteRequest<K> & { input: CheckedInputs[K] };

export interface RouterDeps {
  /** The accounts' configs: pricing (estimates) and max_concurrent_jobs. */
  configs?: readonly AccountConfig[];
  circuits?: CircuitRegistry;
  aliases?: AliasesConfig | undefined;
  /** Counts jobs in progress per account, for max_concurrent_jobs. */
  store?: Pick<Store, 'countActiveJobs'>;
  /** Budget reservations; without it creates are not booked. */
  spend?: SpendLedger;
  logger?: Logger;
}

/** One account that can serve a create, with the request as that account must receive it. */
export interface Candidate<K extends CreateOp> {
  adapter: Adapter;
  /** The account's config; null when the router was built without configs. */
  account: AccountConfig | null;
  /** The request with every `alias:<name>` replaced by this account's id. */
  input: CheckedInputs[K];
  /** Estimated cost on this account (0 without a config). */
  estimateUsd: number;
}

/** What a create does on the account the router hands it. */
export interface CreatePlan<K extends CreateOp, R> {
  /** Ledger entries one attempt books before the call (the caller picks their ids: its job ids). */
  charges(c: Candidate<K>): Charge[];
  /** The upstream call. */
  send(c: Candidate<K>): Promise<R>;
  /**
   * Records the result (the job rows). Runs while the account's concurrency slot is held, so a
   * concurrent create counts this job; an error here is never retried elsewhere (the upstream job exists).
   */
  commit(c: Candidate<K>, result: R, charges: Charge[]): Promise<void>;
  /** Told before each upstream attempt (e.g. to name the account on an error answer). */
  onAttempt?(adapter: Adapter): void;
}

export interface Dispatched<K extends CreateOp, R> {
  result: R;
  candidate: Candidate<K>;
  charges: Charge[];
}

/** Why an account cannot serve a request; `param` is null when no field is to blame (the operation). */
interface Ineligible {
  param: string | null;
  reason: string;
}

/** Why an eligible account was passed over for this attempt. */
type Skip =
  | { accountId: string; why: 'down'; retryAfter: number; failures: number }
  | { accountId: string; why: 'busy'; active: number; max: number }
  | { accountId: string; why: 'budget'; estimateUsd: number };

/** Retry-After for a create refused because every account is at max_concurrent_jobs: a render's first poll interval. */
export const BUSY_RETRY_AFTER_SECONDS = 10;

export class Router {
  /** Creates sent upstream but not yet stored, per account: counted with the store's jobs in progress. */
  private readonly inflight = new Map<string, number>();
  private readonly configs = new Map<string, AccountConfig>();

  constructor(
    private readonly accounts: AccountSet,
    private readonly deps: RouterDeps = {},
  ) {
    for (const a of deps.configs ?? []) this.configs.set(a.id, a);
  }

  /**
   * Every eligible adapter in preference order (first is the one to use), for calls that are not
   * billed creates (lists, reads of catalog items, uploads). Accounts whose circuit is open are skipped.
   */
  candidates<K extends Operation>(req: RouteRequest<K>): Adapter[] {
    const { client, pin, affinity } = req;
    if (pin !== undefined) {
      const adapter = this.pinned(req);
      const why = this.ineligibility(adapter, req);
      if (why) throw pinRefused(adapter, why);
      const down = this.downSkip(pin);
      if (down) throw this.unavailable([down]);
      return [adapter];
    }
    const ids = this.ids(client, affinity);
    const eligible: Adapter[] = [];
    const refusals: Array<[string, Ineligible]> = [];
    const down: Skip[] = [];
    for (const id of ids) {
      const adapter = this.accounts.get(id);
      if (!adapter) continue;
      const why = this.ineligibility(adapter, req);
      if (why) refusals.push([id, why]);
      else {
        const skip = this.downSkip(id);
        if (skip) down.push(skip);
        else eligible.push(adapter);
      }
    }
    if (eligible.length > 0) return eligible;
    if (down.length > 0) throw this.unavailable(down);
    throw noneEligible(refusals, affinity, ids.length);
  }

  /** The preferred eligible adapter (candidates() throws when there is none). */
  pick<K extends Operation>(req: RouteRequest<K>): Adapter {
    return this.candidates(req)[0]!;
  }

  /**
   * The accounts that can serve a create, in the client's policy order, with the request each one
   * receives and its estimated cost. Static checks only (capabilities, aliases); health, capacity
   * and budget are checked per attempt by dispatch(). Throws the 400/403 a client must fix.
   */
  rank<K extends CreateOp>(req: CreateRequest<K>): Array<Candidate<K>> {
    const { client, op, pin, affinity } = req;
    // A foreign pin is refused before anything else, as on every other request.
    this.checkPin(client, pin);
    if (op === 'video.create') {
      const unknown = unknownAlias(req.input as VideoRequest, this.deps.aliases);
      if (unknown) throw unknown;
    }
    if (pin !== undefined) {
      const adapter = this.pinned(req);
      const checked = this.check(adapter, req);
      if ('why' in checked) throw pinRefused(adapter, checked.why);
      return [checked];
    }
    const ids = this.ids(client, affinity);
    const eligible: Array<Candidate<K>> = [];
    const refusals: Array<[string, Ineligible]> = [];
    for (const id of ids) {
      const adapter = this.accounts.get(id);
      if (!adapter) continue;
      const checked = this.check(adapter, req);
      if ('why' in checked) refusals.push([id, checked.why]);
      else eligible.push(checked);
    }
    if (eligible.length === 0) throw noneEligible(refusals, affinity, ids.length);
    // Array.prototype.sort is stable: equal estimates keep the client's list order.
    if (client.routing === 'cheapest') eligible.sort((a, b) => a.estimateUsd - b.estimateUsd);
    return eligible;
  }

  /**
   * Runs a create on the first account that can take it now, falling back to the next one when
   * an attempt failed without the upstream having accepted anything. The client gets one answer:
   * the first success, the first failure that must not be retried elsewhere, or — when every
   * account failed or was passed over — the last upstream failure, else why none could be tried
   * (503 no_eligible_account when down, 429 when all are at max_concurrent_jobs, 402 budget_exceeded).
   */
  async dispatch<K extends CreateOp, R>(req: CreateRequest<K>, plan: CreatePlan<K, R>): Promise<Dispatched<K, R>> {
    const ranked = this.rank(req);
    const skipped: Skip[] = [];
    let lastFailure: unknown;
    const need = jobsMade(req);
    for (const c of ranked) {
      const id = c.adapter.accountId;
      const down = this.downSkip(id);
      if (down) {
        skipped.push(down);
        continue;
      }
      const slot = await this.takeSlot(id, need);
      if ('why' in slot) {
        skipped.push(slot);
        continue;
      }
      try {
        const charges = plan.charges(c);
        if (this.deps.spend && !(await this.deps.spend.reserve(req.client, id, charges))) {
          skipped.push({ accountId: id, why: 'budget', estimateUsd: sumUsd(charges) });
          continue;
        }
        // Taken last, just before the call: a half-open circuit's single probe is this attempt.
        const breaker = this.deps.circuits?.get(id);
        if (breaker && !breaker.canPass()) {
          await this.deps.spend?.release(charges);
          skipped.push({ accountId: id, why: 'down', retryAfter: Math.max(1, breaker.retryAfterSeconds()), failures: breaker.snapshot().consecutive_failures });
          continue;
        }
        plan.onAttempt?.(c.adapter);
        let result: R;
        try {
          result = await plan.send(c);
        } catch (err) {
          breaker?.record(err);
          if (certainlyNotAccepted(err)) await this.deps.spend?.release(charges);
          else this.deps.logger?.warn({ account: id, charges: charges.map((ch) => ch.id) }, 'create outcome unknown: its reservation is kept');
          if (isGatewayError(err) && err.fallbackSafe) {
            this.deps.logger?.warn({ account: id, code: err.code, status: err.status }, 'create failed before the upstream accepted it; trying the next account');
            lastFailure = err;
            continue;
          }
          throw err;
        }
        breaker?.record();
        await plan.commit(c, result, charges);
        return { result, candidate: c, charges };
      } finally {
        slot.release();
      }
    }
    if (lastFailure !== undefined) throw lastFailure;
    throw await this.refusal(req.client, skipped);
  }

  /**
   * A pin must name one of the client's accounts on every request, also where it cannot change
   * anything (reads of an existing job, lists): a client told "forbidden" once is told so always.
   */
  checkPin(client: ClientConfig, pin: string | undefined): void {
    if (pin !== undefined && !client.accounts.includes(pin)) {
      throw new GatewayError('forbidden', `Account "${pin}" is not available to this client.`, { param: 'X-Gateway-Account' });
    }
  }

  /** The adapter a stored job belongs to; reads always go back to the account that made the job. */
  forJob(accountId: string): Adapter {
    const adapter = this.accounts.get(accountId);
    if (!adapter) {
      throw new GatewayError('upstream_error', `The account that made this job ("${accountId}") is no longer configured.`, { status: 503 });
    }
    return adapter;
  }

  // ---- internals ----------------------------------------------------------------------------

  private ids(client: ClientConfig, affinity: RouteRequest<Operation>['affinity']): string[] {
    return affinity ? client.accounts.filter((a) => a === affinity.accountId) : client.accounts;
  }

  /** The pinned adapter, after the checks every pin gets (the client's account; the owner of a referenced resource). */
  private pinned(req: RouteRequest<Operation>): Adapter {
    const { client, pin, affinity } = req;
    if (pin === undefined) throw new Error('pinned() without a pin');
    this.checkPin(client, pin);
    if (affinity && affinity.accountId !== pin) {
      throw new GatewayError(
        'provider_capability_unsupported',
        `'${affinity.param}' belongs to account "${affinity.accountId}", but the request is pinned to "${pin}".`,
        { param: affinity.param },
      );
    }
    const adapter = this.accounts.get(pin);
    if (!adapter) throw new GatewayError('forbidden', `Account "${pin}" is not available to this client.`, { param: 'X-Gateway-Account' });
    return adapter;
  }

  /** A candidate, or why the account can never serve this request. */
  private check<K extends CreateOp>(adapter: Adapter, req: CreateRequest<K>): Candidate<K> | { why: Ineligible } {
    let input: CheckedInputs[K] = req.input;
    if (req.op === 'video.create') {
      const resolved = resolveAliases(req.input as VideoRequest, adapter.accountId, this.deps.aliases);
      if ('unsupported' in resolved) return { why: resolved.unsupported };
      input = resolved.req as CheckedInputs[K];
    }
    const why = this.ineligibility(adapter, { ...req, input } as RouteRequest<K>);
    if (why) return { why };
    const account = this.configs.get(adapter.accountId) ?? null;
    const max = account?.max_concurrent_jobs;
    const need = jobsMade(req);
    if (max !== undefined && need > max) {
      return {
        why: {
          param: 'output_languages',
          reason: `it runs at most ${max} jobs at a time (max_concurrent_jobs) and this request makes ${need}`,
        },
      };
    }
    return { adapter, account, input, estimateUsd: account ? estimateCost(account, req.op, input) : 0 };
  }

  private ineligibility<K extends Operation>(adapter: Adapter, req: RouteRequest<K>): Ineligible | null {
    if (!adapter.capabilities.operations.has(req.op)) {
      return { param: null, reason: `${adapter.provider} does not support ${req.op}` };
    }
    if (req.op === 'video.create' && !adapter.capabilities.multiScene) {
      const scenes = (req.input as VideoRequest | undefined)?.legacy?.video_inputs.length ?? 1;
      if (scenes > 1) return { param: 'video_inputs', reason: `${adapter.provider} renders one scene per video; this request has ${scenes}` };
    }
    if (req.op === 'video.create' && !adapter.capabilities.legacyV2Body) {
      const legacy = (req.input as VideoRequest | undefined)?.legacy;
      const [first] = legacy ? legacyOnlyFields(legacy) : [];
      if (first) return first;
    }
    if (req.input !== undefined && isChecked(req.op)) {
      const [first] = unsupportedFields(adapter.capabilities, req.op, req.input as unknown as never);
      if (first) return first;
    }
    return null;
  }

  /** A skip when the account's circuit is open (or its half-open probe is out). */
  private downSkip(accountId: string): Skip | null {
    const breaker = this.deps.circuits?.get(accountId);
    if (!breaker || breaker.wouldPass()) return null;
    return { accountId, why: 'down', retryAfter: Math.max(1, breaker.retryAfterSeconds()), failures: breaker.snapshot().consecutive_failures };
  }

  /**
   * Room for `need` more jobs under the account's max_concurrent_jobs: the store's jobs in progress
   * plus this replica's creates not yet stored. The check and the claim happen without an await in
   * between, so concurrent creates on this replica cannot both take the last place.
   */
  private async takeSlot(accountId: string, need: number): Promise<{ release(): void } | Skip> {
    const max = this.configs.get(accountId)?.max_concurrent_jobs;
    if (max === undefined || need === 0 || !this.deps.store) return { release: () => {} };
    const active = await this.deps.store.countActiveJobs(accountId);
    const held = this.inflight.get(accountId) ?? 0;
    if (active + held + need > max) return { accountId, why: 'busy', active: active + held, max };
    this.inflight.set(accountId, held + need);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inflight.get(accountId) ?? need) - need;
        if (left > 0) this.inflight.set(accountId, left);
        else this.inflight.delete(accountId);
      },
    };
  }

  /** Why no account was tried: temporary conditions first (a retry may succeed), then the budget. */
  private async refusal(client: ClientConfig, skipped: Skip[]): Promise<GatewayError> {
    const down = skipped.filter((s) => s.why === 'down');
    const busy = skipped.filter((s) => s.why === 'busy');
    if (down.length > 0 || busy.length > 0) return this.unavailable([...down, ...busy]);
    const budget = skipped.filter((s): s is Extract<Skip, { why: 'budget' }> => s.why === 'budget');
    const cheapest = budget.reduce((m, s) => Math.min(m, s.estimateUsd), Number.POSITIVE_INFINITY);
    if (this.deps.spend && budget.length > 0) return this.deps.spend.budgetError(client, cheapest, budget.length === 1 ? budget[0]!.accountId : null);
    return new GatewayError('no_eligible_account', "None of this client's accounts can serve this request now.", { status: 503, retryAfter: BUSY_RETRY_AFTER_SECONDS });
  }

  /** 429 when every account passed over is only full; otherwise 503 no_eligible_account. Both carry Retry-After. */
  private unavailable(skips: Skip[]): GatewayError {
    const parts = skips.map((s) =>
      s.why === 'down'
        ? `account "${s.accountId}" is failing (circuit open after ${s.failures} consecutive failure${s.failures === 1 ? '' : 's'}; retry in ${s.retryAfter} s)`
        : s.why === 'busy'
          ? `account "${s.accountId}" has ${s.active} of ${s.max} jobs in progress (max_concurrent_jobs)`
          : `account "${s.accountId}" is over budget`,
    );
    const retryAfter = Math.min(
      ...skips.map((s) => (s.why === 'down' ? s.retryAfter : BUSY_RETRY_AFTER_SECONDS)),
    );
    if (skips.every((s) => s.why === 'busy')) {
      return new GatewayError('rate_limit_exceeded', `Every account that can serve this request is at its concurrency limit: ${parts.join('; ')}.`, {
        retryAfter,
      });
    }
    return new GatewayError('no_eligible_account', `No account that can serve this request is available now: ${parts.join('; ')}.`, {
      status: 503,
      retryAfter,
    });
  }
}

const describe = (why: Ineligible): string =>
  `${why.param ? `cannot honour '${why.param}'` : 'cannot serve this request'} (${why.reason.replace(/\.$/, '')})`;

/** Without a field to blame, the pin itself is what the client has to change. */
const pinRefused = (adapter: Adapter, why: Ineligible): GatewayError =>
  new GatewayError('provider_capability_unsupported', `Account "${adapter.accountId}" (${adapter.provider}) ${describe(why)}.`, {
    param: why.param ?? 'X-Gateway-Account',
  });

function noneEligible(refusals: Array<[string, Ineligible]>, affinity: RouteRequest<Operation>['affinity'], considered: number): GatewayError {
  const reasons = refusals.map(([id, why]) => (why.param ? `account "${id}" ${describe(why)}` : `account "${id}": ${why.reason.replace(/\.$/, '')}`));
  // The field to name: the first one any account could not honour.
  const firstParam = refusals.find(([, why]) => why.param !== null)?.[1].param ?? null;
  const detail =
    affinity && considered === 0 ? `. '${affinity.param}' belongs to an account this client cannot use.` : reasons.length ? `: ${reasons.join('; ')}.` : '.';
  return new GatewayError('no_eligible_account', `None of this client's accounts can serve this request${detail}`, {
    param: firstParam ?? affinity?.param ?? null,
  });
}

/** Jobs a create leaves in progress on the account (what max_concurrent_jobs counts). */
function jobsMade(req: CreateRequest<CreateOp>): number {
  if (req.op === 'video.create') return 1;
  if (req.op === 'translation.create') return (req.input as CheckedInputs['translation.create']).output_languages.length;
  return 0;
}

/**
 * The upstream certainly made nothing to pay for: it was never reached or answered 429/5xx
 * (fallbackSafe), or it answered with a refusal (4xx). A timeout or a broken answer after the
 * request was sent may hide an accepted job, so its reservation stays booked.
 */
function certainlyNotAccepted(err: unknown): boolean {
  if (!isGatewayError(err)) return false;
  return err.fallbackSafe || (err.status >= 400 && err.status < 500 && err.status !== 408);
}

const sumUsd = (charges: Charge[]): number => Math.round(charges.reduce((s, c) => s + c.estimateUsd, 0) * 1e6) / 1e6;

const CHECKED = new Set<string>(['video.create', 'translation.create', 'avatar.create']);
const isChecked = (op: Operation): op is keyof CheckedInputs => CHECKED.has(op);
