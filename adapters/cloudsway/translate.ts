/**
 * Pure v3 <-> Cloudsway-wire translation (no I/O). Cloudsway fronts HeyGen with a narrower surface
 * than v3: this file decides which v3 fields it can honour (the capability checks), builds the
 * bodies from the fields its document lists — and only those —, and maps its envelopes, status
 * words and failure bodies back onto the v3 model.
 */
import type { VideoStatus } from '../../src/api/schemas/videos.js';
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
import type {
  Page,
  TranslationPolled,
  TranslationSubmitted,
  Unsupported,
  VideoPolled,
  VideoRequest,
  VideoSubmitted,
} from '../../src/core/adapter.js';
import { ERROR_STATUS, GatewayError } from '../../src/core/errors.js';
import type { UpstreamErrorInfo } from '../../src/core/upstream.js';
import {
  WireFailureBody,
  type WireAsset,
  type WireAvatarCreated,
  type WireAvatarGroup,
  type WireAvatarLook,
  type WireTranslationCreated,
  type WireTranslationDetail,
  type WireVideoCreated,
  type WireVideoDetail,
} from './wire.js';
import { wordTable } from '../../src/core/status.js';
import { fromWireAvatarGroup as sharedGroup, fromWireAvatarLook as sharedLook } from '../shared/v3-avatars.js';
import { fromWireVideoDetail as sharedVideoDetail } from '../shared/v3-videos.js';

// ---- request bodies as Cloudsway's document lists them ----

export interface WireVideoCreateBody {
  type: 'avatar';
  avatar_id: string;
  title?: string;
  resolution?: '4k' | '1080p' | '720p';
  aspect_ratio?: '16:9' | '9:16';
  background?: { type: 'color' | 'image'; value?: string; url?: string; asset_id?: string };
  remove_background?: boolean;
  callback_id?: string;
  output_format?: 'mp4' | 'webm';
  script?: string;
  audio_url?: string;
  audio_asset_id?: string;
  voice_settings?: { speed?: number; pitch?: number };
  motion_prompt?: string;
  expressiveness?: 'high' | 'medium' | 'low';
  engine?: { type: 'avatar_iv' | 'avatar_v' };
}

export interface WireTranslationCreateBody {
  video: { type: 'url'; url: string } | { type: 'asset_id'; asset_id: string };
  output_languages: string[];
  input_language?: string;
  title?: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
  mode?: 'speed' | 'precision';
  enable_dynamic_duration?: boolean;
  keep_the_same_format?: boolean;
  enable_caption?: boolean;
  disable_music_track?: boolean;
  enable_speech_enhancement?: boolean;
}

type FileInput = Extract<AvatarCreate, { type: 'photo' }>['file'];

export interface WireAvatarCreateBody {
  type: 'photo';
  name?: string;
  file: FileInput;
  avatar_group_id?: string;
}

export type WireQuery = Record<string, string | number | undefined>;

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/** The members of `src` named in `keys` that are present (not null/undefined), in `keys` order. */
function pick<T extends object, K extends keyof T>(src: T, keys: readonly K[]): { [P in K]?: NonNullable<T[P]> } {
  const out: { [P in K]?: NonNullable<T[P]> } = {};
  for (const k of keys) {
    const v = src[k];
    if (present(v)) out[k] = v as NonNullable<T[K]>;
  }
  return out;
}

// ---- capabilities: which v3 fields Cloudsway cannot honour ----

export const SUPPORTED_ASPECT_RATIOS: readonly string[] = ['16:9', '9:16'];

/**
 * v3 video fields Cloudsway's "Create an Avatar video" does not take. It renders avatar looks only,
 * speaks a script with the look's own default voice (there is no voice_id), and offers 16:9 and
 * 9:16 only — `auto` ("match the source") included, which it cannot promise either.
 */
export function unsupportedVideoFields(req: VideoRequest): Unsupported[] {
  const out: Unsupported[] = [];
  if (req.type !== 'avatar') {
    out.push({ param: 'type', reason: 'Cloudsway creates videos from avatar looks only (type "avatar")' });
  }
  if (present(req.voice_id)) {
    out.push({ param: 'voice_id', reason: "Cloudsway speaks the script with the look's default voice and takes no voice_id" });
  }
  if (present(req.aspect_ratio) && !SUPPORTED_ASPECT_RATIOS.includes(req.aspect_ratio)) {
    out.push({ param: 'aspect_ratio', reason: 'Cloudsway renders 16:9 or 9:16 only' });
  }
  if (present(req.voice_settings?.locale)) {
    out.push({ param: 'voice_settings.locale', reason: 'Cloudsway voice settings take speed and pitch only' });
  }
  return out;
}

/** Documented by v3, absent from Cloudsway's translation document. */
const TRANSLATION_ONLY_V3 = ['audio', 'start_time', 'end_time', 'brand_voice_id', 'srt', 'srt_role', 'fps_mode', 'folder_id'] as const;

