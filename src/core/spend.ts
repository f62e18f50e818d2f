/**
 * The spend ledger glue: what a create reserves against the client's monthly budget before the
 * upstream call, and what a finished job books.
 *
 * One reservation per job, and its id is the job's id: a create reserves before it calls the
 * upstream (the store checks the budget and writes the reservation in one transaction, so
 * concurrent creates cannot overshoot), releases when the upstream certainly made nothing, and
 * the job's end settles it — with the cost of the duration the upstream reported when the job
 * completed, or nothing (released) when it failed. Avatar creation, billed per call, settles at
 * once. A reservation stays booked when the outcome of its create is unknown (a timeout after
 * the request was sent): the upstream may bill it, and the budget must not be overshot.
 */
import { randomBytes } from 'node:crypto';
import type { TranslationCreate } from '../api/schemas/translations.js';
import type { AccountConfig, ClientConfig } from '../config/schema.js';
import type { VideoRequest } from './adapter.js';
import { GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import {
  actualTranslationCost,
  actualVideoCost,
  estimateTranslationCost,
  estimateVideoCost,
  monthOf,
  roundUsd,
} from './pricing.js';
import type { JobRecord, Store } from '../store/types.js';

/** One ledger entry a create books: its id is the job id it pays for (or a spend id without a job). */
export interface Charge {
  id: string;
  estimateUsd: number;
}

export interface SpendLedgerDeps {
  store: Store;
  accounts: readonly AccountConfig[];
  logger: Logger;
  now?: () => number;
}

/** A ledger id for a charge that belongs to no job (avatar creation). */
export const newSpendId = (): string => 'sp_' + randomBytes(16).toString('base64url');

/** "$0.1334", "$10.00": at least cents, at most micro-dollars, no trailing noise. */
export function formatUsd(usd: number): string {
  const fixed = roundUsd(usd).toFixed(6).replace(/0+$/, '');
  const [whole, frac = ''] = fixed.split('.');
  return `$${whole}.${frac.padEnd(2, '0')}`;
}

/**
 * Per-language charges of a translation create: every output language becomes its own job,
 * billed for its own output.
 */
export function translationCharges(account: AccountConfig | null, req: TranslationCreate, ids: string[]): Charge[] {
  return req.output_languages.map((language, i) => ({
    id: ids[i]!,
    estimateUsd: account ? estimateTranslationCost(account, { ...req, output_languages: [language] }) : 0,
  }));
}

export class SpendLedger {
  private readonly now: () => number;
  private readonly accounts = new Map<string, AccountConfig>();

  constructor(private readonly deps: SpendLedgerDeps) {
    this.now = deps.now ?? Date.now;
    for (const a of deps.accounts) this.accounts.set(a.id, a);
  }

  /** The ledger month now ("YYYY-MM", UTC). */
  month(): string {
    return monthOf(this.now());
  }

  /**
   * Reserves every charge on the account, or none: false (and nothing left booked) when the
   * client's monthly budget cannot take them all. Without a budget it always books.
   */
  async reserve(client: ClientConfig, accountId: string, charges: Charge[]): Promise<boolean> {
    const at = this.now();
    const month = monthOf(at);
    const budget = client.monthly_budget_usd ?? null;
    const done: Charge[] = [];
    for (const c of charges) {
      const ok = await this.deps.store.reserveSpend({ id: c.id, clientId: client.id, accountId, month, estimateUsd: c.estimateUsd }, budget, at);
      if (!ok) {
        await this.release(done);
        return false;
      }
      done.push(c);
    }
    return true;
  }

  async release(charges: Charge[]): Promise<void> {
    const at = this.now();
    for (const c of charges) await this.deps.store.releaseSpend(c.id, at);
  }

  /** Ties each charge to its job (charge i pays for job i). */
  async attach(charges: Charge[], jobIds: string[]): Promise<void> {
    for (const [i, c] of charges.entries()) {
      const job = jobIds[i];
      if (job !== undefined) await this.deps.store.attachSpend(c.id, job);
    }
  }

  /** Books charges whose estimate is the price (per-call items). */
  async settleAtEstimate(charges: Charge[]): Promise<void> {
    const at = this.now();
    for (const c of charges) await this.deps.store.settleSpend(c.id, c.estimateUsd, at);
  }

  /**
   * A job reached its end: a completed one books the cost of the duration the upstream reported
   * (the estimate when it reported none), a failed one costs nothing. Idempotent.
   */
  async finish(job: JobRecord): Promise<void> {
    const at = this.now();
    if (job.status !== 'completed') {
      await this.deps.store.releaseSpend(job.id, at);
      return;
    }
    const actual = this.actualCost(job);
    if (actual === null) {
      // The account left the config: its prices are unknown, so the estimate stays booked.
      this.deps.logger.warn({ job: job.id, account: job.accountId }, 'cannot price a finished job: its account is no longer configured');
      return;
    }
    await this.deps.store.settleSpend(job.id, actual, at);
  }

  /** What a completed job cost on its account; null when the account is no longer configured. */
  actualCost(job: JobRecord): number | null {
    const account = this.accounts.get(job.accountId);
    if (!account) return null;
    const reported = job.detail?.duration;
    const duration = typeof reported === 'number' && Number.isFinite(reported) && reported > 0 ? reported : undefined;
    if (job.kind === 'video') {
      const req = job.request as VideoRequest;
      return duration === undefined ? estimateVideoCost(account, req) : actualVideoCost(account, req, duration);
    }
    const req = job.request as TranslationCreate;
    if (duration !== undefined) return actualTranslationCost(account, req, duration);
    const language = typeof job.detail?.output_language === 'string' ? job.detail.output_language : req.output_languages[0];
    return estimateTranslationCost(account, { ...req, output_languages: language === undefined ? [] : [language] });
  }

  /** The 402 for a create whose cheapest estimate does not fit what is left of the client's month. */
  async budgetError(client: ClientConfig, estimateUsd: number, accountId: string | null): Promise<GatewayError> {
    const month = this.month();
    const budget = client.monthly_budget_usd;
    const spent = await this.deps.store.clientMonthSpend(client.id, month);
    const where = accountId ? ` on account "${accountId}"` : '';
    const message =
      budget === undefined
        ? `This request's estimated cost (${formatUsd(estimateUsd)}${where}) could not be booked.`
        : `This request's estimated cost (${formatUsd(estimateUsd)}${where}) would pass the monthly budget of ${formatUsd(budget)}: ` +
          `${formatUsd(spent)} of it is already spent or reserved in ${month}.`;
    return new GatewayError('budget_exceeded', message);
  }
}
