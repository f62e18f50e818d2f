import { describe, expect, it } from 'vitest';
import type { VideoCreate } from '../../src/api/schemas/videos.js';
import type { TranslationCreate } from '../../src/api/schemas/translations.js';
import type { V2GenerateBody } from '../../src/api/schemas/legacy.js';
import { AccountConfig, type AccountConfig as Account, type ProviderName } from '../../src/config/schema.js';
import type { VideoRequest } from '../../src/core/adapter.js';
import { v2GenerateToVideoRequest } from '../../src/api/legacy/translate.js';
import {
  actualTranslationCost,
  actualVideoCost,
  avatarKindOf,
  DEFAULT_AUDIO_SECONDS,
  DEFAULT_TRANSLATION_SECONDS,
  estimateAvatarCreationCost,
  estimateCost,
  estimateTranslationCost,
  estimateTranslationSeconds,
  estimateVideoCost,
  estimateVideoSeconds,
  monthOf,
  priceTable,
  scriptSeconds,
  translationProduct,
  type AvatarKind,
} from '../../src/core/pricing.js';

const account = (provider: ProviderName, extra: Record<string, unknown> = {}): Account =>
  AccountConfig.parse({
    id: `${provider}-acct`,
    provider,
    base_url: 'https://upstream.example',
    api_key: 'k',
    ...(provider === 'cloudsway' ? { endpoint_path: 'EP' } : {}),
    ...extra,
  });

const v3 = account('heygen-v3');
const v2 = account('heygen-v2');

/** HeyGen's "Avatar Video" example body (docs: POST /v3/videos): 5 words -> 2 s at 2.5 words/s. */
const VIDEO: VideoCreate = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
};
/** The Digital Twin guide's example (docs: "Using Avatar IV (default)"): 15 words -> 6 s. */
const TWIN_SCRIPT = 'Hello! I am your Digital Twin. This video was generated entirely through the HeyGen API.';
/** The "Models" page example: 4 words -> 1.6 s. */
const MODELS_EXAMPLE: VideoCreate = {
  type: 'avatar',
  avatar_id: 'YOUR_LOOK_ID',
  script: 'Hello from Avatar IV.',
  voice_id: 'YOUR_VOICE_ID',
  resolution: '1080p',
};
/** Translation examples (docs: "Video Translation"), verbatim. */
const TRANSLATE: TranslationCreate = {
  video: { type: 'url', url: '' },
  output_languages: ['Spanish'],
  mode: 'speed',
  title: 'My Translated Video',
};
const TRANSLATE_BATCH: TranslationCreate = {
  video: { type: 'url', url: '' },
  output_languages: ['English', 'Spanish', 'French'],
  mode: 'speed',
  title: 'Global Campaign',
};
/** 003's quick-start v2 body (1280x720), verbatim. */
const V2_QUICKSTART: V2GenerateBody = {
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the HeyGen API!', voice_id: '2d5b0e6cf36f460aa7fc47e3eee4ba54' },
      background: { type: 'color', value: '#008000' },
    },
  ],
  dimension: { width: 1280, height: 720 },
};

describe('default prices (002, "# Self-Serve Pricing")', () => {
  // "Video Generation — Avatar IV & V": 720p / 1080p | 4K
  const avatarIvV: Array<[AvatarKind, number, number]> = [
    ['photo_avatar', 0.05, 0.0667],
    ['digital_twin', 0.0667, 0.0833],
    ['studio_avatar', 0.0667, 0.0833],
  ];
  for (const provider of ['heygen-v3', 'cloudsway', 'gmi'] as const) {
    it.each(avatarIvV)(`${provider}: Avatar IV & V %s is $%s/s at 720p and 1080p, $%s/s at 4K`, (kind, hd, uhd) => {
      const t = priceTable(account(provider));
      expect(t.video[kind]).toEqual({ '720p': hd, '1080p': hd, '4k': uhd });
    });
  }

  // "Video Generation — Avatar III": the engine of the v1/v2 legacy endpoints ("Models").
  for (const provider of ['heygen-v2', 'heygen-v1'] as const) {
    it.each(['photo_avatar', 'digital_twin', 'studio_avatar'] as const)(`${provider}: Avatar III %s is $0.0167/s, 4K $0.02/s`, (kind) => {
      expect(priceTable(account(provider)).video[kind]).toEqual({ '720p': 0.0167, '1080p': 0.0167, '4k': 0.02 });
    });
  }

  it.each(['heygen-v3', 'heygen-v2', 'heygen-v1', 'cloudsway', 'gmi'] as const)('%s: translation and per-call defaults', (provider) => {
    const t = priceTable(account(provider));
    // "Video Translation": Speed — Audio Only $0.0167, Speed — Lip Sync $0.0333, Precision — Lip Sync $0.0667 per second.
    expect(t.translation).toEqual({ speed_audio_only: 0.0167, speed: 0.0333, precision: 0.0667 });
    // "Avatar Creation": $1.00 per call each; no per-call fee on videos or translations.
    expect(t.per_call).toEqual({ video: 0, translation: 0, avatar_creation: { digital_twin: 1, photo_avatar: 1 } });
  });
});

