/**
 * The background refresher with a fake clock: its cadence (age-based, jittered, stretched by
 * failures and Retry-After), the lease that keeps overlapping ticks off a job, the per-account
 * bound on polls in flight, and a terminal result stored (and announced) exactly once. The store
 * is the real SQLite one in memory; the upstream is a scripted fake adapter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setImmediate as tick } from 'node:timers/promises';
import { GatewayConfig, type ClientConfig } from '../../src/config/schema.js';
import { AccountSet } from '../../src/core/accounts.js';
import type { VideoPolled } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { JobService } from '../../src/core/jobs.js';
import { silentLogger } from '../../src/core/logger.js';
import { Refresher, baseDelayMs, nextPollAt } from '../../src/core/refresher.js';
import { Router } from '../../src/core/router.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { JobRecord, NewJob } from '../../src/store/types.js';
import { fakeProvider, type FakeProvider } from '../helpers/fake-adapter.js';

const S = 1000;
const MIN = 60 * S;
const T0 = 1_711_382_400_000;

describe('baseDelayMs: renders take minutes, so polls slow down as a job ages', () => {
  it.each([
    [0, 10 * S],
    [2 * MIN - 1, 10 * S],
    [2 * MIN, 15 * S],
    [10 * MIN - 1, 15 * S],
    [10 * MIN, 30 * S],
    [60 * MIN - 1, 30 * S],
    [60 * MIN, 60 * S],
    [24 * 60 * MIN, 60 * S],
  ])('age %i ms -> %i ms', (age, delay) => {
    expect(baseDelayMs(age)).toBe(delay);
  });
});

describe('nextPollAt', () => {
  const now = T0 + 5 * MIN;
  const mid = () => 0.5;

  it('is the age-based delay when the jitter draw is in the middle', () => {
    expect(nextPollAt({ now, createdAt: now, consecutiveFailures: 0, random: mid })).toBe(now + 10 * S);
    expect(nextPollAt({ now, createdAt: now - 5 * MIN, consecutiveFailures: 0, random: mid })).toBe(now + 15 * S);
    expect(nextPollAt({ now, createdAt: now - 2 * 60 * MIN, consecutiveFailures: 0, random: mid })).toBe(now + 60 * S);
  });

  it('jitters by +-20 %', () => {
    expect(nextPollAt({ now, createdAt: now, consecutiveFailures: 0, random: () => 0 })).toBe(now + 8 * S);
    expect(nextPollAt({ now, createdAt: now, consecutiveFailures: 0, random: () => 1 })).toBe(now + 12 * S);
    const draws = Array.from({ length: 500 }, () => nextPollAt({ now, createdAt: now, consecutiveFailures: 0 }) - now);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(8 * S);
    expect(Math.max(...draws)).toBeLessThanOrEqual(12 * S);
    // Spread, not lockstep: a burst of creates does not poll all at once.
    expect(new Set(draws).size).toBeGreaterThan(100);
  });

  it('doubles per consecutive failure, capped at 10 minutes', () => {
    const after = (consecutiveFailures: number, createdAt = now) => nextPollAt({ now, createdAt, consecutiveFailures, random: mid }) - now;
    expect([1, 2, 3, 4, 5].map((n) => after(n))).toStrictEqual([20 * S, 40 * S, 80 * S, 160 * S, 320 * S]);
    expect(after(6)).toBe(10 * MIN);
    expect(after(50)).toBe(10 * MIN);
    expect(after(1, now - 2 * 60 * MIN)).toBe(2 * MIN);
    expect(after(4, now - 2 * 60 * MIN)).toBe(10 * MIN);
  });

  it("honours an upstream Retry-After, but never polls sooner than the cadence says", () => {
    const at = (retryAfterSeconds: number, consecutiveFailures = 1) => nextPollAt({ now, createdAt: now, consecutiveFailures, retryAfterSeconds, random: mid }) - now;
    expect(at(120)).toBe(120 * S);
    expect(at(3600)).toBe(3600 * S);
    expect(at(5)).toBe(20 * S);
    expect(at(0, 0)).toBe(10 * S);
  });

  it('takes another cadence (tests shrink it)', () => {
    expect(nextPollAt({ now, createdAt: now, consecutiveFailures: 0, random: mid, cadence: () => 100 })).toBe(now + 100);
    expect(nextPollAt({ now, createdAt: now, consecutiveFailures: 2, random: mid, cadence: () => 100 })).toBe(now + 400);
  });
});

// ---- runOnce against a real store and JobService --------------------------------------------

const config = GatewayConfig.parse({
  clients: [{ id: 'acme', api_keys: ['acme-key'], accounts: ['a', 'b'], webhook_secret: 'whsec_test' }],
  accounts: ['a', 'b'].map((id) => ({ id, provider: 'heygen-v3', base_url: 'https://api.heygen.example', api_key: `upstream-${id}` })),
});
const ACME: ClientConfig = config.clients[0]!;

const PENDING: VideoPolled = { detail: { status: 'pending' }, payload: { data: { status: 'pending' } } };
const COMPLETED: VideoPolled = {
  detail: { status: 'completed', video_url: 'https://files.heygen.ai/video/up_1.mp4', duration: 45.2, completed_at: 1711382680 },
  payload: { data: { status: 'completed' } },
};

interface World {
  clock: { t: number };
  store: SqliteStore;
  fake: FakeProvider;
  jobs: JobService;
  router: Router;
  finished: JobRecord[];
  refresher(opts?: { perAccountConcurrency?: number; batch?: number }): Refresher;
}

function world(): World {
  const clock = { t: T0 };
  const now = () => clock.t;
  const store = SqliteStore.open(':memory:', { now });
  const fake = fakeProvider();
  const router = new Router(new AccountSet(config.accounts, { 'heygen-v3': fake.factory }, { logger: silentLogger }));
  const finished: JobRecord[] = [];
  const jobs = new JobService({ store, router, logger: silentLogger, now, onFinished: (j) => finished.push(j) });
  return {
    clock,
    store,
    fake,
    jobs,
    router,
    finished,
    refresher: (o = {}) => new Refresher({ store, router, jobs, logger: silentLogger, now, random: () => 0.5, ...o }),
  };
}

function newJob(id: string, over: Partial<NewJob> = {}): NewJob {
  return {
    id,
    clientId: 'acme',
    accountId: 'a',
    provider: 'heygen-v3',
    kind: 'video',
    upstreamId: `up_${id}`,
    status: 'pending',
    title: null,
    folderId: null,
    callbackUrl: 'https://hooks.example.com/heygen',
    callbackId: `cb_${id}`,
    request: {},
    detail: { status: 'pending' },
    upstreamPayload: {},
    createdAt: T0,
    ...over,
  };
}

/** A promise and the function that settles it. */
function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { open, wait };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`never happened: ${what}`);
}

