/**
 * Routing decisions and the create path, without HTTP: fake adapters per account, an in-memory
 * SQLite store (jobs and the spend ledger), breakers and the ledger on a hand-driven clock.
 * What the end-to-end tests cannot pin down exactly lives here: which reservation survives which
 * failure, a half-open probe that is out, creates in flight counted against max_concurrent_jobs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VideoCreate } from '../../src/api/schemas/videos.js';
import type { TranslationCreate } from '../../src/api/schemas/translations.js';
import { GatewayConfig, type ClientConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { AccountSet } from '../../src/core/accounts.js';
import { OPERATIONS, type VideoSubmitted } from '../../src/core/adapter.js';
import { CircuitRegistry } from '../../src/core/circuit.js';
import { GatewayError } from '../../src/core/errors.js';
import { JobService } from '../../src/core/jobs.js';
import { silentLogger } from '../../src/core/logger.js';
import { Router } from '../../src/core/router.js';
import { SpendLedger, formatUsd, translationCharges } from '../../src/core/spend.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { fakeProvider, type FakeProvider } from '../helpers/fake-adapter.js';

const T0 = Date.UTC(2026, 3, 10, 12, 0, 0);
const MONTH = '2026-04';

/** HeyGen's "Avatar Video" example body: 5 words, 2 s. */
const VIDEO: VideoCreate = { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' };
const TRANSLATION: TranslationCreate = { video: { type: 'url', url: 'https://example.com/video.mp4' }, output_languages: ['Spanish', 'French'] };

const unavailable = () => new GatewayError('upstream_error', 'The upstream failed (HTTP 503).', { fallbackSafe: true });
const rejected = () => new GatewayError('invalid_parameter', 'Bad script.', { param: 'script' });
const timedOut = () => new GatewayError('gateway_timeout', 'The upstream did not answer in time.');

interface World {
  store: SqliteStore;
  fake: FakeProvider;
  jobs: JobService;
  router: Router;
  circuits: CircuitRegistry;
  spend: SpendLedger;
  advance(ms: number): void;
  client(id: string): ClientConfig;
}

function world(input: Pick<GatewayConfigInput, 'accounts' | 'clients' | 'aliases'>, perAccount: Parameters<typeof fakeProvider>[0] = {}): World {
  let t = T0;
  const now = () => t;
  const config = GatewayConfig.parse(input);
  const store = SqliteStore.open(':memory:', { now });
  const fake = fakeProvider(perAccount);
  const accounts = new AccountSet(config.accounts, { 'heygen-v3': fake.factory, gmi: fake.factory }, { logger: silentLogger });
  const circuits = CircuitRegistry.fromAccounts(config.accounts, { now });
  const spend = new SpendLedger({ store, accounts: config.accounts, logger: silentLogger, now });
  const router = new Router(accounts, { configs: config.accounts, circuits, aliases: config.aliases, store, spend, logger: silentLogger });
  const jobs = new JobService({ store, router, logger: silentLogger, now, spend });
  return {
    store,
    fake,
    jobs,
    router,
    circuits,
    spend,
    advance: (ms) => void (t += ms),
    client: (id) => {
      const c = config.clients.find((x) => x.id === id);
      if (!c) throw new Error(id);
      return c;
    },
  };
}

const account = (id: string, extra: Record<string, unknown> = {}) => ({ id, provider: 'heygen-v3' as const, base_url: 'https://api.heygen.example', api_key: `k-${id}`, ...extra });

async function refusal(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** A createVideo that waits until released, to hold a create in flight. */
function gate(): { script: () => Promise<VideoSubmitted>; open: () => void; entered: Promise<void> } {
  let open!: () => void;
  let enter!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const entered = new Promise<void>((r) => (enter = r));
  return {
    script: async () => {
      enter();
      await opened;
      return { upstreamId: 'up_slow', status: 'pending', payload: {} };
    },
    open,
    entered,
  };
}

let w: World;
afterEach(async () => {
  await w?.store.close();
});

describe('rank: eligibility and policy', () => {
  beforeEach(() => {
    w = world({
      accounts: [
        account('dear', { pricing: { video: 0.1 } }),
        account('cheap', { pricing: { video: 0.05 } }),
        account('cheap2', { pricing: { video: 0.05 } }),
        account('nomotion', { pricing: { video: 0.01 } }),
      ],
      clients: [
        { id: 'p', api_keys: ['p'], accounts: ['dear', 'cheap', 'cheap2', 'nomotion'] },
        { id: 'c', api_keys: ['c'], accounts: ['dear', 'cheap2', 'cheap', 'nomotion'], routing: 'cheapest' },
      ],
    }, {
      nomotion: { fields: { 'video.create': (v) => (v.motion_prompt ? [{ param: 'motion_prompt', reason: 'no motion prompts here' }] : []) } },
    });
  });

  const order = (client: string, input: VideoCreate = VIDEO) =>
    w.router.rank({ client: w.client(client), op: 'video.create', input }).map((c) => [c.adapter.accountId, c.estimateUsd]);

  it('priority keeps the client list order, with each account’s estimate', () => {
    expect(order('p')).toEqual([['dear', 0.2], ['cheap', 0.1], ['cheap2', 0.1], ['nomotion', 0.02]]);
  });

  it('cheapest sorts by estimate, ties in list order', () => {
    expect(order('c')).toEqual([['nomotion', 0.02], ['cheap2', 0.1], ['cheap', 0.1], ['dear', 0.2]]);
  });

  it('an account that cannot honour a field is not a candidate', () => {
    expect(order('c', { ...VIDEO, motion_prompt: 'waves' }).map(([id]) => id)).toEqual(['cheap2', 'cheap', 'dear']);
  });
});

describe('dispatch: fallback and the ledger', () => {
  beforeEach(() => {
    w = world({
      accounts: [account('a', { pricing: { video: 0.1 } }), account('b', { pricing: { video: 0.05 } })],
      clients: [{ id: 'acme', api_keys: ['k'], accounts: ['a', 'b'], monthly_budget_usd: 100 }],
    });
  });
  const create = () => w.jobs.createVideo(w.client('acme'), VIDEO);
  const ledger = () => w.store.spendByMonth(MONTH, 'acme');

  it('a failure that made nothing releases its reservation and moves on; the job and its reservation share an id', async () => {
    w.fake.adapter('a').script.createVideo = unavailable();
    const served = await create();
    expect(served.adapter.accountId).toBe('b');
    expect(await ledger()).toEqual([{ clientId: 'acme', accountId: 'b', month: MONTH, reservedUsd: 0.1, settledUsd: 0, jobs: 1 }]);
    const job = await w.store.getJob(served.value.video_id);
    expect(job).toMatchObject({ accountId: 'b', upstreamId: 'up_video_1', status: 'pending' });
    // Settling by the job id books the job's own reservation.
    await w.spend.finish({ ...job!, status: 'completed', detail: { duration: 4 } });
    expect(await ledger()).toEqual([{ clientId: 'acme', accountId: 'b', month: MONTH, reservedUsd: 0, settledUsd: 0.2, jobs: 1 }]);
  });

  it('a 4xx answer is final: released, not retried elsewhere', async () => {
    w.fake.adapter('a').script.createVideo = rejected();
    const err = await refusal(create());
    expect(err.code).toBe('invalid_parameter');
    expect(w.fake.adapter('b').calls).toEqual([]);
    expect(await ledger()).toEqual([]);
  });

  it('a timeout after send is final and keeps its reservation (the upstream may bill the job)', async () => {
    w.fake.adapter('a').script.createVideo = timedOut();
    const err = await refusal(create());
    expect(err.code).toBe('gateway_timeout');
    expect(w.fake.adapter('b').calls).toEqual([]);
    expect(await ledger()).toEqual([{ clientId: 'acme', accountId: 'a', month: MONTH, reservedUsd: 0.2, settledUsd: 0, jobs: 1 }]);
  });

  it('an error that is not a mapped upstream error (an adapter bug) is final and keeps its reservation', async () => {
    w.fake.adapter('a').script.createVideo = new TypeError('boom');
    await expect(create()).rejects.toThrow('boom');
    expect(w.fake.adapter('b').calls).toEqual([]);
    expect((await ledger())[0]).toMatchObject({ accountId: 'a', reservedUsd: 0.2 });
  });

  it('when every account fails before accepting, the client gets the last failure and nothing stays booked', async () => {
    w.fake.adapter('a').script.createVideo = unavailable();
    w.fake.adapter('b').script.createVideo = new GatewayError('rate_limit_exceeded', 'Slow down.', { retryAfter: 7, fallbackSafe: true });
    const err = await refusal(create());
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.retryAfter).toBe(7);
    expect(await ledger()).toEqual([]);
  });

  it('a finished job settles once: a later failure report does not undo it', async () => {
    const served = await create();
    const job = (await w.store.getJob(served.value.video_id))!;
    await w.spend.finish({ ...job, status: 'completed', detail: { duration: 3 } });
    await w.spend.finish({ ...job, status: 'failed', detail: {} });
    expect(await ledger()).toEqual([{ clientId: 'acme', accountId: 'a', month: MONTH, reservedUsd: 0, settledUsd: 0.3, jobs: 1 }]);
  });

  it('a completed job without a reported duration settles at its estimate; a failed one is released', async () => {
    const one = (await w.store.getJob((await create()).value.video_id))!;
    const two = (await w.store.getJob((await create()).value.video_id))!;
    await w.spend.finish({ ...one, status: 'completed', detail: { duration: null } });
    await w.spend.finish({ ...two, status: 'failed', detail: {} });
    expect(await ledger()).toEqual([{ clientId: 'acme', accountId: 'a', month: MONTH, reservedUsd: 0, settledUsd: 0.2, jobs: 1 }]);
  });
});

describe('budget', () => {
  beforeEach(() => {
    w = world({
      accounts: [account('a', { pricing: { video: 0.1 } }), account('b', { pricing: { video: 0.05 } })],
      clients: [{ id: 'acme', api_keys: ['k'], accounts: ['a', 'b'], monthly_budget_usd: 0.35 }],
    });
  });

  it('an account whose estimate no longer fits is passed over for one that does; then 402 with no upstream call', async () => {
    expect((await w.jobs.createVideo(w.client('acme'), VIDEO)).adapter.accountId).toBe('a'); // $0.20
    expect((await w.jobs.createVideo(w.client('acme'), VIDEO)).adapter.accountId).toBe('b'); // $0.10: $0.30
    const err = await refusal(w.jobs.createVideo(w.client('acme'), VIDEO));
    expect(err.status).toBe(402);
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toBe(`This request's estimated cost ($0.10) would pass the monthly budget of $0.35: $0.30 of it is already spent or reserved in ${MONTH}.`);
    expect(w.fake.calls().filter((c) => c.method === 'createVideo')).toHaveLength(2);
  });

  it('a translation books one reservation per language, all or none', async () => {
    // Unknown source: 60 s per language at HeyGen's speed rate $0.0333 = $1.998 each: more than the budget.
    const err = await refusal(w.jobs.createTranslation(w.client('acme'), TRANSLATION));
    expect(err.code).toBe('budget_exceeded');
    expect(await w.store.spendByMonth(MONTH)).toEqual([]);
    expect(w.fake.calls()).toEqual([]);

    const short = { ...TRANSLATION, end_time: 2 }; // 2 s x $0.0333 = $0.0666 per language
    const served = await w.jobs.createTranslation(w.client('acme'), short);
    expect(await w.store.spendByMonth(MONTH)).toEqual([{ clientId: 'acme', accountId: 'a', month: MONTH, reservedUsd: 0.1332, settledUsd: 0, jobs: 2 }]);
    const [es] = served.value.video_translation_ids;
    const job = (await w.store.getJob(es!))!;
    expect(job.detail).toMatchObject({ output_language: 'Spanish' });
    // Each language settles on its own, from its own reported duration.
    await w.spend.finish({ ...job, status: 'completed', detail: { ...job.detail, duration: 1 } });
    expect((await w.store.spendByMonth(MONTH))[0]).toMatchObject({ reservedUsd: 0.0666, settledUsd: 0.0333 });
  });

  it('translationCharges prices each language alone', () => {
    const [acct] = GatewayConfig.parse({ clients: [{ id: 'x', api_keys: ['x'], accounts: ['a'] }], accounts: [account('a', { pricing: { translation: 0.01 } })] }).accounts;
    expect(translationCharges(acct!, { ...TRANSLATION, end_time: 10 }, ['j1', 'j2'])).toEqual([
      { id: 'j1', estimateUsd: 0.1 },
      { id: 'j2', estimateUsd: 0.1 },
    ]);
  });
});

describe('circuit breaker in dispatch', () => {
  beforeEach(() => {
    w = world({
      accounts: [account('a', { circuit: { failure_threshold: 2, cooldown_ms: 10_000 } }), account('b')],
      clients: [
        { id: 'acme', api_keys: ['k'], accounts: ['a', 'b'] },
        { id: 'solo', api_keys: ['s'], accounts: ['a'] },
      ],
    });
  });
  const calls = (id: string) => w.fake.adapter(id).calls.filter((c) => c.method === 'createVideo').length;

  it('every attempt is recorded; an open account is skipped without a call', async () => {
    w.fake.adapter('a').script.createVideo = unavailable();
    await w.jobs.createVideo(w.client('acme'), VIDEO);
    expect(w.circuits.get('a').snapshot()).toMatchObject({ state: 'closed', consecutive_failures: 1 });
    await w.jobs.createVideo(w.client('acme'), VIDEO);
    expect(w.circuits.get('a').state()).toBe('open');
    expect(w.circuits.get('b').snapshot().consecutive_failures).toBe(0);
    await w.jobs.createVideo(w.client('acme'), VIDEO);
    expect(calls('a')).toBe(2);
    expect(calls('b')).toBe(3);
  });

  it('all accounts down: 503 no_eligible_account with the soonest Retry-After, no call', async () => {
    w.circuits.get('a').onFailure();
    w.circuits.get('a').onFailure();
    w.advance(4_000);
    const err = await refusal(w.jobs.createVideo(w.client('solo'), VIDEO));
    expect(err.status).toBe(503);
    expect(err.code).toBe('no_eligible_account');
    expect(err.retryAfter).toBe(6);
    expect(calls('a')).toBe(0);
  });

  it('half-open lets exactly one probe through; creates meanwhile go elsewhere', async () => {
    w.circuits.get('a').onFailure();
    w.circuits.get('a').onFailure();
    w.advance(10_000);
    const slow = gate();
    w.fake.adapter('a').script.createVideo = slow.script;
    const probe = w.jobs.createVideo(w.client('acme'), VIDEO);
    await slow.entered;
    expect((await w.jobs.createVideo(w.client('acme'), VIDEO)).adapter.accountId).toBe('b');
    const err = await refusal(w.jobs.createVideo(w.client('solo'), VIDEO));
    expect(err.status).toBe(503);
    slow.open();
    expect((await probe).adapter.accountId).toBe('a');
    expect(w.circuits.get('a').state()).toBe('closed');
    expect(calls('a')).toBe(1);
  });

  it('lists and other non-billed calls skip an open account too; a pin there is 503', () => {
    w.circuits.get('a').onFailure();
    w.circuits.get('a').onFailure();
    expect(w.router.pick({ client: w.client('acme'), op: 'voice.list' }).accountId).toBe('b');
    let err: unknown;
    try {
      w.router.pick({ client: w.client('acme'), op: 'voice.list', pin: 'a' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 503, code: 'no_eligible_account', retryAfter: 10 });
  });
});

describe('max_concurrent_jobs', () => {
  beforeEach(() => {
    w = world({
      accounts: [account('a', { max_concurrent_jobs: 1 }), account('b')],
      clients: [
        { id: 'acme', api_keys: ['k'], accounts: ['a', 'b'] },
        { id: 'solo', api_keys: ['s'], accounts: ['a'] },
      ],
    });
  });

  it('a create in flight (not yet stored) holds its place: a concurrent create goes elsewhere', async () => {
    const slow = gate();
    w.fake.adapter('a').script.createVideo = slow.script;
    const first = w.jobs.createVideo(w.client('acme'), VIDEO);
    await slow.entered;
    expect(await w.store.countActiveJobs('a')).toBe(0);
    expect((await w.jobs.createVideo(w.client('acme'), VIDEO)).adapter.accountId).toBe('b');
    const busy = await refusal(w.jobs.createVideo(w.client('solo'), VIDEO));
    expect(busy).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfter: 10 });
    slow.open();
    expect((await first).adapter.accountId).toBe('a');
    expect(await w.store.countActiveJobs('a')).toBe(1);
  });

  it('a failed create gives its place back', async () => {
    w.fake.adapter('a').script.createVideo = rejected();
    await refusal(w.jobs.createVideo(w.client('solo'), VIDEO));
    w.fake.adapter('a').script.createVideo = { upstreamId: 'up_ok', status: 'pending', payload: {} };
    expect((await w.jobs.createVideo(w.client('solo'), VIDEO)).adapter.accountId).toBe('a');
  });

  it('a finished job frees its place', async () => {
    const made = await w.jobs.createVideo(w.client('solo'), VIDEO);
    expect(await refusal(w.jobs.createVideo(w.client('solo'), VIDEO))).toMatchObject({ status: 429 });
    await w.store.updateJob(made.value.video_id, { status: 'completed', detail: { status: 'completed' }, upstreamPayload: {}, completedAt: T0 });
    expect((await w.jobs.createVideo(w.client('solo'), VIDEO)).adapter.accountId).toBe('a');
  });

  it('busy and down together: 503 with the soonest Retry-After', async () => {
    w = world({
      accounts: [account('a', { max_concurrent_jobs: 1 }), account('b', { circuit: { failure_threshold: 1, cooldown_ms: 60_000 } })],
      clients: [{ id: 'acme', api_keys: ['k'], accounts: ['a', 'b'] }],
    });
    await w.jobs.createVideo(w.client('acme'), VIDEO);
    w.circuits.get('b').onFailure();
    const err = await refusal(w.jobs.createVideo(w.client('acme'), VIDEO));
    expect(err).toMatchObject({ status: 503, code: 'no_eligible_account', retryAfter: 10 });
    expect(err.message).toBe(
      'No account that can serve this request is available now: account "b" is failing (circuit open after 1 consecutive failure; retry in 60 s); ' +
        'account "a" has 1 of 1 jobs in progress (max_concurrent_jobs).',
    );
  });
});

