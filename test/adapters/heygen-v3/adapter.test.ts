/**
 * The heygen-v3 adapter against a mocked HeyGen (undici MockAgent, no network): the exact requests
 * it sends for every operation, and how each kind of upstream answer reaches the client.
 * The upload is also checked end to end against a loopback fastify server parsing the multipart.
 */
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHeygenV3Adapter } from '../../../adapters/heygen-v3/index.js';
import { AccountConfig } from '../../../src/config/schema.js';
import type { Adapter } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';

const ORIGIN = 'https://api.heygen.test';
const ACCOUNT_KEY = 'hg-account-key-7f3a';

const account = (over: Record<string, unknown> = {}) =>
  AccountConfig.parse({ id: 'heygen-main', provider: 'heygen-v3', base_url: ORIGIN, api_key: ACCOUNT_KEY, ...over });

type Pool = ReturnType<MockAgent['get']>;

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string | null;
  /** Set for streamed bodies: the bytes the adapter sent, collected as the mock reads them. */
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

/** Intercepts the next request on the pool, records what arrived, answers `reply`. */
function expectRequest(pool: Pool, reply: Reply): Seen[] {
  const seen: Seen[] = [];
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

let agent: MockAgent;
let pool: Pool;
let adapter: Adapter;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  pool = agent.get(ORIGIN);
  adapter = createHeygenV3Adapter(account(), { logger: silentLogger, dispatcher: agent });
});

