/**
 * Pure v3 <-> legacy-HeyGen translation (no I/O). The v2 scene itself is built by
 * adapters/shared/v2-body.ts; this file holds what is legacy-HeyGen-specific: the v1 clip body,
 * v1/v2 status words, the translate body per output language, the avatar/voice listings turned
 * into v3 pages (the legacy lists are not paginated, so the gateway pages them), users/me, errors.
 */
import type { VideoStatus } from '../../src/api/schemas/videos.js';
import type { TranslationCreate, TranslationStatus } from '../../src/api/schemas/translations.js';
import type { AssetUploaded } from '../../src/api/schemas/assets.js';
import type { AvatarGroupItem, AvatarGroupListQuery, AvatarLookItem, AvatarLookListQuery } from '../../src/api/schemas/avatars.js';
import type { VoiceItem, VoiceListQuery } from '../../src/api/schemas/voices.js';
import type { UserInfo } from '../../src/api/schemas/users.js';
import type { Page, TranslationPolled, Unsupported, VideoPolled, VideoRequest, VideoSubmitted } from '../../src/core/adapter.js';
import { GatewayError, invalidParameter } from '../../src/core/errors.js';
import type { UpstreamErrorInfo } from '../../src/core/upstream.js';
import { v2Unsupported } from '../shared/v2-body.js';
import { V1_API_VERSION, type LegacyVersion } from './api.js';
import {
  WireErrorBody,
  type WireAvatarList,
  type WireRemainingQuota,
  type WireTranslateStatus,
  type WireUploadedAsset,
  type WireUserMe,
  type WireVideoError,
  type WireVideoStatus,
  type WireVoice,
} from './wire.js';
import { wordTable } from '../../src/core/status.js';

const present = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/** Looks up the URL of an asset this account uploaded through the gateway (undefined if unknown). */
export type AssetUrlOf = (assetId: string) => string | undefined;

// ---- status words ----

/** v1 `video_status.get` word as v3's, or undefined for a word the legacy API does not document. */
export const videoStatusFromWire = wordTable<VideoStatus>({
  pending: 'pending',
  waiting: 'pending',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
});

/** v2 `video_translate` word as v3's, or undefined for a word the legacy API does not document. */
export const translationStatusFromWire = wordTable<TranslationStatus>({
  pending: 'pending',
  running: 'running',
  success: 'completed',
  failed: 'failed',
});

// ---- videos ----

/** The v3 fields an account of this version cannot honour (v1 is v2 minus scene settings). */
export function videoUnsupported(version: LegacyVersion, req: VideoRequest, assetUrlOf: AssetUrlOf): Unsupported[] {
  const out = v2Unsupported(req);
  if (version === 'v2') return out;
  if (req.resolution === '720p' || req.resolution === '4k') {
    out.push({ param: 'resolution', reason: 'a v1 clip video has no resolution setting and renders 1080p' });
  }
  if (req.remove_background === true) out.push({ param: 'remove_background', reason: 'a v1 clip has no matting' });
  const s = req.voice_settings;
  if (present(s?.speed) && s.speed !== 1) out.push({ param: 'voice_settings.speed', reason: 'a v1 clip has no voice speed' });
  if (present(s?.pitch) && s.pitch !== 0) out.push({ param: 'voice_settings.pitch', reason: 'a v1 clip has no voice pitch' });
  if (present(s?.locale)) out.push({ param: 'voice_settings.locale', reason: 'a v1 clip has no voice locale' });
  if (req.background?.type === 'image') out.push({ param: 'background', reason: 'a v1 video takes a background color only' });
  if (present(req.audio_asset_id) && !assetUrlOf(req.audio_asset_id)) {
    out.push({ param: 'audio_asset_id', reason: 'a v1 clip takes audio by URL, and this account does not know the asset URL' });
  }
  return out;
}

/** `POST /v1/video.generate` (DESIGN.md, "v1 generate"): one clip per scene, a background color. */
export interface V1Clip {
  avatar_id?: string;
  avatar_style?: 'normal';
  talking_photo_id?: string;
  input_text?: string;
  voice_id?: string;
  input_audio?: string;
  scale: number;
  offset: { x: number; y: number };
}

export interface V1GenerateBody {
  background?: string;
  ratio: '16:9' | '9:16' | '1:1';
  test: boolean;
  version: typeof V1_API_VERSION;
  caption_open: boolean;
  clips: V1Clip[];
}

