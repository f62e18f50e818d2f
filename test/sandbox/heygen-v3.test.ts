import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHeygenV3Sandbox, MAX_ASSET_BYTES, type HeygenV3Sandbox } from '../../src/sandbox/heygen-v3.js';
import { TRANSLATION_LANGUAGES } from '../../src/sandbox/heygen-v3-data.js';
import type { ErrorBody } from '../../src/core/errors.js';
import type { VideoDetail } from '../../src/api/schemas/videos.js';
import type { TranslationDetail } from '../../src/api/schemas/translations.js';
import type { AvatarGroupItem, AvatarLookItem } from '../../src/api/schemas/avatars.js';
import type { VoiceItem } from '../../src/api/schemas/voices.js';

const KEY = 'sk_sandbox_test_key';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

interface ListBody<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}

/** `data` of a `{"data": ...}` answer, typed by the caller. */
const data = <T = Record<string, unknown>>(res: Answer): T => (res.json as { data: T }).data;
const list = <T = { id: string }>(res: Answer): ListBody<T> => res.json as ListBody<T>;
const error = (res: Answer): ErrorBody => (res.json as { error: ErrorBody }).error;
const ids = (res: Answer): string[] => list<{ id: string }>(res).data.map((d) => d.id);

let sb: HeygenV3Sandbox;

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; auth?: 'key' | 'bearer' | 'none'; headersTimeout?: number } = {},
): Promise<Answer> {
  const auth = opts.auth ?? 'key';
  const headers: Record<string, string> = {
    ...(auth === 'key' ? { 'x-api-key': KEY } : auth === 'bearer' ? { authorization: `Bearer ${KEY}` } : {}),
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...opts.headers,
  };
  const res = await request(`${sb.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    ...(opts.headersTimeout ? { headersTimeout: opts.headersTimeout } : {}),
  });
  const text = await res.body.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: callers look at text
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

async function upload(bytes: Uint8Array, filename = 'file.bin', type = 'application/octet-stream', field = 'file'): Promise<Answer> {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type }), filename);
  const res = await fetch(`${sb.url}/v3/assets`, { method: 'POST', headers: { 'x-api-key': KEY }, body: form });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), text, json: JSON.parse(text) };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const unauthorized = {
  error: {
    code: 'unauthorized',
    message: 'Invalid or expired API key. Verify your x-api-key header.',
    param: null,
    doc_url: null,
  },
};

/** The docs' "Avatar Video" example body (Avatar Looks page). */
const DOC_VIDEO = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
};

async function createVideo(body: Record<string, unknown> = DOC_VIDEO): Promise<string> {
  const res = await call('POST', '/v3/videos', { body });
  expect(res.status).toBe(200);
  return data<{ video_id: string }>(res).video_id;
}

async function collectPages(path: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call('GET', `${path}${sep}limit=${limit}${token ? `&token=${token}` : ''}`);
    expect(res.status).toBe(200);
    pages += 1;
    const items = data<Array<{ id?: string; voice_id?: string }>>(res);
    expect(items.length).toBeLessThanOrEqual(limit);
    seen.push(...items.map((d) => d.id ?? d.voice_id ?? ''));
    token = list(res).next_token;
    expect(list(res).has_more).toBe(token !== null);
    if (token !== null) expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  } while (token !== null && pages < 50);
  return { ids: seen, pages };
}

beforeAll(async () => {
  sb = await startHeygenV3Sandbox({ apiKey: KEY });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.reset();
});

describe('auth', () => {
  it('accepts X-Api-Key and Authorization: Bearer', async () => {
    expect((await call('GET', '/v3/users/me', { auth: 'key' })).status).toBe(200);
    expect((await call('GET', '/v3/users/me', { auth: 'bearer' })).status).toBe(200);
  });

  it('answers 401 unauthorized for a missing or wrong key', async () => {
    const none = await call('GET', '/v3/voices', { auth: 'none' });
    expect(none.status).toBe(401);
    expect(none.json).toEqual(unauthorized);
    const wrong = await call('GET', '/v3/voices', { auth: 'none', headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual(unauthorized);
    const wrongBearer = await call('POST', '/v3/videos', { auth: 'none', headers: { authorization: 'Bearer nope' }, body: DOC_VIDEO });
    expect(wrongBearer.status).toBe(401);
    expect(sb.requests).toHaveLength(3);
  });

  it('answers unknown routes with a v3 404', async () => {
    const res = await call('GET', '/v3/nothing-here');
    expect(res.status).toBe(404);
    expect(error(res).code).toBe('resource_not_found');
  });
});

describe('recording', () => {
  it('records method, path with query, headers and the parsed JSON body', async () => {
    await call('POST', '/v3/videos?x=1', { body: { ...DOC_VIDEO, title: 'Recorded' } });
    await call('GET', '/v3/voices?limit=3');
    expect(sb.requests).toHaveLength(2);
    const [post, get] = sb.requests;
    expect(post).toMatchObject({ method: 'POST', path: '/v3/videos?x=1', body: { ...DOC_VIDEO, title: 'Recorded' } });
    expect(post?.headers['x-api-key']).toBe(KEY);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(get).toMatchObject({ method: 'GET', path: '/v3/voices?limit=3', body: null });
  });
});

describe('videos', () => {
  it('walks pending -> processing -> completed, one step per status poll', async () => {
    const created = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, title: 'Q3 Product Launch Explainer', folder_id: 'folder_abc123' } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ data: { video_id: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'pending' } });
    const id = data<{ video_id: string }>(created).video_id;

    const first = await call('GET', `/v3/videos/${id}`);
    expect(data(first)).toMatchObject({ id, status: 'pending', video_url: null, completed_at: null });
    const second = await call('GET', `/v3/videos/${id}`);
    expect(data(second).status).toBe('processing');
    const third = await call('GET', `/v3/videos/${id}`);
    const done = data<VideoDetail>(third);
    expect(done).toEqual({
      id,
      title: 'Q3 Product Launch Explainer',
      status: 'completed',
      created_at: expect.any(Number),
      completed_at: expect.any(Number),
      video_url: `https://files.heygen.ai/video/${id}.mp4`,
      thumbnail_url: `https://files.heygen.ai/thumb/${id}.jpg`,
      gif_url: `https://files.heygen.ai/gif/${id}.gif`,
      captioned_video_url: null,
      subtitle_url: `https://files.heygen.ai/srt/${id}.srt`,
      duration: 2, // 5 words at 2.5 words/s
      folder_id: 'folder_abc123',
      output_language: null,
      failure_code: null,
      failure_message: null,
      video_page_url: `https://app.heygen.com/video/${id}`,
    });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at ?? Infinity);
    expect(data(await call('GET', `/v3/videos/${id}`)).status).toBe('completed');
  });

  it('ends [fail] jobs failed with tts_text_invalid', async () => {
    const id = await createVideo({ ...DOC_VIDEO, script: 'This will [fail] to render.' });
    await call('GET', `/v3/videos/${id}`);
    await call('GET', `/v3/videos/${id}`);
    const res = await call('GET', `/v3/videos/${id}`);
    expect(data(res)).toMatchObject({
      id,
      status: 'failed',
      failure_code: 'tts_text_invalid',
      failure_message: expect.any(String),
      video_url: null,
      duration: null,
    });
  });

  it('reports the undocumented word "rendering" for [unknown-status] jobs', async () => {
    const id = await createVideo({ ...DOC_VIDEO, title: 'odd [unknown-status]' });
    expect(data(await call('GET', `/v3/videos/${id}`)).status).toBe('pending');
    expect(data(await call('GET', `/v3/videos/${id}`)).status).toBe('rendering');
    expect(data(await call('GET', `/v3/videos/${id}`)).status).toBe('completed');
  });

  it('creates image videos from an uploaded asset and webm output', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)]);
    const asset = data<{ asset_id: string }>(await upload(png, 'me.png', 'image/png')).asset_id;
    const id = await createVideo({
      type: 'image',
      image: { type: 'asset_id', asset_id: asset },
      script: 'Hello! This video was generated directly from a photo.',
      voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
      output_format: 'webm',
    });
    for (let i = 0; i < 3; i++) await call('GET', `/v3/videos/${id}`);
    expect(data(await call('GET', `/v3/videos/${id}`)).video_url).toBe(`https://files.heygen.ai/video/${id}.webm`);
  });

  it('validates the create body like v3', async () => {
    const unknownLook = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, avatar_id: 'look_missing' } });
    expect(unknownLook.status).toBe(404);
    expect(error(unknownLook)).toMatchObject({ code: 'avatar_not_found', param: 'avatar_id' });

    const noImage = await call('POST', '/v3/videos', { body: { type: 'image', script: 'hi', voice_id: 'voice_xyz789' } });
    expect(noImage.status).toBe(400);
    expect(error(noImage)).toMatchObject({ code: 'invalid_parameter', param: 'image' });

    const badType = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, type: 'cartoon' } });
    expect(error(badType)).toMatchObject({ code: 'invalid_parameter', param: 'type' });

    const noVoice = await call('POST', '/v3/videos', { body: { type: 'avatar', avatar_id: 'look_def456', script: 'hi' } });
    expect(noVoice.status).toBe(400);
    expect(error(noVoice)).toMatchObject({ code: 'invalid_parameter', param: 'voice_id' });

    const unknownVoice = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, voice_id: 'voice_missing' } });
    expect(unknownVoice.status).toBe(404);
    expect(error(unknownVoice)).toMatchObject({ code: 'voice_not_found', param: 'voice_id' });

    const badSpeed = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, voice_settings: { speed: 9 } } });
    expect(error(badSpeed)).toMatchObject({ code: 'invalid_parameter', param: 'voice_settings.speed' });

    const extra = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, surprise: true } });
    expect(error(extra)).toMatchObject({ code: 'invalid_parameter', param: 'surprise' });

    const avatarV = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, engine: { type: 'avatar_v' } } });
    expect(error(avatarV)).toMatchObject({ code: 'invalid_parameter', param: 'engine' });
    const twinV = await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, avatar_id: 'look_e7a8ba', engine: { type: 'avatar_v' } } });
    expect(twinV.status).toBe(200);

    const unknownAsset = await call('POST', '/v3/videos', {
      body: { type: 'image', image: { type: 'asset_id', asset_id: 'asset_nope' }, audio_url: 'https://example.com/a.mp3' },
    });
    expect(unknownAsset.status).toBe(404);
    expect(error(unknownAsset)).toMatchObject({ code: 'asset_not_found', param: 'image.asset_id' });

    const garbage = await call('POST', '/v3/videos', { body: '{"type":' });
    expect(garbage.status).toBe(400);
    expect(error(garbage).code).toBe('invalid_parameter');
  });

  it('deletes, then answers 404 video_not_found', async () => {
    const id = await createVideo();
    const del = await call('DELETE', `/v3/videos/${id}`);
    expect(del.status).toBe(200);
    expect(del.json).toEqual({ data: { id, deleted: true } });
    const get = await call('GET', `/v3/videos/${id}`);
    expect(get.status).toBe(404);
    expect(get.json).toEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
    expect((await call('DELETE', `/v3/videos/${id}`)).status).toBe(404);
  });

  it('lists newest first with pagination and title / folder filters', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await createVideo({ ...DOC_VIDEO, title: `Clip ${i}`, ...(i % 2 ? { folder_id: 'f1' } : {}) }));
    const { ids: listed, pages } = await collectPages('/v3/videos', 2);
    expect(listed).toEqual([...made].reverse());
    expect(pages).toBe(3);
    const byTitle = await call('GET', '/v3/videos?title=clip%203');
    expect(ids(byTitle)).toEqual([made[3]]);
    const byFolder = await call('GET', '/v3/videos?folder_id=f1');
    expect(ids(byFolder)).toEqual([made[3], made[1]]);
    const whole = await call('GET', '/v3/videos');
    expect(whole.json).toMatchObject({ has_more: false, next_token: null });
    for (const bad of ['0', '101', 'x']) {
      const res = await call('GET', `/v3/videos?limit=${bad}`);
      expect(res.status).toBe(400);
      expect(error(res)).toEqual({ code: 'invalid_parameter', message: "'limit' must be between 1 and 100.", param: 'limit', doc_url: null });
    }
    expect(error(await call('GET', '/v3/videos?token=%%%'))).toMatchObject({ code: 'invalid_parameter', param: 'token' });
  });

  it('advances with time when stageMs is set, not per poll', async () => {
    const timed = await startHeygenV3Sandbox({ apiKey: KEY, stageMs: 400 });
    try {
      const created = await request(`${timed.url}/v3/videos`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify(DOC_VIDEO),
      });
      const id = ((await created.body.json()) as { data: { video_id: string } }).data.video_id;
      const seen: string[] = [];
      for (let i = 0; i < 400; i++) {
        const res = await request(`${timed.url}/v3/videos/${id}`, { headers: { 'x-api-key': KEY } });
        const status = ((await res.body.json()) as { data: { status: string } }).data.status;
        if (seen[seen.length - 1] !== status) seen.push(status);
        if (status === 'completed') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toEqual(['pending', 'processing', 'completed']);
    } finally {
      await timed.close();
    }
  });
});

