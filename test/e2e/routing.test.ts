/**
 * Routing across accounts, end to end over loopback: several simulators, each a separate
 * upstream account, behind the real gateway. What the client sees (status, body, headers) and
 * what each upstream received are both asserted: a request that must not reach an account is
 * checked to have reached none.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { monthOf } from '../../src/core/pricing.js';
import { startRoutingHarness, type Answer, type RoutingHarness } from '../helpers/routing-harness.js';

/** HeyGen's "Avatar Video" example body (docs: POST /v3/videos): 5 words, estimated at 2 s. */
const VIDEO = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
} as const;

const envelope = (code: string, message: string, param: string | null = null) => ({ error: { code, message, param, doc_url: null } });

function expectServed(res: Answer, account: string, provider = 'heygen-v3'): void {
  expect(res.status, res.text).toBe(200);
  expect(res.headers['x-gateway-account']).toBe(account);
  expect(res.headers['x-gateway-provider']).toBe(provider);
}

const SIM_503 = JSON.stringify({ error: { code: 'internal_error', message: 'Service unavailable.' } });

// ---- policies and capabilities ---------------------------------------------------------------

describe('policies: priority and cheapest; a field one provider cannot honour', () => {
  let h: RoutingHarness;
  beforeAll(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'hg-a', kind: 'heygen-v3', pricing: { video: 0.1 } },
        { id: 'hg-b', kind: 'heygen-v3', pricing: { video: 0.05 } },
        { id: 'hg-c', kind: 'heygen-v3', pricing: { video: 0.05 } },
        { id: 'gmi', kind: 'gmi', pricing: { video: 0.01 } },
      ],
      clients: [
        { id: 'prio', accounts: ['hg-a', 'hg-b'] },
        { id: 'cheap', accounts: ['hg-a', 'hg-b'], routing: 'cheapest' },
        { id: 'tie', accounts: ['hg-a', 'hg-c', 'hg-b'], routing: 'cheapest' },
        { id: 'mixed', accounts: ['hg-a', 'gmi'], routing: 'cheapest' },
      ],
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it('priority takes the first account in the client list, though another is cheaper', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'prio', body: VIDEO });
    expectServed(res, 'hg-a');
    expect(h.calls('hg-a', 'POST')).toHaveLength(1);
    expect(h.calls('hg-b')).toEqual([]);
  });

  it('cheapest takes the account with the lowest estimate ($0.10 on hg-b against $0.20 on hg-a)', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'cheap', body: VIDEO });
    expectServed(res, 'hg-b');
    expect(h.calls('hg-a')).toEqual([]);
    expect(h.calls('hg-b', 'POST')).toHaveLength(1);
  });

  it('cheapest breaks a tie by list order', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'tie', body: VIDEO });
    expectServed(res, 'hg-c');
    expect(h.calls('hg-b')).toEqual([]);
  });

  it('cheapest sends a plain avatar video to GMI, the cheapest account that can do it', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'mixed', body: VIDEO });
    expectServed(res, 'gmi', 'gmi');
    expect(h.calls('hg-a')).toEqual([]);
  });

  it('`engine`, which GMI cannot honour, routes the same request to HeyGen v3 instead', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'mixed', body: { ...VIDEO, engine: { type: 'avatar_iv' } } });
    expectServed(res, 'hg-a');
    expect(h.calls('gmi')).toEqual([]);
    expect(h.calls('hg-a', 'POST')[0]!.body).toMatchObject({ engine: { type: 'avatar_iv' } });
  });

  it('a pin to GMI with `engine` is 400 provider_capability_unsupported naming the field; nothing is sent', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'mixed', pin: 'gmi', body: { ...VIDEO, engine: { type: 'avatar_iv' } } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(
      envelope('provider_capability_unsupported', `Account "gmi" (gmi) cannot honour 'engine' (a v2 upstream renders with its legacy engine only).`, 'engine'),
    );
    expect(h.calls('gmi')).toEqual([]);
    expect(h.calls('hg-a')).toEqual([]);
  });

  it('a pin skips the choice: cheapest pinned to the dearer account is served there', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'cheap', pin: 'hg-a', body: VIDEO });
    expectServed(res, 'hg-a');
    expect(h.calls('hg-b')).toEqual([]);
  });

  it('a pin to an account outside the client list is 403', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'prio', pin: 'gmi', body: VIDEO });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(envelope('forbidden', 'Account "gmi" is not available to this client.', 'X-Gateway-Account'));
    expect(h.calls('gmi')).toEqual([]);
  });
});

