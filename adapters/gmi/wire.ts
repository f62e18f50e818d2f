/**
 * What GMI's request queue sends back, as zod schemas (parse, never trust). Objects strip unknown
 * keys, so the parsed shape of a status read stays small however much GMI adds (it echoes the
 * whole submitted payload, which can be 50 scenes of script); only the fields the gateway maps
 * are kept. Status words are plain strings: an unknown word is a mapping question, not a parse
 * error.
 */
import { z } from 'zod';

const opt = <T extends z.ZodType>(t: T) => t.nullish();

/**
 * Unix time. The document's examples are seconds; a millisecond value is accepted too and
 * converted by the translation, so a unit change upstream is not a 502.
 */
const Timestamp = z.number().nonnegative();

/** `{"error":"<text>"}`: GMI's body on every non-2xx answer. */
export const WireErrorBody = z.object({ error: z.string() });

/** The answer to a submit: `{"request_id","model","status":"queued","created_at",...}`. */
export const WireSubmitted = z.object({
  request_id: z.string().min(1),
  model: opt(z.string()),
  // Read leniently: the request_id is what matters; a missing word means "just queued".
  status: opt(z.string()).catch(null),
  created_at: opt(Timestamp).catch(null),
});
export type WireSubmitted = z.infer<typeof WireSubmitted>;

export const WireMediaUrl = z.object({ id: opt(z.string()).catch(null), url: z.string().min(1) });

export const WireOutcome = z.object({
  media_urls: opt(z.array(WireMediaUrl)),
  thumbnail_image_url: opt(z.string()),
  duration: opt(z.number().nonnegative()),
});
export type WireOutcome = z.infer<typeof WireOutcome>;

/** The answer to `GET .../requests/{request_id}` (and each item of the list). */
export const WireRequest = z.object({
  request_id: z.string().min(1),
  model: opt(z.string()),
  status: z.string(),
  // Only the title is read from the echoed payload; the rest of it is never parsed.
  payload: opt(z.object({ title: opt(z.string()).catch(null) })).catch(null),
  outcome: opt(WireOutcome),
  /** Not in the document's examples; read when a failed request carries a reason. */
  error: opt(z.string()).catch(null),
  created_at: opt(Timestamp).catch(null),
  updated_at: opt(Timestamp).catch(null),
  queued_at: opt(Timestamp).catch(null),
});
export type WireRequest = z.infer<typeof WireRequest>;

/** `GET .../requests?model_id=` (DESIGN.md, "Legacy and reseller wire facts"). */
export const WireRequestList = z.object({ requests: z.array(WireRequest), total: z.number().int().nonnegative() });
export type WireRequestList = z.infer<typeof WireRequestList>;
