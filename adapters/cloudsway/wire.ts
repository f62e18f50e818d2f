/**
 * What Cloudsway sends back, as zod schemas (parse, never trust), after
 * seeds/000_b1da45572262cd95.txt. Objects strip unknown keys so new upstream fields do not break
 * the gateway; descriptive words (statuses, avatar types, genders) are plain strings, since an
 * unknown word is a mapping question, not a parse error.
 *
 * Envelopes: assets and translation create answer `{"code":100,"data",...,"message"}`; avatars and
 * videos `{"error":null,"data"}`; translation status and languages `{"data"}`; lists
 * `{"data":[...],"has_more","next_token"}`. Failures carry `error` as a string (assets,
 * translations) or as an object (avatars, videos) — see WireFailureBody.
 */
import { z } from 'zod';
import { WireAvatarGroup, WireAvatarLook } from '../shared/v3-avatars.js';
import { WireVideoDetail } from '../shared/v3-videos.js';
import { memoByItem } from '../shared/schema-cache.js';

const opt = <T extends z.ZodType>(t: T) => t.nullish();

/** Success envelopes: only `data` is read here; `code`/`error` are judged before parsing. */
export const envelope = memoByItem(<T extends z.ZodType>(data: T) => z.object({ data }));

/** `has_more` is documented on every list; a list without it is taken to end at `next_token`. */
export const listEnvelope = memoByItem(<T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), has_more: opt(z.boolean()), next_token: opt(z.string()) }),
);

/** Codes come as words ("avatar_not_found") or numbers (400); both are kept as text. */
const looseCode = z.union([z.string(), z.number()]).transform(String);

/**
 * Any failure body. Read only to pass its words on, so a member of the wrong type is dropped rather
 * than failing the whole body.
 */
export const WireFailureBody = z.object({
  code: opt(looseCode).catch(null),
  message: opt(z.string()).catch(null),
  error: z
    .union([
      z.string(),
      z.object({
        code: opt(looseCode).catch(null),
        message: opt(z.string()).catch(null),
        param: opt(z.string()).catch(null),
      }),
    ])
    .nullish()
    .catch(null),
});
export type WireFailureBody = z.infer<typeof WireFailureBody>;

// ---- videos ----

export const WireVideoCreated = z.object({
  video_id: z.string().min(1),
  status: opt(z.string()),
  output_format: opt(z.string()),
});
export type WireVideoCreated = z.infer<typeof WireVideoCreated>;

// A video's detail is HeyGen's v3 shape on both HeyGen and Cloudsway.
export { WireVideoDetail };

// ---- translations ----

export const WireTranslationCreated = z.object({ video_translation_ids: z.array(z.string().min(1)) });
export type WireTranslationCreated = z.infer<typeof WireTranslationCreated>;

export const WireTranslationDetail = z.object({
  id: opt(z.string()),
  status: z.string(),
  output_language: opt(z.string()),
  input_language: opt(z.string()),
  duration: opt(z.number()),
  translate_audio_only: opt(z.boolean()),
  video_url: opt(z.string()),
  audio_url: opt(z.string()),
  srt_caption_url: opt(z.string()),
  vtt_caption_url: opt(z.string()),
  title: opt(z.string()),
  failure_message: opt(z.string()),
  created_at: opt(z.number().int()),
});
export type WireTranslationDetail = z.infer<typeof WireTranslationDetail>;

export const WireLanguages = z.object({ languages: z.array(z.string()) });

// ---- assets ----

export const WireAsset = z.object({
  asset_id: z.string().min(1),
  url: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
});
export type WireAsset = z.infer<typeof WireAsset>;

// ---- avatars ----

// Groups and looks are HeyGen's v3 shape on both HeyGen and Cloudsway.
export { WireAvatarGroup, WireAvatarLook };

export const WireAvatarCreated = z.object({
  avatar_item: opt(WireAvatarLook),
  avatar_group: opt(WireAvatarGroup),
});
export type WireAvatarCreated = z.infer<typeof WireAvatarCreated>;
