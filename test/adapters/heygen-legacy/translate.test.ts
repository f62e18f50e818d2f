/**
 * The pure legacy-HeyGen translation, table-tested. Upstream answers are the documents' own
 * examples, verbatim, passed through the wire schemas exactly as the adapter does: the four
 * `video_status.get` answers of 003_37465d87d070bf7f.txt, the `/v1/user/me` example of the v3
 * docs (002, "Quick verification"), the error examples of the OpenAPI file, and the shapes of
 * DESIGN.md's "Legacy and reseller wire facts" (with their field lists filled in).
 */
import { describe, expect, it } from 'vitest';
import type { TranslationCreate } from '../../../src/api/schemas/translations.js';
import type { VideoRequest } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import * as t from '../../../adapters/heygen-legacy/translate.js';
import {
  WireAvatarList,
  WireErrorBody,
  WireLanguages,
  WireRemainingQuota,
  WireTranslateCreated,
  WireTranslateStatus,
  WireUploadedAsset,
  WireUserMe,
  WireVideoGenerated,
  WireVideoStatus,
  WireVoiceList,
  envelope,
} from '../../../adapters/heygen-legacy/wire.js';

const noAssets: t.AssetUrlOf = () => undefined;

function caught(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

// ---- 003_37465d87d070bf7f.txt: the four status answers, verbatim ----

const STATUS_COMPLETED = {
  code: 100,
  data: {
    callback_id: null,
    caption_url: '<caption_url>',
    duration: 1.234,
    error: null,
    gif_url: '<gif_url>',
    id: '<id>',
    status: 'completed',
    thumbnail_url: '<thumbnail_url>',
    video_url: '<video_url>',
    video_url_caption: null,
  },
  message: 'Success',
};
const inProgress = (status: string) => ({
  code: 100,
  data: {
    callback_id: null,
    caption_url: null,
    duration: null,
    error: null,
    gif_url: null,
    id: '<id>',
    status,
    thumbnail_url: null,
    video_url: null,
    video_url_caption: null,
  },
  message: 'Success',
});
const STATUS_PROCESSING = inProgress('processing');
const STATUS_PENDING = inProgress('pending');
const STATUS_FAILED = {
  code: 100,
  data: {
    callback_id: null,
    caption_url: null,
    duration: null,
    error: {
      code: 40119,
      detail: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos',
      message: 'Video is too long',
    },
    gif_url: null,
    id: '<id>',
    status: 'failed',
    thumbnail_url: null,
    video_url: null,
    video_url_caption: null,
  },
  message: 'Success',
};

const polledVideo = (answer: unknown) => t.fromWireVideoStatus(envelope(WireVideoStatus).parse(answer).data, answer);

const EMPTY_DETAIL = {
  title: null,
  created_at: null,
  completed_at: null,
  video_url: null,
  thumbnail_url: null,
  gif_url: null,
  captioned_video_url: null,
  subtitle_url: null,
  duration: null,
  folder_id: null,
  output_language: null,
  failure_code: null,
  failure_message: null,
  video_page_url: null,
};

describe('video status (v1 video_status.get)', () => {
  it('completed: urls, duration, caption file as subtitle_url', () => {
    expect(polledVideo(STATUS_COMPLETED)).toStrictEqual({
      detail: {
        ...EMPTY_DETAIL,
        status: 'completed',
        video_url: '<video_url>',
        thumbnail_url: '<thumbnail_url>',
        gif_url: '<gif_url>',
        subtitle_url: '<caption_url>',
        duration: 1.234,
      },
      payload: STATUS_COMPLETED,
    });
  });

  it.each([
    ['processing', STATUS_PROCESSING, 'processing'],
    ['pending', STATUS_PENDING, 'pending'],
    ['waiting', inProgress('waiting'), 'pending'],
  ])('%s -> %s', (_w, answer, status) => {
    expect(polledVideo(answer)).toStrictEqual({ detail: { ...EMPTY_DETAIL, status }, payload: answer });
  });

  it('failed: error.code (a number) -> failure_code string, detail -> failure_message', () => {
    expect(polledVideo(STATUS_FAILED).detail).toStrictEqual({
      ...EMPTY_DETAIL,
      status: 'failed',
      failure_code: '40119',
      failure_message: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos',
    });
  });

  it('failed with a numeric-string code and no detail', () => {
    const answer = { code: 100, data: { ...STATUS_FAILED.data, error: { code: '40119', message: 'Video is too long', detail: null } } };
    expect(polledVideo(answer).detail).toMatchObject({ status: 'failed', failure_code: '40119', failure_message: 'Video is too long' });
  });

  it('failed where detail does not repeat message: both, joined', () => {
    const answer = { code: 100, data: { ...STATUS_FAILED.data, error: { code: 400140, message: 'Avatar unavailable', detail: 'The avatar was removed.' } } };
    expect(polledVideo(answer).detail).toMatchObject({ failure_code: '400140', failure_message: 'Avatar unavailable: The avatar was removed.' });
  });

  it('failed without an error object: failed, no code or message invented', () => {
    const answer = { code: 100, data: { ...STATUS_FAILED.data, error: null } };
    expect(polledVideo(answer).detail).toMatchObject({ status: 'failed', failure_code: null, failure_message: null });
  });

  it('a malformed error object is dropped, the failure stays', () => {
    const answer = { code: 100, data: { ...STATUS_FAILED.data, error: 'boom' } };
    expect(polledVideo(answer).detail).toMatchObject({ status: 'failed', failure_code: null });
  });

  it('an error object on a completed video is not a failure', () => {
    const answer = { code: 100, data: { ...STATUS_COMPLETED.data, error: { code: 1, message: 'warn' } } };
    expect(polledVideo(answer).detail).toMatchObject({ status: 'completed', failure_code: null, failure_message: null });
  });

  it('the captioned video and created_at when present', () => {
    const answer = { code: 100, data: { ...STATUS_COMPLETED.data, video_url_caption: '<video_url_caption>', created_at: 1711382400.7 } };
    expect(polledVideo(answer).detail).toMatchObject({ captioned_video_url: '<video_url_caption>', created_at: 1711382400 });
  });

  it('an unknown word is processing, reported', () => {
    const p = polledVideo(inProgress('rendering'));
    expect([p.detail.status, p.unknownStatus]).toStrictEqual(['processing', 'rendering']);
  });

  it.each([
    ['pending', 'pending'],
    ['waiting', 'pending'],
    ['processing', 'processing'],
    ['completed', 'completed'],
    ['failed', 'failed'],
    [' Completed ', 'completed'],
    ['success', undefined],
    ['running', undefined],
  ])('word %j -> %s', (w, v3) => {
    expect(t.videoStatusFromWire(w)).toBe(v3);
  });

  it('generate answers: v2 {error:null,data} and v1 {code:100,data} -> pending', () => {
    for (const answer of [{ error: null, data: { video_id: '<video_id>' } }, { code: 100, data: { video_id: 'v1_abc' }, message: 'Success' }]) {
      const sub = t.fromWireVideoGenerated(envelope(WireVideoGenerated).parse(answer).data, answer);
      expect(sub).toStrictEqual({ upstreamId: answer.data.video_id, status: 'pending', payload: answer });
    }
  });

  it('a generate answer without video_id fails validation', () => {
    expect(envelope(WireVideoGenerated).safeParse({ error: null, data: {} }).success).toBe(false);
    expect(envelope(WireVideoGenerated).safeParse({ success: true, video_id: 'x', status: 'processing' }).success).toBe(false);
  });
});

// ---- v1 clips ----

/** DESIGN.md, "v1 generate (deprecated)", with the clip's fields filled in from the 001 example. */
const V1_DOC_BODY: t.V1GenerateBody = {
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

const v3 = (over: Partial<Extract<VideoRequest, { type: 'avatar' }>> = {}): VideoRequest => ({
  type: 'avatar',
  avatar_id: 'Brent_sitting_office_front',
  script: 'Welcome to HeyGen API',
  voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
  ...over,
});

describe('v1 clips (POST /v1/video.generate)', () => {
  it('the DESIGN.md body from its v3 equivalent', () => {
    expect(t.toV1Generate(v3({ background: { type: 'color', value: '#fff' }, aspect_ratio: '16:9', resolution: '1080p' }))).toStrictEqual(V1_DOC_BODY);
  });

  it.each<[string | null | undefined, t.V1GenerateBody['ratio']]>([
    [undefined, '16:9'],
    ['auto', '16:9'],
    ['9:16', '9:16'],
    ['1:1', '1:1'],
  ])('aspect_ratio %s -> ratio %s', (aspect, ratio) => {
    expect(t.toV1Generate(v3({ aspect_ratio: aspect as '9:16' })).ratio).toBe(ratio);
  });

  it('no background: none sent', () => {
    expect('background' in t.toV1Generate(v3())).toBe(false);
  });

  it('audio by URL -> input_audio; audio by a known asset -> its URL', () => {
    expect(t.toV1Generate(v3({ script: null, voice_id: null, audio_url: 'https://example.com/a.mp3' })).clips[0]).toStrictEqual({
      avatar_id: 'Brent_sitting_office_front',
      avatar_style: 'normal',
      input_audio: 'https://example.com/a.mp3',
      scale: 1,
      offset: { x: 0, y: 0 },
    });
    const known: t.AssetUrlOf = (id) => (id === 'ast_1' ? 'https://resource.example.com/ast_1.mp3' : undefined);
    expect(t.toV1Generate(v3({ script: null, audio_asset_id: 'ast_1' }), { assetUrlOf: known }).clips[0]?.input_audio).toBe(
      'https://resource.example.com/ast_1.mp3',
    );
  });

  it('a talking photo clip, the default voice, a legacy body\'s caption and test flags', () => {
    const req: VideoRequest = { ...v3({ avatar_id: 'tp_9', voice_id: undefined }), legacy: { video_inputs: [], caption: true, test: true } as never };
    expect(t.toV1Generate(req, { talkingPhoto: true, defaultVoiceId: 'dv_1' })).toStrictEqual({
      ratio: '16:9',
      test: true,
      version: 'v1alpha',
      caption_open: true,
      clips: [{ talking_photo_id: 'tp_9', input_text: 'Welcome to HeyGen API', voice_id: 'dv_1', scale: 1, offset: { x: 0, y: 0 } }],
    });
  });

  it('a script without any voice: invalid_parameter naming voice_id', () => {
    const err = caught(() => t.toV1Generate(v3({ voice_id: null })));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'invalid_parameter', 'voice_id']);
  });

  it('a field v1 cannot honour is refused, not dropped', () => {
    const err = caught(() => t.toV1Generate(v3({ voice_settings: { speed: 1.2 } })));
    expect([err.code, err.param]).toStrictEqual(['provider_capability_unsupported', 'voice_settings.speed']);
  });
});