// ---- fallback --------------------------------------------------------------------------------

describe('fallback to the next eligible account', () => {
  let h: RoutingHarness;
  beforeAll(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'hg-a', kind: 'heygen-v3', timeout_ms: 400 },
        { id: 'hg-b', kind: 'heygen-v3' },
        { id: 'gone', kind: 'closed' },
      ],
      clients: [
        { id: 'fb', accounts: ['hg-a', 'hg-b'] },
        { id: 'refused', accounts: ['gone', 'hg-b'] },
        { id: 'slow', accounts: ['hg-a', 'hg-b'] },
      ],
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it('on a 503 the create moves on: one answer, from hg-b, and reads go to hg-b', async () => {
    h.hg('hg-a').faults.add({ method: 'POST', path: '/v3/videos', status: 503, body: SIM_503 });
    const res = await h.call('POST', '/v3/videos', { client: 'fb', body: VIDEO });
    expectServed(res, 'hg-b');
    expect(res.json).toEqual({ data: { video_id: expect.stringMatching(/^gv_/), status: 'pending' } });
    expect(h.calls('hg-a', 'POST')).toHaveLength(1);
    expect(h.calls('hg-b', 'POST')).toHaveLength(1);
    expect(h.calls('hg-b', 'POST')[0]!.body).toEqual(VIDEO);

    const read = await h.call('GET', `/v3/videos/${res.json.data.video_id}`, { client: 'fb' });
    expectServed(read, 'hg-b');
    expect(h.calls('hg-a', 'GET')).toEqual([]);
    expect(h.calls('hg-b', 'GET')).toHaveLength(1);
  });

  it('on a 429 the create moves on', async () => {
    h.hg('hg-a').faults.add({
      method: 'POST',
      path: '/v3/videos',
      status: 429,
      headers: { 'retry-after': '7' },
      body: JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Too many requests.' } }),
    });
    const res = await h.call('POST', '/v3/videos', { client: 'fb', body: VIDEO });
    expectServed(res, 'hg-b');
    expect(h.calls('hg-a', 'POST')).toHaveLength(1);
    expect(h.calls('hg-b', 'POST')).toHaveLength(1);
  });

  it('when the first account refuses connections the create moves on', async () => {
    const res = await h.call('POST', '/v3/videos', { client: 'refused', body: VIDEO });
    expectServed(res, 'hg-b');
    expect(h.calls('hg-b', 'POST')).toHaveLength(1);
  });

  it('a translation moves on too, and all its jobs are on the account that took it', async () => {
    h.hg('hg-a').faults.add({ method: 'POST', path: '/v3/video-translations', status: 500, body: SIM_503 });
    const res = await h.call('POST', '/v3/video-translations', {
      client: 'fb',
      body: { video: { type: 'url', url: 'https://example.com/video.mp4' }, output_languages: ['Spanish', 'French'] },
    });
    expectServed(res, 'hg-b');
    expect(res.json.data.video_translation_ids).toHaveLength(2);
    for (const id of res.json.data.video_translation_ids as string[]) {
      expectServed(await h.call('GET', `/v3/video-translations/${id}`, { client: 'fb' }), 'hg-b');
    }
  });

  it('a 400 answer is the answer: no fallback, the second account gets no request', async () => {
    h.hg('hg-a').faults.add({
      method: 'POST',
      path: '/v3/videos',
      status: 400,
      body: JSON.stringify({ error: { code: 'invalid_parameter', message: 'Script is too long.', param: 'script' } }),
    });
    const before = (await h.call('GET', '/v3/videos', { client: 'fb' })).json.data.length as number;
    const res = await h.call('POST', '/v3/videos', { client: 'fb', body: VIDEO });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(envelope('invalid_parameter', 'Script is too long.', 'script'));
    expect(h.calls('hg-a', 'POST')).toHaveLength(1);
    expect(h.calls('hg-b')).toEqual([]);
    // No job is left behind.
    expect((await h.call('GET', '/v3/videos', { client: 'fb' })).json.data).toHaveLength(before);
  });

  it('a timeout after the request was sent is 504 with no fallback (the upstream may have made the job); its estimate stays booked', async () => {
    h.hg('hg-a').faults.add({ method: 'POST', path: '/v3/videos', delayMs: 1500 });
    const res = await h.call('POST', '/v3/videos', { client: 'slow', body: VIDEO });
    expect(res.status).toBe(504);
    expect(res.json).toEqual(envelope('gateway_timeout', 'The upstream (heygen-v3 account "hg-a") did not answer in time.'));
    expect(h.calls('hg-a', 'POST')).toHaveLength(1);
    expect(h.calls('hg-b')).toEqual([]);
    // Default HeyGen v3 rate, studio avatar at 1080p: 2 s x $0.0667.
    expect(await h.store.spendByMonth(monthOf(h.now()), 'slow')).toEqual([
      { clientId: 'slow', accountId: 'hg-a', month: monthOf(h.now()), reservedUsd: 0.1334, settledUsd: 0, jobs: 1 },
    ]);
  });
});

