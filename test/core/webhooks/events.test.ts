/**
 * Event bodies are HeyGen's webhook payloads (field names and order as HeyGen publishes them) with
 * the gateway's own job ids, serialized once; planDeliveries fans one event out to the job's
 * callback_url and the client's subscribed, enabled endpoints.
 */
import { describe, expect, it } from 'vitest';
import { EMITTED_EVENT_TYPES, EVENT_TYPES, eventBodyFor, planDeliveries, planJobEffects } from '../../../src/core/webhooks/events.js';
import type { JobRecord, WebhookEndpoint } from '../../../src/store/types.js';

const T0 = Date.UTC(2026, 2, 25, 12, 5, 0);

function job(over: Partial<JobRecord>): JobRecord {
  return {
    id: 'gv_8Nq2xYv3kQ9aB1cD2eF3gA',
    clientId: 'acme',
    accountId: 'hg',
    provider: 'heygen-v3',
    kind: 'video',
    upstreamId: 'vid_xyz789',
    status: 'completed',
    title: 'Demo',
    folderId: null,
    callbackUrl: null,
    callbackId: null,
    request: {},
    detail: null,
    upstreamPayload: null,
    createdAt: T0 - 60_000,
    updatedAt: T0,
    completedAt: T0,
    deletedAt: null,
    ...over,
  };
}

/** The documents' avatar_video.success example values (List Delivered Events), on a gateway job. */
const COMPLETED_VIDEO = job({
  callbackId: 'crm-row-42',
  callbackUrl: 'https://yourapp.com/webhook/heygen',
  detail: {
    status: 'completed',
    title: 'Demo',
    video_url: 'https://files.heygen.com/video/vid_xyz789.mp4',
    gif_url: 'https://resource.heygen.ai/video/vid_xyz789/gif.gif',
    video_page_url: 'https://app.heygen.com/videos/vid_xyz789',
    video_share_page_url: 'https://app.heygen.com/share/vid_xyz789',
    thumbnail_url: 'https://files.heygen.com/thumb.jpg',
    duration: 12.5,
    created_at: 1774440240,
  },
});

const FAILED_VIDEO = job({
  status: 'failed',
  callbackId: 'crm-row-43',
  detail: { status: 'failed', failure_code: 'content_policy_violation', failure_message: 'The script violates the content policy.' },
});

const COMPLETED_TRANSLATION = job({
  id: 'gt_Zk3mN8pQ2rS4tU6vW8xY0A',
  kind: 'translation',
  upstreamId: 'vt_123',
  callbackId: 'tr-7',
  detail: { status: 'completed', output_language: 'Spanish', video_url: 'https://files.heygen.com/translate/vt_123.mp4', callback_id: 'tr-7' },
});

const FAILED_TRANSLATION = job({
  id: 'gt_Zk3mN8pQ2rS4tU6vW8xY0B',
  kind: 'translation',
  status: 'failed',
  detail: { status: 'failed', output_language: 'Japanese', failure_message: 'Source video has no speech.' },
});

describe('event bodies', () => {
  it('avatar_video.success: the documented fields, with the gateway video id', () => {
    const effects = planDeliveries({ job: COMPLETED_VIDEO, endpoints: [], now: T0, ids: { event: () => 'evt_1', delivery: () => 'dlv_1' } });
    expect(effects.events[0]?.body).toBe(
      '{"event_type":"avatar_video.success","event_data":{"video_id":"gv_8Nq2xYv3kQ9aB1cD2eF3gA",' +
        '"url":"https://files.heygen.com/video/vid_xyz789.mp4","gif_download_url":"https://resource.heygen.ai/video/vid_xyz789/gif.gif",' +
        '"video_page_url":"https://app.heygen.com/videos/vid_xyz789","video_share_page_url":"https://app.heygen.com/share/vid_xyz789",' +
        '"folder_id":null,"callback_id":"crm-row-42"}}',
    );
  });

  it('avatar_video.success: what the job does not know is null, the folder comes from the job', () => {
    const body = eventBodyFor(job({ folderId: 'fld_1', detail: { status: 'completed', video_url: 'https://x/v.mp4' } }));
    expect(JSON.stringify(body)).toBe(
      '{"event_type":"avatar_video.success","event_data":{"video_id":"gv_8Nq2xYv3kQ9aB1cD2eF3gA","url":"https://x/v.mp4",' +
        '"gif_download_url":null,"video_page_url":null,"video_share_page_url":null,"folder_id":"fld_1","callback_id":null}}',
    );
  });

  it('avatar_video.fail: video_id, msg (the upstream failure message) and callback_id', () => {
    expect(JSON.stringify(eventBodyFor(FAILED_VIDEO))).toBe(
      '{"event_type":"avatar_video.fail","event_data":{"video_id":"gv_8Nq2xYv3kQ9aB1cD2eF3gA",' +
        '"msg":"The script violates the content policy.","callback_id":"crm-row-43"}}',
    );
    // Without a message the code is the best detail there is; without either, still a string.
    expect(eventBodyFor(job({ status: 'failed', detail: { failure_code: 'cancelled' } }))?.event_data).toMatchObject({ msg: 'cancelled' });
    expect(eventBodyFor(job({ status: 'failed', detail: null }))?.event_data).toMatchObject({ msg: 'Video generation failed.' });
  });

  it('video_translate.success: video_translate_id (gateway id), url, callback_id, output_language', () => {
    expect(JSON.stringify(eventBodyFor(COMPLETED_TRANSLATION))).toBe(
      '{"event_type":"video_translate.success","event_data":{"video_translate_id":"gt_Zk3mN8pQ2rS4tU6vW8xY0A",' +
        '"url":"https://files.heygen.com/translate/vt_123.mp4","callback_id":"tr-7","output_language":"Spanish"}}',
    );
  });

  it('video_translate.fail: video_translate_id, message, callback_id, output_language', () => {
    expect(JSON.stringify(eventBodyFor(FAILED_TRANSLATION))).toBe(
      '{"event_type":"video_translate.fail","event_data":{"video_translate_id":"gt_Zk3mN8pQ2rS4tU6vW8xY0B",' +
        '"message":"Source video has no speech.","callback_id":null,"output_language":"Japanese"}}',
    );
  });

  it('a job still in progress emits nothing', () => {
    for (const status of ['pending', 'processing', 'running']) {
      expect(eventBodyFor(job({ status }))).toBeNull();
      expect(planDeliveries({ job: job({ status, callbackUrl: 'https://a.example/cb' }), endpoints: [], now: T0 })).toEqual({ events: [], deliveries: [] });
    }
  });

  it('emits only documented event types', () => {
    for (const t of EMITTED_EVENT_TYPES) expect(EVENT_TYPES).toContain(t);
    expect(EVENT_TYPES).toHaveLength(23);
  });
});

