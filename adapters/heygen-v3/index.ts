/**
 * The heygen-v3 adapter: one account on HeyGen's own v3 API. The wire is the normalized model, so
 * this file is mostly plumbing: request, map errors, validate the answer, translate.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { OPERATIONS, type Adapter, type AdapterFactory, type Capabilities, type Operation } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { multipartFileBody } from '../../src/core/multipart-body.js';
import { UpstreamHttp, errorFromUpstream, parseJson, parseWire, type UpstreamResponse } from '../../src/core/upstream.js';
import {
  ASSET_FILE_FIELD,
  ENDPOINTS,
  JSON_CONTENT_TYPE,
  PROVIDER,
  authHeaders,
  endpointPath,
  isUsableIdSegment,
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
  WireUser,
  WireVideoCreated,
  WireVideoDeleted,
  WireVideoDetail,
  WireVoice,
  envelope,
  listEnvelope,
} from './wire.js';

const CAPABILITIES: Capabilities = { operations: new Set(OPERATIONS) };

interface Call {
  params?: Record<string, string>;
  query?: t.WireQuery;
  /** Serialized here as JSON, so the exact bytes sent are known. */
  json?: unknown;
  /** A streamed body with its own content type (multipart uploads). */
  stream?: { body: Readable; contentType: string };
}

export const createHeygenV3Adapter: AdapterFactory = (account, deps) => {
  const logger = deps.logger.child({ provider: PROVIDER, account: account.id });
  const http = new UpstreamHttp({
    accountId: account.id,
    provider: PROVIDER,
    baseUrl: account.base_url,
    timeoutMs: account.timeout_ms,
    dispatcher: deps.dispatcher,
    logger,
  });

  /** Sends one operation's request; a non-2xx answer becomes the matching v3 error. */
  async function send(op: Operation, call: Call = {}): Promise<UpstreamResponse> {
    const ep = ENDPOINTS[op];
    for (const v of Object.values(call.params ?? {})) {
      // Such an id cannot exist upstream, and as a path segment it would reach another endpoint.
      if (!isUsableIdSegment(v)) throw new GatewayError(ep.notFoundCode, ep.notFoundMessage ?? 'Not found.');
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
      url: endpointPath(ep, call.params),
      query: call.query,
      headers,
      body,
      operation: op,
    });
    if (res.status < 200 || res.status > 299) {
      const info = t.errorInfoFromWire(res.text);
      if (res.status === 404 && ep.notFoundMessage) info.message = ep.notFoundMessage;
      throw errorFromUpstream(res, info, { provider: PROVIDER, accountId: account.id, notFoundCode: ep.notFoundCode });
    }
    return res;
  }

  /** send + JSON + wire schema: a 2xx the gateway cannot read is a 502, never a guess. */
  async function call<S extends z.ZodType>(op: Operation, schema: S, c?: Call): Promise<{ wire: z.infer<S>; payload: unknown }> {
    const res = await send(op, c);
    const what = `${ENDPOINTS[op].method} ${ENDPOINTS[op].template}`;
    const payload = parseJson(res, what);
    return { wire: parseWire(schema, payload, what, logger), payload };
  }

  const adapter: Adapter = {
    provider: PROVIDER,
    accountId: account.id,
    capabilities: CAPABILITIES,

    async createVideo(req) {
      const { wire, payload } = await call('video.create', envelope(WireVideoCreated), { json: t.toWireVideoCreate(req) });
      return t.fromWireVideoCreated(wire.data, payload);
    },

    async getVideo(upstreamId) {
      const { wire, payload } = await call('video.get', envelope(WireVideoDetail), { params: { video_id: upstreamId } });
      return t.fromWireVideoDetail(wire.data, payload);
    },

    async deleteVideo(upstreamId) {
      const res = await send('video.delete', { params: { video_id: upstreamId } });
      if (res.text.trim() === '') return; // a bare 2xx/204 is a deletion too
      const what = `${ENDPOINTS['video.delete'].method} ${ENDPOINTS['video.delete'].template}`;
      const wire = parseWire(envelope(WireVideoDeleted), parseJson(res, what), what, logger);
      if (wire.data.deleted === false) throw new GatewayError('video_delete_failed', 'The upstream did not delete the video.');
    },

    async createTranslation(req) {
      const { wire, payload } = await call('translation.create', envelope(WireTranslationCreated), {
        json: t.toWireTranslationCreate(req),
      });
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
      const mp = multipartFileBody({
        field: ASSET_FILE_FIELD,
        filename: file.filename,
        contentType: file.mimeType,
        stream: file.stream,
      });
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
      const { wire } = await call('avatar.create', envelope(WireAvatarCreated), { json: t.toWireAvatarCreate(req) });
      return t.fromWireAvatarCreated(wire.data);
    },

    async listVoices(q) {
      const { wire } = await call('voice.list', listEnvelope(WireVoice), { query: t.voiceQuery(q) });
      return t.fromWirePage(wire, t.fromWireVoice);
    },

    async getVoice(voiceId) {
      const { wire } = await call('voice.get', envelope(WireVoice), { params: { voice_id: voiceId } });
      return t.fromWireVoice(wire.data);
    },

    async getUser() {
      const { wire } = await call('user.get', envelope(WireUser));
      return t.fromWireUser(wire.data);
    },

    close: () => http.close(),
  };
  return adapter;
};