describe('per-account pricing overrides', () => {
  it('a number at video is one rate for every avatar type and resolution', () => {
    const t = priceTable(account('heygen-v3', { pricing: { video: 0.04 } }));
    for (const kind of ['photo_avatar', 'digital_twin', 'studio_avatar'] as const) {
      expect(t.video[kind]).toEqual({ '720p': 0.04, '1080p': 0.04, '4k': 0.04 });
    }
  });

  it('per type and per resolution; anything left out keeps the provider default', () => {
    const t = priceTable(account('heygen-v3', { pricing: { video: { photo_avatar: 0.03, digital_twin: { '4k': 0.1 } } } }));
    expect(t.video).toEqual({
      photo_avatar: { '720p': 0.03, '1080p': 0.03, '4k': 0.03 },
      digital_twin: { '720p': 0.0667, '1080p': 0.0667, '4k': 0.1 },
      studio_avatar: { '720p': 0.0667, '1080p': 0.0667, '4k': 0.0833 },
    });
  });

  it('translation by mode (or one number), and per-call fees', () => {
    const t = priceTable(
      account('gmi', {
        pricing: { translation: { precision: 0.09 }, per_call: { video: 0.25, translation: 0.1, avatar_creation: 2 } },
      }),
    );
    expect(t.translation).toEqual({ speed_audio_only: 0.0167, speed: 0.0333, precision: 0.09 });
    expect(t.per_call).toEqual({ video: 0.25, translation: 0.1, avatar_creation: { digital_twin: 2, photo_avatar: 2 } });
    expect(priceTable(account('gmi', { pricing: { translation: 0.02 } })).translation).toEqual({ speed_audio_only: 0.02, speed: 0.02, precision: 0.02 });
  });

  it('the example config shape (video number, translation by mode) still parses', () => {
    const t = priceTable(account('heygen-v3', { pricing: { video: 0.0667, translation: { speed: 0.0333, precision: 0.0667 } } }));
    expect(t.video.photo_avatar['720p']).toBe(0.0667);
    expect(t.translation.precision).toBe(0.0667);
  });

  it('the config refuses unknown pricing keys and negative rates', () => {
    expect(AccountConfig.safeParse({ id: 'a', provider: 'heygen-v3', base_url: 'https://x.example', api_key: 'k', pricing: { videos: 1 } }).success).toBe(false);
    expect(
      AccountConfig.safeParse({ id: 'a', provider: 'heygen-v3', base_url: 'https://x.example', api_key: 'k', pricing: { video: { studio_avatar: { '8k': 1 } } } })
        .success,
    ).toBe(false);
    expect(AccountConfig.safeParse({ id: 'a', provider: 'heygen-v3', base_url: 'https://x.example', api_key: 'k', pricing: { video: -1 } }).success).toBe(false);
  });
});