describe('video translations', () => {
  const body = {
    video: { type: 'url', url: 'https://example.com/video.mp4' },
    output_languages: ['English', 'Spanish', 'French'],
    mode: 'speed',
    title: 'Global Campaign',
    callback_id: 'cb-7',
  };

  it('creates one id per output language, each walking pending -> running -> completed', async () => {
    const res = await call('POST', '/v3/video-translations', { body });
    expect(res.status).toBe(200);
    const created = data<{ video_translation_ids: string[] }>(res).video_translation_ids;
    expect(created).toHaveLength(3);
    expect(new Set(created).size).toBe(3);
    expect(Object.keys(data(res))).toEqual(['video_translation_ids']);
    for (const [i, id] of created.entries()) {
      expect(data(await call('GET', `/v3/video-translations/${id}`)).status).toBe('pending');
      expect(data(await call('GET', `/v3/video-translations/${id}`)).status).toBe('running');
      const done = await call('GET', `/v3/video-translations/${id}`);
      expect(data(done)).toEqual({
        id,
        title: 'Global Campaign',
        status: 'completed',
        output_language: body.output_languages[i],
        input_language: 'English',
        duration: expect.any(Number),
        translate_audio_only: false,
        video_url: `https://files.heygen.ai/video_translate/${id}.mp4`,
        audio_url: `https://files.heygen.ai/video_translate/${id}.mp3`,
        callback_id: 'cb-7',
        created_at: expect.any(Number),
        failure_message: null,
      });
    }
    const page = list<TranslationDetail>(await call('GET', '/v3/video-translations?limit=2'));
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
  });

  it('fails [fail] translations with a failure_message, deletes, validates', async () => {
    const res = await call('POST', '/v3/video-translations', { body: { ...body, output_languages: ['German'], title: 'x [fail]' } });
    const id = data<{ video_translation_ids: string[] }>(res).video_translation_ids[0] ?? '';
    for (let i = 0; i < 2; i++) await call('GET', `/v3/video-translations/${id}`);
    const failed = await call('GET', `/v3/video-translations/${id}`);
    expect(data(failed)).toMatchObject({ status: 'failed', failure_message: expect.any(String), video_url: null });

    expect((await call('DELETE', `/v3/video-translations/${id}`)).json).toEqual({ data: { id } });
    expect(error(await call('GET', `/v3/video-translations/${id}`)).code).toBe('video_not_found');

    const empty = await call('POST', '/v3/video-translations', { body: { ...body, output_languages: [] } });
    expect(error(empty)).toMatchObject({ code: 'invalid_parameter', param: 'output_languages' });
  });

  it('lists the supported languages', async () => {
    const res = await call('GET', '/v3/video-translations/languages');
    expect(res.status).toBe(200);
    expect(Object.keys(data(res))).toEqual(['languages']);
    expect(data(res).languages).toEqual(TRANSLATION_LANGUAGES);
    for (const l of ['English', 'Spanish', 'French', 'German', 'Japanese', 'Chinese', 'Portuguese (Brazil)']) {
      expect(data(res).languages).toContain(l);
    }
  });
});

