/**
 * Shapes of the legacy inbound surface (v2/v1 routes a legacy HeyGen client calls), per the legacy
 * facts in DESIGN.md, 001_f1de937382e1c461.txt and 003_37465d87d070bf7f.txt. The v2 generate body
 * itself is `V2GenerateBody` in ../schemas/legacy.ts. Two envelopes: v2 answers
 * `{"error":null,"data"}`, v1 answers `{"code":100,"message":"Success","data"}`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Nullable, Opt, StringEnum } from '../schemas/common.js';

const v2 = <T extends TSchema>(data: T) => Type.Object({ error: Type.Null(), data });
const v1 = <T extends TSchema>(data: T) => Type.Object({ code: Type.Literal(100), message: Type.String(), data });

// ---- errors -------------------------------------------------------------------------------

export const V2ErrorEnvelope = Type.Object(
  { data: Type.Null(), error: Type.Object({ code: Type.String({ examples: ['invalid_parameter'] }), message: Type.String() }) },
  { $id: 'LegacyV2Error', description: 'Legacy v2 error: a string code, and the HTTP status of the failure.' },
);
export type V2ErrorEnvelope = Static<typeof V2ErrorEnvelope>;

export const V1ErrorEnvelope = Type.Object(
  { code: Type.Integer({ examples: [400404] }), message: Type.String() },
  { $id: 'LegacyV1Error', description: 'Legacy v1 error: `code` is 400000 + the HTTP status of the failure.' },
);
export type V1ErrorEnvelope = Static<typeof V1ErrorEnvelope>;

const errorsOf = (ref: string) => {
  const r = Type.Ref(ref);
  return { 400: r, 401: r, 402: r, 403: r, 404: r, 409: r, 413: r, 415: r, 429: r, 500: r, 502: r, 503: r, 504: r };
};
export const v2ErrorResponses = errorsOf('LegacyV2Error');
export const v1ErrorResponses = errorsOf('LegacyV1Error');

// ---- POST /v2/video/generate ----------------------------------------------------------------

export const V2GenerateAnswer = v2(Type.Object({ video_id: Type.String() }));

// ---- GET /v1/video_status.get ---------------------------------------------------------------

/** v1's words; `waiting` is v1's too but the normalized model calls it pending. */
export const V1VideoStatus = StringEnum(['pending', 'processing', 'completed', 'failed']);
export type V1VideoStatus = Static<typeof V1VideoStatus>;

export const V1VideoError = Type.Object({
  code: Type.Integer({ examples: [40119] }),
  message: Type.String(),
  detail: Nullable(Type.String()),
});
export type V1VideoError = Static<typeof V1VideoError>;

export const V1VideoStatusData = Type.Object({
  id: Type.String(),
  status: V1VideoStatus,
  callback_id: Nullable(Type.String()),
  caption_url: Nullable(Type.String()),
  created_at: Nullable(Type.Integer()),
  duration: Nullable(Type.Number()),
  gif_url: Nullable(Type.String()),
  thumbnail_url: Nullable(Type.String()),
  video_url: Nullable(Type.String()),
  video_url_caption: Nullable(Type.String()),
  error: Nullable(V1VideoError),
});
export type V1VideoStatusData = Static<typeof V1VideoStatusData>;

export const V1VideoStatusQuery = Type.Object({ video_id: Type.String({ minLength: 1, maxLength: 128 }) });
export const V1VideoStatusAnswer = v1(V1VideoStatusData);

// ---- /v2/video_translate --------------------------------------------------------------------

export const V2TranslateBody = Type.Object(
  {
    video_url: Type.String({ minLength: 1, maxLength: 4096 }),
    output_language: Type.String({ minLength: 1, maxLength: 128 }),
    title: Opt(Type.String({ maxLength: 1000 })),
    translate_audio_only: Opt(Type.Boolean()),
    speaker_num: Opt(Type.Integer({ minimum: 1, maximum: 20 })),
    callback_id: Opt(Type.String({ maxLength: 256 })),
    callback_url: Opt(Type.String({ maxLength: 2048 })),
    enable_dynamic_duration: Opt(Type.Boolean()),
    brand_voice_id: Opt(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false, title: 'V2VideoTranslateRequest' },
);
export type V2TranslateBody = Static<typeof V2TranslateBody>;

export const V2TranslateCreateAnswer = v2(Type.Object({ video_translate_id: Type.String() }));

export const V2TranslateStatus = StringEnum(['pending', 'running', 'success', 'failed']);
export type V2TranslateStatus = Static<typeof V2TranslateStatus>;

export const V2TranslateData = Type.Object({
  video_translate_id: Type.String(),
  title: Nullable(Type.String()),
  status: V2TranslateStatus,
  url: Nullable(Type.String()),
  message: Nullable(Type.String()),
});
export type V2TranslateData = Static<typeof V2TranslateData>;

export const V2TranslateIdParams = Type.Object({ video_translate_id: Type.String({ minLength: 1, maxLength: 128 }) });
export const V2TranslateAnswer = v2(V2TranslateData);
export const V2LanguagesAnswer = v2(Type.Object({ languages: Type.Array(Type.String()) }));

// ---- GET /v2/avatars, GET /v2/voices --------------------------------------------------------

export const V2Avatar = Type.Object({
  avatar_id: Type.String(),
  avatar_name: Type.String(),
  gender: Nullable(Type.String()),
  preview_image_url: Nullable(Type.String()),
  preview_video_url: Nullable(Type.String()),
  premium: Type.Boolean(),
  default_voice_id: Nullable(Type.String()),
});
export type V2Avatar = Static<typeof V2Avatar>;

export const V2TalkingPhoto = Type.Object({
  talking_photo_id: Type.String(),
  talking_photo_name: Type.String(),
  preview_image_url: Nullable(Type.String()),
});
export type V2TalkingPhoto = Static<typeof V2TalkingPhoto>;

export const V2AvatarsData = Type.Object({ avatars: Type.Array(V2Avatar), talking_photos: Type.Array(V2TalkingPhoto) });
export type V2AvatarsData = Static<typeof V2AvatarsData>;
export const V2AvatarsAnswer = v2(V2AvatarsData);

export const V2Voice = Type.Object({
  voice_id: Type.String(),
  language: Type.String(),
  gender: Type.String(),
  name: Type.String(),
  preview_audio: Nullable(Type.String()),
  support_pause: Type.Boolean(),
  emotion_support: Type.Boolean(),
});
export type V2Voice = Static<typeof V2Voice>;
export const V2VoicesAnswer = v2(Type.Object({ voices: Type.Array(V2Voice) }));

// ---- POST /v1/asset -------------------------------------------------------------------------

/** The Content-Types v1 upload takes; the file's bytes must agree (they are sniffed, never trusted). */
export const V1_ASSET_TYPES = ['image/png', 'image/jpeg', 'video/mp4', 'video/webm', 'audio/mpeg'] as const;

export const V1AssetData = Type.Object({
  id: Type.String(),
  name: Type.String(),
  file_type: StringEnum(['image', 'video', 'audio']),
  url: Type.String(),
  image_key: Nullable(Type.String()),
});
export type V1AssetData = Static<typeof V1AssetData>;
export const V1AssetAnswer = v1(V1AssetData);

/** For the OpenAPI document only: the body is the raw file, streamed on. */
export const V1AssetBody = Type.String({ format: 'binary' });