describe('videoUnsupported', () => {
  it('v2: exactly the shared v2 list', () => {
    expect(t.videoUnsupported('v2', v3({ engine: { type: 'avatar_iv' }, remove_background: true, resolution: '4k' }), noAssets).map((u) => u.param)).toStrictEqual([
      'engine',
    ]);
  });

  it('v1: the v2 list plus what a clip has no field for', () => {
    const req = v3({
      engine: { type: 'avatar_v' },
      resolution: '4k',
      remove_background: true,
      voice_settings: { speed: 0.8, pitch: 5, locale: 'en-US' },
      background: { type: 'image', url: 'https://example.com/bg.jpg' },
    });
    expect(t.videoUnsupported('v1', req, noAssets).map((u) => u.param)).toStrictEqual([
      'engine',
      'resolution',
      'remove_background',
      'voice_settings.speed',
      'voice_settings.pitch',
      'voice_settings.locale',
      'background',
    ]);
  });

  it('v1: defaults are honoured (1080p, speed 1, pitch 0, a color background)', () => {
    const req = v3({ resolution: '1080p', voice_settings: { speed: 1, pitch: 0 }, background: { type: 'color', value: '#000000' }, remove_background: false });
    expect(t.videoUnsupported('v1', req, noAssets)).toStrictEqual([]);
  });

  it('v1: an audio asset is honoured only when its URL is known', () => {
    const req = v3({ script: null, voice_id: null, audio_asset_id: 'ast_1' });
    expect(t.videoUnsupported('v1', req, noAssets).map((u) => u.param)).toStrictEqual(['audio_asset_id']);
    expect(t.videoUnsupported('v1', req, () => 'https://x/ast_1.mp3')).toStrictEqual([]);
  });
});

