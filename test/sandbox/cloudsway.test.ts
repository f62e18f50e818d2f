/**
 * The Cloudsway simulator over a real socket: it must speak the document's wire exactly
 * (seeds/000_b1da45572262cd95.txt — paths, envelopes, status words, both failure shapes) and let
 * nobody in without the Bearer token and the right endpoint path for the product.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  TRANSLATION_FAILURE,
  startCloudswaySandbox,
  type CloudswaySandbox,
} from '../../src/sandbox/cloudsway.js';
import {
  DOC_GROUP_LIST_RESPONSE,
  DOC_GROUP_RESPONSE,
  DOC_LANGUAGES_RESPONSE,
  DOC_LOOK_LIST_RESPONSE,
  DOC_LOOK_RESPONSE,
  DOC_PHOTO_AVATAR,
  DOC_TRANSLATION_BY_ASSET,
  DOC_TRANSLATION_BY_URL,
  DOC_VIDEO_AUDIO,
  DOC_VIDEO_EXAMPLE_A,
  DOC_VIDEO_EXAMPLE_B,
} from '../adapters/cloudsway/fixtures.js';

const TOKEN = 'cs-sandbox-token';
const EP_VIDEO = 'ep-video-001';
const EP_TRANSLATE = 'ep translate/β';
const V = `/v1/ai/${EP_VIDEO}/heygen`;
const T = `/v1/ai/${encodeURIComponent(EP_TRANSLATE)}/heygen/v3`;

interface Answer {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

let sb: CloudswaySandbox;

async function call(
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const token = opts.token === undefined ? TOKEN : opts.token;
  const headers: Record<string, string> = {
    ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...opts.headers,
  };
  const res = await request(`${sb.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // callers look at text
  }
  return { status: res.statusCode, text, json };
}

async function upload(bytes: Uint8Array, filename: string, path = `${T}/assets`): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const res = await fetch(`${sb.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);
const MP4 = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'latin1'), Buffer.alloc(500, 1)]);

/** The string failure shape of the translation product. */
const stringFailure = (status: number, error: string) => ({ code: status, data: null, error, message: 'failed' });

beforeAll(async () => {
  sb = await startCloudswaySandbox({ apiKey: TOKEN, endpointPaths: { video: EP_VIDEO, translation: EP_TRANSLATE } });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.reset();
});

