/**
 * The cost model: what a job on a given account is expected to cost (for `routing: cheapest` and
 * budget reservations) and what it did cost once the upstream reports the output duration.
 *
 * Rates are USD. Defaults are HeyGen's published self-serve (Pay-As-You-Go) API rates from
 * 002_0ef26fb39557cb97.txt, "# Self-Serve Pricing" (developers.heygen.com/docs/pricing), which bills
 * "in USD based on output duration". An account's `pricing` overrides any part of them.
 *
 * Everything here is pure and deterministic: no clock, no I/O.
 */
import type { VideoResolution } from '../api/schemas/videos.js';
import type { TranslationCreate } from '../api/schemas/translations.js';
import type { AvatarCreate } from '../api/schemas/avatars.js';
import type { V2VideoInput } from '../api/schemas/legacy.js';
import type { Static } from '@sinclair/typebox';
import type { AccountConfig, PricingConfig, ProviderName } from '../config/schema.js';
import type { CheckedInputs, VideoRequest } from './adapter.js';

export type Resolution = Static<typeof VideoResolution>;
/** The avatar types the pricing tables distinguish. */
export type AvatarKind = 'studio_avatar' | 'digital_twin' | 'photo_avatar';
export type TranslationProduct = 'speed' | 'speed_audio_only' | 'precision';

export const AVATAR_KINDS: readonly AvatarKind[] = ['studio_avatar', 'digital_twin', 'photo_avatar'];
export const RESOLUTIONS: readonly Resolution[] = ['720p', '1080p', '4k'];

/** An account's full price list: its `pricing` laid over its provider's defaults. Same keys as the config. */
export interface PriceTable {
  /** USD per output second. */
  video: Record<AvatarKind, Record<Resolution, number>>;
  /** USD per output second, per output language. */
  translation: Record<TranslationProduct, number>;
  /** USD per call, on top of the per-second cost. */
  per_call: { video: number; translation: number; avatar_creation: Record<'digital_twin' | 'photo_avatar', number> };
}

const byResolution = (hd: number, uhd: number): Record<Resolution, number> => ({ '720p': hd, '1080p': hd, '4k': uhd });

/**
 * Self-Serve Pricing, "Video Generation — Avatar IV & V" (720p / 1080p | 4K):
 *   Photo Avatar  $0.05 / sec   | $0.0667 / sec
 *   Digital Twin  $0.0667 / sec | $0.0833 / sec
 *   Studio Avatar $0.0667 / sec | $0.0833 / sec
 */
const AVATAR_IV_V: PriceTable['video'] = {
  studio_avatar: byResolution(0.0667, 0.0833),
  digital_twin: byResolution(0.0667, 0.0833),
  photo_avatar: byResolution(0.05, 0.0667),
};

/**
 * Self-Serve Pricing, "Video Generation — Avatar III" (720p / 1080p | 4K): $0.0167 / sec | $0.02 / sec
 * for every avatar type. "Models": Avatar III is "only available ... through the v1/v2 legacy
 * endpoints", so it is what heygen-v1 / heygen-v2 accounts render.
 */
const AVATAR_III: PriceTable['video'] = {
  studio_avatar: byResolution(0.0167, 0.02),
  digital_twin: byResolution(0.0167, 0.02),
  photo_avatar: byResolution(0.0167, 0.02),
};

/**
 * Self-Serve Pricing, "Video Translation": Speed — Audio Only $0.0167 / sec, Speed — Lip Sync
 * $0.0333 / sec, Precision — Lip Sync $0.0667 / sec. (Proofread is Enterprise only: not priced here.)
 */
const TRANSLATION: PriceTable['translation'] = { speed_audio_only: 0.0167, speed: 0.0333, precision: 0.0667 };

/**
 * Self-Serve Pricing, "Avatar Creation": Digital Twin $1.00 per call, Photo Avatar $1.00 per call.
 * HeyGen charges no per-call fee for videos or translations; a reseller's request fee goes in
 * `per_call.video` / `per_call.translation`.
 * (Cinematic Avatar, $7.00 / video, has no field in the v3 create body the gateway serves.)
 */
const PER_CALL: PriceTable['per_call'] = { video: 0, translation: 0, avatar_creation: { digital_twin: 1, photo_avatar: 1 } };