// ---- translations ----

/** 002, Video Translation (speed), "Batch (Multiple Languages)", with a source URL. */
const TRANSLATION_BATCH: TranslationCreate = {
  video: { type: 'url', url: 'https://example.com/source.mp4' },
  output_languages: ['English', 'Spanish', 'French'],
  mode: 'speed',
  title: 'Global Campaign',
};

describe('translations (POST /v2/video_translate, one per language)', () => {
  it('the batch example: one body per language, video.url -> video_url', () => {
    expect(TRANSLATION_BATCH.output_languages.map((l) => t.toWireTranslate(TRANSLATION_BATCH, l, noAssets))).toStrictEqual([
      { video_url: 'https://example.com/source.mp4', output_language: 'English', title: 'Global Campaign', mode: 'speed' },
      { video_url: 'https://example.com/source.mp4', output_language: 'Spanish', title: 'Global Campaign', mode: 'speed' },
      { video_url: 'https://example.com/source.mp4', output_language: 'French', title: 'Global Campaign', mode: 'speed' },
    ]);
  });

  it('every other v3 field by its v2 name; callback_url stays home', () => {
    const req: TranslationCreate = {
      video: { type: 'url', url: 'https://example.com/v.mp4' },
      output_languages: ['es'],
      title: 'T',
      audio: { type: 'url', url: 'https://example.com/dub.mp3' },
      input_language: 'en',
      translate_audio_only: true,
      speaker_num: 2,
      mode: 'precision',
      callback_url: 'https://client.example.com/hook',
      callback_id: 'cb-7',
      enable_caption: true,
      keep_the_same_format: true,
      enable_dynamic_duration: false,
      disable_music_track: true,
      enable_speech_enhancement: true,
      enable_watermark: false,
      start_time: 1.5,
      end_time: 30,
      brand_voice_id: 'bv_1',
      srt: { type: 'url', url: 'https://example.com/subs.srt' },
      srt_role: 'input',
      fps_mode: 'cfr',
      folder_id: 'folder_1',
    };
    expect(t.toWireTranslate(req, 'es', noAssets)).toStrictEqual({
      video_url: 'https://example.com/v.mp4',
      output_language: 'es',
      title: 'T',
      audio_url: 'https://example.com/dub.mp3',
      input_language: 'en',
      translate_audio_only: true,
      speaker_num: 2,
      mode: 'precision',
      callback_id: 'cb-7',
      enable_caption: true,
      keep_the_same_format: true,
      enable_dynamic_duration: false,
      disable_music_track: true,
      enable_speech_enhancement: true,
      enable_watermark: false,
      start_time: 1.5,
      end_time: 30,
      brand_voice_id: 'bv_1',
      srt_url: 'https://example.com/subs.srt',
      srt_role: 'input',
      fps_mode: 'cfr',
      folder_id: 'folder_1',
    });
  });

  it('an asset source resolves to the URL of an asset uploaded through this account', () => {
    const req: TranslationCreate = { video: { type: 'asset_id', asset_id: 'ast_v' }, output_languages: ['de'] };
    const known: t.AssetUrlOf = (id) => (id === 'ast_v' ? 'https://resource2.heygen.ai/video/ast_v/original.mp4' : undefined);
    expect(t.translationUnsupported(req, known)).toStrictEqual([]);
    expect(t.toWireTranslate(req, 'de', known)).toStrictEqual({ video_url: 'https://resource2.heygen.ai/video/ast_v/original.mp4', output_language: 'de' });
  });

  it('an unknown asset source is a capability gap naming it, not a guess', () => {
    const req: TranslationCreate = {
      video: { type: 'asset_id', asset_id: 'ast_elsewhere' },
      audio: { type: 'asset_id', asset_id: 'ast_a' },
      srt: { type: 'asset_id', asset_id: 'ast_s' },
      output_languages: ['de'],
    };
    expect(t.translationUnsupported(req, noAssets).map((u) => u.param)).toStrictEqual(['video.asset_id', 'audio.asset_id', 'srt.asset_id']);
    const err = caught(() => t.toWireTranslate(req, 'de', noAssets));
    expect([err.code, err.param]).toStrictEqual(['provider_capability_unsupported', 'video.asset_id']);
  });

  it('create answers: the id, or a one-item id list (OpenAPI VideoTranslateCreateResponse)', () => {
    expect(envelope(WireTranslateCreated).parse({ error: null, data: { video_translate_id: 'vt_abc123' } }).data).toStrictEqual({ video_translate_id: 'vt_abc123' });
    expect(envelope(WireTranslateCreated).parse({ data: { video_translate_ids: ['vt_abc123'] } }).data).toStrictEqual({ video_translate_id: 'vt_abc123' });
    expect(envelope(WireTranslateCreated).safeParse({ data: { video_translate_ids: ['vt_abc123', 'vt_def456'] } }).success).toBe(false);
    expect(envelope(WireTranslateCreated).safeParse({ data: {} }).success).toBe(false);
  });

  const translateStatus = (status: string, extra: Record<string, unknown> = {}) => ({
    data: { video_translate_id: 'vt_abc123', title: 'Global Campaign', status, url: null, message: null, ...extra },
  });
  const polled = (answer: unknown) => t.fromWireTranslateStatus(envelope(WireTranslateStatus).parse(answer).data, answer);
  const EMPTY = {
    title: 'Global Campaign',
    output_language: null,
    input_language: null,
    duration: null,
    translate_audio_only: null,
    video_url: null,
    audio_url: null,
    callback_id: null,
    created_at: null,
    failure_message: null,
  };

  it.each([
    ['pending', 'pending'],
    ['running', 'running'],
  ])('status %s -> %s', (w, v) => {
    expect(polled(translateStatus(w)).detail).toStrictEqual({ ...EMPTY, status: v });
  });

  it('success -> completed, url -> video_url', () => {
    const answer = translateStatus('success', { url: 'https://files.heygen.ai/vt_abc123.mp4' });
    expect(polled(answer)).toStrictEqual({ detail: { ...EMPTY, status: 'completed', video_url: 'https://files.heygen.ai/vt_abc123.mp4' }, payload: answer });
  });

  it('failed: message -> failure_message', () => {
    expect(polled(translateStatus('failed', { message: 'No speech detected.' })).detail).toStrictEqual({
      ...EMPTY,
      status: 'failed',
      failure_message: 'No speech detected.',
    });
  });

  it('a message on a job still running is not a failure message', () => {
    expect(polled(translateStatus('running', { message: 'queued behind 3 jobs' })).detail.failure_message).toBeNull();
  });

  it('an unknown word is running, reported; v3\'s own "completed" is not a v2 word', () => {
    for (const w of ['translating', 'completed']) {
      const p = polled(translateStatus(w));
      expect([p.detail.status, p.unknownStatus]).toStrictEqual(['running', w]);
    }
  });

  it('target languages: the OpenAPI example', () => {
    expect(envelope(WireLanguages).parse({ data: { languages: ['en', 'es', 'fr', 'de', 'ja', 'zh'] } }).data.languages).toStrictEqual([
      'en',
      'es',
      'fr',
      'de',
      'ja',
      'zh',
    ]);
  });
});

