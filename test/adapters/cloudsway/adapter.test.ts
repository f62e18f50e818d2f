/**
 * The cloudsway adapter against a mocked Cloudsway (undici MockAgent, no network): the exact
 * requests it sends for every operation — URL with the product's endpoint path encoded as one
 * segment, Bearer token, body — and how each kind of upstream answer reaches the client: both
 * failure shapes (string and object `error`), failures inside 2xx answers, garbage, timeouts.
 */
import { Readable } from 'node:stream';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudswayAdapter } from '../../../adapters/cloudsway/index.js';
import { AccountConfig } from '../../../src/config/schema.js';
import type { Adapter, VideoRequest } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import {
  DOC_ASSET_RESPONSE,
  DOC_GROUP_LIST_RESPONSE,
  DOC_GROUP_RESPONSE,
  DOC_LANGUAGES_RESPONSE,
  DOC_LOOK_LIST_RESPONSE,
  DOC_LOOK_RESPONSE,
  DOC_PHOTO_AVATAR,
  DOC_PHOTO_AVATAR_RESPONSE,
  DOC_TRANSLATION_BY_ASSET,
  DOC_TRANSLATION_BY_URL,
  DOC_TRANSLATION_COMPLETED,
  DOC_TRANSLATION_CREATED,
  DOC_TRANSLATION_PROCESSING,
  DOC_VIDEO_AUDIO,
  DOC_VIDEO_CREATED,
  DOC_VIDEO_STATUS,
  V3_GROUP,
  V3_LOOK,
  V3_VIDEO_EXAMPLE_A,
} from './fixtures.js';

const ORIGIN = 'https://genaiapi-m2.cloudsway.test';
const TOKEN = 'cs-token-9b1e';
const EP_VIDEO = 'EP_VIDEO';
/** Not a realistic access point: it proves the path is sent as one encoded segment. */
const EP_TRANSLATE = 'ep translate/β';
const EP_TRANSLATE_ENCODED = 'ep%20translate%2F%CE%B2';
const VIDEO_PREFIX = `/v1/ai/${EP_VIDEO}/heygen`;
const TRANSLATE_PREFIX = `/v1/ai/${EP_TRANSLATE_ENCODED}/heygen/v3`;

const account = (over: Record<string, unknown> = {}) =>
  AccountConfig.parse({
    id: 'cloudsway-main',
    provider: 'cloudsway',
    base_url: ORIGIN,
    api_key: TOKEN,
    endpoint_paths: { video: EP_VIDEO, translation: EP_TRANSLATE },
    ...over,
  });

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

const GET_HEADERS = { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' };
const JSON_HEADERS = { ...GET_HEADERS, 'Content-Type': 'application/json' };

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
  adapter = createCloudswayAdapter(account(), { logger: silentLogger, dispatcher: agent });
});