const polls = (w: World, account = 'a') => w.fake.adapter(account).calls.filter((c) => c.method === 'getVideo');

let w: World;
beforeEach(() => {
  w = world();
});
afterEach(async () => {
  await w.store.close();
});

describe('Refresher.runOnce', () => {
  it('polls a new job at once, then not before its next poll time', async () => {
    await w.store.insertJob(newJob('j1'));
    const r = w.refresher();
    expect(await r.runOnce()).toBe(1);
    expect(polls(w).map((c) => c.args)).toStrictEqual([['up_j1']]);
    const after = await w.store.getJob('j1');
    expect(after).toMatchObject({ status: 'pending', nextPollAt: T0 + 10 * S, pollAttempts: 1 });

    expect(await r.runOnce()).toBe(0);
    w.clock.t = T0 + 10 * S - 1;
    expect(await r.runOnce()).toBe(0);
    expect(polls(w)).toHaveLength(1);
    w.clock.t = T0 + 10 * S;
    expect(await r.runOnce()).toBe(1);
    expect(polls(w)).toHaveLength(2);
    // The second poll: the job is 10 s old, still the young cadence.
    expect(await w.store.getJob('j1')).toMatchObject({ nextPollAt: T0 + 20 * S, pollAttempts: 2 });
  });

  it('leases the jobs it takes: an overlapping tick skips a job whose poll is still running', async () => {
    await w.store.insertJob(newJob('j1'));
    const g = gate();
    w.fake.adapter('a').script.getVideo = async () => {
      await g.wait;
      return PENDING;
    };
    const r1 = w.refresher();
    const r2 = w.refresher(); // another loop (or replica) on the same store
    const first = r1.runOnce();
    await until('the first poll started', () => polls(w).length === 1);
    expect(await w.store.getJob('j1')).toMatchObject({ nextPollAt: T0 + 60 * S });

    w.clock.t = T0 + 30 * S;
    expect(await r2.runOnce()).toBe(0);
    expect(await r1.runOnce()).toBe(0);
    expect(polls(w)).toHaveLength(1);

    g.open();
    expect(await first).toBe(1);
    // Rescheduled from the time the poll ended.
    expect(await w.store.getJob('j1')).toMatchObject({ nextPollAt: T0 + 30 * S + 10 * S, pollAttempts: 1 });
  });

  it('keeps at most perAccountConcurrency polls in flight per account, accounts in parallel', async () => {
    for (let i = 0; i < 6; i++) await w.store.insertJob(newJob(`a${i}`, { accountId: 'a', createdAt: T0 + i }));
    for (let i = 0; i < 6; i++) await w.store.insertJob(newJob(`b${i}`, { accountId: 'b', createdAt: T0 + i }));
    w.clock.t = T0 + 10;
    let g = gate();
    const inFlight = { a: 0, b: 0 };
    const peak = { a: 0, b: 0 };
    for (const acct of ['a', 'b'] as const) {
      w.fake.adapter(acct).script.getVideo = async () => {
        inFlight[acct] += 1;
        peak[acct] = Math.max(peak[acct], inFlight[acct]);
        await g.wait;
        inFlight[acct] -= 1;
        return PENDING;
      };
    }
    const r = w.refresher({ perAccountConcurrency: 2 });
    const run = r.runOnce();
    await until('two polls in flight on each account', () => inFlight.a === 2 && inFlight.b === 2);
    for (let i = 0; i < 50; i++) await tick();
    expect(inFlight).toStrictEqual({ a: 2, b: 2 });
    // The two oldest of each account are leased; the rest step back 5 s instead of queueing.
    const next = async (id: string) => (await w.store.getJob(id))?.nextPollAt;
    expect(await Promise.all(['a0', 'a1', 'b0', 'b1'].map(next))).toStrictEqual(Array(4).fill(T0 + 10 + 60 * S));
    expect(await Promise.all(['a2', 'a3', 'a4', 'a5', 'b2', 'b3', 'b4', 'b5'].map(next))).toStrictEqual(Array(8).fill(T0 + 10 + 5 * S));

    // While every slot is busy, another tick starts nothing, even when the stepped-back jobs are due.
    w.clock.t = T0 + 10 + 5 * S;
    expect(await r.runOnce()).toBe(0);
    expect(polls(w, 'a').length + polls(w, 'b').length).toBe(4);

    g.open();
    expect(await run).toBe(4);
    g = gate();
    g.open();
    // Slots free again: the stepped-back jobs are next, still two per account.
    w.clock.t = T0 + 10 + 10 * S;
    expect(await r.runOnce()).toBe(4);
    expect(peak).toStrictEqual({ a: 2, b: 2 });
    expect(polls(w, 'a').map((c) => c.args[0])).toStrictEqual(['up_a0', 'up_a1', 'up_a2', 'up_a3']);
    expect(polls(w, 'b').map((c) => c.args[0])).toStrictEqual(['up_b0', 'up_b1', 'up_b2', 'up_b3']);
  });

  it('takes at most `batch` jobs per tick, oldest due first', async () => {
    for (let i = 0; i < 5; i++) await w.store.insertJob(newJob(`j${i}`, { createdAt: T0 + i }));
    w.clock.t = T0 + 10;
    expect(await w.refresher({ batch: 3 }).runOnce()).toBe(3);
    expect(polls(w).map((c) => c.args[0])).toStrictEqual(['up_j0', 'up_j1', 'up_j2']);
  });

  it('stores a terminal result once: one event, one delivery, one onFinished, never polled again', async () => {
    await w.store.insertJob(newJob('j1'));
    const stale = await w.store.getJob('j1');
    const g = gate();
    w.fake.adapter('a').script.getVideo = async () => {
      await g.wait;
      return COMPLETED;
    };
    w.clock.t = T0 + 5 * S;
    // A client GET and the background tick race for the same job: one upstream call between them.
    const r = w.refresher();
    const both = Promise.all([w.jobs.getVideo(ACME, 'j1'), r.runOnce()]);
    await until('the upstream was asked', () => polls(w).length === 1);
    for (let i = 0; i < 20; i++) await tick();
    g.open();
    const [got, polled] = await both;
    expect(polled).toBe(1);
    expect(got.value).toMatchObject({ id: 'j1', status: 'completed', video_url: 'https://files.heygen.ai/video/up_1.mp4' });
    expect(polls(w)).toHaveLength(1);

    const stored = await w.store.getJob('j1');
    expect(stored).toMatchObject({ status: 'completed', completedAt: T0 + 5 * S });
    expect(w.finished.map((j) => j.id)).toStrictEqual(['j1']);
    const events = await w.store.listEvents('acme', 10);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.body)).toStrictEqual({
      event_type: 'avatar_video.success',
      event_data: {
        video_id: 'j1',
        url: 'https://files.heygen.ai/video/up_1.mp4',
        gif_download_url: null,
        video_page_url: null,
        video_share_page_url: null,
        folder_id: null,
        callback_id: 'cb_j1',
      },
    });
    expect((await w.store.listDeliveries(events[0]!.id)).map((d) => d.url)).toStrictEqual(['https://hooks.example.com/heygen']);

    // A late poll from a stale copy of the job (another replica) changes nothing and announces nothing.
    w.clock.t = T0 + 9 * S;
    w.fake.adapter('a').script.getVideo = { detail: { status: 'failed', failure_message: 'late and wrong' }, payload: {} };
    const late = await w.jobs.refresh(stale!, w.router.forJob('a'));
    expect(late).toMatchObject({ status: 'completed', completedAt: T0 + 5 * S });
    expect(await w.store.listEvents('acme', 10)).toHaveLength(1);
    expect(w.finished).toHaveLength(1);

    // Terminal jobs are not due any more.
    w.clock.t = T0 + 24 * 60 * MIN;
    expect(await r.runOnce()).toBe(0);
    expect(polls(w)).toHaveLength(2); // the stale refresh above, nothing from the refresher
  });

  it('a failed translation is announced as video_translate.fail', async () => {
    await w.store.insertJob(newJob('t1', { kind: 'translation', detail: { status: 'pending', output_language: 'Spanish' } }));
    w.fake.adapter('a').script.getTranslation = { detail: { status: 'failed', failure_message: 'No speech was detected in the source video.' }, payload: {} };
    expect(await w.refresher().runOnce()).toBe(1);
    const [event] = await w.store.listEvents('acme', 10);
    expect(event!.body).toBe(
      JSON.stringify({
        event_type: 'video_translate.fail',
        event_data: { video_translate_id: 't1', message: 'No speech was detected in the source video.', callback_id: 'cb_t1', output_language: 'Spanish' },
      }),
    );
  });

  it('backs off from a failing upstream, honours its Retry-After, and returns to the cadence once it answers', async () => {
    await w.store.insertJob(newJob('j1'));
    const r = w.refresher();
    w.fake.adapter('a').script.getVideo = new GatewayError('rate_limit_exceeded', 'Slow down.', { status: 429, retryAfter: 120 });
    await r.runOnce();
    expect(await w.store.getJob('j1')).toMatchObject({ nextPollAt: T0 + 120 * S, pollAttempts: 1 });

    w.clock.t = T0 + 120 * S;
    w.fake.adapter('a').script.getVideo = new Error('socket hang up');
    await r.runOnce();
    // Second failure in a row: 10 s x 4 (the job is 2 minutes old now: 15 s x 4).
    expect(await w.store.getJob('j1')).toMatchObject({ nextPollAt: T0 + 120 * S + 60 * S, pollAttempts: 2 });

    w.clock.t = T0 + 180 * S;
    w.fake.adapter('a').script.getVideo = PENDING;
    await r.runOnce();
    expect(await w.store.getJob('j1')).toMatchObject({ nextPollAt: T0 + 180 * S + 15 * S, pollAttempts: 3, status: 'pending' });
  });

  it('a job whose account is no longer configured is retried later, without stopping the others', async () => {
    await w.store.insertJob(newJob('gone', { accountId: 'removed' }));
    await w.store.insertJob(newJob('j1'));
    expect(await w.refresher().runOnce()).toBe(2);
    expect(polls(w).map((c) => c.args[0])).toStrictEqual(['up_j1']);
    expect(await w.store.getJob('gone')).toMatchObject({ status: 'pending', nextPollAt: T0 + 20 * S });
  });

  it('does not poll deleted jobs', async () => {
    await w.store.insertJob(newJob('j1'));
    await w.store.markDeleted('j1', T0);
    expect(await w.refresher().runOnce()).toBe(0);
    expect(polls(w)).toHaveLength(0);
  });
});