// ---- assets ----

describe('assets (POST {upload_url}/v1/asset)', () => {
  it('the v1 answer as v3\'s, with the detected MIME type and the streamed size', () => {
    const answer = {
      code: 100,
      data: { id: '7f3c1a', name: '7f3c1a.png', file_type: 'image', url: 'https://resource2.heygen.ai/image/7f3c1a/original.png', image_key: 'image/7f3c1a/original' },
      message: 'Success',
    };
    expect(t.fromWireUploadedAsset(envelope(WireUploadedAsset).parse(answer).data, 'image/png', 2048)).toStrictEqual({
      asset_id: '7f3c1a',
      url: 'https://resource2.heygen.ai/image/7f3c1a/original.png',
      mime_type: 'image/png',
      size_bytes: 2048,
    });
  });

  it('an answer without id or url fails validation', () => {
    expect(envelope(WireUploadedAsset).safeParse({ code: 100, data: { url: 'u' } }).success).toBe(false);
    expect(envelope(WireUploadedAsset).safeParse({ code: 100, data: { id: 'x' } }).success).toBe(false);
  });
});

// ---- avatars and voices ----

/** DESIGN.md, `GET /v2/avatars`, with the ids of the legacy documents. */
const AVATARS_ANSWER = {
  error: null,
  data: {
    avatars: [
      {
        avatar_id: 'Brent_sitting_office_front',
        avatar_name: 'Brent Sitting Office Front',
        gender: 'male',
        preview_image_url: 'https://files2.heygen.ai/avatar/v3/brent/preview.webp',
        preview_video_url: 'https://files2.heygen.ai/avatar/v3/brent/preview.mp4',
        premium: false,
        default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
      },
      {
        avatar_id: 'Daisy-inskirt-20220818',
        avatar_name: 'Daisy in Skirt',
        gender: 'female',
        preview_image_url: 'https://files2.heygen.ai/avatar/v3/daisy/preview.webp',
        preview_video_url: 'https://files2.heygen.ai/avatar/v3/daisy/preview.mp4',
        premium: false,
        default_voice_id: null,
      },
    ],
    talking_photos: [{ talking_photo_id: 'tp_abc', talking_photo_name: 'Founder', preview_image_url: 'https://files2.heygen.ai/tp/abc.jpg' }],
  },
};
const LOOKS = t.looksFromWire(envelope(WireAvatarList).parse(AVATARS_ANSWER).data);