// ---- circuit breaker -------------------------------------------------------------------------

describe('circuit breaker per account', () => {
  let h: RoutingHarness;
  beforeEach(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'flaky', kind: 'heygen-v3', circuit: { failure_threshold: 2, cooldown_ms: 30_000 } },
        { id: 'backup', kind: 'heygen-v3' },
      ],
      clients: [{ id: 'br', accounts: ['flaky', 'backup'] }],
    });
  });
  afterEach(() => h.close());

  const create = (pin?: string) => h.call('POST', '/v3/videos', { body: VIDEO, ...(pin ? { pin } : {}) });
  const flakyPosts = () => h.calls('flaky', 'POST').length;

  it('opens after consecutive failures, skips the account without a request, probes after the cooldown, closes on success', async () => {
    const first = await create();
    expectServed(first, 'flaky');

    h.hg('flaky').faults.add({ method: 'POST', path: '/v3/videos', status: 503, body: SIM_503, times: 2 });
    expectServed(await create(), 'backup');
    expectServed(await create(), 'backup');
    expect(flakyPosts()).toBe(3);

    // Open: skipped without a request.
    expectServed(await create(), 'backup');
    expect(flakyPosts()).toBe(3);

    // A pin does not get past an open circuit.
    const pinned = await create('flaky');
    expect(pinned.status).toBe(503);
    expect(pinned.headers['retry-after']).toBe('30');
    expect(pinned.json).toEqual(
      envelope(
        'no_eligible_account',
        'No account that can serve this request is available now: account "flaky" is failing (circuit open after 2 consecutive failures; retry in 30 s).',
      ),
    );
    expect(flakyPosts()).toBe(3);

    // Reads of an existing job still go to its account.
    const read = await h.call('GET', `/v3/videos/${first.json.data.video_id}`);
    expectServed(read, 'flaky');

    // Cooldown over: one probe. It fails, so the circuit opens again and the create falls back.
    h.advance(30_000);
    h.hg('flaky').faults.add({ method: 'POST', path: '/v3/videos', status: 503, body: SIM_503 });
    expectServed(await create(), 'backup');
    expect(flakyPosts()).toBe(4);
    expectServed(await create(), 'backup');
    expect(flakyPosts()).toBe(4);

    // Next cooldown: the probe succeeds and the circuit closes.
    h.advance(30_000);
    expectServed(await create(), 'flaky');
    expectServed(await create(), 'flaky');
    expect(flakyPosts()).toBe(6);
  });

  it('honours an upstream Retry-After longer than the cooldown', async () => {
    h.hg('flaky').faults.add({
      method: 'POST',
      path: '/v3/videos',
      status: 429,
      headers: { 'retry-after': '120' },
      body: JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Too many requests.' } }),
    });
    h.hg('flaky').faults.add({ method: 'POST', path: '/v3/videos', status: 503, body: SIM_503 });
    expectServed(await create(), 'backup');
    expectServed(await create(), 'backup');
    expect(flakyPosts()).toBe(2);

    expect((await create('flaky')).headers['retry-after']).toBe('120');
    h.advance(30_000);
    const still = await create('flaky');
    expect(still.status).toBe(503);
    expect(still.headers['retry-after']).toBe('90');
    expect(flakyPosts()).toBe(2);

    h.advance(90_000);
    expectServed(await create('flaky'), 'flaky');
    expect(flakyPosts()).toBe(3);
  });

  it('a 400 answer does not count against the account', async () => {
    const bad = JSON.stringify({ error: { code: 'invalid_parameter', message: 'Bad script.', param: 'script' } });
    h.hg('flaky').faults.add({ method: 'POST', path: '/v3/videos', status: 400, body: bad, times: 3 });
    for (let i = 0; i < 3; i++) expect((await create()).status).toBe(400);
    expectServed(await create(), 'flaky');
    expect(h.calls('backup')).toEqual([]);
  });
});

