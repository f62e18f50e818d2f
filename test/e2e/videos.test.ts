/**
 * POST/GET/LIST/DELETE /v3/videos end to end: a real gateway on loopback in front of the HeyGen v3
 * simulator. The request bodies are the v3 documents' own examples (002_0ef26fb39557cb97.txt),
 * with the documents' placeholders replaced by the simulator's ids.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, UPSTREAM_KEYS, startHarness, upstreamCalls, type Answer, type Harness } from '../helpers/gateway.js';

/** "Avatar Video" (Avatar Looks page), verbatim: look_def456 and Monica's voice exist in the simulator. */
const AVATAR_EXAMPLE = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
} as const;

/** "Using Avatar V" (Digital Twin guide), with the simulator's twin look that lists avatar_v and its voice. */
const DIGITAL_TWIN_AVATAR_V = {
  type: 'avatar',
  avatar_id: 'look_e7a8ba',
  script: 'Hello! I am your Digital Twin.',
  voice_id: '25c4a4b850e4d13f8f6f5064f648beae',
  title: 'My Digital Twin — Avatar V',
  resolution: '1080p',
  aspect_ratio: 'auto',
  engine: { type: 'avatar_v' },
} as const;

/** "Image to Video" step 1, with the docs' voice Sara for YOUR_VOICE_ID. */
const IMAGE_BY_URL = {
  type: 'image',
  image: { type: 'url', url: 'https://example.com/person.jpg' },
  script: 'Hello! This video was generated directly from a photo, with no avatar setup needed.',
  voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
  title: 'Image to Video Demo',
  resolution: '1080p',
  aspect_ratio: 'auto',
} as const;

/** "Direct Video" (choosing a workflow), with a look and voice, plus a callback_id. */
const DIRECT_WITH_CALLBACK = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
  script: 'Hi there! This video was created just for you.',
  aspect_ratio: 'auto',
  resolution: '1080p',
  callback_url: 'https://yourapp.com/webhook/heygen',
  callback_id: 'crm-row-42',
} as const;

const FILES = 'https://files.heygen.ai';
const GATEWAY_ID = /^gv_[A-Za-z0-9_-]{16,}$/;

let h: Harness;

// One gateway for the file (start-up is the slow part); each test starts from empty simulators.
// Tests that read the client's whole list get a gateway of their own.
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

async function create(body: unknown): Promise<string> {
  const res = await h.call('POST', '/v3/videos', { body });
  expect(res.status, res.text).toBe(200);
  return res.json.data.video_id as string;
}

/** The upstream id behind a gateway id: the path of the simulator's last GET of a video. */
function upstreamIdOfLastPoll(): string {
  const last = upstreamCalls(h.hg, 'GET', '/v3/videos/').at(-1);
  if (!last) throw new Error('the simulator saw no poll');
  return last.path.slice('/v3/videos/'.length);
}

function expectServedByHg(res: Answer): void {
  expect(res.headers['x-gateway-account']).toBe('hg');
  expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
  expect(res.headers['x-request-id']).toEqual(expect.stringMatching(/^\S+$/));
}