function endpoint(over: Partial<WebhookEndpoint>): WebhookEndpoint {
  return {
    id: 'ep_all',
    clientId: 'acme',
    url: 'https://hooks.acme.example/all',
    events: [],
    secret: 'whsec_x',
    status: 'enabled',
    description: null,
    createdAt: T0 - 3_600_000,
    updatedAt: T0 - 3_600_000,
    ...over,
  };
}

describe('planDeliveries', () => {
  const endpoints = [
    endpoint({ id: 'ep_all' }),
    endpoint({ id: 'ep_success', url: 'https://hooks.acme.example/ok', events: ['avatar_video.success', 'video_translate.success'] }),
    endpoint({ id: 'ep_fail_only', url: 'https://hooks.acme.example/fail', events: ['avatar_video.fail'] }),
    endpoint({ id: 'ep_disabled', url: 'https://hooks.acme.example/off', status: 'disabled' }),
    endpoint({ id: 'ep_other_client', clientId: 'globex', url: 'https://hooks.globex.example/' }),
  ];
  let n = 0;
  const ids = { event: () => 'evt_fixed', delivery: () => `dlv_${++n}` };

  it('one event, one delivery to the callback_url (no endpoint) and one per subscribed enabled endpoint', () => {
    n = 0;
    const effects = planDeliveries({ job: COMPLETED_VIDEO, endpoints, now: T0, ids });
    expect(effects.events).toEqual([
      { id: 'evt_fixed', clientId: 'acme', eventType: 'avatar_video.success', body: effects.events[0]?.body, jobId: COMPLETED_VIDEO.id, createdAt: T0 },
    ]);
    expect(effects.deliveries).toEqual([
      { id: 'dlv_1', eventId: 'evt_fixed', clientId: 'acme', url: 'https://yourapp.com/webhook/heygen', endpointId: null, nextAttemptAt: T0, createdAt: T0 },
      { id: 'dlv_2', eventId: 'evt_fixed', clientId: 'acme', url: 'https://hooks.acme.example/all', endpointId: 'ep_all', nextAttemptAt: T0, createdAt: T0 },
      { id: 'dlv_3', eventId: 'evt_fixed', clientId: 'acme', url: 'https://hooks.acme.example/ok', endpointId: 'ep_success', nextAttemptAt: T0, createdAt: T0 },
    ]);
  });

  it('a failure goes to the endpoints subscribed to failures; no callback_url, no callback delivery', () => {
    const effects = planDeliveries({ job: FAILED_VIDEO, endpoints, now: T0 });
    expect(effects.deliveries.map((d) => d.endpointId)).toEqual(['ep_all', 'ep_fail_only']);
    expect(effects.deliveries.every((d) => d.eventId === effects.events[0]?.id)).toBe(true);
  });

  it('records the event even when nobody listens (GET /v3/webhooks/events shows it)', () => {
    const effects = planDeliveries({ job: FAILED_TRANSLATION, endpoints: [], now: T0 });
    expect(effects.events).toHaveLength(1);
    expect(effects.deliveries).toEqual([]);
  });

  it('gives every event a fresh, URL-safe evt_ id', () => {
    const a = planDeliveries({ job: COMPLETED_VIDEO, endpoints: [], now: T0 }).events[0]?.id;
    const b = planDeliveries({ job: COMPLETED_VIDEO, endpoints: [], now: T0 }).events[0]?.id;
    expect(a).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
  });

  it('planJobEffects asks the store for the endpoints subscribed to the event type', async () => {
    const asked: string[] = [];
    const store = {
      endpointsFor: async (clientId: string, type: string) => {
        asked.push(`${clientId}:${type}`);
        return [endpoint({ id: 'ep_s', events: [type] })];
      },
    };
    const effects = await planJobEffects(store, COMPLETED_TRANSLATION, T0);
    expect(asked).toEqual(['acme:video_translate.success']);
    expect(effects.deliveries.map((d) => d.endpointId)).toEqual(['ep_s']);
    expect(await planJobEffects(store, job({ status: 'processing' }), T0)).toEqual({ events: [], deliveries: [] });
    expect(asked).toHaveLength(1);
  });
});
