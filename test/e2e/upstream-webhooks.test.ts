/**
 * Upstream webhooks (issue 7): a HeyGen v3 account whose webhook endpoint points at the gateway
 * finishes jobs early. The event is verified with the account's webhook_secret and only used as
 * a hint: the gateway re-reads the job from the upstream.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, type Harness } from '../helpers/gateway.js';

const SECRET = 'whsec_upstream_test_secret';

function signed(body: string, secret = SECRET, ts = Math.floor(Date.now() / 1000)) {
  return {
    'content-type': 'application/json',
    'heygen-signature': createHmac('sha256', secret).update(body).digest('hex'),
    'heygen-timestamp': String(ts),
    'heygen-event-id': 'evt_upstream_1',
  };
}

async function post(h: Harness, path: string, body: string, headers: Record<string, string>) {
  const res = await request(`${h.url}${path}`, { method: 'POST', headers, body });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function until<T>(probe: () => Promise<T | null>, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('upstream webhooks from a HeyGen v3 account', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      stageMs: 60,
      configPatch: (cfg) => ({
        ...cfg,
        accounts: cfg.accounts.map((a) => (a.id === 'hg' ? { ...a, webhook_secret: SECRET } : a)),
      }),
    });
  });
  afterAll(async () => h.close());

  const create = async () => {
    const r = await h.call('POST', '/v3/videos', {
      body: { type: 'avatar', avatar_id: 'look_def456', script: 'Finished early by a webhook.', voice_id: '1bd001e7e50f421d891986aad5c8bbd2' },
    });
    expect(r.status).toBe(200);
    const job = await h.app.gateway.store.getJob(r.json.data.video_id as string);
    return job!;
  };

  it('a verified avatar_video.success finishes the job without any client poll', async () => {
    const job = await create();
    await new Promise((r) => setTimeout(r, 300)); // the simulator has finished the render by now
    const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: job.upstreamId, url: 'https://x', callback_id: null } });
    const res = await post(h, '/upstream/heygen/hg/webhook', body, signed(body));
    expect(res).toEqual({ status: 200, json: { received: true } });
    const done = await until(async () => {
      const j = await h.app.gateway.store.getJob(job.id);
      return j?.status === 'completed' ? j : null;
    });
    expect(done.detail).toMatchObject({ status: 'completed', video_url: expect.stringMatching(/^https:\/\//) });
    // The gateway read the result from the upstream itself (one GET), not from the event body.
    const gets = h.hg.requests.filter((r) => r.method === 'GET' && r.path === `/v3/videos/${job.upstreamId}`);
    expect(gets).toHaveLength(1);
  });

  it('refuses a bad signature, a stale timestamp and an account without a webhook secret', async () => {
    const job = await create();
    const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: job.upstreamId } });
    const bad = await post(h, '/upstream/heygen/hg/webhook', body, signed(body, 'whsec_wrong'));
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error: { code: 'unauthorized' } });
    const stale = await post(h, '/upstream/heygen/hg/webhook', body, signed(body, SECRET, Math.floor(Date.now() / 1000) - 3600));
    expect(stale.status).toBe(401);
    const none = await post(h, '/upstream/heygen/hg2/webhook', body, signed(body));
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ error: { code: 'resource_not_found' } });
    // None of them made the gateway call the upstream.
    expect(h.hg.requests.filter((r) => r.method === 'GET' && r.path === `/v3/videos/${job.upstreamId}`)).toHaveLength(0);
  });

  it('acknowledges an event for an unknown upstream id without touching any job', async () => {
    const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: 'not-a-gateway-job' } });
    const res = await post(h, '/upstream/heygen/hg/webhook', body, signed(body));
    expect(res).toEqual({ status: 200, json: { received: true } });
  });

  it('rejects a verified body that is not a HeyGen event', async () => {
    const body = '{"hello":"world"}';
    const res = await post(h, '/upstream/heygen/hg/webhook', body, signed(body));
    expect(res.status).toBe(400);
  });
});