/**
 * v3 translation fields Cloudsway's "Create a video translation task" does not take. callback_url
 * and callback_id are the gateway's own business (it delivers the callbacks), never the upstream's.
 * `enable_watermark` is filled in as false by the v3 defaults, which Cloudsway honours by doing
 * nothing; only asking for a watermark is refused.
 */
export function unsupportedTranslationFields(req: TranslationCreate): Unsupported[] {
  const out: Unsupported[] = [];
  for (const k of TRANSLATION_ONLY_V3) {
    if (present(req[k])) out.push({ param: k, reason: `Cloudsway video translation has no '${k}'` });
  }
  if (req.enable_watermark === true) {
    out.push({ param: 'enable_watermark', reason: 'Cloudsway video translation cannot add a watermark' });
  }
  return out;
}

/** Cloudsway creates photo avatars only ("Create Photo Avatar", `type` fixed to "photo"). */
export function unsupportedAvatarFields(req: AvatarCreate): Unsupported[] {
  return req.type === 'photo' ? [] : [{ param: 'type', reason: 'Cloudsway creates photo avatars only (type "photo")' }];
}

function refuse(unsupported: Unsupported[]): void {
  const [first] = unsupported;
  if (first) {
    throw new GatewayError('provider_capability_unsupported', `Cloudsway cannot honour '${first.param}' (${first.reason}).`, {
      param: first.param,
    });
  }
}

// ---- status words ----

export const videoStatusFromWire = wordTable<VideoStatus>({
  pending: 'pending',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
});

/** The document says both: the status table lists `completed`, its polling advice says `success`. */
export const translationStatusFromWire = wordTable<TranslationStatus>({
  pending: 'pending',
  running: 'running',
  completed: 'completed',
  success: 'completed',
  failed: 'failed',
});

// ---- videos ----

/**
 * The Cloudsway body of a v3 video request, members in the document's order. callback_url stays
 * with the gateway (it signs and sends callbacks with its own ids); callback_id goes up, as the
 * document lists it.
 */
export function toWireVideoCreate(req: VideoRequest): WireVideoCreateBody {
  refuse(unsupportedVideoFields(req));
  if (req.type !== 'avatar') throw new Error('unreachable: refused above');
  const body: WireVideoCreateBody = {
    type: 'avatar',
    avatar_id: req.avatar_id,
    ...pick(req, ['title', 'resolution'] as const),
  };
  if (req.aspect_ratio === '16:9' || req.aspect_ratio === '9:16') body.aspect_ratio = req.aspect_ratio;
  if (req.background) body.background = { type: req.background.type, ...pick(req.background, ['value', 'url', 'asset_id'] as const) };
  Object.assign(
    body,
    pick(req, ['remove_background', 'callback_id', 'output_format', 'script', 'audio_url', 'audio_asset_id'] as const),
  );
  if (req.voice_settings) {
    const vs = pick(req.voice_settings, ['speed', 'pitch'] as const);
    if (Object.keys(vs).length > 0) body.voice_settings = vs;
  }
  Object.assign(body, pick(req, ['motion_prompt', 'expressiveness', 'engine'] as const));
  return body;
}

/** A just-created video: a missing or unknown word means it has not started, i.e. pending. */
export function fromWireVideoCreated(data: WireVideoCreated, payload: unknown): VideoSubmitted {
  return { upstreamId: data.video_id, status: (data.status && videoStatusFromWire(data.status)) || 'pending', payload };
}

/** An unknown status word is reported and treated as still in progress (never a crash). */
export const fromWireVideoDetail = (d: WireVideoDetail, payload: unknown): VideoPolled =>
  sharedVideoDetail(d, payload, videoStatusFromWire);

// ---- translations ----

const TRANSLATION_FIELDS = [
  'input_language',
  'title',
  'translate_audio_only',
  'speaker_num',
  'mode',
  'enable_dynamic_duration',
  'keep_the_same_format',
  'enable_caption',
  'disable_music_track',
  'enable_speech_enhancement',
] as const;

export function toWireTranslationCreate(req: TranslationCreate): WireTranslationCreateBody {
  refuse(unsupportedTranslationFields(req));
  const video: WireTranslationCreateBody['video'] =
    req.video.type === 'url' ? { type: 'url', url: req.video.url } : { type: 'asset_id', asset_id: req.video.asset_id };
  return { video, output_languages: [...req.output_languages], ...pick(req, TRANSLATION_FIELDS) };
}

/**
 * One subtask id per output language, in request order ("each language generates an independent
 * subtask"). A count mismatch means the ids cannot be attributed safely: a 502, never a guess.
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
  return { items: ids.map((upstreamId, i) => ({ upstreamId, outputLanguage: outputLanguages[i] as string })), payload };
}

/**
 * The caption URLs (srt/vtt) have no place in v3's translation detail; they stay in the stored
 * upstream payload. callback_id is not Cloudsway's: the gateway fills it from the job.
 */
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
      callback_id: null,
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

