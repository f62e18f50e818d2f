import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Opt, UrlOrAsset, page, pageQuery, single } from './common.js';

export const TranslationStatus = StringEnum(['pending', 'running', 'completed', 'failed']);
export type TranslationStatus = Static<typeof TranslationStatus>;

export const TranslationCreate = Type.Object(
  {
    video: UrlOrAsset,
    title: Opt(Type.String({ maxLength: 1000 })),
    output_languages: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 50 }),
    audio: Opt(UrlOrAsset),
    input_language: Opt(Type.String({ maxLength: 128 })),
    translate_audio_only: Type.Optional(Type.Boolean({ default: false })),
    speaker_num: Opt(Type.Integer({ minimum: 1, maximum: 20 })),
    mode: Type.Optional(StringEnum(['speed', 'precision'], { default: 'speed' })),
    callback_url: Opt(Type.String({ maxLength: 2048 })),
    callback_id: Opt(Type.String({ maxLength: 256 })),
    enable_caption: Type.Optional(Type.Boolean({ default: false })),
    keep_the_same_format: Opt(Type.Boolean()),
    enable_dynamic_duration: Type.Optional(Type.Boolean({ default: true })),
    disable_music_track: Type.Optional(Type.Boolean({ default: false })),
    enable_speech_enhancement: Type.Optional(Type.Boolean({ default: false })),
    enable_watermark: Type.Optional(Type.Boolean({ default: false })),
    start_time: Opt(Type.Number({ minimum: 0 })),
    end_time: Opt(Type.Number({ minimum: 0 })),
    brand_voice_id: Opt(Type.String({ maxLength: 256 })),
    srt: Opt(UrlOrAsset),
    srt_role: Opt(StringEnum(['input', 'output'])),
    fps_mode: Opt(Type.String({ maxLength: 32 })),
    folder_id: Opt(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false, title: 'CreateVideoTranslationRequest' },
);
export type TranslationCreate = Static<typeof TranslationCreate>;

export const TranslationCreated = Type.Object({ video_translation_ids: Type.Array(Type.String()) });
export const TranslationCreateResponse = single(TranslationCreated);

export const TranslationDetail = Type.Object(
  {
    id: Type.String(),
    title: Opt(Type.String()),
    status: TranslationStatus,
    output_language: Opt(Type.String()),
    input_language: Opt(Type.String()),
    duration: Opt(Type.Number()),
    translate_audio_only: Opt(Type.Boolean()),
    video_url: Opt(Type.String()),
    audio_url: Opt(Type.String()),
    callback_id: Opt(Type.String()),
    created_at: Opt(Type.Integer()),
    failure_message: Opt(Type.String()),
  },
  { title: 'VideoTranslationDetail' },
);
export type TranslationDetail = Static<typeof TranslationDetail>;

export const TranslationIdParams = Type.Object({
  video_translation_id: Type.String({ minLength: 1, maxLength: 128 }),
});
export const TranslationListQuery = pageQuery(10, 100, {});
export const TranslationListResponse = page(TranslationDetail);
export const TranslationGetResponse = single(TranslationDetail);
export const LanguagesResponse = single(Type.Object({ languages: Type.Array(Type.String()) }));
