/**
 * The legacy inbound translations, table by table: v2 generate body -> normalized request (with the
 * documents' own examples, 001 and 003), v2 dimension -> v3 resolution/aspect, the v2-only settings
 * a v3-field account cannot honour, v3 answers -> v1 status / v2 translate / v2 avatars / v2 voices
 * / v1 asset answers, the legacy error envelopes, and how the router treats a legacy request.
 */
import { describe, expect, it } from 'vitest';
import type { V2GenerateBody } from '../../src/api/schemas/legacy.js';
import type { VideoDetail } from '../../src/api/schemas/videos.js';
import type { TranslationDetail } from '../../src/api/schemas/translations.js';
import type { AvatarLookItem } from '../../src/api/schemas/avatars.js';
import type { VoiceItem } from '../../src/api/schemas/voices.js';
import { legacyOnlyFields } from '../../src/api/legacy/fidelity.js';
import { legacyErrorBody, v1ErrorCode, v1Ok, v2Ok } from '../../src/api/legacy/envelopes.js';
import {
  dimensionToV3,
  v1AssetData,
  v1StatusData,
  v1VideoError,
  v2AvatarsData,
  v2GenerateToVideoRequest,
  v2TranslateData,
  v2TranslateToV3,
  v2Voice,
} from '../../src/api/legacy/translate.js';
import { validateV2Generate, validateV2Translate } from '../../src/api/legacy/validate.js';
import { GatewayConfig, type ClientConfig } from '../../src/config/schema.js';
import { AccountSet } from '../../src/core/accounts.js';
import type { AdapterFactory, VideoRequest } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { Router } from '../../src/core/router.js';
import { createFakeAdapter } from '../helpers/fake-adapter.js';

/** 001_f1de937382e1c461.txt, the request example of POST /v2/video/generate, verbatim. */
const DOC_001: V2GenerateBody = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' },
    },
  ],
  caption: false,
  dimension: { width: 1920, height: 1080 },
};

/** 003_37465d87d070bf7f.txt, the quick start's v2 generate example, verbatim. */
const DOC_003: V2GenerateBody = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
      background: { type: 'color', value: '#008000' },
    },
  ],
  dimension: { width: 1280, height: 720 },
};

const scene = (over: Partial<V2GenerateBody['video_inputs'][number]> = {}): V2GenerateBody['video_inputs'][number] => ({
  character: { type: 'avatar', avatar_id: 'look_def456' },
  voice: { type: 'text', input_text: 'Hello there.', voice_id: 'voice_xyz789' },
  ...over,
});
const body = (over: Partial<V2GenerateBody> = {}, s = scene()): V2GenerateBody => ({ video_inputs: [s], ...over });