/** HeyGen's OpenAPI file calls digital twins `video_avatar`; Cloudsway's document says digital_twin. */
export function avatarLookQuery(q: AvatarLookListQuery): WireQuery {
  const avatarType = q.avatar_type === 'video_avatar' ? 'digital_twin' : q.avatar_type;
  return { group_id: q.group_id, avatar_type: avatarType, ownership: q.ownership, limit: q.limit, token: q.token };
}

/**
 * Seconds since the epoch. Cloudsway documents group times in milliseconds (1717843200000) and
 * video times in seconds (1717843200); v3 speaks seconds. No time in seconds reaches 1e11 before
 * the year 5138, so a larger value is milliseconds.
 */
export function epochSeconds(t: number): number {
  return t >= 1e11 ? Math.floor(t / 1000) : t;
}

/** Cloudsway documents group times in milliseconds. */
export const fromWireAvatarGroup = (g: WireAvatarGroup): AvatarGroupItem => sharedGroup(g, epochSeconds);

export const fromWireAvatarLook: (l: WireAvatarLook) => AvatarLookItem = sharedLook;

export function toWireAvatarCreate(req: AvatarCreate): WireAvatarCreateBody {
  refuse(unsupportedAvatarFields(req));
  if (req.type !== 'photo') throw new Error('unreachable: refused above');
  const body: WireAvatarCreateBody = { type: 'photo', name: req.name, file: req.file };
  if (present(req.avatar_group_id)) body.avatar_group_id = req.avatar_group_id;
  return body;
}

export function fromWireAvatarCreated(d: WireAvatarCreated): AvatarCreated {
  return {
    avatar_item: d.avatar_item ? fromWireAvatarLook(d.avatar_item) : null,
    avatar_group: d.avatar_group ? fromWireAvatarGroup(d.avatar_group) : null,
  };
}

/** Cursors are Cloudsway's own; they pass through untouched. */
export function fromWirePage<W, T>(
  page: { data: W[]; has_more?: boolean | null; next_token?: string | null },
  item: (w: W) => T,
): Page<T> {
  const next = page.next_token ?? null;
  return { data: page.data.map(item), has_more: page.has_more ?? next !== null, next_token: next };
}

// ---- failures ----

export interface WireFailure {
  info: UpstreamErrorInfo;
  /** An HTTP status the body names with a numeric code (400-599), if it does. */
  status?: number;
}

const SUCCESS_CODE = '100';

function readFailure(json: unknown): { body: WireFailureBody; data: unknown } | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const r = WireFailureBody.safeParse(json);
  return r.success ? { body: r.data, data: (json as { data?: unknown }).data } : null;
}

const isNumeric = (c: string | null | undefined): c is string => !!c && /^\d+$/.test(c);

function infoOf(b: WireFailureBody): WireFailure {
  const e = b.error;
  const top = b.code ?? null;
  const obj = e !== null && e !== undefined && typeof e === 'object' ? e : null;
  const code = obj?.code ?? top;
  // A string `error` is the failure's own words; a top-level message is only a "result explanation".
  const message = typeof e === 'string' && e.trim() !== '' ? e : (obj?.message ?? b.message ?? null);
  const numeric = [code, top].find(isNumeric);
  const status = numeric !== undefined && Number(numeric) >= 400 && Number(numeric) <= 599 ? Number(numeric) : undefined;
  const failure: WireFailure = {
    info: { code: isNumeric(code) ? null : code, message, param: obj?.param ?? null },
  };
  if (status !== undefined) failure.status = status;
  return failure;
}

/**
 * The failure a 2xx answer may still carry: a non-null `error` (string or object), or a `code`
 * other than 100 with no data. Null when the answer is a success.
 */
export function failureInSuccess(json: unknown): WireFailure | null {
  const r = readFailure(json);
  if (!r) return null;
  const { body, data } = r;
  const hasError = typeof body.error === 'string' ? body.error.trim() !== '' : present(body.error);
  const badCode = present(body.code) && body.code !== SUCCESS_CODE && !present(data);
  return hasError || badCode ? infoOf(body) : null;
}

/**
 * The code/message/param of a non-2xx answer, whichever shape its `error` has. Anything else (HTML
 * from a proxy, empty, other JSON) yields no info: the HTTP status alone decides.
 */
export function errorInfoFromWire(text: string): UpstreamErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const r = readFailure(json);
  return r ? infoOf(r.body).info : {};
}

/** Codes only the gateway itself may answer with, whatever an upstream says. */
const GATEWAY_MADE = new Set(['upstream_error', 'no_eligible_account', 'provider_capability_unsupported', 'budget_exceeded']);

/**
 * The HTTP status to treat a failure inside a 2xx answer as: the one its numeric code names, else
 * the one v3 documents for its word; undefined when it names neither.
 */
export function statusOfFailure(f: WireFailure): number | undefined {
  if (f.status !== undefined) return f.status;
  const c = f.info.code?.toLowerCase();
  if (c && Object.prototype.hasOwnProperty.call(ERROR_STATUS, c) && !GATEWAY_MADE.has(c)) {
    return ERROR_STATUS[c as keyof typeof ERROR_STATUS];
  }
  return undefined;
}
