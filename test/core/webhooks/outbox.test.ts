/**
 * The outbox against real loopback receivers and the real SQLite store. Time is the injected
 * clock: retries are driven by moving it and calling runOnce, never by sleeping.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/core/logger.js';
import { planDeliveries } from '../../../src/core/webhooks/events.js';
import { OutboxWorker, retryDelayMs, type OutboxOptions } from '../../../src/core/webhooks/outbox.js';
import { verifySignature } from '../../../src/core/webhooks/sign.js';
import type { LookupFn } from '../../../src/core/webhooks/target.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { JobRecord, WebhookEndpoint } from '../../../src/store/types.js';

const CLIENT_SECRET = 'acme-webhook-secret';
const CLIENTS: ClientConfig[] = [
  { id: 'acme', api_keys: ['k1'], accounts: ['hg'], routing: 'priority', webhook_secret: CLIENT_SECRET },
  { id: 'nosecret', api_keys: ['k2'], accounts: ['hg'], routing: 'priority' },
];
const T0 = Date.UTC(2026, 2, 25, 12, 0, 0);
const HOUR = 3_600_000;

interface Received {
  headers: IncomingMessage['headers'];
  /** Header names as sent on the wire. */
  rawNames: string[];
  body: string;
  path: string;
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  connections: number;
  /** Answers each request: a status, or 'hang' to never answer. */
  respond: (n: number) => number | 'hang';
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Omit<Receiver, 'url' | 'port' | 'close'> = { received: [], connections: 0, respond: () => 200 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.received.push({ headers: req.headers, rawNames: req.rawHeaders.filter((_, i) => i % 2 === 0), body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
      const answer = r.respond(r.received.length);
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  server.on('connection', () => r.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/hooks/heygen?token=abc`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function videoJob(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'gv_job1',
    clientId: 'acme',
    accountId: 'hg',
    provider: 'heygen-v3',
    kind: 'video',
    upstreamId: 'vid_1',
    status: 'completed',
    title: null,
    folderId: null,
    callbackUrl: null,
    callbackId: 'crm-row-42',
    request: {},
    detail: { status: 'completed', video_url: 'https://files.heygen.com/video/vid_1.mp4' },
    upstreamPayload: null,
    createdAt: T0 - 60_000,
    updatedAt: T0,
    completedAt: T0,
    deletedAt: null,
    ...over,
  };
}

let store: SqliteStore;
let rx: Receiver;
let clock: number;
const workers: OutboxWorker[] = [];

function worker(over: Partial<OutboxOptions> = {}): OutboxWorker {
  const w = new OutboxWorker({
    store,
    clients: CLIENTS,
    allowPrivateTargets: true,
    logger: silentLogger,
    now: () => clock,
    random: () => 0.5,
    ...over,
  });
  workers.push(w);
  return w;
}

/** Persists what a job's completion emits, as finishJob would, and returns the event id. */
async function emit(job: JobRecord, endpoints: WebhookEndpoint[] = []): Promise<string> {
  const effects = planDeliveries({ job, endpoints, now: clock });
  await store.insertEvents(effects);
  const id = effects.events[0]?.id;
  if (!id) throw new Error('no event');
  return id;
}

async function deliveries(eventId: string) {
  return store.listDeliveries(eventId);
}

beforeEach(async () => {
  store = SqliteStore.open(':memory:');
  rx = await startReceiver();
  clock = T0;
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  await rx.close();
  await store.close();
});

describe('OutboxWorker delivery', () => {
  it('delivers a callback once, signed with the client secret, with the stored body verbatim', async () => {
    const eventId = await emit(videoJob({ callbackUrl: rx.url }));
    const stored = await store.getEvent(eventId);
    const w = worker();

    expect(await w.runOnce()).toBe(1);
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.path).toBe('/hooks/heygen?token=abc');
    expect(got.body).toBe(stored?.body);
    expect(JSON.parse(got.body)).toEqual({
      event_type: 'avatar_video.success',
      event_data: {
        video_id: 'gv_job1',
        url: 'https://files.heygen.com/video/vid_1.mp4',
        gif_download_url: null,
        video_page_url: null,
        video_share_page_url: null,
        folder_id: null,
        callback_id: 'crm-row-42',
      },
    });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('heygen-gateway');
    expect(got.headers['heygen-event-id']).toBe(eventId);
    expect(got.headers['heygen-timestamp']).toBe(String(T0 / 1000));
    expect(verifySignature({ body: got.body, signature: got.headers['heygen-signature'] as string, secret: CLIENT_SECRET })).toBe(true);
    // Spelled as HeyGen documents them, for receivers that look headers up case-sensitively.
    expect(got.rawNames).toEqual(expect.arrayContaining(['Heygen-Signature', 'Heygen-Timestamp', 'Heygen-Event-Id', 'Content-Type']));

    const [d] = await deliveries(eventId);
    expect(d).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200, lastError: null, deliveredAt: T0 });
    // Delivered is final: nothing is due any more, now or later.
    clock += 48 * HOUR;
    expect(await w.runOnce()).toBe(0);
    expect(rx.received).toHaveLength(1);
  });

  it('signs an endpoint delivery with the endpoint secret, a callback with the client secret', async () => {
    const ep: WebhookEndpoint = {
      id: 'ep_1', clientId: 'acme', url: `${rx.url}&ep=1`, events: [], secret: 'whsec_endpoint', status: 'enabled',
      description: null, createdAt: T0 - HOUR, updatedAt: T0 - HOUR,
    };
    await store.createEndpoint(ep);
    const eventId = await emit(videoJob({ callbackUrl: rx.url }), [ep]);
    expect(await worker().runOnce()).toBe(2);
    const byPath = new Map(rx.received.map((r) => [r.path, r]));
    const toEndpoint = byPath.get('/hooks/heygen?token=abc&ep=1')!;
    const toCallback = byPath.get('/hooks/heygen?token=abc')!;
    expect(toEndpoint.body).toBe(toCallback.body);
    expect(toEndpoint.headers['heygen-event-id']).toBe(eventId);
    expect(verifySignature({ body: toEndpoint.body, signature: toEndpoint.headers['heygen-signature'] as string, secret: 'whsec_endpoint' })).toBe(true);
    expect(verifySignature({ body: toCallback.body, signature: toCallback.headers['heygen-signature'] as string, secret: CLIENT_SECRET })).toBe(true);
    expect(verifySignature({ body: toEndpoint.body, signature: toEndpoint.headers['heygen-signature'] as string, secret: CLIENT_SECRET })).toBe(false);
  });

  it('sends no signature header for a client without webhook_secret', async () => {
    await emit(videoJob({ clientId: 'nosecret', callbackUrl: rx.url }));
    expect(await worker().runOnce()).toBe(1);
    expect(rx.received[0]?.headers).not.toHaveProperty('heygen-signature');
    expect(rx.received[0]?.headers['heygen-event-id']).toMatch(/^evt_/);
  });

  it('a receiver down for a while gets the same event id and bytes on a later attempt, after backoff', async () => {
    rx.respond = (n) => (n <= 3 ? 500 : 200);
    const eventId = await emit(videoJob({ callbackUrl: rx.url }));
    const w = worker();

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await w.runOnce()).toBe(1);
      const [d] = await deliveries(eventId);
      expect(d).toMatchObject({ state: 'pending', attempts: attempt, lastStatus: 500, lastError: 'HTTP 500' });
      // Not due before the backoff has passed.
      expect(await w.runOnce()).toBe(0);
      waits.push(d!.nextAttemptAt - clock);
      clock = d!.nextAttemptAt;
    }
    // random() pinned to 0.5: no jitter, so the schedule is the bare exponential one.
    expect(waits).toEqual([10_000, 30_000, 90_000]);
    expect(await w.runOnce()).toBe(1);

    expect(rx.received).toHaveLength(4);
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
    expect(rx.received.map((r) => r.headers['heygen-event-id'])).toEqual([eventId, eventId, eventId, eventId]);
    const last = rx.received[3]!;
    expect(last.headers['heygen-timestamp']).toBe(String(Math.floor(clock / 1000)));
    expect(verifySignature({ body: last.body, signature: last.headers['heygen-signature'] as string, secret: CLIENT_SECRET })).toBe(true);
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'delivered', attempts: 4, lastStatus: 200, deliveredAt: clock });
  });

  it('a receiver that does not answer within the timeout is retried', async () => {
    rx.respond = (n) => (n === 1 ? 'hang' : 204);
    const eventId = await emit(videoJob({ callbackUrl: rx.url }));
    const w = worker({ timeoutMs: 300 });

    expect(await w.runOnce()).toBe(1);
    const [d] = await deliveries(eventId);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'no answer within 300 ms' });
    clock = d!.nextAttemptAt;
    expect(await w.runOnce()).toBe(1);
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 204 });
    expect(rx.received.map((r) => r.headers['heygen-event-id'])).toEqual([eventId, eventId]);
  });

  it('a connection refused is retried like any transient failure', async () => {
    await rx.close();
    const eventId = await emit(videoJob({ callbackUrl: rx.url }));
    expect(await worker().runOnce()).toBe(1);
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'ECONNREFUSED' });
    rx = await startReceiver(); // afterEach closes this one
  });

  it('gives up 24 hours after the event was created: the last try is at the deadline, then failed', async () => {
    rx.respond = () => 503;
    const eventId = await emit(videoJob({ callbackUrl: rx.url }));
    const w = worker();
    expect(await w.runOnce()).toBe(1);

    clock = T0 + 24 * HOUR - 5_000;
    expect(await w.runOnce()).toBe(1);
    let [d] = await deliveries(eventId);
    expect(d).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: T0 + 24 * HOUR });

    clock = T0 + 24 * HOUR;
    expect(await w.runOnce()).toBe(1);
    [d] = await deliveries(eventId);
    expect(d).toMatchObject({ state: 'failed', attempts: 3, lastStatus: 503, lastError: 'HTTP 503' });

    clock += 48 * HOUR;
    expect(await w.runOnce()).toBe(0);
    expect(rx.received).toHaveLength(3);
  });

  it('an endpoint rotated or moved after the event uses its current secret and URL on the retry', async () => {
    rx.respond = (n) => (n === 1 ? 500 : 200);
    const ep: WebhookEndpoint = {
      id: 'ep_rot', clientId: 'acme', url: `${rx.url}&v=1`, events: [], secret: 'whsec_old', status: 'enabled',
      description: null, createdAt: T0, updatedAt: T0,
    };
    await store.createEndpoint(ep);
    const eventId = await emit(videoJob(), [ep]);
    const w = worker();
    expect(await w.runOnce()).toBe(1);
    await store.updateEndpoint('ep_rot', { secret: 'whsec_new', url: `${rx.url}&v=2` }, clock);
    clock = (await deliveries(eventId))[0]!.nextAttemptAt;
    expect(await w.runOnce()).toBe(1);
    const second = rx.received[1]!;
    expect(second.path).toBe('/hooks/heygen?token=abc&v=2');
    expect(verifySignature({ body: second.body, signature: second.headers['heygen-signature'] as string, secret: 'whsec_new' })).toBe(true);
  });

  it('a disabled endpoint fails its pending deliveries without sending', async () => {
    const ep: WebhookEndpoint = {
      id: 'ep_off', clientId: 'acme', url: rx.url, events: [], secret: 'whsec_x', status: 'enabled',
      description: null, createdAt: T0, updatedAt: T0,
    };
    await store.createEndpoint(ep);
    const eventId = await emit(videoJob(), [ep]);
    await store.updateEndpoint('ep_off', { status: 'disabled' }, clock);
    expect(await worker().runOnce()).toBe(1);
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'failed', lastError: 'endpoint disabled' });
    expect(rx.received).toHaveLength(0);
  });
});

describe('OutboxWorker SSRF at delivery time', () => {
  /** A resolver that says every name is this loopback host (DNS pointing somewhere it should not). */
  const toLoopback: LookupFn = (_host, options, cb) =>
    'all' in options && options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);

  it('refuses a name that resolves to 127.0.0.1: failed for good, no connection made', async () => {
    const eventId = await emit(videoJob({ callbackUrl: `http://hooks.example.test:${rx.port}/cb` }));
    const w = worker({ allowPrivateTargets: false, lookup: toLoopback });
    expect(await w.runOnce()).toBe(1);
    const [d] = await deliveries(eventId);
    expect(d).toMatchObject({ state: 'failed', attempts: 1, lastStatus: null });
    expect(d!.lastError).toMatch(/^refused: .*127\.0\.0\.1/);
    expect(rx.connections).toBe(0);
    clock += HOUR;
    expect(await w.runOnce()).toBe(0);
  });

  it('refuses IP literals and localhost on loopback without connecting', async () => {
    const ids = [];
    for (const url of [rx.url, `http://localhost:${rx.port}/cb`, `http://[::ffff:127.0.0.1]:${rx.port}/cb`]) {
      ids.push(await emit(videoJob({ id: `gv_${ids.length}`, callbackUrl: url })));
    }
    expect(await worker({ allowPrivateTargets: false }).runOnce()).toBe(3);
    for (const id of ids) expect((await deliveries(id))[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(rx.connections).toBe(0);
  });

  it('refuses a stored target that is not http(s)', async () => {
    const eventId = await emit(videoJob({ callbackUrl: 'file:///etc/passwd' }));
    expect(await worker().runOnce()).toBe(1);
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'failed', lastError: 'refused: target is not http(s)' });
  });

  it('with allow_private_targets the same name is delivered through the resolver (Host keeps the name)', async () => {
    const eventId = await emit(videoJob({ callbackUrl: `http://hooks.example.test:${rx.port}/cb` }));
    expect(await worker({ allowPrivateTargets: true, lookup: toLoopback }).runOnce()).toBe(1);
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'delivered' });
    expect(rx.received[0]?.headers.host).toBe(`hooks.example.test:${rx.port}`);
  });
});