describe('avatars (GET /v2/avatars) as v3 groups and looks', () => {
  it('avatars are studio_avatar looks, talking photos photo_avatar looks, each its own group', () => {
    expect(LOOKS.map(t.toLookItem)).toStrictEqual([
      {
        id: 'Brent_sitting_office_front',
        name: 'Brent Sitting Office Front',
        avatar_type: 'studio_avatar',
        group_id: 'Brent_sitting_office_front',
        preview_image_url: 'https://files2.heygen.ai/avatar/v3/brent/preview.webp',
        preview_video_url: 'https://files2.heygen.ai/avatar/v3/brent/preview.mp4',
        gender: 'male',
        default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
        image_width: null,
        image_height: null,
        preferred_orientation: null,
        status: null,
        error: null,
      },
      {
        id: 'Daisy-inskirt-20220818',
        name: 'Daisy in Skirt',
        avatar_type: 'studio_avatar',
        group_id: 'Daisy-inskirt-20220818',
        preview_image_url: 'https://files2.heygen.ai/avatar/v3/daisy/preview.webp',
        preview_video_url: 'https://files2.heygen.ai/avatar/v3/daisy/preview.mp4',
        gender: 'female',
        default_voice_id: null,
        image_width: null,
        image_height: null,
        preferred_orientation: null,
        status: null,
        error: null,
      },
      {
        id: 'tp_abc',
        name: 'Founder',
        avatar_type: 'photo_avatar',
        group_id: 'tp_abc',
        preview_image_url: 'https://files2.heygen.ai/tp/abc.jpg',
        preview_video_url: null,
        gender: null,
        default_voice_id: null,
        image_width: null,
        image_height: null,
        preferred_orientation: null,
        status: null,
        error: null,
      },
    ]);
    expect(t.toGroupItem(LOOKS[0]!)).toStrictEqual({
      id: 'Brent_sitting_office_front',
      name: 'Brent Sitting Office Front',
      preview_image_url: 'https://files2.heygen.ai/avatar/v3/brent/preview.webp',
      preview_video_url: 'https://files2.heygen.ai/avatar/v3/brent/preview.mp4',
      gender: 'male',
      created_at: 0,
      looks_count: 1,
      default_voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
      consent_status: null,
      status: null,
      error: null,
    });
  });

  it('a listing without talking_photos (v1 avatar.list) is read too', () => {
    const list = envelope(WireAvatarList).parse({ code: 100, data: { avatars: [AVATARS_ANSWER.data.avatars[0]] }, message: 'Success' }).data;
    expect(t.looksFromWire(list).map((l) => [l.id, l.kind])).toStrictEqual([['Brent_sitting_office_front', 'avatar']]);
  });

  it.each<[string, Parameters<typeof t.filterLooks>[1], string[]]>([
    ['no filter', {}, ['Brent_sitting_office_front', 'Daisy-inskirt-20220818', 'tp_abc']],
    ['group_id', { group_id: 'Daisy-inskirt-20220818' }, ['Daisy-inskirt-20220818']],
    ['avatar_type photo_avatar', { avatar_type: 'photo_avatar' }, ['tp_abc']],
    ['avatar_type digital_twin', { avatar_type: 'digital_twin' }, []],
    ['ownership public', { ownership: 'public' }, ['Brent_sitting_office_front', 'Daisy-inskirt-20220818', 'tp_abc']],
    ['ownership private', { ownership: 'private' }, []],
  ])('looks filtered by %s', (_n, q, ids) => {
    expect(t.filterLooks(LOOKS, q).map((l) => l.id)).toStrictEqual(ids);
  });

  it('groups: ownership private finds nothing (the listing does not tell them apart)', () => {
    expect(t.filterGroups(LOOKS, { ownership: 'private' })).toStrictEqual([]);
    expect(t.filterGroups(LOOKS, {})).toHaveLength(3);
  });
});