// ---- max_concurrent_jobs ---------------------------------------------------------------------

describe('max_concurrent_jobs, counted from the store', () => {
  let h: RoutingHarness;
  beforeAll(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'small', kind: 'heygen-v3', max_concurrent_jobs: 2 },
        { id: 'big', kind: 'heygen-v3' },
      ],
      clients: [
        { id: 'only', accounts: ['small'] },
        { id: 'spill', accounts: ['small', 'big'] },
      ],
    });
  });
  afterAll(() => h.close());

  it('a full account is passed over; with nowhere else to go it is 429 with Retry-After; a finished job frees a place', async () => {
    const first = await h.call('POST', '/v3/videos', { client: 'only', body: VIDEO });
    expectServed(first, 'small');
    expectServed(await h.call('POST', '/v3/videos', { client: 'only', body: VIDEO }), 'small');

    const full = await h.call('POST', '/v3/videos', { client: 'only', body: VIDEO });
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('10');
    expect(full.json).toEqual(
      envelope(
        'rate_limit_exceeded',
        'Every account that can serve this request is at its concurrency limit: account "small" has 2 of 2 jobs in progress (max_concurrent_jobs).',
      ),
    );
    expect(h.calls('small', 'POST')).toHaveLength(2);

    expectServed(await h.call('POST', '/v3/videos', { client: 'spill', body: VIDEO }), 'big');

    // The simulator completes a job on its third status read.
    for (let i = 0; i < 3; i++) await h.call('GET', `/v3/videos/${first.json.data.video_id}`, { client: 'only' });
    expectServed(await h.call('POST', '/v3/videos', { client: 'only', body: VIDEO }), 'small');
    expect(h.calls('small', 'POST')).toHaveLength(3);
  });

  it('a translation that makes more jobs than the account ever runs at once is 400 naming output_languages', async () => {
    const res = await h.call('POST', '/v3/video-translations', {
      client: 'only',
      body: { video: { type: 'url', url: 'https://example.com/video.mp4' }, output_languages: ['Spanish', 'French', 'German'] },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(
      envelope(
        'no_eligible_account',
        `None of this client's accounts can serve this request: account "small" cannot honour 'output_languages' ` +
          '(it runs at most 2 jobs at a time (max_concurrent_jobs) and this request makes 3).',
        'output_languages',
      ),
    );
  });
});

// ---- budgets ---------------------------------------------------------------------------------

