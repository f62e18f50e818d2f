/**
 * The shared v3 -> v2 scene translation (adapters/shared/v2-body.ts), table-tested. The two v2
 * bodies of the legacy documents are the expected outputs, verbatim: 001_f1de937382e1c461.txt's
 * generate example (less `"caption": false`, which v3 has no field for and v2 defaults to false)
 * and 003_37465d87d070bf7f.txt's quick-start body.
 */
import { describe, expect, it } from 'vitest';
import type { V2GenerateBody } from '../../../src/api/schemas/legacy.js';
import type { VideoRequest } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import { dimensionFor, toV2Generate, v2Unsupported } from '../../../adapters/shared/v2-body.js';

/** 001_f1de937382e1c461.txt, "Request", without `"caption": false`. */
const DOC_001_BODY: V2GenerateBody = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' },
    },
  ],
  dimension: { width: 1920, height: 1080 },
};

/** 003_37465d87d070bf7f.txt, "Quickly Create Avatar Video". */
const DOC_003_BODY: V2GenerateBody = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
      background: { type: 'color', value: '#008000' },
    },
  ],
  dimension: { width: 1280, height: 720 },
};

const avatar = (over: Partial<Extract<VideoRequest, { type: 'avatar' }>> = {}): VideoRequest => ({
  type: 'avatar',
  avatar_id: 'Brent_sitting_office_front',
  script: 'Welcome to HeyGen API',
  voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57',
  ...over,
});

