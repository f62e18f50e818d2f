/**
 * Every v3 route through a pinned cloudsway account, end to end: the real gateway on loopback in
 * front of the Cloudsway simulator (seeds/000_b1da45572262cd95.txt), with the document's example
 * bodies. Asserts what went upstream (path with the product's encoded endpoint path, Bearer token,
 * body) and what the client got back (v3 shapes, gateway ids, headers). Also: both translation
 * terminal words, both failure shapes, fields Cloudsway cannot honour (400 when pinned, another
 * account when routed automatically), and misconfigured accounts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CLIENT_KEYS,
  CS_TOKEN,
  CS_TRANSLATE,
  CS_VIDEO,
  received,
  secretsIn,
  startCloudswayHarness,
  type Answer,
  type CloudswayHarness,
} from '../helpers/cloudsway-harness.js';
import {
  DOC_PHOTO_AVATAR,
  DOC_TRANSLATION_BY_ASSET,
  DOC_TRANSLATION_BY_URL,
  DOC_VIDEO_AUDIO,
  DOC_VIDEO_EXAMPLE_A,
  DOC_VIDEO_EXAMPLE_B,
  V3_GROUP,
  V3_LOOK,
  V3_VIDEO_EXAMPLE_A,
  V3_VIDEO_EXAMPLE_B,
} from '../adapters/cloudsway/fixtures.js';

const VIDEO_ID = /^gv_[A-Za-z0-9_-]{16,}$/;
const TRANSLATION_ID = /^gt_[A-Za-z0-9_-]{16,}$/;
const PIN = { pin: 'cs' } as const;
const MP4 = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'latin1'), Buffer.alloc(64 * 1024, 3)]);

/** The HeyGen v3 docs' "Avatar Video" example: a body with a voice_id, which Cloudsway cannot take. */
const V3_WITH_VOICE = { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' } as const;

let h: CloudswayHarness;

beforeAll(async () => {
  h = await startCloudswayHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.cs.reset();
  h.hg.reset();
});

function expectServedBy(res: Answer, account: string, provider: string): void {
  expect(res.headers['x-gateway-account']).toBe(account);
  expect(res.headers['x-gateway-provider']).toBe(provider);
  expect(res.headers['x-request-id']).toEqual(expect.stringMatching(/^\S+$/));
}

function expectClean(res: Answer): void {
  expect(secretsIn(res.text)).toStrictEqual([]);
}

/** The one request Cloudsway received, with the account's token and nothing of the client's. */
function onlyCloudswayCall(method: string, path: string) {
  const calls = received(h.cs);
  expect(calls.map((c) => `${c.method} ${c.path}`)).toStrictEqual([`${method} ${path}`]);
  const call = calls[0]!;
  expect(call.headers.authorization).toBe(`Bearer ${CS_TOKEN}`);
  expect(call.headers['x-api-key']).toBeUndefined();
  expect(JSON.stringify(call.headers)).not.toContain(CLIENT_KEYS.acme);
  return call;
}

async function poll(kind: 'videos' | 'video-translations', id: string, times: number, opts = {}): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < times; i++) out.push(await h.call('GET', `/v3/${kind}/${id}`, opts));
  return out;
}

