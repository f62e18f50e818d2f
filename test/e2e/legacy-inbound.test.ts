/**
 * The legacy inbound surface end to end: a v2/v1 client talks to the real gateway on loopback, and
 * HeyGen v3 simulators stand behind it. The v2 request is the quick start's example
 * (003_37465d87d070bf7f.txt) with its avatar and voice replaced by ones the simulator knows. Every
 * test checks what the upstream received (a v3 body, with the account's key) and the exact legacy
 * answer the client got.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { TRANSLATION_LANGUAGES, seedLooks, seedVoices } from '../../src/sandbox/heygen-v3-data.js';
import { KEYS, UPSTREAM_KEYS, leaksIn, startHarness, upstreamCalls, type Answer, type Harness } from '../helpers/gateway.js';
import {
  ACCOUNTS,
  KEYS as LEGACY_KEYS,
  UPSTREAM_KEYS as LEGACY_UPSTREAM_KEYS,
  legacyCalls,
  startLegacyHarness,
  type LegacyHarness,
} from '../helpers/legacy-harness.js';
import {
  BRENT_VOICE,
  DAISY_VOICE,
  TARGET_LANGUAGES,
  seedAvatars as seedLegacyAvatars,
  seedTalkingPhotos,
  seedVoices as seedLegacyVoices,
} from '../../src/sandbox/heygen-legacy-data.js';

const SARA = '1bd001e7e50f421d891986aad5c8bbd2';
const FILES = 'https://files.heygen.ai';

/** 003's quick start body; "Daisy-inskirt-20220818" -> the simulator's studio look, its voice -> Sara. */
const QUICK_START = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'look_def457', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: SARA },
      background: { type: 'color', value: '#008000' },
    },
  ],
  dimension: { width: 1280, height: 720 },
};
/** What the v3 upstream must receive for QUICK_START. */
const QUICK_START_V3 = {
  type: 'avatar',
  avatar_id: 'look_def457',
  script: 'Welcome to the HeyGen API!',
  voice_id: SARA,
  background: { type: 'color', value: '#008000' },
  resolution: '720p',
  aspect_ratio: '16:9',
};

const withScene = (over: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  ...QUICK_START,
  ...top,
  video_inputs: [{ ...QUICK_START.video_inputs[0], ...over }],
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 3)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200, 1)]);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.hg.reset();
  h.hg2.reset();
});

function expectServedBy(res: Answer, account = 'hg'): void {
  expect(res.headers['x-gateway-account']).toBe(account);
  expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
  expect(res.headers['x-request-id']).toEqual(expect.stringMatching(/^\S+$/));
}

async function generate(body: unknown = QUICK_START, key: string = KEYS.acme): Promise<string> {
  const res = await h.call('POST', '/v2/video/generate', { body, key });
  expect(res.status, res.text).toBe(200);
  return res.json.data.video_id as string;
}

const status = (id: string, key: string = KEYS.acme) => h.call('GET', `/v1/video_status.get?video_id=${encodeURIComponent(id)}`, { key });

/** The upstream id behind the last poll of a video. */
function lastPolledUpstreamId(): string {
  const last = upstreamCalls(h.hg, 'GET', '/v3/videos/').at(-1);
  if (!last) throw new Error('the simulator saw no poll');
  return last.path.slice('/v3/videos/'.length);
}

const NULL_STATUS = {
  callback_id: null,
  caption_url: null,
  duration: null,
  gif_url: null,
  thumbnail_url: null,
  video_url: null,
  video_url_caption: null,
  error: null,
};