const table = (video: PriceTable['video']): PriceTable => ({ video, translation: TRANSLATION, per_call: PER_CALL });

/**
 * Each provider's defaults. Cloudsway's video product is "Avatar IV" (000_b1da45572262cd95.txt) and
 * GMI's model is heygen-avatar-4; both resell HeyGen, so HeyGen's self-serve rates stand in until
 * the account's own `pricing` says otherwise.
 */
export const DEFAULT_PRICES: Readonly<Record<ProviderName, PriceTable>> = {
  'heygen-v3': table(AVATAR_IV_V),
  cloudsway: table(AVATAR_IV_V),
  gmi: table(AVATAR_IV_V),
  'heygen-v2': table(AVATAR_III),
  'heygen-v1': table(AVATAR_III),
};

// ---- duration estimates ------------------------------------------------------------------------

/** Speaking rate for space-separated scripts: 150 words per minute, a typical TTS narration pace. */
export const WORDS_PER_SECOND = 2.5;
/**
 * Chinese and Japanese are written without spaces, so they are counted per character: about 4
 * characters per second (240 per minute), typical Mandarin/Japanese narration.
 */
export const CJK_CHARS_PER_SECOND = 4;
/** The shortest video estimated. */
export const MIN_VIDEO_SECONDS = 1;
/** Length assumed for an audio input (`audio_url` / `audio_asset_id`) whose duration is not known. */
export const DEFAULT_AUDIO_SECONDS = 60;
/** v2 silence voice: "value between 1.0 and 100.0. Default is 1.0" (001_f1de937382e1c461.txt). */
export const DEFAULT_SILENCE_SECONDS = 1;
/** Length assumed for a translation source video whose duration is not known (per output language). */
export const DEFAULT_TRANSLATION_SECONDS = 60;
/** Resolution priced when a request sets none (HeyGen prices 720p and 1080p alike; only 4K costs more). */
export const DEFAULT_RESOLUTION: Resolution = '1080p';

/** What the caller may know beyond the request body. */
export interface VideoCostHints {
  /** The look's `avatar_type` (e.g. from GET /v3/avatars/looks/{id}); see avatarKindOf. */
  avatarType?: AvatarKind | undefined;
  /** Length of the request's audio input, when known. */
  audioSeconds?: number | undefined;
}

/**
 * Without the look's type, `type: "avatar"` is priced as a studio avatar / digital twin (same
 * rate, the higher one, so budgets are not under-reserved); `type: "image"` animates a photo,
 * priced as a photo avatar; a v2 `talking_photo` is a photo avatar.
 */
const UNKNOWN_LOOK: AvatarKind = 'studio_avatar';

