/**
 * What legacy HeyGen (v1, v2) sends back, as zod schemas (parse, never trust). Shapes follow
 * 001/003 in the seed documents and DESIGN.md's "Legacy and reseller wire facts"; objects strip
 * unknown keys, and descriptive words (statuses, genders, file types) stay plain strings.
 * Success envelopes are `{"code":100,"data":...,"message":"Success"}` (v1 paths) or
 * `{"error":null,"data":...}` (v2 paths): only `data` is read.
 */
import { z } from 'zod';
import { memoByItem } from '../shared/schema-cache.js';

const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const envelope = memoByItem(<T extends z.ZodType>(data: T) => z.object({ data }));

/** v1 error codes come as numbers (40119) or numeric strings ("40119"). */
const LegacyCode = z.union([z.number(), z.string()]);

/** `POST /v2/video/generate` and `POST /v1/video.generate` both answer `data.video_id`. */
export const WireVideoGenerated = z.object({ video_id: z.string().min(1) });

export const WireVideoError = z.object({
  code: opt(LegacyCode).catch(null),
  message: opt(z.string()).catch(null),
  detail: opt(z.string()).catch(null),
});
export type WireVideoError = z.infer<typeof WireVideoError>;

/** `GET /v1/video_status.get` data (003_37465d87d070bf7f.txt). */
export const WireVideoStatus = z.object({
  id: opt(z.string()),
  status: z.string(),
  callback_id: opt(z.string()),
  caption_url: opt(z.string()),
  created_at: opt(z.number()),
  duration: opt(z.number()),
  gif_url: opt(z.string()),
  thumbnail_url: opt(z.string()),
  video_url: opt(z.string()),
  video_url_caption: opt(z.string()),
  // A failure the gateway cannot read is still a failure: a malformed error object is dropped.
  error: opt(WireVideoError).catch(null),
});
export type WireVideoStatus = z.infer<typeof WireVideoStatus>;

/** `POST /v2/video_translate`: one id per request (the OpenAPI file also allows a one-item list). */
export const WireTranslateCreated = z
  .object({ video_translate_id: opt(z.string().min(1)), video_translate_ids: opt(z.array(z.string().min(1))) })
  .transform((d, ctx) => {
    const id = d.video_translate_id ?? (d.video_translate_ids?.length === 1 ? d.video_translate_ids[0] : undefined);
    if (!id) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one video_translate_id' });
      return z.NEVER;
    }
    return { video_translate_id: id };
  });

/** `GET /v2/video_translate/{id}` data. */
export const WireTranslateStatus = z.object({
  video_translate_id: opt(z.string()),
  title: opt(z.string()),
  status: z.string(),
  url: opt(z.string()),
  message: opt(z.string()),
  output_language: opt(z.string()),
  callback_id: opt(z.string()),
});
export type WireTranslateStatus = z.infer<typeof WireTranslateStatus>;

export const WireLanguages = z.object({ languages: z.array(z.string()) });

/** `POST {upload_url}/v1/asset` data. */
export const WireUploadedAsset = z.object({
  id: z.string().min(1),
  name: opt(z.string()),
  file_type: opt(z.string()),
  url: z.string().min(1),
  image_key: opt(z.string()),
});
export type WireUploadedAsset = z.infer<typeof WireUploadedAsset>;

export const WireAvatar = z.object({
  avatar_id: z.string().min(1),
  avatar_name: opt(z.string()),
  gender: opt(z.string()),
  preview_image_url: opt(z.string()),
  preview_video_url: opt(z.string()),
  premium: opt(z.boolean()),
  default_voice_id: opt(z.string()),
});
export type WireAvatar = z.infer<typeof WireAvatar>;

export const WireTalkingPhoto = z.object({
  talking_photo_id: z.string().min(1),
  talking_photo_name: opt(z.string()),
  preview_image_url: opt(z.string()),
});
export type WireTalkingPhoto = z.infer<typeof WireTalkingPhoto>;

/** `GET /v2/avatars` (and `GET /v1/avatar.list`, which the gateway reads the same way). */
export const WireAvatarList = z.object({
  avatars: opt(z.array(WireAvatar)).transform((a) => a ?? []),
  talking_photos: opt(z.array(WireTalkingPhoto)).transform((t) => t ?? []),
});
export type WireAvatarList = z.infer<typeof WireAvatarList>;

export const WireVoice = z.object({
  voice_id: z.string().min(1),
  language: z.string(),
  gender: z.string(),
  name: z.string(),
  preview_audio: opt(z.string()),
  support_pause: opt(z.boolean()),
  emotion_support: opt(z.boolean()),
});
export type WireVoice = z.infer<typeof WireVoice>;

/** `GET /v2/voices` (and `GET /v1/voice.list`). */
export const WireVoiceList = z.object({ voices: z.array(WireVoice) });

const CreditPool = z.object({ remaining: opt(z.number().int()), resets_at: opt(z.string()) });

/**
 * `GET /v1/user/me`: the legacy answer has the four name fields; HeyGen's current one (v3 docs,
 * "Quick verification") adds the billing objects of v3's users/me, which are read when present.
 */
export const WireUserMe = z.object({
  username: z.string(),
  email: opt(z.string()),
  first_name: opt(z.string()),
  last_name: opt(z.string()),
  billing_type: opt(z.string()),
  wallet: opt(
    z.object({
      currency: z.string(),
      remaining_balance: opt(z.number()),
      auto_reload: opt(z.object({ enabled: z.boolean(), threshold_usd: opt(z.number()), amount_usd: opt(z.number()) })),
    }),
  ),
  subscription: opt(
    z.object({ plan: z.string(), credits: z.object({ premium_credits: opt(CreditPool), add_on_credits: opt(CreditPool) }) }),
  ),
  usage_based: opt(z.object({ spending_current_usd: opt(z.number()), spending_cap_usd: opt(z.number()) })),
});
export type WireUserMe = z.infer<typeof WireUserMe>;

/** `GET /v2/user/remaining_quota`: seconds of video; one credit is 60 of them. */
export const WireRemainingQuota = z.object({ remaining_quota: z.number().nonnegative() });
export type WireRemainingQuota = z.infer<typeof WireRemainingQuota>;

/**
 * Legacy error bodies: `{"code":400599,"message"}` (v1) or `{"data":null,"error":{"code","message"}}`
 * (v2, string codes). Read only to pass their words on: a field of the wrong type is dropped.
 */
export const WireErrorBody = z.union([
  z.object({
    error: z.object({
      code: opt(LegacyCode).catch(null),
      message: opt(z.string()).catch(null),
      param: opt(z.string()).catch(null),
    }),
  }),
  z.object({ code: LegacyCode, message: opt(z.string()).catch(null) }),
]);