describe('aliases and avatar creation', () => {
  beforeEach(() => {
    w = world({
      accounts: [account('a'), account('b')],
      clients: [{ id: 'acme', api_keys: ['k'], accounts: ['a', 'b'], monthly_budget_usd: 5 }],
      aliases: { avatars: { host: { b: 'look_on_b' } }, voices: { narrator: { a: 'voice_a', b: 'voice_b' } } },
    });
  });

  it('the account receives its own ids; the stored request keeps the client’s', async () => {
    const served = await w.jobs.createVideo(w.client('acme'), { ...VIDEO, avatar_id: 'alias:host', voice_id: 'alias:narrator' });
    expect(served.adapter.accountId).toBe('b');
    expect(w.fake.adapter('a').calls).toEqual([]);
    expect(w.fake.adapter('b').calls[0]!.args[0]).toMatchObject({ avatar_id: 'look_on_b', voice_id: 'voice_b' });
    const job = await w.store.getJob(served.value.video_id);
    expect(job!.request).toMatchObject({ avatar_id: 'alias:host', voice_id: 'alias:narrator' });
  });

  it('avatar creation is booked at its per-call price at once, and its look pins later videos', async () => {
    w.fake.adapter('b').script.createAvatar = {
      avatar_item: { id: 'look_new', name: 'Me', avatar_type: 'photo_avatar', group_id: 'group_new' },
      avatar_group: { id: 'group_new', name: 'Me' },
    } as never;
    const seen: string[] = [];
    const served = await w.jobs.createAvatar(w.client('acme'), { type: 'photo', name: 'Me', file: { type: 'url', url: 'https://example.com/me.png' } }, 'b', (a) =>
      seen.push(a.accountId),
    );
    expect(served.adapter.accountId).toBe('b');
    expect(seen).toEqual(['b']);
    expect(await w.store.spendByMonth(MONTH)).toEqual([{ clientId: 'acme', accountId: 'b', month: MONTH, reservedUsd: 0, settledUsd: 1, jobs: 1 }]);
    expect((await w.jobs.createVideo(w.client('acme'), { ...VIDEO, avatar_id: 'look_new' })).adapter.accountId).toBe('b');
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [10, '$10.00'],
    [0.1, '$0.10'],
    [0.1334, '$0.1334'],
    [0.0000014, '$0.000001'],
    [1234.5, '$1234.50'],
  ])('%s -> %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});