describe('access: Bearer token and endpoint path', () => {
  it.each([
    ['no token', null, undefined],
    ['a wrong token', 'nope', undefined],
    ['the token as X-Api-Key', null, { 'x-api-key': TOKEN }],
  ])('401 with %s, in each product family shape', async (_name, token, headers) => {
    const t = await call('GET', `${T}/video-translations/languages`, { token, ...(headers ? { headers } : {}) });
    expect(t.status).toBe(401);
    expect(t.json).toStrictEqual(stringFailure(401, 'Invalid or missing token.'));
    const v = await call('GET', `${V}/avatars`, { token, ...(headers ? { headers } : {}) });
    expect(v.status).toBe(401);
    expect(v.json).toStrictEqual({ error: { code: 'unauthorized', message: 'Invalid or missing token.' }, data: null });
  });

  it.each([
    ['an unknown endpoint path', `/v1/ai/EP_OTHER/heygen/videos/vid_1`, 'video'],
    ["the translation path on a video route", `/v1/ai/${encodeURIComponent(EP_TRANSLATE)}/heygen/avatars`, 'video'],
    ["the video path on a translation route", `/v1/ai/${EP_VIDEO}/heygen/v3/video-translations/languages`, 'translation'],
    ['the endpoint path not encoded', `/v1/ai/ep translate/β/heygen/v3/video-translations/languages`.replace(' ', '%20'), null],
  ])('refuses %s', async (_name, path, product) => {
    const res = await call('GET', path);
    if (product === null) {
      // "ep translate/β" sent raw is two segments: no route at all.
      expect(res.status).toBe(404);
      return;
    }
    expect(res.status).toBe(401);
    const message = `The endpoint path is not a ${product} access point of this token.`;
    expect(res.json).toStrictEqual(product === 'translation' ? stringFailure(401, message) : { error: { code: 'unauthorized', message }, data: null });
  });

  it('one endpoint path may serve both products', async () => {
    const one = await startCloudswaySandbox({ apiKey: TOKEN, endpointPaths: { video: 'EP_ALL', translation: 'EP_ALL' } });
    try {
      const a = await request(`${one.url}/v1/ai/EP_ALL/heygen/avatars`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const b = await request(`${one.url}/v1/ai/EP_ALL/heygen/v3/video-translations/languages`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect([a.statusCode, b.statusCode]).toStrictEqual([200, 200]);
      await Promise.all([a.body.dump(), b.body.dump()]);
    } finally {
      await one.close();
    }
  });

  it('records every request, refused ones too, with the raw path', async () => {
    await call('GET', `${T}/video-translations/languages?x=1`, { token: 'nope' });
    await call('POST', `${V}/videos`, { body: DOC_VIDEO_AUDIO });
    expect(sb.requests.map((r) => [r.method, r.path])).toStrictEqual([
      ['GET', `${T}/video-translations/languages?x=1`],
      ['POST', `${V}/videos`],
    ]);
    expect(sb.requests[1]!.body).toStrictEqual(DOC_VIDEO_AUDIO);
    expect(sb.requests[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('answers unknown routes 404', async () => {
    const res = await call('GET', `${V}/voices`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('resource_not_found');
  });
});

describe('translation product', () => {
  it('languages: the document example', async () => {
    const res = await call('GET', `${T}/video-translations/languages`);
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual(DOC_LANGUAGES_RESPONSE);
  });

  it.each([
    ['URL', DOC_TRANSLATION_BY_URL],
    ['asset_id', DOC_TRANSLATION_BY_ASSET],
  ])('create (%s example): a code-100 envelope with one subtask id per language', async (_name, body) => {
    const res = await call('POST', `${T}/video-translations`, { body });
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({
      code: 100,
      data: { video_translation_ids: [expect.stringMatching(/^vtrans-[0-9a-f]{16}$/), expect.stringMatching(/^vtrans-[0-9a-f]{16}$/)] },
      message: 'success',
    });
    expect(new Set(res.json.data.video_translation_ids).size).toBe(2);
  });

  async function createOne(extra: Record<string, unknown> = {}): Promise<string> {
    const res = await call('POST', `${T}/video-translations`, { body: { ...DOC_TRANSLATION_BY_URL, output_languages: ['Spanish'], ...extra } });
    expect(res.status).toBe(200);
    return res.json.data.video_translation_ids[0] as string;
  }

  const poll = async (id: string): Promise<Answer> => call('GET', `${T}/video-translations/${id}`);

  it('status walks pending -> running -> completed, one step per poll, sparse like the examples', async () => {
    const id = await createOne({ title: 'My Video' });
    const first = await poll(id);
    expect(first.json).toStrictEqual({
      data: { id, status: 'pending', output_language: 'Spanish', title: 'My Video', translate_audio_only: false, created_at: expect.any(Number) },
    });
    expect((await poll(id)).json.data.status).toBe('running');
    const done = await poll(id);
    expect(done.json).toStrictEqual({
      data: {
        id,
        status: 'completed',
        output_language: 'Spanish',
        input_language: 'English',
        title: 'My Video',
        translate_audio_only: false,
        created_at: first.json.data.created_at,
        duration: 32.5,
        video_url: `https://files.heygen.ai/output/${id}.mp4`,
        audio_url: `https://files.heygen.ai/output/${id}.mp3`,
      },
    });
    expect((await poll(id)).json.data.status).toBe('completed');
  });

  it('[success] titles finish with the word success; captions when asked', async () => {
    const id = await createOne({ title: 'Launch [success]', enable_caption: true, input_language: 'English' });
    await poll(id);
    await poll(id);
    const done = (await poll(id)).json.data;
    expect(done.status).toBe('success');
    expect(done.srt_caption_url).toBe(`https://files.heygen.ai/output/${id}.srt`);
    expect(done.vtt_caption_url).toBe(`https://files.heygen.ai/output/${id}.vtt`);
  });

  it('translationDoneWord makes every translation finish with success', async () => {
    const other = await startCloudswaySandbox({ apiKey: TOKEN, endpointPaths: { video: EP_VIDEO, translation: 'EP_T' }, translationDoneWord: 'success' });
    try {
      const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const created = await request(`${other.url}/v1/ai/EP_T/heygen/v3/video-translations`, { method: 'POST', headers: auth, body: JSON.stringify(DOC_TRANSLATION_BY_ASSET) });
      const id = ((await created.body.json()) as { data: { video_translation_ids: string[] } }).data.video_translation_ids[0]!;
      let status = '';
      for (let i = 0; i < 3; i++) {
        const res = await request(`${other.url}/v1/ai/EP_T/heygen/v3/video-translations/${id}`, { headers: auth });
        status = ((await res.body.json()) as { data: { status: string } }).data.status;
      }
      expect(status).toBe('success');
    } finally {
      await other.close();
    }
  });

  it('[fail] titles fail with the document failure message; [unknown-status] says translating', async () => {
    const failing = await createOne({ title: 'x [fail]' });
    const odd = await createOne({ title: 'y [unknown-status]' });
    await poll(failing);
    await poll(failing);
    const failed = (await poll(failing)).json.data;
    expect(failed).toMatchObject({ status: 'failed', failure_message: TRANSLATION_FAILURE });
    expect(failed.video_url).toBeUndefined();
    await poll(odd);
    expect((await poll(odd)).json.data.status).toBe('translating');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unsupported language', { ...DOC_TRANSLATION_BY_URL, output_languages: ['Klingon'] }, 'Unsupported output language: "Klingon".'],
    ['no output languages', { ...DOC_TRANSLATION_BY_URL, output_languages: [] }, "'output_languages' must be a non-empty list."],
    ['a field the document does not list', { ...DOC_TRANSLATION_BY_URL, callback_id: 'c' }, "'callback_id' is not a recognized field."],
    ['a bad mode', { ...DOC_TRANSLATION_BY_URL, mode: 'fast' }, "'mode' must be one of speed, precision."],
    ['a url video without url', { video: { type: 'url' }, output_languages: ['Spanish'] }, "'video.url' is required."],
  ])('create refuses %s: 400, error as a string', async (_name, body, message) => {
    const res = await call('POST', `${T}/video-translations`, { body });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual(stringFailure(400, message));
  });

  it('create refuses an asset it does not have: 404, error as a string', async () => {
    const res = await call('POST', `${T}/video-translations`, { body: { video: { type: 'asset_id', asset_id: 'asset-none' }, output_languages: ['Spanish'] } });
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual(stringFailure(404, "Asset 'asset-none' was not found."));
  });

  it('status of an unknown id: 404, error as a string', async () => {
    const res = await poll('vtrans-404');
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual(stringFailure(404, "Video translation 'vtrans-404' was not found."));
  });

  it('assets: multipart upload answers the code-100 envelope, and the asset can be translated', async () => {
    const res = await upload(MP4, 'video.mp4');
    expect(res.status).toBe(200);
    const id = res.json.data.asset_id as string;
    expect(res.json).toStrictEqual({
      code: 100,
      data: { asset_id: id, url: `https://resource2.heygen.ai/video/${id}/original.mp4`, mime_type: 'video/mp4', size_bytes: MP4.length },
      message: 'success',
    });
    expect(id).toMatch(/^asset-[0-9a-f]{16}$/);
    expect(sb.requests.at(-1)!.upload).toStrictEqual({
      field: 'file',
      filename: 'video.mp4',
      contentType: 'application/octet-stream',
      bytes: MP4.length,
      sha256: createHash('sha256').update(MP4).digest('hex'),
    });
    const translated = await call('POST', `${T}/video-translations`, { body: { video: { type: 'asset_id', asset_id: id }, output_languages: ['French'] } });
    expect(translated.status).toBe(200);
  });

  it('assets: an unsupported type, or no file, is a 400 with error as a string', async () => {
    const text = await upload(Buffer.from('just some text'), 'notes.txt');
    expect(text.status).toBe(400);
    expect(text.json).toStrictEqual(stringFailure(400, 'Unsupported file type; supported: png / jpeg / mp4 / webm / mp3 / wav / pdf.'));
    const none = await call('POST', `${T}/assets`, { body: {} });
    expect(none.status).toBe(400);
    expect(none.json.error).toBe('file is required (multipart/form-data).');
  });

  it('assets: the translation endpoint path only', async () => {
    const res = await upload(PNG, 'a.png', `${V}/v3/assets`);
    expect(res.status).toBe(401);
  });
});

describe('video product: avatars', () => {
  it('lists groups: the document example query answers the document example', async () => {
    const res = await call('GET', `${V}/avatars?ownership=private&limit=20`);
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual(DOC_GROUP_LIST_RESPONSE);
  });

  it('gets a group and a look: the document examples', async () => {
    expect((await call('GET', `${V}/avatars/grp_abc123`)).json).toStrictEqual(DOC_GROUP_RESPONSE);
    expect((await call('GET', `${V}/avatars/looks/lk_abc123def456`)).json).toStrictEqual(DOC_LOOK_RESPONSE);
  });

  it('lists looks: the document example query answers the document example', async () => {
    const res = await call('GET', `${V}/avatars/looks?group_id=grp_abc123&avatar_type=photo_avatar&limit=20`);
    expect(res.json).toStrictEqual(DOC_LOOK_LIST_RESPONSE);
  });

  it('pages with opaque cursors until next_token is null', async () => {
    const ids: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const res: Answer = await call('GET', `${V}/avatars/looks?limit=3${token ? `&token=${token}` : ''}`);
      expect(res.status).toBe(200);
      ids.push(...(res.json.data as Array<{ id: string }>).map((l) => l.id));
      token = res.json.next_token;
      expect(res.json.has_more).toBe(token !== null);
      pages += 1;
    } while (token !== null && pages < 10);
    expect(pages).toBe(2);
    expect(ids).toStrictEqual(['lk_abc123def456', 'lk_studio_preset_001', 'lk_studio_preset_002', 'lk_studio_preset_003']);
  });

  it.each([
    ['a bad token', `${V}/avatars?token=garbage`, 'Invalid pagination token.'],
    ['a bad ownership', `${V}/avatars?ownership=mine`, "'ownership' must be one of public, private."],
    ['a bad limit', `${V}/avatars/looks?limit=0`, "'limit' must be an integer from 1 to 100."],
  ])('400 for %s, error as an object', async (_name, path, message) => {
    const res = await call('GET', path);
    expect(res.status).toBe(400);
    expect(res.json.data).toBeNull();
    expect(res.json.error).toMatchObject({ code: 'invalid_parameter', message });
  });

  it('404 for unknown groups and looks, error as an object', async () => {
    const g = await call('GET', `${V}/avatars/grp_nope`);
    expect([g.status, g.json]).toStrictEqual([404, { error: { code: 'avatar_not_found', message: 'Avatar group not found.' }, data: null }]);
    const l = await call('GET', `${V}/avatars/looks/lk_nope`);
    expect([l.status, l.json]).toStrictEqual([404, { error: { code: 'avatar_not_found', message: 'Avatar look not found.' }, data: null }]);
  });

  it('creates a photo avatar (document example): a voiceless look in a new group', async () => {
    const res = await call('POST', `${V}/avatars`, { body: DOC_PHOTO_AVATAR });
    expect(res.status).toBe(200);
    const { avatar_item: look, avatar_group: group } = res.json.data;
    expect(res.json.error).toBeNull();
    expect(look).toMatchObject({ name: 'My Avatar', avatar_type: 'photo_avatar', group_id: group.id, default_voice_id: null, tags: [] });
    expect(look.id).toMatch(/^lk_[0-9a-f]{12}$/);
    expect(group).toMatchObject({ name: 'My Avatar', looks_count: 1 });
    expect((await call('GET', `${V}/avatars/looks/${look.id}`)).json.data).toStrictEqual(look);
  });

  it('adds a look to a given group', async () => {
    const res = await call('POST', `${V}/avatars`, { body: { ...DOC_PHOTO_AVATAR, avatar_group_id: 'grp_abc123' } });
    expect(res.json.data.avatar_group).toMatchObject({ id: 'grp_abc123', looks_count: 4 });
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['a prompt avatar', { type: 'prompt', name: 'x', prompt: 'y' }, 400, '\'type\' must be "photo".'],
    ['an unknown group', { ...DOC_PHOTO_AVATAR, avatar_group_id: 'grp_none' }, 404, "Avatar group 'grp_none' was not found."],
    ['a base64 file without data', { type: 'photo', file: { type: 'base64', media_type: 'image/png' } }, 400, "'file.data' is required."],
  ])('refuses %s, error as an object', async (_name, body, status, message) => {
    const res = await call('POST', `${V}/avatars`, { body });
    expect(res.status).toBe(status);
    expect(res.json.error.message).toBe(message);
  });
});

describe('video product: avatar videos', () => {
  it.each([
    ['Example A', DOC_VIDEO_EXAMPLE_A],
    ['Example B', DOC_VIDEO_EXAMPLE_B],
    ['the pre-recorded audio example', DOC_VIDEO_AUDIO],
  ])('creates from %s: the document answer', async (_name, body) => {
    const res = await call('POST', `${V}/videos`, { body });
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ error: null, data: { video_id: expect.stringMatching(/^vid_[0-9a-f]{16}$/), status: 'pending', output_format: 'mp4' } });
  });

  it('walks pending -> processing -> completed, the completed answer shaped like the example', async () => {
    const id = (await call('POST', `${V}/videos`, { body: DOC_VIDEO_EXAMPLE_A })).json.data.video_id as string;
    const first = await call('GET', `${V}/videos/${id}`);
    expect(first.json.error).toBeNull();
    expect(first.json.data).toMatchObject({ id, status: 'pending', video_url: null, completed_at: null });
    expect((await call('GET', `${V}/videos/${id}`)).json.data.status).toBe('processing');
    const done = await call('GET', `${V}/videos/${id}`);
    expect(done.json).toStrictEqual({
      error: null,
      data: {
        id,
        status: 'completed',
        title: 'Product Introduction',
        created_at: first.json.data.created_at,
        completed_at: expect.any(Number),
        video_url: `https://resource.heygen.com/videos/${id}.mp4`,
        thumbnail_url: `https://resource.heygen.com/videos/${id}_thumb.jpg`,
        gif_url: `https://resource.heygen.com/videos/${id}.gif`,
        captioned_video_url: null,
        subtitle_url: null,
        duration: 2.4, // 6 words at 2.5 words/s
        folder_id: null,
        output_language: 'English',
        failure_code: null,
        failure_message: null,
        video_page_url: `https://app.heygen.com/videos/${id}`,
      },
    });
  });

  it('[fail] ends failed with failure_code and failure_message; [unknown-status] says rendering', async () => {
    const failing = (await call('POST', `${V}/videos`, { body: { ...DOC_VIDEO_AUDIO, title: 'x [fail]' } })).json.data.video_id as string;
    const odd = (await call('POST', `${V}/videos`, { body: { ...DOC_VIDEO_AUDIO, title: 'x [unknown-status]' } })).json.data.video_id as string;
    for (let i = 0; i < 2; i++) await call('GET', `${V}/videos/${failing}`);
    expect((await call('GET', `${V}/videos/${failing}`)).json.data).toMatchObject({
      status: 'failed',
      failure_code: 'tts_text_invalid',
      failure_message: 'The script contains text that cannot be converted to speech.',
      video_url: null,
    });
    await call('GET', `${V}/videos/${odd}`);
    expect((await call('GET', `${V}/videos/${odd}`)).json.data.status).toBe('rendering');
  });

  it('with stageMs, polls alone do not move a job on', async () => {
    const slow = await startCloudswaySandbox({ apiKey: TOKEN, endpointPaths: { video: EP_VIDEO, translation: EP_TRANSLATE }, stageMs: 60_000 });
    try {
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const created = await request(`${slow.url}${V}/videos`, { method: 'POST', headers, body: JSON.stringify(DOC_VIDEO_AUDIO) });
      const id = ((await created.body.json()) as { data: { video_id: string } }).data.video_id;
      for (let i = 0; i < 4; i++) {
        const res = await request(`${slow.url}${V}/videos/${id}`, { headers });
        expect(((await res.body.json()) as { data: { status: string } }).data.status).toBe('pending');
      }
    } finally {
      await slow.close();
    }
  });

  it.each<[string, Record<string, unknown>, number, { code: string; message: string; param?: string }]>([
    ['a voice_id (not in the document)', { ...DOC_VIDEO_AUDIO, voice_id: 'voice_001' }, 400, { code: 'invalid_parameter', message: "'voice_id' is not a recognized field.", param: 'voice_id' }],
    ['aspect_ratio 1:1', { ...DOC_VIDEO_AUDIO, aspect_ratio: '1:1' }, 400, { code: 'invalid_parameter', message: "'aspect_ratio' must be one of 16:9, 9:16.", param: 'aspect_ratio' }],
    ['an image video', { ...DOC_VIDEO_AUDIO, type: 'image' }, 400, { code: 'invalid_parameter', message: '\'type\' must be "avatar".', param: 'type' }],
    ['script with audio_url', { ...DOC_VIDEO_AUDIO, script: 'Hi.' }, 400, { code: 'invalid_parameter', message: 'script and audio_url/audio_asset_id are mutually exclusive.', param: 'audio_url' }],
    ['no script and no audio', { type: 'avatar', avatar_id: 'lk_abc123def456' }, 400, { code: 'invalid_parameter', message: 'Provide script, audio_url or audio_asset_id.', param: 'script' }],
    ['a voice_settings locale', { ...DOC_VIDEO_EXAMPLE_A, voice_settings: { locale: 'en-US' } }, 400, { code: 'invalid_parameter', message: "'voice_settings.locale' is not a recognized field.", param: 'voice_settings.locale' }],
    ['an unknown look', { ...DOC_VIDEO_AUDIO, avatar_id: 'lk_none' }, 404, { code: 'avatar_not_found', message: "Avatar 'lk_none' was not found.", param: 'avatar_id' }],
    ['an unknown audio asset', { type: 'avatar', avatar_id: 'lk_abc123def456', audio_asset_id: 'asset-none' }, 404, { code: 'asset_not_found', message: "Asset 'asset-none' was not found.", param: 'audio_asset_id' }],
  ])('refuses %s: error as an object', async (_name, body, status, error) => {
    const res = await call('POST', `${V}/videos`, { body });
    expect(res.status).toBe(status);
    expect(res.json).toStrictEqual({ error, data: null });
  });

  it('status of an unknown video: 404, error as an object', async () => {
    const res = await call('GET', `${V}/videos/vid_nope`);
    expect([res.status, res.json]).toStrictEqual([404, { error: { code: 'video_not_found', message: 'Video not found.' }, data: null }]);
  });
});

describe('faults and reset', () => {
  it('answers an armed fault verbatim, then the normal handler', async () => {
    sb.faults.add({ method: 'GET', path: `${V}/avatars`, status: 503, body: '<html>Service Unavailable</html>' });
    const faulted = await call('GET', `${V}/avatars`);
    expect([faulted.status, faulted.text]).toStrictEqual([503, '<html>Service Unavailable</html>']);
    expect((await call('GET', `${V}/avatars`)).status).toBe(200);
  });

  it('reset() forgets jobs, created avatars, assets and requests', async () => {
    const id = (await call('POST', `${V}/videos`, { body: DOC_VIDEO_AUDIO })).json.data.video_id as string;
    const look = (await call('POST', `${V}/avatars`, { body: DOC_PHOTO_AVATAR })).json.data.avatar_item.id as string;
    sb.reset();
    expect(sb.requests).toHaveLength(0);
    expect((await call('GET', `${V}/videos/${id}`)).status).toBe(404);
    expect((await call('GET', `${V}/avatars/looks/${look}`)).status).toBe(404);
    expect((await call('GET', `${V}/avatars/grp_abc123`)).json.data.looks_count).toBe(3);
  });
});