describe('gateway-side pagination', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const id = (s: string) => s;

  it('walks every item once, then has_more false', () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = t.paginate(ids, id, 2, token);
      seen.push(...page.data);
      if (!page.has_more) {
        expect(page.next_token).toBeNull();
        break;
      }
      expect(page.next_token).toMatch(/^[A-Za-z0-9_-]+$/);
      token = page.next_token!;
    }
    expect(seen).toStrictEqual(ids);
  });

  it('continues after the last id even when items were added before it', () => {
    const first = t.paginate(ids, id, 2, undefined);
    expect(t.paginate(['z', ...ids], id, 2, first.next_token!).data).toStrictEqual(['c', 'd']);
  });

  it('falls back to the offset when the last id is gone', () => {
    const first = t.paginate(ids, id, 2, undefined);
    expect(t.paginate(['a', 'c', 'd', 'e'], id, 2, first.next_token!).data).toStrictEqual(['d', 'e']);
  });

  it.each(['garbage!', Buffer.from('{"last_id":1}').toString('base64url'), Buffer.from('{"last_id":"a","offset":-1}').toString('base64url')])(
    'an unreadable token %j is invalid_parameter naming token',
    (token) => {
      const err = caught(() => t.paginate(ids, id, 2, token));
      expect([err.status, err.code, err.param]).toStrictEqual([400, 'invalid_parameter', 'token']);
    },
  );
});