describe('POST /v2/video/generate served by a v3 account', () => {
  it('sends the v3 translation upstream with the account key and answers the v2 envelope with a gateway id', async () => {
    const res = await h.call('POST', '/v2/video/generate', { body: QUICK_START });
    expect(res.status).toBe(200);
    const id = res.json.data.video_id as string;
    expect(res.json).toEqual({ error: null, data: { video_id: id } });
    expect(id).toMatch(/^gv_[A-Za-z0-9_-]{16,}$/);
    expectServedBy(res);

    const sent = upstreamCalls(h.hg);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v3/videos']);
    expect(sent[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(JSON.stringify(sent[0]?.headers)).not.toContain(KEYS.acme);
    expect(sent[0]?.body).toEqual(QUICK_START_V3);
    expect(h.hg2.requests).toHaveLength(0);
  });

  it('honours Idempotency-Key: a retry gets the same gateway id and makes no second upstream job', async () => {
    const headers = { 'idempotency-key': 'v2-retry-0001' };
    const first = await h.call('POST', '/v2/video/generate', { body: QUICK_START, headers });
    const again = await h.call('POST', '/v2/video/generate', { body: QUICK_START, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')).toHaveLength(1);
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    [
      'a talking photo with voice settings at 1080x1920, title and callback_id',
      {
        video_inputs: [
          {
            character: { type: 'talking_photo', talking_photo_id: 'look_def456' },
            voice: { type: 'text', input_text: 'Hi there, this is a talking photo.', voice_id: 'voice_xyz789', speed: 1.1, pitch: 5, locale: 'en-US' },
          },
        ],
        dimension: { width: 1080, height: 1920 },
        title: 'Vertical promo',
        callback_id: 'crm-row-42',
      },
      {
        type: 'avatar',
        avatar_id: 'look_def456',
        script: 'Hi there, this is a talking photo.',
        voice_id: 'voice_xyz789',
        voice_settings: { speed: 1.1, pitch: 5, locale: 'en-US' },
        resolution: '1080p',
        aspect_ratio: '9:16',
        title: 'Vertical promo',
        callback_id: 'crm-row-42',
      },
    ],
    [
      'an audio voice over an image background, 3840x2160',
      withScene(
        { voice: { type: 'audio', audio_url: 'https://cdn.example.com/voiceover.mp3' }, background: { type: 'image', url: 'https://cdn.example.com/office.jpg' } },
        { dimension: { width: 3840, height: 2160 } },
      ),
      {
        type: 'avatar',
        avatar_id: 'look_def457',
        audio_url: 'https://cdn.example.com/voiceover.mp3',
        background: { type: 'image', url: 'https://cdn.example.com/office.jpg' },
        resolution: '4k',
        aspect_ratio: '16:9',
      },
    ],
  ])('translates %s', async (_name, body, v3) => {
    await generate(body);
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')[0]?.body).toEqual(v3);
  });
});

describe('GET /v1/video_status.get', () => {
  it('walks pending -> processing -> completed in v1 words, then answers from the store', async () => {
    const id = await generate();

    const first = await status(id);
    expect(first.status).toBe(200);
    expectServedBy(first);
    expect(first.json).toEqual({ code: 100, message: 'Success', data: { ...NULL_STATUS, id, status: 'pending', created_at: expect.any(Number) } });

    const second = await status(id);
    expect(second.json).toEqual({ code: 100, message: 'Success', data: { ...NULL_STATUS, id, status: 'processing', created_at: first.json.data.created_at } });

    const third = await status(id);
    const up = lastPolledUpstreamId();
    expect(third.json).toEqual({
      code: 100,
      message: 'Success',
      data: {
        id,
        status: 'completed',
        callback_id: null,
        caption_url: `${FILES}/srt/${up}.srt`,
        created_at: first.json.data.created_at,
        // five words at the simulator's 2.5 words per second
        duration: 2,
        gif_url: `${FILES}/gif/${up}.gif`,
        thumbnail_url: `${FILES}/thumb/${up}.jpg`,
        video_url: `${FILES}/video/${up}.mp4`,
        video_url_caption: null,
        error: null,
      },
    });
    expect(id).not.toContain(up);

    const polls = upstreamCalls(h.hg, 'GET').length;
    const again = await status(id);
    expect(again.json).toEqual(third.json);
    expectServedBy(again);
    expect(upstreamCalls(h.hg, 'GET')).toHaveLength(polls);
  });

  it('reports a failed render as v1 failed with error{code,message,detail}', async () => {
    const id = await generate(withScene({ voice: { type: 'text', input_text: 'This line [fail] cannot be spoken.', voice_id: SARA } }));
    await status(id);
    await status(id);
    const failed = await status(id);
    expect(failed.status).toBe(200);
    expect(failed.json).toEqual({
      code: 100,
      message: 'Success',
      data: {
        ...NULL_STATUS,
        id,
        status: 'failed',
        created_at: expect.any(Number),
        error: {
          code: 400400,
          message: 'The script contains text that cannot be converted to speech.',
          detail: 'tts_text_invalid: The script contains text that cannot be converted to speech.',
        },
      },
    });
  });

  it('echoes the callback_id the v2 request carried', async () => {
    const id = await generate({ ...QUICK_START, callback_id: 'order-1138' });
    const res = await status(id);
    expect(res.json.data).toMatchObject({ id, status: 'pending', callback_id: 'order-1138' });
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')[0]?.body).toEqual({ ...QUICK_START_V3, callback_id: 'order-1138' });
  });

  it('answers an unknown id and a missing video_id in the v1 error envelope, without asking the upstream', async () => {
    for (const id of ['gv_doesNotExist0000000000', 'not-a-gateway-id']) {
      const res = await status(id);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ code: 400404, message: 'Video not found.' });
    }
    const missing = await h.call('GET', '/v1/video_status.get');
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ code: 400400, message: "'video_id' is required." });
    expect(h.hg.requests).toHaveLength(0);
  });
});

