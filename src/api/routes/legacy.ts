/**
 * The legacy inbound surface: a client written for HeyGen's v2/v1 API keeps working by changing
 * its base URL and key. Each request is translated into the normalized model and routed like any
 * other (so a v3 account serves it), and each answer leaves in the legacy envelope and words.
 * Registered inside the authenticated scope; an encapsulated plugin, so the raw-body parser of
 * POST /v1/asset applies to these routes only.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { V2GenerateBody } from '../schemas/legacy.js';
import type { ClientConfig } from '../../config/schema.js';
import type { Page } from '../../core/adapter.js';
import type { VoiceItem } from '../schemas/voices.js';
import { GatewayError } from '../../core/errors.js';
import { SNIFF_BYTES, sniffMime, type Sniffed } from '../../core/magic.js';
import { PayloadTooLargeError, peekAndLimit } from '../../core/stream-limit.js';
import { clientOf, pinOf, servedBy } from '../context.js';
import { idempotent } from '../idempotency.js';
import { MAX_ASSET_BYTES } from './assets.js';
import { v1Ok, v2Ok } from '../legacy/envelopes.js';
import {
  V1_ASSET_TYPES,
  V1AssetAnswer,
  V1AssetBody,
  V1VideoStatusAnswer,
  V1VideoStatusQuery,
  V2AvatarsAnswer,
  V2GenerateAnswer,
  V2LanguagesAnswer,
  V2TranslateAnswer,
  V2TranslateBody,
  V2TranslateCreateAnswer,
  V2TranslateIdParams,
  V2VoicesAnswer,
  v1ErrorResponses,
  v2ErrorResponses,
} from '../legacy/schemas.js';
import {
  v1AssetData,
  v1StatusData,
  v2AvatarsData,
  v2GenerateToVideoRequest,
  v2TranslateData,
  v2TranslateToV3,
  v2Voice,
} from '../legacy/translate.js';
import { validateV2Generate, validateV2Translate } from '../legacy/validate.js';

const tags = ['Legacy v2/v1'];
const v1 = { envelope: 'v1' } as const;
const v2 = { envelope: 'v2' } as const;

/** Page size and page cap when a legacy list (which has no pagination) is gathered from a v3 list. */
const LOOK_PAGE = 50;
const VOICE_PAGE = 100;
const MAX_PAGES = 20;

/** Follows next_token until the end or MAX_PAGES; a truncated list is logged, not failed. */
async function gather<T>(fetchPage: (token: string | undefined) => Promise<Page<T>>, log: FastifyBaseLogger, what: string): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetchPage(token);
    items.push(...page.data);
    if (!page.has_more || !page.next_token) return items;
    token = page.next_token;
  }
  log.warn({ what, items: items.length }, 'legacy list truncated at the page cap');
  return items;
}

const tooLarge = () => new GatewayError('payload_too_large', 'The file is larger than 32 MB.', { status: 413 });
const V1_TYPES: ReadonlySet<string> = new Set(V1_ASSET_TYPES);

