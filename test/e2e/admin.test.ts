/**
 * The admin API over loopback: admin keys only (client keys are 403), and figures that match the
 * spend ledger and the accounts' state after real creates, a completed job, a per-call avatar
 * creation and a breaker that opened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../src/core/pricing.js';
import { keyOf, startRoutingHarness, type Answer, type RoutingHarness } from '../helpers/routing-harness.js';

const ADMIN_KEY = 'admin-key-7f3a';
const VIDEO = { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' } as const;
const PHOTO_AVATAR = { type: 'photo', name: 'My Photo Avatar', file: { type: 'url', url: 'https://example.com/headshot.png' } } as const;
const envelope = (code: string, message: string, param: string | null = null) => ({ error: { code, message, param, doc_url: null } });

let h: RoutingHarness;
const admin = (path: string, headers: Record<string, string> = { 'x-api-key': ADMIN_KEY }): Promise<Answer> =>
  h.call('GET', path, { key: null, headers });

beforeAll(async () => {
  h = await startRoutingHarness({
    accounts: [
      { id: 'a1', kind: 'heygen-v3', pricing: { video: 0.1 }, max_concurrent_jobs: 5, circuit: { failure_threshold: 1 } },
      { id: 'a2', kind: 'heygen-v3' },
      { id: 'g', kind: 'gmi' },
    ],
    clients: [
      { id: 'c1', accounts: ['a1', 'a2'], monthly_budget_usd: 10 },
      { id: 'c2', accounts: ['a2', 'g'], routing: 'cheapest' },
    ],
    adminKeys: [ADMIN_KEY],
  });
});
afterAll(() => h.close());

describe('admin auth', () => {
  const UNAUTHORIZED = envelope('unauthorized', 'Invalid or missing admin API key. Send it in the X-Api-Key header.');

  it.each(['/gateway/accounts', '/gateway/usage'])('%s without a key is 401 in the v3 envelope', async (path) => {
    const res = await admin(path, {});
    expect(res.status).toBe(401);
    expect(res.json).toEqual(UNAUTHORIZED);
  });

  it('an unknown key is 401', async () => {
    const res = await admin('/gateway/accounts', { 'x-api-key': 'nope' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(UNAUTHORIZED);
  });

  it('a client key is 403, as X-Api-Key or Bearer', async () => {
    const presented: Array<Record<string, string>> = [{ 'x-api-key': keyOf('c1') }, { authorization: `Bearer ${keyOf('c2')}` }];
    for (const headers of presented) {
      const res = await admin('/gateway/usage', headers);
      expect(res.status).toBe(403);
      expect(res.json).toEqual(envelope('forbidden', 'This is a client API key; the admin API takes an admin key (admin.api_keys).'));
    }
  });

  it('the admin key works as X-Api-Key and as Bearer, and is not a client key', async () => {
    expect((await admin('/gateway/accounts')).status).toBe(200);
    expect((await admin('/gateway/accounts', { authorization: `Bearer ${ADMIN_KEY}` })).status).toBe(200);
    const v3 = await h.call('GET', '/v3/videos', { key: ADMIN_KEY });
    expect(v3.status).toBe(401);
  });
});

describe('figures', () => {
  let month: string;
  beforeAll(async () => {
    month = monthOf(h.now());
    // c1: two videos on a1 at $0.20 each (2 s x $0.10); the first completes (reported 2 s: $0.20).
    const first = await h.call('POST', '/v3/videos', { client: 'c1', body: VIDEO });
    expect(first.headers['x-gateway-account']).toBe('a1');
    expect((await h.call('POST', '/v3/videos', { client: 'c1', body: VIDEO })).headers['x-gateway-account']).toBe('a1');
    for (let i = 0; i < 3; i++) await h.call('GET', `/v3/videos/${first.json.data.video_id}`, { client: 'c1' });
    // c2: a video on a2 (cheapest: GMI and a2 tie at the default rate, a2 is listed first): 2 s x $0.0667.
    expect((await h.call('POST', '/v3/videos', { client: 'c2', body: VIDEO })).headers['x-gateway-account']).toBe('a2');
    // c2: a photo avatar, $1.00 per call, booked at once. (GMI cannot create avatars.)
    expect((await h.call('POST', '/v3/avatars', { client: 'c2', body: PHOTO_AVATAR })).headers['x-gateway-account']).toBe('a2');
    // a1 fails once: its breaker (threshold 1) opens and c1's create falls back to a2.
    h.hg('a1').faults.add({ method: 'POST', path: '/v3/videos', status: 502, body: '{"error":{"code":"internal_error","message":"x"}}' });
    expect((await h.call('POST', '/v3/videos', { client: 'c1', body: VIDEO })).headers['x-gateway-account']).toBe('a2');
  });

  it('GET /gateway/accounts: provider, circuit, jobs in progress, month spend; budget use per client', async () => {
    const res = await admin('/gateway/accounts');
    expect(res.status).toBe(200);
    const { data } = res.json;
    expect(data.month).toBe(month);
    const [a1, a2, g] = data.accounts;
    expect(a1).toEqual({
      id: 'a1',
      provider: 'heygen-v3',
      circuit: { state: 'open', consecutive_failures: 1, opened_at: expect.any(Number), retry_at: expect.any(Number), probe_in_flight: false },
      jobs_in_progress: 1,
      max_concurrent_jobs: 5,
      month_spend: { reserved_usd: 0.2, settled_usd: 0.2, total_usd: 0.4 },
    });
    // The default cooldown is 30 s.
    expect(a1.circuit.retry_at - a1.circuit.opened_at).toBe(30);
    expect(a2).toEqual({
      id: 'a2',
      provider: 'heygen-v3',
      circuit: { state: 'closed', consecutive_failures: 0, opened_at: null, retry_at: null, probe_in_flight: false },
      jobs_in_progress: 2,
      max_concurrent_jobs: null,
      month_spend: { reserved_usd: 0.2668, settled_usd: 1, total_usd: 1.2668 },
    });
    expect(g).toEqual({
      id: 'g',
      provider: 'gmi',
      circuit: { state: 'closed', consecutive_failures: 0, opened_at: null, retry_at: null, probe_in_flight: false },
      jobs_in_progress: 0,
      max_concurrent_jobs: null,
      month_spend: { reserved_usd: 0, settled_usd: 0, total_usd: 0 },
    });
    expect(data.clients).toEqual([
      {
        id: 'c1',
        routing: 'priority',
        accounts: ['a1', 'a2'],
        monthly_budget_usd: 10,
        month_spend_usd: 0.5334,
        budget_remaining_usd: 9.4666,
        budget_used: 0.05334,
      },
      { id: 'c2', routing: 'cheapest', accounts: ['a2', 'g'], monthly_budget_usd: null, month_spend_usd: 1.1334, budget_remaining_usd: null, budget_used: null },
    ]);
  });

  it('account figures are the ledger’s, and client figures the budget check’s', async () => {
    const { data } = (await admin('/gateway/accounts')).json;
    const rows = await h.store.spendByMonth(month);
    for (const a of data.accounts as Array<{ id: string; month_spend: { reserved_usd: number; settled_usd: number } }>) {
      const mine = rows.filter((r) => r.accountId === a.id);
      expect(a.month_spend.reserved_usd).toBeCloseTo(mine.reduce((s, r) => s + r.reservedUsd, 0), 9);
      expect(a.month_spend.settled_usd).toBeCloseTo(mine.reduce((s, r) => s + r.settledUsd, 0), 9);
    }
    for (const c of data.clients as Array<{ id: string; month_spend_usd: number }>) {
      expect(c.month_spend_usd).toBeCloseTo(await h.store.clientMonthSpend(c.id, month), 9);
    }
  });

  it('GET /gateway/usage?client=&month= lists the ledger rows', async () => {
    const res = await admin(`/gateway/usage?client=c1&month=${month}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: {
        month,
        client: 'c1',
        total_usd: 0.5334,
        rows: [
          { client_id: 'c1', account_id: 'a1', reserved_usd: 0.2, settled_usd: 0.2, total_usd: 0.4, entries: 2 },
          { client_id: 'c1', account_id: 'a2', reserved_usd: 0.1334, settled_usd: 0, total_usd: 0.1334, entries: 1 },
        ],
      },
    });
    const rows = await h.store.spendByMonth(month, 'c1');
    expect(res.json.data.rows).toEqual(
      rows.map((r) => ({
        client_id: r.clientId,
        account_id: r.accountId,
        reserved_usd: r.reservedUsd,
        settled_usd: r.settledUsd,
        total_usd: expect.closeTo(r.reservedUsd + r.settledUsd, 9),
        entries: r.jobs,
      })),
    );
  });

  it('GET /gateway/usage defaults to this month and every client', async () => {
    const res = await admin('/gateway/usage');
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ month, client: null, total_usd: 1.6668 });
    expect(res.json.data.rows.map((r: { client_id: string; account_id: string }) => `${r.client_id}/${r.account_id}`)).toEqual(['c1/a1', 'c1/a2', 'c2/a2']);
  });

  it('another month has no rows', async () => {
    const res = await admin('/gateway/usage?month=1999-01');
    expect(res.json).toEqual({ data: { month: '1999-01', client: null, total_usd: 0, rows: [] } });
  });

  it('a malformed month is 400 naming it', async () => {
    const res = await admin('/gateway/usage?month=2026-13');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'invalid_parameter', param: 'month' });
  });
});
