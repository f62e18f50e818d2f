/**
 * Pure translations between the legacy inbound shapes and the normalized (v3) model: a v2 client's
 * request becomes a v3 request routed like any other, and the v3 answers become the v2/v1 answers
 * the client parses. No I/O.
 */
import type { Static } from '@sinclair/typebox';
import type { VideoRequest } from '../../core/adapter.js';
import { statusForCode } from '../../core/errors.js';
import type { Sniffed } from '../../core/magic.js';
import type { AssetUploaded } from '../schemas/assets.js';
import type { AvatarLookItem } from '../schemas/avatars.js';
import type { V2Dimension, V2GenerateBody, V2VideoInput } from '../schemas/legacy.js';
import type { TranslationCreate, TranslationDetail } from '../schemas/translations.js';
import type { VideoCreateAvatar, VideoDetail } from '../schemas/videos.js';
import type { VoiceItem } from '../schemas/voices.js';
import { v1ErrorCode } from './envelopes.js';
import type {
  V1AssetData,
  V1VideoError,
  V1VideoStatusData,
  V2AvatarsData,
  V2TranslateBody,
  V2TranslateData,
  V2Voice,
} from './schemas.js';

type AvatarVideo = Static<typeof VideoCreateAvatar>;
type Resolution = NonNullable<AvatarVideo['resolution']>;
type AspectRatio = NonNullable<AvatarVideo['aspect_ratio']>;

// ---- POST /v2/video/generate ----------------------------------------------------------------

const RESOLUTIONS: ReadonlyArray<[Resolution, number]> = [
  ['720p', 720],
  ['1080p', 1080],
  ['4k', 2160],
];
const ASPECTS: ReadonlyArray<[AspectRatio, number]> = [
  ['16:9', 16 / 9],
  ['5:4', 5 / 4],
  ['1:1', 1],
  ['4:5', 4 / 5],
  ['9:16', 9 / 16],
];

/**
 * v2's pixel dimension as v3's resolution and aspect ratio: 1920x1080 -> 1080p 16:9,
 * 1280x720 -> 720p 16:9, 1080x1920 -> 1080p 9:16, 3840x2160 -> 4k 16:9, square -> 1:1.
 * Any other size takes the nearest of each: the resolution whose short side is closest (a tie
 * goes up, never below what was asked), the aspect ratio closest on a log scale.
 */
export function dimensionToV3(d: V2Dimension): { resolution: Resolution; aspect_ratio: AspectRatio } {
  const short = Math.min(d.width, d.height);
  let resolution: Resolution = '720p';
  let best = Infinity;
  for (const [name, side] of RESOLUTIONS) {
    const dist = Math.abs(side - short);
    if (dist <= best) {
      best = dist;
      resolution = name;
    }
  }
  const ratio = Math.log(d.width / d.height);
  let aspect_ratio: AspectRatio = '16:9';
  best = Infinity;
  for (const [name, r] of ASPECTS) {
    const dist = Math.abs(Math.log(r) - ratio);
    if (dist < best) {
      best = dist;
      aspect_ratio = name;
    }
  }
  return { resolution, aspect_ratio };
}

/** The look that speaks: a talking photo is a photo-avatar look in v3, so its id is a look id. */
function characterFields(scene: V2VideoInput): Pick<AvatarVideo, 'avatar_id' | 'remove_background'> {
  const ch = scene.character;
  // A character-less scene has no v3 form; legacyOnlyFields keeps it off v3-field accounts.
  if (!ch) return { avatar_id: '' };
  const avatar_id = ch.type === 'avatar' ? ch.avatar_id : ch.talking_photo_id;
  return ch.matting === undefined ? { avatar_id } : { avatar_id, remove_background: ch.matting };
}

function voiceFields(scene: V2VideoInput): Partial<AvatarVideo> {
  const v = scene.voice;
  if (v.type === 'text') {
    const settings: NonNullable<AvatarVideo['voice_settings']> = {};
    if (v.speed !== undefined) settings.speed = v.speed;
    if (v.pitch !== undefined) settings.pitch = v.pitch;
    if (v.locale !== undefined) settings.locale = v.locale;
    return { script: v.input_text, voice_id: v.voice_id, ...(Object.keys(settings).length ? { voice_settings: settings } : {}) };
  }
  if (v.type === 'audio') {
    return v.audio_url !== undefined ? { audio_url: v.audio_url } : v.audio_asset_id !== undefined ? { audio_asset_id: v.audio_asset_id } : {};
  }
  // silence: nothing to say in v3 fields; legacyOnlyFields keeps it off v3-field accounts.
  return {};
}

/** v2's documented default background color. */
export const V2_DEFAULT_COLOR = '#f6f6fc';

function backgroundFields(scene: V2VideoInput): Partial<AvatarVideo> {
  const bg = scene.background;
  if (!bg) return {};
  if (bg.type === 'color') return { background: { type: 'color', value: bg.value ?? V2_DEFAULT_COLOR } };
  if (bg.type === 'image') {
    if (bg.url !== undefined) return { background: { type: 'image', url: bg.url } };
    if (bg.image_asset_id !== undefined) return { background: { type: 'image', asset_id: bg.image_asset_id } };
  }
  // video backgrounds: no v3 form (see legacyOnlyFields)
  return {};
}

/**
 * A v2 generate body as a normalized request: the v3 fields hold its first scene, `legacy` the body
 * as sent, for accounts that speak v2 and render it whole. Settings the v3 fields cannot hold are
 * listed by legacyOnlyFields, never dropped here unnoticed.
 */
