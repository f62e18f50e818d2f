/**
 * The legacy HeyGen adapter (heygen-v2 and heygen-v1 accounts) against a mocked HeyGen (undici
 * MockAgent, no network): the exact requests it sends for every operation, the avatar-listing
 * lookups behind a video create, and how each kind of legacy answer reaches the client. The raw
 * upload is also checked against a loopback server that counts and hashes the bytes it receives.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOOK_CACHE_MS, createHeygenLegacyAdapter } from '../../../adapters/heygen-legacy/index.js';
import { AccountConfig } from '../../../src/config/schema.js';
import type { Adapter, VideoRequest } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';

const ORIGIN = 'https://api.legacy.test';
const UPLOAD_ORIGIN = 'https://upload.legacy.test';
const ACCOUNT_KEY = 'legacy-account-key-91c2';

const account = (provider: 'heygen-v2' | 'heygen-v1', over: Record<string, unknown> = {}) =>
  AccountConfig.parse({ id: `legacy-${provider}`, provider, base_url: ORIGIN, upload_url: UPLOAD_ORIGIN, api_key: ACCOUNT_KEY, ...over });

type Pool = ReturnType<MockAgent['get']>;

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string | null;
  streamed?: Promise<Buffer>;
}

interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

const collect = async (r: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
};

/** Intercepts the next requests on the pool, in order, one reply each; records what arrived. */
function expectRequests(pool: Pool, ...replies: Reply[]): Seen[] {
  const seen: Seen[] = [];
  for (const reply of replies) {
    pool.intercept({ path: () => true, method: () => true }).reply((o) => {
      const url = new URL(o.path, ORIGIN);
      const s: Seen = {
        method: o.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...(o.headers as Record<string, string>) },
        body: typeof o.body === 'string' ? o.body : null,
      };
      if (o.body instanceof Readable) s.streamed = collect(o.body);
      seen.push(s);
      const data = reply.text ?? JSON.stringify(reply.json ?? {});
      return { statusCode: reply.status ?? 200, data, responseOptions: { headers: reply.headers ?? {} } };
    });
  }
  return seen;
}

const JSON_HEADERS = { 'X-Api-Key': ACCOUNT_KEY, Accept: 'application/json', 'Content-Type': 'application/json' };
const GET_HEADERS = { 'X-Api-Key': ACCOUNT_KEY, Accept: 'application/json' };

