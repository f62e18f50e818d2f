/**
 * The legacy HeyGen simulator (v2 + v1 paths, and the upload origin) over loopback: it must speak
 * the legacy envelopes, status words and error shapes exactly as the documents say, check the
 * account key, and record what it received. The request bodies are the documents' own examples.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FAIL_MARKER,
  UNKNOWN_STATUS_MARKER,
  startHeygenLegacySandbox,
  type HeygenLegacySandbox,
} from '../../src/sandbox/heygen-legacy.js';

const KEY = 'legacy-sandbox-key';

/** 001_f1de937382e1c461.txt, "Request", verbatim. */
const DOC_001 = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' },
    },
  ],
  caption: false,
  dimension: { width: 1920, height: 1080 },
};

/** 003_37465d87d070bf7f.txt, "Quickly Create Avatar Video", verbatim. */
const DOC_003 = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
      background: { type: 'color', value: '#008000' },
    },
  ],
  dimension: { width: 1280, height: 720 },
};

/** DESIGN.md, "v1 generate (deprecated)", with the 001 avatar and voice. */
const V1_DOC = {
  background: '#fff',
  ratio: '16:9',
  test: false,
  version: 'v1alpha',
  caption_open: false,
  clips: [
    {
      avatar_id: 'Brent_sitting_office_front',
      avatar_style: 'normal',
      input_text: 'Welcome to HeyGen API',
      voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
      scale: 1,
      offset: { x: 0, y: 0 },
    },
  ],
};

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 3)]);
const MP3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(300, 1)]);

interface Answer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

let sim: HeygenLegacySandbox;