describe('what a v3 account cannot render', () => {
  it('refuses a multi-scene request with no_eligible_account naming video_inputs, in the v2 envelope', async () => {
    const twoScenes = { ...QUICK_START, video_inputs: [QUICK_START.video_inputs[0], QUICK_START.video_inputs[0]] };
    const res = await h.call('POST', '/v2/video/generate', { body: twoScenes });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      data: null,
      error: {
        code: 'no_eligible_account',
        message: `None of this client's accounts can serve this request: account "hg" cannot honour 'video_inputs' (heygen-v3 renders one scene per video; this request has 2).`,
      },
    });
    expect(h.hg.requests).toHaveLength(0);
  });

  it.each<[string, unknown, string, string]>([
    ['circle style', withScene({ character: { type: 'avatar', avatar_id: 'look_def457', avatar_style: 'circle' } }), 'video_inputs[0].character.avatar_style', 'avatar_style "circle"'],
    ['a scale', withScene({ character: { type: 'avatar', avatar_id: 'look_def457', scale: 0.6 } }), 'video_inputs[0].character.scale', 'scale 0.6'],
    ['a voice emotion', withScene({ voice: { type: 'text', input_text: 'Hi!', voice_id: SARA, emotion: 'Excited' } }), 'video_inputs[0].voice.emotion', 'voice emotion "Excited"'],
    ['silence', withScene({ voice: { type: 'silence', duration: 2 } }), 'video_inputs[0].voice.type', 'a silence voice'],
    ['a video background', withScene({ background: { type: 'video', url: 'https://cdn.example.com/loop.mp4', play_style: 'loop' } }), 'video_inputs[0].background.type', 'a video background'],
    ['captions', { ...QUICK_START, caption: true }, 'caption', 'burnt-in captions (caption: true)'],
  ])('refuses %s rather than render without it, and a pin says provider_capability_unsupported', async (_name, body, param, what) => {
    const res = await h.call('POST', '/v2/video/generate', { body });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      data: null,
      error: {
        code: 'no_eligible_account',
        message: `None of this client's accounts can serve this request: account "hg" cannot honour '${param}' (${what} exists only in the v2 body).`,
      },
    });
    const pinned = await h.call('POST', '/v2/video/generate', { body, headers: { 'x-gateway-account': 'hg' } });
    expect(pinned.status).toBe(400);
    expect(pinned.json).toEqual({
      data: null,
      error: { code: 'provider_capability_unsupported', message: `Account "hg" (heygen-v3) cannot honour '${param}' (${what} exists only in the v2 body).` },
    });
    expect(h.hg.requests).toHaveLength(0);
  });
});