/** Real-time wait for a condition the background loop brings about. */
async function eventually(what: string, cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('Refresher.start/stop', () => {
  it('an account whose polls hang does not hold up the polls of another account', async () => {
    await w.store.insertJob(newJob('a1', { accountId: 'a' }));
    const g = gate();
    w.fake.adapter('a').script.getVideo = async () => {
      await g.wait;
      return PENDING;
    };
    const r = new Refresher({ store: w.store, router: w.router, jobs: w.jobs, logger: silentLogger, now: () => w.clock.t, random: () => 0.5, tickMs: 2 });
    r.start();
    try {
      await eventually('the poll on account a started', () => polls(w, 'a').length === 1);
      // Later, a job on account b falls due while a's poll is still hanging.
      w.clock.t = T0 + S;
      await w.store.insertJob(newJob('b1', { accountId: 'b', createdAt: T0 + S }));
      await eventually('the job on account b was polled', async () => (await w.store.getJob('b1'))?.pollAttempts === 1);
      expect(polls(w, 'b')).toHaveLength(1);
      expect(await w.store.getJob('b1')).toMatchObject({ nextPollAt: T0 + S + 10 * S, pollAttempts: 1 });
      expect(polls(w, 'a')).toHaveLength(1);
    } finally {
      g.open();
      await r.stop();
    }
  });


  it('runs ticks on its own and stop() waits for the poll in flight', async () => {
    await w.store.insertJob(newJob('j1'));
    const g = gate();
    w.fake.adapter('a').script.getVideo = async () => {
      await g.wait;
      return COMPLETED;
    };
    const r = new Refresher({ store: w.store, router: w.router, jobs: w.jobs, logger: silentLogger, now: () => w.clock.t, tickMs: 5 });
    r.start();
    await until('the loop polled', () => polls(w).length === 1);
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await tick();
    expect(stopped).toBe(false);
    g.open();
    await stopping;
    // The poll that was running when stop() was called still stored its result.
    expect(await w.store.getJob('j1')).toMatchObject({ status: 'completed' });
    expect(w.finished).toHaveLength(1);
  });
});
