import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import {
  EndpointIdParams,
  RotateSecretResponse,
  WebhookEndpointCreate,
  WebhookEndpointDeleteResponse,
  WebhookEndpointListQuery,
  WebhookEndpointListResponse,
  WebhookEndpointResponse,
  WebhookEndpointUpdate,
  WebhookEventListQuery,
  WebhookEventListResponse,
  WebhookEventTypeListResponse,
  type WebhookEndpoint as EndpointView,
  type WebhookEventItem,
} from '../schemas/webhooks.js';
import { clientOf } from '../context.js';
import { GatewayError, invalidParameter } from '../../core/errors.js';
import { decodeCursor, encodeCursor, type Cursor } from '../../core/ids.js';
import { checkCallbackUrl } from '../../core/ssrf.js';
import { EMITTED_EVENT_TYPES, EVENT_CATALOG } from '../../core/webhooks/events.js';
import type { ClientConfig } from '../../config/schema.js';
import type { Store, WebhookEndpoint, WebhookEvent } from '../../store/types.js';

const tags = ['Webhooks'];

export interface WebhookRouteOptions {
  now?: () => number;
}

/** Endpoint ids and signing secrets: 96 and 192 random bits, URL-safe. */
const newEndpointId = (): string => 'ep_' + randomBytes(12).toString('base64url');
const newSecret = (): string => 'whsec_' + randomBytes(24).toString('base64url');

/** ISO 8601 to the second, as the documents write it ("2026-03-25T12:00:00Z"). */
export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The API view; the stored secret is shown only when `secret` is passed (create, rotate). */
function view(ep: WebhookEndpoint, secret: string | null = null): EndpointView {
  return {
    endpoint_id: ep.id,
    url: ep.url,
    // Stored as [] for "all"; the API says null.
    events: ep.events.length === 0 ? null : ep.events,
    status: ep.status,
    created_at: isoSeconds(ep.createdAt),
    secret,
  };
}

/** The subscription to store: null/absent = all (stored as []); an explicit empty list subscribes to nothing, which is refused. */
function subscription(events: string[] | null | undefined): string[] {
  if (events === null || events === undefined) return [];
  if (events.length === 0) {
    throw invalidParameter('events', "'events' must name at least one event type, or be null to receive all events.");
  }
  return [...new Set(events)];
}

function pageToken(token: string | undefined): Cursor | undefined {
  if (token === undefined) return undefined;
  const c = decodeCursor(token);
  if (!c) throw invalidParameter('token', "'token' is not a valid pagination token.");
  return c;
}

const NOT_FOUND = (): GatewayError => new GatewayError('webhook_not_found', 'Webhook endpoint not found.');

/** The endpoint if it is this client's; another client's is indistinguishable from a missing one. */
async function owned(store: Store, client: ClientConfig, id: string): Promise<WebhookEndpoint> {
  const ep = await store.getEndpoint(id);
  if (!ep || ep.clientId !== client.id) throw NOT_FOUND();
  return ep;
}

/** Rows scanned per filtered events request before answering with a continuation token. */
const MAX_EVENT_SCAN = 5000;
const SCAN_BATCH = 200;

function eventItem(e: WebhookEvent): WebhookEventItem {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(e.body) as { event_data?: unknown };
    if (parsed.event_data && typeof parsed.event_data === 'object') data = parsed.event_data as Record<string, unknown>;
  } catch {
    // The body is the gateway's own serialization; an unreadable one still lists, with empty data.
  }
  return { event_id: e.id, event_type: e.eventType, event_data: data, created_at: isoSeconds(e.createdAt) };
}

/**
 * A page of the client's events, newest first, filtered by type and entity (the job id). The store
 * pages by position only, so a filtered page is gathered over several store pages; a bounded scan
 * that finds too little answers with a token that resumes where it stopped.
 */
async function eventPage(
  store: Store,
  clientId: string,
  q: { limit?: number | undefined; token?: string | undefined; event_type?: string | undefined; entity_id?: string | undefined },
) {
  const limit = q.limit ?? 10;
  const filtered = q.event_type !== undefined || q.entity_id !== undefined;
  const matches = (e: WebhookEvent): boolean =>
    (q.event_type === undefined || e.eventType === q.event_type) && (q.entity_id === undefined || e.jobId === q.entity_id);
  const batch = filtered ? SCAN_BATCH : limit + 1;

  const found: WebhookEvent[] = [];
  let cursor = pageToken(q.token);
  let more = false;
  let resume: Cursor | undefined;
  let scanned = 0;
  scan: for (;;) {
    const rows = await store.listEvents(clientId, batch, cursor);
    for (const row of rows) {
      if (!matches(row)) continue;
      if (found.length === limit) {
        more = true;
        break scan;
      }
      found.push(row);
    }
    const last = rows[rows.length - 1];
    if (rows.length < batch || !last) break;
    cursor = { createdAt: last.createdAt, id: last.id };
    scanned += rows.length;
    if (scanned >= MAX_EVENT_SCAN) {
      more = true;
      resume = cursor;
      break;
    }
  }
  const lastFound = found[found.length - 1];
  resume ??= lastFound ? { createdAt: lastFound.createdAt, id: lastFound.id } : undefined;
  return { data: found.map(eventItem), has_more: more, next_token: more && resume ? encodeCursor(resume) : null };
}