async function call(method: string, path: string, o: { body?: unknown; key?: string | null; raw?: Buffer; type?: string; upload?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.key !== null) headers['x-api-key'] = o.key ?? KEY;
  let body: string | Buffer | undefined;
  if (o.raw) {
    body = o.raw;
    headers['content-type'] = o.type ?? 'application/octet-stream';
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  const res = await request(`${o.upload ? sim.uploadUrl : sim.url}${path}`, { method: method as 'GET', headers, body: body ?? null });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  sim = await startHeygenLegacySandbox({ apiKey: KEY });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

async function poll(id: string): Promise<Answer> {
  return call('GET', `/v1/video_status.get?video_id=${id}`);
}

describe('auth and envelopes', () => {
  it.each([
    ['a v1 path', '/v1/user/me', { code: 401, message: 'Unauthorized' }],
    ['a v2 path', '/v2/avatars', { data: null, error: { code: 'authentication_failed', message: 'Invalid or expired API key. Verify your x-api-key header.' } }],
  ])('a wrong key on %s: 401 in that path\'s error shape', async (_n, path, body) => {
    for (const key of ['wrong', null]) {
      const res = await call('GET', path, { key });
      expect([res.status, res.json]).toStrictEqual([401, body]);
    }
  });

  it('Bearer auth is not legacy auth', async () => {
    const res = await request(`${sim.url}/v1/user/me`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.statusCode).toBe(401);
    await res.body.text();
  });

  it('the upload origin checks the key too', async () => {
    const res = await call('POST', '/v1/asset', { upload: true, key: 'wrong', raw: PNG, type: 'image/png' });
    expect([res.status, res.json]).toStrictEqual([401, { code: 401, message: 'Unauthorized' }]);
  });

  it('records every request with its origin, path, headers and JSON body', async () => {
    await call('POST', '/v2/video/generate', { body: DOC_001 });
    await call('POST', '/v1/asset', { upload: true, raw: PNG, type: 'image/png' });
    expect(sim.requests.map((r) => [r.server, r.method, r.path])).toStrictEqual([
      ['api', 'POST', '/v2/video/generate'],
      ['upload', 'POST', '/v1/asset'],
    ]);
    expect(sim.requests[0]!.body).toStrictEqual(DOC_001);
    expect(sim.requests[0]!.headers['x-api-key']).toBe(KEY);
    expect(sim.requests[1]!.upload).toStrictEqual({ contentType: 'image/png', bytes: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') });
  });

  it('unknown paths: 404 in the path\'s error shape', async () => {
    expect((await call('GET', '/v2/nothing')).json).toStrictEqual({ data: null, error: { code: 'not_found', message: 'No route for GET /v2/nothing.' } });
    expect((await call('GET', '/v1/nothing')).json).toStrictEqual({ code: 404, message: 'No route for GET /v1/nothing.' });
  });
});

describe('videos: v2 generate, v1 generate, v1 status', () => {
  it.each([
    ['001', DOC_001],
    ['003', DOC_003],
  ])('the %s body: {error:null,data:{video_id}}', async (_n, body) => {
    const res = await call('POST', '/v2/video/generate', { body });
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ error: null, data: { video_id: expect.stringMatching(/^[0-9a-f]{32}$/) } });
  });

  it('walks pending -> waiting -> processing -> completed, one word per poll, in 003\'s shape', async () => {
    const id = (await call('POST', '/v2/video/generate', { body: { ...DOC_001, callback_id: 'cb-1', caption: true } })).json.data.video_id as string;
    const words: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await poll(id);
      expect(res.status).toBe(200);
      expect(res.json.code).toBe(100);
      expect(res.json.message).toBe('Success');
      words.push(res.json.data.status);
      if (i < 3) {
        expect(res.json.data).toMatchObject({ id, callback_id: 'cb-1', error: null, video_url: null, thumbnail_url: null, duration: null });
      }
    }
    expect(words).toStrictEqual(['pending', 'waiting', 'processing', 'completed']);
    const done = (await poll(id)).json.data;
    expect(Object.keys(done).sort()).toStrictEqual(
      ['callback_id', 'caption_url', 'created_at', 'duration', 'error', 'gif_url', 'id', 'status', 'thumbnail_url', 'video_url', 'video_url_caption'].sort(),
    );
    expect(done).toMatchObject({
      status: 'completed',
      error: null,
      video_url: expect.stringMatching(new RegExp(`${id}\\.mp4$`)),
      video_url_caption: expect.stringMatching(/_caption\.mp4$/),
      caption_url: expect.stringMatching(/\.ass$/),
      duration: 1.6,
    });
  });

  it('[fail]: ends failed with 003\'s error object', async () => {
    const body = { ...DOC_003, title: `Launch ${FAIL_MARKER}` };
    const id = (await call('POST', '/v2/video/generate', { body })).json.data.video_id as string;
    for (let i = 0; i < 3; i++) await poll(id);
    const res = await poll(id);
    expect(res.json.data).toMatchObject({
      status: 'failed',
      video_url: null,
      error: { code: 40119, detail: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos', message: 'Video is too long' },
    });
  });

  it('[unknown-status]: the in-progress word is "rendering"', async () => {
    const body = { ...DOC_001, title: UNKNOWN_STATUS_MARKER };
    const id = (await call('POST', '/v2/video/generate', { body })).json.data.video_id as string;
    const words = [];
    for (let i = 0; i < 4; i++) words.push((await poll(id)).json.data.status);
    expect(words).toStrictEqual(['pending', 'waiting', 'rendering', 'completed']);
  });

  it('v1 generate: the DESIGN.md body -> {code:100,data:{video_id},message:"Success"}, polled the same way', async () => {
    const res = await call('POST', '/v1/video.generate', { body: V1_DOC });
    expect(res.json).toStrictEqual({ code: 100, data: { video_id: expect.any(String) }, message: 'Success' });
    expect((await poll(res.json.data.video_id)).json.data.status).toBe('pending');
  });

  it('v1 clips: a talking photo with audio, and [fail] in the text', async () => {
    const res = await call('POST', '/v1/video.generate', {
      body: { clips: [{ talking_photo_id: '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c', input_audio: 'https://example.com/a.mp3' }, { ...V1_DOC.clips[0], input_text: `x ${FAIL_MARKER}` }] },
    });
    const id = res.json.data.video_id as string;
    for (let i = 0; i < 3; i++) await poll(id);
    expect((await poll(id)).json.data.status).toBe('failed');
  });

  it.each<[string, string, unknown, number, unknown]>([
    ['v2: no scenes', '/v2/video/generate', { video_inputs: [] }, 400, { data: null, error: { code: 'invalid_parameter', message: "'video_inputs' must NOT have fewer than 1 items." } }],
    [
      'v2: an unknown field',
      '/v2/video/generate',
      { ...DOC_001, engine: 'x' },
      400,
      { data: null, error: { code: 'invalid_parameter', message: "'engine' is not a recognized field." } },
    ],
    [
      'v2: an unknown avatar',
      '/v2/video/generate',
      { video_inputs: [{ ...DOC_001.video_inputs[0], character: { type: 'avatar', avatar_id: 'Nobody' } }] },
      404,
      { data: null, error: { code: 'avatar_not_found', message: 'Avatar Nobody not found.' } },
    ],
    [
      'v2: an unknown voice',
      '/v2/video/generate',
      { video_inputs: [{ ...DOC_001.video_inputs[0], voice: { type: 'text', input_text: 'Hi', voice_id: 'nope' } }] },
      404,
      { data: null, error: { code: 'voice_not_found', message: 'Voice nope not found.' } },
    ],
    [
      'v2: an unknown audio asset',
      '/v2/video/generate',
      { video_inputs: [{ voice: { type: 'audio', audio_asset_id: 'ast_missing' } }] },
      404,
      { data: null, error: { code: 'asset_not_found', message: 'Asset ast_missing not found.' } },
    ],
    ['v1: no clips key', '/v1/video.generate', { ratio: '16:9' }, 400, { code: 400599, message: "'clips' is required." }],
    ['v1: text without a voice', '/v1/video.generate', { clips: [{ avatar_id: 'Brent_sitting_office_front', input_text: 'Hi' }] }, 400, { code: 400599, message: "'voice_id' is required with input_text." }],
    ['v1: an unknown avatar', '/v1/video.generate', { clips: [{ avatar_id: 'Nobody', input_audio: 'https://x/a.mp3' }] }, 404, { code: 404, message: 'Avatar Nobody not found.' }],
    ['v1: a 4:5 ratio', '/v1/video.generate', { ...V1_DOC, ratio: '4:5' }, 400, { code: 400599, message: expect.stringMatching(/^'ratio' /) }],
  ])('%s: refused in the legacy shape', async (_n, path, body, status, answer) => {
    const res = await call('POST', path, { body });
    expect([res.status, res.json]).toStrictEqual([status, answer]);
  });

  it('status of an unknown or missing video: v1 errors', async () => {
    expect(await poll('nope')).toStrictEqual({ status: 404, json: { code: 404, message: 'Video not found.' } });
    expect(await call('GET', '/v1/video_status.get')).toStrictEqual({ status: 400, json: { code: 400599, message: "'video_id' is required." } });
  });

  it('stageMs: the words follow the clock, not the polls', async () => {
    const timed = await startHeygenLegacySandbox({ apiKey: KEY, stageMs: 60 });
    try {
      const created = await request(`${timed.url}/v2/video/generate`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify(DOC_001),
      });
      const id = ((await created.body.json()) as { data: { video_id: string } }).data.video_id;
      const word = async () => {
        const r = await request(`${timed.url}/v1/video_status.get?video_id=${id}`, { headers: { 'x-api-key': KEY } });
        return ((await r.body.json()) as { data: { status: string } }).data.status;
      };
      expect([await word(), await word()]).toStrictEqual(['pending', 'pending']);
      await new Promise((r) => setTimeout(r, 200));
      expect(await word()).toBe('completed');
    } finally {
      await timed.close();
    }
  });
});

describe('video translation (v2)', () => {
  const BODY = { video_url: 'https://example.com/source.mp4', output_language: 'es', title: 'Global Campaign', callback_id: 'cb-9' };

  it('create -> {error:null,data:{video_translate_id}}; walks pending -> running -> success with url', async () => {
    const created = await call('POST', '/v2/video_translate', { body: BODY });
    expect(created.json).toStrictEqual({ error: null, data: { video_translate_id: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    const id = created.json.data.video_translate_id as string;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await call('GET', `/v2/video_translate/${id}`)).json);
    expect(answers.map((a) => a.data.status)).toStrictEqual(['pending', 'running', 'success']);
    expect(answers[2]).toStrictEqual({
      error: null,
      data: {
        video_translate_id: id,
        title: 'Global Campaign',
        output_language: 'es',
        callback_id: 'cb-9',
        status: 'success',
        url: `https://files2.heygen.ai/video_translate/${id}.mp4`,
        message: null,
      },
    });
  });

  it('[fail] -> failed with a message; [unknown-status] -> rendering', async () => {
    const failed = (await call('POST', '/v2/video_translate', { body: { ...BODY, title: FAIL_MARKER } })).json.data.video_translate_id;
    const odd = (await call('POST', '/v2/video_translate', { body: { ...BODY, title: UNKNOWN_STATUS_MARKER } })).json.data.video_translate_id;
    const f = [];
    const u = [];
    for (let i = 0; i < 3; i++) {
      f.push((await call('GET', `/v2/video_translate/${failed}`)).json.data);
      u.push((await call('GET', `/v2/video_translate/${odd}`)).json.data.status);
    }
    expect(f[2]).toMatchObject({ status: 'failed', url: null, message: 'No speech was detected in the source video.' });
    expect(u).toStrictEqual(['pending', 'rendering', 'success']);
  });

  it.each<[string, unknown, string]>([
    ['no video_url', { output_language: 'es' }, "'video_url' is required."],
    ['an unsupported language', { ...BODY, output_language: 'Klingon' }, "Unsupported output_language 'Klingon'."],
    ['a field v2 does not know', { ...BODY, output_languages: ['es'] }, "'output_languages' is not a recognized field."],
  ])('refuses %s in the v2 error shape', async (_n, body, message) => {
    const res = await call('POST', '/v2/video_translate', { body });
    expect([res.status, res.json]).toStrictEqual([400, { data: null, error: { code: 'invalid_parameter', message } }]);
  });

  it('unknown translation: 404 in the v2 error shape; target languages', async () => {
    expect(await call('GET', '/v2/video_translate/nope')).toStrictEqual({ status: 404, json: { data: null, error: { code: 'not_found', message: 'Video translate not found.' } } });
    expect((await call('GET', '/v2/video_translate/target_languages')).json).toStrictEqual({ error: null, data: { languages: ['en', 'es', 'fr', 'de', 'ja', 'zh'] } });
  });
});

describe('listings and user', () => {
  it('GET /v2/avatars and /v1/avatar.list: the same avatars and talking photos, each in its envelope', async () => {
    const v2 = await call('GET', '/v2/avatars');
    const v1 = await call('GET', '/v1/avatar.list');
    expect(v2.json.error).toBeNull();
    expect(v1.json).toMatchObject({ code: 100, message: 'Success' });
    expect(v1.json.data).toStrictEqual(v2.json.data);
    expect(v2.json.data.avatars[0]).toStrictEqual({
      avatar_id: 'Brent_sitting_office_front',
      avatar_name: 'Brent Sitting Office Front',
      gender: 'male',
      preview_image_url: 'https://files2.heygen.ai/avatar/v3/Brent_sitting_office_front/preview.webp',
      preview_video_url: 'https://files2.heygen.ai/avatar/v3/Brent_sitting_office_front/preview.mp4',
      premium: false,
      default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
    });
    expect(v2.json.data.talking_photos).toHaveLength(2);
  });

  it('GET /v2/voices and /v1/voice.list', async () => {
    const v2 = await call('GET', '/v2/voices');
    expect(v2.json.data.voices[0]).toStrictEqual({
      voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
      language: 'English',
      gender: 'male',
      name: 'Brent - Professional',
      preview_audio: 'https://files2.heygen.ai/voice/ff2ecc8fbdef4273a28bed7b5e35bb57/preview.mp3',
      support_pause: true,
      emotion_support: false,
    });
    expect((await call('GET', '/v1/voice.list')).json).toStrictEqual({ code: 100, data: v2.json.data, message: 'Success' });
  });

  it('GET /v1/user/me (legacy fields only) and /v2/user/remaining_quota', async () => {
    expect((await call('GET', '/v1/user/me')).json).toStrictEqual({
      code: 100,
      data: { username: 'legacy_studio', email: 'studio@example.com', first_name: 'Lee', last_name: 'Gacy' },
      message: 'Success',
    });
    expect((await call('GET', '/v2/user/remaining_quota')).json).toStrictEqual({ error: null, data: { remaining_quota: 3600, details: { api: 3600 } } });
  });
});

describe('upload origin: POST /v1/asset', () => {
  it('stores raw bytes with a matching Content-Type -> {code:100,data:{id,name,file_type,url,image_key}}', async () => {
    const res = await call('POST', '/v1/asset', { upload: true, raw: PNG, type: 'image/png' });
    const id = res.json.data.id as string;
    expect(res.json).toStrictEqual({
      code: 100,
      data: { id, name: `${id}.png`, file_type: 'image', url: `https://resource2.heygen.ai/image/${id}/original.png`, image_key: `image/${id}/original` },
      message: 'Success',
    });
    const audio = await call('POST', '/v1/asset', { upload: true, raw: MP3, type: 'audio/mpeg' });
    expect(audio.json.data).toMatchObject({ file_type: 'audio', image_key: null });
    // An uploaded asset is known to generate.
    const gen = await call('POST', '/v2/video/generate', {
      body: { video_inputs: [{ character: DOC_001.video_inputs[0]!.character, voice: { type: 'audio', audio_asset_id: audio.json.data.id } }] },
    });
    expect(gen.status).toBe(200);
  });

  it.each<[string, Buffer, string, string]>([
    ['a type the legacy upload does not take', PNG, 'application/pdf', 'Content-Type must be one of image/png, image/jpeg, video/mp4, video/webm, audio/mpeg.'],
    ['bytes that are not the declared type', PNG, 'video/mp4', 'The file content does not match its Content-Type.'],
    ['an empty file', Buffer.alloc(0), 'image/png', 'The file is empty.'],
  ])('refuses %s: 400 {code:400599,message}', async (_n, raw, type, message) => {
    const res = await call('POST', '/v1/asset', { upload: true, raw, type });
    expect([res.status, res.json]).toStrictEqual([400, { code: 400599, message }]);
  });

  it('the upload origin serves nothing else, and the API origin has no /v1/asset', async () => {
    expect((await call('GET', '/v1/user/me', { upload: true })).status).toBe(404);
    expect((await call('POST', '/v1/asset', { raw: PNG, type: 'image/png' })).status).toBe(404);
  });
});

describe('faults and reset', () => {
  it('an armed fault answers on either origin', async () => {
    sim.faults.add({ path: '/v1/asset', status: 503, body: '<html>down</html>' });
    sim.faults.add({ path: '/v2/voices', status: 429, body: '{"code":429,"message":"Too many requests"}', headers: { 'retry-after': '3' } });
    const up = await request(`${sim.uploadUrl}/v1/asset`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'image/png' }, body: PNG });
    expect([up.statusCode, await up.body.text()]).toStrictEqual([503, '<html>down</html>']);
    const v = await request(`${sim.url}/v2/voices`, { headers: { 'x-api-key': KEY } });
    expect([v.statusCode, v.headers['retry-after'], await v.body.json()]).toStrictEqual([429, '3', { code: 429, message: 'Too many requests' }]);
    expect((await call('GET', '/v2/voices')).status).toBe(200);
  });

  it('reset forgets jobs, assets and requests', async () => {
    const id = (await call('POST', '/v2/video/generate', { body: DOC_001 })).json.data.video_id as string;
    sim.reset();
    expect(sim.requests).toHaveLength(0);
    expect((await poll(id)).status).toBe(404);
  });
});