describe('assets', () => {
  const magic: Array<[string, Buffer, string, string]> = [
    ['png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'image/png', 'png'],
    ['jpeg', Buffer.from('ffd8ffe000104a464946', 'hex'), 'image/jpeg', 'jpg'],
    ['mp4', Buffer.from('0000001c667479706d703432', 'hex'), 'video/mp4', 'mp4'],
    ['webm', Buffer.from('1a45dfa39f4282847765626d', 'hex'), 'video/webm', 'webm'],
    ['mp3 (ID3)', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), 'audio/mpeg', 'mp3'],
    ['mp3 (frame sync)', Buffer.from('fffb9064000000000000', 'hex'), 'audio/mpeg', 'mp3'],
    ['wav', Buffer.from('RIFF\x24\x08\x00\x00WAVEfmt ', 'latin1'), 'audio/wav', 'wav'],
    ['pdf', Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'), 'application/pdf', 'pdf'],
  ];

  it.each(magic)('detects %s from its first bytes', async (_name, head, mime, ext) => {
    // the declared part type is deliberately wrong: detection goes by bytes
    const bytes = Buffer.concat([head, Buffer.alloc(1000, 7)]);
    const res = await upload(bytes, 'upload.dat', 'text/plain');
    expect(res.status).toBe(200);
    const id = data(res).asset_id as string;
    expect(id).toMatch(/^asset_[0-9a-f]+$/);
    expect(res.json).toEqual({
      data: { asset_id: id, url: `https://files.heygen.ai/assets/${id}.${ext}`, mime_type: mime, size_bytes: bytes.length },
    });
  });

  it('records field, filename, declared type, size and sha256 of the upload', async () => {
    const bytes = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(4096, 1)]);
    await upload(bytes, 'product-screenshot.jpg', 'image/jpeg');
    expect(sb.requests).toHaveLength(1);
    expect(sb.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v3/assets',
      body: null,
      upload: { field: 'file', filename: 'product-screenshot.jpg', contentType: 'image/jpeg', bytes: bytes.length, sha256: sha256(bytes) },
    });
  });

  it('refuses unknown types and a missing file field', async () => {
    const junk = await upload(Buffer.from('just some text, not a media file'), 'notes.txt', 'text/plain');
    expect(junk.status).toBe(400);
    expect(error(junk)).toMatchObject({ code: 'invalid_parameter', param: 'file' });
    const wrongField = await upload(Buffer.from('%PDF-1.4'), 'a.pdf', 'application/pdf', 'document');
    expect(wrongField.status).toBe(400);
    expect(error(wrongField)).toEqual({
      code: 'invalid_parameter',
      message: 'File is required. Upload a file using multipart/form-data.',
      param: 'file',
      doc_url: null,
    });
    const notMultipart = await call('POST', '/v3/assets', { body: { file: 'x' } });
    expect(notMultipart.status).toBe(400);
    expect(error(notMultipart).param).toBe('file');
  });

  it('accepts exactly 32 MiB (streamed, hashed) and answers 413 one byte over', async () => {
    const big = Buffer.alloc(MAX_ASSET_BYTES, 0xab);
    Buffer.from('0000001c667479706d70343200000000', 'hex').copy(big);
    const ok = await upload(big, 'big.mp4', 'video/mp4');
    expect(ok.status).toBe(200);
    expect(data(ok)).toMatchObject({ mime_type: 'video/mp4', size_bytes: MAX_ASSET_BYTES });
    expect(sb.requests[0]?.upload).toMatchObject({ bytes: MAX_ASSET_BYTES, sha256: sha256(big) });

    const over = Buffer.concat([big, Buffer.from([0])]);
    const res = await upload(over, 'bigger.mp4', 'video/mp4');
    expect(res.status).toBe(413);
    expect(error(res)).toMatchObject({ code: 'payload_too_large', param: 'file' });
    expect(sb.requests[1]?.upload).toBeUndefined();
  });
});

