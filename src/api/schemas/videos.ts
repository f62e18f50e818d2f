import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Tagged, FileInput, Nullable, Opt, page, pageQuery, single } from './common.js';

export const VideoStatus = StringEnum(['pending', 'processing', 'completed', 'failed']);
export type VideoStatus = Static<typeof VideoStatus>;

export const VideoResolution = StringEnum(['4k', '1080p', '720p']);
/** The OpenAPI file lists 16:9 and 9:16; the newer docs add auto, 4:5, 5:4 and 1:1. */
export const VideoAspectRatio = StringEnum(['auto', '16:9', '9:16', '4:5', '5:4', '1:1']);

export const BackgroundSetting = Type.Object(
  {
    type: StringEnum(['color', 'image']),
    value: Opt(Type.String({ maxLength: 64 })),
    url: Opt(Type.String({ maxLength: 4096 })),
    asset_id: Opt(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const VoiceSettings = Type.Object(
  {
    speed: Type.Optional(Type.Number({ minimum: 0.5, maximum: 1.5, default: 1 })),
    pitch: Type.Optional(Type.Number({ minimum: -50, maximum: 50, default: 0 })),
    locale: Opt(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

export const Engine = Type.Object(
  { type: StringEnum(['avatar_iv', 'avatar_v']) },
  { additionalProperties: false },
);

export const Expressiveness = StringEnum(['high', 'medium', 'low']);

/** Fields shared by both creation modes (CreateVideoFromAvatar / CreateVideoFromImage). */
const common = {
  title: Opt(Type.String({ maxLength: 1000 })),
  resolution: Opt(VideoResolution),
  aspect_ratio: Opt(VideoAspectRatio),
  background: Opt(BackgroundSetting),
  remove_background: Opt(Type.Boolean()),
  callback_url: Opt(Type.String({ maxLength: 2048 })),
  callback_id: Opt(Type.String({ maxLength: 256 })),
  script: Opt(Type.String({ minLength: 1, maxLength: 5000 })),
  voice_id: Opt(Type.String({ minLength: 1, maxLength: 256 })),
  audio_url: Opt(Type.String({ minLength: 1, maxLength: 4096 })),
  audio_asset_id: Opt(Type.String({ minLength: 1, maxLength: 256 })),
  voice_settings: Opt(VoiceSettings),
  motion_prompt: Opt(Type.String({ maxLength: 1000 })),
  expressiveness: Opt(Expressiveness),
  engine: Opt(Engine),
  output_format: Opt(StringEnum(['mp4', 'webm'])),
};

export const VideoCreateAvatar = Type.Object(
  { type: Type.Literal('avatar'), avatar_id: Type.String({ minLength: 1, maxLength: 256 }), ...common },
  { additionalProperties: false, title: 'CreateVideoFromAvatar' },
);
export const VideoCreateImage = Type.Object(
  { type: Type.Literal('image'), image: FileInput, ...common },
  { additionalProperties: false, title: 'CreateVideoFromImage' },
);
export const VideoCreate = Tagged([VideoCreateAvatar, VideoCreateImage], { title: 'CreateVideoV3RequestBody' });
export type VideoCreate = Static<typeof VideoCreate>;

export const VideoCreated = Type.Object({ video_id: Type.String(), status: Type.String() });
export type VideoCreated = Static<typeof VideoCreated>;
export const VideoCreateResponse = single(VideoCreated);

export const VideoDetail = Type.Object(
  {
    id: Type.String(),
    title: Opt(Type.String()),
    status: VideoStatus,
    created_at: Opt(Type.Integer()),
    completed_at: Opt(Type.Integer()),
    video_url: Opt(Type.String()),
    thumbnail_url: Opt(Type.String()),
    gif_url: Opt(Type.String()),
    captioned_video_url: Opt(Type.String()),
    subtitle_url: Opt(Type.String()),
    duration: Opt(Type.Number()),
    folder_id: Opt(Type.String()),
    output_language: Opt(Type.String()),
    failure_code: Opt(Type.String()),
    failure_message: Opt(Type.String()),
    video_page_url: Opt(Type.String()),
  },
  { title: 'VideoDetail' },
);
export type VideoDetail = Static<typeof VideoDetail>;

export const VideoIdParams = Type.Object({ video_id: Type.String({ minLength: 1, maxLength: 128 }) });
export const VideoListQuery = pageQuery(10, 100, {
  folder_id: Type.Optional(Type.String({ maxLength: 256 })),
  title: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type VideoListQuery = Static<typeof VideoListQuery>;
export const VideoListResponse = page(VideoDetail);
export const VideoGetResponse = single(VideoDetail);
export const VideoDeleteResponse = single(
  Type.Object({ id: Type.String(), deleted: Type.Boolean({ default: true }) }),
);
