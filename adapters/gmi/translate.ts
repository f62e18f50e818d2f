/**
 * Pure v3 <-> GMI-wire translation. The body GMI queues is HeyGen's v2 generate body, built by the
 * one shared v3 -> v2 mapping (adapters/shared/v2-body.ts); this file adds GMI's envelope, its
 * status words and its outcome shape.
 */
import type { V2GenerateBody } from '../../src/api/schemas/legacy.js';
import type { VideoStatus } from '../../src/api/schemas/videos.js';
import type { Unsupported, VideoPolled, VideoRequest, VideoSubmitted } from '../../src/core/adapter.js';
import type { UpstreamErrorInfo } from '../../src/core/upstream.js';
import { toV2Generate, v2Unsupported } from '../shared/v2-body.js';
import { WireErrorBody, type WireRequest, type WireSubmitted } from './wire.js';
import { wordTable } from '../../src/core/status.js';

/** What goes to `POST .../requests`. */
export interface WireSubmitBody {
  model: string;
  payload: V2GenerateBody;
}

// ---- requests ----

/** The v3 fields GMI cannot honour: exactly those the v2 body cannot carry. */
export function unsupportedVideoFields(req: VideoRequest): Unsupported[] {
  return v2Unsupported(req);
}

/**
 * The v2 body GMI queues: a legacy v2 client's body as it came (every scene), or the v3 body
 * mapped, by the shared mapping; callback_url never goes upstream. GMI cannot look up a look's
 * default voice, so no default is passed: a script without voice_id is the client's
 * invalid_parameter naming voice_id.
 */
export function toWirePayload(req: VideoRequest): V2GenerateBody {
  return toV2Generate(req);
}

export function toWireSubmit(req: VideoRequest, model: string): WireSubmitBody {
  return { model, payload: toWirePayload(req) };
}

// ---- status words ----

interface Mapped {
  status: VideoStatus;
  /** v3's failure_code for this word, when the word itself is the reason. */
  failureCode: string | null;
}

/** A GMI word mapped to v3, or undefined when GMI used a word it does not document. */
export const videoStatusFromWire = wordTable<Mapped>({
  created: { status: 'pending', failureCode: null },
  queued: { status: 'pending', failureCode: null },
  dispatched: { status: 'pending', failureCode: null },
  processing: { status: 'processing', failureCode: null },
  success: { status: 'completed', failureCode: null },
  failed: { status: 'failed', failureCode: null },
  cancelled: { status: 'failed', failureCode: 'cancelled' },
});

/** Said when GMI gives no reason of its own. */
export const FAILED_MESSAGE = 'GMI reported the video generation as failed.';
export const CANCELLED_MESSAGE = 'The request was cancelled at GMI before the video was finished.';

/** Unix seconds; a value too large to be seconds (after year 5138) is read as milliseconds. */
export function unixSeconds(v: number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  return Math.floor(v > 1e11 ? v / 1000 : v);
}

// ---- answers ----

/** A just-submitted request: an unknown or missing word means it has not started, i.e. pending. */
export function fromWireSubmitted(d: WireSubmitted, payload: unknown): VideoSubmitted {
  const mapped = d.status ? videoStatusFromWire(d.status) : undefined;
  return { upstreamId: d.request_id, status: mapped?.status ?? 'pending', payload };
}

/**
 * A status read. The outcome carries the finished video; updated_at is when a terminal request
 * reached its end. An unknown word is reported and treated as still in progress.
 */
export function fromWireRequest(d: WireRequest, payload: unknown): VideoPolled {
  const mapped = videoStatusFromWire(d.status);
  const status = mapped?.status ?? 'processing';
  const terminal = status === 'completed' || status === 'failed';
  const failed = status === 'failed';
  const polled: VideoPolled = {
    detail: {
      title: d.payload?.title ?? null,
      status,
      created_at: unixSeconds(d.created_at),
      completed_at: terminal ? unixSeconds(d.updated_at) : null,
      video_url: d.outcome?.media_urls?.[0]?.url ?? null,
      thumbnail_url: d.outcome?.thumbnail_image_url ?? null,
      gif_url: null,
      captioned_video_url: null,
      subtitle_url: null,
      duration: d.outcome?.duration ?? null,
      folder_id: null,
      output_language: null,
      failure_code: failed ? (mapped?.failureCode ?? null) : null,
      failure_message: failed ? (d.error ?? (mapped?.failureCode === 'cancelled' ? CANCELLED_MESSAGE : FAILED_MESSAGE)) : null,
      video_page_url: null,
    },
    payload,
  };
  if (!mapped) polled.unknownStatus = d.status;
  return polled;
}

/**
 * The status answer as stored for operators, without GMI's echo of the submitted payload: the
 * gateway already keeps the request, and a 50-scene echo rewritten on every poll would make each
 * refresh cost far more than the status it carries.
 */
export function storedPayload(answer: unknown): unknown {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return answer;
  const { payload: _echo, ...rest } = answer as Record<string, unknown>;
  return rest;
}

// ---- errors ----

/**
 * The message of GMI's `{"error":"<text>"}` for errorFromUpstream. GMI sends no codes: the HTTP
 * status alone decides the v3 code. Anything else (HTML from a proxy, empty) yields no info.
 */
export function errorInfoFromWire(text: string): UpstreamErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const r = WireErrorBody.safeParse(json);
  if (!r.success || r.data.error.trim() === '') return {};
  return { message: r.data.error };
}
