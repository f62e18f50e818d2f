/**
 * What HeyGen v3 sends back, as zod schemas (parse, never trust). Objects strip unknown keys, so
 * new upstream fields do not break the gateway; the fields the gateway uses are typed strictly
 * after the OpenAPI description (reference/heygen-openapi-2026-04.json) and the v3 docs.
 * Status words are plain strings here: an unknown word is a mapping question, not a parse error.
 */
import { z } from 'zod';
import { WireAvatarGroup, WireAvatarLook } from '../shared/v3-avatars.js';
import { WireVideoDetail } from '../shared/v3-videos.js';
import { memoByItem } from '../shared/schema-cache.js';

/** "T or null", optional: most v3 optional fields are `anyOf [T, null]` with default null. */
const opt = <T extends z.ZodType>(t: T) => t.nullish();

/** `{"data": ...}`; also accepts the `{"code":100,"data":...,"message":null}` form users/me may use. */
export const envelope = memoByItem(<T extends z.ZodType>(data: T) => z.object({ data }));

export const listEnvelope = memoByItem(<T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), has_more: z.boolean(), next_token: opt(z.string()) }),
);

/**
 * `{"error":{"code","message","param","doc_url"}}`. Read only to pass its words on, so a field of
 * the wrong type is dropped rather than failing the whole body.
 */
export const WireErrorBody = z.object({
  error: z.object({
    code: opt(z.string()).catch(null),
    message: opt(z.string()).catch(null),
    param: opt(z.string()).catch(null),
  }),
});

export const WireVideoCreated = z.object({ video_id: z.string().min(1), status: z.string() });
export type WireVideoCreated = z.infer<typeof WireVideoCreated>;

// A video's detail is HeyGen's v3 shape on both HeyGen and Cloudsway.
export { WireVideoDetail };

/** DeleteVideoResponse; `deleted` is checked when present. */
export const WireVideoDeleted = z.object({ deleted: opt(z.boolean()) });

export const WireTranslationCreated = z.object({ video_translation_ids: z.array(z.string().min(1)) });
export type WireTranslationCreated = z.infer<typeof WireTranslationCreated>;

export const WireTranslationDetail = z.object({
  status: z.string(),
  title: opt(z.string()),
  output_language: opt(z.string()),
  input_language: opt(z.string()),
  duration: opt(z.number()),
  translate_audio_only: opt(z.boolean()),
  video_url: opt(z.string()),
  audio_url: opt(z.string()),
  callback_id: opt(z.string()),
  created_at: opt(z.number().int()),
  failure_message: opt(z.string()),
});
export type WireTranslationDetail = z.infer<typeof WireTranslationDetail>;

export const WireLanguages = z.object({ languages: z.array(z.string()) });

export const WireAsset = z.object({
  asset_id: z.string().min(1),
  url: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
});
export type WireAsset = z.infer<typeof WireAsset>;

// Descriptive words (types, statuses, plans) are passed through as strings: a word HeyGen adds
// later must not turn a whole listing into a 502.

// Groups and looks are HeyGen's v3 shape on both HeyGen and Cloudsway.
export { WireAvatarGroup, WireAvatarLook };

export const WireAvatarCreated = z.object({
  avatar_item: opt(WireAvatarLook),
  avatar_group: opt(WireAvatarGroup),
});
export type WireAvatarCreated = z.infer<typeof WireAvatarCreated>;

export const WireVoice = z.object({
  voice_id: z.string().min(1),
  name: z.string(),
  language: z.string(),
  gender: z.string(),
  preview_audio_url: opt(z.string()),
  // Required by the OpenAPI file, absent from some of the docs' examples.
  support_pause: z.boolean().default(false),
  support_locale: z.boolean().default(false),
  type: z.string(),
});
export type WireVoice = z.infer<typeof WireVoice>;

const CreditPool = z.object({ remaining: opt(z.number().int()), resets_at: opt(z.string()) });

export const WireUser = z.object({
  username: z.string(),
  email: opt(z.string()),
  first_name: opt(z.string()),
  last_name: opt(z.string()),
  billing_type: opt(z.string()),
  wallet: opt(
    z.object({
      currency: z.string(),
      remaining_balance: opt(z.number()),
      auto_reload: opt(
        z.object({ enabled: z.boolean(), threshold_usd: opt(z.number()), amount_usd: opt(z.number()) }),
      ),
    }),
  ),
  subscription: opt(
    z.object({
      plan: z.string(),
      credits: z.object({ premium_credits: opt(CreditPool), add_on_credits: opt(CreditPool) }),
    }),
  ),
  usage_based: opt(z.object({ spending_current_usd: opt(z.number()), spending_cap_usd: opt(z.number()) })),
});
export type WireUser = z.infer<typeof WireUser>;
