/**
 * HeyGen's legacy wire endpoints (v2 and the older v1), declared once. One adapter folder serves
 * both versions: `heygen-v2` and `heygen-v1` accounts differ in which endpoints exist and how a
 * video is submitted, not in auth or status polling (both poll `GET /v1/video_status.get`).
 * Paths are relative so that UpstreamHttp keeps any path prefix the account's base_url carries;
 * asset uploads go to a separate origin (`upload_url`, `https://upload.heygen.com` by default).
 */
import type { ErrorCode } from '../../src/core/errors.js';
import type { UpstreamRequest } from '../../src/core/upstream.js';

export type LegacyVersion = 'v2' | 'v1';

export const PROVIDERS: Record<LegacyVersion, string> = { v2: 'heygen-v2', v1: 'heygen-v1' };

export const DEFAULT_UPLOAD_URL = 'https://upload.heygen.com';

/** The legacy calls the adapter makes (several v3 operations share one listing call). */
export type LegacyCall =
  | 'video.generate'
  | 'video.status'
  | 'translate.create'
  | 'translate.get'
  | 'translate.languages'
  | 'asset.upload'
  | 'avatars.list'
  | 'voices.list'
  | 'user.me'
  | 'user.quota';

export interface Endpoint {
  method: UpstreamRequest['method'];
  /** `{name}` placeholders are filled with URL-encoded values by `endpointPath`. */
  template: string;
  /** Used when the upstream's 404 carries no known v3 not-found code. */
  notFoundCode: ErrorCode;
  /** Replaces the upstream's 404 message where the id is an upstream job id the client never saw. */
  notFoundMessage?: string;
  /** The call goes to the upload origin rather than base_url. */
  upload?: boolean;
}

const STATUS: Endpoint = {
  method: 'GET',
  template: '/v1/video_status.get',
  notFoundCode: 'video_not_found',
  notFoundMessage: 'Video not found.',
};
const ASSET: Endpoint = { method: 'POST', template: '/v1/asset', notFoundCode: 'resource_not_found', upload: true };
const USER_ME: Endpoint = { method: 'GET', template: '/v1/user/me', notFoundCode: 'resource_not_found' };

export const ENDPOINTS: Record<LegacyVersion, Partial<Record<LegacyCall, Endpoint>>> = {
  v2: {
    'video.generate': { method: 'POST', template: '/v2/video/generate', notFoundCode: 'avatar_not_found' },
    'video.status': STATUS,
    'translate.create': { method: 'POST', template: '/v2/video_translate', notFoundCode: 'resource_not_found' },
    'translate.get': {
      method: 'GET',
      template: '/v2/video_translate/{video_translate_id}',
      notFoundCode: 'video_not_found',
      notFoundMessage: 'Video translation not found.',
    },
    'translate.languages': { method: 'GET', template: '/v2/video_translate/target_languages', notFoundCode: 'resource_not_found' },
    'asset.upload': ASSET,
    'avatars.list': { method: 'GET', template: '/v2/avatars', notFoundCode: 'avatar_not_found' },
    'voices.list': { method: 'GET', template: '/v2/voices', notFoundCode: 'voice_not_found' },
    'user.me': USER_ME,
    'user.quota': { method: 'GET', template: '/v2/user/remaining_quota', notFoundCode: 'resource_not_found' },
  },
  v1: {
    'video.generate': { method: 'POST', template: '/v1/video.generate', notFoundCode: 'avatar_not_found' },
    'video.status': STATUS,
    'asset.upload': ASSET,
    'avatars.list': { method: 'GET', template: '/v1/avatar.list', notFoundCode: 'avatar_not_found' },
    'voices.list': { method: 'GET', template: '/v1/voice.list', notFoundCode: 'voice_not_found' },
    'user.me': USER_ME,
  },
};

/** The account's key, never the client's: legacy HeyGen reads `X-Api-Key` only. */
export function authHeaders(apiKey: string): Record<string, string> {
  return { 'X-Api-Key': apiKey, Accept: 'application/json' };
}

export const JSON_CONTENT_TYPE = 'application/json';

/** What `POST {upload_url}/v1/asset` accepts as the raw body's Content-Type. */
export const UPLOAD_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'video/mp4', 'video/webm', 'audio/mpeg']);

/** The `version` field of a v1 generate body: the only version of the clip API. */
export const V1_API_VERSION = 'v1alpha';

/**
 * An id that survives as one path segment. encodeURIComponent leaves "." and ".." alone, and URL
 * resolution would collapse them and reach a different endpoint.
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