export interface ToV1Options {
  defaultVoiceId?: string | null;
  talkingPhoto?: boolean;
  assetUrlOf?: AssetUrlOf;
}

/**
 * The v1 clip body from the v3 fields (a legacy v2 body's single scene is already in them; its
 * `caption` and `test` flags carry over). Fields v1 cannot take were refused by `videoUnsupported`
 * before routing; here they are refused again rather than dropped.
 */
export function toV1Generate(req: VideoRequest, opts: ToV1Options = {}): V1GenerateBody {
  const [unsupported] = videoUnsupported('v1', req, opts.assetUrlOf ?? (() => undefined));
  if (unsupported) {
    throw new GatewayError('provider_capability_unsupported', `A heygen-v1 account cannot honour '${unsupported.param}' (${unsupported.reason}).`, {
      param: unsupported.param,
    });
  }
  if (req.type !== 'avatar') {
    throw new GatewayError('provider_capability_unsupported', 'A v1 upstream cannot animate an arbitrary image.', { param: 'type' });
  }
  const clip: V1Clip = opts.talkingPhoto
    ? { talking_photo_id: req.avatar_id, scale: 1, offset: { x: 0, y: 0 } }
    : { avatar_id: req.avatar_id, avatar_style: 'normal', scale: 1, offset: { x: 0, y: 0 } };
  if (present(req.script)) {
    const voiceId = req.voice_id ?? opts.defaultVoiceId;
    if (!voiceId) {
      throw invalidParameter('voice_id', "'voice_id' is required with 'script': this account cannot find a default voice for the avatar.");
    }
    clip.input_text = req.script;
    clip.voice_id = voiceId;
  } else if (present(req.audio_url)) {
    clip.input_audio = req.audio_url;
  } else if (present(req.audio_asset_id)) {
    clip.input_audio = opts.assetUrlOf?.(req.audio_asset_id);
  } else {
    throw invalidParameter('script', "Provide exactly one of 'script', 'audio_url' or 'audio_asset_id'.");
  }
  const body: V1GenerateBody = {
    ratio: req.aspect_ratio === '9:16' || req.aspect_ratio === '1:1' ? req.aspect_ratio : '16:9',
    test: req.legacy?.test ?? false,
    version: V1_API_VERSION,
    caption_open: req.legacy?.caption ?? false,
    clips: [clip],
  };
  if (req.background?.type === 'color' && present(req.background.value)) body.background = req.background.value;
  return body;
}

/** Legacy generate answers no status word: a just-accepted video is pending. */
export function fromWireVideoGenerated(data: { video_id: string }, payload: unknown): VideoSubmitted {
  return { upstreamId: data.video_id, status: 'pending', payload };
}

/**
 * The v1 error object as one message: `detail` is the fuller sentence ("Video is too long (>
 * 3600.0s). Please upgrade...") and usually begins with `message` ("Video is too long").
 */
export function failureMessageOf(e: WireVideoError): string | null {
  const message = e.message?.trim() || null;
  const detail = e.detail?.trim() || null;
  if (!detail) return message;
  if (!message || detail.startsWith(message)) return detail;
  return `${message}: ${detail}`;
}

/** `video_status.get` data as the v3 detail; an unknown word is reported and treated as processing. */
export function fromWireVideoStatus(d: WireVideoStatus, payload: unknown): VideoPolled {
  const status = videoStatusFromWire(d.status);
  const failed = status === 'failed';
  const code = failed && present(d.error?.code) ? String(d.error.code) : null;
  const polled: VideoPolled = {
    detail: {
      title: null,
      status: status ?? 'processing',
      created_at: present(d.created_at) ? Math.floor(d.created_at) : null,
      completed_at: null,
      video_url: d.video_url ?? null,
      thumbnail_url: d.thumbnail_url ?? null,
      gif_url: d.gif_url ?? null,
      captioned_video_url: d.video_url_caption ?? null,
      subtitle_url: d.caption_url ?? null,
      duration: d.duration ?? null,
      folder_id: null,
      output_language: null,
      failure_code: code,
      failure_message: failed && d.error ? failureMessageOf(d.error) : null,
      video_page_url: null,
    },
    payload,
  };
  if (!status) polled.unknownStatus = d.status;
  return polled;
}

// ---- translations ----

