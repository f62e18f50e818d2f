/**
 * Callbacks end to end over loopback, with the gateway's background workers running as `serve`
 * runs them: the client creates a job with `callback_url` and never polls; the refresher finishes
 * the job from the upstream and the outbox POSTs HeyGen's event body, signed with the client's
 * webhook_secret (checked here with node:crypto, as HeyGen's own receiver example does).
 * Also: failures, translations, GMI (no upstream webhooks at all), a receiver that is down for a
 * while, fan-out to managed endpoints, the events listing, URL refresh and the SSRF refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  GMI_VIDEO,
  KEYS,
  SECRETS,
  TRANSLATION,
  VIDEO,
  header,
  signatureValid,
  startLifecycleHarness,
  startReceiver,
  waitFor,
  type Hook,
  type LifecycleHarness,
  type Receiver,
} from '../helpers/lifecycle-harness.js';
import { URL_REFRESH_AFTER_MS } from '../../src/core/jobs.js';
import { FAILURE_TEXT as GMI_FAILURE_TEXT } from '../../src/sandbox/gmi.js';
import type { JobRecord } from '../../src/store/types.js';

const FILES = 'https://files.heygen.ai';
const GMI_STORAGE = 'https://storage.googleapis.com/gmi-sandbox';
const EVENT_ID = /^evt_[A-Za-z0-9_-]{22}$/;

let h: LifecycleHarness;
let rx: Receiver;

beforeAll(async () => {
  [h, rx] = await Promise.all([startLifecycleHarness(), startReceiver()]);
});
afterAll(async () => {
  await h?.close();
  await rx?.close();
});

async function job(id: string): Promise<JobRecord> {
  const j = await h.app.gateway.store.getJob(id);
  if (!j) throw new Error(`no job ${id}`);
  return j;
}

/** Waits for the first 2xx-answered hook at `path`. */
const acked = (r: Receiver, path: string, timeoutMs = 15_000): Promise<Hook> =>
  waitFor(`a 2xx-acknowledged delivery at ${path}`, () => r.to(path).find((x) => x.answered < 300), timeoutMs);

/** The signature headers HeyGen sends, checked as a receiver would (secret, freshness, event id). */
function expectSignedBy(hook: Hook, secret: string): void {
  expect(header(hook, 'content-type')).toBe('application/json');
  expect(signatureValid(hook, secret)).toBe(true);
  const ts = Number(header(hook, 'heygen-timestamp'));
  expect(Number.isInteger(ts)).toBe(true);
  expect(Math.abs(Date.now() / 1000 - ts)).toBeLessThanOrEqual(300);
  expect(header(hook, 'heygen-event-id')).toMatch(EVENT_ID);
}

const clientGets = (upstreamPath: string) => h.hg.requests.filter((r) => r.method === 'GET' && r.path.startsWith(upstreamPath));

