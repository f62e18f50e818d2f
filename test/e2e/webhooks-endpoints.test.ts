/**
 * /v3/webhooks/* end to end over loopback: the real gateway (harness), HTTP in and out. Request
 * bodies are the documents' own examples ("Webhooks" and "Webhook Events" in 002_0ef26fb39557cb97.txt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDeliveries } from '../../src/core/webhooks/events.js';
import type { JobRecord } from '../../src/store/types.js';
import { KEYS, leaksIn, startHarness, type Harness } from '../helpers/gateway.js';

/** "Create an Endpoint", verbatim. */
const CREATE_EXAMPLE = { url: 'https://yourapp.com/webhooks/heygen', events: ['avatar_video.success', 'avatar_video.fail'] };
/** "Update an Endpoint", verbatim. */
const UPDATE_EXAMPLE = {
  url: 'https://yourapp.com/webhooks/heygen-v2',
  events: ['avatar_video.success', 'avatar_video.fail', 'video_agent.success'],
};

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NOT_FOUND = { error: { code: 'webhook_not_found', message: 'Webhook endpoint not found.', param: null, doc_url: null } };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function create(body: unknown = CREATE_EXAMPLE, key: string = KEYS.acme) {
  const res = await h.call('POST', '/v3/webhooks/endpoints', { key, body });
  expect(res.status).toBe(200);
  return res.json.data as { endpoint_id: string; secret: string; url: string; events: string[] | null; created_at: string };
}

describe('POST /v3/webhooks/endpoints', () => {
  it('registers the documented example and shows the signing secret once', async () => {
    const res = await h.call('POST', '/v3/webhooks/endpoints', { body: CREATE_EXAMPLE });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({
      data: {
        endpoint_id: expect.stringMatching(/^ep_[A-Za-z0-9_-]{16}$/),
        url: 'https://yourapp.com/webhooks/heygen',
        events: ['avatar_video.success', 'avatar_video.fail'],
        status: 'enabled',
        created_at: expect.stringMatching(ISO_SECONDS),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/),
      },
    });
    const { endpoint_id, secret } = res.json.data as { endpoint_id: string; secret: string };
    // The stored secret is the one shown, and it is never shown again.
    expect((await h.app.gateway.store.getEndpoint(endpoint_id))?.secret).toBe(secret);
    const list = await h.call('GET', '/v3/webhooks/endpoints?limit=100');
    expect(list.text).not.toContain(secret);
    expect(list.json.data.find((e: { endpoint_id: string }) => e.endpoint_id === endpoint_id)).toMatchObject({ secret: null });
  });

  it('omitted or null events subscribe to every event (events: null)', async () => {
    const all = await create({ url: 'https://yourapp.com/webhooks/heygen' });
    expect(all.events).toBeNull();
    expect((await create({ url: 'https://yourapp.com/all', events: null })).events).toBeNull();
    expect((await h.app.gateway.store.getEndpoint(all.endpoint_id))?.events).toEqual([]);
  });

  it('gives every endpoint its own id and secret', async () => {
    const a = await create();
    const b = await create();
    expect(a.endpoint_id).not.toBe(b.endpoint_id);
    expect(a.secret).not.toBe(b.secret);
  });

  it.each([
    ['no url', { events: ['avatar_video.success'] }, 'url'],
    ['a relative url', { url: '/webhooks/heygen' }, 'url'],
    ['an ftp url', { url: 'ftp://yourapp.com/hook' }, 'url'],
    ['a url with credentials', { url: 'https://user:pw@yourapp.com/hook' }, 'url'],
    ['a loopback url', { url: 'http://127.0.0.1:9000/hook' }, 'url'],
    ['localhost', { url: 'http://localhost/hook' }, 'url'],
    ['a private address', { url: 'https://10.0.0.8/hook' }, 'url'],
    ['link-local metadata', { url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
    ['an undocumented event type', { url: 'https://yourapp.com/h', events: ['video.completed'] }, 'events[0]'],
    ['an empty event list', { url: 'https://yourapp.com/h', events: [] }, 'events'],
    ['entity_id (nothing here to scope to)', { url: 'https://yourapp.com/h', entity_id: 'proj_1' }, 'entity_id'],
    ['an unknown field', { url: 'https://yourapp.com/h', secret: 'mine' }, 'secret'],
  ])('refuses %s with 400 invalid_parameter naming the field', async (_name, body, param) => {
    const before = (await h.app.gateway.store.listEndpoints('acme', 100)).length;
    const res = await h.call('POST', '/v3/webhooks/endpoints', { body });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'invalid_parameter', param });
    expect((await h.app.gateway.store.listEndpoints('acme', 100)).length).toBe(before);
  });

  it('needs a client key', async () => {
    const res = await h.call('POST', '/v3/webhooks/endpoints', { key: null, body: CREATE_EXAMPLE });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
  });
});