describe('POST /v3/videos and GET /v3/videos/{id} (pinned)', () => {
  const { voice_settings: _vs, ...aWithout } = DOC_VIDEO_EXAMPLE_A;
  const { fit: _fit, ...bWithout } = DOC_VIDEO_EXAMPLE_B;

  it.each<[string, unknown, unknown]>([
    ['the pre-recorded audio example, verbatim', DOC_VIDEO_AUDIO, DOC_VIDEO_AUDIO],
    ['Example A (v3 has no volume)', V3_VIDEO_EXAMPLE_A, { ...aWithout, voice_settings: { speed: 1, pitch: 1 } }],
    ['Example B (v3 has no fit)', V3_VIDEO_EXAMPLE_B, bWithout],
  ])('creates from %s: Bearer POST on the video endpoint path, a gateway id back', async (_name, body, wire) => {
    const res = await h.call('POST', '/v3/videos', { ...PIN, body });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toStrictEqual({ data: { video_id: expect.stringMatching(VIDEO_ID), status: 'pending' } });
    expectServedBy(res, 'cs', 'cloudsway');
    const call = onlyCloudswayCall('POST', `${CS_VIDEO}/videos`);
    expect(call.body).toStrictEqual(wire);
    expect(h.hg.requests).toHaveLength(0);
  });

  it('keeps callback_url for itself and forwards callback_id', async () => {
    const res = await h.call('POST', '/v3/videos', {
      ...PIN,
      body: { ...DOC_VIDEO_AUDIO, callback_url: 'https://client.example.com/hooks/heygen', callback_id: 'crm-42' },
    });
    expect(res.status, res.text).toBe(200);
    expect(onlyCloudswayCall('POST', `${CS_VIDEO}/videos`).body).toStrictEqual({ ...DOC_VIDEO_AUDIO, callback_id: 'crm-42' });
  });

  it('walks pending -> processing -> completed, then answers from the store', async () => {
    const id = (await h.call('POST', '/v3/videos', { ...PIN, body: V3_VIDEO_EXAMPLE_A })).json.data.video_id as string;
    const [first, second, third] = await poll('videos', id, 3);
    const up = received(h.cs, 'GET', `${CS_VIDEO}/videos/`)[0]!.path.slice(`${CS_VIDEO}/videos/`.length);
    expect(up).toMatch(/^vid_[0-9a-f]{16}$/);
    expect(id).not.toContain(up);
    expectServedBy(first!, 'cs', 'cloudsway');
    expect(first!.json.data).toMatchObject({ id, status: 'pending', title: 'Product Introduction' });
    expect(second!.json.data.status).toBe('processing');
    expect(third!.json).toStrictEqual({
      data: {
        id,
        status: 'completed',
        title: 'Product Introduction',
        created_at: expect.any(Number),
        completed_at: expect.any(Number),
        video_url: `https://resource.heygen.com/videos/${up}.mp4`,
        thumbnail_url: `https://resource.heygen.com/videos/${up}_thumb.jpg`,
        gif_url: `https://resource.heygen.com/videos/${up}.gif`,
        duration: 2.4,
        output_language: 'English',
        video_page_url: `https://app.heygen.com/videos/${up}`,
      },
    });
    for (const c of received(h.cs, 'GET')) expect(c.headers.authorization).toBe(`Bearer ${CS_TOKEN}`);
    const before = h.cs.requests.length;
    expect((await h.call('GET', `/v3/videos/${id}`)).json).toStrictEqual(third!.json);
    expect(h.cs.requests).toHaveLength(before);
    expectClean(third!);
  });

  it('a failed render carries failure_code and failure_message', async () => {
    const id = (await h.call('POST', '/v3/videos', { ...PIN, body: { ...DOC_VIDEO_AUDIO, title: 'Launch [fail]' } })).json.data.video_id as string;
    const last = (await poll('videos', id, 3)).at(-1)!;
    expect(last.json.data).toMatchObject({
      id,
      status: 'failed',
      failure_code: 'tts_text_invalid',
      failure_message: 'The script contains text that cannot be converted to speech.',
    });
    expect(last.json.data.video_url).toBeUndefined();
  });

  it('an in-progress word the document does not list is processing', async () => {
    const id = (await h.call('POST', '/v3/videos', { ...PIN, body: { ...DOC_VIDEO_AUDIO, title: 'x [unknown-status]' } })).json.data.video_id as string;
    const [, second] = await poll('videos', id, 2);
    expect(second!.json.data.status).toBe('processing');
  });

  it('DELETE /v3/videos/{id}: Cloudsway offers no deletion, 400 and no upstream call', async () => {
    const id = (await h.call('POST', '/v3/videos', { ...PIN, body: DOC_VIDEO_AUDIO })).json.data.video_id as string;
    h.cs.requests.length = 0;
    const res = await h.call('DELETE', `/v3/videos/${id}`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('provider_capability_unsupported');
    expect(h.cs.requests).toHaveLength(0);
    expect((await h.call('GET', `/v3/videos/${id}`)).status).toBe(200);
  });

  it('a job the upstream no longer knows is a 404 that names no upstream id', async () => {
    const id = (await h.call('POST', '/v3/videos', { ...PIN, body: DOC_VIDEO_AUDIO })).json.data.video_id as string;
    h.cs.reset();
    const res = await h.call('GET', `/v3/videos/${id}`);
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'video_not_found', message: 'Video not found.' });
  });
});