export const legacyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, router, store, config } = app.gateway;
  const callbacks = { allowPrivateCallbacks: config.webhooks.allow_private_targets };

  // v1 upload takes the file itself as the body: hand the handler the stream, unread.
  app.addContentTypeParser([...V1_ASSET_TYPES], (_request, payload, done) => done(null, detached(payload)));

  /** Checks, routes and streams one raw-body upload; routing comes first so a refusal costs no upload. */
  async function uploadV1(body: unknown, headers: IncomingHttpHeaders, client: ClientConfig, pin: string | undefined) {
    const declared = headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!V1_TYPES.has(declared) || !isStream(body)) {
      throw new GatewayError('unsupported_media_type', `Send the file itself as the body with Content-Type ${V1_ASSET_TYPES.join(', ')}.`, {
        status: 415,
      });
    }
    const length = Number(headers['content-length']);
    if (Number.isFinite(length) && length > MAX_ASSET_BYTES) throw tooLarge();
    const adapter = router.pick({ client, op: 'asset.upload', pin });

    const { head, stream } = await peekAndLimit(body, { peekBytes: SNIFF_BYTES, maxBytes: MAX_ASSET_BYTES }).catch((err: unknown) => {
      throw err instanceof PayloadTooLargeError ? tooLarge() : err;
    });
    const sniffed = head.length > 0 ? sniffMime(head) : null;
    if (!sniffed || !V1_TYPES.has(sniffed.mime) || sniffed.mime !== declared) {
      stream.destroy();
      throw new GatewayError('invalid_parameter', uploadRefusal(head.length, sniffed, declared));
    }
    try {
      const asset = await adapter.uploadAsset({ stream, filename: `upload.${sniffed.ext}`, mimeType: sniffed.mime });
      if (stream.errored instanceof PayloadTooLargeError) throw tooLarge();
      return { asset, adapter, kind: sniffed.kind };
    } catch (err) {
      // An over-cap file aborts the upstream request mid-way; that is the client's 413, not a 502.
      if (stream.errored instanceof PayloadTooLargeError) throw tooLarge();
      throw err;
    }
  }

  app.post(
    '/v2/video/generate',
    {
      ...idempotent(),
      config: v2,
      schema: {
        operationId: 'createAvatarVideoV2',
        summary: 'Create an avatar video (legacy v2)',
        description:
          'The legacy v2 body, routed like POST /v3/videos. Accounts that speak v2 get the body as sent; any other account ' +
          'gets its first scene as v3 fields and refuses (no_eligible_account / provider_capability_unsupported) whatever ' +
          'v3 cannot render: several scenes, circle/closeUp styles, scale, offset, emotion, silence, video backgrounds, captions.',
        tags,
        body: V2GenerateBody,
        response: { 200: V2GenerateAnswer, ...v2ErrorResponses },
      },
    },
    async (request, reply) => {
      validateV2Generate(request.body, callbacks);
      const served = await jobs.createVideo(clientOf(request), v2GenerateToVideoRequest(request.body), pinOf(request), (a) => servedBy(reply, a));
      servedBy(reply, served.adapter);
      return v2Ok({ video_id: served.value.video_id });
    },
  );

  app.get(
    '/v1/video_status.get',
    {
      config: v1,
      schema: {
        operationId: 'getVideoStatusV1',
        summary: 'Video status (legacy v1)',
        description: 'Status words pending | processing | completed | failed; a failure carries error{code,message,detail}.',
        tags,
        querystring: V1VideoStatusQuery,
        response: { 200: V1VideoStatusAnswer, ...v1ErrorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      router.checkPin(client, pinOf(request));
      const served = await jobs.getVideo(client, request.query.video_id);
      // callback_id is the gateway's record, not part of the v3 detail
      const job = await store.getJob(served.value.id);
      servedBy(reply, served.adapter);
      return v1Ok(v1StatusData(served.value, job?.callbackId ?? null));
    },
  );

  app.post(
    '/v2/video_translate',
    {
      ...idempotent(),
      config: v2,
      schema: {
        operationId: 'createVideoTranslate',
        summary: 'Translate a video (legacy v2)',
        tags,
        body: V2TranslateBody,
        response: { 200: V2TranslateCreateAnswer, ...v2ErrorResponses },
      },
    },
    async (request, reply) => {
      validateV2Translate(request.body, callbacks);
      const served = await jobs.createTranslation(clientOf(request), v2TranslateToV3(request.body), pinOf(request), (a) => servedBy(reply, a));
      servedBy(reply, served.adapter);
      return v2Ok({ video_translate_id: served.value.video_translation_ids[0]! });
    },
  );

  app.get(
    '/v2/video_translate/target_languages',
    {
      config: v2,
      schema: {
        operationId: 'listVideoTranslateLanguages',
        summary: 'Translation target languages (legacy v2)',
        tags,
        response: { 200: V2LanguagesAnswer, ...v2ErrorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'translation.languages', pin: pinOf(request) });
      const languages = await adapter.listTranslationLanguages();
      servedBy(reply, adapter);
      return v2Ok({ languages });
    },
  );

  app.get(
    '/v2/video_translate/:video_translate_id',
    {
      config: v2,
      schema: {
        operationId: 'getVideoTranslateV2',
        summary: 'Video translation status (legacy v2)',
        description: 'Status words pending | running | success | failed; `url` is the translated video, `message` the failure.',
        tags,
        params: V2TranslateIdParams,
        response: { 200: V2TranslateAnswer, ...v2ErrorResponses },
      },
    },
    async (request, reply) => {
      router.checkPin(clientOf(request), pinOf(request));
      const served = await jobs.getTranslation(clientOf(request), request.params.video_translate_id);
      servedBy(reply, served.adapter);
      return v2Ok(v2TranslateData(served.value));
    },
  );

  app.get(
    '/v2/avatars',
    {
      config: v2,
      schema: {
        operationId: 'listAvatarsV2',
        summary: 'Avatars and talking photos (legacy v2)',
        description: "The serving account's looks: photo-avatar looks as talking_photos, every other look as an avatar.",
        tags,
        response: { 200: V2AvatarsAnswer, ...v2ErrorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'avatar.looks.list', pin: pinOf(request) });
      const looks = await gather((token) => adapter.listAvatarLooks({ limit: LOOK_PAGE, ...(token ? { token } : {}) }), request.log, 'looks');
      servedBy(reply, adapter);
      return v2Ok(v2AvatarsData(looks));
    },
  );

  app.get(
    '/v2/voices',
    {
      config: v2,
      schema: {
        operationId: 'listVoicesV2',
        summary: 'Voices (legacy v2)',
        description: "The serving account's public voices, then its own.",
        tags,
        response: { 200: V2VoicesAnswer, ...v2ErrorResponses },
      },
    },
    async (request, reply) => {
      const adapter = router.pick({ client: clientOf(request), op: 'voice.list', pin: pinOf(request) });
      const voices: VoiceItem[] = [];
      for (const type of ['public', 'private'] as const) {
        const page = (token: string | undefined) => adapter.listVoices({ type, limit: VOICE_PAGE, ...(token ? { token } : {}) });
        voices.push(...(await gather(page, request.log, `${type} voices`)));
      }
      servedBy(reply, adapter);
      return v2Ok({ voices: voices.map(v2Voice) });
    },
  );

  app.post(
    '/v1/asset',
    {
      config: v1,
      schema: {
        operationId: 'uploadAssetV1',
        summary: 'Upload an asset (legacy v1)',
        description:
          'The raw file as the body with its Content-Type (image/png, image/jpeg, video/mp4, video/webm, audio/mpeg; ' +
          'at most 32 MB). The type is checked against the file bytes; the file is streamed to the upstream.',
        tags,
        consumes: [...V1_ASSET_TYPES],
        body: V1AssetBody,
        response: { 200: V1AssetAnswer, ...v1ErrorResponses },
      },
      // The body is a stream read below, not a parsed value: the schema is for the OpenAPI document.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      try {
        const client = clientOf(request);
        const { asset, adapter, kind } = await uploadV1(request.body, request.headers, client, pinOf(request));
        // The asset exists on this account only: later requests naming it go there.
        await store.putAffinity('asset', asset.asset_id, adapter.accountId, client.id);
        servedBy(reply, adapter);
        return v1Ok(v1AssetData(asset, kind));
      } catch (err) {
        // The body is the socket's own stream: one left unread cannot stay on a kept-alive
        // connection, so the connection closes once the error is sent.
        if (!request.raw.complete) reply.header('Connection', 'close');
        throw err;
      }
    },
  );
};

/**
 * The request body behind a stream of its own. The upload path destroys its source when it gives
 * up (a file over the cap, a wrong type); destroying the request itself would kill the socket
 * before the client hears why.
 */
function detached(raw: IncomingMessage): Readable {
  const body = new PassThrough();
  raw.pipe(body);
  raw.once('error', (err) => body.destroy(err));
  raw.once('close', () => {
    if (!raw.complete) body.destroy(new Error('The client closed the connection during the upload.'));
  });
  return body;
}

function uploadRefusal(bytes: number, sniffed: Sniffed | null, declared: string): string {
  if (bytes === 0) return 'The uploaded file is empty.';
  if (!sniffed || !V1_TYPES.has(sniffed.mime)) return 'Unsupported file type. Supported: png, jpeg, mp4, webm, mp3 (detected from the file bytes).';
  return `Content-Type is ${declared}, but the file is ${sniffed.mime}.`;
}

const isStream = (v: unknown): v is Readable =>
  typeof v === 'object' && v !== null && typeof (v as { pipe?: unknown }).pipe === 'function' && typeof (v as { on?: unknown }).on === 'function';