describe('estimateVideoSeconds', () => {
  it.each<[string, string, number, number]>([
    ['the docs Avatar Video example (5 words)', VIDEO.script!, 1, 2],
    ['the Digital Twin guide example (15 words)', TWIN_SCRIPT, 1, 6],
    ['the Models page example (4 words)', MODELS_EXAMPLE.script!, 1, 1.6],
    ['one word is the 1 s minimum', 'Hi.', 1, 1],
    ['punctuation alone is not a word', 'Hello — big wide world !', 1, 1.6],
    ['150 words is one minute', Array.from({ length: 150 }, () => 'word').join(' '), 1, 60],
    ['speed 1.25 speaks faster', Array.from({ length: 50 }, () => 'word').join(' '), 1.25, 16],
    ['speed 0.5 speaks slower', Array.from({ length: 50 }, () => 'word').join(' '), 0.5, 40],
    ['CJK at 4 characters per second', '欢迎使用我们的产品', 1, 2.25],
    ['break tags add their pause', 'Hello there <break time="1.5s"/> friends <break time="500ms"/> again', 1, 3.6],
  ])('%s', (_label, script, speed, seconds) => {
    const req: VideoCreate = { ...VIDEO, script, voice_settings: { speed } };
    expect(estimateVideoSeconds(req)).toBeCloseTo(seconds, 10);
  });

  it('scriptSeconds is unrounded and has no minimum', () => {
    expect(scriptSeconds('Hi')).toBe(0.4);
    expect(scriptSeconds('')).toBe(0);
  });

  it('audio of unknown length is DEFAULT_AUDIO_SECONDS (60 s); a known length is used', () => {
    const audio: VideoCreate = { type: 'avatar', avatar_id: 'look_def456', audio_url: 'https://example.com/a.mp3' };
    expect(DEFAULT_AUDIO_SECONDS).toBe(60);
    expect(estimateVideoSeconds(audio)).toBe(60);
    expect(estimateVideoSeconds({ type: 'avatar', avatar_id: 'x', audio_asset_id: 'asset_1' })).toBe(60);
    expect(estimateVideoSeconds(audio, { audioSeconds: 12.5 })).toBe(12.5);
  });

  it('a legacy body sums its scenes: text by words, audio by default, silence by duration (default 1 s)', () => {
    const body: V2GenerateBody = {
      video_inputs: [
        V2_QUICKSTART.video_inputs[0]!, // 5 words -> 2 s
        { character: { type: 'talking_photo', talking_photo_id: 'tp_1' }, voice: { type: 'audio', audio_url: 'https://example.com/a.mp3' } }, // 60 s
        { character: { type: 'avatar', avatar_id: 'a' }, voice: { type: 'silence', duration: 3 } }, // 3 s
        { character: { type: 'avatar', avatar_id: 'a' }, voice: { type: 'silence' } }, // 1 s
        { character: { type: 'avatar', avatar_id: 'a' }, voice: { type: 'text', input_text: 'one two three four five', voice_id: 'v', speed: 0.5 } }, // 4 s
      ],
    };
    expect(estimateVideoSeconds(v2GenerateToVideoRequest(body))).toBe(70);
    // A known audio length belongs to a single-scene video only.
    expect(estimateVideoSeconds(v2GenerateToVideoRequest(body), { audioSeconds: 5 })).toBe(70);
  });
});

