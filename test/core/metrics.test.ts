/**
 * The metrics registry as a scraper reads it (Prometheus text), the store query behind the jobs
 * gauge, and the adapter timing done by AccountSet.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GatewayConfig } from '../../src/config/schema.js';
import { AccountSet, type AdapterCall } from '../../src/core/accounts.js';
import type { CircuitSnapshot } from '../../src/core/circuit.js';
import { GatewayError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { MAX_UNKNOWN_WORDS, Metrics, normalizeWord, type MetricsOptions } from '../../src/core/metrics.js';
import { planDeliveries } from '../../src/core/webhooks/events.js';
import { OutboxWorker } from '../../src/core/webhooks/outbox.js';
import { openStore } from '../../src/store/open.js';
import type { JobRecord, JobStatusCount, NewJob, SpendRow } from '../../src/store/types.js';
import { fakeProvider } from '../helpers/fake-adapter.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample line of a Prometheus text exposition. */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples of one metric whose labels include `labels`. */
function find(text: string, name: string, labels: Record<string, string> = {}): Sample[] {
  return samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

const ACCOUNTS = [
  { id: 'hg', provider: 'heygen-v3' },
  { id: 'cw', provider: 'cloudsway' },
];
const NOW = Date.UTC(2026, 3, 15, 12, 0, 0); // 2026-04

function metrics(opts: MetricsOptions = {}): Metrics {
  return new Metrics({ processMetrics: false, accounts: ACCOUNTS, now: () => NOW, ...opts });
}

function fakeStore(jobs: JobStatusCount[], spend: SpendRow[] = []): NonNullable<MetricsOptions['store']> & { months: string[] } {
  const months: string[] = [];
  return {
    months,
    countJobsByStatus: async () => jobs,
    spendByMonth: async (month: string) => {
      months.push(month);
      return spend.filter((r) => r.month === month);
    },
  };
}

describe('request counter', () => {
  it('counts by route pattern, method, status, account and provider', async () => {
    const m = metrics();
    const call = { route: '/v3/videos/:video_id', method: 'GET', status: 200, account: 'hg', provider: 'heygen-v3', seconds: 0.004 };
    m.observeRequest(call);
    m.observeRequest(call);
    m.observeRequest({ ...call, status: 404, account: undefined, provider: undefined });
    const text = await m.text();
    expect(find(text, 'gateway_http_requests_total')).toEqual([
      {
        name: 'gateway_http_requests_total',
        labels: { route: '/v3/videos/:video_id', method: 'GET', status: '200', account: 'hg', provider: 'heygen-v3' },
        value: 2,
      },
      {
        name: 'gateway_http_requests_total',
        labels: { route: '/v3/videos/:video_id', method: 'GET', status: '404', account: '', provider: '' },
        value: 1,
      },
    ]);
    expect(find(text, 'gateway_http_request_duration_seconds_count', { route: '/v3/videos/:video_id', method: 'GET' })[0]?.value).toBe(3);
    expect(find(text, 'gateway_http_request_duration_seconds_bucket', { route: '/v3/videos/:video_id', le: '0.005' })[0]?.value).toBe(3);
    expect(find(text, 'gateway_http_request_duration_seconds_bucket', { route: '/v3/videos/:video_id', le: '0.0025' })[0]?.value).toBe(0);
  });

  it('keeps labels bounded: unmatched routes, unknown accounts and odd methods collapse', async () => {
    const m = metrics();
    m.observeRequest({ route: null, method: 'PROPFIND', status: 404, account: 'not-configured', provider: 'mystery', seconds: 0.001 });
    const text = await m.text();
    expect(find(text, 'gateway_http_requests_total')).toEqual([
      {
        name: 'gateway_http_requests_total',
        labels: { route: '(unmatched)', method: 'other', status: '404', account: 'other', provider: 'other' },
        value: 1,
      },
    ]);
  });
});

describe('upstream latency', () => {
  it('observes each call by account, provider, operation and outcome', async () => {
    const m = metrics();
    m.observeUpstream({ account: 'hg', provider: 'heygen-v3', operation: 'getVideo', outcome: 'ok', seconds: 0.02 });
    m.observeUpstream({ account: 'hg', provider: 'heygen-v3', operation: 'getVideo', outcome: 'gateway_timeout', seconds: 30 });
    const text = await m.text();
    const ok = { account: 'hg', provider: 'heygen-v3', operation: 'getVideo', outcome: 'ok' };
    expect(find(text, 'gateway_upstream_request_duration_seconds_count', ok)[0]?.value).toBe(1);
    expect(find(text, 'gateway_upstream_request_duration_seconds_sum', ok)[0]?.value).toBe(0.02);
    expect(find(text, 'gateway_upstream_request_duration_seconds_bucket', { ...ok, le: '0.01' })[0]?.value).toBe(0);
    expect(find(text, 'gateway_upstream_request_duration_seconds_bucket', { ...ok, le: '0.025' })[0]?.value).toBe(1);
    expect(find(text, 'gateway_upstream_request_duration_seconds_count', { ...ok, outcome: 'gateway_timeout' })[0]?.value).toBe(1);
  });
});

describe('unknown status words', () => {
  it('counts by provider, kind and normalized word', async () => {
    const m = metrics();
    m.unknownStatus('heygen-v3', 'video', 'rendering');
    m.unknownStatus('heygen-v3', 'video', 'Rendering ');
    m.unknownStatus('gmi', 'video', 'on hold!');
    const text = await m.text();
    expect(find(text, 'gateway_upstream_unknown_status_total', { provider: 'heygen-v3', kind: 'video', word: 'rendering' })[0]?.value).toBe(2);
    expect(find(text, 'gateway_upstream_unknown_status_total', { provider: 'gmi', word: 'on_hold_' })[0]?.value).toBe(1);
  });

  it(`keeps the first ${MAX_UNKNOWN_WORDS} words and counts later ones as "other"`, async () => {
    const m = metrics();
    for (let i = 0; i < MAX_UNKNOWN_WORDS + 5; i++) m.unknownStatus('gmi', 'video', `word${i}`);
    m.unknownStatus('gmi', 'video', 'word0');
    const rows = find(await m.text(), 'gateway_upstream_unknown_status_total');
    expect(rows).toHaveLength(MAX_UNKNOWN_WORDS + 1);
    expect(rows.find((r) => r.labels.word === 'other')?.value).toBe(5);
    expect(rows.find((r) => r.labels.word === 'word0')?.value).toBe(2);
  });

  it('normalizes words into a short, safe label value', () => {
    expect(normalizeWord('  IN_QUEUE ')).toBe('in_queue');
    expect(normalizeWord('"}\n evil')).toBe('_evil');
    expect(normalizeWord('x'.repeat(100))).toHaveLength(40);
    expect(normalizeWord('   ')).toBe('(empty)');
  });
});

describe('webhook deliveries', () => {
  it('exposes every outcome from zero and counts attempts', async () => {
    const m = metrics();
    m.delivery('delivered');
    m.delivery('retry');
    m.delivery('retry');
    const rows = find(await m.text(), 'gateway_webhook_deliveries_total').map((r) => [r.labels.outcome, r.value]);
    expect(Object.fromEntries(rows)).toEqual({ delivered: 1, retry: 2, failed: 0 });
  });
});

describe('jobs and budget gauges (read from the store at scrape time)', () => {
  it('reports jobs by provider, kind and status, and drops series that went away', async () => {
    const jobs: JobStatusCount[] = [
      { provider: 'heygen-v3', kind: 'video', status: 'completed', n: 7 },
      { provider: 'gmi', kind: 'video', status: 'pending', n: 2 },
    ];
    const m = metrics({ store: fakeStore(jobs) });
    let text = await m.text();
    expect(find(text, 'gateway_jobs', { provider: 'heygen-v3', kind: 'video', status: 'completed' })[0]?.value).toBe(7);
    expect(find(text, 'gateway_jobs', { provider: 'gmi', status: 'pending' })[0]?.value).toBe(2);
    jobs.pop();
    text = await m.text();
    expect(find(text, 'gateway_jobs')).toHaveLength(1);
  });

  it("sums this month's reserved and settled spend per client against its budget", async () => {
    const row = (clientId: string, accountId: string, month: string, reservedUsd: number, settledUsd: number): SpendRow => ({
      clientId,
      accountId,
      month,
      reservedUsd,
      settledUsd,
      jobs: 1,
    });
    const store = fakeStore(
      [],
      [row('acme', 'hg', '2026-04', 10, 40), row('acme', 'cw', '2026-04', 0, 25), row('acme', 'hg', '2026-03', 0, 999), row('globex', 'hg', '2026-04', 3, 0)],
    );
    const m = metrics({
      store,
      clients: [{ id: 'acme', monthly_budget_usd: 250 }, { id: 'globex' }, { id: 'initech', monthly_budget_usd: 100 }],
    });
    const text = await m.text();
    const values = (name: string) => Object.fromEntries(find(text, name).map((s) => [s.labels.client, s.value]));
    expect(values('gateway_budget_spent_usd')).toEqual({ acme: 75, globex: 3, initech: 0 });
    expect(values('gateway_budget_limit_usd')).toEqual({ acme: 250, initech: 100 });
    expect(values('gateway_budget_used_ratio')).toEqual({ acme: 0.3, initech: 0 });
    expect(new Set(store.months)).toEqual(new Set(['2026-04']));
  });

  it('still answers when the store fails (the gauge is left empty)', async () => {
    const m = metrics({
      store: { countJobsByStatus: () => Promise.reject(new Error('closed')), spendByMonth: () => Promise.reject(new Error('closed')) },
      clients: [{ id: 'acme', monthly_budget_usd: 10 }],
      logger: silentLogger,
    });
    const text = await m.text();
    expect(find(text, 'gateway_jobs')).toEqual([]);
    expect(find(text, 'gateway_budget_spent_usd')).toEqual([]);
    expect(find(text, 'gateway_budget_limit_usd', { client: 'acme' })[0]?.value).toBe(10);
  });
});

describe('circuit states', () => {
  const snap = (state: CircuitSnapshot['state'], failures: number): CircuitSnapshot => ({
    state,
    consecutive_failures: failures,
    opened_at: state === 'closed' ? null : NOW,
    retry_at: state === 'closed' ? null : NOW + 30_000,
    probe_in_flight: false,
  });

  it('is empty until a source is attached, then one-hot per account', async () => {
    const m = metrics();
    expect(find(await m.text(), 'gateway_circuit_state')).toEqual([]);
    m.setCircuitSource(() => ({ hg: snap('open', 5), cw: snap('closed', 0) }));
    const text = await m.text();
    const states = (account: string) => Object.fromEntries(find(text, 'gateway_circuit_state', { account }).map((s) => [s.labels.state, s.value]));
    expect(states('hg')).toEqual({ closed: 0, open: 1, half_open: 0 });
    expect(states('cw')).toEqual({ closed: 1, open: 0, half_open: 0 });
    expect(find(text, 'gateway_circuit_consecutive_failures', { account: 'hg' })[0]?.value).toBe(5);
  });
});

describe('registries', () => {
  it('each Metrics has its own registry (two apps in one process never mix figures)', async () => {
    const a = metrics();
    const b = metrics();
    a.delivery('failed');
    expect(find(await b.text(), 'gateway_webhook_deliveries_total', { outcome: 'failed' })[0]?.value).toBe(0);
    expect(find(await a.text(), 'gateway_webhook_deliveries_total', { outcome: 'failed' })[0]?.value).toBe(1);
    expect(a.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('adds the Node process metrics unless told not to', async () => {
    const m = new Metrics();
    expect(find(await m.text(), 'process_resident_memory_bytes').length + find(await m.text(), 'nodejs_heap_size_used_bytes').length).toBeGreaterThan(0);
    expect(find(await metrics().text(), 'nodejs_heap_size_used_bytes')).toEqual([]);
  });
});

describe('SqliteStore.countJobsByStatus', () => {
  it('groups jobs that are not deleted by provider, kind and status', async () => {
    const store = openStore('sqlite::memory:');
    const job = (id: string, provider: string, kind: 'video' | 'translation', status: string): NewJob => ({
      id,
      clientId: 'acme',
      accountId: provider === 'gmi' ? 'gm' : 'hg',
      provider,
      kind,
      upstreamId: `up_${id}`,
      status,
      title: null,
      folderId: null,
      callbackUrl: null,
      callbackId: null,
      request: {},
      detail: { status },
      upstreamPayload: {},
      createdAt: NOW,
    });
    await store.insertJobs([
      job('a', 'heygen-v3', 'video', 'pending'),
      job('b', 'heygen-v3', 'video', 'pending'),
      job('c', 'heygen-v3', 'translation', 'running'),
      job('d', 'gmi', 'video', 'pending'),
      job('e', 'gmi', 'video', 'pending'),
    ]);
    await store.markDeleted('e', NOW);
    const rows = await store.countJobsByStatus();
    const key = (r: JobStatusCount) => `${r.provider}/${r.kind}/${r.status}`;
    expect(Object.fromEntries(rows.map((r) => [key(r), r.n]))).toEqual({
      'heygen-v3/video/pending': 2,
      'heygen-v3/translation/running': 1,
      'gmi/video/pending': 1,
    });
    await store.close();
  });
});

describe('AccountSet adapter timing', () => {
  const config = GatewayConfig.parse({
    clients: [{ id: 'acme', api_keys: ['k'], accounts: ['hg'] }],
    accounts: [{ id: 'hg', provider: 'heygen-v3', base_url: 'https://api.heygen.example', api_key: 'up' }],
  });

  it('reports every async adapter call with its account, operation, outcome and duration', async () => {
    const fake = fakeProvider({
      hg: {
        script: {
          getVideo: () => ({ detail: { status: 'processing' }, payload: {} }),
          deleteVideo: new GatewayError('video_not_found', 'Video not found.'),
          getUser: new Error('socket hang up'),
          getVoice: new GatewayError('some_upstream_word' as 'internal_error', 'odd'),
        },
      },
    });
    const calls: AdapterCall[] = [];
    const set = new AccountSet(config.accounts, { 'heygen-v3': fake.factory }, { logger: silentLogger }, { onCall: (c) => calls.push(c) });
    const adapter = set.get('hg')!;
    expect(adapter.accountId).toBe('hg');
    expect(adapter.provider).toBe('heygen-v3');
    await expect(adapter.getVideo('up_1')).resolves.toEqual({ detail: { status: 'processing' }, payload: {} });
    await expect(adapter.deleteVideo('up_1')).rejects.toThrow('Video not found.');
    await expect(adapter.getUser()).rejects.toThrow('socket hang up');
    await expect(adapter.getVoice('v')).rejects.toThrow('odd');
    await set.close();
    expect(calls.map(({ seconds, ...c }) => c)).toEqual([
      { account: 'hg', provider: 'heygen-v3', operation: 'getVideo', outcome: 'ok' },
      { account: 'hg', provider: 'heygen-v3', operation: 'deleteVideo', outcome: 'video_not_found' },
      { account: 'hg', provider: 'heygen-v3', operation: 'getUser', outcome: 'error' },
      // a code outside the v3 set would be a new label value per upstream whim
      { account: 'hg', provider: 'heygen-v3', operation: 'getVoice', outcome: 'error' },
    ]);
    for (const c of calls) expect(c.seconds).toBeGreaterThanOrEqual(0);
    // the calls reached the adapter itself, with their arguments; close() was not timed
    expect(fake.adapter('hg').calls.map((c) => [c.method, c.args])).toEqual([
      ['getVideo', ['up_1']],
      ['deleteVideo', ['up_1']],
      ['getUser', []],
      ['getVoice', ['v']],
      ['close', []],
    ]);
  });

  it('measures the time the call took', async () => {
    const fake = fakeProvider({ hg: { script: { getVideo: () => new Promise((r) => setTimeout(() => r({ detail: { status: 'pending' }, payload: {} }), 30)) } } });
    const calls: AdapterCall[] = [];
    const set = new AccountSet(config.accounts, { 'heygen-v3': fake.factory }, { logger: silentLogger }, { onCall: (c) => calls.push(c) });
    await set.get('hg')!.getVideo('x');
    expect(calls[0]?.seconds).toBeGreaterThanOrEqual(0.025);
  });

  it('hands out the adapter unwrapped without an observer', () => {
    const fake = fakeProvider();
    const set = new AccountSet(config.accounts, { 'heygen-v3': fake.factory }, { logger: silentLogger });
    expect(set.get('hg')).toBe(fake.adapter('hg'));
  });
});

describe('OutboxWorker onAttempt (the deliveries counter)', () => {
  it('reports retry, then delivered, then failed when the deadline has passed', async () => {
    const answers = [503, 200, 503];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(answers.shift() ?? 500).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const store = openStore('sqlite::memory:');
    let clock = NOW;
    const job = (id: string): JobRecord => ({
      id,
      clientId: 'acme',
      accountId: 'hg',
      provider: 'heygen-v3',
      kind: 'video',
      upstreamId: `up_${id}`,
      status: 'completed',
      title: null,
      folderId: null,
      callbackUrl: url,
      callbackId: null,
      request: {},
      detail: { status: 'completed', video_url: 'https://files.heygen.com/video/x.mp4' },
      upstreamPayload: null,
      createdAt: NOW - 60_000,
      updatedAt: NOW,
      completedAt: NOW,
      deletedAt: null,
    });
    const outcomes: string[] = [];
    const worker = new OutboxWorker({
      store,
      clients: [{ id: 'acme', api_keys: ['k'], accounts: ['hg'], routing: 'priority', webhook_secret: 's' }],
      allowPrivateTargets: true,
      logger: silentLogger,
      now: () => clock,
      random: () => 0.5,
      onAttempt: (o) => outcomes.push(o),
    });
    try {
      await store.insertEvents(planDeliveries({ job: job('gv_a'), endpoints: [], now: clock }));
      expect(await worker.runOnce()).toBe(1); // 503: retried later
      clock += 60 * 60 * 1000;
      expect(await worker.runOnce()).toBe(1); // 200
      await store.insertEvents(planDeliveries({ job: job('gv_b'), endpoints: [], now: clock - 24 * 60 * 60 * 1000 }));
      expect(await worker.runOnce()).toBe(1); // 503 at the 24 h deadline: given up
      expect(outcomes).toEqual(['retry', 'delivered', 'failed']);
    } finally {
      await worker.stop();
      await store.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
