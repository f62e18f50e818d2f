import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { presentedKey } from '../core/clients.js';
import { GatewayError } from '../core/errors.js';

/**
 * Authenticates v3 calls exactly as HeyGen does (`X-Api-Key` or `Authorization: Bearer`).
 * Registered inside the scope of the authenticated routes only.
 */
export const clientAuth = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    const client = app.gateway.clients.authenticate(presentedKey(request.headers));
    if (!client) {
      throw new GatewayError('unauthorized', 'Invalid or missing API key. Send it in the X-Api-Key header.');
    }
    request.client = client;
    request.log = request.log.child({ client: client.id });
  });
});
