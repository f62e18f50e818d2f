/**
 * v3 clients served by legacy HeyGen accounts, end to end: the real gateway on loopback in front
 * of the legacy simulators (heygen-v2 and heygen-v1 accounts, each with its upload origin) and a
 * HeyGen v3 simulator. Every route the legacy providers support, with the exact upstream requests
 * (what the simulators recorded) and the exact v3 answers; every legacy status word; legacy error
 * bodies as v3 errors; fields a legacy account cannot honour refused when pinned and routed
 * elsewhere when not. The scenes are the legacy documents' examples (001, 003) as v3 requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNTS, KEYS, UPSTREAM_KEYS, legacyCalls, startLegacyHarness, type Answer, type LegacyHarness } from '../helpers/legacy-harness.js';
import type { HeygenLegacySandbox } from '../../src/sandbox/heygen-legacy.js';

/** 001_f1de937382e1c461.txt's scene as a v3 request. */
const BRENT = {
  type: 'avatar',
  avatar_id: 'Brent_sitting_office_front',
  script: 'Welcome to HeyGen API',
  voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
  title: 'Welcome video',
} as const;

/** 001's body as the gateway sends it for BRENT (v3 has no `caption`; the title travels). */
const BRENT_V2 = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' },
    },
  ],
  dimension: { width: 1920, height: 1080 },
  title: 'Welcome video',
};

/** 003_37465d87d070bf7f.txt's quick-start scene as a v3 request. */
const DAISY = {
  type: 'avatar',
  avatar_id: 'Daisy-inskirt-20220818',
  script: 'Welcome to the HeyGen API!',
  voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54',
  background: { type: 'color', value: '#008000' },
  resolution: '720p',
  title: 'Quick start',
} as const;

/** 003's body, exactly. */
const DAISY_V2 = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
      background: { type: 'color', value: '#008000' },
    },
  ],
  dimension: { width: 1280, height: 720 },
  title: 'Quick start',
};

/** The boolean defaults of CreateVideoTranslationRequest the gateway's validator writes into the body. */
const TRANSLATION_DEFAULTS = {
  translate_audio_only: false,
  mode: 'speed',
  enable_caption: false,
  enable_dynamic_duration: true,
  disable_music_track: false,
  enable_speech_enhancement: false,
  enable_watermark: false,
} as const;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000, 5)]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2', 'latin1'), Buffer.alloc(5000, 9)]);
const MP3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(2000, 1)]);
const WAV = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WAVEfmt ', 'latin1'), Buffer.alloc(400, 0)]);

const GATEWAY_VIDEO_ID = /^gv_[A-Za-z0-9_-]{16,}$/;
const GATEWAY_TRANSLATION_ID = /^gt_[A-Za-z0-9_-]{16,}$/;
const FILES = 'https://files2.heygen.ai';
const RESOURCE = 'https://resource2.heygen.ai';

let h: LegacyHarness;

beforeAll(async () => {
  h = await startLegacyHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.reset();
});

function servedBy(res: Answer, account: string, provider: string): void {
  expect(res.headers['x-gateway-account']).toBe(account);
  expect(res.headers['x-gateway-provider']).toBe(provider);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

/** Every request carried the account's key and nothing of the client's. */
function onlyAccountKey(sim: HeygenLegacySandbox, key: string): void {
  expect(sim.requests.length).toBeGreaterThan(0);
  for (const r of sim.requests) {
    expect(r.headers['x-api-key']).toBe(key);
    expect(r.headers.authorization).toBeUndefined();
    expect(JSON.stringify(r.headers)).not.toMatch(/legacy-(\w+-)?client-key/);
  }
}

async function createVideo(body: unknown, o: { key?: string; pin?: string } = {}): Promise<string> {
  const res = await h.call('POST', '/v3/videos', { body, ...o });
  expect(res.status, res.text).toBe(200);
  return res.json.data.video_id as string;
}

/** The generate request the simulator got last, and the upstream id it answered. */
function lastGenerate(sim: HeygenLegacySandbox, path: string): { body: unknown; upstreamId: string } {
  const gen = legacyCalls(sim, 'POST', path).at(-1);
  if (!gen) throw new Error(`no POST ${path}`);
  const polls = legacyCalls(sim, 'GET', '/v1/video_status.get');
  const upstreamId = polls.length ? new URL(polls.at(-1)!.path, 'http://x').searchParams.get('video_id')! : '';
  return { body: gen.body, upstreamId };
}

/** Polls a gateway video until it is terminal (at most `max` times); the answers in order. */
async function pollVideo(id: string, max = 6, key?: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < max; i++) {
    const res = await h.call('GET', `/v3/videos/${id}`, key ? { key } : {});
    expect(res.status, res.text).toBe(200);
    answers.push(res);
    if (['completed', 'failed'].includes(res.json.data.status)) break;
  }
  return answers;
}

