/**
 * Avatar groups and looks in HeyGen's v3 shape, as both HeyGen v3 and Cloudsway (which wraps
 * HeyGen v3) send them: the wire schemas and their normalization, in one place.
 */
import { z } from 'zod';
import type { AvatarGroupItem, AvatarLookItem } from '../../src/api/schemas/avatars.js';

const opt = <T extends z.ZodType>(t: T) => t.nullish();

// Descriptive words (types, statuses) stay plain strings: a word HeyGen adds later must not turn
// a whole listing into a 502. Error codes may come as numbers from resellers.
const AvatarError = z.object({ code: z.union([z.string(), z.number()]).transform(String), message: z.string() });

export const WireAvatarGroup = z.object({
  id: z.string().min(1),
  name: z.string(),
  preview_image_url: opt(z.string()),
  preview_video_url: opt(z.string()),
  gender: opt(z.string()),
  created_at: z.number().int(),
  looks_count: z.number().int(),
  default_voice_id: opt(z.string()),
  consent_status: opt(z.string()),
  status: opt(z.string()),
  error: opt(AvatarError),
});
export type WireAvatarGroup = z.infer<typeof WireAvatarGroup>;

export const WireAvatarLook = z.object({
  id: z.string().min(1),
  name: z.string(),
  // studio_avatar | digital_twin (docs) | video_avatar (OpenAPI file) | photo_avatar, or a newer word.
  avatar_type: z.string(),
  group_id: opt(z.string()),
  preview_image_url: opt(z.string()),
  preview_video_url: opt(z.string()),
  gender: opt(z.string()),
  default_voice_id: opt(z.string()),
  tags: opt(z.array(z.string())),
  supported_api_engines: opt(z.array(z.string())),
  image_width: opt(z.number().int()),
  image_height: opt(z.number().int()),
  preferred_orientation: opt(z.string()),
  status: opt(z.string()),
  error: opt(AvatarError),
});
export type WireAvatarLook = z.infer<typeof WireAvatarLook>;

/** `createdAt` converts the upstream's time to v3's unix seconds (identity for HeyGen). */
export function fromWireAvatarGroup(g: WireAvatarGroup, createdAt: (t: number) => number = (t) => t): AvatarGroupItem {
  return {
    id: g.id,
    name: g.name,
    preview_image_url: g.preview_image_url ?? null,
    preview_video_url: g.preview_video_url ?? null,
    gender: g.gender ?? null,
    created_at: createdAt(g.created_at),
    looks_count: g.looks_count,
    default_voice_id: g.default_voice_id ?? null,
    consent_status: g.consent_status ?? null,
    status: g.status ?? null,
    error: g.error ? { code: g.error.code, message: g.error.message } : null,
  };
}

export function fromWireAvatarLook(l: WireAvatarLook): AvatarLookItem {
  const item: AvatarLookItem = {
    id: l.id,
    name: l.name,
    avatar_type: l.avatar_type,
    group_id: l.group_id ?? null,
    preview_image_url: l.preview_image_url ?? null,
    preview_video_url: l.preview_video_url ?? null,
    gender: l.gender ?? null,
    default_voice_id: l.default_voice_id ?? null,
    image_width: l.image_width ?? null,
    image_height: l.image_height ?? null,
    preferred_orientation: l.preferred_orientation ?? null,
    status: l.status ?? null,
    error: l.error ? { code: l.error.code, message: l.error.message } : null,
  };
  // Arrays are not nullable in v3: absent stays absent rather than becoming an invented [].
  if (l.tags) item.tags = [...l.tags];
  if (l.supported_api_engines) item.supported_api_engines = [...l.supported_api_engines];
  return item;
}