describe('legacy errors', () => {
  it('answers a body the schema refuses and a bad callback in the v2 envelope', async () => {
    const cases: Array<[unknown, string]> = [
      [{ dimension: { width: 1280, height: 720 } }, "'video_inputs' is required."],
      [{ video_inputs: [] }, "'video_inputs' must not be empty."],
      [withScene({ voice: { type: 'speech', input_text: 'x' } }), `'video_inputs[0].voice.type' must be one of: "text", "audio", "silence".`],
      [withScene({ voice: { type: 'audio' } }), "An audio voice needs 'audio_url' or 'audio_asset_id'."],
      [{ ...QUICK_START, callback_url: 'http://127.0.0.1:8080/hook' }, "'callback_url' points at a loopback, private or link-local address, which this gateway does not call."],
    ];
    for (const [body, message] of cases) {
      const res = await h.call('POST', '/v2/video/generate', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json).toEqual({ data: null, error: { code: 'invalid_parameter', message } });
    }
    const notJson = await h.call('POST', '/v2/video/generate', { rawBody: '{"video_inputs": [', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({ data: null, error: { code: 'invalid_parameter', message: 'The request body is not valid JSON.' } });
    expect(h.hg.requests).toHaveLength(0);
  });

  it('answers a missing or wrong key with 401 in each route’s envelope', async () => {
    const v2Unauthorized = { data: null, error: { code: 'unauthorized', message: 'Invalid or missing API key. Send it in the X-Api-Key header.' } };
    const v1Unauthorized = { code: 400401, message: 'Invalid or missing API key. Send it in the X-Api-Key header.' };
    const routes: Array<[string, string, object, unknown]> = [
      ['POST', '/v2/video/generate', v2Unauthorized, QUICK_START],
      ['GET', '/v1/video_status.get?video_id=gv_x', v1Unauthorized, undefined],
      ['POST', '/v2/video_translate', v2Unauthorized, { video_url: 'https://example.com/v.mp4', output_language: 'Spanish' }],
      ['GET', '/v2/video_translate/gt_x', v2Unauthorized, undefined],
      ['GET', '/v2/video_translate/target_languages', v2Unauthorized, undefined],
      ['GET', '/v2/avatars', v2Unauthorized, undefined],
      ['GET', '/v2/voices', v2Unauthorized, undefined],
      ['POST', '/v1/asset', v1Unauthorized, undefined],
    ];
    for (const [method, path, expected, body] of routes) {
      for (const key of [null, 'not-a-client-key']) {
        const res = await h.call(method, path, { key, ...(body !== undefined ? { body } : {}) });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.json, `${method} ${path}`).toEqual(expected);
        expect(leaksIn(res.text)).toEqual([]);
      }
    }
    expect(h.hg.requests).toHaveLength(0);
  });

  it('keeps v3 routes on the v3 envelope', async () => {
    const res = await h.call('GET', '/v3/videos/gv_doesNotExist0000000000');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
  });
});

describe('isolation between clients', () => {
  it('routes each client to its own accounts and hides one client’s jobs from another', async () => {
    const acmeVideo = await generate();
    const globexVideo = await generate(QUICK_START, KEYS.globex);
    // globex lists hg2 first
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')).toHaveLength(1);
    expect(upstreamCalls(h.hg2, 'POST', '/v3/videos')).toHaveLength(1);

    const translated = await h.call('POST', '/v2/video_translate', { body: { video_url: 'https://example.com/v.mp4', output_language: 'Spanish' } });
    const acmeTranslation = translated.json.data.video_translate_id as string;
    const before = h.hg.requests.length + h.hg2.requests.length;

    const foreignVideo = await status(acmeVideo, KEYS.globex);
    expect(foreignVideo.status).toBe(404);
    expect(foreignVideo.json).toEqual({ code: 400404, message: 'Video not found.' });
    const foreignTranslation = await h.call('GET', `/v2/video_translate/${acmeTranslation}`, { key: KEYS.globex });
    expect(foreignTranslation.status).toBe(404);
    expect(foreignTranslation.json).toEqual({ data: null, error: { code: 'video_not_found', message: 'Video translation not found.' } });
    expect((await status(globexVideo, KEYS.acme)).status).toBe(404);
    expect(h.hg.requests.length + h.hg2.requests.length).toBe(before);

    const own = await status(globexVideo, KEYS.globex);
    expect(own.status).toBe(200);
    expectServedBy(own, 'hg2');

    // acme cannot reach globex's account by pinning it, on any legacy route
    const hg2Before = h.hg2.requests.length;
    const pinned = await h.call('GET', `/v1/video_status.get?video_id=${acmeVideo}`, { headers: { 'x-gateway-account': 'hg2' } });
    expect(pinned.status).toBe(403);
    expect(pinned.json).toEqual({ code: 400403, message: 'Account "hg2" is not available to this client.' });
    const pinnedCreate = await h.call('POST', '/v2/video/generate', { body: QUICK_START, headers: { 'x-gateway-account': 'hg2' } });
    expect(pinnedCreate.status).toBe(403);
    expect(pinnedCreate.json).toEqual({ data: null, error: { code: 'forbidden', message: 'Account "hg2" is not available to this client.' } });
    const pinnedList = await h.call('GET', '/v2/avatars', { headers: { 'x-gateway-account': 'hg2' } });
    expect(pinnedList.status).toBe(403);
    expect(h.hg2.requests).toHaveLength(hg2Before);
  });
});

describe('v2 video translation', () => {
  const BODY = {
    video_url: 'https://example.com/videos/product-demo.mp4',
    output_language: 'Spanish',
    title: 'Product demo (ES)',
    translate_audio_only: false,
    speaker_num: 1,
    callback_id: 'vt-42',
    enable_dynamic_duration: true,
    brand_voice_id: 'bv_123',
  };

  it('creates one v3 translation and walks pending -> running -> success in v2 words', async () => {
    const res = await h.call('POST', '/v2/video_translate', { body: BODY });
    expect(res.status, res.text).toBe(200);
    const id = res.json.data.video_translate_id as string;
    expect(res.json).toEqual({ error: null, data: { video_translate_id: id } });
    expect(id).toMatch(/^gt_/);
    expectServedBy(res);
    const sent = upstreamCalls(h.hg, 'POST', '/v3/video-translations');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(sent[0]?.body).toEqual({
      video: { type: 'url', url: 'https://example.com/videos/product-demo.mp4' },
      output_languages: ['Spanish'],
      title: 'Product demo (ES)',
      translate_audio_only: false,
      speaker_num: 1,
      callback_id: 'vt-42',
      enable_dynamic_duration: true,
      brand_voice_id: 'bv_123',
    });

    const words: string[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      last = await h.call('GET', `/v2/video_translate/${id}`);
      expect(last.status).toBe(200);
      expectServedBy(last);
      words.push(last.json.data.status as string);
      if (i < 2) expect(last.json).toEqual({ error: null, data: { video_translate_id: id, title: 'Product demo (ES)', status: words[i], url: null, message: null } });
    }
    expect(words).toEqual(['pending', 'running', 'success']);
    const up = upstreamCalls(h.hg, 'GET', '/v3/video-translations/').at(-1)!.path.slice('/v3/video-translations/'.length);
    expect(last?.json).toEqual({
      error: null,
      data: { video_translate_id: id, title: 'Product demo (ES)', status: 'success', url: `${FILES}/video_translate/${up}.mp4`, message: null },
    });
  });

  it('reports a failed translation with its message', async () => {
    const res = await h.call('POST', '/v2/video_translate', { body: { video_url: BODY.video_url, output_language: 'French', title: 'Silent clip [fail]' } });
    const id = res.json.data.video_translate_id as string;
    await h.call('GET', `/v2/video_translate/${id}`);
    await h.call('GET', `/v2/video_translate/${id}`);
    const failed = await h.call('GET', `/v2/video_translate/${id}`);
    expect(failed.json).toEqual({
      error: null,
      data: { video_translate_id: id, title: 'Silent clip [fail]', status: 'failed', url: null, message: 'No speech was detected in the source video.' },
    });
  });

  it('refuses a bad body in the v2 envelope and answers an unknown id with 404', async () => {
    const cases: Array<[unknown, string]> = [
      [{ output_language: 'Spanish' }, "'video_url' is required."],
      [{ video_url: 'ftp://example.com/v.mp4', output_language: 'Spanish' }, "'video_url' must use http or https."],
      [{ ...BODY, output_languages: ['Spanish'] }, "'output_languages' is not a recognized field."],
    ];
    for (const [body, message] of cases) {
      const res = await h.call('POST', '/v2/video_translate', { body });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ data: null, error: { code: 'invalid_parameter', message } });
    }
    const unknown = await h.call('GET', '/v2/video_translate/gt_doesNotExist000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ data: null, error: { code: 'video_not_found', message: 'Video translation not found.' } });
    expect(h.hg.requests).toHaveLength(0);
  });

  it('lists the target languages of the serving account', async () => {
    const res = await h.call('GET', '/v2/video_translate/target_languages');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ error: null, data: { languages: [...TRANSLATION_LANGUAGES] } });
    expectServedBy(res);
    expect(upstreamCalls(h.hg).map((r) => r.path)).toEqual(['/v3/video-translations/languages']);
  });
});

