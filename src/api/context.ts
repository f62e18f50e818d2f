import type { ClientConfig, GatewayConfig } from '../config/schema.js';
import type { AccountSet } from '../core/accounts.js';
import type { Adapter } from '../core/adapter.js';
import type { ClientDirectory } from '../core/clients.js';
import type { JobService } from '../core/jobs.js';
import type { Router } from '../core/router.js';
import type { Store } from '../store/types.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/errors.js';

/** Shared services, decorated on the app as `app.gateway`. */
export interface GatewayServices {
  config: GatewayConfig;
  store: Store;
  accounts: AccountSet;
  router: Router;
  jobs: JobService;
  clients: ClientDirectory;
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: GatewayServices;
  }
  interface FastifyRequest {
    client: ClientConfig | null;
  }
}

/** The authenticated client; routes behind the auth hook always have one. */
export function clientOf(request: FastifyRequest): ClientConfig {
  if (!request.client) throw new GatewayError('unauthorized', 'Invalid or missing API key. Send it in the X-Api-Key header.');
  return request.client;
}

/** The account pin from `X-Gateway-Account`, if any. */
export function pinOf(request: FastifyRequest): string | undefined {
  const v = request.headers['x-gateway-account'];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}

/** Names the account and provider that served a routed call. */
export function servedBy(reply: FastifyReply, adapter: Adapter): void {
  reply.header('X-Gateway-Account', adapter.accountId);
  reply.header('X-Gateway-Provider', adapter.provider);
}