describe('callback_url without any client GET (background refresher + outbox)', () => {
  it('a completed v3 video: exactly HeyGen\'s avatar_video.success body, signed with the client secret', async () => {
    const created = await h.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: `${rx.url}/video-ok?token=abc`, callback_id: 'cb-video-1' } });
    expect(created.status, created.text).toBe(200);
    const id = created.json.data.video_id as string;
    const up = (await job(id)).upstreamId;

    const hook = await acked(rx, '/video-ok?token=abc');
    // Byte for byte: HeyGen's field order, the gateway's id, the upstream's download URLs.
    expect(hook.raw.toString('utf8')).toBe(
      JSON.stringify({
        event_type: 'avatar_video.success',
        event_data: {
          video_id: id,
          url: `${FILES}/video/${up}.mp4`,
          gif_download_url: `${FILES}/gif/${up}.gif`,
          video_page_url: `https://app.heygen.com/video/${up}`,
          video_share_page_url: null,
          folder_id: null,
          callback_id: 'cb-video-1',
        },
      }),
    );
    expectSignedBy(hook, SECRETS.acme);
    expect(signatureValid(hook, SECRETS.globex)).toBe(false);
    // Only the background refresher polled the upstream: this test never asked the gateway.
    expect(clientGets(`/v3/videos/${up}`).length).toBeGreaterThanOrEqual(1);

    // The stored job agrees with the event, and the events listing shows the same event.
    const got = await h.call('GET', `/v3/videos/${id}`);
    expect(got.json.data).toMatchObject({ id, status: 'completed', video_url: `${FILES}/video/${up}.mp4` });
    const events = await h.call('GET', `/v3/webhooks/events?entity_id=${id}`);
    expect(events.status).toBe(200);
    expect(events.json).toStrictEqual({
      data: [
        {
          event_id: header(hook, 'heygen-event-id'),
          event_type: 'avatar_video.success',
          event_data: JSON.parse(hook.raw.toString('utf8')).event_data,
          created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        },
      ],
      has_more: false,
      next_token: null,
    });
    // Another client sees none of it.
    const foreign = await h.call('GET', `/v3/webhooks/events?entity_id=${id}`, { key: KEYS.globex });
    expect(foreign.json).toStrictEqual({ data: [], has_more: false, next_token: null });
    // One event, one delivery, acknowledged once.
    expect(rx.to('/video-ok?token=abc')).toHaveLength(1);
  });

  it('a failed v3 video: avatar_video.fail with the upstream reason', async () => {
    const created = await h.call('POST', '/v3/videos', {
      body: { ...VIDEO, title: 'Broken [fail]', callback_url: `${rx.url}/video-fail`, callback_id: 'cb-fail' },
    });
    expect(created.status, created.text).toBe(200);
    const id = created.json.data.video_id as string;
    const hook = await acked(rx, '/video-fail');
    expect(hook.raw.toString('utf8')).toBe(
      JSON.stringify({
        event_type: 'avatar_video.fail',
        event_data: { video_id: id, msg: 'The script contains text that cannot be converted to speech.', callback_id: 'cb-fail' },
      }),
    );
    expectSignedBy(hook, SECRETS.acme);
    expect((await job(id)).status).toBe('failed');
  });

  it('a translation: video_translate.success with the gateway translation id and its language', async () => {
    const created = await h.call('POST', '/v3/video-translations', {
      body: { ...TRANSLATION, callback_url: `${rx.url}/translation`, callback_id: 'cb-tr' },
    });
    expect(created.status, created.text).toBe(200);
    const [id] = created.json.data.video_translation_ids as string[];
    const up = (await job(id!)).upstreamId;
    const hook = await acked(rx, '/translation');
    expect(hook.raw.toString('utf8')).toBe(
      JSON.stringify({
        event_type: 'video_translate.success',
        event_data: { video_translate_id: id, url: `${FILES}/video_translate/${up}.mp4`, callback_id: 'cb-tr', output_language: 'Spanish' },
      }),
    );
    expectSignedBy(hook, SECRETS.acme);
  });

  it('a GMI job (no upstream webhooks exist): the refresher finishes it and the callback goes out', async () => {
    const created = await h.call('POST', '/v3/videos', {
      body: { ...GMI_VIDEO, callback_url: `${rx.url}/gmi`, callback_id: 'cb-gmi' },
      headers: { 'x-gateway-account': 'gmi' },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.headers['x-gateway-provider']).toBe('gmi');
    const id = created.json.data.video_id as string;
    const requestId = h.gmi.requestIds().at(-1);
    expect((await job(id)).upstreamId).toBe(requestId);
    const hook = await acked(rx, '/gmi');
    expect(hook.raw.toString('utf8')).toBe(
      JSON.stringify({
        event_type: 'avatar_video.success',
        event_data: {
          video_id: id,
          url: `${GMI_STORAGE}/${requestId}.mp4`,
          gif_download_url: null,
          video_page_url: null,
          video_share_page_url: null,
          folder_id: null,
          callback_id: 'cb-gmi',
        },
      }),
    );
    expectSignedBy(hook, SECRETS.acme);
    // The callback target stays with the gateway (GMI has no callbacks); only callback_id rides along.
    const submit = JSON.stringify(h.gmi.requests.find((r) => r.method === 'POST')?.body);
    expect(submit).toContain('"callback_id":"cb-gmi"');
    expect(submit).not.toContain('callback_url');
    expect(submit).not.toContain(rx.url);
  });

  it("a failed GMI job: avatar_video.fail with GMI's reason, callback_id null when none was given", async () => {
    const created = await h.call('POST', '/v3/videos', {
      body: { ...GMI_VIDEO, title: 'Broken [fail]', callback_url: `${rx.url}/gmi-fail` },
      headers: { 'x-gateway-account': 'gmi' },
    });
    expect(created.status, created.text).toBe(200);
    const id = created.json.data.video_id as string;
    const hook = await acked(rx, '/gmi-fail');
    expect(hook.raw.toString('utf8')).toBe(
      JSON.stringify({ event_type: 'avatar_video.fail', event_data: { video_id: id, msg: GMI_FAILURE_TEXT, callback_id: null } }),
    );
    expectSignedBy(hook, SECRETS.acme);
  });
});