describe('video translations (pinned)', () => {
  /** What the gateway sends for the URL example: the v3 defaults Cloudsway also lists are explicit. */
  const URL_EXAMPLE_UPSTREAM = {
    ...DOC_TRANSLATION_BY_URL,
    enable_caption: false,
    enable_dynamic_duration: true,
    disable_music_track: false,
    enable_speech_enhancement: false,
  };

  it('GET /v3/video-translations/languages: the document list, from the translation endpoint path', async () => {
    const res = await h.call('GET', '/v3/video-translations/languages', PIN);
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ data: { languages: ['English', 'Chinese (Simplified)', 'Spanish', 'French'] } });
    expectServedBy(res, 'cs', 'cloudsway');
    onlyCloudswayCall('GET', `${CS_TRANSLATE}/video-translations/languages`);
  });

  it('POST (URL example): one gateway id per subtask, each matched to its language', async () => {
    const res = await h.call('POST', '/v3/video-translations', { ...PIN, body: DOC_TRANSLATION_BY_URL });
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'cs', 'cloudsway');
    const ids = res.json.data.video_translation_ids as string[];
    expect(res.json).toStrictEqual({ data: { video_translation_ids: [expect.stringMatching(TRANSLATION_ID), expect.stringMatching(TRANSLATION_ID)] } });
    const call = onlyCloudswayCall('POST', `${CS_TRANSLATE}/video-translations`);
    expect(call.body).toStrictEqual(URL_EXAMPLE_UPSTREAM);

    const zh = await h.call('GET', `/v3/video-translations/${ids[0]}`);
    const es = await h.call('GET', `/v3/video-translations/${ids[1]}`);
    expect([zh.json.data.output_language, es.json.data.output_language]).toStrictEqual(['Chinese (Simplified)', 'Spanish']);
    const polled = received(h.cs, 'GET').map((c) => c.path.slice(`${CS_TRANSLATE}/video-translations/`.length));
    expect(polled).toHaveLength(2);
    expect(polled[0]).not.toBe(polled[1]);
  });

  it.each([
    ['completed', 'Quarterly update'],
    ['success', 'Quarterly update [success]'],
  ])('walks pending -> running -> done when Cloudsway says %j, answering v3 completed', async (word, title) => {
    const created = await h.call('POST', '/v3/video-translations', { ...PIN, body: { ...DOC_TRANSLATION_BY_ASSET, output_languages: ['Spanish'], title } });
    expect(created.status, created.text).toBe(200);
    const [id] = created.json.data.video_translation_ids as string[];
    const [first, second, third] = await poll('video-translations', id!, 3);
    expect(first!.json.data).toMatchObject({ id, status: 'pending', output_language: 'Spanish', title });
    expect(second!.json.data.status).toBe('running');
    const up = received(h.cs, 'GET')[0]!.path.slice(`${CS_TRANSLATE}/video-translations/`.length);
    const answers = received(h.cs, 'GET').length;
    expect(third!.json).toStrictEqual({
      data: {
        id,
        status: 'completed',
        title,
        output_language: 'Spanish',
        input_language: 'English',
        translate_audio_only: false,
        callback_id: null,
        created_at: expect.any(Number),
        duration: 32.5,
        video_url: `https://files.heygen.ai/output/${up}.mp4`,
        audio_url: `https://files.heygen.ai/output/${up}.mp3`,
      },
    });
    expect(answers).toBe(3);
    // The word Cloudsway itself used for this job, asked directly.
    const direct = await fetch(`${h.cs.url}${CS_TRANSLATE}/video-translations/${up}`, { headers: { authorization: `Bearer ${CS_TOKEN}` } });
    expect(((await direct.json()) as { data: { status: string } }).data.status).toBe(word);
  });

  it('a failed translation carries the failure message', async () => {
    const created = await h.call('POST', '/v3/video-translations', { ...PIN, body: { ...DOC_TRANSLATION_BY_URL, title: 'x [fail]' } });
    const [id] = created.json.data.video_translation_ids as string[];
    const last = (await poll('video-translations', id!, 3)).at(-1)!;
    expect(last.json.data).toMatchObject({ id, status: 'failed', failure_message: 'Translation failed due to unsupported content.' });
  });

  it('keeps callback_url and callback_id for itself: neither is a Cloudsway field', async () => {
    const res = await h.call('POST', '/v3/video-translations', {
      ...PIN,
      body: { ...DOC_TRANSLATION_BY_URL, callback_url: 'https://client.example.com/hooks/tr', callback_id: 'batch-7' },
    });
    expect(res.status, res.text).toBe(200);
    expect(onlyCloudswayCall('POST', `${CS_TRANSLATE}/video-translations`).body).toStrictEqual(URL_EXAMPLE_UPSTREAM);
    const detail = await h.call('GET', `/v3/video-translations/${res.json.data.video_translation_ids[0]}`);
    expect(detail.json.data.callback_id).toBe('batch-7');
  });
});