/** `POST /v2/video_translate` body, one per output language (OpenAPI: MCPVideoTranslateCreateRequest). */
export interface WireTranslateBody {
  video_url: string;
  output_language: string;
  title?: string;
  audio_url?: string;
  input_language?: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
  mode?: 'speed' | 'precision';
  callback_id?: string;
  enable_caption?: boolean;
  keep_the_same_format?: boolean;
  enable_dynamic_duration?: boolean;
  disable_music_track?: boolean;
  enable_speech_enhancement?: boolean;
  enable_watermark?: boolean;
  start_time?: number;
  end_time?: number;
  brand_voice_id?: string;
  srt_url?: string;
  srt_role?: 'input' | 'output';
  fps_mode?: string;
  folder_id?: string;
}

type Source = TranslationCreate['video'];

/** The URL behind a v3 file reference: as given, or the known URL of an asset this account uploaded. */
function urlOf(src: Source, assetUrlOf: AssetUrlOf): string | undefined {
  return src.type === 'url' ? src.url : assetUrlOf(src.asset_id);
}

/** The legacy translate API takes files by URL only; an asset id works when its URL is known. */
export function translationUnsupported(req: TranslationCreate, assetUrlOf: AssetUrlOf): Unsupported[] {
  const out: Unsupported[] = [];
  const why = 'the v2 translate API takes files by URL, and this account does not know the URL of that asset';
  if (!urlOf(req.video, assetUrlOf)) out.push({ param: 'video.asset_id', reason: why });
  if (req.audio && !urlOf(req.audio, assetUrlOf)) out.push({ param: 'audio.asset_id', reason: why });
  if (req.srt && !urlOf(req.srt, assetUrlOf)) out.push({ param: 'srt.asset_id', reason: why });
  return out;
}

