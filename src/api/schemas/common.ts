import { Type, type Static, type TSchema, type TObject, type TProperties, type TUnion, type SchemaOptions } from '@sinclair/typebox';

/** A string restricted to a fixed set of values: one `enum` (clear OpenAPI, one clear error). */
export const StringEnum = <const T extends readonly string[]>(values: T, options: SchemaOptions = {}) =>
  Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });

/** OpenAPI 3.1 "T or null" as HeyGen's description writes it (anyOf [T, null]). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Optional, nullable, defaulting to null: the shape of most optional v3 fields. */
export const Opt = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

export const ErrorBody = Type.Object(
  {
    code: Type.String({ examples: ['invalid_parameter'] }),
    message: Type.String(),
    param: Type.Optional(Nullable(Type.String())),
    doc_url: Type.Optional(Nullable(Type.String())),
  },
);

export const ErrorEnvelope = Type.Object({ error: ErrorBody }, { $id: 'ErrorEnvelope' });

/** Documented error answers shared by every route (the route adds its own 404 where it has one). */
export const errorResponses = {
  400: Type.Ref('ErrorEnvelope'),
  401: Type.Ref('ErrorEnvelope'),
  402: Type.Ref('ErrorEnvelope'),
  403: Type.Ref('ErrorEnvelope'),
  404: Type.Ref('ErrorEnvelope'),
  409: Type.Ref('ErrorEnvelope'),
  429: Type.Ref('ErrorEnvelope'),
  500: Type.Ref('ErrorEnvelope'),
  502: Type.Ref('ErrorEnvelope'),
  503: Type.Ref('ErrorEnvelope'),
  504: Type.Ref('ErrorEnvelope'),
};

export const AssetUrl = Type.Object(
  { type: Type.Literal('url'), url: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);
export const AssetId = Type.Object(
  { type: Type.Literal('asset_id'), asset_id: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const AssetBase64 = Type.Object(
  {
    type: Type.Literal('base64'),
    media_type: Type.String({ minLength: 1, maxLength: 128 }),
    data: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

/**
 * A union told apart by its `type` field, as HeyGen's description writes it (oneOf + discriminator).
 * AJV's discriminator support then reports errors for the one branch that `type` selects.
 */
export const Tagged = <T extends TObject[]>(schemas: [...T], options: SchemaOptions = {}) =>
  Type.Unsafe<Static<TUnion<T>>>({ ...options, type: 'object', oneOf: schemas, discriminator: { propertyName: 'type' } });

/** url | asset_id | base64 file reference (images, avatar training files). */
export const FileInput = Tagged([AssetUrl, AssetId, AssetBase64]);
/** url | asset_id reference (translation sources). */
export const UrlOrAsset = Tagged([AssetUrl, AssetId]);

/** Cursor pagination query used by every v3 list, with the documented default and maximum. */
export const pageQuery = <P extends TProperties>(defaultLimit: number, maxLimit: number, extra: P) =>
  Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
      token: Type.Optional(Type.String({ maxLength: 1024 })),
      ...extra,
    },
    { additionalProperties: false },
  );

export const page = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    has_more: Type.Boolean(),
    next_token: Nullable(Type.String()),
  });

export const single = <T extends TSchema>(item: T) => Type.Object({ data: item });

export type Obj = TObject;