describe('a receiver that is down for a while', () => {
  it('gets exactly one acknowledged delivery of the same signed event, with a stable event id', async () => {
    const down = await startReceiver();
    try {
      await down.down(); // connection refused from the start
      const created = await h.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: `${down.url}/hook`, callback_id: 'cb-retry' } });
      expect(created.status, created.text).toBe(200);
      const id = created.json.data.video_id as string;
      const store = h.app.gateway.store;

      // The job finishes and its event is recorded while nobody can receive it.
      const event = await waitFor('the event', async () => (await store.listEvents('acme', 50)).find((e) => e.jobId === id));
      const refusedTwice = await waitFor('two refused attempts', async () => {
        const [d] = await store.listDeliveries(event.id);
        return d && d.attempts >= 2 ? d : undefined;
      });
      expect(refusedTwice).toMatchObject({ state: 'pending', lastError: 'ECONNREFUSED', lastStatus: null });

      // Up, but failing: a 500 is not an acknowledgement.
      down.status = 500;
      await down.up();
      await waitFor('a delivery answered 500', () => down.hooks.find((x) => x.answered === 500));
      down.status = 200;
      const ok = await acked(down, '/hook');
      // Give a wrongly scheduled retry every chance to show up (retries are ~60-180 ms apart here).
      await sleep(800);

      const hooks = down.to('/hook');
      expect(hooks.filter((x) => x.answered < 300)).toHaveLength(1);
      expect(hooks.length).toBeGreaterThanOrEqual(2);
      expect(hooks.at(-1)).toBe(ok);
      for (const x of hooks) {
        // Same event every time: same id, same bytes, each attempt freshly timestamped and signed.
        expect(header(x, 'heygen-event-id')).toBe(event.id);
        expect(x.raw.equals(ok.raw)).toBe(true);
        expectSignedBy(x, SECRETS.acme);
      }
      expect(JSON.parse(ok.raw.toString('utf8'))).toMatchObject({ event_type: 'avatar_video.success', event_data: { video_id: id, callback_id: 'cb-retry' } });
      const [final] = await store.listDeliveries(event.id);
      expect(final).toMatchObject({ state: 'delivered', lastStatus: 200, lastError: null });
      expect(final!.attempts).toBeGreaterThanOrEqual(hooks.length + 2); // the refused ones count too
      expect((await store.listEvents('acme', 100)).filter((e) => e.jobId === id)).toHaveLength(1);
    } finally {
      await down.close();
    }
  });
});