/** callback_url stays with the gateway (it signs and delivers callbacks); callback_id goes upstream. */
export function toWireTranslate(req: TranslationCreate, outputLanguage: string, assetUrlOf: AssetUrlOf): WireTranslateBody {
  const [unsupported] = translationUnsupported(req, assetUrlOf);
  if (unsupported) {
    throw new GatewayError('provider_capability_unsupported', `A heygen-v2 account cannot honour '${unsupported.param}' (${unsupported.reason}).`, {
      param: unsupported.param,
    });
  }
  const body: WireTranslateBody = { video_url: urlOf(req.video, assetUrlOf) as string, output_language: outputLanguage };
  const audio = req.audio ? urlOf(req.audio, assetUrlOf) : undefined;
  const srt = req.srt ? urlOf(req.srt, assetUrlOf) : undefined;
  const optional: Omit<WireTranslateBody, 'video_url' | 'output_language'> = {
    title: req.title ?? undefined,
    audio_url: audio,
    input_language: req.input_language ?? undefined,
    translate_audio_only: req.translate_audio_only,
    speaker_num: req.speaker_num ?? undefined,
    mode: req.mode,
    callback_id: req.callback_id ?? undefined,
    enable_caption: req.enable_caption,
    keep_the_same_format: req.keep_the_same_format ?? undefined,
    enable_dynamic_duration: req.enable_dynamic_duration,
    disable_music_track: req.disable_music_track,
    enable_speech_enhancement: req.enable_speech_enhancement,
    enable_watermark: req.enable_watermark,
    start_time: req.start_time ?? undefined,
    end_time: req.end_time ?? undefined,
    brand_voice_id: req.brand_voice_id ?? undefined,
    srt_url: srt,
    srt_role: req.srt_role ?? undefined,
    fps_mode: req.fps_mode ?? undefined,
    folder_id: req.folder_id ?? undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (body as unknown as Record<string, unknown>)[k] = v;
  return body;
}

/** `success -> completed`, `url -> video_url`, a failure's `message -> failure_message`. */
export function fromWireTranslateStatus(d: WireTranslateStatus, payload: unknown): TranslationPolled {
  const status = translationStatusFromWire(d.status);
  const polled: TranslationPolled = {
    detail: {
      title: d.title ?? null,
      status: status ?? 'running',
      output_language: d.output_language ?? null,
      input_language: null,
      duration: null,
      translate_audio_only: null,
      video_url: d.url ?? null,
      audio_url: null,
      callback_id: d.callback_id ?? null,
      created_at: null,
      failure_message: status === 'failed' ? (d.message ?? null) : null,
    },
    payload,
  };
  if (!status) polled.unknownStatus = d.status;
  return polled;
}

// ---- assets ----

/**
 * The v1 upload answer as v3's. The MIME type is the one the gateway detected and sent (v1 only
 * says image/video/audio), and the size is what the gateway streamed (v1 does not say).
 */
export function fromWireUploadedAsset(d: WireUploadedAsset, mimeType: string, sizeBytes: number): AssetUploaded {
  return { asset_id: d.id, url: d.url, mime_type: mimeType, size_bytes: sizeBytes };
}

// ---- avatars ----

/** One entry of the legacy avatar listing: a studio avatar or a talking photo. */
export interface LegacyLook {
  id: string;
  kind: 'avatar' | 'talking_photo';
  name: string;
  gender: string | null;
  preview_image_url: string | null;
  preview_video_url: string | null;
  default_voice_id: string | null;
}

export function looksFromWire(list: WireAvatarList): LegacyLook[] {
  return [
    ...list.avatars.map(
      (a): LegacyLook => ({
        id: a.avatar_id,
        kind: 'avatar',
        name: a.avatar_name ?? a.avatar_id,
        gender: a.gender ?? null,
        preview_image_url: a.preview_image_url ?? null,
        preview_video_url: a.preview_video_url ?? null,
        default_voice_id: a.default_voice_id ?? null,
      }),
    ),
    ...list.talking_photos.map(
      (p): LegacyLook => ({
        id: p.talking_photo_id,
        kind: 'talking_photo',
        name: p.talking_photo_name ?? p.talking_photo_id,
        gender: null,
        preview_image_url: p.preview_image_url ?? null,
        preview_video_url: null,
        default_voice_id: null,
      }),
    ),
  ];
}

const LOOK_TYPE: Record<LegacyLook['kind'], string> = { avatar: 'studio_avatar', talking_photo: 'photo_avatar' };

/** Legacy avatars have no groups: each one is its own group of one look, under the same id. */
export function toLookItem(l: LegacyLook): AvatarLookItem {
  return {
    id: l.id,
    name: l.name,
    avatar_type: LOOK_TYPE[l.kind],
    group_id: l.id,
    preview_image_url: l.preview_image_url,
    preview_video_url: l.preview_video_url,
    gender: l.gender,
    default_voice_id: l.default_voice_id,
    image_width: null,
    image_height: null,
    preferred_orientation: null,
    status: null,
    error: null,
  };
}

/** `created_at` is required by v3 but unknown to the legacy listing: 0 says "not known". */
export function toGroupItem(l: LegacyLook): AvatarGroupItem {
  return {
    id: l.id,
    name: l.name,
    preview_image_url: l.preview_image_url,
    preview_video_url: l.preview_video_url,
    gender: l.gender,
    created_at: 0,
    looks_count: 1,
    default_voice_id: l.default_voice_id,
    consent_status: null,
    status: null,
    error: null,
  };
}

/**
 * The legacy listing does not tell an account's own avatars and voices from HeyGen's public
 * ones: everything is reported as public, so a `private` filter finds nothing.
 */
const ownedAsPublic = (filter: string | undefined): boolean => filter === undefined || filter === 'public';

export function filterGroups(looks: readonly LegacyLook[], q: AvatarGroupListQuery): LegacyLook[] {
  return ownedAsPublic(q.ownership) ? [...looks] : [];
}

export function filterLooks(looks: readonly LegacyLook[], q: AvatarLookListQuery): LegacyLook[] {
  if (!ownedAsPublic(q.ownership)) return [];
  return looks.filter(
    (l) => (q.group_id === undefined || l.id === q.group_id) && (q.avatar_type === undefined || LOOK_TYPE[l.kind] === q.avatar_type),
  );
}

// ---- voices ----

export function fromWireVoice(v: WireVoice): VoiceItem {
  return {
    voice_id: v.voice_id,
    name: v.name,
    language: v.language,
    gender: v.gender,
    preview_audio_url: v.preview_audio ?? null,
    support_pause: v.support_pause ?? false,
    // The legacy voice carries no locale support flag; v3 locales are a newer feature.
    support_locale: false,
    type: 'public',
  };
}

/** A voice query the legacy listing cannot answer: engines are a v3 notion (e.g. Starfish). */
export function checkVoiceQuery(q: VoiceListQuery): void {
  if (present(q.engine)) {
    throw new GatewayError('provider_capability_unsupported', 'A legacy HeyGen account cannot filter voices by engine.', { param: 'engine' });
  }
}

export function filterVoices(voices: readonly VoiceItem[], q: VoiceListQuery): VoiceItem[] {
  checkVoiceQuery(q);
  const same = (a: string, b: string | undefined): boolean => b === undefined || a.toLowerCase() === b.toLowerCase();
  if (!ownedAsPublic(q.type)) return [];
  return voices.filter((v) => same(v.language, q.language) && same(v.gender, q.gender));
}

// ---- pages ----

interface Cursor {
  last_id: string;
  offset: number;
}

/**
 * Cursor pagination done by the gateway over a legacy list that has none. The token carries the
 * last id and its offset: the next page starts after that id, or at the offset if it is gone.
 */
export function paginate<T>(items: readonly T[], idOf: (t: T) => string, limit: number, token: string | undefined): Page<T> {
  let start = 0;
  if (token !== undefined) {
    let cursor: Partial<Cursor> | null = null;
    try {
      cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    } catch {
      cursor = null;
    }
    if (typeof cursor?.last_id !== 'string' || typeof cursor.offset !== 'number' || !Number.isInteger(cursor.offset) || cursor.offset < 0) {
      throw invalidParameter('token', "'token' is not a valid pagination token.");
    }
    const lastId = cursor.last_id;
    const at = items.findIndex((t) => idOf(t) === lastId);
    start = at >= 0 ? at + 1 : cursor.offset;
  }
  const data = items.slice(start, start + limit);
  const hasMore = start + limit < items.length;
  const last = data[data.length - 1];
  const next: Cursor | null = hasMore && last !== undefined ? { last_id: idOf(last), offset: start + data.length } : null;
  return { data, has_more: hasMore, next_token: next ? Buffer.from(JSON.stringify(next), 'utf8').toString('base64url') : null };
}

// ---- users ----

/** True when `/v1/user/me` already carries v3's billing objects (HeyGen's current answer). */
export function hasBilling(u: WireUserMe): boolean {
  return present(u.billing_type) || present(u.wallet) || present(u.subscription) || present(u.usage_based);
}

/**
 * users/me from `/v1/user/me`, with the balance from `/v2/user/remaining_quota` when the user
 * answer has none: a credit is 60 seconds of quota, reported as a wallet in credits (2 decimals).
 */
export function fromWireUser(u: WireUserMe, quota?: WireRemainingQuota | null): UserInfo {
  const pool = (p: { remaining?: number | null; resets_at?: string | null } | null | undefined) =>
    p ? { remaining: p.remaining ?? null, resets_at: p.resets_at ?? null } : null;
  const base = { username: u.username, email: u.email ?? null, first_name: u.first_name ?? null, last_name: u.last_name ?? null };
  if (!hasBilling(u) && quota) {
    return {
      ...base,
      billing_type: 'wallet',
      wallet: { currency: 'credits', remaining_balance: Math.round((quota.remaining_quota / 60) * 100) / 100, auto_reload: null },
      subscription: null,
      usage_based: null,
    };
  }
  return {
    ...base,
    billing_type: u.billing_type ?? null,
    wallet: u.wallet
      ? {
          currency: u.wallet.currency,
          remaining_balance: u.wallet.remaining_balance ?? null,
          auto_reload: u.wallet.auto_reload
            ? {
                enabled: u.wallet.auto_reload.enabled,
                threshold_usd: u.wallet.auto_reload.threshold_usd ?? null,
                amount_usd: u.wallet.auto_reload.amount_usd ?? null,
              }
            : null,
        }
      : null,
    subscription: u.subscription
      ? {
          plan: u.subscription.plan,
          credits: { premium_credits: pool(u.subscription.credits.premium_credits), add_on_credits: pool(u.subscription.credits.add_on_credits) },
        }
      : null,
    usage_based: u.usage_based
      ? { spending_current_usd: u.usage_based.spending_current_usd ?? null, spending_cap_usd: u.usage_based.spending_cap_usd ?? null }
      : null,
  };
}

// ---- errors ----

/**
 * The code/message/param of a legacy error body for errorFromUpstream. String codes that are v3
 * codes pass on; numeric legacy codes (400599, 40119) mean nothing in v3, so only their message
 * travels and the HTTP status decides the v3 code. Anything else yields no info.
 */
export function errorInfoFromWire(text: string): UpstreamErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const r = WireErrorBody.safeParse(json);
  if (!r.success) return {};
  const e = 'error' in r.data ? r.data.error : { code: r.data.code, message: r.data.message, param: null };
  const code = typeof e.code === 'string' && !/^\d+$/.test(e.code.trim()) ? e.code : null;
  return { code, message: e.message ?? null, param: e.param ?? null };
}