function caught(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('toV2Generate: the documents\' bodies from their v3 equivalents', () => {
  it('001: avatar + text voice at 1080p 16:9', () => {
    expect(toV2Generate(avatar({ resolution: '1080p', aspect_ratio: '16:9' }))).toStrictEqual(DOC_001_BODY);
  });

  it('001: resolution and aspect ratio absent default to 1920x1080', () => {
    expect(toV2Generate(avatar())).toStrictEqual(DOC_001_BODY);
  });

  it('003: color background at 720p', () => {
    const req: VideoRequest = {
      type: 'avatar',
      avatar_id: 'Daisy-inskirt-20220818',
      script: 'Welcome to the HeyGen API!',
      voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54',
      background: { type: 'color', value: '#008000' },
      resolution: '720p',
      aspect_ratio: 'auto',
    };
    expect(toV2Generate(req)).toStrictEqual(DOC_003_BODY);
  });
});

describe('toV2Generate: each v3 field', () => {
  it.each<[string, Partial<Extract<VideoRequest, { type: 'avatar' }>>, Partial<V2GenerateBody['video_inputs'][number]>]>([
    [
      'voice_settings -> speed, pitch, locale',
      { voice_settings: { speed: 1.2, pitch: -10, locale: 'en-GB' } },
      {
        voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57', speed: 1.2, pitch: -10, locale: 'en-GB' },
      },
    ],
    [
      'voice_settings with nulls leave the voice plain',
      { voice_settings: { locale: null } },
      { voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' } },
    ],
    [
      'audio_url -> audio voice',
      { script: null, voice_id: null, audio_url: 'https://example.com/narration.mp3' },
      { voice: { type: 'audio', audio_url: 'https://example.com/narration.mp3' } },
    ],
    [
      'audio_asset_id -> audio voice by asset',
      { script: undefined, voice_id: undefined, audio_asset_id: 'asset_audio_1' },
      { voice: { type: 'audio', audio_asset_id: 'asset_audio_1' } },
    ],
    [
      'image background by url',
      { background: { type: 'image', url: 'https://example.com/office.jpg' } },
      { background: { type: 'image', url: 'https://example.com/office.jpg' } },
    ],
    [
      'image background by asset_id -> image_asset_id',
      { background: { type: 'image', asset_id: 'asset_bg_9' } },
      { background: { type: 'image', image_asset_id: 'asset_bg_9' } },
    ],
    [
      'remove_background -> matting',
      { remove_background: true },
      { character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal', matting: true } },
    ],
    [
      'remove_background false -> no matting',
      { remove_background: false },
      { character: { type: 'avatar', avatar_id: 'Brent_sitting_office_front', avatar_style: 'normal' } },
    ],
  ])('%s', (_name, over, sceneParts) => {
    const body = toV2Generate(avatar(over));
    expect(body.video_inputs).toHaveLength(1);
    expect(body.video_inputs[0]).toMatchObject(sceneParts);
    expect(body.video_inputs[0]).toStrictEqual({ ...DOC_001_BODY.video_inputs[0], ...sceneParts });
  });

  it('keeps title and callback_id, never sends callback_url', () => {
    const body = toV2Generate(avatar({ title: 'Q3 update', callback_id: 'crm-42', callback_url: 'https://client.example.com/hook' }));
    expect(body).toStrictEqual({ ...DOC_001_BODY, title: 'Q3 update', callback_id: 'crm-42' });
    expect(JSON.stringify(body)).not.toContain('client.example.com');
  });

  it('a talking photo look becomes a talking_photo character', () => {
    const body = toV2Generate(avatar({ avatar_id: 'tp_123', remove_background: true }), { talkingPhoto: true });
    expect(body.video_inputs[0]?.character).toStrictEqual({ type: 'talking_photo', talking_photo_id: 'tp_123', matting: true });
  });

  it('a script without voice_id uses the default voice given', () => {
    const body = toV2Generate(avatar({ voice_id: null }), { defaultVoiceId: 'default_voice_7' });
    expect(body.video_inputs[0]?.voice).toStrictEqual({ type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'default_voice_7' });
  });

  it('an explicit voice_id wins over the default voice', () => {
    const body = toV2Generate(avatar(), { defaultVoiceId: 'default_voice_7' });
    expect(body.video_inputs[0]?.voice).toMatchObject({ voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' });
  });

  it.each([undefined, null])('a script without voice_id and default voice %s: invalid_parameter naming voice_id', (def) => {
    const err = caught(() => toV2Generate(avatar({ voice_id: undefined }), { defaultVoiceId: def }));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'invalid_parameter', 'voice_id']);
  });

  it('an image request is refused, never half-translated', () => {
    const err = caught(() => toV2Generate({ type: 'image', image: { type: 'url', url: 'https://example.com/p.jpg' }, script: 'Hi', voice_id: 'v' }));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'provider_capability_unsupported', 'type']);
  });
});

describe('toV2Generate: a legacy client\'s own body', () => {
  it('goes as it came (several scenes, v2-only settings) minus callback_url', () => {
    const legacy: V2GenerateBody = {
      video_inputs: [
        DOC_003_BODY.video_inputs[0]!,
        {
          character: { type: 'talking_photo', talking_photo_id: 'tp_1', talking_style: 'expressive', expression: 'happy' },
          voice: { type: 'silence', duration: 2 },
          background: { type: 'video', url: 'https://example.com/loop.mp4', play_style: 'loop' },
        },
      ],
      dimension: { width: 1280, height: 720 },
      caption: true,
      title: 'Two scenes',
      callback_id: 'cb-1',
      callback_url: 'https://client.example.com/hook',
      folder_id: 'folder_9',
      test: true,
    };
    const { callback_url: _dropped, ...expected } = legacy;
    // The v3 fields hold the first scene's translation; the legacy body wins.
    const req: VideoRequest = { ...avatar({ resolution: '4k' }), legacy };
    expect(toV2Generate(req, { defaultVoiceId: 'ignored' })).toStrictEqual(expected);
  });
});

describe('dimensionFor', () => {
  it.each<[string | null | undefined, string | null | undefined, { width: number; height: number }]>([
    ['720p', '16:9', { width: 1280, height: 720 }],
    ['720p', '9:16', { width: 720, height: 1280 }],
    ['720p', '1:1', { width: 720, height: 720 }],
    ['720p', 'auto', { width: 1280, height: 720 }],
    ['1080p', '16:9', { width: 1920, height: 1080 }],
    ['1080p', '9:16', { width: 1080, height: 1920 }],
    ['1080p', '1:1', { width: 1080, height: 1080 }],
    ['1080p', null, { width: 1920, height: 1080 }],
    ['4k', '16:9', { width: 3840, height: 2160 }],
    ['4k', '9:16', { width: 2160, height: 3840 }],
    ['4k', '1:1', { width: 2160, height: 2160 }],
    [undefined, undefined, { width: 1920, height: 1080 }],
    [null, '9:16', { width: 1080, height: 1920 }],
  ])('%s x %s -> %o', (res, aspect, dim) => {
    expect(dimensionFor(res, aspect)).toStrictEqual(dim);
  });

  it.each(['4:5', '5:4'])('%s is a capability error naming aspect_ratio', (aspect) => {
    const err = caught(() => dimensionFor('1080p', aspect));
    expect([err.code, err.param]).toStrictEqual(['provider_capability_unsupported', 'aspect_ratio']);
  });
});

describe('v2Unsupported', () => {
  it('a plain avatar request is fully honoured', () => {
    expect(v2Unsupported(avatar({ resolution: '4k', aspect_ratio: '9:16', output_format: 'mp4', title: 't' }))).toStrictEqual([]);
  });

  it.each<[string, VideoRequest, string]>([
    ['type image', { type: 'image', image: { type: 'url', url: 'https://example.com/p.jpg' }, script: 'Hi', voice_id: 'v' }, 'type'],
    ['motion_prompt', avatar({ motion_prompt: 'wave' }), 'motion_prompt'],
    ['engine avatar_iv', avatar({ engine: { type: 'avatar_iv' } }), 'engine'],
    ['engine avatar_v', avatar({ engine: { type: 'avatar_v' } }), 'engine'],
    ['expressiveness', avatar({ expressiveness: 'high' }), 'expressiveness'],
    ['aspect_ratio 4:5', avatar({ aspect_ratio: '4:5' }), 'aspect_ratio'],
    ['aspect_ratio 5:4', avatar({ aspect_ratio: '5:4' }), 'aspect_ratio'],
    ['output_format webm', avatar({ output_format: 'webm' }), 'output_format'],
  ])('%s', (_name, req, param) => {
    const out = v2Unsupported(req);
    expect(out.map((u) => u.param)).toStrictEqual([param]);
    expect(out[0]?.reason).toMatch(/\w/);
  });

  it('null fields are absent fields', () => {
    expect(v2Unsupported(avatar({ motion_prompt: null, engine: null, expressiveness: null, aspect_ratio: null, output_format: null }))).toStrictEqual([]);
  });

  it('reports every field at once, in a stable order', () => {
    const req: VideoRequest = {
      type: 'image',
      image: { type: 'url', url: 'https://example.com/p.jpg' },
      script: 'Hi',
      voice_id: 'v',
      motion_prompt: 'nod',
      engine: { type: 'avatar_iv' },
      expressiveness: 'low',
      aspect_ratio: '4:5',
      output_format: 'webm',
    };
    expect(v2Unsupported(req).map((u) => u.param)).toStrictEqual(['type', 'motion_prompt', 'engine', 'expressiveness', 'aspect_ratio', 'output_format']);
  });
});
