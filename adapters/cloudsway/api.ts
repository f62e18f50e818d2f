/**
 * Cloudsway MaaS wire endpoints, declared once (seeds/000_b1da45572262cd95.txt).
 *
 * Every URL is `{base_url}/v1/ai/{ENDPOINT_PATH}/heygen/...`, where ENDPOINT_PATH names a "model
 * access point". The document describes two products, each behind its own access point:
 * - "MaaS_HG_video_translate_v3": translation languages, asset upload, video translation
 *   create/status — all under `.../heygen/v3/...`;
 * - "MaaS_HG_Video_Generation_Avatar IV": avatar groups and looks, photo avatar create, avatar
 *   video create/status — under `.../heygen/...`.
 * So assets belong to the translation product, avatars to the video product. An account names the
 * access point per product (`endpoint_paths`), or one `endpoint_path` for every product it does
 * not name; a product without one is not offered by the account at all.
 */
import type { Operation } from '../../src/core/adapter.js';
import type { AccountConfig } from '../../src/config/schema.js';
import type { ErrorCode } from '../../src/core/errors.js';
import type { UpstreamRequest } from '../../src/core/upstream.js';

export const PROVIDER = 'cloudsway';

export type Product = 'video' | 'translation';
export const PRODUCTS: readonly Product[] = ['video', 'translation'];

/** The operations the document offers; every other v3 operation is absent from the capabilities. */
export type CloudswayOperation = Extract<
  Operation,
  | 'video.create'
  | 'video.get'
  | 'translation.create'
  | 'translation.get'
  | 'translation.languages'
  | 'asset.upload'
  | 'avatar.groups.list'
  | 'avatar.groups.get'
  | 'avatar.looks.list'
  | 'avatar.looks.get'
  | 'avatar.create'
>;

export interface Endpoint {
  product: Product;
  method: UpstreamRequest['method'];
  /** After `/v1/ai/{ENDPOINT_PATH}/heygen`; `{name}` placeholders are filled URL-encoded. */
  template: string;
  /** Used when the upstream's 404 carries no known v3 not-found code. */
  notFoundCode: ErrorCode;
  /**
   * Replaces the upstream's 404 message where the id is an upstream job id: the client only knows
   * the gateway's id, and the upstream's words might name the other one.
   */
  notFoundMessage?: string;
}

export const ENDPOINTS: Record<CloudswayOperation, Endpoint> = {
  'video.create': { product: 'video', method: 'POST', template: '/videos', notFoundCode: 'avatar_not_found' },
  'video.get': {
    product: 'video',
    method: 'GET',
    template: '/videos/{video_id}',
    notFoundCode: 'video_not_found',
    notFoundMessage: 'Video not found.',
  },
  'translation.create': {
    product: 'translation',
    method: 'POST',
    template: '/v3/video-translations',
    notFoundCode: 'asset_not_found',
  },
  'translation.get': {
    product: 'translation',
    method: 'GET',
    template: '/v3/video-translations/{video_translation_id}',
    notFoundCode: 'video_not_found',
    notFoundMessage: 'Video translation not found.',
  },
  'translation.languages': {
    product: 'translation',
    method: 'GET',
    template: '/v3/video-translations/languages',
    notFoundCode: 'resource_not_found',
  },
  'asset.upload': { product: 'translation', method: 'POST', template: '/v3/assets', notFoundCode: 'resource_not_found' },
  'avatar.groups.list': { product: 'video', method: 'GET', template: '/avatars', notFoundCode: 'avatar_not_found' },
  'avatar.groups.get': { product: 'video', method: 'GET', template: '/avatars/{group_id}', notFoundCode: 'avatar_not_found' },
  'avatar.looks.list': { product: 'video', method: 'GET', template: '/avatars/looks', notFoundCode: 'avatar_not_found' },
  'avatar.looks.get': { product: 'video', method: 'GET', template: '/avatars/looks/{look_id}', notFoundCode: 'avatar_not_found' },
  'avatar.create': { product: 'video', method: 'POST', template: '/avatars', notFoundCode: 'avatar_not_found' },
};

export const CLOUDSWAY_OPERATIONS = Object.keys(ENDPOINTS) as CloudswayOperation[];

export const isCloudswayOperation = (op: Operation): op is CloudswayOperation =>
  Object.prototype.hasOwnProperty.call(ENDPOINTS, op);

type CloudswayAccount = Extract<AccountConfig, { provider: 'cloudsway' }>;

/** The access point each product is reached through; a product the account does not name is absent. */
export function endpointPathsOf(account: CloudswayAccount): Partial<Record<Product, string>> {
  const out: Partial<Record<Product, string>> = {};
  for (const product of PRODUCTS) {
    const path = account.endpoint_paths?.[product] ?? account.endpoint_path;
    if (path !== undefined) out[product] = path;
  }
  return out;
}

/** The operations an account can serve: those of the products it has an access point for. */
export function operationsFor(paths: Partial<Record<Product, string>>): Set<CloudswayOperation> {
  return new Set(CLOUDSWAY_OPERATIONS.filter((op) => paths[ENDPOINTS[op].product] !== undefined));
}

/** The account's token, never the client's key. */
export function authHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
}

export const JSON_CONTENT_TYPE = 'application/json';

/** The multipart field Cloudsway reads the uploaded file from (`--form 'file=@...'`). */
export const ASSET_FILE_FIELD = 'file';

/**
 * A value that survives as one path segment. encodeURIComponent leaves "." and ".." alone, and URL
 * resolution collapses them (also as %2e), reaching a different endpoint.
 */
export function isUsableSegment(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..';
}

/**
 * The URL path (relative, so a path prefix on base_url is kept) of one operation on one access
 * point. The endpoint path and every id become exactly one encoded segment each.
 */
export function endpointUrl(ep: Endpoint, endpointPath: string, params: Record<string, string> = {}): string {
  const rest = ep.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${ep.template}`);
    return encodeURIComponent(v);
  });
  return `v1/ai/${encodeURIComponent(endpointPath)}/heygen${rest}`;
}
