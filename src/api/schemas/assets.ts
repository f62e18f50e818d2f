import { Type, type Static } from '@sinclair/typebox';
import { single } from './common.js';

export const AssetUploaded = Type.Object(
  {
    asset_id: Type.String(),
    url: Type.String(),
    mime_type: Type.String(),
    size_bytes: Type.Integer(),
  },
  { title: 'UploadAssetV3Response' },
);
export type AssetUploaded = Static<typeof AssetUploaded>;
export const AssetUploadResponse = single(AssetUploaded);

/** For the OpenAPI document only: the body is parsed by @fastify/multipart, not by AJV. */
export const AssetUploadBody = Type.Object(
  { file: Type.String({ format: 'binary' }) },
  { required: ['file'] },
);
