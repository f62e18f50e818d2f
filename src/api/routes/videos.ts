import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import {
  VideoCreate,
  VideoCreateResponse,
  VideoDeleteResponse,
  VideoGetResponse,
  VideoIdParams,
  VideoListQuery,
  VideoListResponse,
} from '../schemas/videos.js';
import { validateVideoCreate } from '../../core/validate.js';
import { idempotent } from '../idempotency.js';
import { clientOf, pinOf, servedBy } from '../context.js';

const tags = ['Videos'];

export const videoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, config, router } = app.gateway;

  app.post(
    '/v3/videos',
    {
      ...idempotent(),
      schema: {
        operationId: 'createVideo',
        summary: 'Create a video',
        description: "Create a video from an avatar look (type 'avatar') or an image (type 'image'). Asynchronous: poll GET /v3/videos/{video_id}.",
        tags,
        body: VideoCreate,
        response: { 200: VideoCreateResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      validateVideoCreate(request.body, { allowPrivateCallbacks: config.webhooks.allow_private_targets });
      const served = await jobs.createVideo(clientOf(request), request.body, pinOf(request), (a) => servedBy(reply, a));
      servedBy(reply, served.adapter);
      return { data: served.value };
    },
  );

  app.get(
    '/v3/videos',
    {
      schema: {
        operationId: 'listVideosV3',
        summary: 'List videos',
        description: "The client's own videos made through the gateway, newest first.",
        tags,
        querystring: VideoListQuery,
        response: { 200: VideoListResponse, ...errorResponses },
      },
    },
    async (request) => {
      // The pin cannot redirect a list (the store answers it), but a foreign pin is refused as everywhere.
      router.checkPin(clientOf(request), pinOf(request));
      return jobs.listVideos(clientOf(request), request.query);
    },
  );

  app.get(
    '/v3/videos/:video_id',
    {
      schema: {
        operationId: 'getVideoV3',
        summary: 'Get video details',
        tags,
        params: VideoIdParams,
        response: { 200: VideoGetResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Reads go to the account that made the job; a pin is only checked, never followed.
      router.checkPin(clientOf(request), pinOf(request));
      const served = await jobs.getVideo(clientOf(request), request.params.video_id);
      servedBy(reply, served.adapter);
      return { data: served.value };
    },
  );

  app.delete(
    '/v3/videos/:video_id',
    {
      schema: {
        operationId: 'deleteVideoV3',
        summary: 'Delete a video',
        tags,
        params: VideoIdParams,
        response: { 200: VideoDeleteResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      router.checkPin(clientOf(request), pinOf(request));
      const served = await jobs.deleteVideo(clientOf(request), request.params.video_id);
      servedBy(reply, served.adapter);
      return { data: served.value };
    },
  );
};
