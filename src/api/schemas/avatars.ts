import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Tagged, FileInput, Opt, page, pageQuery, single } from './common.js';

/** The OpenAPI file says video_avatar, the newer docs say digital_twin: both are accepted and passed on. */
export const AvatarLookType = StringEnum(['studio_avatar', 'digital_twin', 'video_avatar', 'photo_avatar']);
const AvatarStatus = Type.String({ description: 'processing | pending_consent | completed | failed' });
const AvatarError = Type.Object({ code: Type.String(), message: Type.String() });
const Ownership = StringEnum(['public', 'private']);

export const AvatarGroupItem = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    preview_image_url: Opt(Type.String()),
    preview_video_url: Opt(Type.String()),
    gender: Opt(Type.String()),
    created_at: Type.Integer(),
    looks_count: Type.Integer(),
    default_voice_id: Opt(Type.String()),
    consent_status: Opt(Type.String()),
    status: Opt(AvatarStatus),
    error: Opt(AvatarError),
  },
  { title: 'AvatarGroupItem' },
);
export type AvatarGroupItem = Static<typeof AvatarGroupItem>;

export const AvatarLookItem = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    avatar_type: Type.String({ description: 'studio_avatar | digital_twin | video_avatar | photo_avatar' }),
    group_id: Opt(Type.String()),
    preview_image_url: Opt(Type.String()),
    preview_video_url: Opt(Type.String()),
    gender: Opt(Type.String()),
    default_voice_id: Opt(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    supported_api_engines: Type.Optional(Type.Array(Type.String())),
    image_width: Opt(Type.Integer()),
    image_height: Opt(Type.Integer()),
    preferred_orientation: Opt(Type.String({ description: 'portrait | landscape | square' })),
    status: Opt(AvatarStatus),
    error: Opt(AvatarError),
  },
  { title: 'AvatarLookItem' },
);
export type AvatarLookItem = Static<typeof AvatarLookItem>;

export const AvatarGroupListQuery = pageQuery(20, 50, { ownership: Type.Optional(Ownership) });
export type AvatarGroupListQuery = Static<typeof AvatarGroupListQuery>;
export const AvatarLookListQuery = pageQuery(20, 50, {
  group_id: Type.Optional(Type.String({ maxLength: 256 })),
  avatar_type: Type.Optional(AvatarLookType),
  ownership: Type.Optional(Ownership),
});
export type AvatarLookListQuery = Static<typeof AvatarLookListQuery>;

export const AvatarGroupListResponse = page(AvatarGroupItem);
export const AvatarLookListResponse = page(AvatarLookItem);
export const AvatarGroupResponse = single(AvatarGroupItem);
export const AvatarLookResponse = single(AvatarLookItem);
export const GroupIdParams = Type.Object({ group_id: Type.String({ minLength: 1, maxLength: 256 }) });
export const LookIdParams = Type.Object({ look_id: Type.String({ minLength: 1, maxLength: 256 }) });

const name = Type.String({ minLength: 1, maxLength: 255 });
const groupId = Opt(Type.String({ maxLength: 256 }));
export const AvatarCreate = Tagged(
  [
    Type.Object(
      { type: Type.Literal('photo'), name, file: FileInput, avatar_group_id: groupId },
      { additionalProperties: false, title: 'CreatePhotoAvatarRequest' },
    ),
    Type.Object(
      { type: Type.Literal('digital_twin'), name, file: FileInput, avatar_group_id: groupId },
      { additionalProperties: false, title: 'CreateDigitalTwinAvatarRequest' },
    ),
    Type.Object(
      { type: Type.Literal('video'), name, file: FileInput, avatar_group_id: groupId },
      { additionalProperties: false, title: 'CreateVideoAvatarRequest' },
    ),
    Type.Object(
      {
        type: Type.Literal('prompt'),
        name,
        prompt: Type.String({ minLength: 1, maxLength: 1000 }),
        avatar_id: Opt(Type.String({ maxLength: 256 })),
        avatar_group_id: groupId,
        reference_images: Opt(Type.Array(FileInput, { maxItems: 3 })),
      },
      { additionalProperties: false, title: 'CreatePromptAvatarRequest' },
    ),
  ],
  { title: 'CreateAvatarRequestBody' },
);
export type AvatarCreate = Static<typeof AvatarCreate>;

export const AvatarCreated = Type.Object({
  avatar_item: Opt(AvatarLookItem),
  avatar_group: Opt(AvatarGroupItem),
});
export type AvatarCreated = Static<typeof AvatarCreated>;
export const AvatarCreateResponse = single(AvatarCreated);
