/**
 * GET /metrics end to end: a real gateway in front of the HeyGen v3 simulator, scraped over HTTP
 * like Prometheus would, after real calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startHarness, type Harness } from '../helpers/gateway.js';

/** "Avatar Video" (Avatar Looks page), verbatim: look_def456 and the voice exist in the simulator. */
const AVATAR_EXAMPLE = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
} as const;

const PROM_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const ADMIN_KEY = 'metrics-admin-key';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one sample of `name` whose labels are exactly `labels` (undefined when absent). */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const hits = samples(text).filter(
    (s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  expect(hits.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return hits[0]?.value;
}

describe('without admin keys: open on the listen address', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function scrape(): Promise<string> {
    const res = await h.call('GET', '/metrics', { key: null });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe(PROM_TEXT);
    return res.text;
  }

  it('counts requests by route pattern, status, account and provider; never by raw URL', async () => {
    const created = await h.call('POST', '/v3/videos', { body: AVATAR_EXAMPLE });
    expect(created.status, created.text).toBe(200);
    const id = created.json.data.video_id as string;
    expect((await h.call('GET', `/v3/videos/${id}`)).status).toBe(200);
    expect((await h.call('GET', '/v3/videos/gv_doesnotexist0000000')).status).toBe(404);
    expect((await h.call('GET', '/v3/videos', { key: 'wrong' })).status).toBe(401);

    const text = await scrape();
    const routed = { method: 'POST', route: '/v3/videos', status: '200', account: 'hg', provider: 'heygen-v3' };
    expect(value(text, 'gateway_http_requests_total', routed)).toBe(1);
    expect(value(text, 'gateway_http_requests_total', { ...routed, method: 'GET', route: '/v3/videos/:video_id' })).toBe(1);
    expect(value(text, 'gateway_http_requests_total', { method: 'GET', route: '/v3/videos/:video_id', status: '404', account: '', provider: '' })).toBe(1);
    expect(value(text, 'gateway_http_requests_total', { method: 'GET', route: '/v3/videos', status: '401', account: '', provider: '' })).toBe(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('gv_doesnotexist');
  });

  it('observes upstream latency by account and operation', async () => {
    const text = await scrape();
    const create = { account: 'hg', provider: 'heygen-v3', operation: 'createVideo', outcome: 'ok' };
    expect(value(text, 'gateway_upstream_request_duration_seconds_count', create)).toBe(1);
    expect(value(text, 'gateway_upstream_request_duration_seconds_sum', create)).toBeGreaterThan(0);
    expect(value(text, 'gateway_upstream_request_duration_seconds_bucket', { ...create, le: '+Inf' })).toBe(1);
    expect(value(text, 'gateway_upstream_request_duration_seconds_count', { ...create, operation: 'getVideo' })).toBe(1);
  });

  it('reports jobs by provider, kind and status from the store', async () => {
    const text = await scrape();
    // The earlier poll was the simulator's first answer: still pending.
    expect(value(text, 'gateway_jobs', { provider: 'heygen-v3', kind: 'video', status: 'pending' })).toBe(1);
  });

  it('counts an unknown upstream status word after an [unknown-status] poll', async () => {
    const created = await h.call('POST', '/v3/videos', { body: { ...AVATAR_EXAMPLE, title: 'Demo [unknown-status]' } });
    expect(created.status, created.text).toBe(200);
    const id = created.json.data.video_id as string;
    const labels = { provider: 'heygen-v3', kind: 'video', word: 'rendering' };
    // The simulator answers pending first, then its undocumented in-progress word.
    expect((await h.call('GET', `/v3/videos/${id}`)).json.data.status).toBe('pending');
    expect(value(await scrape(), 'gateway_upstream_unknown_status_total', labels)).toBeUndefined();
    const second = await h.call('GET', `/v3/videos/${id}`);
    expect(second.status).toBe(200);
    expect(second.json.data.status).toBe('processing');
    expect(value(await scrape(), 'gateway_upstream_unknown_status_total', labels)).toBe(1);
  });

  it('exposes the circuit state of every configured account', async () => {
    const text = await scrape();
    for (const account of ['hg', 'hg2']) {
      expect(value(text, 'gateway_circuit_state', { account, state: 'closed' })).toBe(1);
      expect(value(text, 'gateway_circuit_state', { account, state: 'open' })).toBe(0);
    }
  });
});

describe('with admin keys: only they may scrape', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ configPatch: (cfg) => ({ ...cfg, admin: { api_keys: [ADMIN_KEY] } }) });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a missing or unknown key with 401, and a client key with 403, in the v3 envelope (as the admin API)', async () => {
    for (const key of [null, 'nope']) {
      const res = await h.call('GET', '/metrics', { key });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        error: { code: 'unauthorized', message: 'Invalid or missing admin API key. Send it in the X-Api-Key header.', param: null, doc_url: null },
      });
    }
    const client = await h.call('GET', '/metrics', { key: KEYS.acme });
    expect(client.status).toBe(403);
    expect(client.json).toEqual({
      error: { code: 'forbidden', message: 'This is a client API key; the admin API takes an admin key (admin.api_keys).', param: null, doc_url: null },
    });
    expect(client.text).not.toContain('gateway_http_requests_total');
  });

  it('answers an admin key in X-Api-Key or as a Bearer token', async () => {
    const viaHeader = await h.call('GET', '/metrics', { key: ADMIN_KEY });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers['content-type']).toBe(PROM_TEXT);
    // the refused scrapes above were counted too
    expect(value(viaHeader.text, 'gateway_http_requests_total', { method: 'GET', route: '/metrics', status: '401', account: '', provider: '' })).toBe(2);
    expect(value(viaHeader.text, 'gateway_http_requests_total', { method: 'GET', route: '/metrics', status: '403', account: '', provider: '' })).toBe(1);
    const viaBearer = await h.call('GET', '/metrics', { key: null, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(viaBearer.status).toBe(200);
    expect(value(viaBearer.text, 'gateway_http_requests_total', { method: 'GET', route: '/metrics', status: '200', account: '', provider: '' })).toBe(1);
  });
});