async function caught(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

// ---- fixtures ----

const BRENT = {
  avatar_id: 'Brent_sitting_office_front',
  avatar_name: 'Brent Sitting Office Front',
  gender: 'male',
  preview_image_url: 'https://files2.heygen.ai/avatar/brent.webp',
  preview_video_url: 'https://files2.heygen.ai/avatar/brent.mp4',
  premium: false,
  default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
};
const DAISY = { ...BRENT, avatar_id: 'Daisy-inskirt-20220818', avatar_name: 'Daisy in Skirt', gender: 'female', default_voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' };
const KAYLA = { ...BRENT, avatar_id: 'Kayla-incasualsuit-20220818', avatar_name: 'Kayla', gender: 'female', default_voice_id: null };
const FOUNDER = { talking_photo_id: 'tp_founder', talking_photo_name: 'Founder', preview_image_url: 'https://files2.heygen.ai/tp/founder.jpg' };
const AVATARS_V2 = { error: null, data: { avatars: [BRENT, DAISY, KAYLA], talking_photos: [FOUNDER] } };
const AVATARS_V1 = { code: 100, data: { avatars: [BRENT, DAISY, KAYLA], talking_photos: [FOUNDER] }, message: 'Success' };

/** 001_f1de937382e1c461.txt's scene, as the v3 request a client would send for it. */
const V3_BRENT: VideoRequest = {
  type: 'avatar',
  avatar_id: 'Brent_sitting_office_front',
  script: 'Welcome to HeyGen API',
  voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
  resolution: '1080p',
  aspect_ratio: '16:9',
  callback_url: 'https://client.example.com/hook',
  callback_id: 'order-42',
};
/** 001's body, exactly as the adapter serializes it (no `caption`: v3 has none), plus callback_id. */
const DOC_001_WIRE =
  '{"video_inputs":[{"character":{"type":"avatar","avatar_id":"Brent_sitting_office_front","avatar_style":"normal"},' +
  '"voice":{"type":"text","input_text":"Welcome to HeyGen API","voice_id":"ff2ecc8fbdef4273a28bed7b5e35bb57"}}],' +
  '"dimension":{"width":1920,"height":1080},"callback_id":"order-42"}';

const GENERATED_V2 = { error: null, data: { video_id: 'upstream_vid_1' } };
const GENERATED_V1 = { code: 100, data: { video_id: 'upstream_vid_1' }, message: 'Success' };

let agent: MockAgent;
let pool: Pool;
let uploadPool: Pool;
let adapter: Adapter;

function build(provider: 'heygen-v2' | 'heygen-v1', over: Record<string, unknown> = {}): Adapter {
  return createHeygenLegacyAdapter(account(provider, over), { logger: silentLogger, dispatcher: agent });
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  pool = agent.get(ORIGIN);
  uploadPool = agent.get(UPLOAD_ORIGIN);
  adapter = build('heygen-v2');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await adapter.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe('identity and capabilities', () => {
  it('heygen-v2: video, translation, assets, avatars, voices, user; several scenes; no delete or avatar creation', () => {
    expect([adapter.provider, adapter.accountId]).toStrictEqual(['heygen-v2', 'legacy-heygen-v2']);
    expect([...adapter.capabilities.operations].sort()).toStrictEqual(
      [
        'asset.upload',
        'avatar.groups.get',
        'avatar.groups.list',
        'avatar.looks.get',
        'avatar.looks.list',
        'translation.create',
        'translation.get',
        'translation.languages',
        'user.get',
        'video.create',
        'video.get',
        'voice.get',
        'voice.list',
      ].sort(),
    );
    expect(adapter.capabilities.multiScene).toBe(true);
    expect(adapter.capabilities.legacyV2Body).toBe(true);
    expect(adapter.capabilities.fields?.['video.create']?.({ ...V3_BRENT, engine: { type: 'avatar_v' } })).toStrictEqual([
      { param: 'engine', reason: 'a v2 upstream renders with its legacy engine only' },
    ]);
    expect(adapter.capabilities.fields?.['translation.create']?.({ video: { type: 'asset_id', asset_id: 'a' }, output_languages: ['es'] })).toMatchObject([
      { param: 'video.asset_id' },
    ]);
  });

  it('heygen-v1: no translation, one scene per video, and the clip gaps on top of v2\'s', async () => {
    await adapter.close();
    adapter = build('heygen-v1');
    expect(adapter.provider).toBe('heygen-v1');
    expect([...adapter.capabilities.operations].sort()).toStrictEqual(
      [
        'asset.upload',
        'avatar.groups.get',
        'avatar.groups.list',
        'avatar.looks.get',
        'avatar.looks.list',
        'user.get',
        'video.create',
        'video.get',
        'voice.get',
        'voice.list',
      ].sort(),
    );
    expect(adapter.capabilities.multiScene).toBe(false);
    expect(adapter.capabilities.legacyV2Body).toBe(false);
    expect(adapter.capabilities.fields?.['translation.create']).toBeUndefined();
    expect(adapter.capabilities.fields?.['video.create']?.({ ...V3_BRENT, resolution: '4k' }).map((u) => u.param)).toStrictEqual(['resolution']);
  });

  it('refuses to serve an account of another provider', () => {
    const v3 = AccountConfig.parse({ id: 'x', provider: 'heygen-v3', base_url: ORIGIN, api_key: 'k' });
    expect(() => createHeygenLegacyAdapter(v3, { logger: silentLogger, dispatcher: agent })).toThrow(/heygen-v2 and heygen-v1/);
  });

  it.each<[string, (a: Adapter) => Promise<unknown>]>([
    ['deleteVideo', (a) => a.deleteVideo('v')],
    ['createAvatar', (a) => a.createAvatar({ type: 'prompt', name: 'n', prompt: 'p' })],
  ])('%s: provider_capability_unsupported without an upstream call', async (_n, op) => {
    const err = await caught(op(adapter));
    expect([err.status, err.code]).toStrictEqual([400, 'provider_capability_unsupported']);
  });

  it('v1 translation calls: provider_capability_unsupported without an upstream call', async () => {
    await adapter.close();
    adapter = build('heygen-v1');
    for (const op of [
      () => adapter.createTranslation({ video: { type: 'url', url: 'https://x/v.mp4' }, output_languages: ['es'] }),
      () => adapter.getTranslation('t'),
      () => adapter.listTranslationLanguages(),
    ]) {
      expect((await caught(op())).code).toBe('provider_capability_unsupported');
    }
  });
});

describe('videos on heygen-v2', () => {
  it('creates: reads the avatar listing, then POST /v2/video/generate with the 001 body, account key only', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V2 }, { json: GENERATED_V2 });
    const sub = await adapter.createVideo(V3_BRENT);
    expect(seen).toStrictEqual([
      { method: 'GET', path: '/v2/avatars', query: {}, headers: GET_HEADERS, body: null },
      { method: 'POST', path: '/v2/video/generate', query: {}, headers: JSON_HEADERS, body: DOC_001_WIRE },
    ]);
    expect(sub).toStrictEqual({ upstreamId: 'upstream_vid_1', status: 'pending', payload: GENERATED_V2 });
  });

  it('the listing is cached briefly: a second create goes straight to generate, a later one reads it again', async () => {
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const first = expectRequests(pool, { json: AVATARS_V2 }, { json: GENERATED_V2 }, { json: GENERATED_V2 });
    await adapter.createVideo(V3_BRENT);
    clock.mockReturnValue(now + LOOK_CACHE_MS - 1);
    await adapter.createVideo(V3_BRENT);
    expect(first.map((s) => s.path)).toStrictEqual(['/v2/avatars', '/v2/video/generate', '/v2/video/generate']);
    clock.mockReturnValue(now + LOOK_CACHE_MS);
    const later = expectRequests(pool, { json: AVATARS_V2 }, { json: GENERATED_V2 });
    await adapter.createVideo(V3_BRENT);
    expect(later.map((s) => s.path)).toStrictEqual(['/v2/avatars', '/v2/video/generate']);
  });

  it('a script without voice_id speaks with the look\'s default_voice_id from the listing', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V2 }, { json: GENERATED_V2 });
    await adapter.createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', script: 'Welcome to the HeyGen API!' });
    expect(JSON.parse(seen[1]!.body!).video_inputs[0].voice).toStrictEqual({
      type: 'text',
      input_text: 'Welcome to the HeyGen API!',
      voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54',
    });
  });

  it.each([
    ['a look without a default voice', 'Kayla-incasualsuit-20220818'],
    ['a look the listing does not know', 'Nobody_20990101'],
  ])('%s and no voice_id: invalid_parameter naming voice_id, nothing generated', async (_n, avatarId) => {
    const seen = expectRequests(pool, { json: AVATARS_V2 });
    const err = await caught(adapter.createVideo({ type: 'avatar', avatar_id: avatarId, script: 'Hello' }));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'invalid_parameter', 'voice_id']);
    expect(seen.map((s) => s.path)).toStrictEqual(['/v2/avatars']);
  });

  it('a talking-photo look becomes a talking_photo character', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V2 }, { json: GENERATED_V2 });
    await adapter.createVideo({ type: 'avatar', avatar_id: 'tp_founder', audio_url: 'https://example.com/a.mp3', aspect_ratio: '9:16', resolution: '720p' });
    expect(JSON.parse(seen[1]!.body!)).toStrictEqual({
      video_inputs: [{ character: { type: 'talking_photo', talking_photo_id: 'tp_founder' }, voice: { type: 'audio', audio_url: 'https://example.com/a.mp3' } }],
      dimension: { width: 720, height: 1280 },
    });
  });

  it('an unreadable listing does not block a video that names its voice (the look is taken as an avatar)', async () => {
    const seen = expectRequests(pool, { status: 500, text: 'oops' }, { json: GENERATED_V2 });
    await adapter.createVideo(V3_BRENT);
    expect(seen.map((s) => s.path)).toStrictEqual(['/v2/avatars', '/v2/video/generate']);
    expect(seen[1]!.body).toBe(DOC_001_WIRE);
  });

  it('an unreadable listing fails a video that needs the default voice', async () => {
    expectRequests(pool, { status: 500, text: 'oops' });
    const err = await caught(adapter.createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', script: 'Hi' }));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('a legacy client\'s body goes as it came, several scenes, no listing, no callback_url', async () => {
    const legacy = {
      video_inputs: [
        {
          character: { type: 'avatar' as const, avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' as const },
          voice: { type: 'text' as const, input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
          background: { type: 'color' as const, value: '#008000' },
        },
        { voice: { type: 'silence' as const, duration: 1.5 } },
      ],
      dimension: { width: 1280, height: 720 },
      caption: true,
      callback_url: 'https://client.example.com/hook',
      callback_id: 'cb',
    };
    const seen = expectRequests(pool, { json: GENERATED_V2 });
    await adapter.createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', script: 'Welcome to the HeyGen API!', legacy });
    const { callback_url: _cb, ...expected } = legacy;
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/v2/video/generate');
    expect(JSON.parse(seen[0]!.body!)).toStrictEqual(expected);
  });

  it('keeps a path prefix carried by base_url', async () => {
    await adapter.close();
    adapter = build('heygen-v2', { base_url: `${ORIGIN}/proxy/heygen/` });
    const seen = expectRequests(pool, { json: { code: 100, data: STATUS('pending'), message: 'Success' } });
    await adapter.getVideo('v');
    expect(seen[0]!.path).toBe('/proxy/heygen/v1/video_status.get');
  });

  function STATUS(status: string, extra: Record<string, unknown> = {}) {
    return { callback_id: null, caption_url: null, duration: null, error: null, gif_url: null, id: 'upstream_vid_1', status, thumbnail_url: null, video_url: null, video_url_caption: null, ...extra };
  }

  it('polls: GET /v1/video_status.get?video_id=, the id as a query value', async () => {
    const answer = {
      code: 100,
      data: STATUS('completed', { video_url: 'https://files2.heygen.ai/v.mp4', thumbnail_url: 'https://files2.heygen.ai/t.jpeg', duration: 1.234 }),
      message: 'Success',
    };
    const seen = expectRequests(pool, { json: answer });
    const polled = await adapter.getVideo('vid/with&odd=chars');
    expect(seen[0]).toStrictEqual({ method: 'GET', path: '/v1/video_status.get', query: { video_id: 'vid/with&odd=chars' }, headers: GET_HEADERS, body: null });
    expect(polled.detail).toMatchObject({ status: 'completed', video_url: 'https://files2.heygen.ai/v.mp4', duration: 1.234 });
    expect(polled.payload).toStrictEqual(answer);
  });

  it.each([
    ['pending', 'pending'],
    ['waiting', 'pending'],
    ['processing', 'processing'],
    ['completed', 'completed'],
  ])('status word %s -> %s', async (w, v3) => {
    expectRequests(pool, { json: { code: 100, data: STATUS(w), message: 'Success' } });
    const polled = await adapter.getVideo('upstream_vid_1');
    expect([polled.detail.status, polled.unknownStatus]).toStrictEqual([v3, undefined]);
  });

  it('failed: the 003 error object -> failure_code and failure_message', async () => {
    const error = { code: 40119, detail: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos', message: 'Video is too long' };
    expectRequests(pool, { json: { code: 100, data: STATUS('failed', { error }), message: 'Success' } });
    const polled = await adapter.getVideo('upstream_vid_1');
    expect(polled.detail).toMatchObject({ status: 'failed', failure_code: '40119', failure_message: error.detail });
  });

  it('an unknown word is processing, reported', async () => {
    expectRequests(pool, { json: { code: 100, data: STATUS('rendering'), message: 'Success' } });
    const polled = await adapter.getVideo('upstream_vid_1');
    expect([polled.detail.status, polled.unknownStatus]).toStrictEqual(['processing', 'rendering']);
  });
});

describe('videos on heygen-v1', () => {
  beforeEach(async () => {
    await adapter.close();
    adapter = build('heygen-v1');
  });

  it('creates: GET /v1/avatar.list, then POST /v1/video.generate with one clip', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V1 }, { json: GENERATED_V1 });
    const sub = await adapter.createVideo({ ...V3_BRENT, background: { type: 'color', value: '#fff' } });
    expect(seen).toStrictEqual([
      { method: 'GET', path: '/v1/avatar.list', query: {}, headers: GET_HEADERS, body: null },
      {
        method: 'POST',
        path: '/v1/video.generate',
        query: {},
        headers: JSON_HEADERS,
        body:
          '{"ratio":"16:9","test":false,"version":"v1alpha","caption_open":false,"clips":[{"avatar_id":"Brent_sitting_office_front",' +
          '"avatar_style":"normal","scale":1,"offset":{"x":0,"y":0},"input_text":"Welcome to HeyGen API","voice_id":"ff2ecc8fbdef4273a28bed7b5e35bb57"}],' +
          '"background":"#fff"}',
      },
    ]);
    expect(sub).toStrictEqual({ upstreamId: 'upstream_vid_1', status: 'pending', payload: GENERATED_V1 });
  });

  it('default voice and talking photo from the v1 listing', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V1 }, { json: GENERATED_V1 }, { json: GENERATED_V1 });
    await adapter.createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', script: 'Hi there', aspect_ratio: '9:16' });
    await adapter.createVideo({ type: 'avatar', avatar_id: 'tp_founder', script: 'Hi there', voice_id: 'v_1' });
    expect(JSON.parse(seen[1]!.body!)).toMatchObject({ ratio: '9:16', clips: [{ avatar_id: 'Daisy-inskirt-20220818', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' }] });
    expect(JSON.parse(seen[2]!.body!).clips).toStrictEqual([{ talking_photo_id: 'tp_founder', scale: 1, offset: { x: 0, y: 0 }, input_text: 'Hi there', voice_id: 'v_1' }]);
  });

  it('a field a clip cannot take is refused before any call', async () => {
    const err = await caught(adapter.createVideo({ ...V3_BRENT, remove_background: true }));
    expect([err.code, err.param]).toStrictEqual(['provider_capability_unsupported', 'remove_background']);
  });

  it('polls the same status endpoint as v2', async () => {
    const seen = expectRequests(pool, { json: { code: 100, data: { id: 'x', status: 'waiting' }, message: 'Success' } });
    expect((await adapter.getVideo('x')).detail.status).toBe('pending');
    expect(seen[0]).toMatchObject({ path: '/v1/video_status.get', query: { video_id: 'x' } });
  });
});

describe('translations (heygen-v2)', () => {
  const REQ = {
    video: { type: 'url' as const, url: 'https://example.com/source.mp4' },
    output_languages: ['es', 'fr'],
    title: 'Global Campaign',
    mode: 'speed' as const,
    callback_url: 'https://client.example.com/hook',
    callback_id: 'batch-1',
  };

  it('creates: one POST /v2/video_translate per output language, in order', async () => {
    const answers = [{ error: null, data: { video_translate_id: 'vt_es' } }, { error: null, data: { video_translate_id: 'vt_fr' } }];
    const seen = expectRequests(pool, { json: answers[0] }, { json: answers[1] });
    const sub = await adapter.createTranslation(REQ);
    expect(seen).toStrictEqual(
      ['es', 'fr'].map((l) => ({
        method: 'POST',
        path: '/v2/video_translate',
        query: {},
        headers: JSON_HEADERS,
        body: `{"video_url":"https://example.com/source.mp4","output_language":"${l}","title":"Global Campaign","mode":"speed","callback_id":"batch-1"}`,
      })),
    );
    expect(sub).toStrictEqual({
      items: [
        { upstreamId: 'vt_es', outputLanguage: 'es' },
        { upstreamId: 'vt_fr', outputLanguage: 'fr' },
      ],
      payload: answers,
    });
  });

  it('a refusal of the first language is the upstream\'s error as is', async () => {
    expectRequests(pool, { status: 400, json: { error: { code: 'invalid_parameter', message: "'video_url' is required.", param: 'video_url', doc_url: null } } });
    const err = await caught(adapter.createTranslation(REQ));
    expect(err.toEnvelope()).toStrictEqual({ error: { code: 'invalid_parameter', message: "'video_url' is required.", param: 'video_url', doc_url: null } });
  });

  it('a refusal after a language was started says so, and is not safe to retry elsewhere', async () => {
    expectRequests(pool, { json: { error: null, data: { video_translate_id: 'vt_es' } } }, { status: 400, json: { data: null, error: { code: 'invalid_parameter', message: 'Unsupported output_language.' } } });
    const err = await caught(adapter.createTranslation(REQ));
    expect([err.status, err.code, err.fallbackSafe]).toStrictEqual([400, 'invalid_parameter', false]);
    expect(err.message).toBe('Unsupported output_language. (The translation into fr failed after es had already been started upstream.)');
  });

  it('an asset source the account does not know is refused before any call', async () => {
    const err = await caught(adapter.createTranslation({ video: { type: 'asset_id', asset_id: 'ast_x' }, output_languages: ['es'] }));
    expect([err.code, err.param]).toStrictEqual(['provider_capability_unsupported', 'video.asset_id']);
  });

  it('polls: GET /v2/video_translate/{id}, success -> completed, url -> video_url', async () => {
    const answer = { error: null, data: { video_translate_id: 'vt_es', title: 'Global Campaign', status: 'success', url: 'https://files2.heygen.ai/vt_es.mp4', message: null } };
    const seen = expectRequests(pool, { json: answer });
    const polled = await adapter.getTranslation('vt/es');
    expect(seen[0]).toStrictEqual({ method: 'GET', path: '/v2/video_translate/vt%2Fes', query: {}, headers: GET_HEADERS, body: null });
    expect(polled.detail).toMatchObject({ status: 'completed', video_url: 'https://files2.heygen.ai/vt_es.mp4', title: 'Global Campaign' });
  });

  it('never sends an id that would leave its path segment', async () => {
    const err = await caught(adapter.getTranslation('..'));
    expect([err.status, err.code]).toStrictEqual([404, 'video_not_found']);
  });

  it('lists languages: GET /v2/video_translate/target_languages', async () => {
    const seen = expectRequests(pool, { json: { error: null, data: { languages: ['en', 'es', 'fr', 'de', 'ja', 'zh'] } } });
    expect(await adapter.listTranslationLanguages()).toStrictEqual(['en', 'es', 'fr', 'de', 'ja', 'zh']);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v2/video_translate/target_languages', headers: GET_HEADERS });
  });
});

describe('assets (mocked)', () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 7)]);
  const ASSET_ANSWER = {
    code: 100,
    data: { id: 'ast_7f3c', name: 'ast_7f3c.png', file_type: 'image', url: 'https://resource2.heygen.ai/image/ast_7f3c/original.png', image_key: 'image/ast_7f3c/original' },
    message: 'Success',
  };

  it('uploads: POST {upload_url}/v1/asset, raw bytes with the detected Content-Type; the URL then serves translations', async () => {
    const seen = expectRequests(uploadPool, { json: ASSET_ANSWER });
    const uploaded = await adapter.uploadAsset({ stream: Readable.from([PNG]), filename: 'photo.png', mimeType: 'image/png' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v1/asset', query: {}, headers: { 'X-Api-Key': ACCOUNT_KEY, Accept: 'application/json', 'Content-Type': 'image/png' } });
    expect((await seen[0]!.streamed!).equals(PNG)).toBe(true);
    expect(uploaded).toMatchObject({ asset_id: 'ast_7f3c', url: 'https://resource2.heygen.ai/image/ast_7f3c/original.png', mime_type: 'image/png' });

    expect(adapter.capabilities.fields?.['translation.create']?.({ video: { type: 'asset_id', asset_id: 'ast_7f3c' }, output_languages: ['es'] })).toStrictEqual([]);
    const tr = expectRequests(pool, { json: { error: null, data: { video_translate_id: 'vt_1' } } });
    await adapter.createTranslation({ video: { type: 'asset_id', asset_id: 'ast_7f3c' }, output_languages: ['es'] });
    expect(JSON.parse(tr[0]!.body!)).toStrictEqual({ video_url: 'https://resource2.heygen.ai/image/ast_7f3c/original.png', output_language: 'es' });
  });

  it('without upload_url the upload goes to https://upload.heygen.com', async () => {
    await adapter.close();
    adapter = createHeygenLegacyAdapter(
      AccountConfig.parse({ id: 'l', provider: 'heygen-v2', base_url: ORIGIN, api_key: ACCOUNT_KEY }),
      { logger: silentLogger, dispatcher: agent },
    );
    const seen = expectRequests(agent.get('https://upload.heygen.com'), { json: ASSET_ANSWER });
    await adapter.uploadAsset({ stream: Readable.from([PNG]), filename: 'p.png', mimeType: 'image/png' });
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v1/asset' });
  });

  it.each(['audio/wav', 'application/pdf'])('a %s file (not a legacy upload type) is refused without an upload', async (mime) => {
    const stream = Readable.from([Buffer.from('RIFF....WAVE')]);
    const err = await caught(adapter.uploadAsset({ stream, filename: 'f', mimeType: mime }));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'provider_capability_unsupported', 'file']);
    expect(stream.destroyed).toBe(true);
  });

  it('a v1 error answer from the upload origin', async () => {
    expectRequests(uploadPool, { status: 400, json: { code: 400599, message: 'The file content does not match its Content-Type.' } });
    const err = await caught(adapter.uploadAsset({ stream: Readable.from([PNG]), filename: 'p.png', mimeType: 'image/png' }));
    expect([err.status, err.code, err.message]).toStrictEqual([400, 'invalid_parameter', 'The file content does not match its Content-Type.']);
  });
});