describe('managed endpoints', () => {
  it('fan out: the callback_url and every subscribed endpoint get the event, each signed with its own secret', async () => {
    const made: string[] = [];
    const endpoint = async (path: string, events: string[] | undefined, key: string = KEYS.acme) => {
      const res = await h.call('POST', '/v3/webhooks/endpoints', { key, body: { url: `${rx.url}${path}`, ...(events ? { events } : {}) } });
      expect(res.status, res.text).toBe(200);
      made.push(`${key} ${res.json.data.endpoint_id as string}`);
      return res.json.data as { endpoint_id: string; secret: string };
    };
    try {
      const video = await endpoint('/ep-video', ['avatar_video.success', 'avatar_video.fail']);
      const all = await endpoint('/ep-all', undefined);
      const translations = await endpoint('/ep-translate', ['video_translate.success']);
      const foreign = await endpoint('/ep-globex', undefined, KEYS.globex);

      const created = await h.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: `${rx.url}/fanout`, callback_id: 'cb-fan' } });
      expect(created.status, created.text).toBe(200);
      const id = created.json.data.video_id as string;
      const cb = await acked(rx, '/fanout');
      const eventId = header(cb, 'heygen-event-id');
      const ofThisEvent = (path: string) => rx.to(path).filter((x) => header(x, 'heygen-event-id') === eventId);
      const viaVideo = await waitFor('the avatar_video endpoint', () => ofThisEvent('/ep-video')[0]);
      const viaAll = await waitFor('the all-events endpoint', () => ofThisEvent('/ep-all')[0]);

      expectSignedBy(cb, SECRETS.acme);
      expectSignedBy(viaVideo, video.secret);
      expectSignedBy(viaAll, all.secret);
      // Each target's signature is its own: the client secret does not verify an endpoint's copy.
      expect(signatureValid(viaVideo, SECRETS.acme)).toBe(false);
      expect(signatureValid(viaAll, video.secret)).toBe(false);
      for (const x of [viaVideo, viaAll]) expect(x.raw.equals(cb.raw)).toBe(true);
      expect(JSON.parse(cb.raw.toString('utf8')).event_data.video_id).toBe(id);

      // Exactly three deliveries were planned for the event; the unsubscribed and the other client's endpoints got none.
      const deliveries = await h.app.gateway.store.listDeliveries(eventId!);
      expect(deliveries.map((d) => d.url).sort()).toStrictEqual([`${rx.url}/ep-all`, `${rx.url}/ep-video`, `${rx.url}/fanout`]);
      expect(deliveries.map((d) => d.endpointId).sort()).toStrictEqual([all.endpoint_id, video.endpoint_id, null].sort());
      await waitFor('every delivery acknowledged', async () =>
        (await h.app.gateway.store.listDeliveries(eventId!)).every((d) => d.state === 'delivered') ? true : undefined,
      );
      expect(ofThisEvent('/ep-translate')).toStrictEqual([]);
      expect(ofThisEvent('/ep-globex')).toStrictEqual([]);
      expect(translations.endpoint_id).not.toBe(foreign.endpoint_id);
    } finally {
      for (const m of made) {
        const [key, epId] = m.split(' ');
        await h.call('DELETE', `/v3/webhooks/endpoints/${epId}`, { key: key! });
      }
    }
  });
});

describe('upstream URLs near expiry', () => {
  it('a completed job last refreshed over 6 days ago is re-fetched on GET; the new URL is served, the status stays', async () => {
    const created = await h.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: `${rx.url}/urls` } });
    const id = created.json.data.video_id as string;
    await acked(rx, '/urls');
    const done = await job(id);
    const up = done.upstreamId;
    expect(done.status).toBe('completed');

    // A terminal job is answered from the store: no upstream call.
    const before = clientGets(`/v3/videos/${up}`).length;
    expect((await h.call('GET', `/v3/videos/${id}`)).json.data.video_url).toBe(`${FILES}/video/${up}.mp4`);
    expect(clientGets(`/v3/videos/${up}`).length).toBe(before);

    // Age the record past the refresh threshold (a second connection to the same SQLite file),
    // and have the upstream hand out a freshly presigned URL.
    const db = new Database(join(h.dataDir, 'gateway.db'));
    const aged = (ms: number) => db.prepare('UPDATE jobs SET updated_at = ? WHERE id = ?').run(Date.now() - ms, id);
    try {
      aged(URL_REFRESH_AFTER_MS + 60_000);
      const fresh = `${FILES}/video/${up}.mp4?Expires=9999999999&Signature=fresh`;
      h.hg.faults.add({
        method: 'GET',
        path: `/v3/videos/${up}`,
        status: 200,
        body: JSON.stringify({ data: { id: up, status: 'completed', video_url: fresh, thumbnail_url: `${FILES}/thumb/${up}.jpg?sig=fresh` } }),
        headers: { 'content-type': 'application/json' },
      });
      const refreshed = await h.call('GET', `/v3/videos/${id}`);
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.data).toMatchObject({ id, status: 'completed', video_url: fresh, thumbnail_url: `${FILES}/thumb/${up}.jpg?sig=fresh` });
      expect(clientGets(`/v3/videos/${up}`).length).toBe(before + 1);
      // Stored: the next GET is answered from the store again, with the new URL.
      const again = await h.call('GET', `/v3/videos/${id}`);
      expect(again.json.data.video_url).toBe(fresh);
      expect(clientGets(`/v3/videos/${up}`).length).toBe(before + 1);

      // An upstream that now says something else never changes the outcome.
      aged(URL_REFRESH_AFTER_MS + 60_000);
      h.hg.faults.add({
        method: 'GET',
        path: `/v3/videos/${up}`,
        status: 200,
        body: JSON.stringify({ data: { id: up, status: 'processing', video_url: null } }),
        headers: { 'content-type': 'application/json' },
      });
      const odd = await h.call('GET', `/v3/videos/${id}`);
      expect(odd.json.data).toMatchObject({ id, status: 'completed', video_url: fresh });
      expect((await job(id)).status).toBe('completed');
      // No second event for a job that was already finished.
      expect((await h.app.gateway.store.listEvents('acme', 200)).filter((e) => e.jobId === id)).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});