// =============================================================================================
describe('v3 client -> heygen-v2 account: videos', () => {
  it('create: reads the avatar listing once, then POST /v2/video/generate with the 001 body under the account key', async () => {
    const res = await h.call('POST', '/v3/videos', { body: BRENT, pin: ACCOUNTS.v2cold });
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ data: { video_id: expect.stringMatching(GATEWAY_VIDEO_ID), status: 'pending' } });
    servedBy(res, ACCOUNTS.v2cold, 'heygen-v2');
    expect(h.v2.requests.map((r) => [r.server, r.method, r.path, r.body])).toStrictEqual([
      ['api', 'GET', '/v2/avatars', null],
      ['api', 'POST', '/v2/video/generate', BRENT_V2],
    ]);
    expect(h.v2.requests[1]!.headers['content-type']).toBe('application/json');
    onlyAccountKey(h.v2, UPSTREAM_KEYS.v2);
    expect(h.v1.requests).toHaveLength(0);
    expect(h.hg.requests).toHaveLength(0);
  });

  it('the 003 quick start: its body exactly; polled through every legacy word to completed, then from the store', async () => {
    const id = await createVideo(DAISY);
    expect(legacyCalls(h.v2, 'POST')).toHaveLength(1);
    expect(legacyCalls(h.v2, 'POST')[0]!.body).toStrictEqual(DAISY_V2);

    const answers = await pollVideo(id);
    // pending -> waiting (v3 pending) -> processing -> completed
    expect(answers.map((a) => a.json.data.status)).toStrictEqual(['pending', 'pending', 'processing', 'completed']);
    const polls = legacyCalls(h.v2, 'GET', '/v1/video_status.get');
    expect(polls).toHaveLength(4);
    const upstreamId = new URL(polls[0]!.path, 'http://x').searchParams.get('video_id')!;
    expect(upstreamId).toMatch(/^[0-9a-f]{32}$/);
    expect(polls.map((p) => p.path)).toStrictEqual(Array(4).fill(`/v1/video_status.get?video_id=${upstreamId}`));
    expect(id).not.toContain(upstreamId);
    expect(answers[3]!.json).toStrictEqual({
      data: {
        id,
        status: 'completed',
        title: 'Quick start',
        created_at: expect.any(Number),
        video_url: `${FILES}/aws_pacific/avatar_tmp/${upstreamId}.mp4`,
        thumbnail_url: `${FILES}/aws_pacific/avatar_tmp/${upstreamId}.jpeg`,
        gif_url: `${RESOURCE}/video/gifs/${upstreamId}.gif`,
        subtitle_url: `${RESOURCE}/caption/${upstreamId}.ass`,
        duration: 2,
      },
    });
    servedBy(answers[3]!, ACCOUNTS.v2, 'heygen-v2');

    const again = await h.call('GET', `/v3/videos/${id}`);
    expect(again.json).toStrictEqual(answers[3]!.json);
    expect(legacyCalls(h.v2, 'GET', '/v1/video_status.get')).toHaveLength(4);
  });

  it('failed: v1\'s error object becomes failure_code (a string) and failure_message', async () => {
    const id = await createVideo({ ...BRENT, title: 'Too long [fail]' });
    const answers = await pollVideo(id);
    expect(answers.map((a) => a.json.data.status)).toStrictEqual(['pending', 'pending', 'processing', 'failed']);
    expect(answers.at(-1)!.json).toStrictEqual({
      data: {
        id,
        status: 'failed',
        title: 'Too long [fail]',
        created_at: expect.any(Number),
        failure_code: '40119',
        failure_message: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos',
      },
    });
  });

  it('an undocumented legacy word is treated as processing', async () => {
    const id = await createVideo({ ...BRENT, title: 'Odd [unknown-status]' });
    const answers = await pollVideo(id);
    expect(answers.map((a) => a.json.data.status)).toStrictEqual(['pending', 'pending', 'processing', 'completed']);
    expect(legacyCalls(h.v2, 'GET', '/v1/video_status.get')).toHaveLength(4);
  });

  it('every mapped field: voice settings, image background by asset, matting, 4k 9:16, callback_id', async () => {
    const up = await h.upload(PNG, { filename: 'office.png' });
    expect(up.status).toBe(200);
    const bg = up.json.data.asset_id as string;
    await createVideo({
      ...BRENT,
      voice_settings: { speed: 1.1, pitch: 5, locale: 'en-US' },
      background: { type: 'image', asset_id: bg },
      remove_background: true,
      resolution: '4k',
      aspect_ratio: '9:16',
      callback_id: 'crm-42',
    });
    expect(legacyCalls(h.v2, 'POST', '/v2/video/generate')[0]!.body).toStrictEqual({
      video_inputs: [
        {
          character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal', matting: true },
          voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57', speed: 1.1, pitch: 5, locale: 'en-US' },
          background: { type: 'image', image_asset_id: bg },
        },
      ],
      dimension: { width: 2160, height: 3840 },
      title: 'Welcome video',
      callback_id: 'crm-42',
    });
  });

  it('a script without voice_id speaks with the look\'s default voice from the legacy listing', async () => {
    await createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', script: 'Hello there', title: 'Default voice' });
    expect(legacyCalls(h.v2, 'POST', '/v2/video/generate')[0]!.body).toMatchObject({
      video_inputs: [{ voice: { type: 'text', input_text: 'Hello there', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' } }],
    });
  });

  it('a look without a default voice and no voice_id: 400 invalid_parameter naming voice_id, nothing generated', async () => {
    const res = await h.call('POST', '/v3/videos', { body: { type: 'avatar', avatar_id: 'Kayla-incasualsuit-20220818', script: 'Hello there' } });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: {
        code: 'invalid_parameter',
        message: "'voice_id' is required with 'script': this account cannot find a default voice for the avatar.",
        param: 'voice_id',
        doc_url: null,
      },
    });
    expect(legacyCalls(h.v2, 'POST')).toHaveLength(0);
  });

  it('a talking-photo look (listed as photo_avatar) is sent as a talking_photo character', async () => {
    await createVideo({ type: 'avatar', avatar_id: '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c', audio_url: 'https://example.com/narration.mp3', aspect_ratio: '1:1', title: 'Photo' });
    expect(legacyCalls(h.v2, 'POST', '/v2/video/generate')[0]!.body).toStrictEqual({
      video_inputs: [
        {
          character: { type: 'talking_photo', talking_photo_id: '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c' },
          voice: { type: 'audio', audio_url: 'https://example.com/narration.mp3' },
        },
      ],
      dimension: { width: 1080, height: 1080 },
      title: 'Photo',
    });
  });

  it('DELETE: a legacy account cannot delete; 400 provider_capability_unsupported, the job stays', async () => {
    const id = await createVideo(BRENT);
    const res = await h.call('DELETE', `/v3/videos/${id}`);
    expect([res.status, res.json]).toStrictEqual([
      400,
      { error: { code: 'provider_capability_unsupported', message: 'A heygen-v2 account cannot delete videos.', param: null, doc_url: null } },
    ]);
    expect((await h.call('GET', `/v3/videos/${id}`)).status).toBe(200);
  });
});

