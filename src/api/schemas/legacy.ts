/**
 * Legacy HeyGen v2 shapes (POST /v2/video/generate and friends), per 001_f1de937382e1c461.txt and
 * the legacy facts in DESIGN.md. Used by the legacy inbound routes, and as the exact body the
 * v2-speaking adapters (heygen-v2, gmi) send when a legacy client's request reaches them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Tagged } from './common.js';

const Offset = Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false });

export const V2AvatarCharacter = Type.Object(
  {
    type: Type.Literal('avatar'),
    avatar_id: Type.String({ minLength: 1, maxLength: 256 }),
    scale: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    avatar_style: Type.Optional(StringEnum(['circle', 'normal', 'closeUp'])),
    offset: Type.Optional(Offset),
    matting: Type.Optional(Type.Boolean()),
    circle_background_color: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export const V2TalkingPhotoCharacter = Type.Object(
  {
    type: Type.Literal('talking_photo'),
    talking_photo_id: Type.String({ minLength: 1, maxLength: 256 }),
    scale: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    talking_photo_style: Type.Optional(StringEnum(['square', 'circle'])),
    offset: Type.Optional(Offset),
    talking_style: Type.Optional(StringEnum(['stable', 'expressive'])),
    expression: Type.Optional(StringEnum(['default', 'happy'])),
    super_resolution: Type.Optional(Type.Boolean()),
    matting: Type.Optional(Type.Boolean()),
    circle_background_color: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

export const V2TextVoice = Type.Object(
  {
    type: Type.Literal('text'),
    voice_id: Type.String({ minLength: 1, maxLength: 256 }),
    input_text: Type.String({ minLength: 1, maxLength: 5000 }),
    speed: Type.Optional(Type.Number({ minimum: 0.5, maximum: 1.5 })),
    pitch: Type.Optional(Type.Number({ minimum: -50, maximum: 50 })),
    emotion: Type.Optional(StringEnum(['Excited', 'Friendly', 'Serious', 'Soothing', 'Broadcaster'])),
    locale: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export const V2AudioVoice = Type.Object(
  {
    type: Type.Literal('audio'),
    audio_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    audio_asset_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export const V2SilenceVoice = Type.Object(
  { type: Type.Literal('silence'), duration: Type.Optional(Type.Number({ minimum: 1, maximum: 100 })) },
  { additionalProperties: false },
);

const Fit = StringEnum(['cover', 'crop', 'contain', 'none']);
export const V2ColorBackground = Type.Object(
  { type: Type.Literal('color'), value: Type.Optional(Type.String({ maxLength: 32 })) },
  { additionalProperties: false },
);
export const V2ImageBackground = Type.Object(
  {
    type: Type.Literal('image'),
    url: Type.Optional(Type.String({ maxLength: 4096 })),
    image_asset_id: Type.Optional(Type.String({ maxLength: 256 })),
    fit: Type.Optional(Fit),
  },
  { additionalProperties: false },
);
export const V2VideoBackground = Type.Object(
  {
    type: Type.Literal('video'),
    url: Type.Optional(Type.String({ maxLength: 4096 })),
    video_asset_id: Type.Optional(Type.String({ maxLength: 256 })),
    play_style: Type.Optional(StringEnum(['fit_to_scene', 'freeze', 'loop', 'once'])),
    fit: Type.Optional(Fit),
  },
  { additionalProperties: false },
);

export const V2VideoInput = Type.Object(
  {
    character: Type.Optional(Tagged([V2AvatarCharacter, V2TalkingPhotoCharacter])),
    voice: Tagged([V2TextVoice, V2AudioVoice, V2SilenceVoice]),
    background: Type.Optional(Tagged([V2ColorBackground, V2ImageBackground, V2VideoBackground])),
  },
  { additionalProperties: false },
);
export type V2VideoInput = Static<typeof V2VideoInput>;

export const V2Dimension = Type.Object(
  { width: Type.Integer({ minimum: 128, maximum: 4096 }), height: Type.Integer({ minimum: 128, maximum: 4096 }) },
  { additionalProperties: false },
);
export type V2Dimension = Static<typeof V2Dimension>;

export const V2GenerateBody = Type.Object(
  {
    video_inputs: Type.Array(V2VideoInput, { minItems: 1, maxItems: 50 }),
    dimension: Type.Optional(V2Dimension),
    caption: Type.Optional(Type.Boolean()),
    title: Type.Optional(Type.String({ maxLength: 1000 })),
    callback_id: Type.Optional(Type.String({ maxLength: 256 })),
    callback_url: Type.Optional(Type.String({ maxLength: 2048 })),
    folder_id: Type.Optional(Type.String({ maxLength: 256 })),
    test: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'V2VideoGenerateRequest' },
);
export type V2GenerateBody = Static<typeof V2GenerateBody>;