describe('v2GenerateToVideoRequest', () => {
  it.each<[string, V2GenerateBody, Record<string, unknown>]>([
    [
      'the 001 example',
      DOC_001,
      {
        type: 'avatar',
        avatar_id: 'Brent_sitting_office_front',
        script: 'Welcome to HeyGen API',
        voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
        resolution: '1080p',
        aspect_ratio: '16:9',
      },
    ],
    [
      'the 003 quick start example (color background, 1280x720)',
      DOC_003,
      {
        type: 'avatar',
        avatar_id: 'Daisy-inskirt-20220818',
        script: 'Welcome to the HeyGen API!',
        voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54',
        background: { type: 'color', value: '#008000' },
        resolution: '720p',
        aspect_ratio: '16:9',
      },
    ],
    [
      'a talking photo with voice settings, an image asset background, title and callbacks',
      body(
        { title: 'Spring promo', callback_id: 'row-7', callback_url: 'https://example.com/hook', dimension: { width: 1080, height: 1920 } },
        scene({
          character: { type: 'talking_photo', talking_photo_id: 'tp_123', talking_style: 'stable', expression: 'default', scale: 1 },
          voice: { type: 'text', input_text: 'Hi!', voice_id: 'v1', speed: 1.2, pitch: -5, locale: 'en-GB' },
          background: { type: 'image', image_asset_id: 'asset_bg', fit: 'cover' },
        }),
      ),
      {
        type: 'avatar',
        avatar_id: 'tp_123',
        script: 'Hi!',
        voice_id: 'v1',
        voice_settings: { speed: 1.2, pitch: -5, locale: 'en-GB' },
        background: { type: 'image', asset_id: 'asset_bg' },
        resolution: '1080p',
        aspect_ratio: '9:16',
        title: 'Spring promo',
        callback_id: 'row-7',
        callback_url: 'https://example.com/hook',
      },
    ],
    [
      'an audio URL voice, an image URL background and matting',
      body(
        {},
        scene({
          character: { type: 'avatar', avatar_id: 'look_1', matting: true, offset: { x: 0, y: 0 } },
          voice: { type: 'audio', audio_url: 'https://cdn.example.com/a.mp3' },
          background: { type: 'image', url: 'https://cdn.example.com/bg.png' },
        }),
      ),
      {
        type: 'avatar',
        avatar_id: 'look_1',
        remove_background: true,
        audio_url: 'https://cdn.example.com/a.mp3',
        background: { type: 'image', url: 'https://cdn.example.com/bg.png' },
      },
    ],
    [
      'an audio asset voice and a color background without a value (v2 default #f6f6fc)',
      body({}, scene({ voice: { type: 'audio', audio_asset_id: 'asset_a' }, background: { type: 'color' } })),
      { type: 'avatar', avatar_id: 'look_def456', audio_asset_id: 'asset_a', background: { type: 'color', value: '#f6f6fc' } },
    ],
    [
      'a silence voice (no v3 fields for it)',
      body({}, scene({ voice: { type: 'silence', duration: 3 } })),
      { type: 'avatar', avatar_id: 'look_def456' },
    ],
    [
      'several scenes: the first one in the v3 fields',
      { video_inputs: [scene(), scene({ character: { type: 'avatar', avatar_id: 'look_2' } })] },
      { type: 'avatar', avatar_id: 'look_def456', script: 'Hello there.', voice_id: 'voice_xyz789' },
    ],
  ])('%s', (_name, input, expected) => {
    const before = structuredClone(input);
    const out = v2GenerateToVideoRequest(input);
    const { legacy, ...v3 } = out;
    expect(v3).toEqual(expected);
    // the original body rides along untouched, for accounts that speak v2
    expect(legacy).toBe(input);
    expect(input).toEqual(before);
  });
});

describe('dimensionToV3', () => {
  it.each<[number, number, string, string]>([
    [1920, 1080, '1080p', '16:9'],
    [1280, 720, '720p', '16:9'],
    [1080, 1920, '1080p', '9:16'],
    [720, 1280, '720p', '9:16'],
    [3840, 2160, '4k', '16:9'],
    [2160, 3840, '4k', '9:16'],
    [1080, 1080, '1080p', '1:1'],
    [720, 720, '720p', '1:1'],
    [1080, 1350, '1080p', '4:5'],
    [1350, 1080, '1080p', '5:4'],
    // nearest: 4:3 is closer to 5:4 than to 16:9; 1440 is nearer 1080 than 2160
    [1440, 1080, '1080p', '5:4'],
    [2560, 1440, '1080p', '16:9'],
    [128, 128, '720p', '1:1'],
    // 900 is as far from 720 as from 1080: the tie goes up
    [900, 1600, '1080p', '9:16'],
    [4096, 1024, '1080p', '16:9'],
  ])('%ix%i -> %s %s', (width, height, resolution, aspect) => {
    expect(dimensionToV3({ width, height })).toEqual({ resolution, aspect_ratio: aspect });
  });
});

