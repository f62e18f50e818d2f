/**
 * The gateway's own admin API (admin keys only): account health and spend. Not part of HeyGen's
 * surface; amounts are USD, times are Unix seconds like v3's `created_at`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common.js';

const Usd = Type.Number({ minimum: 0, description: 'USD' });
/** "YYYY-MM", the ledger month (UTC). */
export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', examples: ['2026-04'] });

export const CircuitView = Type.Object({
  state: StringEnum(['closed', 'open', 'half_open']),
  consecutive_failures: Type.Integer({ minimum: 0 }),
  /** When the circuit last opened; null while closed. */
  opened_at: Nullable(Type.Integer()),
  /** When an open circuit lets a probe through; null while closed. */
  retry_at: Nullable(Type.Integer()),
  probe_in_flight: Type.Boolean(),
});
export type CircuitView = Static<typeof CircuitView>;

export const AccountSpend = Type.Object({
  /** Estimates of jobs not yet finished (and of creates whose outcome is unknown). */
  reserved_usd: Usd,
  /** Actual cost of finished jobs and per-call items. */
  settled_usd: Usd,
  total_usd: Usd,
});

export const AccountView = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  circuit: CircuitView,
  jobs_in_progress: Type.Integer({ minimum: 0 }),
  max_concurrent_jobs: Nullable(Type.Integer({ minimum: 1 })),
  month_spend: AccountSpend,
});
export type AccountView = Static<typeof AccountView>;

export const ClientBudgetView = Type.Object({
  id: Type.String(),
  routing: StringEnum(['priority', 'cheapest']),
  accounts: Type.Array(Type.String()),
  monthly_budget_usd: Nullable(Usd),
  /** Reserved + settled this month. */
  month_spend_usd: Usd,
  /** Left of the budget this month (never below 0); null without a budget. */
  budget_remaining_usd: Nullable(Usd),
  /** month_spend_usd / monthly_budget_usd (0-1); null without a budget. */
  budget_used: Nullable(Type.Number({ minimum: 0 })),
});
export type ClientBudgetView = Static<typeof ClientBudgetView>;

export const AccountsResponse = Type.Object({
  data: Type.Object({
    month: Month,
    accounts: Type.Array(AccountView),
    clients: Type.Array(ClientBudgetView),
  }),
});
export type AccountsResponse = Static<typeof AccountsResponse>;

export const UsageQuery = Type.Object(
  {
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    month: Type.Optional(Month),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

export const UsageRow = Type.Object({
  client_id: Type.String(),
  account_id: Type.String(),
  reserved_usd: Usd,
  settled_usd: Usd,
  total_usd: Usd,
  /** Ledger entries that count (jobs, and avatar creations); released ones do not. */
  entries: Type.Integer({ minimum: 0 }),
});
export type UsageRow = Static<typeof UsageRow>;

export const UsageResponse = Type.Object({
  data: Type.Object({
    month: Month,
    client: Nullable(Type.String()),
    total_usd: Usd,
    rows: Type.Array(UsageRow),
  }),
});
export type UsageResponse = Static<typeof UsageResponse>;
