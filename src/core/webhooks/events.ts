/**
 * HeyGen webhook events built from the gateway's job records. Pure: no I/O, no clock, no
 * randomness beyond the ids (injectable). The body is serialized once here, and that exact text is
 * what is stored, signed and sent on every attempt, so a receiver's HMAC over the raw bytes always
 * matches and a redelivery is byte-identical.
 */
import { randomBytes } from 'node:crypto';
import type { JobRecord, NewDelivery, TerminalEffects, WebhookEndpoint, WebhookEvent } from '../../store/types.js';

/** Every event type HeyGen documents, in the documents' order, with its description. */
export const EVENT_CATALOG = [
  // The four "Fired when ..." descriptions are verbatim from the documents' event-types response
  // example; the others are the documents' table of event types.
  { event_type: 'avatar_video.success', description: 'Fired when an avatar video completes successfully.' },
  { event_type: 'avatar_video.fail', description: 'Fired when an avatar video generation fails.' },
  { event_type: 'avatar_video_gif.success', description: 'Avatar video GIF generation completed.' },
  { event_type: 'avatar_video_gif.fail', description: 'Avatar video GIF generation failed.' },
  { event_type: 'avatar_video_caption.success', description: 'Avatar video caption generation completed.' },
  { event_type: 'avatar_video_caption.fail', description: 'Avatar video caption generation failed.' },
  { event_type: 'video_translate.success', description: 'Video translation completed.' },
  { event_type: 'video_translate.fail', description: 'Video translation failed.' },
  { event_type: 'video_agent.success', description: 'Fired when a Video Agent session completes successfully.' },
  { event_type: 'video_agent.fail', description: 'Fired when a Video Agent session fails.' },
  { event_type: 'personalized_video', description: 'Personalized video event.' },
  { event_type: 'instant_avatar.success', description: 'Instant avatar creation completed.' },
  { event_type: 'instant_avatar.fail', description: 'Instant avatar creation failed.' },
  { event_type: 'photo_avatar_generation.success', description: 'Photo avatar generation completed.' },
  { event_type: 'photo_avatar_generation.fail', description: 'Photo avatar generation failed.' },
  { event_type: 'photo_avatar_train.success', description: 'Photo avatar training completed.' },
  { event_type: 'photo_avatar_train.fail', description: 'Photo avatar training failed.' },
  { event_type: 'photo_avatar_add_motion.success', description: 'Photo avatar motion addition completed.' },
  { event_type: 'photo_avatar_add_motion.fail', description: 'Photo avatar motion addition failed.' },
  { event_type: 'proofread_creation.success', description: 'Proofread creation completed.' },
  { event_type: 'proofread_creation.fail', description: 'Proofread creation failed.' },
  { event_type: 'live_avatar.success', description: 'Live avatar session completed.' },
  { event_type: 'live_avatar.fail', description: 'Live avatar session failed.' },
] as const;

export type EventType = (typeof EVENT_CATALOG)[number]['event_type'];
export const EVENT_TYPES: readonly EventType[] = EVENT_CATALOG.map((e) => e.event_type);

/** The event types this gateway emits (the jobs it runs); endpoints may subscribe to any documented type. */
export const EMITTED_EVENT_TYPES = ['avatar_video.success', 'avatar_video.fail', 'video_translate.success', 'video_translate.fail'] as const;
export type EmittedEventType = (typeof EMITTED_EVENT_TYPES)[number];

export const newEventId = (): string => 'evt_' + randomBytes(16).toString('base64url');
export const newDeliveryId = (): string => 'dlv_' + randomBytes(16).toString('base64url');

// ---- event bodies ---------------------------------------------------------------------------
// Field order follows HeyGen's published payloads, so a byte-level comparison with HeyGen's own
// webhooks (or a receiver's fixtures) lines up.

export interface AvatarVideoSuccessData {
  video_id: string;
  url: string | null;
  gif_download_url: string | null;
  video_page_url: string | null;
  video_share_page_url: string | null;
  folder_id: string | null;
  callback_id: string | null;
}
export interface AvatarVideoFailData {
  video_id: string;
  msg: string;
  callback_id: string | null;
}
export interface VideoTranslateSuccessData {
  video_translate_id: string;
  url: string | null;
  callback_id: string | null;
  output_language: string | null;
}
export interface VideoTranslateFailData {
  video_translate_id: string;
  message: string;
  callback_id: string | null;
  output_language: string | null;
}

export type EventBody =
  | { event_type: 'avatar_video.success'; event_data: AvatarVideoSuccessData }
  | { event_type: 'avatar_video.fail'; event_data: AvatarVideoFailData }
  | { event_type: 'video_translate.success'; event_data: VideoTranslateSuccessData }
  | { event_type: 'video_translate.fail'; event_data: VideoTranslateFailData };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The event a job's terminal record reports, or null while the job is still in progress. Ids are
 * the gateway's own (never the upstream's), as everywhere else the client sees them.
 */