describe('legacyOnlyFields', () => {
  it('finds nothing in the documents’ examples', () => {
    expect(legacyOnlyFields(DOC_001)).toEqual([]);
    expect(legacyOnlyFields(DOC_003)).toEqual([]);
  });

  it('accepts the v2 defaults spelled out (normal style, scale 1, zero offset, stable/default, cover, caption/test false)', () => {
    const b = body(
      { caption: false, test: false },
      scene({
        character: { type: 'talking_photo', talking_photo_id: 'tp', scale: 1, offset: { x: 0, y: 0 }, talking_style: 'stable', expression: 'default', super_resolution: false },
        background: { type: 'image', url: 'https://x.example/bg.png', fit: 'cover' },
      }),
    );
    expect(legacyOnlyFields(b)).toEqual([]);
  });

  it.each<[string, V2GenerateBody, string[]]>([
    ['several scenes', { video_inputs: [scene(), scene()] }, ['video_inputs']],
    ['circle style', body({}, scene({ character: { type: 'avatar', avatar_id: 'a', avatar_style: 'circle', circle_background_color: '#fff' } })), ['video_inputs[0].character.avatar_style']],
    ['closeUp style', body({}, scene({ character: { type: 'avatar', avatar_id: 'a', avatar_style: 'closeUp' } })), ['video_inputs[0].character.avatar_style']],
    ['scale', body({}, scene({ character: { type: 'avatar', avatar_id: 'a', scale: 1.5 } })), ['video_inputs[0].character.scale']],
    ['offset', body({}, scene({ character: { type: 'avatar', avatar_id: 'a', offset: { x: 0.1, y: 0 } } })), ['video_inputs[0].character.offset']],
    [
      'talking photo crop, expressive style, happy expression, super resolution',
      body({}, scene({ character: { type: 'talking_photo', talking_photo_id: 't', talking_photo_style: 'circle', talking_style: 'expressive', expression: 'happy', super_resolution: true } })),
      [
        'video_inputs[0].character.talking_photo_style',
        'video_inputs[0].character.talking_style',
        'video_inputs[0].character.expression',
        'video_inputs[0].character.super_resolution',
      ],
    ],
    ['no character', body({}, { voice: { type: 'text', input_text: 'x', voice_id: 'v' } }), ['video_inputs[0].character']],
    ['voice emotion', body({}, scene({ voice: { type: 'text', input_text: 'x', voice_id: 'v', emotion: 'Friendly' } })), ['video_inputs[0].voice.emotion']],
    ['silence', body({}, scene({ voice: { type: 'silence' } })), ['video_inputs[0].voice.type']],
    ['video background', body({}, scene({ background: { type: 'video', url: 'https://x.example/bg.mp4' } })), ['video_inputs[0].background.type']],
    ['image fit', body({}, scene({ background: { type: 'image', url: 'https://x.example/bg.png', fit: 'contain' } })), ['video_inputs[0].background.fit']],
    ['caption', body({ caption: true }), ['caption']],
    ['test mode', body({ test: true }), ['test']],
    ['folder_id', body({ folder_id: 'f1' }), ['folder_id']],
    [
      'a v2-only setting in a later scene',
      { video_inputs: [scene(), scene({ voice: { type: 'silence' } })] },
      ['video_inputs', 'video_inputs[1].voice.type'],
    ],
  ])('%s', (_name, input, params) => {
    const found = legacyOnlyFields(input);
    expect(found.map((u) => u.param)).toEqual(params);
    for (const u of found) expect(u.reason).toMatch(/exists only in the v2 body$/);
  });

  it('says what it found', () => {
    expect(legacyOnlyFields(body({}, scene({ character: { type: 'avatar', avatar_id: 'a', avatar_style: 'circle' } })))).toEqual([
      { param: 'video_inputs[0].character.avatar_style', reason: 'avatar_style "circle" exists only in the v2 body' },
    ]);
  });
});