describe('estimateVideoCost / actualVideoCost', () => {
  it.each<[string, Account, Partial<VideoCreate>, AvatarKind | undefined, number]>([
    // 2 s of the docs example; an avatar look of unknown type is priced as studio avatar / digital twin.
    ['heygen-v3, unknown look, 1080p', v3, {}, undefined, 0.1334],
    ['heygen-v3, photo avatar look', v3, {}, 'photo_avatar', 0.1],
    ['heygen-v3, digital twin, 4k', v3, { resolution: '4k' }, 'digital_twin', 0.1666],
    ['heygen-v3, photo avatar, 4k', v3, { resolution: '4k' }, 'photo_avatar', 0.1334],
    ['heygen-v3, 720p = 1080p price', v3, { resolution: '720p' }, 'studio_avatar', 0.1334],
    ['heygen-v2 (Avatar III)', v2, {}, undefined, 0.0334],
    ['heygen-v2 (Avatar III), 4k', v2, { resolution: '4k' }, 'digital_twin', 0.04],
    ['cloudsway', account('cloudsway'), {}, 'photo_avatar', 0.1],
    ['gmi', account('gmi'), {}, undefined, 0.1334],
  ])('%s', (_label, acct, extra, avatarType, usd) => {
    expect(estimateVideoCost(acct, { ...VIDEO, ...extra } as VideoCreate, { avatarType })).toBe(usd);
  });

  it('type "image" animates a photo: photo avatar rate', () => {
    const image: VideoCreate = { type: 'image', image: { type: 'url', url: 'https://example.com/face.png' }, script: VIDEO.script, voice_id: 'v' };
    expect(estimateVideoCost(v3, image)).toBe(0.1);
  });

  it('the same engine tier is billed whatever the engine (Avatar IV & V share a price)', () => {
    expect(estimateVideoCost(v3, { ...VIDEO, engine: { type: 'avatar_v' } })).toBe(estimateVideoCost(v3, VIDEO));
  });

  it('adds the per-call fee', () => {
    expect(estimateVideoCost(account('gmi', { pricing: { video: 0.01, per_call: { video: 0.5 } } }), VIDEO)).toBe(0.52);
  });

  it('a legacy body: Avatar III on heygen-v2, rate by its dimension; talking photos at the photo rate', () => {
    const req = v2GenerateToVideoRequest(V2_QUICKSTART); // 5 words -> 2 s, 1280x720
    expect(estimateVideoCost(v2, req)).toBe(0.0334);
    expect(estimateVideoCost(v3, req)).toBe(0.1334);
    const mixed = v2GenerateToVideoRequest({
      video_inputs: [
        { character: { type: 'avatar', avatar_id: 'a' }, voice: { type: 'silence', duration: 10 } },
        { character: { type: 'talking_photo', talking_photo_id: 'tp' }, voice: { type: 'silence', duration: 10 } },
      ],
    });
    // 10 s studio at 0.0667 + 10 s photo at 0.05
    expect(estimateVideoCost(v3, mixed)).toBe(1.167);
    // The reported duration is split by the same weights: 30 s at the average rate 0.05835.
    expect(actualVideoCost(v3, mixed, 30)).toBe(1.7505);
  });

  it('actual cost comes from the reported duration, not the estimate', () => {
    expect(actualVideoCost(v3, VIDEO, 12.34)).toBe(0.823078);
    expect(actualVideoCost(v3, VIDEO, 12.34, { avatarType: 'photo_avatar' })).toBe(0.617);
    expect(actualVideoCost(v2, { ...VIDEO, resolution: '4k' }, 100)).toBe(2);
    expect(actualVideoCost(v3, VIDEO, 0)).toBe(0);
  });
});

describe('translations', () => {
  it.each<[string, Partial<TranslationCreate>, string]>([
    ['speed (default)', {}, 'speed'],
    ['speed lip sync', { mode: 'speed' }, 'speed'],
    ['speed audio only', { mode: 'speed', translate_audio_only: true }, 'speed_audio_only'],
    ['precision', { mode: 'precision' }, 'precision'],
    ['precision audio only has no cheaper published rate', { mode: 'precision', translate_audio_only: true }, 'precision'],
  ])('%s', (_label, extra, product) => {
    expect(translationProduct({ ...TRANSLATE, ...extra })).toBe(product);
  });

  it.each<[string, Partial<TranslationCreate>, number | undefined, number]>([
    ['unknown source length: DEFAULT_TRANSLATION_SECONDS', {}, undefined, DEFAULT_TRANSLATION_SECONDS],
    ['known source length', {}, 95, 95],
    ['end_time cuts', { start_time: 10, end_time: 40 }, undefined, 30],
    ['end_time past the source is the source end', { start_time: 10, end_time: 400 }, 95, 85],
    ['start_time only, known source', { start_time: 15 }, 95, 80],
    ['start_time only, unknown source', { start_time: 15 }, undefined, DEFAULT_TRANSLATION_SECONDS],
    ['never below 1 s', { start_time: 10, end_time: 10 }, undefined, 1],
  ])('seconds: %s', (_label, extra, source, seconds) => {
    expect(estimateTranslationSeconds({ ...TRANSLATE, ...extra }, source)).toBe(seconds);
  });

  it('estimates: rate by mode x seconds x output languages', () => {
    expect(DEFAULT_TRANSLATION_SECONDS).toBe(60);
    expect(estimateTranslationCost(v3, TRANSLATE)).toBe(1.998); // 60 s x 0.0333
    expect(estimateTranslationCost(v3, TRANSLATE_BATCH)).toBe(5.994); // three languages
    expect(estimateTranslationCost(v3, { ...TRANSLATE, mode: 'precision' }, 30)).toBe(2.001);
    expect(estimateTranslationCost(v3, { ...TRANSLATE, translate_audio_only: true }, 100)).toBe(1.67);
    expect(estimateTranslationCost(account('cloudsway', { pricing: { per_call: { translation: 0.5 } } }), TRANSLATE_BATCH, 10)).toBe(2.499);
  });

  it('actual cost is per job (one output language) from its reported duration', () => {
    expect(actualTranslationCost(v3, TRANSLATE_BATCH, 42)).toBe(1.3986);
    expect(actualTranslationCost(v3, { ...TRANSLATE, mode: 'precision' }, 42)).toBe(2.8014);
  });
});

