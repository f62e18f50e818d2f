/**
 * The gmi adapter against a mocked GMI (undici MockAgent, no network): the exact requests it sends,
 * how each kind of GMI answer reaches the client, and that everything but avatar video is refused
 * without a request.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGmiAdapter } from '../../../adapters/gmi/index.js';
import { AccountConfig } from '../../../src/config/schema.js';
import { OPERATIONS, type Adapter, type VideoRequest } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Readable } from 'node:stream';

const ORIGIN = 'https://console.gmicloud.test';
const ACCOUNT_KEY = 'gmi-account-key-5c1e';
const REQUESTS = '/api/v1/ie/requestqueue/apikey/requests';
const REQUEST_ID = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';

const account = (over: Record<string, unknown> = {}) =>
  AccountConfig.parse({ id: 'gmi-main', provider: 'gmi', base_url: ORIGIN, api_key: ACCOUNT_KEY, ...over });

type Pool = ReturnType<MockAgent['get']>;

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string | null;
}

interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

function expectRequest(pool: Pool, reply: Reply): Seen[] {
  const seen: Seen[] = [];
  pool.intercept({ path: () => true, method: () => true }).reply((o) => {
    const url = new URL(o.path, ORIGIN);
    seen.push({
      method: o.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...(o.headers as Record<string, string>) },
      body: typeof o.body === 'string' ? o.body : null,
    });
    const data = reply.text ?? JSON.stringify(reply.json ?? {});
    return { statusCode: reply.status ?? 200, data, responseOptions: { headers: reply.headers ?? {} } };
  });
  return seen;
}

const POST_HEADERS = { Authorization: `Bearer ${ACCOUNT_KEY}`, Accept: 'application/json', 'Content-Type': 'application/json' };
const GET_HEADERS = { Authorization: `Bearer ${ACCOUNT_KEY}`, Accept: 'application/json' };

/** The document's submit response. */
const SUBMITTED = {
  request_id: REQUEST_ID,
  model: 'heygen-avatar-4',
  status: 'queued',
  created_at: 1762215580,
  updated_at: 1762215580,
  queued_at: 1762215580,
};

/** The document's completed response (its `[...]` elision filled in). */
const COMPLETED = {
  request_id: REQUEST_ID,
  org_id: 'your-org-id',
  model: 'heygen-avatar-4',
  status: 'success',
  is_public: false,
  payload: {
    video_inputs: [
      {
        character: { type: 'avatar', avatar_id: 'YOUR_AVATAR_ID', avatar_style: 'normal' },
        voice: { type: 'text', input_text: 'Hello, welcome to HeyGen avatar video generation.', voice_id: 'YOUR_VOICE_ID', speed: 1.0, pitch: 0 },
      },
    ],
    dimension: { width: 1920, height: 1080 },
    caption: false,
  },
  outcome: {
    media_urls: [{ id: '0', url: 'https://storage.googleapis.com/your_avatar_video.mp4' }],
    thumbnail_image_url: 'https://storage.googleapis.com/your_thumbnail.jpg',
    duration: 12.5,
  },
  created_at: 1762215580,
  updated_at: 1762215640,
  queued_at: 1762215580,
};

const VIDEO: VideoRequest = {
  type: 'avatar',
  avatar_id: 'YOUR_AVATAR_ID',
  script: 'Hello, welcome to HeyGen avatar video generation.',
  voice_id: 'YOUR_VOICE_ID',
  voice_settings: { speed: 1.0, pitch: 0 },
  resolution: '1080p',
  title: 'Welcome',
  callback_url: 'https://client.example.com/hook',
  callback_id: 'order-42',
};

async function caught(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

let agent: MockAgent;
let pool: Pool;
let adapter: Adapter;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  pool = agent.get(ORIGIN);
  adapter = createGmiAdapter(account(), { logger: silentLogger, dispatcher: agent });
});