// =============================================================================================
describe('fields a legacy account cannot honour: refused when pinned, routed elsewhere when not', () => {
  const ENGINE = { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.', engine: { type: 'avatar_iv' } } as const;

  it.each<[string, Record<string, unknown>, string, string]>([
    ['engine', { ...BRENT, engine: { type: 'avatar_iv' } }, 'engine', 'a v2 upstream renders with its legacy engine only'],
    ['motion_prompt', { ...BRENT, motion_prompt: 'wave' }, 'motion_prompt', 'the v2 engine has no motion prompt'],
    ['expressiveness', { ...BRENT, expressiveness: 'high' }, 'expressiveness', 'the v2 engine has no expressiveness setting'],
    ['aspect_ratio 4:5', { ...BRENT, aspect_ratio: '4:5' }, 'aspect_ratio', 'a v2 upstream renders 16:9, 9:16 or 1:1, not 4:5'],
    ['output_format webm', { ...BRENT, output_format: 'webm' }, 'output_format', 'a v2 upstream renders mp4 only'],
    [
      'type image',
      { type: 'image', image: { type: 'url', url: 'https://example.com/person.jpg' }, script: 'Hi', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' },
      'type',
      'a v2 upstream animates registered avatars and talking photos only, not an arbitrary image',
    ],
  ])('%s pinned to heygen-v2: 400 provider_capability_unsupported naming it, no upstream call', async (_n, body, param, reason) => {
    const res = await h.call('POST', '/v3/videos', { body, pin: ACCOUNTS.v2 });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: { code: 'provider_capability_unsupported', message: `Account "legacy-v2" (heygen-v2) cannot honour '${param}' (${reason}).`, param, doc_url: null },
    });
    expect(h.v2.requests).toHaveLength(0);
  });

  it('engine, not pinned: the v2 account is skipped and the heygen-v3 account serves it as sent', async () => {
    const res = await h.call('POST', '/v3/videos', { key: KEYS.mixed, body: ENGINE });
    expect(res.status, res.text).toBe(200);
    servedBy(res, ACCOUNTS.hg, 'heygen-v3');
    expect(h.v2.requests).toHaveLength(0);
    expect(h.hg.requests.map((r) => [r.method, r.path, r.body])).toStrictEqual([['POST', '/v3/videos', ENGINE]]);
  });

  it('the same client without such a field is served by heygen-v2, its first account', async () => {
    const res = await h.call('POST', '/v3/videos', { key: KEYS.mixed, body: BRENT });
    servedBy(res, ACCOUNTS.v2, 'heygen-v2');
    expect(h.hg.requests).toHaveLength(0);
  });

  it('a client with heygen-v3 first reaches heygen-v2 only by pin', async () => {
    const first = await h.call('POST', '/v3/videos', { key: KEYS.hgfirst, body: { ...ENGINE, engine: undefined } });
    servedBy(first, ACCOUNTS.hg, 'heygen-v3');
    const pinned = await h.call('POST', '/v3/videos', { key: KEYS.hgfirst, body: BRENT, pin: ACCOUNTS.v2 });
    servedBy(pinned, ACCOUNTS.v2, 'heygen-v2');
    expect(legacyCalls(h.v2, 'POST')).toHaveLength(1);
  });

  it('heygen-v1 pinned with a field a clip has no place for: 400 naming it; unpinned it goes to heygen-v2', async () => {
    const body = { ...BRENT, remove_background: true };
    const pinned = await h.call('POST', '/v3/videos', { key: KEYS.v1first, body, pin: ACCOUNTS.v1 });
    expect(pinned.json).toStrictEqual({
      error: {
        code: 'provider_capability_unsupported',
        message: `Account "legacy-v1" (heygen-v1) cannot honour 'remove_background' (a v1 clip has no matting).`,
        param: 'remove_background',
        doc_url: null,
      },
    });
    const routed = await h.call('POST', '/v3/videos', { key: KEYS.v1first, body });
    servedBy(routed, ACCOUNTS.v2, 'heygen-v2');
    expect(h.v1.requests).toHaveLength(0);
  });

  it('avatar creation pinned to a legacy account: 400, the operation is named by the pin', async () => {
    const res = await h.call('POST', '/v3/avatars', { pin: ACCOUNTS.v2, body: { type: 'prompt', name: 'New', prompt: 'a presenter' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'provider_capability_unsupported', param: 'X-Gateway-Account' });
    expect(h.v2.requests).toHaveLength(0);
  });
});

// =============================================================================================
describe('v3 client -> heygen-v2 account: translations', () => {
  const BATCH = { video: { type: 'url', url: 'https://example.com/source.mp4' }, output_languages: ['es', 'fr'], title: 'Global Campaign', callback_id: 'campaign-7' } as const;

  it('one POST /v2/video_translate per language; one gateway id each, polled pending -> running -> completed', async () => {
    const res = await h.call('POST', '/v3/video-translations', { body: BATCH });
    expect(res.status, res.text).toBe(200);
    servedBy(res, ACCOUNTS.v2, 'heygen-v2');
    const ids = res.json.data.video_translation_ids as string[];
    expect(res.json).toStrictEqual({ data: { video_translation_ids: [expect.stringMatching(GATEWAY_TRANSLATION_ID), expect.stringMatching(GATEWAY_TRANSLATION_ID)] } });
    expect(h.v2.requests.map((r) => [r.method, r.path, r.body])).toStrictEqual(
      ['es', 'fr'].map((l) => [
        'POST',
        '/v2/video_translate',
        { video_url: 'https://example.com/source.mp4', output_language: l, title: 'Global Campaign', callback_id: 'campaign-7', ...TRANSLATION_DEFAULTS },
      ]),
    );
    onlyAccountKey(h.v2, UPSTREAM_KEYS.v2);

    const words: string[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      last = await h.call('GET', `/v3/video-translations/${ids[1]}`);
      words.push(last.json.data.status);
    }
    expect(words).toStrictEqual(['pending', 'running', 'completed']);
    const polls = legacyCalls(h.v2, 'GET', '/v2/video_translate/');
    expect(polls).toHaveLength(3);
    const upstreamId = polls[0]!.path.slice('/v2/video_translate/'.length);
    expect(polls.every((p) => p.path === `/v2/video_translate/${upstreamId}`)).toBe(true);
    expect(last!.json).toStrictEqual({
      data: {
        id: ids[1],
        status: 'completed',
        title: 'Global Campaign',
        output_language: 'fr',
        input_language: null,
        translate_audio_only: false,
        video_url: `${FILES}/video_translate/${upstreamId}.mp4`,
        callback_id: 'campaign-7',
        created_at: expect.any(Number),
      },
    });
  });

  it('failed: the v2 message is the failure_message; an undocumented word is running', async () => {
    const failed = await h.call('POST', '/v3/video-translations', { body: { ...BATCH, output_languages: ['de'], title: 'Broken [fail]' } });
    const odd = await h.call('POST', '/v3/video-translations', { body: { ...BATCH, output_languages: ['ja'], title: 'Odd [unknown-status]' } });
    const f: Answer[] = [];
    const u: string[] = [];
    for (let i = 0; i < 3; i++) {
      f.push(await h.call('GET', `/v3/video-translations/${failed.json.data.video_translation_ids[0]}`));
      u.push((await h.call('GET', `/v3/video-translations/${odd.json.data.video_translation_ids[0]}`)).json.data.status);
    }
    expect(f.map((a) => a.json.data.status)).toStrictEqual(['pending', 'running', 'failed']);
    expect(f[2]!.json.data).toMatchObject({ status: 'failed', failure_message: 'No speech was detected in the source video.', output_language: 'de' });
    expect(u).toStrictEqual(['pending', 'running', 'completed']);
  });

  it('a language refused after another was started: the client is told both', async () => {
    const res = await h.call('POST', '/v3/video-translations', { body: { ...BATCH, output_languages: ['es', 'Klingon'] } });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: {
        code: 'invalid_parameter',
        message: "Unsupported output_language 'Klingon'. (The translation into Klingon failed after es had already been started upstream.)",
        param: null,
        doc_url: null,
      },
    });
    expect(legacyCalls(h.v2, 'POST', '/v2/video_translate')).toHaveLength(2);
  });

  it('GET /v3/video-translations/languages: the legacy target languages', async () => {
    const res = await h.call('GET', '/v3/video-translations/languages');
    expect(res.json).toStrictEqual({ data: { languages: ['en', 'es', 'fr', 'de', 'ja', 'zh'] } });
    servedBy(res, ACCOUNTS.v2, 'heygen-v2');
    expect(h.v2.requests.map((r) => [r.method, r.path])).toStrictEqual([['GET', '/v2/video_translate/target_languages']]);
  });

  it('heygen-v1 has no translation: 400 when pinned, routed to heygen-v2 when not', async () => {
    const pinned = await h.call('POST', '/v3/video-translations', { key: KEYS.v1first, pin: ACCOUNTS.v1, body: BATCH });
    expect(pinned.json).toStrictEqual({
      error: {
        code: 'provider_capability_unsupported',
        message: 'Account "legacy-v1" (heygen-v1) cannot serve this request (heygen-v1 does not support translation.create).',
        param: 'X-Gateway-Account',
        doc_url: null,
      },
    });
    const routed = await h.call('POST', '/v3/video-translations', { key: KEYS.v1first, body: BATCH });
    servedBy(routed, ACCOUNTS.v2, 'heygen-v2');
    expect(h.v1.requests).toHaveLength(0);
  });
});