/** DESIGN.md, `GET /v2/voices`, with the 001 voice. */
const VOICES_ANSWER = {
  error: null,
  data: {
    voices: [
      {
        voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
        language: 'English',
        gender: 'male',
        name: 'Brent - Professional',
        preview_audio: 'https://files2.heygen.ai/voice/ff2e/preview.mp3',
        support_pause: true,
        emotion_support: false,
      },
      { voice_id: 'es_1', language: 'Spanish', gender: 'Female', name: 'Lucía', preview_audio: null, support_pause: false, emotion_support: true },
    ],
  },
};
const VOICES = envelope(WireVoiceList).parse(VOICES_ANSWER).data.voices.map(t.fromWireVoice);

describe('voices (GET /v2/voices)', () => {
  it('preview_audio -> preview_audio_url; every legacy voice is public', () => {
    expect(VOICES).toStrictEqual([
      {
        voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
        name: 'Brent - Professional',
        language: 'English',
        gender: 'male',
        preview_audio_url: 'https://files2.heygen.ai/voice/ff2e/preview.mp3',
        support_pause: true,
        support_locale: false,
        type: 'public',
      },
      { voice_id: 'es_1', name: 'Lucía', language: 'Spanish', gender: 'Female', preview_audio_url: null, support_pause: false, support_locale: false, type: 'public' },
    ]);
  });

  it.each<[string, Parameters<typeof t.filterVoices>[1], string[]]>([
    ['language, any case', { language: 'spanish' }, ['es_1']],
    ['gender, any case', { gender: 'female' }, ['es_1']],
    ['type public', { type: 'public' }, ['ff2ecc8fbdef4273a28bed7b5e35bb57', 'es_1']],
    ['type private', { type: 'private' }, []],
  ])('filtered by %s', (_n, q, ids) => {
    expect(t.filterVoices(VOICES, q).map((v) => v.voice_id)).toStrictEqual(ids);
  });

  it('an engine filter cannot be judged: a capability error naming engine', () => {
    const err = caught(() => t.filterVoices(VOICES, { engine: 'starfish' }));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'provider_capability_unsupported', 'engine']);
  });
});

