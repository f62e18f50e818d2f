/**
 * The cloudsway adapter: one Cloudsway MaaS account (a Bearer token and one access point per
 * product) serving the v3 model. Operations the document does not offer — video delete, voices,
 * users/me — and the operations of a product the account has no access point for are absent from
 * the capabilities, so the router never sends them here.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { Adapter, AdapterFactory, Capabilities, Operation } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { multipartFileBody } from '../../src/core/multipart-body.js';
import { UpstreamHttp, errorFromUpstream, parseJson, parseWire, type UpstreamResponse } from '../../src/core/upstream.js';
import {
  ASSET_FILE_FIELD,
  ENDPOINTS,
  JSON_CONTENT_TYPE,
  PROVIDER,
  authHeaders,
  endpointPathsOf,
  endpointUrl,
  isUsableSegment,
  operationsFor,
  type CloudswayOperation,
} from './api.js';
import * as t from './translate.js';
import {
  WireAsset,
  WireAvatarCreated,
  WireAvatarGroup,
  WireAvatarLook,
  WireLanguages,
  WireTranslationCreated,
  WireTranslationDetail,
  WireVideoCreated,
  WireVideoDetail,
  envelope,
  listEnvelope,
} from './wire.js';

interface Call {
  params?: Record<string, string>;
  query?: t.WireQuery;
  /** Serialized here as JSON, so the exact bytes sent are known. */
  json?: unknown;
  /** A streamed body with its own content type (multipart uploads). */
  stream?: { body: Readable; contentType: string };
}

const unsupported = (what: string): GatewayError =>
  new GatewayError('provider_capability_unsupported', `Cloudsway does not offer ${what}.`);