describe('GET /v2/avatars', () => {
  it('gathers every page of the account’s looks into avatars and talking photos', async () => {
    // 25 seeded looks + 30 new ones: more than one page of 50
    for (let i = 0; i < 30; i++) {
      const made = await h.call('POST', '/v3/avatars', { body: { type: 'prompt', name: `Prompt look ${i}`, prompt: 'A friendly presenter in a bright studio' } });
      expect(made.status, made.text).toBe(200);
    }
    const before = h.hg.requests.length;

    const res = await h.call('GET', '/v2/avatars');
    expect(res.status).toBe(200);
    expectServedBy(res);
    const lists = upstreamCalls(h.hg).slice(before);
    expect(lists.map((r) => r.path.replace(/token=[^&]+/, 'token=T'))).toEqual(['/v3/avatars/looks?limit=50', '/v3/avatars/looks?limit=50&token=T']);

    const seeded = seedLooks().map((l) => l.item);
    const talking = seeded.filter((l) => l.avatar_type === 'photo_avatar');
    const others = seeded.filter((l) => l.avatar_type !== 'photo_avatar');
    expect(res.json.error).toBeNull();
    expect(res.json.data.talking_photos).toEqual(
      talking.map((l) => ({ talking_photo_id: l.id, talking_photo_name: l.name, preview_image_url: l.preview_image_url })),
    );
    const avatars = res.json.data.avatars as Array<{ avatar_id: string; avatar_name: string }>;
    expect(avatars).toHaveLength(others.length + 30);
    expect(avatars.slice(0, others.length)).toEqual(
      others.map((l) => ({
        avatar_id: l.id,
        avatar_name: l.name,
        gender: l.gender,
        preview_image_url: l.preview_image_url,
        preview_video_url: l.preview_video_url,
        premium: false,
        default_voice_id: l.default_voice_id,
      })),
    );
    expect(avatars.slice(others.length).map((a) => a.avatar_name)).toEqual(Array.from({ length: 30 }, (_, i) => `Prompt look ${i}`));
    expect(avatars[0]).toEqual({
      avatar_id: 'look_def457',
      avatar_name: 'Monica - Studio Blue',
      gender: 'female',
      preview_image_url: 'https://files.heygen.ai/look/preview_def457.jpg',
      preview_video_url: 'https://files.heygen.ai/look/preview_def457.mp4',
      premium: false,
      default_voice_id: 'voice_xyz789',
    });
  });
});