describe('avatar creation and estimateCost', () => {
  it.each<[string, 'photo' | 'digital_twin' | 'video' | 'prompt', number]>([
    ['photo', 'photo', 1],
    ['digital twin', 'digital_twin', 1],
    ['video avatar (from footage) as a digital twin', 'video', 1],
    ['prompt avatar as a photo avatar', 'prompt', 1],
  ])('%s costs $1.00 per call', (_label, type, usd) => {
    const req = type === 'prompt' ? { type, name: 'n', prompt: 'p' } : { type, name: 'n', file: { type: 'url' as const, url: 'https://example.com/f' } };
    expect(estimateAvatarCreationCost(v3, req)).toBe(usd);
  });

  it('per-call overrides by avatar type', () => {
    const acct = account('heygen-v3', { pricing: { per_call: { avatar_creation: { digital_twin: 3 } } } });
    expect(estimateAvatarCreationCost(acct, { type: 'digital_twin', name: 'n', file: { type: 'asset_id', asset_id: 'a' } })).toBe(3);
    expect(estimateAvatarCreationCost(acct, { type: 'photo', name: 'n', file: { type: 'asset_id', asset_id: 'a' } })).toBe(1);
  });

  it('dispatches by operation', () => {
    expect(estimateCost(v3, 'video.create', VIDEO as VideoRequest)).toBe(0.1334);
    expect(estimateCost(v3, 'video.create', VIDEO as VideoRequest, { avatarType: 'photo_avatar' })).toBe(0.1);
    expect(estimateCost(v3, 'translation.create', TRANSLATE, { sourceSeconds: 10 })).toBe(0.333);
    expect(estimateCost(v3, 'avatar.create', { type: 'photo', name: 'n', file: { type: 'asset_id', asset_id: 'a' } })).toBe(1);
  });

  it('cheapest ordering between providers follows the tables', () => {
    const costs = [v3, v2, account('gmi', { pricing: { video: 0.02 } })].map((a) => [a.provider, estimateVideoCost(a, VIDEO)]);
    expect(costs).toEqual([
      ['heygen-v3', 0.1334],
      ['heygen-v2', 0.0334],
      ['gmi', 0.04],
    ]);
  });
});

describe('avatarKindOf', () => {
  it.each<[string | null | undefined, AvatarKind | undefined]>([
    ['studio_avatar', 'studio_avatar'],
    ['digital_twin', 'digital_twin'],
    ['photo_avatar', 'photo_avatar'],
    ['video_avatar', 'digital_twin'],
    ['something_new', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%s -> %s', (type, kind) => {
    expect(avatarKindOf(type)).toBe(kind);
  });
});

describe('monthOf', () => {
  it.each<[number, string]>([
    [0, '1970-01'],
    [Date.UTC(2026, 0, 31, 23, 59, 59, 999), '2026-01'],
    [Date.UTC(2026, 1, 1, 0, 0, 0, 0), '2026-02'],
    [Date.UTC(2026, 11, 31, 23, 59, 59), '2026-12'],
    // 2026-03-01T00:30+01:00 is still February in UTC.
    [Date.parse('2026-03-01T00:30:00+01:00'), '2026-02'],
  ])('%s -> %s', (ms, month) => {
    expect(monthOf(ms)).toBe(month);
  });
});
