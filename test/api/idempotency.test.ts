/**
 * `Idempotency-Key` on the create routes, through the whole fastify app (inject) in front of a
 * scripted fake upstream: what a retrying client sees (replays, 409 conflict, 409
 * request_in_progress), that keys are per client, and which first answers are kept. The error
 * texts are the documents' codes ("Error Codes" in 002_0ef26fb39557cb97.txt).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setImmediate as tick } from 'node:timers/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { IDEMPOTENCY_TTL_MS } from '../../src/api/idempotency.js';
import { GatewayConfig } from '../../src/config/schema.js';
import type { VideoSubmitted } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { fakeProvider } from '../helpers/fake-adapter.js';

/** HeyGen's "Avatar Video" example body (POST /v3/videos). */
const VIDEO = { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' };
const TRANSLATION = { video: { type: 'url', url: 'https://example.com/video.mp4' }, output_languages: ['Spanish'], mode: 'speed' };
const KEY = { acme: 'acme-key', globex: 'globex-key' };

const config = GatewayConfig.parse({
  log: { level: 'silent' },
  clients: [
    { id: 'acme', api_keys: [KEY.acme], accounts: ['hg'] },
    { id: 'globex', api_keys: [KEY.globex], accounts: ['hg'] },
  ],
  accounts: [{ id: 'hg', provider: 'heygen-v3', base_url: 'https://api.heygen.example', api_key: 'upstream-hg' }],
});

const fake = fakeProvider();
let app: FastifyInstance;
let store: SqliteStore;
let upstreamSeq = 0;

beforeAll(async () => {
  store = SqliteStore.open(':memory:');
  app = await buildApp(config, { logger: false, store, factories: { 'heygen-v3': fake.factory } });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
});
afterEach(() => {
  fake.adapter('hg').script = {};
  fake.adapter('hg').calls.length = 0;
  vi.useRealTimers();
});

const nextSubmit = (): VideoSubmitted => ({ upstreamId: `up_${++upstreamSeq}`, status: 'pending', payload: {} });
const creates = () => fake.adapter('hg').calls.filter((c) => c.method === 'createVideo' || c.method === 'createTranslation');

function post(path: string, body: unknown, key: string | null, client = KEY.acme): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'x-api-key': client, 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }) },
    payload: JSON.stringify(body),
  });
}

const errorOf = (code: string, message: string, param: string | null = 'Idempotency-Key') => ({ error: { code, message, param, doc_url: null } });
const CONFLICT = errorOf('conflict', 'This Idempotency-Key was used with a different request body.');
const IN_PROGRESS = errorOf('request_in_progress', 'A request with this Idempotency-Key is still in progress; retry when it has finished.');