describe('POST /v3/videos', () => {
  it.each([
    ['the avatar video example', AVATAR_EXAMPLE],
    ['the Digital Twin example with engine avatar_v', DIGITAL_TWIN_AVATAR_V],
    ['an image video by URL', IMAGE_BY_URL],
  ])('forwards %s to the account with its own key and answers a gateway id', async (_name, body) => {
    const res = await h.call('POST', '/v3/videos', { body });

    expect(res.status).toBe(200);
    const id = res.json.data.video_id as string;
    expect(res.json).toEqual({ data: { video_id: id, status: 'pending' } });
    expect(id).toMatch(GATEWAY_ID);
    expectServedByHg(res);

    const sent = upstreamCalls(h.hg);
    expect(sent).toHaveLength(1);
    const [call] = sent;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/v3/videos');
    expect(call?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(call?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(call?.headers)).not.toContain(KEYS.acme);
    expect(call?.body).toEqual(body);
    expect(h.hg2.requests).toHaveLength(0);

    // The gateway id is its own, not the upstream's, and works as a path segment as is.
    const poll = await h.call('GET', `/v3/videos/${id}`);
    expect(poll.status).toBe(200);
    const upstreamId = upstreamIdOfLastPoll();
    expect(id).not.toContain(upstreamId);
    expect(encodeURIComponent(id)).toBe(id);
  });

  it('keeps callback_url for itself and forwards callback_id', async () => {
    await create(DIRECT_WITH_CALLBACK);
    const { callback_url: _kept, ...forwarded } = DIRECT_WITH_CALLBACK;
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')[0]?.body).toEqual(forwarded);
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const mine = await h.call('POST', '/v3/videos', { body: AVATAR_EXAMPLE, headers: { 'x-request-id': 'req-e2e-001' } });
    expect(mine.headers['x-request-id']).toBe('req-e2e-001');
    const made = await h.call('POST', '/v3/videos', { body: AVATAR_EXAMPLE, headers: { 'x-request-id': 'not ok' } });
    expect(made.headers['x-request-id']).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
  });
});

describe('GET /v3/videos/{id}', () => {
  it('walks pending -> processing -> completed, then answers from the store', async () => {
    const before = Math.floor(Date.now() / 1000);
    const id = await create(AVATAR_EXAMPLE);

    const first = await h.call('GET', `/v3/videos/${id}`);
    const up = upstreamIdOfLastPoll();
    expect(first.status).toBe(200);
    expectServedByHg(first);
    expect(first.json).toEqual({
      data: { id, status: 'pending', title: null, created_at: expect.any(Number), video_page_url: `https://app.heygen.com/video/${up}` },
    });

    const second = await h.call('GET', `/v3/videos/${id}`);
    expect(second.json.data).toEqual({ ...first.json.data, status: 'processing' });

    const third = await h.call('GET', `/v3/videos/${id}`);
    expectServedByHg(third);
    const after = Math.ceil(Date.now() / 1000);
    expect(third.json).toEqual({
      data: {
        id,
        status: 'completed',
        title: null,
        created_at: expect.any(Number),
        completed_at: expect.any(Number),
        video_url: `${FILES}/video/${up}.mp4`,
        thumbnail_url: `${FILES}/thumb/${up}.jpg`,
        gif_url: `${FILES}/gif/${up}.gif`,
        subtitle_url: `${FILES}/srt/${up}.srt`,
        // five words at the simulator's 2.5 words per second
        duration: 2,
        video_page_url: `https://app.heygen.com/video/${up}`,
      },
    });
    const { created_at: createdAt, completed_at: completedAt } = third.json.data as { created_at: number; completed_at: number };
    expect(createdAt).toBeGreaterThanOrEqual(before);
    expect(completedAt).toBeGreaterThanOrEqual(createdAt);
    expect(completedAt).toBeLessThanOrEqual(after);
    expect(upstreamCalls(h.hg, 'GET')).toHaveLength(3);

    for (let i = 0; i < 3; i++) {
      const again = await h.call('GET', `/v3/videos/${id}`);
      expect(again.status).toBe(200);
      expect(again.json).toEqual(third.json);
      // a stored job still names the account that made it
      expectServedByHg(again);
    }
    expect(upstreamCalls(h.hg, 'GET')).toHaveLength(3);
  });

  it('reports a failed render with its failure code and message, and keeps serving it from the store', async () => {
    const id = await create({ ...AVATAR_EXAMPLE, script: 'This line [fail] cannot be spoken.' });
    await h.call('GET', `/v3/videos/${id}`);
    const working = await h.call('GET', `/v3/videos/${id}`);
    expect(working.json.data.status).toBe('processing');

    const failed = await h.call('GET', `/v3/videos/${id}`);
    const up = upstreamIdOfLastPoll();
    expect(failed.status).toBe(200);
    expect(failed.json).toEqual({
      data: {
        id,
        status: 'failed',
        title: null,
        created_at: expect.any(Number),
        completed_at: expect.any(Number),
        failure_code: 'tts_text_invalid',
        failure_message: 'The script contains text that cannot be converted to speech.',
        video_page_url: `https://app.heygen.com/video/${up}`,
      },
    });

    const polls = upstreamCalls(h.hg, 'GET').length;
    const again = await h.call('GET', `/v3/videos/${id}`);
    expect(again.json).toEqual(failed.json);
    expect(upstreamCalls(h.hg, 'GET')).toHaveLength(polls);
  });

  it('answers an upstream status word v3 does not define as processing, then completes', async () => {
    const id = await create({ ...AVATAR_EXAMPLE, title: 'Launch teaser [unknown-status]' });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.call('GET', `/v3/videos/${id}`);
      expect(res.status).toBe(200);
      statuses.push(res.json.data.status as string);
    }
    // the simulator said "rendering" on the second poll
    expect(statuses).toEqual(['pending', 'processing', 'completed']);
    const done = await h.call('GET', `/v3/videos/${id}`);
    expect(done.json.data).toMatchObject({ id, status: 'completed', title: 'Launch teaser [unknown-status]' });
  });

  it('answers 404 video_not_found for an id the gateway never issued, without asking the upstream', async () => {
    for (const id of ['gv_doesNotExist0000000000', 'not-even-a-gateway-id']) {
      const res = await h.call('GET', `/v3/videos/${id}`);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
    }
    expect(h.hg.requests).toHaveLength(0);
  });
});