// =============================================================================================
describe('v3 client -> heygen-v2 account: assets', () => {
  it('POST /v3/assets: raw bytes to {upload_url}/v1/asset with the detected Content-Type; the v3 answer', async () => {
    const up = await h.upload(PNG, { filename: 'product.png', contentType: 'application/octet-stream' });
    expect(up.status, up.text).toBe(200);
    servedBy(up, ACCOUNTS.v2, 'heygen-v2');
    const id = up.json.data.asset_id as string;
    expect(up.json).toStrictEqual({ data: { asset_id: id, url: `${RESOURCE}/image/${id}/original.png`, mime_type: 'image/png', size_bytes: PNG.length } });
    expect(h.v2.requests).toHaveLength(1);
    const rec = h.v2.requests[0]!;
    expect([rec.server, rec.method, rec.path]).toStrictEqual(['upload', 'POST', '/v1/asset']);
    expect(rec.headers['content-type']).toBe('image/png');
    expect(rec.upload).toStrictEqual({ contentType: 'image/png', bytes: up.bytes, sha256: up.sha256 });
    onlyAccountKey(h.v2, UPSTREAM_KEYS.v2);
  });

  it('an uploaded video is translated by asset_id: the gateway sends its URL', async () => {
    const up = await h.upload(MP4, { filename: 'talk.mp4' });
    expect(up.json.data.mime_type).toBe('video/mp4');
    const res = await h.call('POST', '/v3/video-translations', { body: { video: { type: 'asset_id', asset_id: up.json.data.asset_id }, output_languages: ['zh'] } });
    expect(res.status, res.text).toBe(200);
    servedBy(res, ACCOUNTS.v2, 'heygen-v2');
    expect(legacyCalls(h.v2, 'POST', '/v2/video_translate')[0]!.body).toStrictEqual({ video_url: up.json.data.url, output_language: 'zh', ...TRANSLATION_DEFAULTS });
  });

  it('an uploaded mp3 speaks a video by audio_asset_id', async () => {
    const up = await h.upload(MP3, { filename: 'voice.mp3' });
    expect(up.json.data).toMatchObject({ mime_type: 'audio/mpeg', size_bytes: MP3.length });
    await createVideo({ type: 'avatar', avatar_id: 'Brent_sitting_office_front', audio_asset_id: up.json.data.asset_id, title: 'Dubbed' });
    expect(legacyCalls(h.v2, 'POST', '/v2/video/generate')[0]!.body).toMatchObject({
      video_inputs: [{ voice: { type: 'audio', audio_asset_id: up.json.data.asset_id } }],
    });
  });

  it('an asset id the account does not know cannot be a translation source: 400 naming it', async () => {
    const res = await h.call('POST', '/v3/video-translations', { pin: ACCOUNTS.v2, body: { video: { type: 'asset_id', asset_id: 'ast_unknown' }, output_languages: ['es'] } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'provider_capability_unsupported', param: 'video.asset_id' });
    expect(h.v2.requests).toHaveLength(0);
  });

  it('a WAV (a type the legacy upload does not store): 400 naming file, nothing uploaded', async () => {
    const res = await h.upload(WAV, { filename: 'voice.wav' });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: {
        code: 'provider_capability_unsupported',
        message: 'A heygen-v2 account stores png, jpeg, mp4, webm and mp3 files only; this file is audio/wav.',
        param: 'file',
        doc_url: null,
      },
    });
    expect(h.v2.requests).toHaveLength(0);
  });
});