afterEach(async () => {
  await adapter.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe('identity and capabilities', () => {
  it('names its provider and account and can do every operation', () => {
    expect(adapter.provider).toBe('heygen-v3');
    expect(adapter.accountId).toBe('heygen-main');
    expect([...adapter.capabilities.operations].sort()).toStrictEqual(
      [
        'asset.upload',
        'avatar.create',
        'avatar.groups.get',
        'avatar.groups.list',
        'avatar.looks.get',
        'avatar.looks.list',
        'translation.create',
        'translation.get',
        'translation.languages',
        'user.get',
        'video.create',
        'video.delete',
        'video.get',
        'voice.get',
        'voice.list',
      ].sort(),
    );
    expect(adapter.capabilities.fields).toBeUndefined();
  });
});

describe('videos', () => {
  it('creates: POST /v3/videos with the v3 body minus callback_url and nulls, account key only', async () => {
    const seen = expectRequest(pool, { json: { data: { video_id: 'vid_xyz789', status: 'pending' } } });
    const sub = await adapter.createVideo({
      type: 'avatar',
      avatar_id: 'YOUR_DIGITAL_TWIN_LOOK_ID',
      script: 'Hello! I am your Digital Twin.',
      voice_id: 'YOUR_VOICE_ID',
      title: 'My Digital Twin — Avatar V',
      resolution: '1080p',
      aspect_ratio: 'auto',
      engine: { type: 'avatar_v' },
      callback_url: 'https://client.example.com/hook',
      callback_id: 'order-42',
      motion_prompt: null,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toStrictEqual({
      method: 'POST',
      path: '/v3/videos',
      query: {},
      headers: JSON_HEADERS,
      body:
        '{"type":"avatar","avatar_id":"YOUR_DIGITAL_TWIN_LOOK_ID","script":"Hello! I am your Digital Twin.",' +
        '"voice_id":"YOUR_VOICE_ID","title":"My Digital Twin — Avatar V","resolution":"1080p","aspect_ratio":"auto",' +
        '"engine":{"type":"avatar_v"},"callback_id":"order-42"}',
    });
    expect(sub).toStrictEqual({
      upstreamId: 'vid_xyz789',
      status: 'pending',
      payload: { data: { video_id: 'vid_xyz789', status: 'pending' } },
    });
  });

  it('keeps a path prefix carried by base_url', async () => {
    await adapter.close();
    adapter = createHeygenV3Adapter(account({ base_url: `${ORIGIN}/proxy/heygen/` }), { logger: silentLogger, dispatcher: agent });
    const seen = expectRequest(pool, { json: { data: { video_id: 'v1', status: 'processing' } } });
    const sub = await adapter.createVideo({
      type: 'image',
      image: { type: 'url', url: 'https://example.com/person.jpg' },
      audio_url: 'https://example.com/narration.mp3',
      title: 'Image-to-Video with custom audio',
    });
    expect(seen[0]!.path).toBe('/proxy/heygen/v3/videos');
    expect(JSON.parse(seen[0]!.body!)).toStrictEqual({
      type: 'image',
      image: { type: 'url', url: 'https://example.com/person.jpg' },
      audio_url: 'https://example.com/narration.mp3',
      title: 'Image-to-Video with custom audio',
    });
    expect(sub.status).toBe('processing');
  });

  it('polls: GET /v3/videos/{id} with the id URL-encoded, detail normalized', async () => {
    const answer = {
      data: {
        id: 'vid_xyz789',
        title: 'Q3 Product Launch Explainer',
        status: 'completed',
        video_url: 'https://files.heygen.ai/video/vid_xyz789.mp4',
        thumbnail_url: 'https://files.heygen.ai/thumb/vid_xyz789.jpg',
        duration: 45.2,
        created_at: 1711382400,
        completed_at: 1711382680,
      },
    };
    const seen = expectRequest(pool, { json: answer });
    const polled = await adapter.getVideo('vid/xyz 789?');
    expect(seen[0]).toStrictEqual({
      method: 'GET',
      path: '/v3/videos/vid%2Fxyz%20789%3F',
      query: {},
      headers: GET_HEADERS,
      body: null,
    });
    expect(polled.detail).toStrictEqual({
      title: 'Q3 Product Launch Explainer',
      status: 'completed',
      created_at: 1711382400,
      completed_at: 1711382680,
      video_url: 'https://files.heygen.ai/video/vid_xyz789.mp4',
      thumbnail_url: 'https://files.heygen.ai/thumb/vid_xyz789.jpg',
      gif_url: null,
      captioned_video_url: null,
      subtitle_url: null,
      duration: 45.2,
      folder_id: null,
      output_language: null,
      failure_code: null,
      failure_message: null,
      video_page_url: null,
    });
    expect(polled.payload).toStrictEqual(answer);
    expect(polled.unknownStatus).toBeUndefined();
  });

  it('treats an unknown status word as processing and reports it', async () => {
    expectRequest(pool, { json: { data: { id: 'vid_1', status: 'rendering' } } });
    const polled = await adapter.getVideo('vid_1');
    expect(polled.detail.status).toBe('processing');
    expect(polled.unknownStatus).toBe('rendering');
  });

  it('deletes: DELETE /v3/videos/{id}', async () => {
    const seen = expectRequest(pool, { json: { data: { id: 'vid_1', deleted: true } } });
    await expect(adapter.deleteVideo('vid_1')).resolves.toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'DELETE', path: '/v3/videos/vid_1', headers: GET_HEADERS, body: null });
  });

  it('accepts an empty 204 to a delete, and reports deleted:false as video_delete_failed', async () => {
    expectRequest(pool, { status: 204, text: '' });
    await expect(adapter.deleteVideo('vid_1')).resolves.toBeUndefined();
    expectRequest(pool, { json: { data: { id: 'vid_1', deleted: false } } });
    const err = await caught(adapter.deleteVideo('vid_1'));
    expect([err.status, err.code]).toStrictEqual([500, 'video_delete_failed']);
  });

  it('never sends an id that would leave its path segment', async () => {
    // No interceptor: a request reaching the mock would fail as upstream_error, not as a 404.
    const err = await caught(adapter.getVideo('..'));
    expect([err.status, err.code]).toStrictEqual([404, 'video_not_found']);
    expect((await caught(adapter.getVoice('.'))).code).toBe('voice_not_found');
  });
});

describe('translations', () => {
  it('creates: POST /v3/video-translations, ids matched to languages by index', async () => {
    const answer = { data: { video_translation_ids: ['tr_abc123-en', 'tr_abc123-es', 'tr_abc123-fr'] } };
    const seen = expectRequest(pool, { json: answer });
    const sub = await adapter.createTranslation({
      video: { type: 'url', url: '' },
      output_languages: ['English', 'Spanish', 'French'],
      mode: 'speed',
      title: 'Global Campaign',
      callback_url: 'https://client.example.com/hook',
      callback_id: 'batch-1',
      audio: null,
    });
    expect(seen[0]).toStrictEqual({
      method: 'POST',
      path: '/v3/video-translations',
      query: {},
      headers: JSON_HEADERS,
      body:
        '{"video":{"type":"url","url":""},"output_languages":["English","Spanish","French"],"mode":"speed",' +
        '"title":"Global Campaign","callback_id":"batch-1"}',
    });
    expect(sub).toStrictEqual({
      items: [
        { upstreamId: 'tr_abc123-en', outputLanguage: 'English' },
        { upstreamId: 'tr_abc123-es', outputLanguage: 'Spanish' },
        { upstreamId: 'tr_abc123-fr', outputLanguage: 'French' },
      ],
      payload: answer,
    });
  });

  it('answers 502 when the id count differs from the languages', async () => {
    expectRequest(pool, { json: { data: { video_translation_ids: ['trl_55f'] } } });
    const err = await caught(
      adapter.createTranslation({ video: { type: 'asset_id', asset_id: 'a1' }, output_languages: ['Spanish', 'French'] }),
    );
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('polls: GET /v3/video-translations/{id}', async () => {
    const seen = expectRequest(pool, {
      json: { data: { id: 'tr_abc123-es', status: 'running', output_language: 'Spanish', title: 'Global Campaign' } },
    });
    const polled = await adapter.getTranslation('tr_abc123-es');
    expect(seen[0]).toStrictEqual({
      method: 'GET',
      path: '/v3/video-translations/tr_abc123-es',
      query: {},
      headers: GET_HEADERS,
      body: null,
    });
    expect(polled.detail).toMatchObject({ status: 'running', output_language: 'Spanish', title: 'Global Campaign', video_url: null });
  });

  it('treats an unknown translation word as running and reports it', async () => {
    expectRequest(pool, { json: { data: { id: 't', status: 'success' } } });
    const polled = await adapter.getTranslation('t');
    expect([polled.detail.status, polled.unknownStatus]).toStrictEqual(['running', 'success']);
  });

  it('lists languages: GET /v3/video-translations/languages', async () => {
    const seen = expectRequest(pool, { json: { data: { languages: ['English', 'Spanish', 'French'] } } });
    expect(await adapter.listTranslationLanguages()).toStrictEqual(['English', 'Spanish', 'French']);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v3/video-translations/languages', query: {}, headers: GET_HEADERS });
  });
});

describe('assets (mocked)', () => {
  it('uploads: POST /v3/assets as multipart field "file", streamed', async () => {
    const answer = {
      data: {
        asset_id: 'asset_abc123def456',
        url: 'https://files.heygen.ai/assets/asset_abc123def456.png',
        mime_type: 'image/png',
        size_bytes: 245760,
      },
    };
    const seen = expectRequest(pool, { json: answer });
    const file = Readable.from([Buffer.from('\x89PNG\r\n', 'latin1'), Buffer.from('rest-of-file')]);
    const uploaded = await adapter.uploadAsset({ stream: file, filename: 'product-screenshot.png', mimeType: 'image/png' });
    expect(uploaded).toStrictEqual(answer.data);

    const s = seen[0]!;
    expect(s.method).toBe('POST');
    expect(s.path).toBe('/v3/assets');
    const contentType = s.headers['Content-Type'] ?? '';
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
    expect(boundary).toBeTruthy();
    expect(s.headers).toStrictEqual({ 'X-Api-Key': ACCOUNT_KEY, Accept: 'application/json', 'Content-Type': contentType });
    expect((await s.streamed!).toString('latin1')).toBe(
      `--${boundary}\r\n` +
        'Content-Disposition: form-data; name="file"; filename="product-screenshot.png"\r\n' +
        'Content-Type: image/png\r\n\r\n' +
        '\x89PNG\r\nrest-of-file' +
        `\r\n--${boundary}--\r\n`,
    );
  });
});

describe('avatars', () => {
  const group = {
    id: 'group_abc123',
    name: 'Monica',
    gender: 'female',
    preview_image_url: 'https://files.heygen.ai/avatar/preview_abc123.jpg',
    preview_video_url: 'https://files.heygen.ai/avatar/preview_abc123.mp4',
    looks_count: 3,
    default_voice_id: 'voice_xyz789',
    consent_status: null,
    status: 'completed',
    created_at: 1711382400,
  };
  const look = {
    id: 'look_def456',
    name: 'Monica - Business Casual',
    avatar_type: 'photo_avatar',
    group_id: 'group_abc123',
    gender: 'female',
    preview_image_url: 'https://files.heygen.ai/look/preview_def456.jpg',
    preview_video_url: 'https://files.heygen.ai/look/preview_def456.mp4',
    default_voice_id: 'voice_xyz789',
    tags: ['business', 'casual', 'female'],
    supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
    status: 'completed',
  };

  it('lists groups: GET /v3/avatars with only the given query parameters', async () => {
    const seen = expectRequest(pool, { json: { data: [group], has_more: true, next_token: 'eyJsYXN0X2lkIjoiMTIzIn0' } });
    const page = await adapter.listAvatarGroups({ ownership: 'public', limit: 5 });
    expect(seen[0]).toStrictEqual({
      method: 'GET',
      path: '/v3/avatars',
      query: { ownership: 'public', limit: '5' },
      headers: GET_HEADERS,
      body: null,
    });
    expect(page.has_more).toBe(true);
    expect(page.next_token).toBe('eyJsYXN0X2lkIjoiMTIzIn0');
    expect(page.data[0]).toStrictEqual({ ...group, error: null });
  });

  it('passes a pagination token through untouched and sends no empty parameters', async () => {
    const seen = expectRequest(pool, { json: { data: [], has_more: false, next_token: null } });
    const page = await adapter.listAvatarGroups({ token: 'eyJsYXN0X2lkIjoiMTIzIn0=+/' });
    expect(seen[0]!.query).toStrictEqual({ token: 'eyJsYXN0X2lkIjoiMTIzIn0=+/' });
    expect(page).toStrictEqual({ data: [], has_more: false, next_token: null });
  });

  it('gets a group: GET /v3/avatars/{group_id}', async () => {
    const seen = expectRequest(pool, { json: { data: group } });
    expect(await adapter.getAvatarGroup('group_abc123')).toStrictEqual({ ...group, error: null });
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v3/avatars/group_abc123', query: {}, headers: GET_HEADERS });
  });

  it('lists looks: GET /v3/avatars/looks with every filter', async () => {
    const seen = expectRequest(pool, { json: { data: [look], has_more: true, next_token: 'eyJsYXN0X2lkIjoiNDU2In0' } });
    const page = await adapter.listAvatarLooks({
      group_id: 'group_abc123',
      avatar_type: 'photo_avatar',
      ownership: 'public',
      limit: 5,
      token: 'tok',
    });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      path: '/v3/avatars/looks',
      query: { group_id: 'group_abc123', avatar_type: 'photo_avatar', ownership: 'public', limit: '5', token: 'tok' },
      headers: GET_HEADERS,
    });
    expect(page.data[0]).toMatchObject({ id: 'look_def456', avatar_type: 'photo_avatar', tags: ['business', 'casual', 'female'] });
  });

  it('gets a look: GET /v3/avatars/looks/{look_id}', async () => {
    const seen = expectRequest(pool, { json: { data: look } });
    const item = await adapter.getAvatarLook('look_def456');
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v3/avatars/looks/look_def456', headers: GET_HEADERS });
    expect(item).toMatchObject({ id: 'look_def456', group_id: 'group_abc123', image_width: null, error: null });
  });

  it('creates: POST /v3/avatars with the body as given, nulls dropped', async () => {
    const answer = {
      data: {
        avatar_item: {
          id: 'look_abc123',
          name: 'Space Commander',
          avatar_type: 'studio_avatar',
          group_id: 'group_xyz789',
          preview_image_url: 'https://files.heygen.ai/...',
          supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
          tags: [],
        },
        avatar_group: { id: 'group_xyz789', name: 'Space Commander', looks_count: 1, consent_status: null, created_at: 1717000000 },
      },
    };
    const seen = expectRequest(pool, { json: answer });
    const created = await adapter.createAvatar({
      type: 'prompt',
      name: 'Space Commander',
      prompt:
        'Young woman, early 30s, confident expression, short silver hair, warm brown eyes, wearing a dark blue space suit with mission patches, standing in a modern spacecraft bridge with holographic displays',
      avatar_group_id: null,
    });
    expect(seen[0]).toStrictEqual({
      method: 'POST',
      path: '/v3/avatars',
      query: {},
      headers: JSON_HEADERS,
      body:
        '{"type":"prompt","name":"Space Commander","prompt":"Young woman, early 30s, confident expression, short silver hair, ' +
        'warm brown eyes, wearing a dark blue space suit with mission patches, standing in a modern spacecraft bridge with ' +
        'holographic displays"}',
    });
    expect(created.avatar_item).toMatchObject({ id: 'look_abc123', group_id: 'group_xyz789', tags: [] });
    expect(created.avatar_group).toMatchObject({ id: 'group_xyz789', looks_count: 1, preview_image_url: null });
  });
});

describe('voices and user', () => {
  const voice = {
    voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
    name: 'Sara',
    language: 'English',
    gender: 'female',
    preview_audio_url: 'https://files.heygen.ai/voice/preview/sara.mp3',
    support_pause: true,
    support_locale: true,
    type: 'public',
  };

  it('lists voices: GET /v3/voices with the filters', async () => {
    const seen = expectRequest(pool, { json: { data: [voice], has_more: true, next_token: 'eyJsYXN0X2lkIjoiMTIzIn0' } });
    const page = await adapter.listVoices({ type: 'public', engine: 'starfish', language: 'English', gender: 'female', limit: 20 });
    expect(seen[0]).toStrictEqual({
      method: 'GET',
      path: '/v3/voices',
      query: { type: 'public', engine: 'starfish', language: 'English', gender: 'female', limit: '20' },
      headers: GET_HEADERS,
      body: null,
    });
    expect(page).toStrictEqual({ data: [voice], has_more: true, next_token: 'eyJsYXN0X2lkIjoiMTIzIn0' });
  });

  it('gets a voice: GET /v3/voices/{voice_id}', async () => {
    const seen = expectRequest(pool, { json: { data: voice } });
    expect(await adapter.getVoice('1bd001e7e50f421d891986aad5c8bbd2')).toStrictEqual(voice);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v3/voices/1bd001e7e50f421d891986aad5c8bbd2', headers: GET_HEADERS });
  });

  it('gets the user: GET /v3/users/me, code-100 envelope accepted', async () => {
    const seen = expectRequest(pool, {
      json: {
        code: 100,
        data: {
          username: 'jane_doe',
          email: 'jane@example.com',
          first_name: 'Jane',
          last_name: 'Doe',
          billing_type: 'wallet',
          wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false } },
        },
        message: null,
      },
    });
    expect(await adapter.getUser()).toStrictEqual({
      username: 'jane_doe',
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      billing_type: 'wallet',
      wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false, threshold_usd: null, amount_usd: null } },
      subscription: null,
      usage_based: null,
    });
    expect(seen[0]).toStrictEqual({ method: 'GET', path: '/v3/users/me', query: {}, headers: GET_HEADERS, body: null });
  });
});