describe('Idempotency-Key on POST /v3/videos', () => {
  it('a retry with the same key and body replays the first answer, with one upstream job', async () => {
    fake.adapter('hg').script.createVideo = nextSubmit;
    const first = await post('/v3/videos', VIDEO, 'k-replay');
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const videoId = first.json().data.video_id as string;
    expect(first.json()).toStrictEqual({ data: { video_id: videoId, status: 'pending' } });

    const again = await post('/v3/videos', VIDEO, 'k-replay');
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['x-gateway-account']).toBe('hg');
    expect(again.headers['x-gateway-provider']).toBe('heygen-v3');
    expect(creates()).toHaveLength(1);
    // The same body in another key order is the same request.
    const reordered = await post('/v3/videos', { script: VIDEO.script, voice_id: VIDEO.voice_id, avatar_id: VIDEO.avatar_id, type: 'avatar' }, 'k-replay');
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    expect(reordered.json().data.video_id).toBe(videoId);
    expect(creates()).toHaveLength(1);
    // The replayed id is a real job.
    expect((await store.getJob(videoId))?.upstreamId).toBe(`up_${upstreamSeq}`);
  });

  it('the same key with a different body is 409 conflict, and the upstream is not called', async () => {
    fake.adapter('hg').script.createVideo = nextSubmit;
    expect((await post('/v3/videos', VIDEO, 'k-conflict')).statusCode).toBe(200);
    const other = await post('/v3/videos', { ...VIDEO, script: 'Something else entirely.' }, 'k-conflict');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toStrictEqual(CONFLICT);
    // Another create route with the same key is another request too.
    const elsewhere = await post('/v3/video-translations', TRANSLATION, 'k-conflict');
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.json()).toStrictEqual(CONFLICT);
    expect(creates()).toHaveLength(1);
  });

  it('while the first is still in flight, a retry is 409 request_in_progress; afterwards it replays', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.adapter('hg').script.createVideo = async () => {
      await held;
      return nextSubmit();
    };
    const first = post('/v3/videos', VIDEO, 'k-flight');
    while (creates().length === 0) await tick();
    const during = await post('/v3/videos', VIDEO, 'k-flight');
    expect(during.statusCode).toBe(409);
    expect(during.json()).toStrictEqual(IN_PROGRESS);
    // A different body is still a conflict, in flight or not.
    expect((await post('/v3/videos', { ...VIDEO, title: 'x' }, 'k-flight')).json()).toStrictEqual(CONFLICT);
    release();
    const done = await first;
    expect(done.statusCode).toBe(200);
    const after = await post('/v3/videos', VIDEO, 'k-flight');
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.json()).toStrictEqual(done.json());
    expect(creates()).toHaveLength(1);
  });

  it('100 concurrent identical creates make exactly one upstream job', async () => {
    fake.adapter('hg').script.createVideo = async () => {
      for (let i = 0; i < 20; i++) await tick();
      return nextSubmit();
    };
    const answers = await Promise.all(Array.from({ length: 100 }, () => post('/v3/videos', VIDEO, 'k-burst')));
    expect(creates()).toHaveLength(1);
    const ok = answers.filter((a) => a.statusCode === 200);
    const ids = new Set(ok.map((a) => a.json().data.video_id as string));
    expect(ids.size).toBe(1);
    for (const a of answers.filter((x) => x.statusCode !== 200)) {
      expect(a.statusCode).toBe(409);
      expect(a.json()).toStrictEqual(IN_PROGRESS);
    }
    expect(ok.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
  });

  it('keys are per client: the same key from another client is its own request', async () => {
    fake.adapter('hg').script.createVideo = nextSubmit;
    const a = await post('/v3/videos', VIDEO, 'k-shared', KEY.acme);
    const b = await post('/v3/videos', VIDEO, 'k-shared', KEY.globex);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().data.video_id).not.toBe(a.json().data.video_id);
    expect(creates()).toHaveLength(2);
    // And each replays its own.
    expect((await post('/v3/videos', VIDEO, 'k-shared', KEY.globex)).json()).toStrictEqual(b.json());
    expect((await post('/v3/videos', { ...VIDEO, title: 'x' }, 'k-shared', KEY.globex)).statusCode).toBe(409);
    expect((await store.getJob(b.json().data.video_id as string))?.clientId).toBe('globex');
  });

  it('a 5xx first answer is not kept: the retry goes through to the upstream', async () => {
    fake.adapter('hg').script.createVideo = new GatewayError('upstream_error', 'The upstream provider failed.', { status: 502 });
    const failed = await post('/v3/videos', VIDEO, 'k-5xx');
    expect(failed.statusCode).toBe(502);
    fake.adapter('hg').script.createVideo = nextSubmit;
    const retried = await post('/v3/videos', VIDEO, 'k-5xx');
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(creates()).toHaveLength(2);
    // The success is what is kept.
    const replay = await post('/v3/videos', VIDEO, 'k-5xx');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toStrictEqual(retried.json());
  });

  it('a 429 first answer is not kept either', async () => {
    fake.adapter('hg').script.createVideo = new GatewayError('rate_limit_exceeded', 'Too many requests.', { retryAfter: 7 });
    const limited = await post('/v3/videos', VIDEO, 'k-429');
    expect(limited.statusCode).toBe(429);
    fake.adapter('hg').script.createVideo = nextSubmit;
    const retried = await post('/v3/videos', VIDEO, 'k-429');
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a 4xx first answer is the answer: replayed without calling the upstream again', async () => {
    fake.adapter('hg').script.createVideo = new GatewayError('avatar_not_found', "Avatar 'look_def456' was not found.", { param: 'avatar_id' });
    const first = await post('/v3/videos', VIDEO, 'k-4xx');
    expect(first.statusCode).toBe(404);
    const again = await post('/v3/videos', VIDEO, 'k-4xx');
    expect(again.statusCode).toBe(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(creates()).toHaveLength(1);
  });

  it('a record older than 24 hours no longer replays', async () => {
    fake.adapter('hg').script.createVideo = nextSubmit;
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.parse('2026-03-25T12:00:00Z');
    vi.setSystemTime(t0);
    const first = await post('/v3/videos', VIDEO, 'k-ttl');
    vi.setSystemTime(t0 + IDEMPOTENCY_TTL_MS - 1000);
    expect((await post('/v3/videos', VIDEO, 'k-ttl')).headers['idempotent-replayed']).toBe('true');
    vi.setSystemTime(t0 + IDEMPOTENCY_TTL_MS + 1000);
    const later = await post('/v3/videos', VIDEO, 'k-ttl');
    expect(later.statusCode).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.json().data.video_id).not.toBe(first.json().data.video_id);
    expect(creates()).toHaveLength(2);
  });

  it('without a key every create is its own job', async () => {
    fake.adapter('hg').script.createVideo = nextSubmit;
    const a = await post('/v3/videos', VIDEO, null);
    const b = await post('/v3/videos', VIDEO, null);
    expect(a.json().data.video_id).not.toBe(b.json().data.video_id);
    expect(creates()).toHaveLength(2);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'my key'],
    ['non-ASCII', 'clé-1'],
  ])('a key %s is 400 invalid_parameter, before any upstream call', async (_what, key) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v3/videos',
      headers: { 'x-api-key': KEY.acme, 'content-type': 'application/json', 'idempotency-key': Buffer.from(key, 'utf8').toString('latin1') },
      payload: JSON.stringify(VIDEO),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toStrictEqual(errorOf('invalid_parameter', "'Idempotency-Key' must be 1-255 printable ASCII characters."));
    expect(creates()).toHaveLength(0);
  });
});

describe('Idempotency-Key on the other creates', () => {
  it('POST /v3/video-translations replays its ids', async () => {
    const first = await post('/v3/video-translations', TRANSLATION, 'k-tr');
    expect(first.statusCode).toBe(200);
    const again = await post('/v3/video-translations', TRANSLATION, 'k-tr');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toStrictEqual(first.json());
    expect(creates()).toHaveLength(1);
  });

  it('POST /v3/avatars replays the created avatar', async () => {
    fake.adapter('hg').script.createAvatar = { avatar_item: { id: 'look_new1', name: 'Ada', avatar_type: 'photo_avatar' } };
    const body = { type: 'prompt', name: 'Ada', prompt: 'A friendly presenter in a blue blazer' };
    const first = await post('/v3/avatars', body, 'k-avatar');
    expect(first.statusCode, first.body).toBe(200);
    const again = await post('/v3/avatars', body, 'k-avatar');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(fake.adapter('hg').calls.filter((c) => c.method === 'createAvatar')).toHaveLength(1);
  });
});
