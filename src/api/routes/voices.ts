import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import { VoiceGetResponse, VoiceIdParams, VoiceListQuery, VoiceListResponse } from '../schemas/voices.js';
import { UserInfoResponse } from '../schemas/users.js';
import { clientOf, pinOf, servedBy } from '../context.js';

/** X-Gateway-* headers go on before the upstream call: an upstream refusal names its account too. */
export const voiceAndUserRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { router } = app.gateway;

  app.get(
    '/v3/voices',
    {
      schema: {
        operationId: 'listVoicesV3',
        summary: 'List voices',
        tags: ['Voices'],
        querystring: VoiceListQuery,
        response: { 200: VoiceListResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'voice.list', pin: pinOf(request) });
      servedBy(reply, adapter);
      const page = await adapter.listVoices(request.query);
      return page;
    },
  );

  app.get(
    '/v3/voices/:voice_id',
    {
      schema: {
        operationId: 'getVoiceV3',
        summary: 'Get a voice',
        tags: ['Voices'],
        params: VoiceIdParams,
        response: { 200: VoiceGetResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'voice.get', pin: pinOf(request) });
      servedBy(reply, adapter);
      const voice = await adapter.getVoice(request.params.voice_id);
      return { data: voice };
    },
  );

  app.get(
    '/v3/users/me',
    {
      schema: {
        operationId: 'getUserMeV3',
        summary: 'Current user of the serving account',
        description: 'The account behind the gateway that serves this client (or the pinned one).',
        tags: ['User'],
        response: { 200: UserInfoResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'user.get', pin: pinOf(request) });
      servedBy(reply, adapter);
      const user = await adapter.getUser();
      return { data: user };
    },
  );
};