describe('GET /v3/webhooks/endpoints', () => {
  it("pages through the client's own endpoints, newest first, with secret null", async () => {
    const key = KEYS.globex;
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await create({ url: `https://globex.example/hook/${i}` }, key));
      await new Promise((r) => setTimeout(r, 2)); // distinct creation times, so "newest first" is observable
    }
    const seen: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 5; page++) {
      const q: string = token ? `?limit=2&token=${encodeURIComponent(token)}` : '?limit=2';
      const res = await h.call('GET', `/v3/webhooks/endpoints${q}`, { key });
      expect(res.status).toBe(200);
      for (const ep of res.json.data) {
        expect(ep.secret).toBeNull();
        expect(Object.keys(ep).sort()).toEqual(['created_at', 'endpoint_id', 'events', 'secret', 'status', 'url']);
        seen.push(ep.endpoint_id);
      }
      expect(res.json.data.length).toBeLessThanOrEqual(2);
      token = res.json.next_token;
      expect(res.json.has_more).toBe(token !== null);
      if (!token) break;
    }
    expect(seen).toEqual(made.map((m) => m.endpoint_id).reverse());
    for (const m of made) expect(JSON.stringify(seen)).not.toContain(m.secret);
  });

  it('does not list another client\'s endpoints', async () => {
    const mine = await create();
    const res = await h.call('GET', '/v3/webhooks/endpoints?limit=100', { key: KEYS.globex });
    expect(res.json.data.map((e: { endpoint_id: string }) => e.endpoint_id)).not.toContain(mine.endpoint_id);
  });

  it.each([['limit=0', 'limit'], ['limit=101', 'limit'], ['token=not-a-token', 'token']])('refuses %s', async (q, param) => {
    const res = await h.call('GET', `/v3/webhooks/endpoints?${q}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'invalid_parameter', param });
  });
});

describe('PATCH /v3/webhooks/endpoints/{endpoint_id}', () => {
  it('applies the documented update; the secret stays hidden and unchanged', async () => {
    const ep = await create();
    const res = await h.call('PATCH', `/v3/webhooks/endpoints/${ep.endpoint_id}`, { body: UPDATE_EXAMPLE });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: {
        endpoint_id: ep.endpoint_id,
        url: 'https://yourapp.com/webhooks/heygen-v2',
        events: ['avatar_video.success', 'avatar_video.fail', 'video_agent.success'],
        status: 'enabled',
        created_at: ep.created_at,
        secret: null,
      },
    });
    expect((await h.app.gateway.store.getEndpoint(ep.endpoint_id))?.secret).toBe(ep.secret);
  });

  it('changes only what is given', async () => {
    const ep = await create();
    const res = await h.call('PATCH', `/v3/webhooks/endpoints/${ep.endpoint_id}`, { body: { events: ['video_translate.success'] } });
    expect(res.json.data).toMatchObject({ url: CREATE_EXAMPLE.url, events: ['video_translate.success'] });
    const res2 = await h.call('PATCH', `/v3/webhooks/endpoints/${ep.endpoint_id}`, { body: { url: 'https://yourapp.com/moved', events: null } });
    expect(res2.json.data).toMatchObject({ url: 'https://yourapp.com/moved', events: ['video_translate.success'] });
  });

  it('needs url or events, and checks them as create does', async () => {
    const ep = await create();
    for (const body of [{}, { url: null, events: null }]) {
      const res = await h.call('PATCH', `/v3/webhooks/endpoints/${ep.endpoint_id}`, { body });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        error: { code: 'invalid_parameter', message: "At least one of 'url' or 'events' must be provided.", param: null, doc_url: null },
      });
    }
    const ssrf = await h.call('PATCH', `/v3/webhooks/endpoints/${ep.endpoint_id}`, { body: { url: 'http://192.168.1.10/hook' } });
    expect(ssrf.json.error).toMatchObject({ code: 'invalid_parameter', param: 'url' });
    const type = await h.call('PATCH', `/v3/webhooks/endpoints/${ep.endpoint_id}`, { body: { events: ['avatar_video.success', 'nope'] } });
    expect(type.json.error).toMatchObject({ code: 'invalid_parameter', param: 'events[1]' });
    expect((await h.app.gateway.store.getEndpoint(ep.endpoint_id))?.url).toBe(CREATE_EXAMPLE.url);
  });
});

describe('POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret', () => {
  it('returns a new secret once, and the old one is gone', async () => {
    const ep = await create();
    const res = await h.call('POST', `/v3/webhooks/endpoints/${ep.endpoint_id}/rotate-secret`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { endpoint_id: ep.endpoint_id, secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/) } });
    const secret = res.json.data.secret as string;
    expect(secret).not.toBe(ep.secret);
    expect((await h.app.gateway.store.getEndpoint(ep.endpoint_id))?.secret).toBe(secret);
    const list = await h.call('GET', '/v3/webhooks/endpoints?limit=100');
    expect(list.text).not.toContain(secret);
  });
});

describe('DELETE /v3/webhooks/endpoints/{endpoint_id}', () => {
  it('answers {"data":{}} and the endpoint is gone', async () => {
    const ep = await create();
    const res = await h.call('DELETE', `/v3/webhooks/endpoints/${ep.endpoint_id}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"data":{}}');
    expect(await h.app.gateway.store.getEndpoint(ep.endpoint_id)).toBeNull();
    const again = await h.call('DELETE', `/v3/webhooks/endpoints/${ep.endpoint_id}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual(NOT_FOUND);
    const list = await h.call('GET', '/v3/webhooks/endpoints?limit=100');
    expect(list.json.data.map((e: { endpoint_id: string }) => e.endpoint_id)).not.toContain(ep.endpoint_id);
  });
});

describe("one client cannot touch another's endpoint", () => {
  it.each([
    ['PATCH', '', { url: 'https://globex.example/stolen' }],
    ['DELETE', '', undefined],
    ['POST', '/rotate-secret', undefined],
  ])('%s ...%s is 404 webhook_not_found and changes nothing', async (method, suffix, body) => {
    const ep = await create();
    const before = await h.app.gateway.store.getEndpoint(ep.endpoint_id);
    const res = await h.call(method, `/v3/webhooks/endpoints/${ep.endpoint_id}${suffix}`, { key: KEYS.globex, ...(body ? { body } : {}) });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(NOT_FOUND);
    expect(leaksIn(res.text)).toEqual([]);
    expect(await h.app.gateway.store.getEndpoint(ep.endpoint_id)).toEqual(before);
  });

  it('an id that never existed answers the same', async () => {
    const res = await h.call('PATCH', '/v3/webhooks/endpoints/ep_abc123', { body: UPDATE_EXAMPLE });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(NOT_FOUND);
  });
});

describe('GET /v3/webhooks/event-types', () => {
  it('lists every documented event type, marking the ones the gateway emits', async () => {
    const res = await h.call('GET', '/v3/webhooks/event-types');
    expect(res.status).toBe(200);
    expect(res.json.has_more).toBe(false);
    expect(res.json.next_token).toBeNull();
    expect(res.json.data).toHaveLength(23);
    // The documents' response example, entry by entry.
    const byType = new Map(res.json.data.map((e: { event_type: string }) => [e.event_type, e]));
    expect(byType.get('avatar_video.success')).toEqual({ event_type: 'avatar_video.success', description: 'Fired when an avatar video completes successfully.', emitted_by_gateway: true });
    expect(byType.get('avatar_video.fail')).toEqual({ event_type: 'avatar_video.fail', description: 'Fired when an avatar video generation fails.', emitted_by_gateway: true });
    expect(byType.get('video_agent.success')).toEqual({ event_type: 'video_agent.success', description: 'Fired when a Video Agent session completes successfully.', emitted_by_gateway: false });
    expect(byType.get('video_agent.fail')).toEqual({ event_type: 'video_agent.fail', description: 'Fired when a Video Agent session fails.', emitted_by_gateway: false });
    const emitted = res.json.data.filter((e: { emitted_by_gateway: boolean }) => e.emitted_by_gateway).map((e: { event_type: string }) => e.event_type);
    expect(emitted.sort()).toEqual(['avatar_video.fail', 'avatar_video.success', 'video_translate.fail', 'video_translate.success']);
  });
});

describe('GET /v3/webhooks/events', () => {
  const T = Date.UTC(2026, 2, 25, 12, 5, 0);
  const job = (over: Partial<JobRecord>): JobRecord => ({
    id: 'gv_x', clientId: 'acme', accountId: 'hg', provider: 'heygen-v3', kind: 'video', upstreamId: 'u', status: 'completed',
    title: null, folderId: null, callbackUrl: null, callbackId: null, request: {}, detail: {}, upstreamPayload: null,
    createdAt: T - 1000, updatedAt: T, completedAt: T, deletedAt: null, ...over,
  });
  let ids: Record<string, string> = {};

  beforeAll(async () => {
    const emit = async (name: string, j: JobRecord, at: number) => {
      const effects = planDeliveries({ job: j, endpoints: [], now: at });
      await h.app.gateway.store.insertEvents(effects);
      ids[name] = effects.events[0]!.id;
    };
    ids = {};
    // The documents' avatar_video.success example, on a gateway id.
    await emit('success', job({
      id: 'gv_events_a', detail: {
        video_url: 'https://files.heygen.com/video/vid_xyz789.mp4', gif_url: 'https://resource.heygen.ai/video/vid_xyz789/gif.gif',
        video_page_url: 'https://app.heygen.com/videos/vid_xyz789', video_share_page_url: 'https://app.heygen.com/share/vid_xyz789',
      },
    }), T);
    await emit('fail', job({ id: 'gv_events_b', status: 'failed', callbackId: 'cb-b', detail: { failure_message: 'Render failed.' } }), T + 1000);
    await emit('translation', job({ id: 'gt_events_c', kind: 'translation', detail: { output_language: 'Spanish', video_url: 'https://f/t.mp4' } }), T + 2000);
    await emit('globex', job({ id: 'gv_events_g', clientId: 'globex' }), T + 3000);
  });

  it("lists the client's events newest first in the documented shape", async () => {
    const res = await h.call('GET', '/v3/webhooks/events');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: [
        {
          event_id: ids.translation,
          event_type: 'video_translate.success',
          event_data: { video_translate_id: 'gt_events_c', url: 'https://f/t.mp4', callback_id: null, output_language: 'Spanish' },
          created_at: '2026-03-25T12:05:02Z',
        },
        {
          event_id: ids.fail,
          event_type: 'avatar_video.fail',
          event_data: { video_id: 'gv_events_b', msg: 'Render failed.', callback_id: 'cb-b' },
          created_at: '2026-03-25T12:05:01Z',
        },
        {
          event_id: ids.success,
          event_type: 'avatar_video.success',
          event_data: {
            video_id: 'gv_events_a',
            url: 'https://files.heygen.com/video/vid_xyz789.mp4',
            gif_download_url: 'https://resource.heygen.ai/video/vid_xyz789/gif.gif',
            video_page_url: 'https://app.heygen.com/videos/vid_xyz789',
            video_share_page_url: 'https://app.heygen.com/share/vid_xyz789',
            folder_id: null,
            callback_id: null,
          },
          created_at: '2026-03-25T12:05:00Z',
        },
      ],
      has_more: false,
      next_token: null,
    });
  });

  it('filters by event_type (the documented query) and by entity_id', async () => {
    const byType = await h.call('GET', '/v3/webhooks/events?event_type=avatar_video.success&limit=5');
    expect(byType.json.data.map((e: { event_id: string }) => e.event_id)).toEqual([ids.success]);
    const byEntity = await h.call('GET', '/v3/webhooks/events?entity_id=gv_events_b');
    expect(byEntity.json.data.map((e: { event_id: string }) => e.event_id)).toEqual([ids.fail]);
    const none = await h.call('GET', '/v3/webhooks/events?entity_id=gv_events_g');
    expect(none.json).toEqual({ data: [], has_more: false, next_token: null });
  });

  it('pages with next_token, filtered or not', async () => {
    const first = await h.call('GET', '/v3/webhooks/events?limit=2');
    expect(first.json.data.map((e: { event_id: string }) => e.event_id)).toEqual([ids.translation, ids.fail]);
    expect(first.json.has_more).toBe(true);
    const second = await h.call('GET', `/v3/webhooks/events?limit=2&token=${encodeURIComponent(first.json.next_token)}`);
    expect(second.json).toMatchObject({ has_more: false, next_token: null });
    expect(second.json.data.map((e: { event_id: string }) => e.event_id)).toEqual([ids.success]);

    const f1 = await h.call('GET', '/v3/webhooks/events?limit=1&event_type=avatar_video.fail');
    expect(f1.json).toMatchObject({ has_more: false, next_token: null });
    const v1 = await h.call('GET', '/v3/webhooks/events?limit=1&entity_id=gt_events_c');
    expect(v1.json.data).toHaveLength(1);
  });

  it('shows globex only its own events', async () => {
    const res = await h.call('GET', '/v3/webhooks/events', { key: KEYS.globex });
    expect(res.json.data.map((e: { event_id: string }) => e.event_id)).toEqual([ids.globex]);
  });

  it.each([['event_type=video.completed', 'event_type'], ['limit=101', 'limit'], ['token=%%%', 'token']])('refuses %s', async (q, param) => {
    const res = await h.call('GET', `/v3/webhooks/events?${q}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'invalid_parameter', param });
  });
});

describe('private targets when the operator allows them', () => {
  it('accepts a loopback endpoint URL with webhooks.allow_private_targets', async () => {
    const local = await startHarness({ configPatch: (c) => ({ ...c, webhooks: { allow_private_targets: true } }) });
    try {
      const res = await local.call('POST', '/v3/webhooks/endpoints', { body: { url: 'http://127.0.0.1:9/hook' } });
      expect(res.status).toBe(200);
      expect(res.json.data.url).toBe('http://127.0.0.1:9/hook');
    } finally {
      await local.close();
    }
  });
});