describe('avatars', () => {
  it('serves the docs example group and look verbatim', async () => {
    const group = await call('GET', '/v3/avatars/group_abc123');
    expect(group.json).toEqual({
      data: {
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
      },
    });
    const look = await call('GET', '/v3/avatars/looks/look_def456');
    expect(look.json).toEqual({
      data: {
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
      },
    });
    expect(error(await call('GET', '/v3/avatars/group_nope')).code).toBe('avatar_not_found');
    expect((await call('GET', '/v3/avatars/looks/look_nope')).status).toBe(404);
  });

  it('pages through groups and looks without repeats', async () => {
    const groups = await collectPages('/v3/avatars', 4);
    expect(groups.pages).toBe(3);
    expect(new Set(groups.ids).size).toBe(groups.ids.length);
    expect(groups.ids[0]).toBe('group_abc123');
    const looks = await collectPages('/v3/avatars/looks', 10);
    expect(looks.ids.length).toBeGreaterThanOrEqual(25);
    expect(looks.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(looks.ids).size).toBe(looks.ids.length);
    const defaults = await call('GET', '/v3/avatars/looks');
    expect(data(defaults)).toHaveLength(20);
    expect(error(await call('GET', '/v3/avatars/looks?limit=51')).param).toBe('limit');
    expect(error(await call('GET', '/v3/avatars?ownership=mine')).param).toBe('ownership');
  });

  it('filters looks by group, type and ownership', async () => {
    const monica = await call('GET', '/v3/avatars/looks?group_id=group_abc123');
    expect(ids(monica)).toContain('look_def456');
    expect(data(monica)).toHaveLength(3);
    const studio = await call('GET', '/v3/avatars/looks?avatar_type=studio_avatar&limit=50');
    const studioLooks = data<AvatarLookItem[]>(studio);
    expect(studioLooks.length).toBeGreaterThan(0);
    for (const l of studioLooks) expect(l.avatar_type).toBe('studio_avatar');
    expect(studioLooks.some((l) => l.default_voice_id)).toBe(true);
    const twins = await call('GET', '/v3/avatars/looks?avatar_type=digital_twin&ownership=private');
    expect(data<AvatarLookItem[]>(twins).length).toBeGreaterThan(0);
    for (const l of data<AvatarLookItem[]>(twins)) expect(l.avatar_type).toBe('digital_twin');
    const publicGroups = await call('GET', '/v3/avatars?ownership=public&limit=50');
    const privateGroups = await call('GET', '/v3/avatars?ownership=private&limit=50');
    const all = await call('GET', '/v3/avatars?limit=50');
    expect(ids(publicGroups).length + ids(privateGroups).length).toBe(ids(all).length);
  });

  it('creates photo and prompt avatars that become private, listable and usable', async () => {
    const photo = await call('POST', '/v3/avatars', {
      body: { type: 'photo', name: 'Sarah', file: { type: 'url', url: 'https://example.com/sarah-headshot.png' } },
    });
    expect(photo.status).toBe(200);
    const { avatar_item: item, avatar_group: group } = data<{ avatar_item: AvatarLookItem; avatar_group: AvatarGroupItem }>(photo);
    expect(item).toMatchObject({ id: expect.stringMatching(/^look_/), name: 'Sarah', avatar_type: 'photo_avatar', group_id: group.id });
    expect(group).toMatchObject({ id: expect.stringMatching(/^group_/), name: 'Sarah', looks_count: 1, consent_status: null });

    const variation = await call('POST', '/v3/avatars', {
      body: { type: 'prompt', name: 'Sarah — Navy Blazer Office', prompt: 'Wearing a navy blazer', avatar_id: item.id },
    });
    const made = data<{ avatar_item: AvatarLookItem; avatar_group: AvatarGroupItem }>(variation);
    expect(made.avatar_group).toMatchObject({ id: group.id, looks_count: 2 });

    const mine = await call('GET', `/v3/avatars/looks?ownership=private&group_id=${group.id}`);
    expect(ids(mine)).toEqual([item.id, made.avatar_item.id]);
    const privateGroups = await call('GET', '/v3/avatars?ownership=private');
    expect(ids(privateGroups)).toContain(group.id);

    expect((await call('POST', '/v3/videos', { body: { ...DOC_VIDEO, avatar_id: item.id } })).status).toBe(200);

    const badRef = await call('POST', '/v3/avatars', { body: { type: 'prompt', name: 'x', prompt: 'y', avatar_id: 'look_nope' } });
    expect(error(badRef)).toMatchObject({ code: 'avatar_not_found', param: 'avatar_id' });
    const wrongGroup = await call('POST', '/v3/avatars', {
      body: { type: 'prompt', name: 'x', prompt: 'y', avatar_id: 'look_def456', avatar_group_id: group.id },
    });
    expect(error(wrongGroup)).toMatchObject({ code: 'invalid_parameter', param: 'avatar_group_id' });
    const noFile = await call('POST', '/v3/avatars', { body: { type: 'digital_twin', name: 'x' } });
    expect(error(noFile)).toMatchObject({ code: 'invalid_parameter', param: 'file' });

    sb.reset();
    expect((await call('GET', `/v3/avatars/looks/${item.id}`)).status).toBe(404);
  });
});

