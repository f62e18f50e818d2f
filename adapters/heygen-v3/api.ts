/**
 * HeyGen v3 wire endpoints, declared once: method, path template and the not-found code each
 * operation answers with. Paths are relative so that UpstreamHttp keeps any path prefix the
 * account's base_url carries (e.g. a reverse proxy mounted under /heygen).
 */
import type { Operation } from '../../src/core/adapter.js';
import type { ErrorCode } from '../../src/core/errors.js';
import type { UpstreamRequest } from '../../src/core/upstream.js';

export const PROVIDER = 'heygen-v3';

export interface Endpoint {
  method: UpstreamRequest['method'];
  /** `{name}` placeholders are filled with URL-encoded values by `endpointPath`. */
  template: string;
  /** Used when the upstream's 404 carries no known v3 not-found code. */
  notFoundCode: ErrorCode;
  /**
   * Replaces the upstream's 404 message where the id in question is an upstream job id: the
   * client only knows the gateway's id, and the upstream's words might name the other one.
   */
  notFoundMessage?: string;
}

export const ENDPOINTS: Record<Operation, Endpoint> = {
  'video.create': { method: 'POST', template: '/v3/videos', notFoundCode: 'resource_not_found' },
  'video.get': {
    method: 'GET',
    template: '/v3/videos/{video_id}',
    notFoundCode: 'video_not_found',
    notFoundMessage: 'Video not found.',
  },
  'video.delete': {
    method: 'DELETE',
    template: '/v3/videos/{video_id}',
    notFoundCode: 'video_not_found',
    notFoundMessage: 'Video not found.',
  },
  'translation.create': { method: 'POST', template: '/v3/video-translations', notFoundCode: 'resource_not_found' },
  'translation.get': {
    method: 'GET',
    template: '/v3/video-translations/{video_translation_id}',
    notFoundCode: 'video_not_found',
    notFoundMessage: 'Video translation not found.',
  },
  'translation.languages': {
    method: 'GET',
    template: '/v3/video-translations/languages',
    notFoundCode: 'resource_not_found',
  },
  'asset.upload': { method: 'POST', template: '/v3/assets', notFoundCode: 'asset_not_found' },
  'avatar.groups.list': { method: 'GET', template: '/v3/avatars', notFoundCode: 'avatar_not_found' },
  'avatar.groups.get': { method: 'GET', template: '/v3/avatars/{group_id}', notFoundCode: 'avatar_not_found' },
  'avatar.looks.list': { method: 'GET', template: '/v3/avatars/looks', notFoundCode: 'avatar_not_found' },
  'avatar.looks.get': { method: 'GET', template: '/v3/avatars/looks/{look_id}', notFoundCode: 'avatar_not_found' },
  'avatar.create': { method: 'POST', template: '/v3/avatars', notFoundCode: 'avatar_not_found' },
  'voice.list': { method: 'GET', template: '/v3/voices', notFoundCode: 'voice_not_found' },
  'voice.get': { method: 'GET', template: '/v3/voices/{voice_id}', notFoundCode: 'voice_not_found' },
  'user.get': { method: 'GET', template: '/v3/users/me', notFoundCode: 'resource_not_found' },
};

/** The account's key, never the client's: the gateway speaks to HeyGen as the account. */
export function authHeaders(apiKey: string): Record<string, string> {
  return { 'X-Api-Key': apiKey, Accept: 'application/json' };
}

export const JSON_CONTENT_TYPE = 'application/json';

/** The multipart field HeyGen reads the uploaded file from. */
export const ASSET_FILE_FIELD = 'file';

/**
 * An id that survives as one path segment. encodeURIComponent leaves "." and ".." alone, and URL
 * resolution would collapse them and reach a different endpoint ("%" is encoded, so "%2e" is safe).
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
