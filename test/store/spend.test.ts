import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { SpendReservation } from '../../src/store/types.js';

const T0 = 1_774_440_000_000;

function reservation(id: string, estimateUsd: number, overrides: Partial<SpendReservation> = {}): SpendReservation {
  return { id, clientId: 'acme', accountId: 'gmi-main', month: '2026-03', estimateUsd, ...overrides };
}

let store: SqliteStore;
beforeEach(() => {
  store = SqliteStore.open(':memory:', { now: () => T0 });
});
afterEach(async () => {
  await store.close();
});

describe('reserveSpend', () => {
  it('reserves while the month stays within budget and writes nothing when it would not', async () => {
    expect(await store.reserveSpend(reservation('sp_1', 150), 250, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_2', 100.01), 250, T0)).toBe(false);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(150);
    // Exactly reaching the budget fits.
    expect(await store.reserveSpend(reservation('sp_3', 100), 250, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_4', 0.000001), 250, T0)).toBe(false);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(250);
  });

  it('adds cents exactly: 0.1 + 0.2 fits a 0.3 budget', async () => {
    // In floating point 0.1 + 0.2 > 0.3; the ledger counts micro-dollars.
    expect(await store.reserveSpend(reservation('sp_1', 0.1), 0.3, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_2', 0.2), 0.3, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_3', 0.01), 0.3, T0)).toBe(false);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(0.3);
  });

  it('always reserves without a budget', async () => {
    expect(await store.reserveSpend(reservation('sp_1', 1_000_000), null, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_2', 1_000_000), null, T0)).toBe(true);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(2_000_000);
  });

  it('counts the budget per client and per month, across accounts', async () => {
    expect(await store.reserveSpend(reservation('sp_1', 6, { accountId: 'gmi-main' }), 10, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_2', 5, { accountId: 'heygen-main' }), 10, T0)).toBe(false);
    expect(await store.reserveSpend(reservation('sp_3', 9, { clientId: 'globex' }), 10, T0)).toBe(true);
    expect(await store.reserveSpend(reservation('sp_4', 9, { month: '2026-04' }), 10, T0)).toBe(true);
  });

  it('refuses an estimate that is negative or not a number', async () => {
    await expect(store.reserveSpend(reservation('sp_1', -1), null, T0)).rejects.toThrow('estimateUsd must be a finite, non-negative number of USD, got -1');
    await expect(store.reserveSpend(reservation('sp_1', Number.NaN), null, T0)).rejects.toThrow(RangeError);
    await expect(store.reserveSpend(reservation('sp_1', 1, { month: 'March' }), null, T0)).rejects.toThrow(/CHECK constraint failed/);
  });

  it('grants exactly 10 of 100 concurrent reservations against a budget that fits 10', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.reserveSpend(reservation(`sp_${i}`, 2.5), 25, T0)));
    expect(results.filter((r) => r)).toHaveLength(10);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(25);
    expect(await store.spendByMonth('2026-03')).toEqual([{ clientId: 'acme', accountId: 'gmi-main', month: '2026-03', reservedUsd: 25, settledUsd: 0, jobs: 10 }]);
  });
});

describe('settleSpend and releaseSpend', () => {
  it('books the actual cost in place of the estimate, once', async () => {
    await store.reserveSpend(reservation('sp_1', 3), 10, T0);
    await store.settleSpend('sp_1', 1.25, T0 + 1);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(1.25);
    // A second settlement (a duplicate completion) and a late release change nothing.
    await store.settleSpend('sp_1', 9, T0 + 2);
    await store.releaseSpend('sp_1', T0 + 3);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(1.25);
    expect(await store.spendByMonth('2026-03')).toEqual([{ clientId: 'acme', accountId: 'gmi-main', month: '2026-03', reservedUsd: 0, settledUsd: 1.25, jobs: 1 }]);
    // The room the estimate held beyond the actual cost is free again.
    expect(await store.reserveSpend(reservation('sp_2', 8.75), 10, T0)).toBe(true);
  });

  it('frees a released reservation for good', async () => {
    await store.reserveSpend(reservation('sp_1', 10), 10, T0);
    expect(await store.reserveSpend(reservation('sp_2', 1), 10, T0)).toBe(false);
    await store.releaseSpend('sp_1', T0 + 1);
    await store.releaseSpend('sp_1', T0 + 2);
    await store.settleSpend('sp_1', 10, T0 + 3);
    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(0);
    expect(await store.spendByMonth('2026-03')).toEqual([]);
    expect(await store.reserveSpend(reservation('sp_2', 10), 10, T0)).toBe(true);
  });

  it('ignores unknown reservation ids', async () => {
    await store.settleSpend('sp_missing', 1, T0);
    await store.releaseSpend('sp_missing', T0);
    await store.attachSpend('sp_missing', 'gw_vid_0001');
    expect(await store.spendByMonth('2026-03')).toEqual([]);
  });

  it('refuses a negative actual cost', async () => {
    await store.reserveSpend(reservation('sp_1', 3), null, T0);
    await expect(store.settleSpend('sp_1', -0.5, T0)).rejects.toThrow('actualUsd must be a finite, non-negative number of USD, got -0.5');
  });
});

describe('spendByMonth and clientMonthSpend', () => {
  it('groups a month by client and account, counting the jobs that still count', async () => {
    await store.reserveSpend(reservation('sp_1', 2, { accountId: 'gmi-main' }), null, T0);
    await store.reserveSpend(reservation('sp_2', 3, { accountId: 'gmi-main' }), null, T0);
    await store.reserveSpend(reservation('sp_3', 4, { accountId: 'heygen-main' }), null, T0);
    await store.reserveSpend(reservation('sp_4', 5, { accountId: 'heygen-main' }), null, T0);
    await store.reserveSpend(reservation('sp_5', 7, { clientId: 'globex', accountId: 'cloudsway-main' }), null, T0);
    await store.reserveSpend(reservation('sp_6', 100, { month: '2026-02' }), null, T0);
    await store.settleSpend('sp_2', 2.5, T0);
    await store.releaseSpend('sp_4', T0);

    expect(await store.spendByMonth('2026-03')).toEqual([
      { clientId: 'acme', accountId: 'gmi-main', month: '2026-03', reservedUsd: 2, settledUsd: 2.5, jobs: 2 },
      { clientId: 'acme', accountId: 'heygen-main', month: '2026-03', reservedUsd: 4, settledUsd: 0, jobs: 1 },
      { clientId: 'globex', accountId: 'cloudsway-main', month: '2026-03', reservedUsd: 7, settledUsd: 0, jobs: 1 },
    ]);
    expect((await store.spendByMonth('2026-03', 'globex')).map((r) => r.accountId)).toEqual(['cloudsway-main']);
    expect(await store.spendByMonth('2026-03', 'initech')).toEqual([]);
    expect(await store.spendByMonth('2026-02')).toEqual([{ clientId: 'acme', accountId: 'gmi-main', month: '2026-02', reservedUsd: 100, settledUsd: 0, jobs: 1 }]);

    expect(await store.clientMonthSpend('acme', '2026-03')).toBe(8.5);
    expect(await store.clientMonthSpend('globex', '2026-03')).toBe(7);
    expect(await store.clientMonthSpend('acme', '2026-01')).toBe(0);
  });
});

describe('attachSpend', () => {
  it('ties the reservation row to its job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-spend-'));
    try {
      const file = join(dir, 'gateway.db');
      const fileStore = SqliteStore.open(file, { now: () => T0 + 5 });
      await fileStore.reserveSpend(reservation('sp_1', 2), null, T0);
      await fileStore.attachSpend('sp_1', 'gw_vid_0001');
      await fileStore.close();

      const db = new Database(file, { readonly: true });
      try {
        expect(db.prepare('SELECT job_id, state, estimate_micros, created_at, updated_at FROM spend WHERE id = ?').get('sp_1')).toEqual({
          job_id: 'gw_vid_0001',
          state: 'reserved',
          estimate_micros: 2_000_000,
          created_at: T0,
          updated_at: T0 + 5,
        });
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