describe('validateV2Generate', () => {
  const opts = { allowPrivateCallbacks: false };
  const refusal = (b: V2GenerateBody, o = opts): { param: string | null; message: string } => {
    try {
      validateV2Generate(b, o);
    } catch (err) {
      if (err instanceof GatewayError) return { param: err.param, message: err.message };
      throw err;
    }
    throw new Error('expected a refusal');
  };

  it('accepts the documents’ examples', () => {
    expect(() => validateV2Generate(DOC_001, opts)).not.toThrow();
    expect(() => validateV2Generate(DOC_003, opts)).not.toThrow();
  });

  it.each<[string, V2GenerateBody, string, string]>([
    ['blank text', body({}, scene({ voice: { type: 'text', input_text: '   ', voice_id: 'v' } })), 'video_inputs[0].voice.input_text', "'video_inputs[0].voice.input_text' must contain speakable text."],
    ['audio without a source', body({}, scene({ voice: { type: 'audio' } })), 'video_inputs[0].voice.audio_url', "An audio voice needs 'audio_url' or 'audio_asset_id'."],
    [
      'audio with both sources',
      body({}, scene({ voice: { type: 'audio', audio_url: 'https://x.example/a.mp3', audio_asset_id: 'a' } })),
      'video_inputs[0].voice.audio_asset_id',
      "'video_inputs[0].voice.audio_url' and 'video_inputs[0].voice.audio_asset_id' are mutually exclusive; provide one.",
    ],
    ['audio over ftp', body({}, scene({ voice: { type: 'audio', audio_url: 'ftp://x.example/a.mp3' } })), 'video_inputs[0].voice.audio_url', "'video_inputs[0].voice.audio_url' must use http or https."],
    ['a color that is not hex', body({}, scene({ background: { type: 'color', value: 'green' } })), 'video_inputs[0].background.value', `'video_inputs[0].background.value' must be a hex color such as "#FFFFFF".`],
    ['an image background without a source', body({}, scene({ background: { type: 'image' } })), 'video_inputs[0].background.url', "An image background needs 'url' or 'image_asset_id'."],
    ['a relative image URL', body({}, scene({ background: { type: 'image', url: '/bg.png' } })), 'video_inputs[0].background.url', "'video_inputs[0].background.url' must be an absolute http(s) URL."],
    ['a video background without a source', body({}, scene({ background: { type: 'video' } })), 'video_inputs[0].background.url', "A video background needs 'url' or 'video_asset_id'."],
    [
      'a problem in the second scene',
      { video_inputs: [scene(), scene({ voice: { type: 'audio' } })] },
      'video_inputs[1].voice.audio_url',
      "An audio voice needs 'audio_url' or 'audio_asset_id'.",
    ],
    [
      'a loopback callback_url',
      body({ callback_url: 'http://127.0.0.1:9/hook' }),
      'callback_url',
      "'callback_url' points at a loopback, private or link-local address, which this gateway does not call.",
    ],
  ])('refuses %s', (_name, b, param, message) => {
    expect(refusal(b)).toEqual({ param, message });
  });

  it('lets private callbacks through when the operator allows them', () => {
    expect(() => validateV2Generate(body({ callback_url: 'http://127.0.0.1:9/hook' }), { allowPrivateCallbacks: true })).not.toThrow();
  });
});

describe('v2 translate', () => {
  it('turns the v2 body into a one-language v3 body, keeping only what was sent', () => {
    expect(v2TranslateToV3({ video_url: 'https://example.com/v.mp4', output_language: 'Spanish' })).toEqual({
      video: { type: 'url', url: 'https://example.com/v.mp4' },
      output_languages: ['Spanish'],
    });
    expect(
      v2TranslateToV3({
        video_url: 'https://example.com/v.mp4',
        output_language: 'French',
        title: 'Demo',
        translate_audio_only: true,
        speaker_num: 2,
        callback_id: 'cb',
        callback_url: 'https://example.com/hook',
        enable_dynamic_duration: false,
        brand_voice_id: 'bv_1',
      }),
    ).toEqual({
      video: { type: 'url', url: 'https://example.com/v.mp4' },
      output_languages: ['French'],
      title: 'Demo',
      translate_audio_only: true,
      speaker_num: 2,
      callback_id: 'cb',
      callback_url: 'https://example.com/hook',
      enable_dynamic_duration: false,
      brand_voice_id: 'bv_1',
    });
    expect(v2TranslateToV3({ video_url: 'https://example.com/v.mp4', output_language: 'German', title: null, speaker_num: null })).toEqual({
      video: { type: 'url', url: 'https://example.com/v.mp4' },
      output_languages: ['German'],
    });
  });

  it('validates the source URL, the language and the callback', () => {
    const opts = { allowPrivateCallbacks: false };
    const base = { video_url: 'https://example.com/v.mp4', output_language: 'Spanish' };
    expect(() => validateV2Translate(base, opts)).not.toThrow();
    expect(() => validateV2Translate({ ...base, video_url: 'file:///etc/passwd' }, opts)).toThrow("'video_url' must use http or https.");
    expect(() => validateV2Translate({ ...base, output_language: '  ' }, opts)).toThrow("'output_language' must not be blank.");
    expect(() => validateV2Translate({ ...base, callback_url: 'http://10.0.0.8/hook' }, opts)).toThrow(/'callback_url' points at a loopback/);
  });

  const detail = (over: Partial<TranslationDetail>): TranslationDetail => ({ id: 'gt_1', status: 'pending', title: 'Demo', ...over });
  it.each<[string, TranslationDetail, object]>([
    ['pending', detail({}), { video_translate_id: 'gt_1', title: 'Demo', status: 'pending', url: null, message: null }],
    ['running', detail({ status: 'running' }), { video_translate_id: 'gt_1', title: 'Demo', status: 'running', url: null, message: null }],
    [
      'completed -> success, video_url -> url',
      detail({ status: 'completed', video_url: 'https://files.example/t.mp4', audio_url: 'https://files.example/t.mp3' }),
      { video_translate_id: 'gt_1', title: 'Demo', status: 'success', url: 'https://files.example/t.mp4', message: null },
    ],
    [
      'failed, with its message',
      detail({ status: 'failed', title: null, failure_message: 'No speech was detected in the source video.' }),
      { video_translate_id: 'gt_1', title: null, status: 'failed', url: null, message: 'No speech was detected in the source video.' },
    ],
  ])('answers %s', (_name, d, expected) => {
    expect(v2TranslateData(d)).toEqual(expected);
  });
});