export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRouteOptions> = async (app, opts) => {
  const { store, config } = app.gateway;
  const now = opts.now ?? Date.now;
  const allowPrivate = config.webhooks.allow_private_targets;
  const emitted = new Set<string>(EMITTED_EVENT_TYPES);

  app.get(
    '/v3/webhooks/event-types',
    {
      schema: {
        operationId: 'listWebhookEventTypes',
        summary: 'List webhook event types',
        description: 'Every event type HeyGen documents; `emitted_by_gateway` marks the ones this gateway sends (videos and translations).',
        tags,
        response: { 200: WebhookEventTypeListResponse, ...errorResponses },
      },
    },
    async () => ({
      data: EVENT_CATALOG.map((e) => ({ ...e, emitted_by_gateway: emitted.has(e.event_type) })),
      has_more: false,
      next_token: null,
    }),
  );

  app.post(
    '/v3/webhooks/endpoints',
    {
      schema: {
        operationId: 'createWebhookEndpoint',
        summary: 'Create a webhook endpoint',
        description: 'Registers a URL for event notifications. The signing secret is returned only here (and by rotate-secret).',
        tags,
        body: WebhookEndpointCreate,
        response: { 200: WebhookEndpointResponse, ...errorResponses },
      },
    },
    async (request) => {
      const client = clientOf(request);
      const body = request.body;
      checkCallbackUrl(body.url, allowPrivate, 'url');
      if (body.entity_id !== undefined && body.entity_id !== null) {
        // Scoping to a resource (personalized video projects) has nothing to scope to here; never silently dropped.
        throw invalidParameter('entity_id', "'entity_id' is not supported by this gateway; omit it or send null.");
      }
      const at = now();
      const ep: WebhookEndpoint = {
        id: newEndpointId(),
        clientId: client.id,
        url: body.url,
        events: subscription(body.events),
        secret: newSecret(),
        status: 'enabled',
        description: null,
        createdAt: at,
        updatedAt: at,
      };
      await store.createEndpoint(ep);
      request.log.info({ endpoint: ep.id, target: new URL(ep.url).origin }, 'webhook endpoint created');
      return { data: view(ep, ep.secret) };
    },
  );

  app.get(
    '/v3/webhooks/endpoints',
    {
      schema: {
        operationId: 'listWebhookEndpoints',
        summary: 'List webhook endpoints',
        description: "The client's endpoints, newest first. `secret` is always null here.",
        tags,
        querystring: WebhookEndpointListQuery,
        response: { 200: WebhookEndpointListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const client = clientOf(request);
      const limit = request.query.limit ?? 10;
      const after = pageToken(request.query.token);
      const rows = await store.listEndpoints(client.id, limit + 1, after);
      const data = rows.slice(0, limit);
      const last = data[data.length - 1];
      const has_more = rows.length > limit;
      return {
        data: data.map((ep) => view(ep)),
        has_more,
        next_token: has_more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      };
    },
  );

  app.patch(
    '/v3/webhooks/endpoints/:endpoint_id',
    {
      schema: {
        operationId: 'updateWebhookEndpoint',
        summary: 'Update a webhook endpoint',
        description: 'Changes the URL and/or the subscribed event types (the list is replaced). Deliveries still owed go to the new URL.',
        tags,
        params: EndpointIdParams,
        body: WebhookEndpointUpdate,
        response: { 200: WebhookEndpointResponse, ...errorResponses },
      },
    },
    async (request) => {
      const client = clientOf(request);
      const { url, events } = request.body;
      await owned(store, client, request.params.endpoint_id);
      if ((url === undefined || url === null) && (events === undefined || events === null)) {
        throw new GatewayError('invalid_parameter', "At least one of 'url' or 'events' must be provided.");
      }
      const patch: { url?: string; events?: string[] } = {};
      if (url !== undefined && url !== null) {
        checkCallbackUrl(url, allowPrivate, 'url');
        patch.url = url;
      }
      if (events !== undefined && events !== null) patch.events = subscription(events);
      const updated = await store.updateEndpoint(request.params.endpoint_id, patch, now());
      if (!updated) throw NOT_FOUND(); // deleted meanwhile
      return { data: view(updated) };
    },
  );

  app.delete(
    '/v3/webhooks/endpoints/:endpoint_id',
    {
      schema: {
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint',
        description: 'Permanently removes the endpoint; events still owed to it are not delivered.',
        tags,
        params: EndpointIdParams,
        response: { 200: WebhookEndpointDeleteResponse, ...errorResponses },
      },
    },
    async (request) => {
      const client = clientOf(request);
      await owned(store, client, request.params.endpoint_id);
      if (!(await store.deleteEndpoint(request.params.endpoint_id))) throw NOT_FOUND();
      return { data: {} };
    },
  );

  app.post(
    '/v3/webhooks/endpoints/:endpoint_id/rotate-secret',
    {
      schema: {
        operationId: 'rotateWebhookEndpointSecret',
        summary: 'Rotate a webhook signing secret',
        description: 'Issues a new signing secret; the old one stops signing at once, including retries of events already owed.',
        tags,
        params: EndpointIdParams,
        response: { 200: RotateSecretResponse, ...errorResponses },
      },
    },
    async (request) => {
      const client = clientOf(request);
      await owned(store, client, request.params.endpoint_id);
      const secret = newSecret();
      const updated = await store.updateEndpoint(request.params.endpoint_id, { secret }, now());
      if (!updated) throw NOT_FOUND();
      request.log.info({ endpoint: updated.id }, 'webhook secret rotated');
      return { data: { endpoint_id: updated.id, secret } };
    },
  );

  app.get(
    '/v3/webhooks/events',
    {
      schema: {
        operationId: 'listWebhookEvents',
        summary: 'List webhook events',
        description: "The client's events, newest first; `entity_id` is a video or translation id.",
        tags,
        querystring: WebhookEventListQuery,
        response: { 200: WebhookEventListResponse, ...errorResponses },
      },
    },
    async (request) => eventPage(store, clientOf(request).id, request.query),
  );
};