describe('GET /v3/videos', () => {
  let shared: Harness;
  beforeAll(() => {
    shared = h;
  });
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
    h = shared;
  });

  it('pages 25 videos 10/10/5, newest first, with no duplicates and no upstream call', async () => {
    const created: string[] = [];
    for (let i = 1; i <= 25; i++) created.push(await create({ ...AVATAR_EXAMPLE, title: `Clip ${String(i).padStart(2, '0')}` }));
    const upstreamBefore = h.hg.requests.length;

    const pages: Answer[] = [];
    let token: string | null = null;
    do {
      const res: Answer = await h.call('GET', `/v3/videos?limit=10${token ? `&token=${encodeURIComponent(token)}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(res);
      token = res.json.next_token as string | null;
    } while (token && pages.length < 5);

    expect(pages.map((p) => p.json.data.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.json.has_more)).toEqual([true, true, false]);
    expect(pages[0]?.json.next_token).toEqual(expect.any(String));
    expect(pages[1]?.json.next_token).toEqual(expect.any(String));
    expect(pages[2]?.json.next_token).toBeNull();

    const listed = pages.flatMap((p) => (p.json.data as Array<{ id: string }>).map((v) => v.id));
    expect(new Set(listed).size).toBe(25);
    expect(listed).toEqual([...created].reverse());
    expect(pages[0]?.json.data[0]).toEqual({ id: created[24], status: 'pending', title: 'Clip 25', created_at: expect.any(Number) });
    expect(h.hg.requests).toHaveLength(upstreamBefore);
  });

  it('filters by title, case-insensitively, and ignores other clients and deleted videos', async () => {
    const ids: Record<string, string> = {};
    for (const title of ['Quarterly report', 'Onboarding', 'Quarterly REPORT draft', 'Report card']) ids[title] = await create({ ...AVATAR_EXAMPLE, title });
    await h.call('POST', '/v3/videos', { key: KEYS.globex, body: { ...AVATAR_EXAMPLE, title: 'Quarterly report (globex)' } });
    await h.call('DELETE', `/v3/videos/${ids['Report card']}`);
    const upstreamBefore = h.hg.requests.length;

    const res = await h.call('GET', `/v3/videos?title=${encodeURIComponent('quarterly report')}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: [
        { id: ids['Quarterly REPORT draft'], status: 'pending', title: 'Quarterly REPORT draft', created_at: expect.any(Number) },
        { id: ids['Quarterly report'], status: 'pending', title: 'Quarterly report', created_at: expect.any(Number) },
      ],
      has_more: false,
      next_token: null,
    });
    const none = await h.call('GET', '/v3/videos?title=nothing-like-this');
    expect(none.json).toEqual({ data: [], has_more: false, next_token: null });
    expect(h.hg.requests).toHaveLength(upstreamBefore);
  });

  it('refuses a token it did not issue and a limit over 100', async () => {
    const bad = await h.call('GET', '/v3/videos?token=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: { code: 'invalid_parameter', message: "'token' is not a valid pagination token.", param: 'token', doc_url: null } });
    const big = await h.call('GET', '/v3/videos?limit=101');
    expect(big.status).toBe(400);
    expect(big.json.error).toMatchObject({ code: 'invalid_parameter', param: 'limit' });
  });
});

describe('DELETE /v3/videos/{id}', () => {
  it('deletes upstream by the upstream id, then the video is gone for the client', async () => {
    const id = await create(AVATAR_EXAMPLE);
    await h.call('GET', `/v3/videos/${id}`);
    const up = upstreamIdOfLastPoll();

    const res = await h.call('DELETE', `/v3/videos/${id}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { id, deleted: true } });
    expectServedByHg(res);
    const deletes = upstreamCalls(h.hg, 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual([`/v3/videos/${up}`]);
    expect(deletes[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);

    const notFound = { error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } };
    const requestsBefore = h.hg.requests.length;
    const get = await h.call('GET', `/v3/videos/${id}`);
    expect(get.status).toBe(404);
    expect(get.json).toEqual(notFound);
    const again = await h.call('DELETE', `/v3/videos/${id}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual(notFound);
    expect(h.hg.requests).toHaveLength(requestsBefore);

    const list = await h.call('GET', '/v3/videos?limit=100');
    expect((list.json.data as Array<{ id: string }>).map((v) => v.id)).not.toContain(id);
  });
});