// ---- users ----

describe('users/me', () => {
  it('002 "Quick verification": /v1/user/me with its wallet, verbatim', () => {
    const answer = {
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
    };
    const user = envelope(WireUserMe).parse(answer).data;
    expect(t.hasBilling(user)).toBe(true);
    expect(t.fromWireUser(user, { remaining_quota: 999 })).toStrictEqual({
      username: 'jane_doe',
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      billing_type: 'wallet',
      wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false, threshold_usd: null, amount_usd: null } },
      subscription: null,
      usage_based: null,
    });
  });

  const LEGACY_ME = { code: 100, data: { username: 'legacy_studio', email: 'studio@example.com', first_name: 'Lee', last_name: 'Gacy' }, message: 'Success' };

  it('legacy /v1/user/me + /v2/user/remaining_quota: credits = quota / 60 as a credits wallet', () => {
    const user = envelope(WireUserMe).parse(LEGACY_ME).data;
    const quota = envelope(WireRemainingQuota).parse({ error: null, data: { remaining_quota: 3700, details: { api: 3700 } } }).data;
    expect(t.hasBilling(user)).toBe(false);
    expect(t.fromWireUser(user, quota)).toStrictEqual({
      username: 'legacy_studio',
      email: 'studio@example.com',
      first_name: 'Lee',
      last_name: 'Gacy',
      billing_type: 'wallet',
      wallet: { currency: 'credits', remaining_balance: 61.67, auto_reload: null },
      subscription: null,
      usage_based: null,
    });
  });

  it('legacy /v1/user/me alone (v1): no billing invented', () => {
    expect(t.fromWireUser(envelope(WireUserMe).parse(LEGACY_ME).data)).toStrictEqual({
      username: 'legacy_studio',
      email: 'studio@example.com',
      first_name: 'Lee',
      last_name: 'Gacy',
      billing_type: null,
      wallet: null,
      subscription: null,
      usage_based: null,
    });
  });
});

// ---- errors ----

describe('legacy error bodies', () => {
  it.each<[string, unknown, { code?: string | null; message?: string | null; param?: string | null }]>([
    ['v1 numeric code (DESIGN.md)', { code: 400599, message: 'Invalid avatar_id' }, { code: null, message: 'Invalid avatar_id', param: null }],
    ['v1 numeric-string code', { code: '400599', message: 'Invalid avatar_id' }, { code: null, message: 'Invalid avatar_id', param: null }],
    ['OpenAPI V1APIError example', { code: 401, message: 'Unauthorized' }, { code: null, message: 'Unauthorized', param: null }],
    [
      'v2 {data:null,error:{code,message}}',
      { data: null, error: { code: 'avatar_not_found', message: 'Avatar Brent not found.' } },
      { code: 'avatar_not_found', message: 'Avatar Brent not found.', param: null },
    ],
    [
      'OpenAPI StandardAPIError example (POST /v2/video_translate 400)',
      { error: { code: 'invalid_parameter', message: "'video_url' is required.", param: 'video_url', doc_url: null } },
      { code: 'invalid_parameter', message: "'video_url' is required.", param: 'video_url' },
    ],
    ['v2 error with a numeric code', { data: null, error: { code: 40001, message: 'Bad input' } }, { code: null, message: 'Bad input', param: null }],
  ])('%s', (_n, body, info) => {
    expect(t.errorInfoFromWire(JSON.stringify(body))).toStrictEqual(info);
  });

  it.each(['<html>502 Bad Gateway</html>', '', '{"error":null,"data":{}}', '[]', '{"message":"no code"}'])('%j yields no info', (text) => {
    expect(t.errorInfoFromWire(text)).toStrictEqual({});
  });

  it('error bodies parse with both shapes', () => {
    expect(WireErrorBody.safeParse({ code: 400599, message: 'x' }).success).toBe(true);
    expect(WireErrorBody.safeParse({ data: null, error: { code: 'x', message: 'y' } }).success).toBe(true);
  });
});
