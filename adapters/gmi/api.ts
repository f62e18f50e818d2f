/**
 * GMI Cloud request-queue wire endpoints (seeds/004_125527b49f4e5a62.txt), declared once.
 * GMI wraps HeyGen Avatar IV as a queue model: a job is a "request" submitted as
 * `{model, payload}` and read back by its request_id. Paths are relative so that UpstreamHttp keeps
 * any path prefix the account's base_url carries.
 */
import type { ErrorCode } from '../../src/core/errors.js';
import type { UpstreamRequest } from '../../src/core/upstream.js';

export const PROVIDER = 'gmi';

/** The model GMI serves HeyGen Avatar IV under; accounts may name another in `model`. */
export const DEFAULT_MODEL = 'heygen-avatar-4';

const REQUESTS = '/api/v1/ie/requestqueue/apikey/requests';

export type GmiOperation = 'video.create' | 'video.get';

export interface Endpoint {
  method: UpstreamRequest['method'];
  /** `{name}` placeholders are filled with URL-encoded values by `endpointPath`. */
  template: string;
  /**
   * What a 404 means. For a submit it is the account's endpoint or model that is missing (the
   * client's body cannot cause it): a 502 naming the account. For a status read it is the job.
   */
  notFound: { code: ErrorCode; message: string } | 'account';
}

export const ENDPOINTS: Record<GmiOperation, Endpoint> = {
  'video.create': { method: 'POST', template: REQUESTS, notFound: 'account' },
  'video.get': {
    method: 'GET',
    template: `${REQUESTS}/{request_id}`,
    notFound: { code: 'video_not_found', message: 'Video not found.' },
  },
};

/** The account's key, never the client's. GMI documents Bearer auth only. */
export function authHeaders(apiKey: string): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' };
}

export const JSON_CONTENT_TYPE = 'application/json';

/**
 * An id that survives as one path segment. encodeURIComponent leaves "." and ".." alone, and URL
 * resolution would collapse them and reach the list endpoint instead.
 */
export function isUsableIdSegment(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..';
}

/** Fills the template's placeholders; each value becomes exactly one encoded path segment. */
export function endpointPath(ep: Endpoint, params: Record<string, string> = {}): string {
  return ep.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${ep.template}`);
    return encodeURIComponent(v);
  });
}