describe('v1 video status', () => {
  const NULLS = {
    callback_id: null,
    caption_url: null,
    created_at: null,
    duration: null,
    gif_url: null,
    thumbnail_url: null,
    video_url: null,
    video_url_caption: null,
    error: null,
  };

  it.each<[string, VideoDetail, string | null, object]>([
    ['pending', { id: 'gv_1', status: 'pending', created_at: 1700000000 }, null, { ...NULLS, id: 'gv_1', status: 'pending', created_at: 1700000000 }],
    ['processing, with a callback id', { id: 'gv_1', status: 'processing' }, 'crm-1', { ...NULLS, id: 'gv_1', status: 'processing', callback_id: 'crm-1' }],
    [
      'completed, every url mapped',
      {
        id: 'gv_1',
        status: 'completed',
        created_at: 1700000000,
        completed_at: 1700000100,
        video_url: 'https://f/v.mp4',
        thumbnail_url: 'https://f/t.jpg',
        gif_url: 'https://f/g.gif',
        captioned_video_url: 'https://f/vc.mp4',
        subtitle_url: 'https://f/s.srt',
        duration: 1.234,
        video_page_url: 'https://app/v',
      },
      null,
      {
        id: 'gv_1',
        status: 'completed',
        callback_id: null,
        caption_url: 'https://f/s.srt',
        created_at: 1700000000,
        duration: 1.234,
        gif_url: 'https://f/g.gif',
        thumbnail_url: 'https://f/t.jpg',
        video_url: 'https://f/v.mp4',
        video_url_caption: 'https://f/vc.mp4',
        error: null,
      },
    ],
    [
      'failed with a legacy account’s numeric code (003’s example)',
      { id: 'gv_1', status: 'failed', failure_code: '40119', failure_message: 'Video is too long' },
      null,
      { ...NULLS, id: 'gv_1', status: 'failed', error: { code: 40119, message: 'Video is too long', detail: 'Video is too long' } },
    ],
    [
      'failed with a v3 code',
      { id: 'gv_1', status: 'failed', failure_code: 'tts_text_invalid', failure_message: 'The script contains text that cannot be converted to speech.' },
      null,
      {
        ...NULLS,
        id: 'gv_1',
        status: 'failed',
        error: {
          code: 400400,
          message: 'The script contains text that cannot be converted to speech.',
          detail: 'tts_text_invalid: The script contains text that cannot be converted to speech.',
        },
      },
    ],
  ])('%s', (_name, d, callbackId, expected) => {
    expect(v1StatusData(d, callbackId)).toEqual(expected);
  });

  it.each<[string | null, string | null, object]>([
    [null, null, { code: 400500, message: 'Video generation failed.', detail: 'Video generation failed.' }],
    ['upstream_error', 'boom', { code: 400502, message: 'boom', detail: 'upstream_error: boom' }],
    ['some_unknown_word', 'x', { code: 400500, message: 'x', detail: 'some_unknown_word: x' }],
    [' 40119 ', 'Video is too long', { code: 40119, message: 'Video is too long', detail: 'Video is too long' }],
  ])('error code %j', (code, message, expected) => {
    expect(v1VideoError(code, message)).toEqual(expected);
  });
});