describe('POST /v3/assets (pinned)', () => {
  it('streams the file as multipart to the translation endpoint path; the code-100 answer becomes v3', async () => {
    const res = await h.upload(MP4, 'launch.mp4', PIN);
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'cs', 'cloudsway');
    const id = res.json.data.asset_id as string;
    expect(res.json).toStrictEqual({
      data: { asset_id: id, url: `https://resource2.heygen.ai/video/${id}/original.mp4`, mime_type: 'video/mp4', size_bytes: MP4.length },
    });
    const call = onlyCloudswayCall('POST', `${CS_TRANSLATE}/assets`);
    expect(call.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(call.upload).toStrictEqual({
      field: 'file',
      filename: 'launch.mp4',
      contentType: 'video/mp4',
      bytes: MP4.length,
      sha256: createHash('sha256').update(MP4).digest('hex'),
    });
  });

  it('an uploaded asset ties later requests to its account, even for a client that prefers heygen-v3', async () => {
    const asset = (await h.upload(MP4, 'launch.mp4', { key: CLIENT_KEYS.globex, pin: 'cs' })).json.data.asset_id as string;
    const res = await h.call('POST', '/v3/video-translations', {
      key: CLIENT_KEYS.globex,
      body: { video: { type: 'asset_id', asset_id: asset }, output_languages: ['French'] },
    });
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'cs', 'cloudsway');
    expect(h.hg.requests).toHaveLength(0);
  });
});

describe('avatars (pinned)', () => {
  it('GET /v3/avatars: the document query and answer, times in seconds', async () => {
    const res = await h.call('GET', '/v3/avatars?ownership=private&limit=20', PIN);
    expect(res.status).toBe(200);
    expectServedBy(res, 'cs', 'cloudsway');
    expect(res.json).toStrictEqual({ data: [V3_GROUP], has_more: false, next_token: null });
    onlyCloudswayCall('GET', `${CS_VIDEO}/avatars?ownership=private&limit=20`);
  });

  it('GET /v3/avatars/{group_id}', async () => {
    const res = await h.call('GET', '/v3/avatars/grp_abc123', PIN);
    expect(res.json).toStrictEqual({ data: V3_GROUP });
    onlyCloudswayCall('GET', `${CS_VIDEO}/avatars/grp_abc123`);
  });

  it('GET /v3/avatars/looks: the document query and answer', async () => {
    const res = await h.call('GET', '/v3/avatars/looks?group_id=grp_abc123&avatar_type=photo_avatar&limit=20', PIN);
    expect(res.json).toStrictEqual({ data: [V3_LOOK], has_more: false, next_token: null });
    onlyCloudswayCall('GET', `${CS_VIDEO}/avatars/looks?group_id=grp_abc123&avatar_type=photo_avatar&limit=20`);
  });

  it('GET /v3/avatars/looks pages with Cloudsway cursors passed through both ways', async () => {
    const first = await h.call('GET', '/v3/avatars/looks?limit=3', PIN);
    expect(first.json.data.map((l: { id: string }) => l.id)).toStrictEqual(['lk_abc123def456', 'lk_studio_preset_001', 'lk_studio_preset_002']);
    expect(first.json.has_more).toBe(true);
    const token = first.json.next_token as string;
    const second = await h.call('GET', `/v3/avatars/looks?limit=3&token=${encodeURIComponent(token)}`, PIN);
    expect(second.json).toMatchObject({ data: [{ id: 'lk_studio_preset_003' }], has_more: false, next_token: null });
    expect(received(h.cs, 'GET').at(-1)!.path).toBe(`${CS_VIDEO}/avatars/looks?limit=3&token=${token}`);
  });

  it('GET /v3/avatars/looks/{look_id}', async () => {
    const res = await h.call('GET', '/v3/avatars/looks/lk_abc123def456', PIN);
    expect(res.json).toStrictEqual({ data: V3_LOOK });
    onlyCloudswayCall('GET', `${CS_VIDEO}/avatars/looks/lk_abc123def456`);
  });

  it('POST /v3/avatars (document example): a voiceless photo look in a new group', async () => {
    const res = await h.call('POST', '/v3/avatars', { ...PIN, body: DOC_PHOTO_AVATAR });
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'cs', 'cloudsway');
    expect(onlyCloudswayCall('POST', `${CS_VIDEO}/avatars`).body).toStrictEqual(DOC_PHOTO_AVATAR);
    const { avatar_item: look, avatar_group: group } = res.json.data;
    expect(look).toMatchObject({ name: 'My Avatar', avatar_type: 'photo_avatar', group_id: group.id, default_voice_id: null, tags: [] });
    expect(group).toMatchObject({ name: 'My Avatar', looks_count: 1, created_at: expect.any(Number) });
    expect(group.created_at).toBeLessThan(1e11); // seconds, not Cloudsway's milliseconds
  });

  it('a look a client created routes that client to its account, even when it prefers heygen-v3', async () => {
    const created = await h.call('POST', '/v3/avatars', { key: CLIENT_KEYS.globex, pin: 'cs', body: DOC_PHOTO_AVATAR });
    const lookId = created.json.data.avatar_item.id as string;
    const video = await h.call('POST', '/v3/videos', {
      key: CLIENT_KEYS.globex,
      body: { type: 'avatar', avatar_id: lookId, script: 'Hello from my photo avatar.', aspect_ratio: '9:16' },
    });
    expect(video.status, video.text).toBe(200);
    expectServedBy(video, 'cs', 'cloudsway');
    expect(received(h.cs, 'POST', `${CS_VIDEO}/videos`)[0]!.body).toStrictEqual({
      type: 'avatar',
      avatar_id: lookId,
      aspect_ratio: '9:16',
      script: 'Hello from my photo avatar.',
    });
    expect(h.hg.requests).toHaveLength(0);
  });
});