export const createCloudswayAdapter: AdapterFactory = (account, deps) => {
  if (account.provider !== 'cloudsway') throw new Error(`account "${account.id}" is not a cloudsway account`);
  const paths = endpointPathsOf(account);
  for (const [product, path] of Object.entries(paths)) {
    // Such a segment would be collapsed by URL resolution and reach another URL altogether.
    if (!isUsableSegment(path)) {
      throw new Error(`account "${account.id}": the ${product} endpoint path ${JSON.stringify(path)} cannot be a URL path segment`);
    }
  }
  const operations = operationsFor(paths);
  const capabilities: Capabilities = {
    operations: operations as ReadonlySet<Operation>,
    fields: {
      'video.create': t.unsupportedVideoFields,
      'translation.create': t.unsupportedTranslationFields,
      'avatar.create': t.unsupportedAvatarFields,
    },
  };

  const logger = deps.logger.child({ provider: PROVIDER, account: account.id });
  const http = new UpstreamHttp({
    accountId: account.id,
    provider: PROVIDER,
    baseUrl: account.base_url,
    timeoutMs: account.timeout_ms,
    dispatcher: deps.dispatcher,
    logger,
  });
  const ctx = (op: CloudswayOperation) => ({ provider: PROVIDER, accountId: account.id, notFoundCode: ENDPOINTS[op].notFoundCode });
  const describe = (op: CloudswayOperation) => `${ENDPOINTS[op].method} .../heygen${ENDPOINTS[op].template}`;

  /** Sends one operation's request; a non-2xx answer becomes the matching v3 error. */
  async function send(op: CloudswayOperation, call: Call = {}): Promise<UpstreamResponse> {
    const ep = ENDPOINTS[op];
    const endpointPath = paths[ep.product];
    if (endpointPath === undefined) throw unsupported(`${op} on account "${account.id}" (no ${ep.product} endpoint path)`);
    for (const v of Object.values(call.params ?? {})) {
      // Such an id cannot exist upstream, and as a path segment it would reach another endpoint.
      if (!isUsableSegment(v)) throw new GatewayError(ep.notFoundCode, ep.notFoundMessage ?? 'Not found.', { status: 404 });
    }
    const headers = authHeaders(account.api_key);
    let body: string | Readable | null = null;
    if (call.stream) {
      headers['Content-Type'] = call.stream.contentType;
      body = call.stream.body;
    } else if (call.json !== undefined) {
      headers['Content-Type'] = JSON_CONTENT_TYPE;
      body = JSON.stringify(call.json);
    }
    const res = await http.send({
      method: ep.method,
      url: endpointUrl(ep, endpointPath, call.params),
      query: call.query,
      headers,
      body,
      operation: op,
    });
    if (res.status < 200 || res.status > 299) {
      const info = t.errorInfoFromWire(res.text);
      if (res.status === 404 && ep.notFoundMessage) info.message = ep.notFoundMessage;
      throw errorFromUpstream(res, info, ctx(op));
    }
    return res;
  }

  /**
   * send + JSON + failure-in-success check + wire schema. A 2xx that carries an `error` or a code
   * other than 100 is that failure; a 2xx the gateway cannot read is a 502, never a guess.
   */
  async function call<S extends z.ZodType>(op: CloudswayOperation, schema: S, c?: Call): Promise<{ wire: z.infer<S>; payload: unknown }> {
    const res = await send(op, c);
    const what = describe(op);
    const payload = parseJson(res, what);
    const failure = t.failureInSuccess(payload);
    if (failure) {
      const status = t.statusOfFailure(failure);
      logger.warn({ operation: op, http_status: res.status, upstream_code: failure.info.code, status }, 'upstream reported a failure in a 2xx answer');
      if (status === undefined) {
        throw new GatewayError('upstream_error', `The upstream (${PROVIDER} account "${account.id}") reported a failure without saying which.`);
      }
      const info = { ...failure.info };
      if (status === 404 && ENDPOINTS[op].notFoundMessage) info.message = ENDPOINTS[op].notFoundMessage;
      throw errorFromUpstream({ status, headers: res.headers }, info, ctx(op));
    }
    return { wire: parseWire(schema, payload, what, logger), payload };
  }

  const adapter: Adapter = {
    provider: PROVIDER,
    accountId: account.id,
    capabilities,

    async createVideo(req) {
      const body = t.toWireVideoCreate(req);
      const { wire, payload } = await call('video.create', envelope(WireVideoCreated), { json: body });
      return t.fromWireVideoCreated(wire.data, payload);
    },

    async getVideo(upstreamId) {
      const { wire, payload } = await call('video.get', envelope(WireVideoDetail), { params: { video_id: upstreamId } });
      return t.fromWireVideoDetail(wire.data, payload);
    },

    async deleteVideo() {
      throw unsupported('video deletion');
    },

    async createTranslation(req) {
      const body = t.toWireTranslationCreate(req);
      const { wire, payload } = await call('translation.create', envelope(WireTranslationCreated), { json: body });
      return t.fromWireTranslationCreated(wire.data, req.output_languages, payload);
    },

    async getTranslation(upstreamId) {
      const { wire, payload } = await call('translation.get', envelope(WireTranslationDetail), {
        params: { video_translation_id: upstreamId },
      });
      return t.fromWireTranslationDetail(wire.data, payload);
    },

    async listTranslationLanguages() {
      const { wire } = await call('translation.languages', envelope(WireLanguages));
      return [...wire.data.languages];
    },

    async uploadAsset(file) {
      if (!operations.has('asset.upload')) {
        file.stream.destroy();
        throw unsupported(`asset upload on account "${account.id}" (no translation endpoint path)`);
      }
      const mp = multipartFileBody({ field: ASSET_FILE_FIELD, filename: file.filename, contentType: file.mimeType, stream: file.stream });
      const { wire } = await call('asset.upload', envelope(WireAsset), { stream: mp });
      return t.fromWireAsset(wire.data);
    },

    async listAvatarGroups(q) {
      const { wire } = await call('avatar.groups.list', listEnvelope(WireAvatarGroup), { query: t.avatarGroupQuery(q) });
      return t.fromWirePage(wire, t.fromWireAvatarGroup);
    },

    async getAvatarGroup(groupId) {
      const { wire } = await call('avatar.groups.get', envelope(WireAvatarGroup), { params: { group_id: groupId } });
      return t.fromWireAvatarGroup(wire.data);
    },

    async listAvatarLooks(q) {
      const { wire } = await call('avatar.looks.list', listEnvelope(WireAvatarLook), { query: t.avatarLookQuery(q) });
      return t.fromWirePage(wire, t.fromWireAvatarLook);
    },

    async getAvatarLook(lookId) {
      const { wire } = await call('avatar.looks.get', envelope(WireAvatarLook), { params: { look_id: lookId } });
      return t.fromWireAvatarLook(wire.data);
    },

    async createAvatar(req) {
      const body = t.toWireAvatarCreate(req);
      const { wire } = await call('avatar.create', envelope(WireAvatarCreated), { json: body });
      return t.fromWireAvatarCreated(wire.data);
    },

    async listVoices() {
      throw unsupported('voices');
    },

    async getVoice() {
      throw unsupported('voices');
    },

    async getUser() {
      throw unsupported('account user information (users/me)');
    },

    close: () => http.close(),
  };
  return adapter;
};
