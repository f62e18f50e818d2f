/**
 * GMI end to end: the real gateway on loopback in front of the GMI request-queue simulator (and a
 * HeyGen v3 simulator for what GMI cannot do). The request is the GMI document's own example
 * (seeds/004_125527b49f4e5a62.txt) asked for in v3 terms; the upstream body must be exactly the
 * document's `{model, payload}`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANCELLED_MESSAGE } from '../../adapters/gmi/translate.js';
import { FAILURE_TEXT, GMI_REQUESTS_PATH } from '../../src/sandbox/gmi.js';
import { ACCOUNTS, GMI_MODEL, KEYS, UPSTREAM_KEYS, startGmiHarness, upstreamCalls, type Answer, type GmiHarness } from '../helpers/gmi-harness.js';

/** What the document's request asks for, as a v3 body. */
const V3_AVATAR = {
  type: 'avatar',
  avatar_id: 'YOUR_AVATAR_ID',
  script: 'Hello, welcome to HeyGen avatar video generation.',
  voice_id: 'YOUR_VOICE_ID',
  voice_settings: { speed: 1.0, pitch: 0 },
  resolution: '1080p',
  aspect_ratio: '16:9',
} as const;

/** The document's request body, minus `caption: false` (GMI's default, which v3 cannot ask for). */
const DOC_UPSTREAM_BODY = {
  model: 'heygen-avatar-4',
  payload: {
    video_inputs: [
      {
        character: { type: 'avatar', avatar_id: 'YOUR_AVATAR_ID', avatar_style: 'normal' },
        voice: {
          type: 'text',
          input_text: 'Hello, welcome to HeyGen avatar video generation.',
          voice_id: 'YOUR_VOICE_ID',
          speed: 1.0,
          pitch: 0,
        },
      },
    ],
    dimension: { width: 1920, height: 1080 },
  },
};

const GATEWAY_ID = /^gv_[A-Za-z0-9_-]{16,}$/;
const STORAGE = 'https://storage.googleapis.com/gmi-sandbox';

let h: GmiHarness;

beforeAll(async () => {
  h = await startGmiHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.reset());

async function create(body: unknown = V3_AVATAR, opts: { key?: string; pin?: string } = {}): Promise<string> {
  const res = await h.call('POST', '/v3/videos', { body, ...opts });
  expect(res.status, res.text).toBe(200);
  return res.json.data.video_id as string;
}

const get = (id: string, key: string = KEYS.solo): Promise<Answer> => h.call('GET', `/v3/videos/${id}`, { key });

/** The GMI request id behind the newest gateway video. */
function lastRequestId(): string {
  const id = h.gmi.requestIds().at(-1);
  if (!id) throw new Error('GMI saw no submit');
  return id;
}

function expectGatewayError(res: Answer, status: number, code: string, param?: string | null): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json.error.code).toBe(code);
  if (param !== undefined) expect(res.json.error.param).toBe(param);
}