// =============================================================================================
describe('v3 client -> heygen-v2 account: avatars, voices, user', () => {
  it('GET /v3/avatars pages the legacy listing with the gateway\'s own tokens', async () => {
    const ids: string[] = [];
    let path = '/v3/avatars?limit=3';
    const pages: Answer[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await h.call('GET', path);
      expect(res.status, res.text).toBe(200);
      pages.push(res);
      ids.push(...(res.json.data as Array<{ id: string }>).map((g) => g.id));
      if (!res.json.has_more) break;
      path = `/v3/avatars?limit=3&token=${encodeURIComponent(res.json.next_token)}`;
    }
    expect(pages.map((p) => [p.json.data.length, p.json.has_more])).toStrictEqual([
      [3, true],
      [3, true],
      [1, false],
    ]);
    expect(pages[2]!.json.next_token).toBeNull();
    expect(ids).toStrictEqual([
      'Brent_sitting_office_front',
      'Daisy-inskirt-20220818',
      'Angela-inblackskirt-20220820',
      'Tyler-incasualsuit-20220721',
      'Kayla-incasualsuit-20220818',
      '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c',
      'c0b1a2f3e4d54c6b7a8f9e0d1c2b3a4f',
    ]);
    expect(pages[0]!.json.data[0]).toStrictEqual({
      id: 'Brent_sitting_office_front',
      name: 'Brent Sitting Office Front',
      preview_image_url: `${FILES}/avatar/v3/Brent_sitting_office_front/preview.webp`,
      preview_video_url: `${FILES}/avatar/v3/Brent_sitting_office_front/preview.mp4`,
      gender: 'male',
      created_at: 0,
      looks_count: 1,
      default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
      consent_status: null,
      status: null,
      error: null,
    });
    servedBy(pages[0]!, ACCOUNTS.v2, 'heygen-v2');
    expect(h.v2.requests.map((r) => [r.method, r.path])).toStrictEqual(Array(3).fill(['GET', '/v2/avatars']));
  });

  it('a token that is not the gateway\'s: 400 invalid_parameter naming token', async () => {
    const res = await h.call('GET', '/v3/avatars?token=bm90LWEtdG9rZW4');
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message: "'token' is not a valid pagination token.", param: 'token', doc_url: null } });
  });

  it('groups and looks by id; looks filtered by type; unknown ids are 404 avatar_not_found', async () => {
    const group = await h.call('GET', '/v3/avatars/Daisy-inskirt-20220818');
    expect(group.json.data).toMatchObject({ id: 'Daisy-inskirt-20220818', name: 'Daisy in Skirt', looks_count: 1, default_voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' });
    const photos = await h.call('GET', '/v3/avatars/looks?avatar_type=photo_avatar');
    expect(photos.json.data.map((l: { id: string; avatar_type: string }) => [l.id, l.avatar_type])).toStrictEqual([
      ['7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c', 'photo_avatar'],
      ['c0b1a2f3e4d54c6b7a8f9e0d1c2b3a4f', 'photo_avatar'],
    ]);
    const look = await h.call('GET', '/v3/avatars/looks/7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c');
    expect(look.json).toStrictEqual({
      data: {
        id: '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c',
        name: 'Founder headshot',
        avatar_type: 'photo_avatar',
        group_id: '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c',
        preview_image_url: `${FILES}/talking_photo/7a1c4b2e/preview.jpg`,
        preview_video_url: null,
        gender: null,
        default_voice_id: null,
        image_width: null,
        image_height: null,
        preferred_orientation: null,
        status: null,
        error: null,
      },
    });
    for (const path of ['/v3/avatars/Nobody', '/v3/avatars/looks/Nobody']) {
      const res = await h.call('GET', path);
      expect([res.status, res.json.error.code]).toStrictEqual([404, 'avatar_not_found']);
    }
    expect(h.v2.requests.every((r) => r.method === 'GET' && r.path === '/v2/avatars')).toBe(true);
  });

  it('GET /v3/voices: /v2/voices filtered and paged; preview_audio -> preview_audio_url', async () => {
    const res = await h.call('GET', '/v3/voices?language=spanish');
    expect(res.json).toStrictEqual({
      data: [
        {
          voice_id: '9a3f6a1cbd1b4bd68f0b5d3c1e2f7a8b',
          name: 'Lucía',
          language: 'Spanish',
          gender: 'female',
          preview_audio_url: `${FILES}/voice/9a3f6a1cbd1b4bd68f0b5d3c1e2f7a8b/preview.mp3`,
          support_pause: true,
          support_locale: false,
          type: 'public',
        },
      ],
      has_more: false,
      next_token: null,
    });
    servedBy(res, ACCOUNTS.v2, 'heygen-v2');
    expect(h.v2.requests.map((r) => [r.method, r.path])).toStrictEqual([['GET', '/v2/voices']]);
    const page = await h.call('GET', '/v3/voices?limit=4');
    expect([page.json.data.length, page.json.has_more]).toStrictEqual([4, true]);
  });

  it('GET /v3/voices/{id}; unknown -> 404 voice_not_found; an engine filter -> 400 naming engine', async () => {
    expect((await h.call('GET', '/v3/voices/ff2ecc8fbdef4273a28bed7b5e35bb57')).json.data).toMatchObject({ name: 'Brent - Professional', gender: 'male' });
    const missing = await h.call('GET', '/v3/voices/nope');
    expect([missing.status, missing.json.error.code]).toStrictEqual([404, 'voice_not_found']);
    const engine = await h.call('GET', '/v3/voices?engine=starfish');
    expect(engine.json).toStrictEqual({
      error: { code: 'provider_capability_unsupported', message: 'A legacy HeyGen account cannot filter voices by engine.', param: 'engine', doc_url: null },
    });
  });

  it('GET /v3/users/me: /v1/user/me + /v2/user/remaining_quota (3600 s = 60 credits)', async () => {
    const res = await h.call('GET', '/v3/users/me');
    expect(res.json).toStrictEqual({
      data: {
        username: 'legacy_studio',
        email: 'studio@example.com',
        first_name: 'Lee',
        last_name: 'Gacy',
        billing_type: 'wallet',
        wallet: { currency: 'credits', remaining_balance: 60, auto_reload: null },
        subscription: null,
        usage_based: null,
      },
    });
    servedBy(res, ACCOUNTS.v2, 'heygen-v2');
    expect(h.v2.requests.map((r) => [r.method, r.path])).toStrictEqual([
      ['GET', '/v1/user/me'],
      ['GET', '/v2/user/remaining_quota'],
    ]);
    onlyAccountKey(h.v2, UPSTREAM_KEYS.v2);
  });
});