/** The pricing kind of a look's `avatar_type`; `video_avatar` (made from footage) prices as a digital twin. */
export function avatarKindOf(avatarType: string | null | undefined): AvatarKind | undefined {
  switch (avatarType) {
    case 'studio_avatar':
    case 'digital_twin':
    case 'photo_avatar':
      return avatarType;
    case 'video_avatar':
      return 'digital_twin';
    default:
      return undefined;
  }
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const BREAK = /<break\b[^>]*?\btime\s*=\s*["']?(\d+(?:\.\d+)?)\s*(ms|s)\b["']?[^>]*>/gi;
const TAG = /<[^>]*>/g;

/**
 * Seconds of speech in a script at the given voice speed (voice_settings.speed, 0.5–1.5):
 * words / 2.5 plus CJK characters / 4, divided by speed; `<break time="..."/>` pauses are added.
 * Unrounded; callers apply the minimum.
 */
export function scriptSeconds(script: string, speed = 1): number {
  let pauses = 0;
  const text = script
    .replace(BREAK, (_m, n: string, unit: string) => {
      pauses += unit.toLowerCase() === 'ms' ? Number(n) / 1000 : Number(n);
      return ' ';
    })
    .replace(TAG, ' ');
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text.replace(CJK, ' ').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const rate = speed > 0 ? speed : 1;
  return (words / WORDS_PER_SECOND + cjk / CJK_CHARS_PER_SECOND) / rate + pauses;
}

/** One stretch of output video and the avatar type rendered in it. */
interface Segment {
  seconds: number;
  kind: AvatarKind;
}

function sceneSegment(scene: V2VideoInput, hints: VideoCostHints, audioSeconds: number): Segment {
  const kind = scene.character?.type === 'talking_photo' ? 'photo_avatar' : (hints.avatarType ?? UNKNOWN_LOOK);
  const v = scene.voice;
  const seconds =
    v.type === 'text' ? scriptSeconds(v.input_text, v.speed ?? 1) : v.type === 'audio' ? audioSeconds : (v.duration ?? DEFAULT_SILENCE_SECONDS);
  return { seconds, kind };
}

function segments(req: VideoRequest, hints: VideoCostHints): Segment[] {
  const scenes = req.legacy?.video_inputs;
  if (scenes && scenes.length > 0) {
    // A known audio length can only belong to a single-scene video.
    const audio = scenes.length === 1 ? (hints.audioSeconds ?? DEFAULT_AUDIO_SECONDS) : DEFAULT_AUDIO_SECONDS;
    return scenes.map((s) => sceneSegment(s, hints, audio));
  }
  const kind = req.type === 'image' ? 'photo_avatar' : (hints.avatarType ?? UNKNOWN_LOOK);
  if (req.script) return [{ seconds: scriptSeconds(req.script, req.voice_settings?.speed ?? 1), kind }];
  if (req.audio_url || req.audio_asset_id) return [{ seconds: hints.audioSeconds ?? DEFAULT_AUDIO_SECONDS, kind }];
  // Neither (validation normally refuses this): the minimum.
  return [{ seconds: 0, kind }];
}

/**
 * Expected output length in seconds: from the script at 2.5 words/s (CJK 4 chars/s), from the audio
 * (its known length, else DEFAULT_AUDIO_SECONDS), or for a legacy multi-scene body the sum of its
 * scenes (silence scenes by their duration). Never below MIN_VIDEO_SECONDS.
 */
export function estimateVideoSeconds(req: VideoRequest, hints: VideoCostHints = {}): number {
  const total = segments(req, hints).reduce((s, g) => s + g.seconds, 0);
  return Math.max(MIN_VIDEO_SECONDS, total);
}

// ---- prices ------------------------------------------------------------------------------------

const cache = new WeakMap<AccountConfig, PriceTable>();

function overlayVideo(base: PriceTable['video'], cfg: PricingConfig['video']): PriceTable['video'] {
  if (cfg === undefined) return base;
  const out = {} as PriceTable['video'];
  for (const kind of AVATAR_KINDS) {
    const rate = typeof cfg === 'number' ? cfg : cfg[kind];
    const row = { ...base[kind] };
    for (const res of RESOLUTIONS) {
      const v = typeof rate === 'number' ? rate : rate?.[res];
      if (v !== undefined) row[res] = v;
    }
    out[kind] = row;
  }
  return out;
}

function overlay<K extends string>(base: Record<K, number>, keys: readonly K[], cfg: number | Partial<Record<K, number>> | undefined): Record<K, number> {
  if (cfg === undefined) return base;
  const out = { ...base };
  for (const k of keys) {
    const v = typeof cfg === 'number' ? cfg : cfg[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The account's full price list: its `pricing` over its provider's defaults. */
export function priceTable(account: AccountConfig): PriceTable {
  const hit = cache.get(account);
  if (hit) return hit;
  const base = DEFAULT_PRICES[account.provider];
  const p = account.pricing;
  const resolved: PriceTable = p
    ? {
        video: overlayVideo(base.video, p.video),
        translation: overlay(base.translation, ['speed', 'speed_audio_only', 'precision'], p.translation),
        per_call: {
          video: p.per_call?.video ?? base.per_call.video,
          translation: p.per_call?.translation ?? base.per_call.translation,
          avatar_creation: overlay(base.per_call.avatar_creation, ['digital_twin', 'photo_avatar'], p.per_call?.avatar_creation),
        },
      }
    : base;
  cache.set(account, resolved);
  return resolved;
}

/** Costs are kept to a millionth of a dollar, so sums in the ledger do not drift. */
export const roundUsd = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/**
 * USD per output second for this request on this account. A legacy multi-scene video mixing
 * talking photos and avatars gets the average of its scenes' rates weighted by their estimated length.
 */
export function videoRate(account: AccountConfig, req: VideoRequest, hints: VideoCostHints = {}): number {
  const rates = priceTable(account).video;
  const res = req.resolution ?? DEFAULT_RESOLUTION;
  const segs = segments(req, hints);
  const total = segs.reduce((s, g) => s + g.seconds, 0);
  if (total <= 0) return rates[segs[0]?.kind ?? UNKNOWN_LOOK][res];
  return segs.reduce((s, g) => s + g.seconds * rates[g.kind][res], 0) / total;
}

/** Expected cost of a video create: estimated seconds x rate, plus the per-call fee. */
export function estimateVideoCost(account: AccountConfig, req: VideoRequest, hints: VideoCostHints = {}): number {
  return roundUsd(estimateVideoSeconds(req, hints) * videoRate(account, req, hints) + priceTable(account).per_call.video);
}

/** Cost of a finished video from the duration the upstream reported. */
export function actualVideoCost(account: AccountConfig, req: VideoRequest, durationSeconds: number, hints: VideoCostHints = {}): number {
  return roundUsd(Math.max(0, durationSeconds) * videoRate(account, req, hints) + priceTable(account).per_call.video);
}

/**
 * The translation product a request buys. Audio-only is published for speed mode only; precision
 * with `translate_audio_only` is priced at the precision rate (no cheaper rate is published).
 */
export function translationProduct(req: Pick<TranslationCreate, 'mode' | 'translate_audio_only'>): TranslationProduct {
  if ((req.mode ?? 'speed') === 'precision') return 'precision';
  return req.translate_audio_only ? 'speed_audio_only' : 'speed';
}

/**
 * Seconds of output per language: the source length (known, else DEFAULT_TRANSLATION_SECONDS)
 * cut to `start_time` / `end_time`. Never below MIN_VIDEO_SECONDS.
 */
export function estimateTranslationSeconds(req: TranslationCreate, sourceSeconds?: number): number {
  const start = req.start_time ?? 0;
  let seconds: number;
  if (req.end_time != null) {
    const end = sourceSeconds !== undefined ? Math.min(req.end_time, sourceSeconds) : req.end_time;
    seconds = end - start;
  } else if (sourceSeconds !== undefined) {
    seconds = sourceSeconds - start;
  } else {
    seconds = DEFAULT_TRANSLATION_SECONDS;
  }
  return Math.max(MIN_VIDEO_SECONDS, seconds);
}

/** Expected cost of a translation create: every output language is a job billed for its own output. */
export function estimateTranslationCost(account: AccountConfig, req: TranslationCreate, sourceSeconds?: number): number {
  const t = priceTable(account);
  const perLanguage = estimateTranslationSeconds(req, sourceSeconds) * t.translation[translationProduct(req)] + t.per_call.translation;
  return roundUsd(perLanguage * req.output_languages.length);
}

/** Cost of ONE finished translation job (one output language) from the duration the upstream reported. */
export function actualTranslationCost(account: AccountConfig, req: TranslationCreate, durationSeconds: number): number {
  const t = priceTable(account);
  return roundUsd(Math.max(0, durationSeconds) * t.translation[translationProduct(req)] + t.per_call.translation);
}

/** Avatar creation is billed per call: photo and prompt avatars as photo avatars, digital twin and video avatars as digital twins. */
export function estimateAvatarCreationCost(account: AccountConfig, req: AvatarCreate): number {
  const fees = priceTable(account).per_call.avatar_creation;
  return roundUsd(req.type === 'photo' || req.type === 'prompt' ? fees.photo_avatar : fees.digital_twin);
}

export interface CostHints extends VideoCostHints {
  /** Translation source length, when known. */
  sourceSeconds?: number | undefined;
}

/** The estimate for any create the router checks (video, translation, avatar); what `cheapest` and budgets use. */
export function estimateCost<K extends keyof CheckedInputs>(account: AccountConfig, op: K, input: CheckedInputs[K], hints: CostHints = {}): number {
  switch (op) {
    case 'video.create':
      return estimateVideoCost(account, input as VideoRequest, hints);
    case 'translation.create':
      return estimateTranslationCost(account, input as TranslationCreate, hints.sourceSeconds);
    default:
      return estimateAvatarCreationCost(account, input as AvatarCreate);
  }
}

/** The ledger month of an instant: "YYYY-MM" in UTC. */
export function monthOf(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
