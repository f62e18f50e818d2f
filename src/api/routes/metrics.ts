/**
 * GET /metrics (Prometheus text format) and the hook that counts every answered request.
 *
 * Access: when `admin.api_keys` is configured, only those keys may scrape (`X-Api-Key` or
 * `Authorization: Bearer`), answered like the admin API: a client key is 403, no key or an unknown
 * one 401. Without admin keys the endpoint is open to whoever can reach the listen address (a
 * scraper on the same host or network needs no secret): bind the gateway to a private interface,
 * or configure an admin key, before exposing it further.
 *
 * Registered with fastify-plugin so the onResponse hook sees every route of the app, and before
 * the other routes so it applies to them all.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { presentedKey } from '../../core/clients.js';
import { GatewayError } from '../../core/errors.js';
import type { Metrics } from '../../core/metrics.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** config.admin.api_keys: when non-empty, the only keys that may read /metrics. */
  adminKeys: readonly string[];
  /** Whether a key belongs to a client (refused with 403 rather than 401, as the admin API does). */
  isClientKey: (key: string | undefined) => boolean;
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** Compared as SHA-256 digests with timingSafeEqual, so timing reveals nothing about the keys. */
function keyChecker(keys: readonly string[]): (presented: string | undefined) => boolean {
  const digests = keys.map(digest);
  return (presented) => {
    if (!presented) return false;
    const d = digest(presented);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(k, d) || ok;
    return ok;
  };
}

const header = (v: number | string | string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;

export const metricsRoutes = fp(
  async (app: FastifyInstance, opts: MetricsRouteOptions) => {
    const { metrics } = opts;

    app.addHook('onResponse', async (request, reply) => {
      metrics.observeRequest({
        // The pattern, never the raw URL: ids in paths would make a series per job.
        route: request.routeOptions.url ?? null,
        method: request.method,
        status: reply.statusCode,
        account: header(reply.getHeader('x-gateway-account')),
        provider: header(reply.getHeader('x-gateway-provider')),
        seconds: reply.elapsedTime / 1000,
      });
    });

    const allowed = opts.adminKeys.length > 0 ? keyChecker(opts.adminKeys) : null;
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const key = presentedKey(request.headers);
      if (allowed && !allowed(key)) {
        if (opts.isClientKey(key)) {
          throw new GatewayError('forbidden', 'This is a client API key; the admin API takes an admin key (admin.api_keys).');
        }
        throw new GatewayError('unauthorized', 'Invalid or missing admin API key. Send it in the X-Api-Key header.');
      }
      const text = await metrics.text();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
    });
  },
  { name: 'gateway-metrics' },
);