describe('upstream URLs near expiry, upstream unavailable', () => {
  it('a finished job is still served from the store when refreshing its URLs fails', async () => {
    const created = await h.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: `${rx.url}/urls-down` } });
    const id = created.json.data.video_id as string;
    await acked(rx, '/urls-down');
    const up = (await job(id)).upstreamId;
    const db = new Database(join(h.dataDir, 'gateway.db'));
    try {
      db.prepare('UPDATE jobs SET updated_at = ? WHERE id = ?').run(Date.now() - URL_REFRESH_AFTER_MS - 60_000, id);
      h.hg.faults.add({ method: 'GET', path: `/v3/videos/${up}`, status: 503, body: JSON.stringify({ error: { code: 'service_unavailable', message: 'down' } }) });
      const before = clientGets(`/v3/videos/${up}`).length;
      const got = await h.call('GET', `/v3/videos/${id}`);
      expect(clientGets(`/v3/videos/${up}`).length).toBe(before + 1);
      expect(got.status, got.text).toBe(200);
      expect(got.json.data).toMatchObject({ id, status: 'completed', video_url: `${FILES}/video/${up}.mp4` });
      // The next GET tries the upstream again (the URLs are still old) and now refreshes them.
      const again = await h.call('GET', `/v3/videos/${id}`);
      expect(again.json.data).toMatchObject({ id, status: 'completed', video_url: `${FILES}/video/${up}.mp4` });
      expect(clientGets(`/v3/videos/${up}`).length).toBe(before + 2);
      expect((await job(id)).updatedAt).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      db.close();
    }
  });
});

describe('SSRF', () => {
  it('refuses loopback, private and link-local callback targets at create (400 invalid_parameter callback_url) unless allowed', async () => {
    const strict = await startLifecycleHarness({ allowPrivateTargets: false, background: false });
    try {
      const message = "'callback_url' points at a loopback, private or link-local address, which this gateway does not call.";
      for (const target of ['http://127.0.0.1/hook', `${rx.url}/hook`, 'http://localhost:9000/x', 'http://[::1]/x', 'https://10.0.0.8/x', 'http://169.254.169.254/latest/meta-data']) {
        const res = await strict.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: target } });
        expect(res.status, target).toBe(400);
        expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message, param: 'callback_url', doc_url: null } });
      }
      const tr = await strict.call('POST', '/v3/video-translations', { body: { ...TRANSLATION, callback_url: 'http://127.0.0.1/hook' } });
      expect(tr.status).toBe(400);
      expect(tr.json.error).toMatchObject({ code: 'invalid_parameter', param: 'callback_url' });
      const notHttp = await strict.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: 'ftp://example.com/hook' } });
      expect(notHttp.json.error).toMatchObject({ code: 'invalid_parameter', param: 'callback_url' });
      // Nothing reached an upstream.
      expect(strict.hg.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
      // A public target is accepted.
      const ok = await strict.call('POST', '/v3/videos', { body: { ...VIDEO, callback_url: 'https://hooks.example.com/heygen' } });
      expect(ok.status, ok.text).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
