/**
 * What a client sees when a request is wrong: status, v3 envelope, the field named in `param`
 * and in the message, and no upstream call. Driven with app.inject() over a fake adapter.
 */
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { GatewayConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { GatewayError } from '../../src/core/errors.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { frameworkErrors, installErrorHandling } from '../../src/api/error-handler.js';
import { fakeProvider, type FakeProvider } from '../helpers/fake-adapter.js';

const KEY = 'acme-client-key';
const UPSTREAM_KEY = 'upstream-secret-key';

/** HeyGen's "Avatar Video" example body (docs: POST /v3/videos). */
const VIDEO = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
};
/** HeyGen's translation example body (docs: POST /v3/video-translations), with a real URL. */
const TRANSLATION = {
  video: { type: 'url', url: 'https://example.com/source.mp4' },
  output_languages: ['Spanish'],
  mode: 'speed',
  title: 'My Translated Video',
};

const configInput = (allowPrivate = false): GatewayConfigInput => ({
  log: { level: 'silent' },
  webhooks: { allow_private_targets: allowPrivate },
  clients: [{ id: 'acme', api_keys: [KEY], accounts: ['hg'] }],
  accounts: [{ id: 'hg', provider: 'heygen-v3', base_url: 'https://api.heygen.example', api_key: UPSTREAM_KEY }],
});

interface Gateway {
  app: FastifyInstance;
  fake: FakeProvider;
}

async function gateway(allowPrivate = false): Promise<Gateway> {
  const fake = fakeProvider();
  const app = await buildApp(GatewayConfig.parse(configInput(allowPrivate)), {
    store: SqliteStore.open(':memory:'),
    factories: { 'heygen-v3': fake.factory },
    logger: false,
  });
  return { app, fake };
}

let gw: Gateway;
beforeAll(async () => {
  gw = await gateway();
});
afterAll(async () => {
  await gw.app.close();
});
beforeEach(() => {
  const adapter = gw.fake.adapter('hg');
  adapter.calls.length = 0;
  adapter.script = {};
});

function send(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  opts: { json?: unknown; raw?: string; headers?: Record<string, string>; key?: string | null; app?: FastifyInstance } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers['x-api-key'] = opts.key ?? KEY;
  let payload: string | undefined;
  if (opts.json !== undefined) {
    payload = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  if (opts.raw !== undefined) payload = opts.raw;
  return (opts.app ?? gw.app).inject({ method, url, headers: { ...headers, ...opts.headers }, ...(payload !== undefined ? { payload } : {}) });
}

const envelope = (code: string, message: string, param: string | null = null) => ({ error: { code, message, param, doc_url: null } });

/** The answer is exactly this v3 error, its message names the field, and the upstream was not called. */
function expectRejected(res: LightMyRequestResponse, status: number, code: string, message: string, param: string | null = null): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toEqual(envelope(code, message, param));
  if (param !== null) expect(message).toContain(`'${param}'`);
  expect(gw.fake.calls()).toEqual([]);
}

