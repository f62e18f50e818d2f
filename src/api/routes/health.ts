import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const Health = Type.Object({ status: Type.String() });

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: { operationId: 'healthz', summary: 'Liveness and readiness', tags: ['Gateway'], response: { 200: Health, 503: Health } },
    },
    async (_request, reply) => {
      const ok = await app.gateway.store.ping().catch(() => false);
      return ok ? { status: 'ok' } : reply.code(503).send({ status: 'unavailable' });
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
