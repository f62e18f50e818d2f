/**
 * HeyGen's webhook signature: `Heygen-Signature` is the hex HMAC-SHA256 of the raw request body
 * keyed with the secret; `Heygen-Timestamp` (unix seconds) and `Heygen-Event-Id` ride alongside,
 * unsigned, exactly as HeyGen sends them (the event id is the receiver's replay defence).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const USER_AGENT = 'heygen-gateway';

/** Hex HMAC-SHA256 of the exact body text (UTF-8), as a receiver computes it over the raw bytes. */
export function signBody(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex');
}

export interface WebhookHeaderInput {
  /** The exact body that is sent; the signature covers these bytes. */
  body: string;
  /**
   * The signing secret. Without one (a client with no `webhook_secret` configured, receiving its
   * job's callback_url) the request carries no Heygen-Signature header at all, rather than a
   * signature with an empty key that a receiver might be tricked into accepting.
   */
  secret: string | null | undefined;
  eventId: string;
  /** Unix seconds of this dispatch (fresh on every attempt, so a receiver's staleness check passes). */
  timestamp: number;
}

/**
 * The request headers of one delivery attempt. Names are spelled as HeyGen documents them: HTTP
 * says case does not matter, but some receivers (API gateways passing headers through as a plain
 * map) look them up by exact spelling.
 */
export function webhookHeaders({ body, secret, eventId, timestamp }: WebhookHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'Heygen-Timestamp': String(Math.floor(timestamp)),
    'Heygen-Event-Id': eventId,
  };
  if (secret) headers['Heygen-Signature'] = signBody(body, secret);
  return headers;
}

export interface VerifyInput {
  /** The raw body as received (bytes or the exact text). */
  body: string | Buffer;
  /** The Heygen-Signature header value. */
  signature: string | null | undefined;
  secret: string;
  /** The Heygen-Timestamp header value; checked only when maxSkewSeconds is given. */
  timestamp?: string | number | null | undefined;
  /** Rejects deliveries whose timestamp is further than this from `nowSeconds` (HeyGen suggests 300). */
  maxSkewSeconds?: number;
  nowSeconds?: number;
}

/** What a receiver does: recompute the HMAC and compare in constant time (plus an optional staleness check). */
export function verifySignature(v: VerifyInput): boolean {
  if (!v.signature || !/^[0-9a-fA-F]{64}$/.test(v.signature)) return false;
  const expected = createHmac('sha256', v.secret)
    .update(typeof v.body === 'string' ? Buffer.from(v.body, 'utf8') : v.body)
    .digest();
  const given = Buffer.from(v.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  if (v.maxSkewSeconds !== undefined) {
    const ts = Number(v.timestamp);
    const now = v.nowSeconds ?? Date.now() / 1000;
    if (!Number.isFinite(ts) || Math.abs(now - ts) > v.maxSkewSeconds) return false;
  }
  return true;
}