// =============================================================================================
describe('v3 client -> heygen-v1 account', () => {
  const v1 = { pin: ACCOUNTS.v1 };

  it('create: GET /v1/avatar.list, then POST /v1/video.generate with one clip', async () => {
    const res = await h.call('POST', '/v3/videos', { body: { ...BRENT, background: { type: 'color', value: '#fff' }, aspect_ratio: '9:16' }, pin: ACCOUNTS.v1cold });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toStrictEqual({ data: { video_id: expect.stringMatching(GATEWAY_VIDEO_ID), status: 'pending' } });
    servedBy(res, ACCOUNTS.v1cold, 'heygen-v1');
    expect(h.v1.requests.map((r) => [r.server, r.method, r.path, r.body])).toStrictEqual([
      ['api', 'GET', '/v1/avatar.list', null],
      [
        'api',
        'POST',
        '/v1/video.generate',
        {
          background: '#fff',
          ratio: '9:16',
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
        },
      ],
    ]);
    onlyAccountKey(h.v1, UPSTREAM_KEYS.v1);
    expect(h.v2.requests).toHaveLength(0);
  });

  it('polled through every legacy word; [fail] in the script ends failed with the v1 error', async () => {
    const ok = await createVideo(BRENT, v1);
    const bad = await createVideo({ ...BRENT, script: 'This will not render [fail]' }, v1);
    expect((await pollVideo(ok)).map((a) => a.json.data.status)).toStrictEqual(['pending', 'pending', 'processing', 'completed']);
    const failed = await pollVideo(bad);
    expect(failed.map((a) => a.json.data.status)).toStrictEqual(['pending', 'pending', 'processing', 'failed']);
    expect(failed.at(-1)!.json.data).toMatchObject({ failure_code: '40119', failure_message: expect.stringMatching(/^Video is too long/) });
    servedBy(failed.at(-1)!, ACCOUNTS.v1, 'heygen-v1');
    expect(legacyCalls(h.v1, 'GET', '/v1/video_status.get')).toHaveLength(8);
    expect(h.v2.requests).toHaveLength(0);
  });

  it('default voice and talking photo from /v1/avatar.list', async () => {
    await createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', script: 'Hi', title: 't' }, v1);
    await createVideo({ type: 'avatar', avatar_id: 'c0b1a2f3e4d54c6b7a8f9e0d1c2b3a4f', audio_url: 'https://example.com/a.mp3', title: 't' }, v1);
    const [daisy, photo] = legacyCalls(h.v1, 'POST', '/v1/video.generate');
    expect((daisy!.body as { clips: unknown[] }).clips).toStrictEqual([
      { avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal', input_text: 'Hi', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54', scale: 1, offset: { x: 0, y: 0 } },
    ]);
    expect((photo!.body as { clips: unknown[] }).clips).toStrictEqual([
      { talking_photo_id: 'c0b1a2f3e4d54c6b7a8f9e0d1c2b3a4f', input_audio: 'https://example.com/a.mp3', scale: 1, offset: { x: 0, y: 0 } },
    ]);
  });

  it('assets go to the v1 account\'s upload origin; an uploaded mp3 speaks a clip by its URL', async () => {
    const up = await h.upload(MP3, { ...v1, filename: 'voice.mp3' });
    expect(up.status, up.text).toBe(200);
    servedBy(up, ACCOUNTS.v1, 'heygen-v1');
    expect(h.v1.requests.map((r) => [r.server, r.path, r.upload])).toStrictEqual([['upload', '/v1/asset', { contentType: 'audio/mpeg', bytes: up.bytes, sha256: up.sha256 }]]);
    await createVideo({ type: 'avatar', avatar_id: 'Brent_sitting_office_front', audio_asset_id: up.json.data.asset_id, title: 't' });
    // The asset's affinity sends the video to the account that holds it, v1, without a pin.
    const clip = (legacyCalls(h.v1, 'POST', '/v1/video.generate')[0]!.body as { clips: Array<Record<string, unknown>> }).clips[0];
    expect(clip).toMatchObject({ input_audio: up.json.data.url });
    expect(h.v2.requests).toHaveLength(0);
  });

  it('avatars, voices and user from the v1 endpoints', async () => {
    const looks = await h.call('GET', '/v3/avatars/looks?limit=2', v1);
    expect(looks.json.data.map((l: { id: string }) => l.id)).toStrictEqual(['Brent_sitting_office_front', 'Daisy-inskirt-20220818']);
    const voice = await h.call('GET', '/v3/voices/5e2d8c7b6a594f3e8d1c0b9a8f7e6d5c', v1);
    expect(voice.json.data).toMatchObject({ name: 'Hans', language: 'German' });
    const me = await h.call('GET', '/v3/users/me', v1);
    expect(me.json).toStrictEqual({
      data: { username: 'legacy_studio', email: 'studio@example.com', first_name: 'Lee', last_name: 'Gacy', billing_type: null, wallet: null, subscription: null, usage_based: null },
    });
    servedBy(me, ACCOUNTS.v1, 'heygen-v1');
    expect(h.v1.requests.map((r) => [r.method, r.path])).toStrictEqual([
      ['GET', '/v1/avatar.list'],
      ['GET', '/v1/voice.list'],
      ['GET', '/v1/user/me'],
    ]);
  });
});