describe('voices', () => {
  it('serves the docs example voice and pages through public voices', async () => {
    const sara = await call('GET', '/v3/voices/1bd001e7e50f421d891986aad5c8bbd2');
    expect(sara.json).toEqual({
      data: {
        voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
        name: 'Sara',
        language: 'English',
        gender: 'female',
        preview_audio_url: 'https://files.heygen.ai/voice/preview/sara.mp3',
        support_pause: true,
        support_locale: true,
        type: 'public',
      },
    });
    const first = await call('GET', '/v3/voices');
    expect(data(first)).toHaveLength(20);
    expect(list(first).has_more).toBe(true);
    const all = await collectPages('/v3/voices', 10);
    expect(all.ids.length).toBeGreaterThanOrEqual(30);
    expect(all.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(all.ids).size).toBe(all.ids.length);
    expect(error(await call('GET', '/v3/voices?limit=101')).param).toBe('limit');
    expect(error(await call('GET', '/v3/voices/voice_nope')).code).toBe('voice_not_found');
  });

  it('filters by language, gender, engine and type', async () => {
    const es = await call('GET', '/v3/voices?language=Spanish&limit=100');
    expect(data<VoiceItem[]>(es).length).toBeGreaterThan(0);
    for (const v of data<VoiceItem[]>(es)) expect(v.language).toBe('Spanish');
    const female = data<VoiceItem[]>(await call('GET', '/v3/voices?language=English&gender=female&limit=5'));
    for (const v of female) expect([v.language, v.gender]).toEqual(['English', 'female']);
    expect(female[0]?.voice_id).toBe('1bd001e7e50f421d891986aad5c8bbd2');
    const starfish = await call('GET', '/v3/voices?engine=starfish&limit=100');
    const multi = await call('GET', '/v3/voices?engine=multilingual&limit=100');
    const count = (res: Answer): number => data<VoiceItem[]>(res).length;
    expect(count(starfish)).toBeGreaterThan(0);
    expect(count(multi)).toBeGreaterThan(0);
    // some voices work with both engines
    expect(count(starfish) + count(multi)).toBeGreaterThan(count(await call('GET', '/v3/voices?limit=100')));
    const priv = data<VoiceItem[]>(await call('GET', '/v3/voices?type=private'));
    expect(priv.length).toBeGreaterThan(0);
    for (const v of priv) expect(v.type).toBe('private');
  });
});

