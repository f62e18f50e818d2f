import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import {
  LanguagesResponse,
  TranslationCreate,
  TranslationCreateResponse,
  TranslationGetResponse,
  TranslationIdParams,
  TranslationListQuery,
  TranslationListResponse,
} from '../schemas/translations.js';
import { validateTranslationCreate } from '../../core/validate.js';
import { idempotent } from '../idempotency.js';
import { clientOf, pinOf, servedBy } from '../context.js';

const tags = ['Video Translation'];

export const translationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, config, router } = app.gateway;

  app.post(
    '/v3/video-translations',
    {
      ...idempotent(),
      schema: {
        operationId: 'createVideoTranslationV3',
        summary: 'Create video translations',
        description: 'One translation job, and one gateway id, per output language.',
        tags,
        body: TranslationCreate,
        response: { 200: TranslationCreateResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      validateTranslationCreate(request.body, { allowPrivateCallbacks: config.webhooks.allow_private_targets });
      const served = await jobs.createTranslation(clientOf(request), request.body, pinOf(request), (a) => servedBy(reply, a));
      servedBy(reply, served.adapter);
      return { data: served.value };
    },
  );

  app.get(
    '/v3/video-translations',
    {
      schema: {
        operationId: 'listVideoTranslationsV3',
        summary: 'List video translations',
        tags,
        querystring: TranslationListQuery,
        response: { 200: TranslationListResponse, ...errorResponses },
      },
    },
    async (request) => {
      // The pin cannot redirect a list (the store answers it), but a foreign pin is refused as everywhere.
      router.checkPin(clientOf(request), pinOf(request));
      return jobs.listTranslations(clientOf(request), request.query);
    },
  );

  app.get(
    '/v3/video-translations/languages',
    {
      schema: {
        operationId: 'listVideoTranslationLanguagesV3',
        summary: 'List supported translation languages',
        tags,
        response: { 200: LanguagesResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'translation.languages', pin: pinOf(request) });
      const languages = await adapter.listTranslationLanguages();
      servedBy(reply, adapter);
      return { data: { languages } };
    },
  );

  app.get(
    '/v3/video-translations/:video_translation_id',
    {
      schema: {
        operationId: 'getVideoTranslationV3',
        summary: 'Get a video translation',
        tags,
        params: TranslationIdParams,
        response: { 200: TranslationGetResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Reads go to the account that made the job; a pin is only checked, never followed.
      router.checkPin(clientOf(request), pinOf(request));
      const served = await jobs.getTranslation(clientOf(request), request.params.video_translation_id);
      servedBy(reply, served.adapter);
      return { data: served.value };
    },
  );
};
