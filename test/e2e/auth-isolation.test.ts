/**
 * Who may call, and what each client may see and reach. acme may use account hg only; globex may
 * use hg2 then hg. Pinning with X-Gateway-Account chooses among the client's own accounts for new
 * work; reads of an existing job always go to the account that made it (the pin is still checked
 * to be one of the client's accounts, as everywhere, but it never redirects a read).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, UPSTREAM_KEYS, leaksIn, startHarness, upstreamCalls, type Answer, type Harness } from '../helpers/gateway.js';

const VIDEO = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
} as const;

const TRANSLATION = {
  video: { type: 'url', url: 'https://example.com/video.mp4' },
  output_languages: ['Spanish'],
  mode: 'speed',
  title: 'My Translated Video',
} as const;

const UNAUTHORIZED = {
  error: { code: 'unauthorized', message: 'Invalid or missing API key. Send it in the X-Api-Key header.', param: null, doc_url: null },
};
const forbidden = (account: string) => ({
  error: { code: 'forbidden', message: `Account "${account}" is not available to this client.`, param: 'X-Gateway-Account', doc_url: null },
});
const VIDEO_NOT_FOUND = { error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } };
const TRANSLATION_NOT_FOUND = { error: { code: 'video_not_found', message: 'Video translation not found.', param: null, doc_url: null } };

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.hg.reset();
  h.hg2.reset();
});

const upstreamTotal = (): number => h.hg.requests.length + h.hg2.requests.length;

async function createVideo(key: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await h.call('POST', '/v3/videos', { key, body: VIDEO, headers });
  expect(res.status, res.text).toBe(200);
  return res;
}

async function createTranslation(key: string): Promise<string> {
  const res = await h.call('POST', '/v3/video-translations', { key, body: TRANSLATION });
  expect(res.status, res.text).toBe(200);
  return (res.json.data.video_translation_ids as string[])[0] as string;
}

describe('authentication', () => {
  const routes: Array<[string, string, unknown?]> = [
    ['POST', '/v3/videos', VIDEO],
    ['GET', '/v3/videos'],
    ['GET', '/v3/videos/gv_anything0000000000000'],
    ['DELETE', '/v3/videos/gv_anything0000000000000'],
    ['POST', '/v3/video-translations', TRANSLATION],
    ['GET', '/v3/video-translations'],
    ['GET', '/v3/video-translations/languages'],
  ];

  it.each(routes)('%s %s without a key is 401 unauthorized and reaches no upstream', async (method, path, body) => {
    const res = await h.call(method, path, { key: null, ...(body ? { body } : {}) });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(UNAUTHORIZED);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-gateway-account']).toBeUndefined();
    expect(upstreamTotal()).toBe(0);
  });

  it.each([
    ['a wrong X-Api-Key', { 'x-api-key': 'acme-client-key-but-wrong' }],
    ['an upstream key as X-Api-Key', { 'x-api-key': UPSTREAM_KEYS.hg }],
    ['a wrong Bearer token', { authorization: 'Bearer not-a-client-key' }],
    ['a Basic authorization', { authorization: `Basic ${Buffer.from(`acme:${KEYS.acme}`).toString('base64')}` }],
    ['an empty X-Api-Key', { 'x-api-key': '' }],
  ])('refuses %s with 401 unauthorized', async (_name, headers) => {
    const res = await h.call('POST', '/v3/videos', { key: null, headers, body: VIDEO });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(UNAUTHORIZED);
    expect(leaksIn(res.text)).toEqual([]);
    expect(upstreamTotal()).toBe(0);
  });

  it('accepts the client key as Authorization: Bearer and never sends it upstream', async () => {
    const res = await h.call('POST', '/v3/videos', { key: null, headers: { authorization: `Bearer ${KEYS.acme}` }, body: VIDEO });
    expect(res.status).toBe(200);
    expect(res.json.data.status).toBe('pending');
    const id = res.json.data.video_id as string;

    const poll = await h.call('GET', `/v3/videos/${id}`, { key: null, headers: { authorization: `Bearer ${KEYS.acme}` } });
    expect(poll.status).toBe(200);
    expect(poll.json.data.id).toBe(id);
    // the same client whichever way it authenticates
    const viaHeader = await h.call('GET', `/v3/videos/${id}`);
    expect(viaHeader.status).toBe(200);

    for (const r of h.hg.requests) {
      expect(r.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
      expect(r.headers.authorization).toBeUndefined();
      expect(JSON.stringify(r.headers)).not.toContain(KEYS.acme);
    }
  });
});

describe("one client cannot reach another's jobs", () => {
  it("globex cannot GET, DELETE or list acme's video, and the upstream is never asked", async () => {
    const id = (await createVideo(KEYS.acme)).json.data.video_id as string;
    const before = upstreamTotal();

    const get = await h.call('GET', `/v3/videos/${id}`, { key: KEYS.globex });
    expect(get.status).toBe(404);
    expect(get.json).toEqual(VIDEO_NOT_FOUND);
    expect(get.headers['x-gateway-account']).toBeUndefined();

    const del = await h.call('DELETE', `/v3/videos/${id}`, { key: KEYS.globex });
    expect(del.status).toBe(404);
    expect(del.json).toEqual(VIDEO_NOT_FOUND);

    const list = await h.call('GET', '/v3/videos?limit=100', { key: KEYS.globex });
    expect(list.status).toBe(200);
    expect((list.json.data as Array<{ id: string }>).map((v) => v.id)).not.toContain(id);
    expect(upstreamTotal()).toBe(before);

    // still acme's, untouched
    const mine = await h.call('GET', `/v3/videos/${id}`, { key: KEYS.acme });
    expect(mine.status).toBe(200);
    expect(mine.json.data.id).toBe(id);
    expect(upstreamCalls(h.hg, 'DELETE')).toHaveLength(0);
  });

  it("globex cannot GET or list acme's translation", async () => {
    const id = await createTranslation(KEYS.acme);
    const before = upstreamTotal();

    const get = await h.call('GET', `/v3/video-translations/${id}`, { key: KEYS.globex });
    expect(get.status).toBe(404);
    expect(get.json).toEqual(TRANSLATION_NOT_FOUND);
    const list = await h.call('GET', '/v3/video-translations?limit=100', { key: KEYS.globex });
    expect(list.status).toBe(200);
    expect((list.json.data as Array<{ id: string }>).map((t) => t.id)).not.toContain(id);
    expect(upstreamTotal()).toBe(before);

    const mine = await h.call('GET', `/v3/video-translations/${id}`, { key: KEYS.acme });
    expect(mine.status).toBe(200);
  });

  it("acme cannot reach globex's video even though both clients use account hg", async () => {
    const id = (await createVideo(KEYS.globex, { 'x-gateway-account': 'hg' })).json.data.video_id as string;
    const before = upstreamTotal();
    const get = await h.call('GET', `/v3/videos/${id}`, { key: KEYS.acme });
    expect(get.status).toBe(404);
    expect(get.json).toEqual(VIDEO_NOT_FOUND);
    expect(upstreamTotal()).toBe(before);
  });
});

describe('X-Gateway-Account', () => {
  it.each(['hg2', 'no-such-account'])('pinning acme to %s (not one of its accounts) is 403 forbidden, upstream untouched', async (pin) => {
    const res = await h.call('POST', '/v3/videos', { body: VIDEO, headers: { 'x-gateway-account': pin } });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(forbidden(pin));
    const tr = await h.call('POST', '/v3/video-translations', { body: TRANSLATION, headers: { 'x-gateway-account': pin } });
    expect(tr.status).toBe(403);
    expect(tr.json).toEqual(forbidden(pin));
    expect(upstreamTotal()).toBe(0);
  });

  it('unpinned globex goes to hg2, the first of its accounts', async () => {
    const res = await createVideo(KEYS.globex);
    expect(res.headers['x-gateway-account']).toBe('hg2');
    expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
    expect(upstreamCalls(h.hg2, 'POST', '/v3/videos')).toHaveLength(1);
    expect(upstreamCalls(h.hg2, 'POST')[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg2);
    expect(h.hg.requests).toHaveLength(0);
  });

  it('globex pinned to hg is served by hg with hg\'s key', async () => {
    const res = await createVideo(KEYS.globex, { 'x-gateway-account': 'hg' });
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')).toHaveLength(1);
    expect(upstreamCalls(h.hg, 'POST')[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(h.hg2.requests).toHaveLength(0);

    const tr = await h.call('POST', '/v3/video-translations', { key: KEYS.globex, body: TRANSLATION, headers: { 'x-gateway-account': 'hg' } });
    expect(tr.status).toBe(200);
    expect(tr.headers['x-gateway-account']).toBe('hg');
    expect(h.hg2.requests).toHaveLength(0);
  });

  it('a poll goes to the account that made the job, whichever of its accounts the client pins', async () => {
    const id = (await createVideo(KEYS.globex)).json.data.video_id as string; // made on hg2
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.call('GET', `/v3/videos/${id}`, { key: KEYS.globex, headers: { 'x-gateway-account': 'hg' } });
      expect(res.status).toBe(200);
      expect(res.headers['x-gateway-account']).toBe('hg2');
      statuses.push(res.json.data.status as string);
    }
    expect(statuses).toEqual(['pending', 'processing', 'completed']);
    expect(upstreamCalls(h.hg2, 'GET', '/v3/videos/')).toHaveLength(3);
    expect(h.hg.requests).toHaveLength(0);

    const tid = (await h.call('POST', '/v3/video-translations', { key: KEYS.globex, body: TRANSLATION, headers: { 'x-gateway-account': 'hg' } })).json
      .data.video_translation_ids[0] as string; // made on hg
    const tpoll = await h.call('GET', `/v3/video-translations/${tid}`, { key: KEYS.globex, headers: { 'x-gateway-account': 'hg2' } });
    expect(tpoll.status).toBe(200);
    expect(tpoll.headers['x-gateway-account']).toBe('hg');
    expect(upstreamCalls(h.hg2, 'GET', '/v3/video-translations/')).toHaveLength(0);

    const del = await h.call('DELETE', `/v3/videos/${id}`, { key: KEYS.globex, headers: { 'x-gateway-account': 'hg' } });
    expect(del.status).toBe(200);
    expect(del.headers['x-gateway-account']).toBe('hg2');
    expect(upstreamCalls(h.hg2, 'DELETE')).toHaveLength(1);
    expect(upstreamCalls(h.hg, 'DELETE')).toHaveLength(0);
  });

  it("a pin that is not one of the client's accounts is 403 on reads too, and the job is untouched", async () => {
    const id = (await createVideo(KEYS.acme)).json.data.video_id as string;
    const tid = await createTranslation(KEYS.acme);
    const before = upstreamTotal();
    const pin = { 'x-gateway-account': 'hg2' };

    for (const [method, path] of [
      ['GET', `/v3/videos/${id}`],
      ['DELETE', `/v3/videos/${id}`],
      ['GET', '/v3/videos'],
      ['GET', `/v3/video-translations/${tid}`],
      ['GET', '/v3/video-translations'],
      ['GET', '/v3/video-translations/languages'],
    ] as const) {
      const res = await h.call(method, path, { headers: pin });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json).toEqual(forbidden('hg2'));
    }
    expect(upstreamTotal()).toBe(before);
    expect((await h.call('GET', `/v3/videos/${id}`)).status).toBe(200);
  });
});
