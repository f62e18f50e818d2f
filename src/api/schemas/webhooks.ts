/**
 * /v3/webhooks/* as HeyGen's OpenAPI description writes them (WebhookEndpointResponse,
 * CreateWebhookEndpointRequest, UpdateWebhookEndpointRequest, RotateSecretResponseData,
 * WebhookEventResponse, WebhookEventTypeItem), with the documents' newer shapes where they differ
 * (DELETE answers `{"data":{}}`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum, page, pageQuery, single } from './common.js';
import { EVENT_TYPES } from '../../core/webhooks/events.js';

export const WebhookEventType = StringEnum(EVENT_TYPES, { title: 'WebhookEventType' });

export const WebhookEndpoint = Type.Object(
  {
    endpoint_id: Type.String({ description: 'Unique identifier for this webhook endpoint.', examples: ['ep_abc123def456'] }),
    url: Type.String({ description: 'The URL that receives webhook POST requests.' }),
    /** Null means all events. */
    events: Type.Optional(Nullable(Type.Array(Type.String()))),
    status: Type.String({ description: "Endpoint status: 'enabled' or 'disabled'.", examples: ['enabled'] }),
    created_at: Type.String({ description: 'ISO 8601 timestamp when the endpoint was created.', examples: ['2024-04-01T12:00:00Z'] }),
    secret: Type.Optional(Nullable(Type.String({ description: 'Only returned on create and rotate-secret.' }))),
  },
  { title: 'WebhookEndpointResponse', description: 'A registered webhook endpoint.' },
);
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

export const WebhookEndpointCreate = Type.Object(
  {
    url: Type.String({ maxLength: 2048, description: 'Publicly accessible HTTPS URL that will receive webhook POST requests.' }),
    events: Type.Optional(
      Nullable(Type.Array(WebhookEventType, { maxItems: 64, description: 'Event types to subscribe to. Omit or set to null to receive all events.' })),
    ),
    entity_id: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  },
  { additionalProperties: false, title: 'CreateWebhookEndpointRequest' },
);
export type WebhookEndpointCreate = Static<typeof WebhookEndpointCreate>;

export const WebhookEndpointUpdate = Type.Object(
  {
    url: Type.Optional(Nullable(Type.String({ maxLength: 2048, description: 'New URL for the endpoint.' }))),
    events: Type.Optional(
      Nullable(Type.Array(WebhookEventType, { maxItems: 64, description: 'New list of event types to subscribe to. Replaces the existing list.' })),
    ),
  },
  { additionalProperties: false, title: 'UpdateWebhookEndpointRequest' },
);
export type WebhookEndpointUpdate = Static<typeof WebhookEndpointUpdate>;

export const EndpointIdParams = Type.Object({ endpoint_id: Type.String({ minLength: 1, maxLength: 128, description: 'Webhook endpoint ID' }) });

export const WebhookEndpointResponse = single(WebhookEndpoint);
export const WebhookEndpointListQuery = pageQuery(10, 100, {});
export type WebhookEndpointListQuery = Static<typeof WebhookEndpointListQuery>;
export const WebhookEndpointListResponse = page(WebhookEndpoint);
export const WebhookEndpointDeleteResponse = single(Type.Object({}));

export const RotateSecretResponse = single(
  Type.Object(
    {
      endpoint_id: Type.String({ description: 'The endpoint whose secret was rotated.' }),
      secret: Type.String({ description: 'The new signing secret. Store it securely; it will not be shown again.' }),
    },
    { title: 'RotateSecretResponseData' },
  ),
);

export const WebhookEventTypeItem = Type.Object(
  {
    event_type: Type.String({ examples: ['avatar_video.success'] }),
    description: Type.String(),
    /** Gateway addition: whether this gateway ever sends the event (it runs videos and translations only). */
    emitted_by_gateway: Type.Boolean({ description: 'Gateway extension: true for the event types this gateway emits.' }),
  },
  { title: 'WebhookEventTypeItem' },
);
export const WebhookEventTypeListResponse = page(WebhookEventTypeItem);

export const WebhookEventItem = Type.Object(
  {
    event_id: Type.String({ examples: ['evt_abc123def456'] }),
    event_type: Type.String({ examples: ['avatar_video.success'] }),
    event_data: Type.Object({}, { additionalProperties: true, description: 'The event payload data.' }),
    created_at: Type.String({ description: 'ISO 8601 timestamp when the event was created.' }),
  },
  { title: 'WebhookEventResponse' },
);
export type WebhookEventItem = Static<typeof WebhookEventItem>;
export const WebhookEventListQuery = pageQuery(10, 100, {
  event_type: Type.Optional(WebhookEventType),
  entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});
export type WebhookEventListQuery = Static<typeof WebhookEventListQuery>;
export const WebhookEventListResponse = page(WebhookEventItem);