describe('users/me', () => {
  it('answers the documented body, {code,data,message} envelope included', async () => {
    const res = await call('GET', '/v3/users/me', { auth: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      code: 100,
      data: {
        username: 'jane_doe',
        email: 'jane@example.com',
        first_name: 'Jane',
        last_name: 'Doe',
        billing_type: 'subscription',
        subscription: {
          plan: 'enterprise',
          credits: {
            premium_credits: { remaining: 250, resets_at: '2026-05-01T00:00:00Z' },
            add_on_credits: { remaining: 50, resets_at: null },
          },
        },
      },
      message: null,
    });
  });
});

describe('faults', () => {
  it('answers with a status and garbage body the given number of times, then normally', async () => {
    sb.faults.add({ method: 'POST', path: '/v3/videos', status: 502, body: '<html>Bad Gateway</html>', times: 2 });
    const a = await call('POST', '/v3/videos', { body: DOC_VIDEO });
    const b = await call('POST', '/v3/videos', { body: DOC_VIDEO });
    expect([a.status, b.status]).toEqual([502, 502]);
    expect(a.text).toBe('<html>Bad Gateway</html>');
    expect(a.headers['content-type']).toMatch(/^text\/plain/);
    expect((await call('POST', '/v3/videos', { body: DOC_VIDEO })).status).toBe(200);
    // faulted requests are recorded with their body, and created nothing
    expect(sb.requests).toHaveLength(3);
    expect(sb.requests[0]?.body).toEqual(DOC_VIDEO);
    expect(data(await call('GET', '/v3/videos'))).toHaveLength(1);
  });

  it('matches by method and RegExp path, answers before auth, and adds headers', async () => {
    sb.faults.add({
      path: /^\/v3\/videos\/[0-9a-f]+$/,
      method: 'get',
      status: 429,
      body: JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Too many requests.' } }),
      headers: { 'retry-after': '7' },
    });
    const id = await createVideo();
    const limited = await call('GET', `/v3/videos/${id}`, { auth: 'none' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.headers['content-type']).toMatch(/^application\/json/);
    expect(error(limited).code).toBe('rate_limit_exceeded');
    // the fault was used up and did not count as a status poll
    expect(data(await call('GET', `/v3/videos/${id}`)).status).toBe('pending');
  });

  it('delays then lets the normal handler answer, or outlasts a client timeout', async () => {
    sb.faults.add({ path: '/v3/voices', delayMs: 300 });
    const started = Date.now();
    const slow = await call('GET', '/v3/voices?limit=1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slow.status).toBe(200);
    expect(data(slow)).toHaveLength(1);

    sb.faults.add({ path: '/v3/users/me', delayMs: 2000, status: 200, body: '{}' });
    await expect(call('GET', '/v3/users/me', { headersTimeout: 100 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('destroys the socket without answering', async () => {
    sb.faults.add({ method: 'POST', path: '/v3/videos', destroy: true });
    await expect(call('POST', '/v3/videos', { body: DOC_VIDEO })).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(sb.requests).toHaveLength(1);
    expect(data(await call('GET', '/v3/videos'))).toHaveLength(0);
  });

  it('keeps an Infinity fault until cleared, and reset() clears faults, jobs and requests', async () => {
    sb.faults.add({ path: '/v3/users/me', status: 500, body: 'oops', times: Infinity });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v3/users/me')).status).toBe(500);
    sb.faults.clear();
    expect((await call('GET', '/v3/users/me')).status).toBe(200);

    sb.faults.add({ path: '/v3/users/me', status: 500, times: Infinity, body: 'x' });
    const id = await createVideo();
    sb.reset();
    expect(sb.requests).toHaveLength(0);
    expect((await call('GET', '/v3/users/me')).status).toBe(200);
    expect((await call('GET', `/v3/videos/${id}`)).status).toBe(404);
  });
});

describe('latency', () => {
  it('adds latencyMs to every answer', async () => {
    const slow = await startHeygenV3Sandbox({ apiKey: KEY, latencyMs: 200 });
    try {
      const started = Date.now();
      const res = await request(`${slow.url}/v3/voices`, { headers: { 'x-api-key': 'wrong' } });
      await res.body.text();
      expect(res.statusCode).toBe(401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      await slow.close();
    }
  });
});