describe('monthly budget', () => {
  let h: RoutingHarness;
  // $1 per video, whatever its length: a budget of $10 fits exactly ten.
  const flat = { video: 0, per_call: { video: 1 } };
  beforeAll(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'b1', kind: 'heygen-v3', pricing: flat },
        { id: 'b2', kind: 'heygen-v3', pricing: flat },
        { id: 'm', kind: 'heygen-v3', pricing: { video: 0.1, translation: 0.001 } },
      ],
      clients: [
        { id: 'capped', accounts: ['b1', 'b2'], monthly_budget_usd: 10 },
        { id: 'metered', accounts: ['m'], monthly_budget_usd: 1 },
        { id: 'tight', accounts: ['m'], monthly_budget_usd: 1 },
      ],
    });
  });
  afterAll(() => h.close());

  it('100 concurrent creates against a budget that fits 10 make at most 10 upstream jobs; the rest are 402 with no upstream call', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => h.call('POST', '/v3/videos', { client: 'capped', body: VIDEO })));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 402);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect(h.calls('b1', 'POST').length + h.calls('b2', 'POST').length).toBe(10);
    const month = monthOf(h.now());
    for (const r of refused) {
      expect(r.json).toEqual(
        envelope('budget_exceeded', `This request's estimated cost ($1.00) would pass the monthly budget of $10.00: $10.00 of it is already spent or reserved in ${month}.`),
      );
    }
    expect(await h.store.clientMonthSpend('capped', month)).toBe(10);
  });

  it('settles a completed job at the duration the upstream reported, and releases a failed one', async () => {
    const month = monthOf(h.now());
    const ledger = () => h.store.spendByMonth(month, 'metered');
    // The estimator counts 3 words (1.2 s, $0.12); the simulator counts 5 tokens and reports 2 s ($0.20).
    const body = { ...VIDEO, script: 'Hello - there - friend' };
    const made = await h.call('POST', '/v3/videos', { client: 'metered', body });
    expectServed(made, 'm');
    expect(await ledger()).toEqual([{ clientId: 'metered', accountId: 'm', month, reservedUsd: 0.12, settledUsd: 0, jobs: 1 }]);

    let detail: Answer | undefined;
    for (let i = 0; i < 3; i++) detail = await h.call('GET', `/v3/videos/${made.json.data.video_id}`, { client: 'metered' });
    expect(detail!.json.data).toMatchObject({ status: 'completed', duration: 2 });
    expect(await ledger()).toEqual([{ clientId: 'metered', accountId: 'm', month, reservedUsd: 0, settledUsd: 0.2, jobs: 1 }]);

    const failing = await h.call('POST', '/v3/videos', { client: 'metered', body: { ...body, title: '[fail] launch' } });
    expectServed(failing, 'm');
    expect((await ledger())[0]).toMatchObject({ reservedUsd: 0.12, settledUsd: 0.2, jobs: 2 });
    for (let i = 0; i < 3; i++) detail = await h.call('GET', `/v3/videos/${failing.json.data.video_id}`, { client: 'metered' });
    expect(detail!.json.data.status).toBe('failed');
    expect(await ledger()).toEqual([{ clientId: 'metered', accountId: 'm', month, reservedUsd: 0, settledUsd: 0.2, jobs: 1 }]);
  });

  it('books a translation per output language and settles each from its reported duration', async () => {
    const month = monthOf(h.now());
    const before = (await h.store.spendByMonth(month, 'metered'))[0]!;
    // Unknown source length: 60 s per language at $0.001 = $0.06 each.
    const res = await h.call('POST', '/v3/video-translations', {
      client: 'metered',
      body: { video: { type: 'url', url: 'https://example.com/video.mp4' }, output_languages: ['Spanish', 'French'] },
    });
    expectServed(res, 'm');
    const after = (await h.store.spendByMonth(month, 'metered'))[0]!;
    expect(after.jobs - before.jobs).toBe(2);
    expect(after.reservedUsd).toBe(0.12);

    const [es] = res.json.data.video_translation_ids as string[];
    for (let i = 0; i < 3; i++) await h.call('GET', `/v3/video-translations/${es}`, { client: 'metered' });
    // The simulator reports 42.5 s: $0.0425.
    const settled = (await h.store.spendByMonth(month, 'metered'))[0]!;
    expect(settled.reservedUsd).toBe(0.06);
    expect(settled.settledUsd).toBeCloseTo(before.settledUsd + 0.0425, 9);
  });

  it('a create whose estimate would pass the budget is 402 before any upstream call', async () => {
    const month = monthOf(h.now());
    const posts = h.calls('m', 'POST').length;
    // 100 words: 40 s at $0.10 = $4.00.
    const long = { ...VIDEO, script: Array.from({ length: 100 }, () => 'word').join(' ') };
    const res = await h.call('POST', '/v3/videos', { client: 'tight', body: long });
    expect(res.status).toBe(402);
    expect(res.json).toEqual(
      envelope(
        'budget_exceeded',
        `This request's estimated cost ($4.00 on account "m") would pass the monthly budget of $1.00: $0.00 of it is already spent or reserved in ${month}.`,
      ),
    );
    expect(h.calls('m', 'POST')).toHaveLength(posts);
    expect(await h.store.spendByMonth(month, 'tight')).toEqual([]);

    // One that fits is served.
    expectServed(await h.call('POST', '/v3/videos', { client: 'tight', body: VIDEO }), 'm');
  });
});

// ---- affinity and aliases --------------------------------------------------------------------