describe('what Cloudsway does not offer', () => {
  it.each([
    ['GET', '/v3/voices'],
    ['GET', '/v3/voices/voice_001'],
    ['GET', '/v3/users/me'],
  ] as const)('%s %s pinned: 400 provider_capability_unsupported naming the pin, no upstream call', async (method, path) => {
    const res = await h.call(method, path, PIN);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'provider_capability_unsupported', param: 'X-Gateway-Account' });
    expect(h.cs.requests).toHaveLength(0);
  });

  it('GET /v3/voices routed automatically skips cloudsway for heygen-v3', async () => {
    const res = await h.call('GET', '/v3/voices?limit=1');
    expect(res.status).toBe(200);
    expectServedBy(res, 'hg', 'heygen-v3');
    expect(h.cs.requests).toHaveLength(0);
  });

  it('an account without a translation endpoint path cannot translate; pinned, that is a 400', async () => {
    const res = await h.call('GET', '/v3/video-translations/languages', { pin: 'cs-video' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('provider_capability_unsupported');
    expect(h.cs.requests).toHaveLength(0);
    const looks = await h.call('GET', '/v3/avatars/looks/lk_abc123def456', { pin: 'cs-video' });
    expect(looks.status).toBe(200);
  });
});

describe('fields Cloudsway cannot honour', () => {
  it.each<[string, string, unknown, string]>([
    ['a voice_id', '/v3/videos', V3_WITH_VOICE, 'voice_id'],
    ['aspect_ratio 1:1', '/v3/videos', { ...DOC_VIDEO_AUDIO, aspect_ratio: '1:1' }, 'aspect_ratio'],
    ['aspect_ratio auto', '/v3/videos', { ...DOC_VIDEO_AUDIO, aspect_ratio: 'auto' }, 'aspect_ratio'],
    ['an image video', '/v3/videos', { type: 'image', image: { type: 'url', url: 'https://example.com/person.jpg' }, audio_url: 'https://example.com/narration.mp3' }, 'type'],
    ['a brand voice', '/v3/video-translations', { ...DOC_TRANSLATION_BY_URL, brand_voice_id: 'bv_1' }, 'brand_voice_id'],
    ['a prompt avatar', '/v3/avatars', { type: 'prompt', name: 'Space Commander', prompt: 'Young woman in a space suit' }, 'type'],
  ])('pinned, %s is a 400 naming the field, and nothing goes upstream', async (_name, path, body, param) => {
    const res = await h.call('POST', path, { ...PIN, body });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'provider_capability_unsupported', param });
    expect(res.json.error.message).toContain('"cs"');
    expect(h.cs.requests).toHaveLength(0);
    expectClean(res);
  });

  it('routed automatically, a voice_id skips cloudsway (first in priority) for heygen-v3', async () => {
    const res = await h.call('POST', '/v3/videos', { body: V3_WITH_VOICE });
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'hg', 'heygen-v3');
    expect(h.cs.requests).toHaveLength(0);
    expect(received(h.hg, 'POST', '/v3/videos')[0]!.body).toStrictEqual(V3_WITH_VOICE);
  });

  it('routed automatically, a brand voice translation skips cloudsway for heygen-v3', async () => {
    const res = await h.call('POST', '/v3/video-translations', { body: { ...DOC_TRANSLATION_BY_URL, brand_voice_id: 'bv_1' } });
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'hg', 'heygen-v3');
    expect(h.cs.requests).toHaveLength(0);
  });

  it('routed automatically, a request Cloudsway can honour goes to cloudsway (first in priority)', async () => {
    const res = await h.call('POST', '/v3/videos', { body: DOC_VIDEO_AUDIO });
    expect(res.status, res.text).toBe(200);
    expectServedBy(res, 'cs', 'cloudsway');
    expect(h.hg.requests).toHaveLength(0);
  });

  it('a client preferring heygen-v3 is served there, and by cloudsway when it pins it', async () => {
    const auto = await h.call('GET', '/v3/video-translations/languages', { key: CLIENT_KEYS.globex });
    expectServedBy(auto, 'hg', 'heygen-v3');
    expect(h.cs.requests).toHaveLength(0);
    const pinned = await h.call('GET', '/v3/video-translations/languages', { key: CLIENT_KEYS.globex, pin: 'cs' });
    expectServedBy(pinned, 'cs', 'cloudsway');
  });
});