describe('assets (loopback upload origin)', () => {
  let server: FastifyInstance;
  let received: { headers: Record<string, unknown>; bytes: number; sha256: string } | undefined;

  beforeEach(async () => {
    received = undefined;
    server = Fastify();
    server.removeAllContentTypeParsers();
    server.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    server.post('/v1/asset', async (req) => {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const c of req.body as Readable) {
        hash.update(c as Buffer);
        bytes += (c as Buffer).length;
      }
      received = { headers: req.headers, bytes, sha256: hash.digest('hex') };
      return { code: 100, data: { id: 'ast_big', name: 'x.mp4', file_type: 'video', url: 'https://resource2.heygen.ai/video/ast_big.mp4', image_key: null }, message: 'Success' };
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('streams every byte in order and reports the count it streamed as size_bytes', async () => {
    const address = server.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const loopback = createHeygenLegacyAdapter(account('heygen-v1', { upload_url: `http://127.0.0.1:${address.port}` }), { logger: silentLogger });
    try {
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(8192, i));
      const uploaded = await loopback.uploadAsset({ stream: Readable.from(chunks), filename: 'clip.mp4', mimeType: 'video/mp4' });
      const all = Buffer.concat(chunks);
      expect(uploaded).toStrictEqual({ asset_id: 'ast_big', url: 'https://resource2.heygen.ai/video/ast_big.mp4', mime_type: 'video/mp4', size_bytes: all.length });
      expect(received).toStrictEqual({
        headers: expect.objectContaining({ 'x-api-key': ACCOUNT_KEY, 'content-type': 'video/mp4' }),
        bytes: all.length,
        sha256: createHash('sha256').update(all).digest('hex'),
      });
      expect(received!.headers.authorization).toBeUndefined();
    } finally {
      await loopback.close();
    }
  });
});

describe('avatars', () => {
  it('lists groups: GET /v2/avatars paged by the gateway', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V2 }, { json: AVATARS_V2 });
    const first = await adapter.listAvatarGroups({ limit: 3 });
    expect(first.data.map((g) => g.id)).toStrictEqual(['Brent_sitting_office_front', 'Daisy-inskirt-20220818', 'Kayla-incasualsuit-20220818']);
    expect(first.has_more).toBe(true);
    expect(first.data[0]).toStrictEqual({
      id: 'Brent_sitting_office_front',
      name: 'Brent Sitting Office Front',
      preview_image_url: 'https://files2.heygen.ai/avatar/brent.webp',
      preview_video_url: 'https://files2.heygen.ai/avatar/brent.mp4',
      gender: 'male',
      created_at: 0,
      looks_count: 1,
      default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
      consent_status: null,
      status: null,
      error: null,
    });
    const second = await adapter.listAvatarGroups({ limit: 3, token: first.next_token! });
    expect([second.data.map((g) => g.id), second.has_more, second.next_token]).toStrictEqual([['tp_founder'], false, null]);
    expect(seen.map((s) => [s.method, s.path, s.query])).toStrictEqual([
      ['GET', '/v2/avatars', {}],
      ['GET', '/v2/avatars', {}],
    ]);
  });

  it('a bad token is invalid_parameter naming token', async () => {
    expectRequests(pool, { json: AVATARS_V2 });
    const err = await caught(adapter.listAvatarLooks({ token: 'not-a-token' }));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'invalid_parameter', 'token']);
  });

  it('gets a group and a look from the listing; an unknown id is avatar_not_found', async () => {
    expectRequests(pool, { json: AVATARS_V2 }, { json: AVATARS_V2 }, { json: AVATARS_V2 }, { json: AVATARS_V2 });
    expect((await adapter.getAvatarGroup('tp_founder')).name).toBe('Founder');
    expect(await adapter.getAvatarLook('Daisy-inskirt-20220818')).toMatchObject({ id: 'Daisy-inskirt-20220818', avatar_type: 'studio_avatar', group_id: 'Daisy-inskirt-20220818' });
    for (const op of [() => adapter.getAvatarGroup('nope'), () => adapter.getAvatarLook('nope')]) {
      const err = await caught(op());
      expect([err.status, err.code]).toStrictEqual([404, 'avatar_not_found']);
    }
  });

  it('concurrent reads share one listing call', async () => {
    const seen = expectRequests(pool, { json: AVATARS_V2 });
    const [group, look] = await Promise.all([adapter.getAvatarGroup('tp_founder'), adapter.getAvatarLook('Daisy-inskirt-20220818')]);
    expect([group.id, look.id]).toStrictEqual(['tp_founder', 'Daisy-inskirt-20220818']);
    expect(seen).toHaveLength(1);
  });

  it('lists looks with filters', async () => {
    expectRequests(pool, { json: AVATARS_V2 });
    const page = await adapter.listAvatarLooks({ avatar_type: 'photo_avatar' });
    expect(page).toStrictEqual({
      data: [
        {
          id: 'tp_founder',
          name: 'Founder',
          avatar_type: 'photo_avatar',
          group_id: 'tp_founder',
          preview_image_url: 'https://files2.heygen.ai/tp/founder.jpg',
          preview_video_url: null,
          gender: null,
          default_voice_id: null,
          image_width: null,
          image_height: null,
          preferred_orientation: null,
          status: null,
          error: null,
        },
      ],
      has_more: false,
      next_token: null,
    });
  });

  it('v1 reads /v1/avatar.list', async () => {
    await adapter.close();
    adapter = build('heygen-v1');
    const seen = expectRequests(pool, { json: AVATARS_V1 });
    expect((await adapter.listAvatarLooks({ limit: 1 })).data.map((l) => l.id)).toStrictEqual(['Brent_sitting_office_front']);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/avatar.list', headers: GET_HEADERS });
  });
});