export function v2GenerateToVideoRequest(body: V2GenerateBody): VideoRequest {
  const scene = body.video_inputs[0]!;
  const v3: AvatarVideo = {
    type: 'avatar',
    ...characterFields(scene),
    ...voiceFields(scene),
    ...backgroundFields(scene),
    ...(body.dimension ? dimensionToV3(body.dimension) : {}),
  };
  if (body.title !== undefined) v3.title = body.title;
  if (body.callback_id !== undefined) v3.callback_id = body.callback_id;
  if (body.callback_url !== undefined) v3.callback_url = body.callback_url;
  return { ...v3, legacy: body };
}

// ---- GET /v1/video_status.get ---------------------------------------------------------------

/**
 * A failure as v1's `error{code,message,detail}`. v1 codes are numbers: a numeric upstream code
 * (a legacy account's own, e.g. 40119) is kept; a v3 word becomes 400000 + its HTTP status, and
 * the word itself leads `detail` so nothing the upstream said is lost.
 */
export function v1VideoError(failureCode: string | null | undefined, failureMessage: string | null | undefined): V1VideoError {
  const message = failureMessage ?? 'Video generation failed.';
  const code = failureCode?.trim() ?? '';
  if (/^\d{1,9}$/.test(code)) return { code: Number(code), message, detail: message };
  if (code === '') return { code: v1ErrorCode(500), message, detail: message };
  return { code: v1ErrorCode(statusForCode(code)), message, detail: `${code}: ${message}` };
}

/** The v3 detail as v1's status data. v1 and v3 share the words pending/processing/completed/failed. */
export function v1StatusData(d: VideoDetail, callbackId: string | null): V1VideoStatusData {
  return {
    id: d.id,
    status: d.status,
    callback_id: callbackId,
    caption_url: d.subtitle_url ?? null,
    created_at: d.created_at ?? null,
    duration: d.duration ?? null,
    gif_url: d.gif_url ?? null,
    thumbnail_url: d.thumbnail_url ?? null,
    video_url: d.video_url ?? null,
    video_url_caption: d.captioned_video_url ?? null,
    error: d.status === 'failed' ? v1VideoError(d.failure_code, d.failure_message) : null,
  };
}

// ---- /v2/video_translate --------------------------------------------------------------------

/** One v2 translation (one language, a source URL) as the v3 create body. */
export function v2TranslateToV3(b: V2TranslateBody): TranslationCreate {
  const out: TranslationCreate = { video: { type: 'url', url: b.video_url }, output_languages: [b.output_language] };
  if (b.title != null) out.title = b.title;
  if (b.translate_audio_only != null) out.translate_audio_only = b.translate_audio_only;
  if (b.speaker_num != null) out.speaker_num = b.speaker_num;
  if (b.callback_id != null) out.callback_id = b.callback_id;
  if (b.callback_url != null) out.callback_url = b.callback_url;
  if (b.enable_dynamic_duration != null) out.enable_dynamic_duration = b.enable_dynamic_duration;
  if (b.brand_voice_id != null) out.brand_voice_id = b.brand_voice_id;
  return out;
}

/** v3 `completed` is v2 `success`; the other words are shared. */
export function v2TranslateData(d: TranslationDetail): V2TranslateData {
  return {
    video_translate_id: d.id,
    title: d.title ?? null,
    status: d.status === 'completed' ? 'success' : d.status,
    url: d.video_url ?? null,
    message: d.failure_message ?? null,
  };
}

// ---- GET /v2/avatars, GET /v2/voices --------------------------------------------------------

/** Looks that can be rendered now; v2 lists nothing still training or failed. */
const usable = (l: AvatarLookItem): boolean => l.status === undefined || l.status === null || l.status === 'completed';

/**
 * v3 looks as v2's two lists: photo-avatar looks are v2's talking photos, every other look an
 * avatar. v3 has no premium tier on looks the API can render, so `premium` is false.
 */
export function v2AvatarsData(looks: readonly AvatarLookItem[]): V2AvatarsData {
  const out: V2AvatarsData = { avatars: [], talking_photos: [] };
  for (const l of looks.filter(usable)) {
    if (l.avatar_type === 'photo_avatar') {
      out.talking_photos.push({ talking_photo_id: l.id, talking_photo_name: l.name, preview_image_url: l.preview_image_url ?? null });
    } else {
      out.avatars.push({
        avatar_id: l.id,
        avatar_name: l.name,
        gender: l.gender ?? null,
        preview_image_url: l.preview_image_url ?? null,
        preview_video_url: l.preview_video_url ?? null,
        premium: false,
        default_voice_id: l.default_voice_id ?? null,
      });
    }
  }
  return out;
}

/**
 * A v3 voice in v2's shape. `emotion_support` is false: the normalized model has no voice
 * emotion, and a request that sets one is refused by every account that works from it.
 */
export function v2Voice(v: VoiceItem): V2Voice {
  return {
    voice_id: v.voice_id,
    language: v.language,
    gender: v.gender,
    name: v.name,
    preview_audio: v.preview_audio_url ?? null,
    support_pause: v.support_pause,
    emotion_support: false,
  };
}

// ---- POST /v1/asset -------------------------------------------------------------------------

/**
 * An uploaded asset as v1's answer. v1's `image_key` is an id of HeyGen's legacy image store that
 * the normalized answer does not carry, so it is null.
 */
export function v1AssetData(a: AssetUploaded, kind: Sniffed['kind']): V1AssetData {
  const file_type = kind === 'video' || kind === 'audio' ? kind : 'image';
  return { id: a.asset_id, name: a.asset_id, file_type, url: a.url, image_key: null };
}