export function eventBodyFor(job: JobRecord): EventBody | null {
  const d = job.detail ?? {};
  const callbackId = job.callbackId ?? str(d.callback_id);
  if (job.kind === 'video') {
    if (job.status === 'completed') {
      return {
        event_type: 'avatar_video.success',
        event_data: {
          video_id: job.id,
          url: str(d.video_url),
          gif_download_url: str(d.gif_url) ?? str(d.gif_download_url),
          video_page_url: str(d.video_page_url),
          video_share_page_url: str(d.video_share_page_url),
          folder_id: str(d.folder_id) ?? job.folderId,
          callback_id: callbackId,
        },
      };
    }
    if (job.status === 'failed') {
      return {
        event_type: 'avatar_video.fail',
        event_data: { video_id: job.id, msg: failureText(d, 'Video generation failed.'), callback_id: callbackId },
      };
    }
    return null;
  }
  const outputLanguage = str(d.output_language);
  if (job.status === 'completed') {
    return {
      event_type: 'video_translate.success',
      event_data: { video_translate_id: job.id, url: str(d.video_url), callback_id: callbackId, output_language: outputLanguage },
    };
  }
  if (job.status === 'failed') {
    return {
      event_type: 'video_translate.fail',
      event_data: {
        video_translate_id: job.id,
        message: failureText(d, 'Video translation failed.'),
        callback_id: callbackId,
        output_language: outputLanguage,
      },
    };
  }
  return null;
}

/** The failure text the upstream gave (message, else its code), else a generic sentence: receivers expect a string. */
function failureText(d: Record<string, unknown>, fallback: string): string {
  return str(d.failure_message) ?? str(d.failure_code) ?? fallback;
}

/** The one serialization of an event body: this exact text is stored, signed and sent. */
export const serializeEvent = (body: EventBody): string => JSON.stringify(body);

// ---- fan-out --------------------------------------------------------------------------------

/** True when this endpoint should receive this event: the client's own, enabled, and subscribed (empty = all). */
export function endpointWants(endpoint: WebhookEndpoint, clientId: string, eventType: string): boolean {
  return (
    endpoint.clientId === clientId &&
    endpoint.status === 'enabled' &&
    (endpoint.events.length === 0 || endpoint.events.includes(eventType))
  );
}

export interface PlanInput {
  /** The job as it will be stored once terminal (status and detail already updated). */
  job: JobRecord;
  /** The client's endpoints; those disabled, unsubscribed or another client's are skipped here. */
  endpoints: readonly WebhookEndpoint[];
  now: number;
  ids?: { event?: () => string; delivery?: () => string };
}

/**
 * What a job's first transition to a terminal status emits: one event (recorded even when no one
 * listens, so GET /v3/webhooks/events shows it) and one delivery per target, all due at once.
 * The job's callback_url is a delivery with endpointId null (signed with the client's
 * webhook_secret); each subscribed endpoint is one with its own id (signed with its own secret).
 * A job still in progress emits nothing.
 */
export function planDeliveries({ job, endpoints, now, ids = {} }: PlanInput): TerminalEffects {
  const body = eventBodyFor(job);
  if (!body) return { events: [], deliveries: [] };
  const event: WebhookEvent = {
    id: (ids.event ?? newEventId)(),
    clientId: job.clientId,
    eventType: body.event_type,
    body: serializeEvent(body),
    jobId: job.id,
    createdAt: now,
  };
  const deliveryId = ids.delivery ?? newDeliveryId;
  const target = (url: string, endpointId: string | null): NewDelivery => ({
    id: deliveryId(),
    eventId: event.id,
    clientId: job.clientId,
    url,
    endpointId,
    nextAttemptAt: now,
    createdAt: now,
  });
  const deliveries: NewDelivery[] = [];
  if (job.callbackUrl) deliveries.push(target(job.callbackUrl, null));
  for (const ep of endpoints) if (endpointWants(ep, job.clientId, body.event_type)) deliveries.push(target(ep.url, ep.id));
  return { events: [event], deliveries };
}

/** The event type a terminal job reports (to look up the subscribed endpoints), or null while in progress. */
export const eventTypeFor = (job: JobRecord): EmittedEventType | null => eventBodyFor(job)?.event_type ?? null;

/**
 * planDeliveries with the client's subscribed endpoints read from the store: what the refresher
 * (or a GET that sees a job finish) passes to store.finishJob.
 */
export async function planJobEffects(
  store: { endpointsFor(clientId: string, eventType: string): Promise<WebhookEndpoint[]> },
  job: JobRecord,
  now: number,
): Promise<TerminalEffects> {
  const type = eventTypeFor(job);
  if (!type) return { events: [], deliveries: [] };
  return planDeliveries({ job, endpoints: await store.endpointsFor(job.clientId, type), now });
}