describe('voices and user', () => {
  const VOICES = {
    error: null,
    data: {
      voices: [
        { voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57', language: 'English', gender: 'male', name: 'Brent', preview_audio: 'https://files2.heygen.ai/v/b.mp3', support_pause: true, emotion_support: false },
        { voice_id: 'es_1', language: 'Spanish', gender: 'female', name: 'Lucía', preview_audio: null, support_pause: false, emotion_support: true },
      ],
    },
  };

  it('lists voices: GET /v2/voices, filtered and paged by the gateway', async () => {
    const seen = expectRequests(pool, { json: VOICES });
    const page = await adapter.listVoices({ language: 'spanish', type: 'public', limit: 20 });
    expect(seen[0]).toStrictEqual({ method: 'GET', path: '/v2/voices', query: {}, headers: GET_HEADERS, body: null });
    expect(page).toStrictEqual({
      data: [{ voice_id: 'es_1', name: 'Lucía', language: 'Spanish', gender: 'female', preview_audio_url: null, support_pause: false, support_locale: false, type: 'public' }],
      has_more: false,
      next_token: null,
    });
  });

  it('an engine filter is refused before any call', async () => {
    const err = await caught(adapter.listVoices({ engine: 'starfish' }));
    expect([err.code, err.param]).toStrictEqual(['provider_capability_unsupported', 'engine']);
  });

  it('gets a voice from the list; an unknown one is voice_not_found', async () => {
    expectRequests(pool, { json: VOICES }, { json: VOICES });
    expect((await adapter.getVoice('ff2ecc8fbdef4273a28bed7b5e35bb57')).preview_audio_url).toBe('https://files2.heygen.ai/v/b.mp3');
    const err = await caught(adapter.getVoice('nope'));
    expect([err.status, err.code]).toStrictEqual([404, 'voice_not_found']);
  });

  it('v1 reads /v1/voice.list', async () => {
    await adapter.close();
    adapter = build('heygen-v1');
    const seen = expectRequests(pool, { json: { code: 100, data: VOICES.data, message: 'Success' } });
    expect((await adapter.listVoices({})).data).toHaveLength(2);
    expect(seen[0]).toMatchObject({ path: '/v1/voice.list' });
  });

  const LEGACY_ME = { code: 100, data: { username: 'legacy_studio', email: 'studio@example.com', first_name: 'Lee', last_name: 'Gacy' }, message: 'Success' };

  it('v2 user: /v1/user/me, then /v2/user/remaining_quota for the balance', async () => {
    const seen = expectRequests(pool, { json: LEGACY_ME }, { json: { error: null, data: { remaining_quota: 3600, details: { api: 3600 } } } });
    expect(await adapter.getUser()).toStrictEqual({
      username: 'legacy_studio',
      email: 'studio@example.com',
      first_name: 'Lee',
      last_name: 'Gacy',
      billing_type: 'wallet',
      wallet: { currency: 'credits', remaining_balance: 60, auto_reload: null },
      subscription: null,
      usage_based: null,
    });
    expect(seen).toStrictEqual([
      { method: 'GET', path: '/v1/user/me', query: {}, headers: GET_HEADERS, body: null },
      { method: 'GET', path: '/v2/user/remaining_quota', query: {}, headers: GET_HEADERS, body: null },
    ]);
  });

  it('v2 user whose /v1/user/me already carries a wallet: one call', async () => {
    const me = { code: 100, data: { ...LEGACY_ME.data, billing_type: 'wallet', wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false } } }, message: null };
    const seen = expectRequests(pool, { json: me });
    expect((await adapter.getUser()).wallet).toStrictEqual({ currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false, threshold_usd: null, amount_usd: null } });
    expect(seen).toHaveLength(1);
  });

  it('v1 user: /v1/user/me only', async () => {
    await adapter.close();
    adapter = build('heygen-v1');
    const seen = expectRequests(pool, { json: LEGACY_ME });
    expect((await adapter.getUser()).billing_type).toBeNull();
    expect(seen.map((s) => s.path)).toStrictEqual(['/v1/user/me']);
  });
});