describe('POST /v3/videos rejects an invalid body before calling the upstream', () => {
  const { script: _script, ...silent } = VIDEO;
  const { type: _type, ...untyped } = VIDEO;
  const { avatar_id: _avatar, ...lookless } = VIDEO;

  it.each([
    ['missing type', untyped, 'type', `'type' is required and must be one of: "avatar", "image".`],
    ['unknown type', { ...VIDEO, type: 'movie' }, 'type', `'type' must be one of: "avatar", "image".`],
    ['type of the wrong JSON type', { ...VIDEO, type: 5 }, 'type', `'type' must be one of: "avatar", "image".`],
    ['missing avatar_id', lookless, 'avatar_id', `'avatar_id' is required.`],
    ['script over 5,000 characters', { ...VIDEO, script: 'a'.repeat(5001) }, 'script', `'script' must be at most 5,000 characters.`],
    ['empty script', { ...VIDEO, script: '' }, 'script', `'script' must not be empty.`],
    [
      'script and audio_url together',
      { ...VIDEO, audio_url: 'https://example.com/voice.mp3' },
      'audio_url',
      `'script' and 'audio_url' are mutually exclusive; provide exactly one.`,
    ],
    ['none of script, audio_url, audio_asset_id', silent, 'script', `Provide exactly one of 'script', 'audio_url' or 'audio_asset_id'.`],
    ['voice_settings.speed 2', { ...VIDEO, voice_settings: { speed: 2 } }, 'voice_settings.speed', `'voice_settings.speed' must be between 0.5 and 1.5.`],
    ['voice_settings.pitch -51', { ...VIDEO, voice_settings: { pitch: -51 } }, 'voice_settings.pitch', `'voice_settings.pitch' must be between -50 and 50.`],
    ['resolution "8k"', { ...VIDEO, resolution: '8k' }, 'resolution', `'resolution' must be one of: "4k", "1080p", "720p".`],
    ['unknown engine', { ...VIDEO, engine: { type: 'avatar_x' } }, 'engine.type', `'engine.type' must be one of: "avatar_iv", "avatar_v".`],
    ['title that is not a string', { ...VIDEO, title: 42 }, 'title', `'title' must be a string.`],
    ['unknown top-level field', { ...VIDEO, colour: 'red' }, 'colour', `'colour' is not a recognized field.`],
    ['unknown nested field', { ...VIDEO, voice_settings: { speed: 1, volume: 2 } }, 'voice_settings.volume', `'voice_settings.volume' is not a recognized field.`],
    [
      'unknown image type',
      { type: 'image', image: { type: 'ftp', url: 'x' }, script: 'Hi', voice_id: 'v' },
      'image.type',
      `'image.type' must be one of: "url", "asset_id", "base64".`,
    ],
  ])('%s -> 400 invalid_parameter', async (_name, body, param, message) => {
    expectRejected(await send('POST', '/v3/videos', { json: body }), 400, 'invalid_parameter', message, param);
  });

  it('a body that is not JSON -> 400 invalid_parameter', async () => {
    const res = await send('POST', '/v3/videos', { raw: '{"type": "avatar",', headers: { 'content-type': 'application/json' } });
    expectRejected(res, 400, 'invalid_parameter', 'The request body is not valid JSON.');
  });

  it('an empty JSON body -> 400 invalid_parameter', async () => {
    const res = await send('POST', '/v3/videos', { raw: '', headers: { 'content-type': 'application/json' } });
    expectRejected(res, 400, 'invalid_parameter', 'The request body is empty; send a JSON object.');
  });

  it.each([[[VIDEO]], ['a string'], [42], [null]])('a JSON body that is not an object (%j) -> 400 invalid_parameter', async (body) => {
    expectRejected(await send('POST', '/v3/videos', { json: body }), 400, 'invalid_parameter', 'The request body must be a JSON object.');
  });

  it('a multipart form -> 400 invalid_parameter, not a gateway failure', async () => {
    const res = await send('POST', '/v3/videos', {
      raw: '--b\r\nContent-Disposition: form-data; name="type"\r\n\r\navatar\r\n--b--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expectRejected(res, 400, 'invalid_parameter', 'The request body must be a JSON object.');
  });

  it('a JSON body over the 1 MB limit -> 413 payload_too_large', async () => {
    const res = await send('POST', '/v3/videos', { json: { ...VIDEO, title: 'x'.repeat(1024 * 1024) } });
    expectRejected(res, 413, 'payload_too_large', "The request body is larger than the gateway's limit of 1 MB.");
  });

  it('a form-encoded body -> 415 unsupported_media_type', async () => {
    const res = await send('POST', '/v3/videos', {
      raw: 'type=avatar&avatar_id=look_def456',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectRejected(res, 415, 'unsupported_media_type', "Content-Type 'application/x-www-form-urlencoded' is not supported here; send application/json.");
  });

  it('accepts the documented example, so the cases above fail for their own reason', async () => {
    const res = await send('POST', '/v3/videos', { json: VIDEO, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { video_id: expect.stringMatching(/^gv_[A-Za-z0-9_-]{22}$/), status: 'pending' } });
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
    expect(gw.fake.calls()).toEqual([{ method: 'createVideo', args: [VIDEO] }]);
  });
});

describe('GET /v3/videos rejects invalid query parameters', () => {
  it.each([
    ['limit=0', 'limit', "'limit' must be between 1 and 100."],
    ['limit=101', 'limit', "'limit' must be between 1 and 100."],
    ['limit=ten', 'limit', "'limit' must be an integer."],
    ['limit=2.5', 'limit', "'limit' must be an integer."],
    ['token=garbage', 'token', "'token' is not a valid pagination token."],
    ['sort=newest', 'sort', "'sort' is not a recognized query parameter."],
  ])('?%s -> 400 naming %s', async (query, param, message) => {
    expectRejected(await send('GET', `/v3/videos?${query}`), 400, 'invalid_parameter', message, param);
  });

  it('accepts limit=1 and limit=100', async () => {
    for (const limit of [1, 100]) {
      const res = await send('GET', `/v3/videos?limit=${limit}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ data: expect.any(Array), has_more: expect.any(Boolean) });
    }
  });
});

describe('POST /v3/video-translations rejects an invalid body', () => {
  const { output_languages: _langs, ...noLanguages } = TRANSLATION;

  it.each([
    ['missing output_languages', noLanguages, 'output_languages', "'output_languages' is required."],
    ['empty output_languages', { ...TRANSLATION, output_languages: [] }, 'output_languages', "'output_languages' must not be empty."],
    [
      'a language listed twice',
      { ...TRANSLATION, output_languages: ['Spanish', 'French', 'spanish'] },
      'output_languages[2]',
      `'output_languages[2]' repeats "spanish"; list each language once.`,
    ],
    ['an empty language', { ...TRANSLATION, output_languages: ['Spanish', ''] }, 'output_languages[1]', "'output_languages[1]' must not be empty."],
    ['speaker_num 0', { ...TRANSLATION, speaker_num: 0 }, 'speaker_num', "'speaker_num' must be between 1 and 20."],
    ['start_time -1', { ...TRANSLATION, start_time: -1 }, 'start_time', "'start_time' must be at least 0."],
    ['unknown mode', { ...TRANSLATION, mode: 'fast' }, 'mode', `'mode' must be one of: "speed", "precision".`],
    ['unknown video type', { ...TRANSLATION, video: { type: 'youtube', url: 'x' } }, 'video.type', `'video.type' must be one of: "url", "asset_id".`],
  ])('%s -> 400 invalid_parameter', async (_name, body, param, message) => {
    expectRejected(await send('POST', '/v3/video-translations', { json: body }), 400, 'invalid_parameter', message, param);
  });
});

describe('callback_url targets', () => {
  const PRIVATE = "'callback_url' points at a loopback, private or link-local address, which this gateway does not call.";

  it.each([
    ['/v3/videos', VIDEO],
    ['/v3/video-translations', TRANSLATION],
  ])('%s refuses a callback to 127.0.0.1', async (path, body) => {
    const res = await send('POST', path, { json: { ...body, callback_url: 'http://127.0.0.1:8081/hook' } });
    expectRejected(res, 400, 'invalid_parameter', PRIVATE, 'callback_url');
  });

  it('are allowed on loopback when webhooks.allow_private_targets is true', async () => {
    const open = await gateway(true);
    try {
      const res = await send('POST', '/v3/videos', { app: open.app, json: { ...VIDEO, callback_url: 'http://127.0.0.1:8081/hook' } });
      expect(res.statusCode).toBe(200);
      expect(open.fake.calls().map((c) => c.method)).toEqual(['createVideo']);
    } finally {
      await open.app.close();
    }
  });
});

describe('authentication', () => {
  const UNAUTHORIZED = envelope('unauthorized', 'Invalid or missing API key. Send it in the X-Api-Key header.');

  it.each([
    ['no key', {}],
    ['a wrong X-Api-Key', { 'x-api-key': 'not-the-key' }],
    ['a wrong Bearer token', { authorization: 'Bearer not-the-key' }],
    ['a key in an unsupported scheme', { authorization: `Basic ${Buffer.from(KEY).toString('base64')}` }],
  ])('%s -> 401 unauthorized', async (_name, headers) => {
    const res = await send('POST', '/v3/videos', { key: null, headers, json: VIDEO });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(UNAUTHORIZED);
    expect(gw.fake.calls()).toEqual([]);
  });

  it.each([
    ['X-Api-Key', { 'x-api-key': KEY }],
    ['Authorization: Bearer', { authorization: `Bearer ${KEY}` }],
  ])('accepts the key in %s', async (_name, headers) => {
    const res = await send('GET', '/v3/videos', { key: null, headers });
    expect(res.statusCode).toBe(200);
  });

  it('never echoes the upstream key', async () => {
    const res = await send('POST', '/v3/videos', { json: { ...VIDEO, colour: UPSTREAM_KEY } });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(UPSTREAM_KEY);
  });
});

describe('envelope for everything else', () => {
  it('an unknown route -> 404 resource_not_found', async () => {
    const res = await send('GET', '/v3/no-such-thing?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(envelope('resource_not_found', 'No route for GET /v3/no-such-thing.'));
  });

  it('GET /healthz -> 200 {"status":"ok"} without a key', async () => {
    const res = await send('GET', '/healthz', { key: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('an adapter failing with a plain Error -> 500 internal_error that does not leak the error', async () => {
    gw.fake.adapter('hg').script.createVideo = new Error(`socket hang up talking to upstream with ${UPSTREAM_KEY}`);
    const res = await send('POST', '/v3/videos', { json: VIDEO });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual(envelope('internal_error', 'An unexpected error occurred in the gateway.'));
    expect(res.body).not.toContain('socket hang up');
    expect(res.body).not.toContain(UPSTREAM_KEY);
  });

  it('an adapter GatewayError with retryAfter -> its status, envelope and Retry-After', async () => {
    gw.fake.adapter('hg').script.createVideo = new GatewayError('rate_limit_exceeded', 'Too many requests. Retry later.', { retryAfter: 30 });
    const res = await send('POST', '/v3/videos', { json: VIDEO });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toEqual(envelope('rate_limit_exceeded', 'Too many requests. Retry later.'));
  });
});

describe('X-Request-Id', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('is on every answer: success, 400, 401, 404, 413, 415, 500 and health', async () => {
    const answers = await Promise.all([
      send('GET', '/v3/videos'),
      send('GET', '/v3/videos?limit=0'),
      send('GET', '/v3/videos', { key: 'wrong' }),
      send('GET', '/v3/nowhere'),
      send('POST', '/v3/videos', { json: { ...VIDEO, title: 'x'.repeat(1024 * 1024) } }),
      send('POST', '/v3/videos', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      send('GET', '/healthz', { key: null }),
    ]);
    gw.fake.adapter('hg').script.createVideo = new Error('boom');
    answers.push(await send('POST', '/v3/videos', { json: VIDEO }));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 400, 401, 404, 413, 415, 200, 500]);
    for (const res of answers) expect(res.headers['x-request-id']).toMatch(UUID);
    expect(new Set(answers.map((r) => r.headers['x-request-id'])).size).toBe(answers.length);
  });

  it('echoes a well-formed incoming X-Request-Id, on success and on error', async () => {
    const ok = await send('GET', '/v3/videos', { headers: { 'x-request-id': 'trace-42.a:b_c' } });
    expect(ok.headers['x-request-id']).toBe('trace-42.a:b_c');
    const bad = await send('GET', '/v3/videos', { key: 'wrong', headers: { 'x-request-id': 'trace-43' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['x-request-id']).toBe('trace-43');
  });

  it.each([['has spaces'], ['x'.repeat(129)], ['<script>']])('replaces the malformed incoming id %j with its own', async (incoming) => {
    const res = await send('GET', '/v3/videos', { headers: { 'x-request-id': incoming } });
    expect(res.headers['x-request-id']).toMatch(UUID);
  });
});

describe('frameworkErrors (router-level failures, for the frameworkErrors server option)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify({ frameworkErrors, maxParamLength: 10 });
    installErrorHandling(app);
    app.get('/v3/videos/:video_id', async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers a path that is not valid percent-encoding with 400 invalid_parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/v3/videos/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(envelope('invalid_parameter', 'The request path is not valid percent-encoded UTF-8.'));
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers an over-long path parameter with 400 invalid_parameter', async () => {
    const res = await app.inject({ method: 'GET', url: `/v3/videos/${'x'.repeat(11)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(envelope('invalid_parameter', 'A path parameter is longer than the gateway accepts.'));
  });
});