describe('v2 avatars and voices', () => {
  const look = (over: Partial<AvatarLookItem>): AvatarLookItem => ({ id: 'look_1', name: 'Look', avatar_type: 'studio_avatar', ...over });

  it('splits looks into avatars and talking photos, skipping looks that cannot render yet', () => {
    const looks: AvatarLookItem[] = [
      look({
        id: 'look_def457',
        name: 'Monica - Studio Blue',
        gender: 'female',
        preview_image_url: 'https://files.heygen.ai/look/preview_def457.jpg',
        preview_video_url: 'https://files.heygen.ai/look/preview_def457.mp4',
        default_voice_id: 'voice_xyz789',
        status: 'completed',
      }),
      look({ id: 'look_def456', name: 'Monica - Business Casual', avatar_type: 'photo_avatar', preview_image_url: 'https://files.heygen.ai/look/preview_def456.jpg' }),
      look({ id: 'look_twin', name: 'Twin', avatar_type: 'digital_twin' }),
      look({ id: 'look_training', name: 'Training', status: 'processing' }),
      look({ id: 'look_failed', name: 'Failed', avatar_type: 'photo_avatar', status: 'failed' }),
    ];
    expect(v2AvatarsData(looks)).toEqual({
      avatars: [
        {
          avatar_id: 'look_def457',
          avatar_name: 'Monica - Studio Blue',
          gender: 'female',
          preview_image_url: 'https://files.heygen.ai/look/preview_def457.jpg',
          preview_video_url: 'https://files.heygen.ai/look/preview_def457.mp4',
          premium: false,
          default_voice_id: 'voice_xyz789',
        },
        { avatar_id: 'look_twin', avatar_name: 'Twin', gender: null, preview_image_url: null, preview_video_url: null, premium: false, default_voice_id: null },
      ],
      talking_photos: [
        { talking_photo_id: 'look_def456', talking_photo_name: 'Monica - Business Casual', preview_image_url: 'https://files.heygen.ai/look/preview_def456.jpg' },
      ],
    });
    expect(v2AvatarsData([])).toEqual({ avatars: [], talking_photos: [] });
  });

  it('renames preview_audio_url and says no emotion support', () => {
    const sara: VoiceItem = {
      voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
      name: 'Sara',
      language: 'English',
      gender: 'female',
      preview_audio_url: 'https://files.heygen.ai/voice/preview/sara.mp3',
      support_pause: true,
      support_locale: true,
      type: 'public',
    };
    expect(v2Voice(sara)).toEqual({
      voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
      language: 'English',
      gender: 'female',
      name: 'Sara',
      preview_audio: 'https://files.heygen.ai/voice/preview/sara.mp3',
      support_pause: true,
      emotion_support: false,
    });
    expect(v2Voice({ ...sara, preview_audio_url: null, support_pause: false }).preview_audio).toBeNull();
  });
});

describe('v1 asset answer', () => {
  it.each<['image' | 'video' | 'audio' | 'document', string]>([
    ['image', 'image'],
    ['video', 'video'],
    ['audio', 'audio'],
  ])('a %s file', (kind, fileType) => {
    expect(v1AssetData({ asset_id: 'asset_1', url: 'https://files.heygen.ai/assets/asset_1.png', mime_type: 'image/png', size_bytes: 10 }, kind)).toEqual({
      id: 'asset_1',
      name: 'asset_1',
      file_type: fileType,
      url: 'https://files.heygen.ai/assets/asset_1.png',
      image_key: null,
    });
  });
});

