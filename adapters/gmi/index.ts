/**
 * The gmi adapter: one account on GMI Cloud's request queue, which runs HeyGen Avatar IV as the
 * model `account.model`. GMI does avatar video and nothing else, so the adapter declares
 * video.create and video.get only; the router answers every other operation without calling it.
 *
 * Polling is the only way to learn a result (GMI has no webhooks), so a status read is kept
 * cheap for a background refresher: exactly one GET per job, no follow-up calls, an answer
 * parsed into a few fields, and the stored payload without GMI's echo of the submitted body.
 */
import type { z } from 'zod';
import { type Adapter, type AdapterFactory, type Capabilities, type Operation } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { UpstreamHttp, errorFromUpstream, parseJson, parseWire, type UpstreamResponse } from '../../src/core/upstream.js';
import {
  DEFAULT_MODEL,
  ENDPOINTS,
  JSON_CONTENT_TYPE,
  PROVIDER,
  authHeaders,
  endpointPath,
  isUsableIdSegment,
  type Endpoint,
  type GmiOperation,
} from './api.js';
import * as t from './translate.js';
import { WireRequest, WireSubmitted } from './wire.js';

const CAPABILITIES: Capabilities = {
  operations: new Set<Operation>(['video.create', 'video.get']),
  // The payload is a v2 generate body: a legacy client's body goes whole, scenes and v2-only
  // settings included.
  multiScene: true,
  legacyV2Body: true,
  fields: { 'video.create': t.unsupportedVideoFields },
};

interface Call {
  params?: Record<string, string>;
  /** Serialized here as JSON, so the exact bytes sent are known. */
  json?: unknown;
}

export const createGmiAdapter: AdapterFactory = (account, deps) => {
  const logger = deps.logger.child({ provider: PROVIDER, account: account.id });
  const model = account.provider === 'gmi' ? account.model : DEFAULT_MODEL;
  const http = new UpstreamHttp({
    accountId: account.id,
    provider: PROVIDER,
    baseUrl: account.base_url,
    timeoutMs: account.timeout_ms,
    dispatcher: deps.dispatcher,
    logger,
  });
  const where = `${PROVIDER} account "${account.id}"`;

  function notFound(ep: Endpoint): GatewayError {
    if (ep.notFound === 'account') {
      // The queue endpoint or the configured model is missing: the account's problem, and
      // nothing was queued, so another account may take the job.
      return new GatewayError('upstream_error', `The upstream (${where}) does not serve the configured model "${model}".`, {
        fallbackSafe: true,
      });
    }
    // GMI's words would name its request id, which the client never saw.
    return new GatewayError(ep.notFound.code, ep.notFound.message, { status: 404 });
  }

  /** Sends one operation's request; a non-2xx answer becomes the matching v3 error. */
  async function send(op: GmiOperation, c: Call = {}): Promise<UpstreamResponse> {
    const ep = ENDPOINTS[op];
    for (const v of Object.values(c.params ?? {})) {
      // Such an id cannot exist upstream, and as a path segment it would reach the list endpoint.
      if (!isUsableIdSegment(v)) throw notFound(ep);
    }
    const headers = authHeaders(account.api_key);
    let body: string | null = null;
    if (c.json !== undefined) {
      headers['Content-Type'] = JSON_CONTENT_TYPE;
      body = JSON.stringify(c.json);
    }
    const res = await http.send({ method: ep.method, url: endpointPath(ep, c.params), headers, body, operation: op });
    if (res.status >= 200 && res.status <= 299) return res;

    const info = t.errorInfoFromWire(res.text);
    // GMI's words go to the client; never if they would carry the account's key.
    if (info.message?.includes(account.api_key)) info.message = null;
    if (res.status === 404) throw notFound(ep);
    throw errorFromUpstream(res, info, { provider: PROVIDER, accountId: account.id });
  }

  /** send + JSON + wire schema: a 2xx the gateway cannot read is a 502, never a guess. */
  async function call<S extends z.ZodType>(op: GmiOperation, schema: S, c?: Call): Promise<{ wire: z.infer<S>; payload: unknown }> {
    const res = await send(op, c);
    const what = `${ENDPOINTS[op].method} ${ENDPOINTS[op].template}`;
    const payload = parseJson(res, what);
    return { wire: parseWire(schema, payload, what, logger), payload };
  }

  // The router never calls these (the operations are not declared); a job-bound call such as a
  // delete of a GMI video can reach them, and is told the same thing a pinned request would be.
  const outside = (what: string) => async (): Promise<never> => {
    throw new GatewayError('provider_capability_unsupported', `Account "${account.id}" (${PROVIDER}) cannot ${what}: GMI serves avatar video only.`);
  };

  const adapter: Adapter = {
    provider: PROVIDER,
    accountId: account.id,
    capabilities: CAPABILITIES,

    async createVideo(req) {
      const { wire, payload } = await call('video.create', WireSubmitted, { json: t.toWireSubmit(req, model) });
      return t.fromWireSubmitted(wire, payload);
    },

    async getVideo(upstreamId) {
      const { wire, payload } = await call('video.get', WireRequest, { params: { request_id: upstreamId } });
      return t.fromWireRequest(wire, t.storedPayload(payload));
    },

    // GMI documents no delete and no cancel endpoint.
    deleteVideo: outside('delete videos'),
    createTranslation: outside('translate videos'),
    getTranslation: outside('translate videos'),
    listTranslationLanguages: outside('translate videos'),
    uploadAsset: outside('store assets'),
    listAvatarGroups: outside('list avatars'),
    getAvatarGroup: outside('list avatars'),
    listAvatarLooks: outside('list avatars'),
    getAvatarLook: outside('list avatars'),
    createAvatar: outside('create avatars'),
    listVoices: outside('list voices'),
    getVoice: outside('list voices'),
    getUser: outside('report account details'),

    close: () => http.close(),
  };
  return adapter;
};
