/**
 * Pure v3 <-> HeyGen-v3-wire translation. The wire *is* v3, so requests are mostly re-serialized
 * as given; the work is in what must not go upstream (callback_url), in normalizing absent
 * optional fields to null, and in never trusting a status word.
 */
import type { VideoRequest } from '../../src/core/adapter.js';
import type { VideoCreate, VideoStatus } from '../../src/api/schemas/videos.js';
import type { TranslationCreate, TranslationStatus } from '../../src/api/schemas/translations.js';
import type { AssetUploaded } from '../../src/api/schemas/assets.js';
import type {
  AvatarCreate,
  AvatarCreated,
  AvatarGroupItem,
  AvatarGroupListQuery,
  AvatarLookItem,
  AvatarLookListQuery,
} from '../../src/api/schemas/avatars.js';
import type { VoiceItem, VoiceListQuery } from '../../src/api/schemas/voices.js';
import type { UserInfo } from '../../src/api/schemas/users.js';
import type {
  Page,
  TranslationPolled,
  TranslationSubmitted,
  VideoPolled,
  VideoSubmitted,
} from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import type { UpstreamErrorInfo } from '../../src/core/upstream.js';
import {
  WireErrorBody,
  type WireAsset,
  type WireAvatarCreated,
  type WireAvatarGroup,
  type WireAvatarLook,
  type WireTranslationCreated,
  type WireTranslationDetail,
  type WireUser,
  type WireVideoCreated,
  type WireVideoDetail,
  type WireVoice,
} from './wire.js';
import { wordTable } from '../../src/core/status.js';
import { fromWireAvatarGroup as sharedGroup, fromWireAvatarLook as sharedLook } from '../shared/v3-avatars.js';
import { fromWireVideoDetail as sharedVideoDetail } from '../shared/v3-videos.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The create bodies as they go upstream: v3 bodies without callback_url, nulls removed. */
export type WireVideoCreateBody = DistributiveOmit<VideoCreate, 'callback_url'>;
export type WireTranslationCreateBody = Omit<TranslationCreate, 'callback_url'>;
export type WireAvatarCreateBody = AvatarCreate;

export type WireQuery = Record<string, string | number | undefined>;

/**
 * Removes null/undefined object members at every depth. Array elements keep their positions.
 * The result has the input's type: every removed member was optional in the v3 schemas.
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => compact(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[k] = compact(v);
    }
    return out as T;
  }
  return value;
}

// ---- status words ----

/** A v3 video status word, or undefined when the upstream used a word v3 does not define. */
export const videoStatusFromWire = wordTable<VideoStatus>({
  pending: 'pending',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
});

/** A v3 translation status word, or undefined when the upstream used a word v3 does not define. */
export const translationStatusFromWire = wordTable<TranslationStatus>({
  pending: 'pending',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
});

// ---- videos ----

/**
 * callback_url is removed: the gateway delivers callbacks itself (signed with the client's secret,
 * carrying the gateway's ids); an upstream callback would reveal upstream ids. callback_id stays.
 */
export function toWireVideoCreate(req: VideoRequest): WireVideoCreateBody {
  // callback_url: the gateway delivers callbacks itself. legacy: a v2 client's original body,
  // whose single scene is already in the v3 fields (v2-only settings made this account ineligible).
  const { callback_url: _notForwarded, legacy: _v2Original, ...rest } = req;
  return compact(rest);
}

/** A just-created video: an unknown status word means it has not started, i.e. pending. */
export function fromWireVideoCreated(data: WireVideoCreated, payload: unknown): VideoSubmitted {
  return { upstreamId: data.video_id, status: videoStatusFromWire(data.status) ?? 'pending', payload };
}

/** An unknown status word is reported and treated as still in progress (never a crash). */
export const fromWireVideoDetail = (d: WireVideoDetail, payload: unknown): VideoPolled =>
  sharedVideoDetail(d, payload, videoStatusFromWire);

// ---- translations ----

/** As for videos: callback_url stays with the gateway, callback_id goes upstream. */
export function toWireTranslationCreate(req: TranslationCreate): WireTranslationCreateBody {
  const { callback_url: _notForwarded, ...rest } = req;
  return compact(rest);
}

/**
 * HeyGen answers one id per output language, in request order. A count mismatch means the ids
 * cannot be attributed to languages safely: a 502, never a guess.
 */
