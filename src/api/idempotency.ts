/**
 * `Idempotency-Key` on creates, as HeyGen documents it: per client, 24 h. A retry with the same
 * key and body replays the first answer; a different body is 409 `conflict`; while the first is
 * still running, 409 `request_in_progress`. The record is written before the upstream is called,
 * so concurrent duplicates make exactly one upstream job.
 *
 * Answers worth replaying are stored (2xx and 4xx); a 5xx or 429 releases the key, since the
 * client is expected to retry and nothing was created.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { GatewayError } from '../core/errors.js';
import { clientOf } from './context.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Headers a replay repeats, so a client sees the same account and provider as the first time. */
const REPLAYED_HEADERS = ['x-gateway-account', 'x-gateway-provider', 'content-type'];

interface IdempotencyState {
  key: string;
  clientId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyState | null;
  }
}

function requestHash(request: FastifyRequest): string {
  const h = createHash('sha256');
  h.update(`${request.method} ${request.routeOptions.url ?? request.url}\n`);
  h.update(`${JSON.stringify(request.params ?? {})}\n`);
  h.update(canonical(request.body));
  return h.digest('hex');
}

/** JSON with sorted keys: the same body in another key order is the same request. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

/** Route options for a create route: checks the key before the handler runs. */
export function idempotent(): Pick<RouteShorthandOptions, 'preHandler' | 'onSend' | 'onError'> {
  return {
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.headers['idempotency-key'];
      const key = Array.isArray(raw) ? raw[0] : raw;
      if (key === undefined) return;
      if (!KEY.test(key)) {
        throw new GatewayError('invalid_parameter', "'Idempotency-Key' must be 1-255 printable ASCII characters.", { param: 'Idempotency-Key' });
      }
      const client = clientOf(request);
      const { store } = request.server.gateway;
      const begun = await store.beginIdempotent(client.id, key, requestHash(request), Date.now(), IDEMPOTENCY_TTL_MS);
      switch (begun.state) {
        case 'new':
          request.idempotency = { key, clientId: client.id };
          return;
        case 'in_flight':
          throw new GatewayError('request_in_progress', 'A request with this Idempotency-Key is still in progress; retry when it has finished.', {
            param: 'Idempotency-Key',
          });
        case 'mismatch':
          throw new GatewayError('conflict', 'This Idempotency-Key was used with a different request body.', { param: 'Idempotency-Key' });
        case 'done':
          for (const [name, value] of Object.entries(begun.headers)) reply.header(name, value);
          reply.header('Idempotent-Replayed', 'true');
          return reply.code(begun.status).send(begun.body);
      }
    },
    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const state = request.idempotency;
      if (!state) return payload;
      request.idempotency = null;
      const { store } = request.server.gateway;
      const status = reply.statusCode;
      if (status >= 500 || status === 429 || typeof payload !== 'string') {
        await store.abandonIdempotent(state.clientId, state.key);
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const v = reply.getHeader(name);
        if (v !== undefined) headers[name] = String(v);
      }
      await store.completeIdempotent(state.clientId, state.key, { status, body: payload, headers });
      return payload;
    },
  };
}