describe('affinity: resources made through the gateway pin later requests to their account', () => {
  let h: RoutingHarness;
  beforeAll(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'hg-a', kind: 'heygen-v3' },
        { id: 'hg-b', kind: 'heygen-v3' },
      ],
      clients: [{ id: 'aff', accounts: ['hg-a', 'hg-b'] }],
    });
  });
  afterAll(() => h.close());

  it('a look created on hg-b sends videos naming it to hg-b; a pin elsewhere is a 400 that says why', async () => {
    const made = await h.call('POST', '/v3/avatars', {
      pin: 'hg-b',
      body: { type: 'photo', name: 'My Photo Avatar', file: { type: 'url', url: 'https://example.com/headshot.png' } },
    });
    expectServed(made, 'hg-b');
    const look = made.json.data.avatar_item.id as string;

    const video = await h.call('POST', '/v3/videos', { body: { ...VIDEO, avatar_id: look } });
    expectServed(video, 'hg-b');
    expect(h.calls('hg-a')).toEqual([]);

    const pinned = await h.call('POST', '/v3/videos', { pin: 'hg-a', body: { ...VIDEO, avatar_id: look } });
    expect(pinned.status).toBe(400);
    expect(pinned.json).toEqual(
      envelope('provider_capability_unsupported', `'avatar_id' belongs to account "hg-b", but the request is pinned to "hg-a".`, 'avatar_id'),
    );
    expect(h.calls('hg-a')).toEqual([]);

    // A look the gateway never saw (public) routes freely: priority order.
    expectServed(await h.call('POST', '/v3/videos', { body: VIDEO }), 'hg-a');
  });
});

describe('aliases: one logical presenter, each account its own ids', () => {
  let h: RoutingHarness;
  beforeAll(async () => {
    h = await startRoutingHarness({
      accounts: [
        { id: 'hg-a', kind: 'heygen-v3' },
        { id: 'hg-b', kind: 'heygen-v3' },
      ],
      clients: [{ id: 'al', accounts: ['hg-a', 'hg-b'] }],
      aliases: {
        avatars: { presenter: { 'hg-a': 'look_def456', 'hg-b': 'look_b7e211' }, solo: { 'hg-b': 'look_c4a982' } },
        voices: { narrator: { 'hg-a': 'voice_xyz789', 'hg-b': '1bd001e7e50f421d891986aad5c8bbd2' } },
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const ALIASED = { type: 'avatar', avatar_id: 'alias:presenter', voice_id: 'alias:narrator', script: 'Welcome to our product walkthrough.' };

  it('resolves to each account’s own look and voice', async () => {
    expectServed(await h.call('POST', '/v3/videos', { body: ALIASED }), 'hg-a');
    expect(h.calls('hg-a', 'POST')[0]!.body).toMatchObject({ avatar_id: 'look_def456', voice_id: 'voice_xyz789' });

    expectServed(await h.call('POST', '/v3/videos', { pin: 'hg-b', body: ALIASED }), 'hg-b');
    expect(h.calls('hg-b', 'POST')[0]!.body).toMatchObject({ avatar_id: 'look_b7e211', voice_id: '1bd001e7e50f421d891986aad5c8bbd2' });
  });

  it('re-resolves for the account a create falls back to', async () => {
    h.hg('hg-a').faults.add({ method: 'POST', path: '/v3/videos', status: 503, body: SIM_503 });
    expectServed(await h.call('POST', '/v3/videos', { body: ALIASED }), 'hg-b');
    expect(h.calls('hg-a', 'POST')[0]!.body).toMatchObject({ avatar_id: 'look_def456' });
    expect(h.calls('hg-b', 'POST')[0]!.body).toMatchObject({ avatar_id: 'look_b7e211' });
  });

  it('skips an account without the alias; a pin to it is 400 naming the field', async () => {
    const solo = { ...ALIASED, avatar_id: 'alias:solo' };
    expectServed(await h.call('POST', '/v3/videos', { body: solo }), 'hg-b');
    expect(h.calls('hg-a')).toEqual([]);
    expect(h.calls('hg-b', 'POST')[0]!.body).toMatchObject({ avatar_id: 'look_c4a982' });

    const pinned = await h.call('POST', '/v3/videos', { pin: 'hg-a', body: solo });
    expect(pinned.status).toBe(400);
    expect(pinned.json).toEqual(
      envelope(
        'provider_capability_unsupported',
        `Account "hg-a" (heygen-v3) cannot honour 'avatar_id' (avatar alias "solo" has no avatar on account "hg-a").`,
        'avatar_id',
      ),
    );
    expect(h.calls('hg-a')).toEqual([]);
  });

  it('an alias nobody configured is 400 invalid_parameter, before any account is tried', async () => {
    const res = await h.call('POST', '/v3/videos', { body: { ...ALIASED, voice_id: 'alias:nobody' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(envelope('invalid_parameter', 'Unknown voice alias "nobody": no such alias is configured on this gateway.', 'voice_id'));
    expect(h.calls('hg-a')).toEqual([]);
    expect(h.calls('hg-b')).toEqual([]);
  });
});
