import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { NewDelivery, WebhookEndpoint, WebhookEvent } from '../../src/store/types.js';

// Bodies and endpoints are the examples of 002 "Webhook Events" and "Webhooks". The body keeps
// the document's own spacing: the store must hand back the exact text that was signed.
const SUCCESS_BODY = `{"event_type": "avatar_video.success", "event_data": {"video_id": "vid_xyz789", "url": "https://files.heygen.com/video/vid_xyz789.mp4", "gif_download_url": "https://resource.heygen.ai/video/vid_xyz789/gif.gif", "video_page_url": "https://app.heygen.com/videos/vid_xyz789", "video_share_page_url": "https://app.heygen.com/share/vid_xyz789", "folder_id": null, "callback_id": null}}`;

const T0 = 1_774_440_300_000; // 2026-03-25T12:05:00Z

function event(id: string, overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return { id, clientId: 'acme', eventType: 'avatar_video.success', body: SUCCESS_BODY, jobId: 'gw_vid_0001', createdAt: T0, ...overrides };
}

function delivery(id: string, eventId: string, overrides: Partial<NewDelivery> = {}): NewDelivery {
  return { id, eventId, clientId: 'acme', url: 'https://yourapp.com/webhooks/heygen', endpointId: 'ep_abc123', nextAttemptAt: T0, createdAt: T0, ...overrides };
}

