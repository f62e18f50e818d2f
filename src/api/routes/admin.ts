/**
 * The admin API: account health and spend for operators, behind `admin.api_keys` (sent as
 * `X-Api-Key` or `Authorization: Bearer`, like client keys). A client key is recognised and
 * refused with 403; no key, or an unknown one, is 401. Registered outside the client-auth scope.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import { AccountsResponse, UsageQuery, UsageResponse, type AccountView, type ClientBudgetView, type CircuitView } from '../schemas/admin.js';
import type { CircuitRegistry, CircuitSnapshot } from '../../core/circuit.js';
import { presentedKey } from '../../core/clients.js';
import { GatewayError } from '../../core/errors.js';
import { monthOf, roundUsd } from '../../core/pricing.js';
import type { SpendRow } from '../../store/types.js';

export interface AdminRouteOptions {
  circuits: CircuitRegistry;
  now?: () => number;
}

const tags = ['Gateway admin'];
const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

function circuitView(s: CircuitSnapshot | undefined): CircuitView {
  if (!s) return { state: 'closed', consecutive_failures: 0, opened_at: null, retry_at: null, probe_in_flight: false };
  return { ...s, opened_at: seconds(s.opened_at), retry_at: seconds(s.retry_at) };
}

const totalOf = (rows: SpendRow[]): number => roundUsd(rows.reduce((sum, r) => sum + r.reservedUsd + r.settledUsd, 0));

export const adminRoutes: FastifyPluginAsyncTypebox<AdminRouteOptions> = async (app, opts) => {
  const { config, store, clients, accounts } = app.gateway;
  const now = opts.now ?? Date.now;
  // Held as digests and compared in constant time, like client keys.
  const adminDigests = config.admin.api_keys.map(digest);

  app.addHook('onRequest', async (request) => {
    const key = presentedKey(request.headers);
    if (key !== undefined) {
      const d = digest(key);
      if (adminDigests.some((a) => timingSafeEqual(a, d))) return;
      if (clients.authenticate(key)) {
        throw new GatewayError('forbidden', 'This is a client API key; the admin API takes an admin key (admin.api_keys).');
      }
    }
    throw new GatewayError('unauthorized', 'Invalid or missing admin API key. Send it in the X-Api-Key header.');
  });

  app.get(
    '/gateway/accounts',
    {
      schema: {
        operationId: 'gatewayAccounts',
        summary: 'Accounts: circuit state, jobs in progress, month spend; budget use per client',
        description: 'Admin keys only. Spend is for the current month (UTC), from the ledger: reserved estimates plus settled actual costs.',
        tags,
        response: { 200: AccountsResponse, ...errorResponses },
      },
    },
    async () => {
      const month = monthOf(now());
      const rows = await store.spendByMonth(month);
      const circuits = opts.circuits.snapshots();
      const accountViews: AccountView[] = await Promise.all(
        config.accounts.map(async (a) => {
          const mine = rows.filter((r) => r.accountId === a.id);
          const reserved = roundUsd(mine.reduce((s, r) => s + r.reservedUsd, 0));
          const settled = roundUsd(mine.reduce((s, r) => s + r.settledUsd, 0));
          return {
            id: a.id,
            provider: accounts.get(a.id)?.provider ?? a.provider,
            circuit: circuitView(circuits[a.id]),
            jobs_in_progress: await store.countActiveJobs(a.id),
            max_concurrent_jobs: a.max_concurrent_jobs ?? null,
            month_spend: { reserved_usd: reserved, settled_usd: settled, total_usd: roundUsd(reserved + settled) },
          };
        }),
      );
      const clientViews: ClientBudgetView[] = config.clients.map((c) => {
        const spent = totalOf(rows.filter((r) => r.clientId === c.id));
        const budget = c.monthly_budget_usd ?? null;
        return {
          id: c.id,
          routing: c.routing,
          accounts: [...c.accounts],
          monthly_budget_usd: budget,
          month_spend_usd: spent,
          budget_remaining_usd: budget === null ? null : roundUsd(Math.max(0, budget - spent)),
          budget_used: budget === null ? null : Math.round((spent / budget) * 1e6) / 1e6,
        };
      });
      return { data: { month, accounts: accountViews, clients: clientViews } };
    },
  );

  app.get(
    '/gateway/usage',
    {
      schema: {
        operationId: 'gatewayUsage',
        summary: 'Spend ledger for a month, per client and account',
        description:
          'Admin keys only. `month` is YYYY-MM (UTC; default the current month); `client` narrows to one client. ' +
          'Released reservations (failed jobs, refused creates) do not count.',
        tags,
        querystring: UsageQuery,
        response: { 200: UsageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const month = request.query.month ?? monthOf(now());
      const client = request.query.client ?? null;
      const rows = await store.spendByMonth(month, client ?? undefined);
      return {
        data: {
          month,
          client,
          total_usd: totalOf(rows),
          rows: rows.map((r) => ({
            client_id: r.clientId,
            account_id: r.accountId,
            reserved_usd: r.reservedUsd,
            settled_usd: r.settledUsd,
            total_usd: roundUsd(r.reservedUsd + r.settledUsd),
            entries: r.jobs,
          })),
        },
      };
    },
  );
};