describe('GET /v2/voices', () => {
  it('lists the account’s public voices, then its own, in the v2 shape', async () => {
    const res = await h.call('GET', '/v2/voices');
    expect(res.status).toBe(200);
    expectServedBy(res);
    expect(upstreamCalls(h.hg).map((r) => r.path)).toEqual(['/v3/voices?type=public&limit=100', '/v3/voices?type=private&limit=100']);
    const seeded = seedVoices().map((v) => v.item);
    const ordered = [...seeded.filter((v) => v.type === 'public'), ...seeded.filter((v) => v.type === 'private')];
    expect(res.json).toEqual({
      error: null,
      data: {
        voices: ordered.map((v) => ({
          voice_id: v.voice_id,
          language: v.language,
          gender: v.gender,
          name: v.name,
          preview_audio: v.preview_audio_url,
          support_pause: v.support_pause,
          emotion_support: false,
        })),
      },
    });
    expect(res.json.data.voices[0]).toEqual({
      voice_id: SARA,
      language: 'English',
      gender: 'female',
      name: 'Sara',
      preview_audio: 'https://files.heygen.ai/voice/preview/sara.mp3',
      support_pause: true,
      emotion_support: false,
    });
  });
});

describe('POST /v1/asset', () => {
  const upload = (bytes: Buffer, contentType: string, key: string = KEYS.acme) =>
    h.call('POST', '/v1/asset', { key, rawBody: bytes, headers: { 'content-type': contentType } });

  it('streams the raw file to the account and answers v1’s asset shape; the asset then works in a v2 request', async () => {
    const res = await upload(PNG, 'image/png');
    expect(res.status, res.text).toBe(200);
    expectServedBy(res);
    const id = res.json.data.id as string;
    expect(res.json).toEqual({
      code: 100,
      message: 'Success',
      data: { id, name: id, file_type: 'image', url: `${FILES}/assets/${id}.png`, image_key: null },
    });
    const sent = upstreamCalls(h.hg, 'POST', '/v3/assets');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(sent[0]?.upload).toEqual({
      field: 'file',
      filename: 'upload.png',
      contentType: 'image/png',
      bytes: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
    });

    await generate(withScene({ background: { type: 'image', image_asset_id: id } }));
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')[0]?.body).toEqual({ ...QUICK_START_V3, background: { type: 'image', asset_id: id } });
  });

  it('refuses bytes that are not what the Content-Type says, or not a v1 type, before the upstream sees them', async () => {
    const cases: Array<[Buffer, string, number, object]> = [
      [JPEG, 'image/png', 400, { code: 400400, message: 'Content-Type is image/png, but the file is image/jpeg.' }],
      [PDF, 'image/png', 400, { code: 400400, message: 'Unsupported file type. Supported: png, jpeg, mp4, webm, mp3 (detected from the file bytes).' }],
      [Buffer.alloc(0), 'image/png', 400, { code: 400400, message: 'The uploaded file is empty.' }],
      [
        Buffer.from('{"file":"x"}'),
        'application/json',
        415,
        { code: 400415, message: 'Send the file itself as the body with Content-Type image/png, image/jpeg, video/mp4, video/webm, audio/mpeg.' },
      ],
    ];
    for (const [bytes, type, code, expected] of cases) {
      const res = await upload(bytes, type);
      expect(res.status, type).toBe(code);
      expect(res.json).toEqual(expected);
    }
    expect(upstreamCalls(h.hg, 'POST', '/v3/assets')).toHaveLength(0);
  });

  it('refuses a file over 32 MB with 413 in the v1 envelope, whether its length is declared or not', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024 + 1, 0);
    PNG.copy(big);
    const declared = await upload(big, 'image/png');
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ code: 400413, message: 'The file is larger than 32 MB.' });
    expect(upstreamCalls(h.hg, 'POST', '/v3/assets')).toHaveLength(0);

    // chunked: the gateway only learns the size while streaming to the upstream, and stops there
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = 0; at < big.length; at += 1024 * 1024) yield big.subarray(at, at + 1024 * 1024);
    }
    const res = await request(`${h.url}/v1/asset`, { method: 'POST', headers: { 'x-api-key': KEYS.acme, 'content-type': 'image/png' }, body: Readable.from(chunks()) });
    expect(res.statusCode).toBe(413);
    expect(await res.body.json()).toEqual({ code: 400413, message: 'The file is larger than 32 MB.' });
    const sent = upstreamCalls(h.hg, 'POST', '/v3/assets');
    expect(sent).toHaveLength(1);
    // the upstream never received a whole file
    expect(sent[0]?.upload).toBeUndefined();
  });
});

