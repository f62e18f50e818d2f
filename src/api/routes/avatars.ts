import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import {
  AvatarCreate,
  AvatarCreateResponse,
  AvatarGroupListQuery,
  AvatarGroupListResponse,
  AvatarGroupResponse,
  AvatarLookListQuery,
  AvatarLookListResponse,
  AvatarLookResponse,
  GroupIdParams,
  LookIdParams,
} from '../schemas/avatars.js';
import { idempotent } from '../idempotency.js';
import { clientOf, pinOf, servedBy } from '../context.js';

const tags = ['Avatars'];

/**
 * Avatar groups and looks live on an upstream account: lists come from the client's preferred
 * account (or the pinned one); a look or group the client created through the gateway is read
 * from the account that holds it. The X-Gateway-* headers are set before the upstream call so an
 * upstream refusal (404, 429, 502) also names the account that answered.
 */
export const avatarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { router, jobs } = app.gateway;

  app.get(
    '/v3/avatars',
    {
      schema: {
        operationId: 'listAvatarGroups',
        summary: 'List avatar groups',
        tags,
        querystring: AvatarGroupListQuery,
        response: { 200: AvatarGroupListResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'avatar.groups.list', pin: pinOf(request) });
      servedBy(reply, adapter);
      const page = await adapter.listAvatarGroups(request.query);
      return page;
    },
  );

  app.get(
    '/v3/avatars/looks',
    {
      schema: {
        operationId: 'listAvatarLooks',
        summary: 'List avatar looks',
        tags,
        querystring: AvatarLookListQuery,
        response: { 200: AvatarLookListResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      const affinity = request.query.group_id
        ? await jobs.affinityOf(client, [{ kind: 'group', id: request.query.group_id, param: 'group_id' }])
        : undefined;
      const adapter = router.pick({ client, op: 'avatar.looks.list', pin: pinOf(request), affinity });
      servedBy(reply, adapter);
      const page = await adapter.listAvatarLooks(request.query);
      return page;
    },
  );

  app.get(
    '/v3/avatars/looks/:look_id',
    {
      schema: {
        operationId: 'getAvatarLook',
        summary: 'Get an avatar look',
        tags,
        params: LookIdParams,
        response: { 200: AvatarLookResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      const affinity = await jobs.affinityOf(client, [{ kind: 'look', id: request.params.look_id, param: 'look_id' }]);
      const adapter = router.pick({ client, op: 'avatar.looks.get', pin: pinOf(request), affinity });
      servedBy(reply, adapter);
      const look = await adapter.getAvatarLook(request.params.look_id);
      return { data: look };
    },
  );

  app.get(
    '/v3/avatars/:group_id',
    {
      schema: {
        operationId: 'getAvatarGroup',
        summary: 'Get an avatar group',
        tags,
        params: GroupIdParams,
        response: { 200: AvatarGroupResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      const affinity = await jobs.affinityOf(client, [{ kind: 'group', id: request.params.group_id, param: 'group_id' }]);
      const adapter = router.pick({ client, op: 'avatar.groups.get', pin: pinOf(request), affinity });
      servedBy(reply, adapter);
      const group = await adapter.getAvatarGroup(request.params.group_id);
      return { data: group };
    },
  );

  app.post(
    '/v3/avatars',
    {
      ...idempotent(),
      schema: {
        operationId: 'createAvatar',
        summary: 'Create an avatar (photo, digital twin, prompt)',
        tags,
        body: AvatarCreate,
        response: { 200: AvatarCreateResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Billed per call: routed like every create (budget, fallback, circuit). Each attempt names
      // its account first, so an upstream refusal also says who answered.
      const served = await jobs.createAvatar(clientOf(request), request.body, pinOf(request), (adapter) => servedBy(reply, adapter));
      servedBy(reply, served.adapter);
      return { data: served.value };
    },
  );
};