afterEach(async () => {
  await adapter.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe('identity and capabilities', () => {
  it('names its provider and account, does avatar video only, several scenes included', () => {
    expect(adapter.provider).toBe('gmi');
    expect(adapter.accountId).toBe('gmi-main');
    expect([...adapter.capabilities.operations].sort()).toStrictEqual(['video.create', 'video.get']);
    expect(adapter.capabilities.multiScene).toBe(true);
  });

  it('reports the v3 fields it cannot honour for video.create', () => {
    const check = adapter.capabilities.fields?.['video.create'];
    expect(check?.(VIDEO)).toStrictEqual([]);
    expect(check?.({ ...VIDEO, engine: { type: 'avatar_iv' }, output_format: 'webm' }).map((u) => u.param)).toStrictEqual(['engine', 'output_format']);
  });

  it('refuses every other operation without a request', async () => {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['deleteVideo', () => adapter.deleteVideo(REQUEST_ID)],
      ['createTranslation', () => adapter.createTranslation({ video: { type: 'url', url: 'https://example.com/a.mp4' }, output_languages: ['Spanish'] })],
      ['getTranslation', () => adapter.getTranslation('t')],
      ['listTranslationLanguages', () => adapter.listTranslationLanguages()],
      ['uploadAsset', () => adapter.uploadAsset({ stream: Readable.from([Buffer.from('x')]), filename: 'a.png', mimeType: 'image/png' })],
      ['listAvatarGroups', () => adapter.listAvatarGroups({})],
      ['getAvatarGroup', () => adapter.getAvatarGroup('g')],
      ['listAvatarLooks', () => adapter.listAvatarLooks({})],
      ['getAvatarLook', () => adapter.getAvatarLook('l')],
      ['createAvatar', () => adapter.createAvatar({ type: 'prompt', name: 'n', prompt: 'p' })],
      ['listVoices', () => adapter.listVoices({})],
      ['getVoice', () => adapter.getVoice('v')],
      ['getUser', () => adapter.getUser()],
    ];
    // every operation the adapter does not declare is among these
    expect(OPERATIONS.filter((o) => !adapter.capabilities.operations.has(o))).toHaveLength(calls.length);
    for (const [name, run] of calls) {
      const err = await caught(run());
      expect([name, err.status, err.code], name).toStrictEqual([name, 400, 'provider_capability_unsupported']);
      expect(err.message).toContain('GMI serves avatar video only');
    }
  });
});

describe('videos', () => {
  it('submits: POST .../requests with {model, payload}, Bearer account key, exact bytes', async () => {
    const seen = expectRequest(pool, { json: SUBMITTED });
    const sub = await adapter.createVideo(VIDEO);
    expect(seen).toStrictEqual([
      {
        method: 'POST',
        path: REQUESTS,
        query: {},
        headers: POST_HEADERS,
        body:
          '{"model":"heygen-avatar-4","payload":{"video_inputs":[{"character":{"type":"avatar","avatar_id":"YOUR_AVATAR_ID",' +
          '"avatar_style":"normal"},"voice":{"type":"text","input_text":"Hello, welcome to HeyGen avatar video generation.",' +
          '"voice_id":"YOUR_VOICE_ID","speed":1,"pitch":0}}],"dimension":{"width":1920,"height":1080},"title":"Welcome",' +
          '"callback_id":"order-42"}}',
      },
    ]);
    expect(sub).toStrictEqual({ upstreamId: REQUEST_ID, status: 'pending', payload: SUBMITTED });
  });

  it("submits the account's model and keeps a base_url path prefix", async () => {
    await adapter.close();
    adapter = createGmiAdapter(account({ base_url: `${ORIGIN}/gmi/`, model: 'heygen-avatar-4-eu' }), { logger: silentLogger, dispatcher: agent });
    const seen = expectRequest(pool, { json: SUBMITTED });
    await adapter.createVideo(VIDEO);
    expect(seen[0]!.path).toBe(`/gmi${REQUESTS}`);
    expect(JSON.parse(seen[0]!.body!).model).toBe('heygen-avatar-4-eu');
  });

  it("submits a legacy client's multi-scene v2 body as the payload", async () => {
    const legacy = {
      video_inputs: [
        COMPLETED.payload.video_inputs[0]!,
        { character: { type: 'avatar', avatar_id: 'YOUR_AVATAR_ID' }, voice: { type: 'silence', duration: 2 } },
      ],
      caption: true,
      callback_url: 'https://client.example.com/hook',
    } as unknown as NonNullable<VideoRequest['legacy']>;
    const seen = expectRequest(pool, { json: SUBMITTED });
    await adapter.createVideo({ ...VIDEO, legacy });
    const { callback_url: _dropped, ...payload } = legacy;
    expect(JSON.parse(seen[0]!.body!)).toStrictEqual({ model: 'heygen-avatar-4', payload });
  });

  it('refuses a script without voice_id before any request', async () => {
    const { voice_id: _none, ...noVoice } = VIDEO;
    const err = await caught(adapter.createVideo(noVoice as VideoRequest));
    expect(err.toEnvelope().error).toMatchObject({ code: 'invalid_parameter', param: 'voice_id' });
  });

  it('polls: one GET .../requests/{id}, id URL-encoded, outcome mapped, payload echo not stored', async () => {
    const seen = expectRequest(pool, { json: COMPLETED });
    const polled = await adapter.getVideo('a1b2/c3 d4?');
    expect(seen).toStrictEqual([{ method: 'GET', path: `${REQUESTS}/a1b2%2Fc3%20d4%3F`, query: {}, headers: GET_HEADERS, body: null }]);
    expect(polled.detail).toMatchObject({
      status: 'completed',
      created_at: 1762215580,
      completed_at: 1762215640,
      video_url: 'https://storage.googleapis.com/your_avatar_video.mp4',
      thumbnail_url: 'https://storage.googleapis.com/your_thumbnail.jpg',
      duration: 12.5,
    });
    const { payload: _echo, ...stored } = COMPLETED;
    expect(polled.payload).toStrictEqual(stored);
  });

  it('cancelled: failed with failure_code cancelled', async () => {
    expectRequest(pool, { json: { ...COMPLETED, status: 'cancelled', outcome: null } });
    const polled = await adapter.getVideo(REQUEST_ID);
    expect([polled.detail.status, polled.detail.failure_code]).toStrictEqual(['failed', 'cancelled']);
  });

  it('an unknown word is processing and reported', async () => {
    expectRequest(pool, { json: { request_id: REQUEST_ID, status: 'paused' } });
    const polled = await adapter.getVideo(REQUEST_ID);
    expect([polled.detail.status, polled.unknownStatus]).toStrictEqual(['processing', 'paused']);
  });

  it('never sends an id that would leave its path segment', async () => {
    // No interceptor: a request reaching the mock would fail as upstream_error, not as a 404.
    for (const id of ['..', '.', '']) {
      const err = await caught(adapter.getVideo(id));
      expect([err.status, err.code]).toStrictEqual([404, 'video_not_found']);
    }
  });
});

describe('GMI error bodies', () => {
  it('400 {"error"}: invalid_parameter carrying GMI text', async () => {
    expectRequest(pool, { status: 400, json: { error: 'invalid payload: video_inputs[0].voice.voice_id is required' } });
    const err = await caught(adapter.createVideo(VIDEO));
    expect(err.status).toBe(400);
    expect(err.toEnvelope()).toStrictEqual({
      error: { code: 'invalid_parameter', message: 'invalid payload: video_inputs[0].voice.voice_id is required', param: null, doc_url: null },
    });
  });

  it.each<[number, string, number]>([
    [402, 'insufficient_credit', 402],
    [403, 'forbidden', 403],
    [409, 'conflict', 409],
    [422, 'invalid_parameter', 400],
  ])('%i {"error"} -> %s', async (status, code, httpStatus) => {
    expectRequest(pool, { status, json: { error: 'not allowed for this org' } });
    const err = await caught(adapter.createVideo(VIDEO));
    expect([err.status, err.code, err.message]).toStrictEqual([httpStatus, code, 'not allowed for this org']);
  });

  it('401: the account key was refused, a 502 that does not blame the client', async () => {
    expectRequest(pool, { status: 401, json: { error: `invalid api key ${ACCOUNT_KEY}` } });
    const err = await caught(adapter.getVideo(REQUEST_ID));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(err.message).not.toContain(ACCOUNT_KEY);
  });

  it('never passes on GMI text that contains the account key', async () => {
    expectRequest(pool, { status: 400, json: { error: `key ${ACCOUNT_KEY} has no access to this model` } });
    const err = await caught(adapter.createVideo(VIDEO));
    expect(err.status).toBe(400);
    expect(JSON.stringify(err.toEnvelope())).not.toContain(ACCOUNT_KEY);
  });

  it('404 on a status read: video_not_found, GMI words (naming its id) not passed on', async () => {
    expectRequest(pool, { status: 404, json: { error: `request ${REQUEST_ID} not found` } });
    const err = await caught(adapter.getVideo(REQUEST_ID));
    expect(err.toEnvelope()).toStrictEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
    expect(err.status).toBe(404);
  });

  it('404 on submit: the account model is missing, a 502 that another account may retry', async () => {
    expectRequest(pool, { status: 404, json: { error: 'model heygen-avatar-4 not found' } });
    const err = await caught(adapter.createVideo(VIDEO));
    expect([err.status, err.code, err.fallbackSafe]).toStrictEqual([502, 'upstream_error', true]);
    expect(err.message).toBe('The upstream (gmi account "gmi-main") does not serve the configured model "heygen-avatar-4".');
  });

  it('429: rate_limit_exceeded with Retry-After', async () => {
    expectRequest(pool, { status: 429, headers: { 'retry-after': '7' }, json: { error: 'too many requests' } });
    const err = await caught(adapter.createVideo(VIDEO));
    expect([err.status, err.code, err.retryAfter, err.fallbackSafe]).toStrictEqual([429, 'rate_limit_exceeded', 7, true]);
  });

  it('500 / 503: 502 upstream_error, GMI text not echoed', async () => {
    for (const status of [500, 503]) {
      expectRequest(pool, { status, json: { error: 'queue backend exploded at worker-7' } });
      const err = await caught(adapter.getVideo(REQUEST_ID));
      expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
      expect(err.message).not.toContain('worker-7');
    }
  });

  it('a non-JSON error body: the status alone decides', async () => {
    expectRequest(pool, { status: 400, text: '<html>Bad Request</html>' });
    const err = await caught(adapter.createVideo(VIDEO));
    expect([err.status, err.code, err.message]).toStrictEqual([400, 'invalid_parameter', 'The upstream rejected the request (HTTP 400).']);
  });

  it('200 with a body that is not JSON: 502, the text not echoed', async () => {
    expectRequest(pool, { status: 200, text: '<html>maintenance sk-secret-ish</html>' });
    const err = await caught(adapter.getVideo(REQUEST_ID));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(JSON.stringify(err.toEnvelope())).not.toContain('sk-secret-ish');
  });

  it('200 JSON without request_id (submit) or status (poll): 502', async () => {
    expectRequest(pool, { json: { model: 'heygen-avatar-4', status: 'queued' } });
    expect((await caught(adapter.createVideo(VIDEO))).code).toBe('upstream_error');
    expectRequest(pool, { json: { request_id: REQUEST_ID } });
    expect((await caught(adapter.getVideo(REQUEST_ID))).code).toBe('upstream_error');
  });

  it('an upstream slower than the account timeout: 504 gateway_timeout', async () => {
    await adapter.close();
    adapter = createGmiAdapter(account({ timeout_ms: 100 }), { logger: silentLogger, dispatcher: agent });
    pool.intercept({ path: `${REQUESTS}/${REQUEST_ID}`, method: 'GET' }).reply(200, COMPLETED).delay(2_000);
    const err = await caught(adapter.getVideo(REQUEST_ID));
    expect([err.status, err.code]).toStrictEqual([504, 'gateway_timeout']);
  });
});
