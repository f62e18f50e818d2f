import { describe, expect, it } from 'vitest';
import { AccountConfig } from '../../src/config/schema.js';
import {
  CircuitBreaker,
  CircuitRegistry,
  countsAsFailure,
  DEFAULT_COOLDOWN_MS,
  DEFAULT_FAILURE_THRESHOLD,
} from '../../src/core/circuit.js';
import { GatewayError } from '../../src/core/errors.js';
import { errorFromUpstream } from '../../src/core/upstream.js';

/** A hand-driven clock. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function failTimes(b: CircuitBreaker, n: number, opts?: { retryAfterSeconds?: number }): void {
  for (let i = 0; i < n; i++) b.onFailure(opts);
}

describe('CircuitBreaker', () => {
  it('defaults: opens after 5 consecutive failures, for 30 s', () => {
    expect(DEFAULT_FAILURE_THRESHOLD).toBe(5);
    expect(DEFAULT_COOLDOWN_MS).toBe(30_000);
    const c = clock();
    const b = new CircuitBreaker({ now: c.now });
    failTimes(b, 4);
    expect(b.state()).toBe('closed');
    expect(b.canPass()).toBe(true);
    b.onFailure();
    expect(b.state()).toBe('open');
    expect(b.canPass()).toBe(false);
    c.advance(29_999);
    expect(b.canPass()).toBe(false);
    c.advance(1);
    expect(b.state()).toBe('half_open');
  });

  it('a success in between resets the count: failures must be consecutive', () => {
    const b = new CircuitBreaker({ now: clock().now, failureThreshold: 3 });
    failTimes(b, 2);
    b.onSuccess();
    failTimes(b, 2);
    expect(b.state()).toBe('closed');
    b.onFailure();
    expect(b.state()).toBe('open');
  });

  it('half-open lets exactly one probe through; concurrent callers are rejected', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 1, cooldownMs: 1000 });
    b.onFailure();
    c.advance(1000);
    expect(b.wouldPass()).toBe(true);
    expect(b.canPass()).toBe(true); // the probe
    expect(b.canPass()).toBe(false);
    expect(b.canPass()).toBe(false);
    expect(b.wouldPass()).toBe(false);
    expect(b.snapshot()).toMatchObject({ state: 'half_open', probe_in_flight: true });
  });

  it('probe success closes the circuit', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 2, cooldownMs: 1000 });
    failTimes(b, 2);
    c.advance(1000);
    expect(b.canPass()).toBe(true);
    b.onSuccess();
    expect(b.state()).toBe('closed');
    expect(b.canPass()).toBe(true);
    expect(b.canPass()).toBe(true);
    expect(b.snapshot()).toEqual({ state: 'closed', consecutive_failures: 0, opened_at: null, retry_at: null, probe_in_flight: false });
    // The count starts over: one failure does not reopen a threshold-2 circuit.
    b.onFailure();
    expect(b.state()).toBe('closed');
  });

  it('probe failure opens it again for a full cooldown', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 3, cooldownMs: 5000 });
    failTimes(b, 3);
    c.advance(5000);
    expect(b.canPass()).toBe(true);
    c.advance(200);
    b.onFailure();
    expect(b.state()).toBe('open');
    expect(b.snapshot()).toMatchObject({ opened_at: c.now(), retry_at: c.now() + 5000, probe_in_flight: false });
    c.advance(4999);
    expect(b.canPass()).toBe(false);
    c.advance(1);
    expect(b.canPass()).toBe(true);
  });

  it('a longer upstream Retry-After holds the circuit open longer; a shorter one does not shorten it', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 2, cooldownMs: 30_000 });
    b.onFailure({ retryAfterSeconds: 90 });
    b.onFailure({ retryAfterSeconds: 5 });
    expect(b.state()).toBe('open');
    expect(b.retryAfterSeconds()).toBe(90);
    c.advance(30_000);
    expect(b.canPass()).toBe(false);
    c.advance(60_000);
    expect(b.canPass()).toBe(true);

    const d = clock();
    const short = new CircuitBreaker({ now: d.now, failureThreshold: 1, cooldownMs: 30_000 });
    short.onFailure({ retryAfterSeconds: 2 });
    expect(short.retryAfterSeconds()).toBe(30);
  });

  it('a half-open probe answered with 429 waits for its Retry-After', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 1, cooldownMs: 1000 });
    b.onFailure();
    c.advance(1000);
    expect(b.canPass()).toBe(true);
    b.onFailure({ retryAfterSeconds: 120 });
    c.advance(119_999);
    expect(b.canPass()).toBe(false);
    c.advance(1);
    expect(b.canPass()).toBe(true);
  });

  it('a late failure while open does not restart the cooldown, but a longer Retry-After extends it', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 1, cooldownMs: 10_000 });
    b.onFailure();
    c.advance(9_000);
    b.onFailure();
    c.advance(1_000);
    expect(b.state()).toBe('half_open');

    const d = clock();
    const e = new CircuitBreaker({ now: d.now, failureThreshold: 1, cooldownMs: 10_000 });
    e.onFailure();
    d.advance(9_000);
    e.onFailure({ retryAfterSeconds: 60 });
    d.advance(1_000);
    expect(e.state()).toBe('open');
    d.advance(59_000);
    expect(e.state()).toBe('half_open');
  });

  it('release() gives back an unused probe', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 1, cooldownMs: 0 });
    b.onFailure();
    expect(b.canPass()).toBe(true);
    expect(b.canPass()).toBe(false);
    b.release();
    expect(b.canPass()).toBe(true);
  });

  it('a probe that never reports stops blocking after probeTimeoutMs', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 1, cooldownMs: 1000, probeTimeoutMs: 60_000 });
    b.onFailure();
    c.advance(1000);
    expect(b.canPass()).toBe(true);
    c.advance(59_999);
    expect(b.canPass()).toBe(false);
    expect(b.retryAfterSeconds()).toBe(1);
    c.advance(1);
    expect(b.canPass()).toBe(true);
  });

  it('retryAfterSeconds: 0 when closed, whole seconds left while open', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 1, cooldownMs: 30_000 });
    expect(b.retryAfterSeconds()).toBe(0);
    b.onFailure();
    expect(b.retryAfterSeconds()).toBe(30);
    c.advance(28_500);
    expect(b.retryAfterSeconds()).toBe(2);
    c.advance(1_500);
    expect(b.retryAfterSeconds()).toBe(0);
  });

  it('snapshot reports the numbers the admin API shows', () => {
    const c = clock(5_000);
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 2, cooldownMs: 1000 });
    b.onFailure();
    expect(b.snapshot()).toEqual({ state: 'closed', consecutive_failures: 1, opened_at: null, retry_at: null, probe_in_flight: false });
    b.onFailure();
    expect(b.snapshot()).toEqual({ state: 'open', consecutive_failures: 2, opened_at: 5_000, retry_at: 6_000, probe_in_flight: false });
  });

  it('record(): successes and client errors close; health failures count with their Retry-After', () => {
    const c = clock();
    const b = new CircuitBreaker({ now: c.now, failureThreshold: 2, cooldownMs: 1000 });
    b.record(new GatewayError('rate_limit_exceeded', 'slow down', { retryAfter: 45 }));
    b.record(new GatewayError('invalid_parameter', 'bad', { param: 'script' })); // upstream answered: healthy
    expect(b.snapshot().consecutive_failures).toBe(0);
    b.record(new GatewayError('upstream_error', 'down', { status: 502 }));
    b.record(new GatewayError('rate_limit_exceeded', 'slow down', { retryAfter: 45 }));
    expect(b.state()).toBe('open');
    expect(b.retryAfterSeconds()).toBe(45);
    c.advance(45_000);
    expect(b.canPass()).toBe(true);
    b.record();
    expect(b.state()).toBe('closed');
  });
});

describe('countsAsFailure', () => {
  const ctx = { provider: 'heygen-v3', accountId: 'main' };
  const upstream = (status: number, headers: Record<string, string> = {}) => errorFromUpstream({ status, headers }, {}, ctx);
  it.each<[string, unknown, boolean]>([
    ['upstream 500', upstream(500), true],
    ['upstream 502', upstream(502), true],
    ['upstream 503', upstream(503), true],
    ['upstream 504 (gateway_timeout)', upstream(504), true],
    ['upstream 408 (gateway_timeout)', upstream(408), true],
    ['upstream 429', upstream(429, { 'retry-after': '7' }), true],
    ['upstream 429 quota_exceeded', errorFromUpstream({ status: 429, headers: {} }, { code: 'quota_exceeded' }, ctx), true],
    ['upstream 401 (the account key was refused)', upstream(401), true],
    ['connection refused', new GatewayError('upstream_error', 'could not be reached', { fallbackSafe: true }), true],
    ['timeout after send', new GatewayError('gateway_timeout', 'did not answer in time'), true],
    ['not a GatewayError (raw socket error)', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['upstream 400', upstream(400), false],
    ['upstream 402', upstream(402), false],
    ['upstream 403', upstream(403), false],
    ['upstream 404', upstream(404), false],
    ['upstream 409', upstream(409), false],
    ['invalid_parameter', new GatewayError('invalid_parameter', 'bad', { param: 'avatar_id' }), false],
  ])('%s -> %s', (_label, err, counts) => {
    expect(countsAsFailure(err)).toBe(counts);
  });
});

describe('CircuitRegistry', () => {
  const accounts = [
    AccountConfig.parse({ id: 'fragile', provider: 'heygen-v3', base_url: 'https://a.example', api_key: 'k', circuit: { failure_threshold: 1, cooldown_ms: 2000 } }),
    AccountConfig.parse({ id: 'sturdy', provider: 'gmi', base_url: 'https://b.example', api_key: 'k' }),
  ];

  it('one breaker per account, with that account\'s settings, independent of the others', () => {
    const c = clock();
    const reg = CircuitRegistry.fromAccounts(accounts, { now: c.now });
    expect(reg.get('fragile')).toBe(reg.get('fragile'));
    reg.get('fragile').onFailure();
    expect(reg.get('fragile').state()).toBe('open');
    expect(reg.get('sturdy').state()).toBe('closed');
    failTimes(reg.get('sturdy'), 4);
    expect(reg.get('sturdy').state()).toBe('closed'); // default threshold 5
    reg.get('sturdy').onFailure();
    expect(reg.get('sturdy').state()).toBe('open');
    c.advance(2000);
    expect(reg.get('fragile').state()).toBe('half_open');
    expect(reg.get('sturdy').state()).toBe('open'); // default cooldown 30 s
  });

  it('snapshots list every configured account', () => {
    const c = clock(10_000);
    const reg = CircuitRegistry.fromAccounts(accounts, { now: c.now });
    reg.get('fragile').onFailure();
    expect(reg.snapshots()).toEqual({
      fragile: { state: 'open', consecutive_failures: 1, opened_at: 10_000, retry_at: 12_000, probe_in_flight: false },
      sturdy: { state: 'closed', consecutive_failures: 0, opened_at: null, retry_at: null, probe_in_flight: false },
    });
  });

  it('registry defaults apply under per-account settings', () => {
    const c = clock();
    const reg = new CircuitRegistry({ now: c.now, defaults: { failureThreshold: 2, cooldownMs: 100 }, perAccount: { x: { cooldownMs: 500 } } });
    failTimes(reg.get('x'), 2);
    failTimes(reg.get('y'), 2);
    c.advance(100);
    expect(reg.get('y').state()).toBe('half_open');
    expect(reg.get('x').state()).toBe('open');
    c.advance(400);
    expect(reg.get('x').state()).toBe('half_open');
  });

  it('the config refuses a zero threshold and unknown circuit keys', () => {
    const base = { id: 'a', provider: 'heygen-v3', base_url: 'https://a.example', api_key: 'k' };
    expect(AccountConfig.safeParse({ ...base, circuit: { failure_threshold: 0 } }).success).toBe(false);
    expect(AccountConfig.safeParse({ ...base, circuit: { cooldown: 5 } }).success).toBe(false);
  });
});
