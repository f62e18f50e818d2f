/**
 * A video's detail in HeyGen's v3 shape, as both HeyGen v3 and Cloudsway (which wraps HeyGen v3)
 * send it: the wire schema and its normalization, in one place. Each adapter passes its own
 * status-word table.
 */
import { z } from 'zod';
import type { VideoStatus } from '../../src/api/schemas/videos.js';
import type { VideoPolled } from '../../src/core/adapter.js';
import type { WordTable } from '../../src/core/status.js';

const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const WireVideoDetail = z.object({
  id: opt(z.string()),
  status: z.string(),
  title: opt(z.string()),
  created_at: opt(z.number().int()),
  completed_at: opt(z.number().int()),
  video_url: opt(z.string()),
  thumbnail_url: opt(z.string()),
  gif_url: opt(z.string()),
  captioned_video_url: opt(z.string()),
  subtitle_url: opt(z.string()),
  duration: opt(z.number()),
  folder_id: opt(z.string()),
  output_language: opt(z.string()),
  failure_code: opt(z.string()),
  failure_message: opt(z.string()),
  video_page_url: opt(z.string()),
});
export type WireVideoDetail = z.infer<typeof WireVideoDetail>;

/** An unknown status word is reported and treated as still in progress (never a crash). */
export function fromWireVideoDetail(d: WireVideoDetail, payload: unknown, statusOf: WordTable<VideoStatus>): VideoPolled {
  const status = statusOf(d.status);
  const polled: VideoPolled = {
    detail: {
      title: d.title ?? null,
      status: status ?? 'processing',
      created_at: d.created_at ?? null,
      completed_at: d.completed_at ?? null,
      video_url: d.video_url ?? null,
      thumbnail_url: d.thumbnail_url ?? null,
      gif_url: d.gif_url ?? null,
      captioned_video_url: d.captioned_video_url ?? null,
      subtitle_url: d.subtitle_url ?? null,
      duration: d.duration ?? null,
      folder_id: d.folder_id ?? null,
      output_language: d.output_language ?? null,
      failure_code: d.failure_code ?? null,
      failure_message: d.failure_message ?? null,
      video_page_url: d.video_page_url ?? null,
    },
    payload,
  };
  if (!status) polled.unknownStatus = d.status;
  return polled;
}