afterEach(async () => {
  await adapter.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const VIDEO_OPS = ['video.create', 'video.get', 'avatar.groups.list', 'avatar.groups.get', 'avatar.looks.list', 'avatar.looks.get', 'avatar.create'];
const TRANSLATION_OPS = ['translation.create', 'translation.get', 'translation.languages', 'asset.upload'];

describe('identity and capabilities', () => {
  it('names its provider and account; offers what the document offers, with field checks', () => {
    expect(adapter.provider).toBe('cloudsway');
    expect(adapter.accountId).toBe('cloudsway-main');
    expect([...adapter.capabilities.operations].sort()).toStrictEqual([...VIDEO_OPS, ...TRANSLATION_OPS].sort());
    for (const absent of ['video.delete', 'voice.list', 'voice.get', 'user.get'] as const) {
      expect(adapter.capabilities.operations.has(absent)).toBe(false);
    }
    expect(adapter.capabilities.multiScene).toBeFalsy();
    const fields = adapter.capabilities.fields!;
    expect(fields['video.create']!({ type: 'avatar', avatar_id: 'lk', script: 'x', aspect_ratio: '1:1' })).toStrictEqual([
      { param: 'aspect_ratio', reason: 'Cloudsway renders 16:9 or 9:16 only' },
    ]);
    expect(fields['translation.create']!({ ...DOC_TRANSLATION_BY_URL, output_languages: ['Spanish'], brand_voice_id: 'b' }).map((u) => u.param)).toStrictEqual([
      'brand_voice_id',
    ]);
    expect(fields['avatar.create']!({ type: 'prompt', name: 'n', prompt: 'p' }).map((u) => u.param)).toStrictEqual(['type']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['only a video endpoint path', { endpoint_paths: { video: 'EP_V' } }, VIDEO_OPS],
    ['only a translation endpoint path', { endpoint_paths: { translation: 'EP_T' } }, TRANSLATION_OPS],
    ['one endpoint_path', { endpoint_paths: undefined, endpoint_path: 'EP_ALL' }, [...VIDEO_OPS, ...TRANSLATION_OPS]],
    ['a video path and endpoint_path for the rest', { endpoint_paths: { video: 'EP_V' }, endpoint_path: 'EP_ALL' }, [...VIDEO_OPS, ...TRANSLATION_OPS]],
  ])('with %s it offers the operations of the products it can reach', async (_name, over, ops) => {
    const a = createCloudswayAdapter(account(over), { logger: silentLogger, dispatcher: agent });
    expect([...a.capabilities.operations].sort()).toStrictEqual([...ops].sort());
    await a.close();
  });

  it('endpoint_paths names a product; endpoint_path serves the products it does not name', async () => {
    const a = createCloudswayAdapter(account({ endpoint_paths: { video: 'EP_V' }, endpoint_path: 'EP_ALL' }), { logger: silentLogger, dispatcher: agent });
    const video = expectRequest(pool, { json: DOC_LOOK_RESPONSE });
    await a.getAvatarLook('lk_abc123def456');
    const translation = expectRequest(pool, { json: DOC_LANGUAGES_RESPONSE });
    await a.listTranslationLanguages();
    expect(video[0]!.path).toBe('/v1/ai/EP_V/heygen/avatars/looks/lk_abc123def456');
    expect(translation[0]!.path).toBe('/v1/ai/EP_ALL/heygen/v3/video-translations/languages');
    await a.close();
  });

  it('refuses, without a request, an operation of a product it has no endpoint path for', async () => {
    const a = createCloudswayAdapter(account({ endpoint_paths: { video: 'EP_V' } }), { logger: silentLogger, dispatcher: agent });
    const err = await caught(a.listTranslationLanguages());
    expect([err.status, err.code]).toStrictEqual([400, 'provider_capability_unsupported']);
    const destroyed = Readable.from([Buffer.from('x')]);
    expect((await caught(a.uploadAsset({ stream: destroyed, filename: 'a.png', mimeType: 'image/png' }))).code).toBe('provider_capability_unsupported');
    expect(destroyed.destroyed).toBe(true);
    await a.close();
  });

  it.each(['.', '..'])('will not start with an endpoint path %j, which URL resolution would collapse', (path) => {
    expect(() => createCloudswayAdapter(account({ endpoint_paths: { video: path } }), { logger: silentLogger })).toThrow(
      /account "cloudsway-main": the video endpoint path/,
    );
  });

  it.each<[string, (a: Adapter) => Promise<unknown>]>([
    ['deleteVideo', (a) => a.deleteVideo('vid_1')],
    ['listVoices', (a) => a.listVoices({})],
    ['getVoice', (a) => a.getVoice('voice_001')],
    ['getUser', (a) => a.getUser()],
  ])('%s is refused without a request', async (_name, op) => {
    const err = await caught(op(adapter));
    expect([err.status, err.code]).toStrictEqual([400, 'provider_capability_unsupported']);
  });
});

describe('videos', () => {
  it('creates: POST .../heygen/videos with the document fields only, Bearer token', async () => {
    const seen = expectRequest(pool, { json: DOC_VIDEO_CREATED });
    const sub = await adapter.createVideo({ ...V3_VIDEO_EXAMPLE_A, callback_url: 'https://client.example.com/hook', callback_id: 'order-42' });
    expect(seen).toStrictEqual([
      {
        method: 'POST',
        path: `${VIDEO_PREFIX}/videos`,
        query: {},
        headers: JSON_HEADERS,
        body:
          '{"type":"avatar","avatar_id":"lk_studio_preset_001","title":"Product Introduction","resolution":"1080p",' +
          '"aspect_ratio":"16:9","callback_id":"order-42","script":"Hello, welcome to our product demo.",' +
          '"voice_settings":{"speed":1,"pitch":1}}',
      },
    ]);
    expect(sub).toStrictEqual({ upstreamId: 'vid_abc123def456', status: 'pending', payload: DOC_VIDEO_CREATED });
  });

  it('refuses, without a request, a body with a field Cloudsway cannot honour', async () => {
    const err = await caught(adapter.createVideo({ ...DOC_VIDEO_AUDIO, voice_id: 'voice_001' } as VideoRequest));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'provider_capability_unsupported', 'voice_id']);
  });

  it('keeps a path prefix carried by base_url', async () => {
    await adapter.close();
    adapter = createCloudswayAdapter(account({ base_url: `${ORIGIN}/proxy/cs/` }), { logger: silentLogger, dispatcher: agent });
    const seen = expectRequest(pool, { json: DOC_VIDEO_CREATED });
    await adapter.createVideo(DOC_VIDEO_AUDIO);
    expect(seen[0]!.path).toBe(`/proxy/cs${VIDEO_PREFIX}/videos`);
    expect(JSON.parse(seen[0]!.body!)).toStrictEqual(DOC_VIDEO_AUDIO);
  });

  it('polls: GET .../heygen/videos/{id}, the id one encoded segment', async () => {
    const seen = expectRequest(pool, { json: DOC_VIDEO_STATUS });
    const polled = await adapter.getVideo('vid/abc 1?');
    expect(seen[0]).toStrictEqual({ method: 'GET', path: `${VIDEO_PREFIX}/videos/vid%2Fabc%201%3F`, query: {}, headers: GET_HEADERS, body: null });
    const { id: _id, ...detail } = DOC_VIDEO_STATUS.data;
    expect(polled).toStrictEqual({ detail, payload: DOC_VIDEO_STATUS });
  });

  it('never sends an id that would leave its path segment', async () => {
    const err = await caught(adapter.getVideo('..'));
    expect([err.status, err.code]).toStrictEqual([404, 'video_not_found']);
    expect((await caught(adapter.getAvatarLook('.'))).code).toBe('avatar_not_found');
  });
});

describe('translations', () => {
  it.each([
    ['URL', DOC_TRANSLATION_BY_URL],
    ['asset_id', DOC_TRANSLATION_BY_ASSET],
  ])('creates (%s example): POST .../heygen/v3/video-translations on the translation endpoint path', async (_name, body) => {
    const seen = expectRequest(pool, { json: DOC_TRANSLATION_CREATED });
    const sub = await adapter.createTranslation({ ...body, output_languages: [...body.output_languages], callback_id: 'batch-1' });
    const { body: sent, ...request } = seen[0]!;
    expect(request).toStrictEqual({ method: 'POST', path: `${TRANSLATE_PREFIX}/video-translations`, query: {}, headers: JSON_HEADERS });
    expect(JSON.parse(sent!)).toStrictEqual(body);
    expect(sub.items).toStrictEqual([
      { upstreamId: 'vtrans-001', outputLanguage: 'Chinese (Simplified)' },
      { upstreamId: 'vtrans-002', outputLanguage: 'Spanish' },
    ]);
    expect(sub.payload).toStrictEqual(DOC_TRANSLATION_CREATED);
  });

  it('polls: GET .../heygen/v3/video-translations/{id}', async () => {
    const seen = expectRequest(pool, { json: DOC_TRANSLATION_PROCESSING });
    const polled = await adapter.getTranslation('vtrans-001');
    expect(seen[0]).toStrictEqual({ method: 'GET', path: `${TRANSLATE_PREFIX}/video-translations/vtrans-001`, query: {}, headers: GET_HEADERS, body: null });
    expect(polled.detail).toMatchObject({ status: 'running', output_language: 'Chinese (Simplified)', title: 'My Video' });
  });

  it.each(['completed', 'success'])('takes %j as completed', async (word) => {
    const answer = { data: { ...DOC_TRANSLATION_COMPLETED.data, status: word } };
    expectRequest(pool, { json: answer });
    const polled = await adapter.getTranslation('vtrans-001');
    expect(polled.detail.status).toBe('completed');
    expect(polled.detail.video_url).toBe('https://files.heygen.ai/output/vtrans-001.mp4');
    expect(polled.unknownStatus).toBeUndefined();
  });

  it('lists languages: GET .../heygen/v3/video-translations/languages', async () => {
    const seen = expectRequest(pool, { json: DOC_LANGUAGES_RESPONSE });
    expect(await adapter.listTranslationLanguages()).toStrictEqual(['English', 'Chinese (Simplified)', 'Spanish', 'French']);
    expect(seen[0]).toStrictEqual({ method: 'GET', path: `${TRANSLATE_PREFIX}/video-translations/languages`, query: {}, headers: GET_HEADERS, body: null });
  });
});

describe('assets', () => {
  it('uploads: POST .../heygen/v3/assets as multipart field "file", streamed; code-100 envelope', async () => {
    const seen = expectRequest(pool, { json: DOC_ASSET_RESPONSE });
    const file = Readable.from([Buffer.from('\x00\x00\x00\x18ftypmp42', 'latin1'), Buffer.from('rest-of-video')]);
    const uploaded = await adapter.uploadAsset({ stream: file, filename: 'video.mp4', mimeType: 'video/mp4' });
    expect(uploaded).toStrictEqual(DOC_ASSET_RESPONSE.data);

    const s = seen[0]!;
    expect([s.method, s.path, s.query, s.body]).toStrictEqual(['POST', `${TRANSLATE_PREFIX}/assets`, {}, null]);
    const contentType = s.headers['Content-Type'] ?? '';
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
    expect(boundary).toBeTruthy();
    expect(s.headers).toStrictEqual({ ...GET_HEADERS, 'Content-Type': contentType });
    expect((await s.streamed!).toString('latin1')).toBe(
      `--${boundary}\r\n` +
        'Content-Disposition: form-data; name="file"; filename="video.mp4"\r\n' +
        'Content-Type: video/mp4\r\n\r\n' +
        '\x00\x00\x00\x18ftypmp42rest-of-video' +
        `\r\n--${boundary}--\r\n`,
    );
  });
});

describe('avatars', () => {
  it('lists groups: GET .../heygen/avatars with the query of the document example', async () => {
    const seen = expectRequest(pool, { json: DOC_GROUP_LIST_RESPONSE });
    const page = await adapter.listAvatarGroups({ ownership: 'private', limit: 20 });
    expect(seen[0]).toStrictEqual({ method: 'GET', path: `${VIDEO_PREFIX}/avatars`, query: { ownership: 'private', limit: '20' }, headers: GET_HEADERS, body: null });
    expect(page).toStrictEqual({ data: [V3_GROUP], has_more: false, next_token: null });
  });

  it('passes the cursor token through both ways, untouched', async () => {
    const seen = expectRequest(pool, { json: { ...DOC_GROUP_LIST_RESPONSE, has_more: true, next_token: 'eyJhZnRlciI6MX0=+/' } });
    const page = await adapter.listAvatarGroups({ token: 'b3BhcXVl=+/' });
    expect(seen[0]!.query).toStrictEqual({ token: 'b3BhcXVl=+/' });
    expect([page.has_more, page.next_token]).toStrictEqual([true, 'eyJhZnRlciI6MX0=+/']);
  });

  it('gets a group: GET .../heygen/avatars/{group_id}', async () => {
    const seen = expectRequest(pool, { json: DOC_GROUP_RESPONSE });
    expect(await adapter.getAvatarGroup('grp_abc123')).toStrictEqual(V3_GROUP);
    expect(seen[0]).toStrictEqual({ method: 'GET', path: `${VIDEO_PREFIX}/avatars/grp_abc123`, query: {}, headers: GET_HEADERS, body: null });
  });

  it('lists looks: GET .../heygen/avatars/looks with the query of the document example', async () => {
    const seen = expectRequest(pool, { json: DOC_LOOK_LIST_RESPONSE });
    const page = await adapter.listAvatarLooks({ group_id: 'grp_abc123', avatar_type: 'photo_avatar', limit: 20, token: 'tok' });
    expect(seen[0]).toStrictEqual({
      method: 'GET',
      path: `${VIDEO_PREFIX}/avatars/looks`,
      query: { group_id: 'grp_abc123', avatar_type: 'photo_avatar', limit: '20', token: 'tok' },
      headers: GET_HEADERS,
      body: null,
    });
    expect(page).toStrictEqual({ data: [V3_LOOK], has_more: false, next_token: null });
  });

  it('gets a look: GET .../heygen/avatars/looks/{look_id}', async () => {
    const seen = expectRequest(pool, { json: DOC_LOOK_RESPONSE });
    expect(await adapter.getAvatarLook('lk_abc123def456')).toStrictEqual(V3_LOOK);
    expect(seen[0]).toStrictEqual({ method: 'GET', path: `${VIDEO_PREFIX}/avatars/looks/lk_abc123def456`, query: {}, headers: GET_HEADERS, body: null });
  });

  it('creates a photo avatar: POST .../heygen/avatars with the document example', async () => {
    const seen = expectRequest(pool, { json: DOC_PHOTO_AVATAR_RESPONSE });
    const created = await adapter.createAvatar(DOC_PHOTO_AVATAR);
    expect(seen[0]).toStrictEqual({ method: 'POST', path: `${VIDEO_PREFIX}/avatars`, query: {}, headers: JSON_HEADERS, body: JSON.stringify(DOC_PHOTO_AVATAR) });
    expect(created).toStrictEqual({
      avatar_item: DOC_PHOTO_AVATAR_RESPONSE.data.avatar_item,
      avatar_group: { ...DOC_PHOTO_AVATAR_RESPONSE.data.avatar_group, created_at: 1717843200 },
    });
  });
});

describe('upstream failures', () => {
  it('400 with error as a string (translations): invalid_parameter carrying its words', async () => {
    expectRequest(pool, { status: 400, json: { code: 400, data: null, error: 'Unsupported output language: "Klingon".', message: 'failed' } });
    const err = await caught(adapter.createTranslation({ ...DOC_TRANSLATION_BY_URL, output_languages: ['Klingon'] }));
    expect(err.status).toBe(400);
    expect(err.toEnvelope()).toStrictEqual({ error: { code: 'invalid_parameter', message: 'Unsupported output language: "Klingon".', param: null, doc_url: null } });
  });

  it('400 with error as an object (videos): its code, message and param', async () => {
    expectRequest(pool, { status: 400, json: { error: { code: 'invalid_parameter', message: 'script and audio_url are mutually exclusive.', param: 'audio_url' }, data: null } });
    const err = await caught(adapter.createVideo(DOC_VIDEO_AUDIO));
    expect(err.status).toBe(400);
    expect(err.toEnvelope()).toStrictEqual({
      error: { code: 'invalid_parameter', message: 'script and audio_url are mutually exclusive.', param: 'audio_url', doc_url: null },
    });
  });

  it.each<[string, string, (a: Adapter) => Promise<unknown>, unknown]>([
    ['createVideo, unknown look', 'avatar_not_found', (a) => a.createVideo(DOC_VIDEO_AUDIO), { error: { code: 'avatar_not_found', message: "Avatar 'lk_abc123def456' was not found." } }],
    ['createTranslation, unknown asset (string error)', 'asset_not_found', (a) => a.createTranslation({ ...DOC_TRANSLATION_BY_ASSET, output_languages: ['Spanish'] }), { code: 404, error: 'asset not found', data: null }],
    ['getVideo', 'video_not_found', (a) => a.getVideo('vid_upstream_1'), { error: { code: 'not_found', message: 'Video vid_upstream_1 not found.' } }],
    ['getTranslation (string error)', 'video_not_found', (a) => a.getTranslation('vtrans-009'), { code: 404, error: 'vtrans-009 not found', data: null }],
    ['getAvatarGroup', 'avatar_not_found', (a) => a.getAvatarGroup('grp_x'), null],
    ['getAvatarLook', 'avatar_not_found', (a) => a.getAvatarLook('lk_x'), { error: { code: 'avatar_not_found', message: 'Avatar look not found.' } }],
  ])('404 on %s -> %s', async (_name, code, op, body) => {
    expectRequest(pool, body === null ? { status: 404, text: '' } : { status: 404, json: body });
    const err = await caught(op(adapter));
    expect([err.status, err.code]).toStrictEqual([404, code]);
  });

  it('404 on a job speaks of the job, never of the upstream id', async () => {
    expectRequest(pool, { status: 404, json: { code: 404, error: 'vtrans-009 not found', data: null } });
    expect((await caught(adapter.getTranslation('vtrans-009'))).message).toBe('Video translation not found.');
    expectRequest(pool, { status: 404, json: { error: { code: 'video_not_found', message: 'vid_upstream_1 not found' } } });
    expect((await caught(adapter.getVideo('vid_upstream_1'))).message).toBe('Video not found.');
  });

  it.each([
    ['a string error', { code: 401, data: null, error: `Unauthorized token ${TOKEN}`, message: 'failed' }],
    ['an object error', { error: { code: 'unauthorized', message: `Bad token ${TOKEN}` }, data: null }],
  ])('401 with %s: the account token was refused, a 502 that does not blame the client', async (_name, body) => {
    expectRequest(pool, { status: 401, json: body });
    const err = await caught(adapter.listAvatarLooks({}));
    expect([err.status, err.code, err.fallbackSafe]).toStrictEqual([502, 'upstream_error', true]);
    expect(JSON.stringify(err.toEnvelope())).not.toContain(TOKEN);
  });

  it('403 with an object error passes through as forbidden', async () => {
    expectRequest(pool, { status: 403, json: { error: { code: 'resource_access_denied', message: 'This look belongs to another account.' } } });
    const err = await caught(adapter.getAvatarLook('lk_other'));
    expect([err.status, err.code, err.message]).toStrictEqual([403, 'resource_access_denied', 'This look belongs to another account.']);
  });

  it('429: rate_limit_exceeded with the upstream Retry-After', async () => {
    expectRequest(pool, { status: 429, headers: { 'retry-after': '12' }, json: { code: 429, data: null, error: 'Too many requests', message: 'failed' } });
    const err = await caught(adapter.listTranslationLanguages());
    expect([err.status, err.code, err.retryAfter]).toStrictEqual([429, 'rate_limit_exceeded', 12]);
  });

  it('500: a 502 upstream_error, its words not echoed', async () => {
    expectRequest(pool, { status: 500, json: { code: 500, data: null, error: 'NullPointerException at com.cloudsway.Gateway', message: 'failed' } });
    const err = await caught(adapter.getTranslation('vtrans-001'));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(err.message).not.toContain('NullPointer');
  });

  describe('failures inside a 2xx answer', () => {
    it('a string error with a numeric code: that code is the status', async () => {
      expectRequest(pool, { status: 200, json: { code: 400, data: null, error: 'output_languages is required', message: 'failed' } });
      const err = await caught(adapter.createTranslation({ ...DOC_TRANSLATION_BY_URL, output_languages: ['Spanish'] }));
      expect([err.status, err.code, err.message]).toStrictEqual([400, 'invalid_parameter', 'output_languages is required']);
    });

    it('an object error with a v3 code: the status v3 documents for it', async () => {
      expectRequest(pool, { status: 200, json: { error: { code: 'avatar_not_found', message: 'Avatar look not found.' }, data: null } });
      const err = await caught(adapter.getAvatarLook('lk_x'));
      expect([err.status, err.code, err.message]).toStrictEqual([404, 'avatar_not_found', 'Avatar look not found.']);
    });

    it('a job that is gone speaks of the job', async () => {
      expectRequest(pool, { status: 200, json: { error: { code: 'video_not_found', message: 'vid_upstream_1 does not exist' }, data: null } });
      const err = await caught(adapter.getVideo('vid_upstream_1'));
      expect([err.status, err.code, err.message]).toStrictEqual([404, 'video_not_found', 'Video not found.']);
    });

    it('a code 401 in the body: the credentials, a 502', async () => {
      expectRequest(pool, { status: 200, json: { code: 401, data: null, error: 'invalid token', message: 'failed' } });
      const err = await caught(adapter.uploadAsset({ stream: Readable.from([Buffer.from('%PDF-1.4')]), filename: 'a.pdf', mimeType: 'application/pdf' }));
      expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    });

    it('a failure that names no status: a 502 that does not echo it', async () => {
      expectRequest(pool, { status: 200, json: { code: 1001, data: null, message: 'internal quota table corrupt' } });
      const err = await caught(adapter.listTranslationLanguages());
      expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
      expect(err.message).not.toContain('quota table');
    });
  });

  it('200 with a body that is not JSON: 502, the text not echoed', async () => {
    expectRequest(pool, { status: 200, text: '<html>maintenance page</html>' });
    const err = await caught(adapter.getVideo('vid_1'));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
    expect(err.message).not.toContain('maintenance');
  });

  it.each<[string, (a: Adapter) => Promise<unknown>, unknown]>([
    ['a create without video_id', (a) => a.createVideo(DOC_VIDEO_AUDIO), { error: null, data: { status: 'pending' } }],
    ['a status without status', (a) => a.getTranslation('vtrans-001'), { data: { id: 'vtrans-001' } }],
    ['a list that is not a list', (a) => a.listAvatarGroups({}), { data: { id: 'grp_abc123' }, has_more: false }],
    ['an asset without asset_id', (a) => a.uploadAsset({ stream: Readable.from([Buffer.from('x')]), filename: 'x.png', mimeType: 'image/png' }), { code: 100, data: { url: 'u' }, message: 'success' }],
  ])('200 JSON the wire schema rejects (%s): 502', async (_name, op, body) => {
    expectRequest(pool, { json: body });
    const err = await caught(op(adapter));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  it('an upstream slower than the account timeout: 504 gateway_timeout', async () => {
    await adapter.close();
    adapter = createCloudswayAdapter(account({ timeout_ms: 100 }), { logger: silentLogger, dispatcher: agent });
    pool
      .intercept({ path: `${VIDEO_PREFIX}/videos/vid_1`, method: 'GET' })
      .reply(200, DOC_VIDEO_STATUS)
      .delay(2_000);
    const err = await caught(adapter.getVideo('vid_1'));
    expect([err.status, err.code]).toStrictEqual([504, 'gateway_timeout']);
  });
});