/**
 * v2 client -> heygen-v2 account: the gateway in front of the legacy simulator. The v2 body goes
 * upstream as the client sent it (scenes and v2-only settings intact), and the legacy answers come
 * back through the normalized model in the legacy shapes.
 */
describe('v2 client -> heygen-v2 account', () => {
  let lh: LegacyHarness;
  beforeAll(async () => {
    lh = await startLegacyHarness();
  });
  afterAll(async () => {
    await lh.close();
  });
  beforeEach(() => lh.reset());

  /** 001's example verbatim (the legacy simulator knows Brent and his voice), plus a v2-only second scene. */
  const TWO_SCENES = {
    video_inputs: [
      {
        character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal' },
        voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: BRENT_VOICE },
      },
      {
        character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'circle', scale: 0.8, offset: { x: 0.1, y: -0.1 } },
        voice: { type: 'text', input_text: 'And this is the second scene.', voice_id: DAISY_VOICE, emotion: 'Friendly' },
        background: { type: 'color', value: '#008000' },
      },
    ],
    caption: false,
    dimension: { width: 1920, height: 1080 },
    title: 'Two scenes',
    callback_id: 'legacy-42',
  };

  const v1Status = (id: string, key: string = LEGACY_KEYS.legacy) => lh.call('GET', `/v1/video_status.get?video_id=${id}`, { key });

  it('sends the v2 body upstream as it came and answers with legacy words (waiting -> pending) through completion', async () => {
    const res = await lh.call('POST', '/v2/video/generate', { body: { ...TWO_SCENES, callback_url: 'https://example.com/hooks/heygen' } });
    expect(res.status, res.text).toBe(200);
    const id = res.json.data.video_id as string;
    expect(res.json).toEqual({ error: null, data: { video_id: id } });
    expect(res.headers['x-gateway-account']).toBe(ACCOUNTS.v2);
    expect(res.headers['x-gateway-provider']).toBe('heygen-v2');

    const sent = legacyCalls(lh.v2, 'POST', '/v2/video/generate');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers['x-api-key']).toBe(LEGACY_UPSTREAM_KEYS.v2);
    // callback_url stays with the gateway, which delivers callbacks itself
    expect(sent[0]?.body).toStrictEqual(TWO_SCENES);
    expect(lh.hg.requests).toHaveLength(0);

    const words: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await v1Status(id);
      expect(s.status).toBe(200);
      words.push(s.json.data.status as string);
    }
    // the simulator said pending, waiting, processing, completed
    expect(words).toEqual(['pending', 'pending', 'processing', 'completed']);

    // Finished, the answer equals what the legacy API itself says, except for the gateway's id.
    const upstreamId = legacyCalls(lh.v2, 'GET', '/v1/video_status.get').at(-1)!.path.split('video_id=')[1]!;
    const own = await request(`${lh.v2.url}/v1/video_status.get?video_id=${upstreamId}`, { headers: { 'x-api-key': LEGACY_UPSTREAM_KEYS.v2 } });
    const ownData = ((await own.body.json()) as { data: Record<string, unknown> }).data;
    const done = await v1Status(id);
    expect(done.json).toEqual({ code: 100, message: 'Success', data: { ...ownData, id } });
    expect(done.json.data).toMatchObject({ status: 'completed', callback_id: 'legacy-42', video_url: expect.stringContaining(upstreamId) });
  });

  it('passes the legacy failure through as v1 error{code,message,detail}', async () => {
    const body = { ...TWO_SCENES, title: 'Too long [fail]' };
    const res = await lh.call('POST', '/v2/video/generate', { body });
    const id = res.json.data.video_id as string;
    for (let i = 0; i < 3; i++) await v1Status(id);
    const failed = await v1Status(id);
    const detail = 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos';
    expect(failed.json).toEqual({
      code: 100,
      message: 'Success',
      data: {
        ...NULL_STATUS,
        id,
        status: 'failed',
        callback_id: 'legacy-42',
        created_at: expect.any(Number),
        error: { code: 40119, message: detail, detail },
      },
    });
  });

  it('skips a v3 account for what only the v2 body can say, and keeps plain requests on the v3 account', async () => {
    const circle = { ...TWO_SCENES, video_inputs: [TWO_SCENES.video_inputs[1]] };
    const res = await lh.call('POST', '/v2/video/generate', { key: LEGACY_KEYS.hgfirst, body: circle });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-gateway-account']).toBe(ACCOUNTS.v2);
    expect(legacyCalls(lh.v2, 'POST', '/v2/video/generate')[0]?.body).toStrictEqual(circle);
    expect(lh.hg.requests).toHaveLength(0);

    const plain = await lh.call('POST', '/v2/video/generate', { key: LEGACY_KEYS.hgfirst, body: { ...QUICK_START, callback_id: 'plain-1' } });
    expect(plain.status, plain.text).toBe(200);
    expect(plain.headers['x-gateway-account']).toBe(ACCOUNTS.hg);
    expect(upstreamCalls(lh.hg, 'POST', '/v3/videos')[0]?.body).toEqual({ ...QUICK_START_V3, callback_id: 'plain-1' });
  });

  it('answers an upstream refusal in the v2 envelope', async () => {
    // 003's example verbatim: its avatar exists on the legacy account, not on the v3 one the client prefers
    const res = await lh.call('POST', '/v2/video/generate', {
      key: LEGACY_KEYS.hgfirst,
      body: {
        video_inputs: [
          {
            character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' },
            voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
            background: { type: 'color', value: '#008000' },
          },
        ],
        dimension: { width: 1280, height: 720 },
      },
    });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ data: null, error: { code: 'avatar_not_found', message: "Avatar 'Daisy-inskirt-20220818' was not found." } });
    expect(leaksIn(res.text)).toEqual([]);
  });

  it('translates through the v2 account: pending -> running -> success', async () => {
    const res = await lh.call('POST', '/v2/video_translate', {
      body: { video_url: 'https://example.com/videos/demo.mp4', output_language: 'es', title: 'Demo (ES)', callback_id: 'vt-7' },
    });
    expect(res.status, res.text).toBe(200);
    const id = res.json.data.video_translate_id as string;
    expect(res.headers['x-gateway-account']).toBe(ACCOUNTS.v2);
    expect(legacyCalls(lh.v2, 'POST', '/v2/video_translate')[0]?.body).toMatchObject({
      video_url: 'https://example.com/videos/demo.mp4',
      output_language: 'es',
      title: 'Demo (ES)',
      callback_id: 'vt-7',
    });
    const words: string[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      last = await lh.call('GET', `/v2/video_translate/${id}`);
      words.push(last.json.data.status as string);
    }
    expect(words).toEqual(['pending', 'running', 'success']);
    expect(last?.json).toEqual({
      error: null,
      data: { video_translate_id: id, title: 'Demo (ES)', status: 'success', url: expect.stringMatching(/^https:\/\/.+\.mp4$/), message: null },
    });
    const langs = await lh.call('GET', '/v2/video_translate/target_languages');
    expect(langs.json).toEqual({ error: null, data: { languages: [...TARGET_LANGUAGES] } });
  });

  it('lists the legacy account’s avatars, talking photos and voices as the legacy API does (premium and emotion aside)', async () => {
    const avatars = await lh.call('GET', '/v2/avatars');
    expect(avatars.status).toBe(200);
    expect(avatars.headers['x-gateway-account']).toBe(ACCOUNTS.v2);
    expect(avatars.json).toEqual({
      error: null,
      data: { avatars: seedLegacyAvatars().map((a) => ({ ...a, premium: false })), talking_photos: seedTalkingPhotos() },
    });
    const voices = await lh.call('GET', '/v2/voices');
    expect(voices.json).toEqual({ error: null, data: { voices: seedLegacyVoices().map((v) => ({ ...v, emotion_support: false })) } });
  });

  it('uploads a raw file to the legacy upload origin', async () => {
    const res = await request(`${lh.url}/v1/asset`, { method: 'POST', headers: { 'x-api-key': LEGACY_KEYS.legacy, 'content-type': 'image/jpeg' }, body: JPEG });
    expect(res.statusCode).toBe(200);
    const json = (await res.body.json()) as { data: { id: string; url: string } };
    expect(json).toEqual({ code: 100, message: 'Success', data: { id: json.data.id, name: json.data.id, file_type: 'image', url: json.data.url, image_key: null } });
    const sent = legacyCalls(lh.v2).filter((r) => r.server === 'upload');
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/asset']);
    expect(sent[0]?.upload).toEqual({ contentType: 'image/jpeg', bytes: JPEG.length, sha256: createHash('sha256').update(JPEG).digest('hex') });
  });
});
