/**
 * The v3 error envelope and the one exception type the gateway throws.
 * Codes and HTTP statuses follow HeyGen's "Error Codes" page; the gateway adds a few of its own
 * (provider_capability_unsupported, no_eligible_account, budget_exceeded, upstream_error).
 */

/** Every code the gateway may answer with, and the HTTP status HeyGen documents for it. */
export const ERROR_STATUS = {
  unauthorized: 401,
  forbidden: 403,
  resource_access_denied: 403,
  voice_not_usable: 403,
  rate_limit_exceeded: 429,
  quota_exceeded: 429,
  insufficient_credit: 402,
  trial_limit_exceeded: 402,
  plan_upgrade_required: 402,
  video_not_found: 404,
  avatar_not_found: 404,
  voice_not_found: 404,
  asset_not_found: 404,
  webhook_not_found: 404,
  resource_not_found: 404,
  invalid_parameter: 400,
  conflict: 409,
  resource_not_ready: 409,
  request_in_progress: 409,
  content_policy_violation: 400,
  resource_limit_reached: 400,
  voice_unavailable: 400,
  script_too_short: 400,
  tts_text_invalid: 400,
  download_failed: 400,
  video_delete_failed: 500,
  internal_error: 500,
  gateway_timeout: 504,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  // gateway-made
  provider_capability_unsupported: 400,
  no_eligible_account: 400,
  budget_exceeded: 402,
  upstream_error: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  code: string;
  message: string;
  param?: string | null;
  doc_url?: string | null;
}

export interface ErrorEnvelope {
  error: ErrorBody;
}

export interface GatewayErrorOptions {
  param?: string | null;
  /** Overrides the documented status (e.g. 503 for no_eligible_account when all are down). */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  docUrl?: string | null;
  /** Kept for logs only; never serialized to the client. */
  cause?: unknown;
  /**
   * True when the upstream certainly did not accept the request (connection refused, 5xx, 429),
   * so a create may safely be retried on another account without risking a double-paid job.
   */
  fallbackSafe?: boolean;
}

export class GatewayError extends Error {
  readonly code: string;
  readonly status: number;
  readonly param: string | null;
  readonly retryAfter: number | undefined;
  readonly docUrl: string | null;
  readonly fallbackSafe: boolean;

  constructor(code: ErrorCode | (string & {}), message: string, opts: GatewayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = opts.status ?? statusForCode(code);
    this.param = opts.param ?? null;
    this.retryAfter = opts.retryAfter;
    this.docUrl = opts.docUrl ?? null;
    this.fallbackSafe = opts.fallbackSafe ?? false;
  }

  toEnvelope(): ErrorEnvelope {
    return envelope(this.code, this.message, this.param, this.docUrl);
  }
}

export function statusForCode(code: string): number {
  return (ERROR_STATUS as Record<string, number>)[code] ?? 500;
}

export function envelope(
  code: string,
  message: string,
  param: string | null = null,
  docUrl: string | null = null,
): ErrorEnvelope {
  return { error: { code, message, param, doc_url: docUrl } };
}

export const invalidParameter = (param: string, message: string): GatewayError =>
  new GatewayError('invalid_parameter', message, { param });

export const isGatewayError = (e: unknown): e is GatewayError => e instanceof GatewayError;