export function fromWireTranslationCreated(
  data: WireTranslationCreated,
  outputLanguages: readonly string[],
  payload: unknown,
): TranslationSubmitted {
  const ids = data.video_translation_ids;
  if (ids.length !== outputLanguages.length) {
    throw new GatewayError(
      'upstream_error',
      `The upstream answered ${ids.length} video translation ids for ${outputLanguages.length} output languages.`,
    );
  }
  return {
    items: ids.map((upstreamId, i) => ({ upstreamId, outputLanguage: outputLanguages[i] as string })),
    payload,
  };
}

export function fromWireTranslationDetail(d: WireTranslationDetail, payload: unknown): TranslationPolled {
  const status = translationStatusFromWire(d.status);
  const polled: TranslationPolled = {
    detail: {
      title: d.title ?? null,
      status: status ?? 'running',
      output_language: d.output_language ?? null,
      input_language: d.input_language ?? null,
      duration: d.duration ?? null,
      translate_audio_only: d.translate_audio_only ?? null,
      video_url: d.video_url ?? null,
      audio_url: d.audio_url ?? null,
      callback_id: d.callback_id ?? null,
      created_at: d.created_at ?? null,
      failure_message: d.failure_message ?? null,
    },
    payload,
  };
  if (!status) polled.unknownStatus = d.status;
  return polled;
}

// ---- assets ----

export function fromWireAsset(d: WireAsset): AssetUploaded {
  return { asset_id: d.asset_id, url: d.url, mime_type: d.mime_type, size_bytes: d.size_bytes };
}

// ---- avatars ----

export function avatarGroupQuery(q: AvatarGroupListQuery): WireQuery {
  return { ownership: q.ownership, limit: q.limit, token: q.token };
}

export function avatarLookQuery(q: AvatarLookListQuery): WireQuery {
  return { group_id: q.group_id, avatar_type: q.avatar_type, ownership: q.ownership, limit: q.limit, token: q.token };
}

export const fromWireAvatarGroup = (g: WireAvatarGroup): AvatarGroupItem => sharedGroup(g);

export const fromWireAvatarLook: (l: WireAvatarLook) => AvatarLookItem = sharedLook;

export function toWireAvatarCreate(req: AvatarCreate): WireAvatarCreateBody {
  return compact(req);
}

export function fromWireAvatarCreated(d: WireAvatarCreated): AvatarCreated {
  return {
    avatar_item: d.avatar_item ? fromWireAvatarLook(d.avatar_item) : null,
    avatar_group: d.avatar_group ? fromWireAvatarGroup(d.avatar_group) : null,
  };
}

// ---- voices ----

export function voiceQuery(q: VoiceListQuery): WireQuery {
  return { type: q.type, engine: q.engine, language: q.language, gender: q.gender, limit: q.limit, token: q.token };
}

export function fromWireVoice(v: WireVoice): VoiceItem {
  return {
    voice_id: v.voice_id,
    name: v.name,
    language: v.language,
    gender: v.gender,
    preview_audio_url: v.preview_audio_url ?? null,
    support_pause: v.support_pause,
    support_locale: v.support_locale,
    type: v.type,
  };
}

// ---- users ----

export function fromWireUser(u: WireUser): UserInfo {
  const pool = (p: { remaining?: number | null; resets_at?: string | null } | null | undefined) =>
    p ? { remaining: p.remaining ?? null, resets_at: p.resets_at ?? null } : null;
  return {
    username: u.username,
    email: u.email ?? null,
    first_name: u.first_name ?? null,
    last_name: u.last_name ?? null,
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
          credits: {
            premium_credits: pool(u.subscription.credits.premium_credits),
            add_on_credits: pool(u.subscription.credits.add_on_credits),
          },
        }
      : null,
    usage_based: u.usage_based
      ? {
          spending_current_usd: u.usage_based.spending_current_usd ?? null,
          spending_cap_usd: u.usage_based.spending_cap_usd ?? null,
        }
      : null,
  };
}

// ---- pages and errors ----

export function fromWirePage<W, T>(
  page: { data: W[]; has_more: boolean; next_token?: string | null },
  item: (w: W) => T,
): Page<T> {
  // Tokens are HeyGen's own cursors; the gateway passes them through untouched.
  return { data: page.data.map(item), has_more: page.has_more, next_token: page.next_token ?? null };
}

/**
 * The code/message/param of a v3 error body, for errorFromUpstream. Anything that is not such a
 * body (HTML from a proxy, empty, other JSON) yields no info: the HTTP status alone decides.
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
  const { code, message, param } = r.data.error;
  return { code: code ?? null, message: message ?? null, param: param ?? null };
}