describe('Cloudsway failures as the client sees them', () => {
  it('error as a string (translations): a 400 invalid_parameter with its words', async () => {
    const res = await h.call('POST', '/v3/video-translations', { ...PIN, body: { ...DOC_TRANSLATION_BY_URL, output_languages: ['Klingon'] } });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message: 'Unsupported output language: "Klingon".', param: null, doc_url: null } });
    expectClean(res);
  });

  it('error as an object (videos): its code, message and param', async () => {
    const res = await h.call('POST', '/v3/videos', { ...PIN, body: { ...DOC_VIDEO_AUDIO, avatar_id: 'lk_none' } });
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: { code: 'avatar_not_found', message: "Avatar 'lk_none' was not found.", param: 'avatar_id', doc_url: null } });
  });

  it('error as an object inside a 200 (injected): the same v3 error', async () => {
    h.cs.faults.add({ method: 'GET', path: `${CS_VIDEO}/avatars/looks/lk_abc123def456`, status: 200, body: JSON.stringify({ error: { code: 'avatar_not_found', message: 'Avatar look not found.' }, data: null }) });
    const res = await h.call('GET', '/v3/avatars/looks/lk_abc123def456', PIN);
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'avatar_not_found', message: 'Avatar look not found.' });
  });

  it('error as a string inside a 200 with code 400 (injected): a 400', async () => {
    h.cs.faults.add({ method: 'GET', path: `${CS_TRANSLATE}/video-translations/languages`, status: 200, body: JSON.stringify({ code: 400, data: null, error: 'endpoint disabled for languages', message: 'failed' }) });
    const res = await h.call('GET', '/v3/video-translations/languages', PIN);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'invalid_parameter', message: 'endpoint disabled for languages' });
  });

  it('an HTML 502 from a proxy: a 502 upstream_error that echoes nothing', async () => {
    h.cs.faults.add({ method: 'POST', path: `${CS_VIDEO}/videos`, status: 502, body: '<html>Bad Gateway nginx</html>' });
    const res = await h.call('POST', '/v3/videos', { ...PIN, body: DOC_VIDEO_AUDIO });
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe('upstream_error');
    expect(res.text).not.toContain('nginx');
  });

  it.each([
    ['a wrong token', 'cs-badkey'],
    ['a wrong endpoint path', 'cs-badpath'],
  ])('an account with %s: the simulator refuses it, the client gets a 502 that leaks nothing', async (_name, account) => {
    const res = await h.call('GET', '/v3/avatars', { pin: account });
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe('upstream_error');
    expect(res.json.error.message).toContain(`"${account}"`);
    expect(received(h.cs)).toHaveLength(1);
    expectClean(res);
  });
});