function endpoint(id: string, overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id,
    clientId: 'acme',
    url: 'https://yourapp.com/webhooks/heygen',
    events: ['avatar_video.success', 'avatar_video.fail'],
    secret: 'whsec_k7x9m2',
    status: 'enabled',
    description: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

let store: SqliteStore;
let clock: number;
beforeEach(() => {
  clock = T0;
  store = SqliteStore.open(':memory:', { now: () => clock });
});
afterEach(async () => {
  await store.close();
});

describe('events and deliveries', () => {
  it('stores the event body byte for byte and fresh deliveries as pending', async () => {
    await store.insertEvents({
      events: [event('evt_abc123')],
      deliveries: [delivery('dlv_2', 'evt_abc123', { createdAt: T0 + 1 }), delivery('dlv_1', 'evt_abc123', { url: 'https://hooks.example.com/heygen', endpointId: null })],
    });
    expect(await store.getEvent('evt_abc123')).toEqual(event('evt_abc123'));
    expect((await store.getEvent('evt_abc123'))?.body).toBe(SUCCESS_BODY);
    expect(await store.getEvent('evt_missing')).toBeNull();

    expect(await store.listDeliveries('evt_abc123')).toEqual([
      {
        id: 'dlv_1',
        eventId: 'evt_abc123',
        clientId: 'acme',
        url: 'https://hooks.example.com/heygen',
        endpointId: null,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        lastStatus: null,
        lastError: null,
        createdAt: T0,
        updatedAt: T0,
        deliveredAt: null,
      },
      expect.objectContaining({ id: 'dlv_2', endpointId: 'ep_abc123', createdAt: T0 + 1, updatedAt: T0 + 1 }),
    ]);
    expect(await store.listDeliveries('evt_missing')).toEqual([]);
  });

  it('writes events and deliveries all or nothing', async () => {
    // The delivery points at an event that does not exist: the foreign key fails the batch.
    await expect(store.insertEvents({ events: [event('evt_1')], deliveries: [delivery('dlv_1', 'evt_nowhere')] })).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(await store.getEvent('evt_1')).toBeNull();
  });

  it('lists a client events newest first with a keyset cursor across tied times', async () => {
    // Seven events on three timestamps, inserted out of order, plus another client's.
    const times = [T0 + 2, T0, T0 + 1, T0 + 2, T0, T0 + 1, T0 + 2];
    await store.insertEvents({ events: times.map((createdAt, i) => event(`evt_${i}`, { createdAt })), deliveries: [] });
    await store.insertEvents({ events: [event('evt_globex', { clientId: 'globex', createdAt: T0 + 5 })], deliveries: [] });

    const pages: string[][] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await store.listEvents('acme', 3, after);
      if (page.length === 0) break;
      pages.push(page.map((e) => e.id));
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(pages).toEqual([
      ['evt_6', 'evt_3', 'evt_0'],
      ['evt_5', 'evt_2', 'evt_4'],
      ['evt_1'],
    ]);
    expect((await store.listEvents('globex', 10)).map((e) => e.id)).toEqual(['evt_globex']);
    await expect(store.listEvents('acme', 0)).rejects.toThrow(RangeError);
  });
});

describe('claimDeliveries and recordAttempt', () => {
  const LEASE = 60_000;

  beforeEach(async () => {
    await store.insertEvents({
      events: [event('evt_1')],
      deliveries: [
        delivery('dlv_c', 'evt_1', { nextAttemptAt: T0 + 30 }),
        delivery('dlv_a', 'evt_1', { nextAttemptAt: T0 + 10 }),
        delivery('dlv_b', 'evt_1', { nextAttemptAt: T0 + 20 }),
        delivery('dlv_future', 'evt_1', { nextAttemptAt: T0 + 1_000_000 }),
      ],
    });
  });

  it('claims due deliveries oldest first up to the limit, leasing them', async () => {
    const claimed = await store.claimDeliveries(T0 + 100, 2, LEASE);
    expect(claimed.map((d) => [d.id, d.nextAttemptAt])).toEqual([
      ['dlv_a', T0 + 100 + LEASE],
      ['dlv_b', T0 + 100 + LEASE],
    ]);
    // Leased rows are not handed out again; the rest of the due ones are.
    expect((await store.claimDeliveries(T0 + 100, 10, LEASE)).map((d) => d.id)).toEqual(['dlv_c']);
    expect(await store.claimDeliveries(T0 + 100, 10, LEASE)).toEqual([]);
    expect((await store.listDeliveries('evt_1')).find((d) => d.id === 'dlv_a')?.nextAttemptAt).toBe(T0 + 100 + LEASE);
  });

  it('makes a delivery claimable again once its lease runs out unreported', async () => {
    await store.claimDeliveries(T0 + 100, 3, LEASE);
    expect(await store.claimDeliveries(T0 + 100 + LEASE - 1, 10, LEASE)).toEqual([]);
    expect((await store.claimDeliveries(T0 + 100 + LEASE, 10, LEASE)).map((d) => d.id)).toEqual(['dlv_a', 'dlv_b', 'dlv_c']);
  });

  it('marks a successful attempt delivered for good', async () => {
    await store.claimDeliveries(T0 + 100, 1, LEASE);
    await store.recordAttempt('dlv_a', { at: T0 + 150, ok: true, status: 200, error: null, nextAttemptAt: null });
    const [a] = await store.listDeliveries('evt_1');
    expect(a).toMatchObject({ id: 'dlv_a', state: 'delivered', attempts: 1, lastStatus: 200, lastError: null, deliveredAt: T0 + 150, updatedAt: T0 + 150 });

    // Never claimed again, even after the lease, and a duplicate report changes nothing.
    expect((await store.claimDeliveries(T0 + 10 * LEASE, 10, LEASE)).map((d) => d.id)).not.toContain('dlv_a');
    await store.recordAttempt('dlv_a', { at: T0 + 200, ok: false, status: 500, error: 'late', nextAttemptAt: T0 + 300 });
    expect((await store.listDeliveries('evt_1'))[0]).toEqual(a);
  });

  it('reschedules a failed attempt, then gives up after the final one', async () => {
    await store.claimDeliveries(T0 + 100, 1, LEASE);
    await store.recordAttempt('dlv_a', { at: T0 + 150, ok: false, status: 503, error: 'HTTP 503', nextAttemptAt: T0 + 10_150 });
    let a = (await store.listDeliveries('evt_1')).find((d) => d.id === 'dlv_a');
    expect(a).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503', nextAttemptAt: T0 + 10_150, deliveredAt: null });
    expect((await store.claimDeliveries(T0 + 10_149, 10, LEASE)).map((d) => d.id)).not.toContain('dlv_a');
    expect((await store.claimDeliveries(T0 + 10_150, 10, LEASE)).map((d) => d.id)).toContain('dlv_a');

    await store.recordAttempt('dlv_a', { at: T0 + 10_200, ok: false, status: null, error: 'connect ECONNREFUSED 203.0.113.7:443', nextAttemptAt: null });
    a = (await store.listDeliveries('evt_1')).find((d) => d.id === 'dlv_a');
    expect(a).toMatchObject({ state: 'failed', attempts: 2, lastStatus: null, lastError: 'connect ECONNREFUSED 203.0.113.7:443', deliveredAt: null, updatedAt: T0 + 10_200 });
    expect((await store.claimDeliveries(T0 + 100 * LEASE, 10, LEASE)).map((d) => d.id)).toEqual(['dlv_b', 'dlv_c', 'dlv_future']);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await expect(store.claimDeliveries(T0 + 100, 0, LEASE)).rejects.toThrow('claimDeliveries limit must be a positive integer, got 0');
  });
});

describe('endpoints', () => {
  it('round-trips an endpoint and answers null for a missing one', async () => {
    const ep = endpoint('ep_abc123', { description: 'production', events: ['avatar_video.success', 'avatar_video.fail', 'video_agent.success'] });
    await store.createEndpoint(ep);
    expect(await store.getEndpoint('ep_abc123')).toEqual(ep);
    expect(await store.getEndpoint('ep_missing')).toBeNull();
    await expect(store.createEndpoint(ep)).rejects.toThrow(/UNIQUE constraint failed: webhook_endpoints\.id/);
  });

  it('finds the enabled endpoints subscribed to an event type, empty meaning all', async () => {
    await store.createEndpoint(endpoint('ep_video', { events: ['avatar_video.success', 'avatar_video.fail'], createdAt: T0 + 1 }));
    await store.createEndpoint(endpoint('ep_all', { events: [], createdAt: T0 + 2 }));
    await store.createEndpoint(endpoint('ep_translate', { events: ['video_translate.success'], createdAt: T0 + 3 }));
    await store.createEndpoint(endpoint('ep_disabled', { events: [], status: 'disabled', createdAt: T0 + 4 }));
    await store.createEndpoint(endpoint('ep_globex', { clientId: 'globex', events: [], createdAt: T0 + 5 }));

    const ids = async (clientId: string, eventType: string) => (await store.endpointsFor(clientId, eventType)).map((e) => e.id);
    expect(await ids('acme', 'avatar_video.success')).toEqual(['ep_video', 'ep_all']);
    expect(await ids('acme', 'video_translate.success')).toEqual(['ep_all', 'ep_translate']);
    expect(await ids('acme', 'video_translate.fail')).toEqual(['ep_all']);
    // A prefix of a subscribed type is not a subscription.
    expect(await ids('acme', 'avatar_video')).toEqual(['ep_all']);
    expect(await ids('globex', 'avatar_video.fail')).toEqual(['ep_globex']);
    expect(await ids('initech', 'avatar_video.fail')).toEqual([]);
  });

  it('lists a client endpoints newest first, page by page', async () => {
    for (let i = 0; i < 5; i++) await store.createEndpoint(endpoint(`ep_${i}`, { createdAt: T0 + Math.floor(i / 2) }));
    await store.createEndpoint(endpoint('ep_globex', { clientId: 'globex' }));

    const first = await store.listEndpoints('acme', 2);
    expect(first.map((e) => e.id)).toEqual(['ep_4', 'ep_3']);
    const second = await store.listEndpoints('acme', 2, { createdAt: first[1]!.createdAt, id: first[1]!.id });
    expect(second.map((e) => e.id)).toEqual(['ep_2', 'ep_1']);
    const third = await store.listEndpoints('acme', 2, { createdAt: second[1]!.createdAt, id: second[1]!.id });
    expect(third.map((e) => e.id)).toEqual(['ep_0']);
    await expect(store.listEndpoints('acme', -1)).rejects.toThrow(RangeError);
  });

  it('updates only the fields given, and can clear the description', async () => {
    await store.createEndpoint(endpoint('ep_abc123', { description: 'production' }));
    const moved = await store.updateEndpoint('ep_abc123', { url: 'https://yourapp.com/webhooks/heygen-v2', events: ['avatar_video.success', 'avatar_video.fail', 'video_agent.success'] }, T0 + 60_000);
    expect(moved).toEqual(
      endpoint('ep_abc123', {
        url: 'https://yourapp.com/webhooks/heygen-v2',
        events: ['avatar_video.success', 'avatar_video.fail', 'video_agent.success'],
        description: 'production',
        updatedAt: T0 + 60_000,
      }),
    );

    const disabled = await store.updateEndpoint('ep_abc123', { status: 'disabled', secret: 'whsec_rotated', description: null }, T0 + 120_000);
    expect(disabled).toMatchObject({ status: 'disabled', secret: 'whsec_rotated', description: null, url: 'https://yourapp.com/webhooks/heygen-v2', createdAt: T0, updatedAt: T0 + 120_000 });
    expect(await store.getEndpoint('ep_abc123')).toEqual(disabled);
    expect(await store.endpointsFor('acme', 'avatar_video.success')).toEqual([]);

    expect(await store.updateEndpoint('ep_missing', { status: 'enabled' }, T0)).toBeNull();
  });

  it('deletes an endpoint once and fails what it was still owed', async () => {
    await store.createEndpoint(endpoint('ep_abc123'));
    await store.insertEvents({
      events: [event('evt_1')],
      deliveries: [delivery('dlv_ep', 'evt_1'), delivery('dlv_cb', 'evt_1', { endpointId: null, url: 'https://hooks.example.com/heygen' })],
    });
    clock = T0 + 5_000;
    expect(await store.deleteEndpoint('ep_abc123')).toBe(true);
    expect(await store.deleteEndpoint('ep_abc123')).toBe(false);
    expect(await store.getEndpoint('ep_abc123')).toBeNull();

    const [cb, ep] = await store.listDeliveries('evt_1');
    expect(ep).toMatchObject({ id: 'dlv_ep', state: 'failed', lastError: 'endpoint deleted', updatedAt: T0 + 5_000 });
    expect(cb).toMatchObject({ id: 'dlv_cb', state: 'pending' });
    expect((await store.claimDeliveries(T0 + 5_000, 10, 1_000)).map((d) => d.id)).toEqual(['dlv_cb']);
  });
});
