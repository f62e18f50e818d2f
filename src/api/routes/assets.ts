import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import { AssetUploadBody, AssetUploadResponse } from '../schemas/assets.js';
import { GatewayError, invalidParameter } from '../../core/errors.js';
import { SNIFF_BYTES, sniffMime } from '../../core/magic.js';
import { PayloadTooLargeError, peekAndLimit } from '../../core/stream-limit.js';
import { clientOf, pinOf, servedBy } from '../context.js';

/** HeyGen's documented cap for POST /v3/assets. */
export const MAX_ASSET_BYTES = 32 * 1024 * 1024;
/** Room for the multipart envelope around the file when judging Content-Length up front. */
const MULTIPART_OVERHEAD = 64 * 1024;

const tooLarge = () =>
  new GatewayError('payload_too_large', 'The file is larger than 32 MB. Use the direct upload flow for larger files.', {
    status: 413,
    param: 'file',
  });

export const assetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { router, store } = app.gateway;

  // Any body that is not multipart (JSON, `curl -d` form-urlencoded, raw bytes) is a missing file,
  // the 400 HeyGen answers, not a 415 or a JSON error. Scoped to this plugin; Node discards the
  // unread body after the answer.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.post(
    '/v3/assets',
    {
      schema: {
        operationId: 'uploadAsset',
        summary: 'Upload an asset',
        description: 'multipart/form-data with one `file` (png, jpeg, mp4, webm, mp3, wav, pdf; at most 32 MB). Streamed to the upstream.',
        tags: ['Assets'],
        consumes: ['multipart/form-data'],
        body: AssetUploadBody,
        response: { 200: AssetUploadResponse, 413: errorResponses[400], ...errorResponses },
      },
      // The body is a stream read below, not a parsed object: the schema is for the OpenAPI document.
      validatorCompiler: () => () => true,
      // A refused upload leaves the socket's body unread: that connection cannot be kept alive
      // (and would hold up a graceful shutdown until its keep-alive ran out), so it closes.
      onError: async (request, reply) => {
        if (!request.raw.complete) reply.header('Connection', 'close');
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      if (!request.isMultipart()) {
        throw invalidParameter('file', 'File is required. Upload a file using multipart/form-data.');
      }
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > MAX_ASSET_BYTES + MULTIPART_OVERHEAD) throw tooLarge();

      // Routing is decided before reading the file so a refusal costs the client no upload.
      const adapter = router.pick({ client, op: 'asset.upload', pin: pinOf(request) });

      const part = await request.file({ limits: { fileSize: MAX_ASSET_BYTES + 1, files: 1 } });
      if (!part || part.fieldname !== 'file') {
        throw invalidParameter('file', 'File is required. Upload a file using multipart/form-data in the `file` field.');
      }
      const { head, stream } = await peekAndLimit(part.file, { peekBytes: SNIFF_BYTES, maxBytes: MAX_ASSET_BYTES }).catch(
        (err: unknown) => {
          throw err instanceof PayloadTooLargeError ? tooLarge() : err;
        },
      );
      if (head.length === 0) {
        stream.destroy();
        throw invalidParameter('file', 'The uploaded file is empty.');
      }
      const sniffed = sniffMime(head);
      if (!sniffed) {
        stream.destroy();
        throw invalidParameter('file', 'Unsupported file type. Supported: png, jpeg, mp4, webm, mp3, wav, pdf (detected from the file bytes).');
      }
      // Set before the call so an upstream refusal also names the account that refused it.
      servedBy(reply, adapter);
      let uploaded;
      try {
        uploaded = await adapter.uploadAsset({ stream, filename: part.filename || `upload.${sniffed.ext}`, mimeType: sniffed.mime });
      } catch (err) {
        // An over-cap file aborts the upstream request mid-way; that is the client's 413, not a 502.
        if (stream.errored instanceof PayloadTooLargeError || part.file.truncated) throw tooLarge();
        throw err;
      }
      if (stream.errored instanceof PayloadTooLargeError || part.file.truncated) throw tooLarge();
      await store.putAffinity('asset', uploaded.asset_id, adapter.accountId, client.id);
      return { data: uploaded };
    },
  );
};