describe('legacy envelopes', () => {
  it('wraps answers', () => {
    expect(v2Ok({ video_id: 'gv_1' })).toEqual({ error: null, data: { video_id: 'gv_1' } });
    expect(v1Ok({ id: 'x' })).toEqual({ code: 100, message: 'Success', data: { id: 'x' } });
  });

  it.each<[string, number, number]>([
    ['invalid_parameter', 400, 400400],
    ['unauthorized', 401, 400401],
    ['forbidden', 403, 400403],
    ['video_not_found', 404, 400404],
    ['payload_too_large', 413, 400413],
    ['unsupported_media_type', 415, 400415],
    ['rate_limit_exceeded', 429, 400429],
    ['internal_error', 500, 400500],
    ['upstream_error', 502, 400502],
    ['no_eligible_account', 503, 400503],
    ['gateway_timeout', 504, 400504],
  ])('%s (%i) -> v1 %i; v2 keeps the word', (code, status, v1) => {
    const err = new GatewayError(code, 'Something went wrong.', { status });
    expect(v1ErrorCode(status)).toBe(v1);
    expect(legacyErrorBody('v1', err)).toEqual({ code: v1, message: 'Something went wrong.' });
    expect(legacyErrorBody('v2', err)).toEqual({ data: null, error: { code, message: 'Something went wrong.' } });
  });
});

describe('routing a legacy request', () => {
  const config = GatewayConfig.parse({
    clients: [{ id: 'acme', api_keys: ['acme-key'], accounts: ['v3'] }],
    accounts: [
      { id: 'v3', provider: 'heygen-v3', base_url: 'https://api.heygen.example', api_key: 'k3' },
      { id: 'v2', provider: 'heygen-v2', base_url: 'https://api.heygen.example', api_key: 'k2' },
    ],
  });
  // v2 stands for an account that renders the v2 body as sent (heygen-v2, gmi)
  const factory: AdapterFactory = (account) => {
    const fake = createFakeAdapter(account.id, account.provider);
    if (account.id !== 'v2') return fake;
    return Object.assign(fake, { capabilities: { ...fake.capabilities, multiScene: true, legacyV2Body: true } });
  };
  const router = new Router(new AccountSet(config.accounts, { 'heygen-v3': factory, 'heygen-v2': factory }, { logger: silentLogger }));
  const client = (accounts: string[]): ClientConfig => ({ ...config.clients[0]!, accounts });
  const circle = v2GenerateToVideoRequest(body({}, scene({ character: { type: 'avatar', avatar_id: 'a', avatar_style: 'circle' } })));
  const twoScenes = v2GenerateToVideoRequest({ video_inputs: [scene(), scene()] });

  const refused = (accounts: string[], input: VideoRequest, pin?: string): GatewayError => {
    try {
      router.pick({ client: client(accounts), op: 'video.create', input, pin });
    } catch (err) {
      if (err instanceof GatewayError) return err;
      throw err;
    }
    throw new Error('expected a refusal');
  };

  it('sends a plain single-scene v2 request to a v3-field account', () => {
    expect(router.pick({ client: client(['v3', 'v2']), op: 'video.create', input: v2GenerateToVideoRequest(DOC_003) }).accountId).toBe('v3');
  });

  it('passes over a v3-field account for a v2-only setting and takes an account that renders the v2 body', () => {
    expect(router.pick({ client: client(['v3', 'v2']), op: 'video.create', input: circle }).accountId).toBe('v2');
    expect(router.pick({ client: client(['v3', 'v2']), op: 'video.create', input: twoScenes }).accountId).toBe('v2');
  });

  it('refuses when only v3-field accounts are left, naming the v2 field', () => {
    const err = refused(['v3'], circle);
    expect(err.code).toBe('no_eligible_account');
    expect(err.status).toBe(400);
    expect(err.param).toBe('video_inputs[0].character.avatar_style');
    expect(err.message).toBe(
      `None of this client's accounts can serve this request: account "v3" cannot honour 'video_inputs[0].character.avatar_style' (avatar_style "circle" exists only in the v2 body).`,
    );
    const scenes = refused(['v3'], twoScenes);
    expect(scenes.param).toBe('video_inputs');
    expect(scenes.message).toBe(
      `None of this client's accounts can serve this request: account "v3" cannot honour 'video_inputs' (heygen-v3 renders one scene per video; this request has 2).`,
    );
  });

  it('refuses a pin to a v3-field account as provider_capability_unsupported', () => {
    const err = refused(['v3', 'v2'], circle, 'v3');
    expect(err.code).toBe('provider_capability_unsupported');
    expect(err.param).toBe('video_inputs[0].character.avatar_style');
    expect(err.message).toBe(`Account "v3" (heygen-v3) cannot honour 'video_inputs[0].character.avatar_style' (avatar_style "circle" exists only in the v2 body).`);
  });
});