describe('OutboxWorker loop', () => {
  it('start() sends what becomes due and stop() waits for the attempt in flight', async () => {
    let release: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (release = resolve));
    rx.respond = () => {
      release();
      return 200;
    };
    const w = worker({ pollIntervalMs: 10 });
    w.start();
    const eventId = await emit(videoJob({ callbackUrl: rx.url }));
    w.wake();
    await arrived;
    await w.stop();
    expect((await deliveries(eventId))[0]).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('two workers on one store never send the same attempt twice', async () => {
    for (let i = 0; i < 6; i++) await emit(videoJob({ id: `gv_${i}`, callbackUrl: rx.url }));
    const [a, b] = await Promise.all([worker({ concurrency: 4 }).runOnce(), worker({ concurrency: 4 }).runOnce()]);
    expect(a + b).toBe(6);
    expect(rx.received).toHaveLength(6);
    expect(new Set(rx.received.map((r) => r.headers['heygen-event-id'])).size).toBe(6);
  });
});

describe('retryDelayMs', () => {
  it('grows by 3x from 10 s, caps at 1 h, and jitters within +-20 %', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n, mid))).toEqual([
      10_000, 30_000, 90_000, 270_000, 810_000, 2_430_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(retryDelayMs(1, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, () => 1)).toBe(12_000);
  });
});