// =============================================================================================
describe('legacy errors as v3 errors', () => {
  it('v2 {data:null,error:{code,message}} 404 (unknown avatar): 404 avatar_not_found with the message', async () => {
    const res = await h.call('POST', '/v3/videos', { body: { ...BRENT, avatar_id: 'Nobody_20990101' } });
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: { code: 'avatar_not_found', message: 'Avatar Nobody_20990101 not found.', param: null, doc_url: null } });
  });

  it('v1 {code:400599,message} 400: 400 invalid_parameter with the message', async () => {
    h.v1.faults.add({ path: '/v1/video.generate', status: 400, body: JSON.stringify({ code: 400599, message: 'Invalid clip: scale out of range.' }) });
    const res = await h.call('POST', '/v3/videos', { body: BRENT, pin: ACCOUNTS.v1 });
    expect([res.status, res.json]).toStrictEqual([400, { error: { code: 'invalid_parameter', message: 'Invalid clip: scale out of range.', param: null, doc_url: null } }]);
  });

  it('v2 402 insufficient_credit passes through', async () => {
    h.v2.faults.add({ path: '/v2/video_translate', status: 402, body: JSON.stringify({ data: null, error: { code: 'insufficient_credit', message: 'Not enough credits for this translation.' } }) });
    const res = await h.call('POST', '/v3/video-translations', { body: { video: { type: 'url', url: 'https://example.com/v.mp4' }, output_languages: ['es'] } });
    expect([res.status, res.json.error]).toStrictEqual([402, { code: 'insufficient_credit', message: 'Not enough credits for this translation.', param: null, doc_url: null }]);
  });

  it('the account key refused (v1 401 body): 502 that does not blame the client or show the key', async () => {
    h.v2.faults.add({ path: '/v1/user/me', status: 401, body: JSON.stringify({ code: 401, message: `Unauthorized key ${UPSTREAM_KEYS.v2}` }) });
    const res = await h.call('GET', '/v3/users/me');
    expect([res.status, res.json.error.code]).toStrictEqual([502, 'upstream_error']);
    expect(res.text).not.toContain(UPSTREAM_KEYS.v2);
  });

  it('429 with Retry-After: 429 rate_limit_exceeded with the same Retry-After', async () => {
    h.v2.faults.add({ path: '/v2/voices', status: 429, body: JSON.stringify({ code: 429, message: 'Too many requests' }), headers: { 'retry-after': '9' } });
    const res = await h.call('GET', '/v3/voices');
    expect([res.status, res.headers['retry-after'], res.json.error.code]).toStrictEqual([429, '9', 'rate_limit_exceeded']);
  });

  it('a status poll for a video the upstream no longer knows: 404 video_not_found about the gateway\'s video', async () => {
    const id = await createVideo(BRENT);
    h.v2.reset();
    const res = await h.call('GET', `/v3/videos/${id}`);
    expect([res.status, res.json]).toStrictEqual([404, { error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } }]);
  });

  it('a garbage 200 from the status endpoint: 502, the text not echoed', async () => {
    const id = await createVideo(BRENT);
    h.v2.faults.add({ path: '/v1/video_status.get', status: 200, body: '<html>upstream maintenance</html>' });
    const res = await h.call('GET', `/v3/videos/${id}`);
    expect([res.status, res.json.error.code]).toStrictEqual([502, 'upstream_error']);
    expect(res.text).not.toContain('maintenance');
  });
});