describe('create', () => {
  it('submits the document body {model, payload} with the account key as Bearer, answers a gateway id', async () => {
    const res = await h.call('POST', '/v3/videos', { body: { ...V3_AVATAR, callback_url: 'https://client.example.com/hook' } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toStrictEqual({ data: { video_id: expect.stringMatching(GATEWAY_ID), status: 'pending' } });
    expect(res.headers['x-gateway-account']).toBe(ACCOUNTS.gmi);
    expect(res.headers['x-gateway-provider']).toBe('gmi');

    const posts = upstreamCalls(h.gmi, 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe(GMI_REQUESTS_PATH);
    expect(posts[0]!.body).toStrictEqual(DOC_UPSTREAM_BODY);
    expect(posts[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEYS.gmi}`);
    expect(posts[0]!.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(posts[0])).not.toContain(KEYS.solo);
    expect(JSON.stringify(posts[0])).not.toContain('client.example.com');
    // the gateway id is not GMI's request id
    expect(res.json.data.video_id).not.toContain(lastRequestId());
  });

  it('keeps title and callback_id in the payload', async () => {
    await create({ ...V3_AVATAR, title: 'Welcome', callback_id: 'order-42' });
    expect(upstreamCalls(h.gmi, 'POST')[0]!.body).toStrictEqual({
      model: GMI_MODEL,
      payload: { ...DOC_UPSTREAM_BODY.payload, title: 'Welcome', callback_id: 'order-42' },
    });
  });

  it('a script without voice_id: 400 invalid_parameter naming voice_id, nothing sent to GMI', async () => {
    const { voice_id: _none, ...noVoice } = V3_AVATAR;
    const res = await h.call('POST', '/v3/videos', { body: noVoice });
    expectGatewayError(res, 400, 'invalid_parameter', 'voice_id');
    expect(h.gmi.requests).toHaveLength(0);
  });

  it("a legacy v2 client's multi-scene body goes to GMI as the payload", async () => {
    const scene = DOC_UPSTREAM_BODY.payload.video_inputs[0]!;
    const v2 = {
      video_inputs: [scene, { ...scene, voice: { ...scene.voice, input_text: 'And goodbye.' }, background: { type: 'color', value: '#FAFAFA' } }],
      dimension: { width: 1280, height: 720 },
      caption: true,
      title: 'Two scenes',
      callback_url: 'https://client.example.com/hook',
    };
    const res = await h.call('POST', '/v2/video/generate', { body: v2, pin: ACCOUNTS.gmi });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-gateway-provider']).toBe('gmi');
    const { callback_url: _gatewayDelivers, ...payload } = v2;
    expect(upstreamCalls(h.gmi, 'POST')[0]!.body).toStrictEqual({ model: GMI_MODEL, payload });
  });
});

describe('status words', () => {
  const detailOf = async (id: string): Promise<Record<string, unknown>> => {
    const res = await get(id);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-gateway-provider']).toBe('gmi');
    return res.json.data as Record<string, unknown>;
  };

  it.each<[string, string]>([
    ['created', 'pending'],
    ['queued', 'pending'],
    ['dispatched', 'pending'],
    ['processing', 'processing'],
  ])('GMI %s -> %s, read with one GET of the request', async (word, status) => {
    const id = await create();
    const requestId = lastRequestId();
    h.gmi.setStatus(requestId, word);
    expect(await detailOf(id)).toStrictEqual({ id, title: null, status, created_at: expect.any(Number) });
    expect(upstreamCalls(h.gmi, 'GET')).toHaveLength(1);
    expect(upstreamCalls(h.gmi, 'GET')[0]!.path).toBe(`${GMI_REQUESTS_PATH}/${requestId}`);
    expect(upstreamCalls(h.gmi, 'GET')[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEYS.gmi}`);
  });

  it('GMI success -> completed with the outcome mapped, then served from the store', async () => {
    const id = await create({ ...V3_AVATAR, title: 'Welcome' });
    const requestId = lastRequestId();
    h.gmi.setStatus(requestId, 'success');
    const d = await detailOf(id);
    expect(d).toStrictEqual({
      id,
      title: 'Welcome',
      status: 'completed',
      created_at: expect.any(Number),
      completed_at: expect.any(Number),
      video_url: `${STORAGE}/${requestId}.mp4`,
      thumbnail_url: `${STORAGE}/${requestId}.jpg`,
      // seven words at the simulator's 2.5 words a second
      duration: 2.8,
    });
    expect(d.completed_at).toBeGreaterThanOrEqual(d.created_at as number);
    // a finished job is not polled again
    expect(await detailOf(id)).toStrictEqual(d);
    expect(upstreamCalls(h.gmi, 'GET')).toHaveLength(1);
  });

  it('GMI failed -> failed with GMI reason', async () => {
    const id = await create();
    h.gmi.setStatus(lastRequestId(), 'failed');
    expect(await detailOf(id)).toStrictEqual({
      id,
      title: null,
      status: 'failed',
      created_at: expect.any(Number),
      completed_at: expect.any(Number),
      failure_message: FAILURE_TEXT,
    });
  });

  it('GMI cancelled -> failed with failure_code "cancelled"', async () => {
    const id = await create();
    h.gmi.setStatus(lastRequestId(), 'cancelled');
    expect(await detailOf(id)).toStrictEqual({
      id,
      title: null,
      status: 'failed',
      created_at: expect.any(Number),
      completed_at: expect.any(Number),
      failure_code: 'cancelled',
      failure_message: CANCELLED_MESSAGE,
    });
  });

  it('an undocumented GMI word -> processing', async () => {
    const id = await create();
    h.gmi.setStatus(lastRequestId(), 'rendering');
    expect(await detailOf(id)).toStrictEqual({ id, title: null, status: 'processing', created_at: expect.any(Number) });
  });

  it('the queue walk reaches completed through pending and processing, never going back', async () => {
    const id = await create();
    const order = ['pending', 'processing', 'completed'];
    const seen: string[] = [];
    for (let i = 0; i < 10 && seen.at(-1) !== 'completed'; i++) seen.push((await detailOf(id)).status as string);
    expect(seen.at(-1)).toBe('completed');
    expect(seen).toContain('pending');
    expect(seen).toContain('processing');
    const ranks = seen.map((s) => order.indexOf(s));
    expect(ranks).toStrictEqual([...ranks].sort((a, b) => a - b));
  });

  it('[fail] in the script walks to failed; [cancel] in the title to failed/cancelled', async () => {
    const failing = await create({ ...V3_AVATAR, script: 'This one will [fail].' });
    const cancelled = await create({ ...V3_AVATAR, title: 'Launch [cancel]' });
    const last = async (id: string): Promise<Record<string, unknown>> => {
      let d: Record<string, unknown> = {};
      for (let i = 0; i < 10 && d.status !== 'failed'; i++) d = await detailOf(id);
      return d;
    };
    expect(await last(failing)).toMatchObject({ status: 'failed', failure_message: FAILURE_TEXT });
    expect(await last(cancelled)).toMatchObject({ status: 'failed', failure_code: 'cancelled', title: 'Launch [cancel]' });
  });

  it('the legacy status route reads a GMI job too', async () => {
    const id = await create();
    h.gmi.setStatus(lastRequestId(), 'success');
    const res = await h.call('GET', `/v1/video_status.get?video_id=${id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ id, status: 'completed', video_url: `${STORAGE}/${lastRequestId()}.mp4` });
  });
});

describe('GMI error bodies', () => {
  it('400 {"error"} on submit -> 400 invalid_parameter with GMI text', async () => {
    h.gmi.faults.add({ method: 'POST', path: GMI_REQUESTS_PATH, status: 400, body: '{"error":"avatar YOUR_AVATAR_ID is not available"}' });
    const res = await h.call('POST', '/v3/videos', { body: V3_AVATAR });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message: 'avatar YOUR_AVATAR_ID is not available', param: null, doc_url: null } });
  });

  it('402 {"error"} -> 402 insufficient_credit', async () => {
    h.gmi.faults.add({ method: 'POST', path: GMI_REQUESTS_PATH, status: 402, body: '{"error":"insufficient balance"}' });
    const res = await h.call('POST', '/v3/videos', { body: V3_AVATAR });
    expect([res.status, res.json.error.code, res.json.error.message]).toStrictEqual([402, 'insufficient_credit', 'insufficient balance']);
  });

  it('429 {"error"} -> 429 rate_limit_exceeded with Retry-After', async () => {
    h.gmi.faults.add({ method: 'POST', path: GMI_REQUESTS_PATH, status: 429, body: '{"error":"rate limited"}', headers: { 'retry-after': '9' } });
    const res = await h.call('POST', '/v3/videos', { body: V3_AVATAR });
    expectGatewayError(res, 429, 'rate_limit_exceeded');
    expect(res.headers['retry-after']).toBe('9');
  });

  it('401 (the account key refused) -> 502, the client not blamed', async () => {
    h.gmi.faults.add({ method: 'POST', path: GMI_REQUESTS_PATH, status: 401, body: '{"error":"unauthorized"}' });
    const res = await h.call('POST', '/v3/videos', { body: V3_AVATAR });
    expectGatewayError(res, 502, 'upstream_error');
    expect(res.text).not.toContain(UPSTREAM_KEYS.gmi);
  });

  it('500 {"error"} -> 502 upstream_error without GMI text', async () => {
    h.gmi.faults.add({ method: 'POST', path: GMI_REQUESTS_PATH, status: 500, body: '{"error":"worker pool exhausted on node-7"}' });
    const res = await h.call('POST', '/v3/videos', { body: V3_AVATAR });
    expectGatewayError(res, 502, 'upstream_error');
    expect(res.text).not.toContain('node-7');
  });

  it('404 {"error"} on a status read -> 404 video_not_found, GMI id not named', async () => {
    const id = await create();
    const requestId = lastRequestId();
    h.gmi.reset(); // GMI forgot the request
    const res = await get(id);
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
    expect(res.text).not.toContain(requestId);
  });

  it('a 200 that is not JSON -> 502', async () => {
    const id = await create();
    h.gmi.faults.add({ method: 'GET', path: `${GMI_REQUESTS_PATH}/${lastRequestId()}`, status: 200, body: '<html>maintenance</html>' });
    expectGatewayError(await get(id), 502, 'upstream_error');
  });
});

describe('what GMI cannot do', () => {
  it.each<[string, string, string, unknown]>([
    ['a video translation', 'POST', '/v3/video-translations', { video: { type: 'url', url: 'https://example.com/talk.mp4' }, output_languages: ['Spanish'] }],
    ['the voice list', 'GET', '/v3/voices', undefined],
    ['the avatar list', 'GET', '/v3/avatars', undefined],
    ['the user', 'GET', '/v3/users/me', undefined],
  ])('pinned to GMI, %s is 400 provider_capability_unsupported without an upstream call', async (_name, method, path, body) => {
    const res = await h.call(method, path, { key: KEYS.hgfirst, pin: ACCOUNTS.gmi, body });
    expectGatewayError(res, 400, 'provider_capability_unsupported', 'X-Gateway-Account');
    expect(res.json.error.message).toContain(ACCOUNTS.gmi);
    expect(h.gmi.requests).toHaveLength(0);
    expect(h.hg.requests).toHaveLength(0);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an image video', { type: 'image', image: { type: 'url', url: 'https://example.com/person.jpg' }, script: 'Hi there.', voice_id: 'YOUR_VOICE_ID' }, 'type'],
    ['an engine', { ...V3_AVATAR, engine: { type: 'avatar_v' } }, 'engine'],
    ['a motion prompt', { ...V3_AVATAR, motion_prompt: 'waves at the camera' }, 'motion_prompt'],
    ['webm output', { ...V3_AVATAR, output_format: 'webm' }, 'output_format'],
  ])('pinned to GMI, %s is 400 provider_capability_unsupported naming the field', async (_name, body, param) => {
    const res = await h.call('POST', '/v3/videos', { body, pin: ACCOUNTS.gmi });
    expectGatewayError(res, 400, 'provider_capability_unsupported', param);
    expect(h.gmi.requests).toHaveLength(0);
  });

  it('deleting a GMI video is 400 provider_capability_unsupported (GMI has no delete), the video stays', async () => {
    const id = await create();
    const res = await h.call('DELETE', `/v3/videos/${id}`);
    expectGatewayError(res, 400, 'provider_capability_unsupported', null);
    expect(res.json.error.message).toBe(`Account "${ACCOUNTS.gmi}" (gmi) cannot delete videos: GMI serves avatar video only.`);
    expect((await get(id)).status).toBe(200);
    expect(upstreamCalls(h.gmi).map((r) => r.method)).toStrictEqual(['POST', 'GET']);
  });

  it('with only a GMI account, the voice list has no eligible account', async () => {
    const res = await h.call('GET', '/v3/voices', { key: KEYS.solo });
    expectGatewayError(res, 400, 'no_eligible_account');
    expect(h.gmi.requests).toHaveLength(0);
  });

  it('with GMI first, routing sends avatar video to GMI and skips it for the rest', async () => {
    const video = await h.call('POST', '/v3/videos', { key: KEYS.mixed, body: V3_AVATAR });
    expect([video.status, video.headers['x-gateway-account']]).toStrictEqual([200, ACCOUNTS.gmi]);

    const voices = await h.call('GET', '/v3/voices', { key: KEYS.mixed });
    expect(voices.status, voices.text).toBe(200);
    expect(voices.headers['x-gateway-account']).toBe(ACCOUNTS.hg);

    const translation = await h.call('POST', '/v3/video-translations', {
      key: KEYS.mixed,
      body: { video: { type: 'url', url: 'https://example.com/talk.mp4' }, output_languages: ['Spanish'] },
    });
    expect(translation.status, translation.text).toBe(200);
    expect(translation.headers['x-gateway-account']).toBe(ACCOUNTS.hg);

    const image = await h.call('POST', '/v3/videos', {
      key: KEYS.mixed,
      body: { type: 'image', image: { type: 'url', url: 'https://example.com/person.jpg' }, script: 'Hi there.', voice_id: '1bd001e7e50f421d891986aad5c8bbd2' },
    });
    expect(image.status, image.text).toBe(200);
    expect(image.headers['x-gateway-account']).toBe(ACCOUNTS.hg);

    // GMI saw the one avatar video and nothing else
    expect(h.gmi.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([`POST ${GMI_REQUESTS_PATH}`]);
  });

  it('with HeyGen first, a pin reaches GMI and no pin stays on HeyGen', async () => {
    const pinned = await h.call('POST', '/v3/videos', { key: KEYS.hgfirst, pin: ACCOUNTS.gmi, body: V3_AVATAR });
    expect([pinned.status, pinned.headers['x-gateway-provider']]).toStrictEqual([200, 'gmi']);
    const routed = await h.call('POST', '/v3/videos', {
      key: KEYS.hgfirst,
      body: { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' },
    });
    expect([routed.status, routed.headers['x-gateway-provider']]).toStrictEqual([200, 'heygen-v3']);
    expect(upstreamCalls(h.gmi, 'POST')).toHaveLength(1);
  });
});