describe('upstream errors', () => {
  const video = { type: 'avatar' as const, avatar_id: 'look_def456', script: 'Hi', voice_id: 'v' };

  it('400: code, message and param pass through', async () => {
    expectRequest(pool, {
      status: 400,
      json: { error: { code: 'invalid_parameter', message: 'voice_id is not usable with this avatar', param: 'voice_id', doc_url: null } },
    });
    const err = await caught(adapter.createVideo(video));
    expect(err.toEnvelope()).toStrictEqual({
      error: { code: 'invalid_parameter', message: 'voice_id is not usable with this avatar', param: 'voice_id', doc_url: null },
    });
    expect(err.status).toBe(400);
  });

  it('402: the documented insufficient_credit body passes through', async () => {
    expectRequest(pool, {
      status: 402,
      json: {
        error: {
          code: 'insufficient_credit',
          message: 'Your account has 5 credits but this video requires 10 credits.',
          doc_url: 'https://developers.heygen.com/docs/error-codes#insufficient-credit',
        },
      },
    });
    const err = await caught(adapter.createVideo(video));
    expect([err.status, err.code, err.message]).toStrictEqual([
      402,
      'insufficient_credit',
      'Your account has 5 credits but this video requires 10 credits.',
    ]);
  });

  it('401: the account key was refused, a 502 that does not blame the client', async () => {
    expectRequest(pool, { status: 401, json: { error: { code: 'unauthorized', message: `Invalid API key ${ACCOUNT_KEY}` } } });
    const err = await caught(adapter.getUser());
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(err.message).not.toContain(ACCOUNT_KEY);
    expect(err.message).not.toContain('Invalid API key');
  });

  const notFound = (message: string, code = 'not_found') => ({ error: { code, message } });
  it.each<[string, string, (a: Adapter) => Promise<unknown>, unknown]>([
    ['getVideo', 'video_not_found', (a) => a.getVideo('vid_upstream_123'), notFound('Video vid_upstream_123 not found.')],
    ['deleteVideo', 'video_not_found', (a) => a.deleteVideo('vid_upstream_123'), notFound('Video not found.')],
    ['getTranslation', 'video_not_found', (a) => a.getTranslation('tr_x'), notFound('Video translation not found.')],
    ['getAvatarGroup', 'avatar_not_found', (a) => a.getAvatarGroup('group_x'), null],
    ['getAvatarLook', 'avatar_not_found', (a) => a.getAvatarLook('look_x'), notFound('Avatar not found', 'AVATAR_NOT_FOUND')],
    ['getVoice', 'voice_not_found', (a) => a.getVoice('voice_x'), notFound('Voice not found')],
    ['createVideo, unknown voice', 'voice_not_found', (a) => a.createVideo(video), notFound('Voice v not found', 'voice_not_found')],
    ['getUser', 'resource_not_found', (a) => a.getUser(), notFound('Not found')],
  ])('404 on %s -> %s', async (_name, code, op, body) => {
    expectRequest(pool, body === null ? { status: 404, text: '' } : { status: 404, json: body });
    const err = await caught(op(adapter));
    expect([err.status, err.code]).toStrictEqual([404, code]);
  });

  it('404 on a job speaks of the job, never of the upstream id', async () => {
    expectRequest(pool, { status: 404, json: { error: { code: 'not_found', message: 'Video vid_upstream_123 not found.' } } });
    const err = await caught(adapter.getVideo('vid_upstream_123'));
    expect(err.message).toBe('Video not found.');
  });

  it('429: rate_limit_exceeded with the upstream Retry-After', async () => {
    expectRequest(pool, {
      status: 429,
      headers: { 'retry-after': '12' },
      json: { error: { code: 'rate_limit_exceeded', message: 'Too many requests.' } },
    });
    const err = await caught(adapter.listVoices({}));
    expect([err.status, err.code, err.retryAfter]).toStrictEqual([429, 'rate_limit_exceeded', 12]);
  });

  it('500: a 502 upstream_error', async () => {
    expectRequest(pool, { status: 500, json: { error: { code: 'internal_error', message: 'boom' } } });
    const err = await caught(adapter.getVideo('vid_1'));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('200 with a body that is not JSON: 502, the text not echoed', async () => {
    expectRequest(pool, { status: 200, text: '<html>maintenance page sk-secret-ish</html>' });
    const err = await caught(adapter.getVideo('vid_1'));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(err.message).not.toContain('maintenance');
    expect(JSON.stringify(err.toEnvelope())).not.toContain('sk-secret-ish');
  });

  it('200 JSON missing required fields: 502', async () => {
    expectRequest(pool, { json: { data: { status: 'pending' } } });
    const err = await caught(adapter.createVideo(video));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('200 list without has_more: 502', async () => {
    expectRequest(pool, { json: { data: [] } });
    const err = await caught(adapter.listAvatarLooks({}));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('an upstream slower than the account timeout: 504 gateway_timeout', async () => {
    await adapter.close();
    adapter = createHeygenV3Adapter(account({ timeout_ms: 100 }), { logger: silentLogger, dispatcher: agent });
    pool
      .intercept({ path: '/v3/users/me', method: 'GET' })
      .reply(200, { data: { username: 'u', email: null, first_name: null, last_name: null } })
      .delay(2_000);
    const err = await caught(adapter.getUser());
    expect([err.status, err.code]).toStrictEqual([504, 'gateway_timeout']);
  });
});

describe('assets (loopback HeyGen with @fastify/multipart)', () => {
  let server: FastifyInstance;
  let received: { headers: Record<string, unknown>; field: string; filename: string; mimetype: string; bytes: Buffer } | undefined;

  beforeEach(async () => {
    received = undefined;
    server = Fastify();
    await server.register(multipart, { limits: { fileSize: 4 * 1024 * 1024 } });
    server.post('/v3/assets', async (req) => {
      const part = await req.file();
      if (!part) throw new Error('no file part');
      const bytes = await part.toBuffer();
      received = { headers: req.headers, field: part.fieldname, filename: part.filename, mimetype: part.mimetype, bytes };
      return {
        data: { asset_id: 'ast_abc123', url: 'https://files.heygen.com/asset/ast_abc123.jpg', mime_type: part.mimetype, size_bytes: bytes.length },
      };
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('streams the file as multipart field "file" that a real multipart parser reads back', async () => {
    const address = server.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const loopback = createHeygenV3Adapter(account({ base_url: `http://127.0.0.1:${address.port}` }), { logger: silentLogger });
    try {
      const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(8192, i));
      const uploaded = await loopback.uploadAsset({ stream: Readable.from(chunks), filename: 'my-photo.jpg', mimeType: 'image/jpeg' });
      expect(uploaded).toStrictEqual({
        asset_id: 'ast_abc123',
        url: 'https://files.heygen.com/asset/ast_abc123.jpg',
        mime_type: 'image/jpeg',
        size_bytes: 40 * 8192,
      });
      expect(received).toBeDefined();
      expect(received!.field).toBe('file');
      expect(received!.filename).toBe('my-photo.jpg');
      expect(received!.mimetype).toBe('image/jpeg');
      expect(received!.bytes.equals(Buffer.concat(chunks))).toBe(true);
      expect(received!.headers['x-api-key']).toBe(ACCOUNT_KEY);
      expect(received!.headers.authorization).toBeUndefined();
    } finally {
      await loopback.close();
    }
  });
});