describe('legacy errors', () => {
  const video: VideoRequest = { type: 'avatar', avatar_id: 'Brent_sitting_office_front', script: 'Hi', voice_id: 'v', legacy: undefined };

  it('v1 {code:400599,message} on 400: invalid_parameter with the message', async () => {
    await adapter.close();
    adapter = build('heygen-v1');
    expectRequests(pool, { json: AVATARS_V1 }, { status: 400, json: { code: 400599, message: "'clips.0.voice_id' is required." } });
    const err = await caught(adapter.createVideo(video));
    expect(err.toEnvelope()).toStrictEqual({ error: { code: 'invalid_parameter', message: "'clips.0.voice_id' is required.", param: null, doc_url: null } });
    expect(err.status).toBe(400);
  });

  it('v2 {data:null,error:{code,message}} on 404: its v3 code passes', async () => {
    expectRequests(pool, { json: AVATARS_V2 }, { status: 404, json: { data: null, error: { code: 'voice_not_found', message: 'Voice v not found.' } } });
    const err = await caught(adapter.createVideo(video));
    expect([err.status, err.code, err.message]).toStrictEqual([404, 'voice_not_found', 'Voice v not found.']);
  });

  it('a 404 on a status poll speaks of the video, never of the upstream id', async () => {
    expectRequests(pool, { status: 404, json: { code: 404, message: 'Video upstream_vid_9 not found.' } });
    const err = await caught(adapter.getVideo('upstream_vid_9'));
    expect([err.status, err.code, err.message]).toStrictEqual([404, 'video_not_found', 'Video not found.']);
  });

  it('401 (OpenAPI V1APIError example): a 502 that does not blame the client', async () => {
    expectRequests(pool, { status: 401, json: { code: 401, message: 'Unauthorized' } });
    const err = await caught(adapter.getUser());
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(err.message).not.toContain(ACCOUNT_KEY);
  });

  it('402 with a v2 string code', async () => {
    expectRequests(pool, { status: 402, json: { data: null, error: { code: 'insufficient_credit', message: 'Not enough credits.' } } });
    const err = await caught(adapter.createTranslation({ video: { type: 'url', url: 'https://x/v.mp4' }, output_languages: ['es'] }));
    expect([err.status, err.code, err.message]).toStrictEqual([402, 'insufficient_credit', 'Not enough credits.']);
  });

  it('429: rate_limit_exceeded with Retry-After', async () => {
    expectRequests(pool, { status: 429, headers: { 'retry-after': '7' }, json: { code: 429, message: 'Too many requests' } });
    const err = await caught(adapter.listVoices({}));
    expect([err.status, err.code, err.retryAfter]).toStrictEqual([429, 'rate_limit_exceeded', 7]);
  });

  it('500: a 502 upstream_error', async () => {
    expectRequests(pool, { status: 500, json: { code: 500, message: 'internal' } });
    expect((await caught(adapter.getVideo('v'))).status).toBe(502);
  });

  it('200 that is not JSON: 502, the text not echoed', async () => {
    expectRequests(pool, { text: '<html>maintenance sk-secret-ish</html>' });
    const err = await caught(adapter.getVideo('v'));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(JSON.stringify(err.toEnvelope())).not.toContain('sk-secret-ish');
  });

  it.each<[string, unknown, (a: Adapter) => Promise<unknown>]>([
    ['a generate answer without video_id', { error: null, data: {} }, (a) => a.createVideo({ ...video, legacy: { video_inputs: [] } as never })],
    ['a status answer without status', { code: 100, data: { id: 'v' }, message: 'Success' }, (a) => a.getVideo('v')],
    ['a v1 error body with HTTP 200', { code: 400599, message: 'bad' }, (a) => a.getVideo('v')],
    ['a voice list without voices', { error: null, data: {} }, (a) => a.listVoices({})],
  ])('200 with %s: 502', async (_n, json, op) => {
    expectRequests(pool, { json });
    const err = await caught(op(adapter));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('an upstream slower than the account timeout: 504 gateway_timeout', async () => {
    await adapter.close();
    adapter = build('heygen-v2', { timeout_ms: 100 });
    pool.intercept({ path: '/v1/user/me', method: 'GET' }).reply(200, { code: 100, data: { username: 'u' } }).delay(2_000);
    const err = await caught(adapter.getUser());
    expect([err.status, err.code]).toStrictEqual([504, 'gateway_timeout']);
  });
});
