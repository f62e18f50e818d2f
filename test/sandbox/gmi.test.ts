/**
 * The GMI request-queue simulator over loopback: the document's own request
 * (seeds/004_125527b49f4e5a62.txt) submitted verbatim, GMI's status words walked per poll and by
 * stageMs, failure/cancel/unknown-word on demand, `{"error":...}` bodies, Bearer-only auth and the
 * list endpoint. Every record it answers must parse with the adapter's wire schemas.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import {
  FAILURE_TEXT,
  GMI_REQUESTS_PATH,
  ORG_ID,
  UNKNOWN_STATUS_WORD,
  startGmiSandbox,
  type GmiSandbox,
} from '../../src/sandbox/gmi.js';
import { WireRequest, WireRequestList, WireSubmitted } from '../../adapters/gmi/wire.js';

const KEY = 'gmi_sandbox_test_key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** "Request Format", verbatim. */
const DOC_REQUEST = {
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
    caption: false,
  },
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

let sb: GmiSandbox;

async function call(
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; auth?: 'bearer' | 'x-api-key' | 'none' } = {},
): Promise<Answer> {
  const auth = opts.auth ?? 'bearer';
  const headers: Record<string, string> = {
    ...(auth === 'bearer' ? { authorization: `Bearer ${KEY}` } : auth === 'x-api-key' ? { 'x-api-key': KEY } : {}),
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...opts.headers,
  };
  const res = await request(`${sb.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.body.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: callers look at text
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

const submit = (body: unknown = DOC_REQUEST) => call('POST', GMI_REQUESTS_PATH, { body });
const status = (id: string) => call('GET', `${GMI_REQUESTS_PATH}/${id}`);

/** The document's request with its title/script changed, to carry a marker. */
function withText(text: string, title?: string): unknown {
  const scene = DOC_REQUEST.payload.video_inputs[0]!;
  return {
    model: DOC_REQUEST.model,
    payload: { ...DOC_REQUEST.payload, ...(title ? { title } : {}), video_inputs: [{ ...scene, voice: { ...scene.voice, input_text: text } }] },
  };
}

async function submitted(body?: unknown): Promise<string> {
  const res = await submit(body);
  expect(res.status, res.text).toBe(200);
  return res.json.request_id as string;
}

/** The status words of `n` consecutive GETs. */
async function walk(id: string, n: number): Promise<string[]> {
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await status(id);
    expect(res.status, res.text).toBe(200);
    words.push(res.json.status as string);
  }
  return words;
}

describe('per-poll walk', () => {
  beforeAll(async () => {
    sb = await startGmiSandbox({ apiKey: KEY });
  });
  afterAll(async () => {
    await sb.close();
  });
  beforeEach(() => sb.reset());

  it('accepts the document request verbatim and answers the submit shape', async () => {
    const res = await submit();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.json)).toStrictEqual(['request_id', 'model', 'status', 'created_at', 'updated_at', 'queued_at']);
    expect(res.json.request_id).toMatch(UUID);
    expect(res.json.model).toBe('heygen-avatar-4');
    expect(res.json.status).toBe('created');
    expect(res.json.created_at).toBe(res.json.updated_at);
    expect(res.json.queued_at).toBeNull();
    expect(WireSubmitted.safeParse(res.json).success).toBe(true);

    expect(sb.requests).toHaveLength(1);
    expect(sb.requests[0]).toMatchObject({ method: 'POST', path: GMI_REQUESTS_PATH, body: DOC_REQUEST });
    expect(sb.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('walks created, queued, dispatched, processing, success one GET at a time', async () => {
    const id = await submitted();
    expect(await walk(id, 6)).toStrictEqual(['created', 'queued', 'dispatched', 'processing', 'success', 'success']);
  });

  it('answers a finished request like the document: payload echoed, outcome with the media', async () => {
    const id = await submitted();
    await walk(id, 4);
    const res = await status(id);
    expect(Object.keys(res.json)).toStrictEqual([
      'request_id',
      'org_id',
      'model',
      'status',
      'is_public',
      'payload',
      'outcome',
      'created_at',
      'updated_at',
      'queued_at',
    ]);
    expect(res.json).toMatchObject({
      request_id: id,
      org_id: ORG_ID,
      model: 'heygen-avatar-4',
      status: 'success',
      is_public: false,
      payload: DOC_REQUEST.payload,
      outcome: {
        media_urls: [{ id: '0', url: `https://storage.googleapis.com/gmi-sandbox/${id}.mp4` }],
        thumbnail_image_url: `https://storage.googleapis.com/gmi-sandbox/${id}.jpg`,
        // seven words at 2.5 words a second
        duration: 2.8,
      },
    });
    expect(res.json.updated_at).toBeGreaterThanOrEqual(res.json.created_at);
    expect(res.json.queued_at).toBeGreaterThanOrEqual(res.json.created_at);
    expect(WireRequest.safeParse(res.json).success).toBe(true);
  });

  it('carries no outcome while in progress, and queued_at only once queued', async () => {
    const id = await submitted();
    const first = await status(id);
    expect(first.json.status).toBe('created');
    expect(first.json).not.toHaveProperty('outcome');
    expect(first.json.queued_at).toBeNull();
    const second = await status(id);
    expect(second.json.status).toBe('queued');
    expect(second.json.queued_at).toEqual(expect.any(Number));
  });

  it('[fail] in the script ends failed with a reason', async () => {
    const id = await submitted(withText('Please [fail] now.'));
    expect(await walk(id, 5)).toStrictEqual(['created', 'queued', 'dispatched', 'processing', 'failed']);
    const res = await status(id);
    expect(res.json).toMatchObject({ status: 'failed', error: FAILURE_TEXT });
    expect(res.json).not.toHaveProperty('outcome');
  });

  it('[cancel] in the title ends cancelled', async () => {
    const id = await submitted(withText('Hello there.', 'Launch [cancel]'));
    expect(await walk(id, 5)).toStrictEqual(['created', 'queued', 'dispatched', 'processing', 'cancelled']);
    expect((await status(id)).json).not.toHaveProperty('outcome');
  });

  it('[unknown-status] reports an undocumented word where processing would be', async () => {
    const id = await submitted(withText('[unknown-status] hello'));
    expect(await walk(id, 5)).toStrictEqual(['created', 'queued', 'dispatched', UNKNOWN_STATUS_WORD, 'success']);
  });

  it('accepts several scenes (a v2 body) and sums their scripts for the duration', async () => {
    const scene = DOC_REQUEST.payload.video_inputs[0]!;
    const id = await submitted({
      model: 'heygen-avatar-4',
      payload: {
        ...DOC_REQUEST.payload,
        video_inputs: [scene, { ...scene, voice: { ...scene.voice, input_text: 'And goodbye.' } }],
      },
    });
    await walk(id, 4);
    expect((await status(id)).json.outcome.duration).toBe(3.6);
  });

  it('lists requests by model, newest first, without moving them on', async () => {
    const a = await submitted();
    const b = await submitted();
    await status(a);
    await status(a); // a is queued now
    const res = await call('GET', `${GMI_REQUESTS_PATH}?model_id=heygen-avatar-4`);
    expect(res.status).toBe(200);
    expect(res.json.total).toBe(2);
    expect(res.json.requests.map((r: { request_id: string }) => r.request_id)).toStrictEqual([b, a]);
    expect(res.json.requests.map((r: { status: string }) => r.status)).toStrictEqual(['created', 'queued']);
    expect(WireRequestList.safeParse(res.json).success).toBe(true);
    // the list did not count as a poll
    expect((await status(a)).json.status).toBe('dispatched');

    const other = await call('GET', `${GMI_REQUESTS_PATH}?model_id=some-other-model`);
    expect(other.json).toStrictEqual({ requests: [], total: 0 });
  });

  it('accepts only Bearer auth with the configured key, answering {"error"} otherwise', async () => {
    for (const opts of [{ auth: 'none' as const }, { auth: 'x-api-key' as const }, { auth: 'none' as const, headers: { authorization: 'Bearer wrong' } }]) {
      const res = await call('POST', GMI_REQUESTS_PATH, { body: DOC_REQUEST, ...opts });
      expect(res.status).toBe(401);
      expect(res.json).toStrictEqual({ error: 'unauthorized: invalid or missing API key' });
    }
    expect((await call('GET', `${GMI_REQUESTS_PATH}?model_id=heygen-avatar-4`, { auth: 'none' })).status).toBe(401);
    // refused requests are recorded too, and queued nothing
    expect(sb.requests).toHaveLength(4);
    expect((await call('GET', `${GMI_REQUESTS_PATH}?model_id=heygen-avatar-4`)).json.total).toBe(0);
  });

  it.each<[string, unknown, number, string]>([
    ['an unknown model', { ...DOC_REQUEST, model: 'heygen-avatar-9' }, 404, 'model heygen-avatar-9 not found'],
    ['no model', { payload: DOC_REQUEST.payload }, 400, 'model is required'],
    ['no payload', { model: 'heygen-avatar-4' }, 400, 'payload is required and must be an object'],
    [
      'a text voice without voice_id',
      {
        model: 'heygen-avatar-4',
        payload: { video_inputs: [{ character: DOC_REQUEST.payload.video_inputs[0]!.character, voice: { type: 'text', input_text: 'Hi' } }] },
      },
      400,
      'invalid payload: payload.video_inputs[0].voice.voice_id is required',
    ],
    ['an empty scene list', { model: 'heygen-avatar-4', payload: { video_inputs: [] } }, 400, 'invalid payload: payload.video_inputs must NOT have fewer than 1 items'],
    ['a body that is not an object', [1, 2], 400, 'request body must be a JSON object'],
    ['a body that is not JSON', '{"model":', 400, 'invalid JSON body'],
  ])('refuses %s with {"error"}', async (_name, body, code, text) => {
    const res = await submit(body);
    expect(res.status).toBe(code);
    expect(res.json).toStrictEqual({ error: text });
  });

  it('answers 404 {"error"} for an unknown request id and an unknown path', async () => {
    expect(await status('a1b2c3d4-e5f6-7890-abcd-ef1234567890')).toMatchObject({ status: 404, json: { error: 'request not found' } });
    const res = await call('GET', '/api/v1/ie/requestqueue/apikey/nothing');
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: 'no route for GET /api/v1/ie/requestqueue/apikey/nothing' });
  });

  it('requestIds lists the ids handed out; setStatus pins a word in place of the walk', async () => {
    const a = await submitted();
    const b = await submitted();
    expect(sb.requestIds()).toStrictEqual([a, b]);
    sb.setStatus(a, 'dispatched');
    expect(await walk(a, 3)).toStrictEqual(['dispatched', 'dispatched', 'dispatched']);
    expect((await status(a)).json.queued_at).toEqual(expect.any(Number));
    sb.setStatus(a, 'success');
    const done = await status(a);
    expect(done.json.status).toBe('success');
    expect(done.json.outcome.media_urls).toStrictEqual([{ id: '0', url: `https://storage.googleapis.com/gmi-sandbox/${a}.mp4` }]);
    sb.setStatus(b, 'failed');
    expect((await status(b)).json).toMatchObject({ status: 'failed', error: FAILURE_TEXT });
    expect(() => sb.setStatus('nope', 'queued')).toThrow('no GMI request nope');
  });

  it('faults answer before auth, and reset clears requests, faults and jobs', async () => {
    const id = await submitted();
    sb.faults.add({ path: GMI_REQUESTS_PATH, method: 'POST', status: 503, body: '{"error":"queue unavailable"}' });
    const res = await call('POST', GMI_REQUESTS_PATH, { body: DOC_REQUEST, auth: 'none' });
    expect([res.status, res.json]).toStrictEqual([503, { error: 'queue unavailable' }]);
    sb.faults.add({ path: GMI_REQUESTS_PATH, status: 500, times: 3 });
    sb.reset();
    expect(sb.requests).toHaveLength(0);
    expect(sb.faults.pending).toHaveLength(0);
    expect((await status(id)).status).toBe(404);
    expect(sb.requestIds()).toStrictEqual([]);
  });
});

describe('walk by stageMs (queueing delay)', () => {
  const STAGE = 10_000;
  beforeAll(async () => {
    sb = await startGmiSandbox({ apiKey: KEY, stageMs: STAGE });
  });
  afterAll(async () => {
    await sb.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spends stageMs in each in-progress word, however often it is polled', async () => {
    // Only Date is faked: sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.parse('2026-05-01T12:00:00Z');
    vi.setSystemTime(t0);
    const id = await submitted();
    expect(await walk(id, 3)).toStrictEqual(['created', 'created', 'created']);
    const seen: Array<[string, number, number | null]> = [];
    for (const at of [1, 2, 3, 4, 9]) {
      vi.setSystemTime(t0 + at * STAGE + 1);
      const res = await status(id);
      seen.push([res.json.status, res.json.updated_at, res.json.queued_at]);
    }
    const s = t0 / 1000;
    expect(seen).toStrictEqual([
      ['queued', s + 10, s + 10],
      ['dispatched', s + 20, s + 10],
      ['processing', s + 30, s + 10],
      ['success', s + 40, s + 10],
      ['success', s + 40, s + 10],
    ]);
  });
});
