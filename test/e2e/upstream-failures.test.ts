/**
 * What a client sees when the upstream misbehaves (faults injected into the HeyGen v3 simulator)
 * and when its own body is invalid. Every answer is the v3 error envelope; none carries a stack
 * trace, a key or the upstream's raw text, and a create that failed leaves no job behind.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/sandbox/faults.js';
import { leaksIn, startHarness, upstreamCalls, type Answer, type Harness } from '../helpers/gateway.js';

const VIDEO = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
} as const;

const BATCH = {
  video: { type: 'url', url: 'https://example.com/video.mp4' },
  output_languages: ['English', 'Spanish', 'French'],
  mode: 'speed',
  title: 'Global Campaign',
} as const;

/** Planted in upstream bodies that must not reach the client. */
const RAW = 'RAW-UPSTREAM-DETAIL';
const HG = 'heygen-v3 account "hg"';

const envelope = (code: string, message: string, param: string | null = null) => ({ error: { code, message, param, doc_url: null } });

/** Nothing a client must not see, and not the planted upstream text either. */
function expectClean(res: Answer): void {
  expect(leaksIn(res.text)).toEqual([]);
  expect(res.text).not.toContain(RAW);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
}

let h: Harness;

const resetSimulators = (): void => {
  h.hg.reset();
  h.hg2.reset();
};

async function expectNoJobs(): Promise<void> {
  const videos = await h.call('GET', '/v3/videos');
  expect(videos.json).toEqual({ data: [], has_more: false, next_token: null });
  const translations = await h.call('GET', '/v3/video-translations');
  expect(translations.json).toEqual({ data: [], has_more: false, next_token: null });
}

interface Case {
  name: string;
  fault: Omit<Fault, 'method' | 'path'>;
  status: number;
  body: ReturnType<typeof envelope>;
  retryAfter?: string;
}

/** The upstream answers that a create and a poll have in common. */
const commonFaults = (what: string): Case[] => [
  {
    name: '401 (the account key refused) -> 502, not the client’s 401',
    fault: { status: 401, body: JSON.stringify({ error: { code: 'unauthorized', message: `Invalid API key upstream-key-hg ${RAW}` } }) },
    status: 502,
    body: envelope('upstream_error', `The upstream (${HG}) refused the gateway's credentials.`),
  },
  {
    name: '429 with Retry-After: 7 -> 429 rate_limit_exceeded with Retry-After: 7',
    fault: { status: 429, headers: { 'retry-after': '7' }, body: JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Too many requests.' } }) },
    status: 429,
    body: envelope('rate_limit_exceeded', 'Too many requests.'),
    retryAfter: '7',
  },
  {
    name: '500 -> 502 upstream_error',
    fault: { status: 500, body: JSON.stringify({ error: { code: 'internal_error', message: `panic: nil map ${RAW}` } }) },
    status: 502,
    body: envelope('upstream_error', `The upstream (${HG}) failed (HTTP 500).`),
  },
  {
    name: '503 with an HTML page -> 502 upstream_error',
    fault: { status: 503, body: `<html><body><h1>503 Service Unavailable</h1><pre>${RAW}</pre></body></html>` },
    status: 502,
    body: envelope('upstream_error', `The upstream (${HG}) failed (HTTP 503).`),
  },
  {
    name: '200 with garbage text -> 502',
    fault: { status: 200, body: `<<<not json ${RAW}` },
    status: 502,
    body: envelope('upstream_error', `The upstream sent an answer to ${what} that is not JSON (HTTP 200).`),
  },
  {
    name: 'a destroyed connection -> 502',
    fault: { destroy: true },
    status: 502,
    body: envelope('upstream_error', `The connection to the upstream (${HG}) failed.`),
  },
];

describe('a create the upstream refuses or breaks', () => {
  beforeAll(async () => {
    // These cases break the one account on purpose, again and again: the breaker (proved in
    // routing.test.ts) must not turn the later cases' mapped errors into 503s.
    h = await startHarness({ configPatch: (cfg) => ({ ...cfg, accounts: cfg.accounts.map((a) => ({ ...a, circuit: { failure_threshold: 1000 } })) }) });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(resetSimulators);

  const cases: Case[] = [
    {
      name: '400 with a v3 error body -> 400 with the same code, message and param',
      // the docs' own v3 error example (Video Agent "Error Handling")
      fault: {
        status: 400,
        body: JSON.stringify({ error: { code: 'invalid_parameter', message: "'prompt' is required and must be 1-10000 characters.", param: 'prompt', doc_url: null } }),
      },
      status: 400,
      body: envelope('invalid_parameter', "'prompt' is required and must be 1-10000 characters.", 'prompt'),
    },
    {
      name: '402 insufficient_credit -> 402 with the same code and message',
      // the docs' "Error response format" example
      fault: {
        status: 402,
        body: JSON.stringify({
          error: {
            code: 'insufficient_credit',
            message: 'Your account has 5 credits but this video requires 10 credits.',
            doc_url: 'https://developers.heygen.com/docs/error-codes#insufficient-credit',
          },
        }),
      },
      status: 402,
      body: envelope('insufficient_credit', 'Your account has 5 credits but this video requires 10 credits.'),
    },
    ...commonFaults('POST /v3/videos'),
    {
      name: '200 JSON without the required video_id -> 502',
      fault: { status: 200, body: JSON.stringify({ data: { status: 'pending', note: RAW } }) },
      status: 502,
      body: envelope('upstream_error', 'The upstream sent an answer to POST /v3/videos the gateway could not understand.'),
    },
  ];

  it.each(cases)('POST /v3/videos: $name', async ({ fault, status, body, retryAfter }) => {
    h.hg.faults.add({ method: 'POST', path: '/v3/videos', ...fault });

    const res = await h.call('POST', '/v3/videos', { body: VIDEO });

    expect(res.status).toBe(status);
    expect(res.json).toEqual(body);
    expect(leaksIn(res.text)).toEqual([]);
    // 4xx words are the upstream's verdict on the client's request and pass through; nothing else does
    if (status >= 500) expectClean(res);
    expect(res.headers['retry-after']).toBe(retryAfter);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(upstreamCalls(h.hg, 'POST', '/v3/videos')).toHaveLength(1);
    expect(h.hg2.requests).toHaveLength(0);
    await expectNoJobs();

    // the gateway keeps serving
    const languages = await h.call('GET', '/v3/video-translations/languages');
    expect(languages.status).toBe(200);
  });

  it('POST /v3/video-translations: 500 -> 502 and no translation job', async () => {
    h.hg.faults.add({ method: 'POST', path: '/v3/video-translations', status: 500, body: RAW });
    const res = await h.call('POST', '/v3/video-translations', { body: BATCH });
    expect(res.status).toBe(502);
    expect(res.json).toEqual(envelope('upstream_error', `The upstream (${HG}) failed (HTTP 500).`));
    expectClean(res);
    await expectNoJobs();
  });

  it('POST /v3/video-translations: fewer ids than languages -> 502 and no translation job', async () => {
    h.hg.faults.add({ method: 'POST', path: '/v3/video-translations', status: 200, body: JSON.stringify({ data: { video_translation_ids: ['tr_abc123-en', 'tr_abc123-es'] } }) });
    const res = await h.call('POST', '/v3/video-translations', { body: BATCH });
    expect(res.status).toBe(502);
    expect(res.json).toEqual(envelope('upstream_error', 'The upstream answered 2 video translation ids for 3 output languages.'));
    expect(res.text).not.toContain('tr_abc123');
    await expectNoJobs();
  });

  it('keeps serving after garbage: the next create succeeds and is the only job', async () => {
    h.hg.faults.add({ method: 'POST', path: '/v3/videos', status: 200, body: `\u0000\u00ff{{{ ${RAW}` });
    const broken = await h.call('POST', '/v3/videos', { body: VIDEO });
    expect(broken.status).toBe(502);
    expectClean(broken);

    const ok = await h.call('POST', '/v3/videos', { body: VIDEO });
    expect(ok.status).toBe(200);
    const list = await h.call('GET', '/v3/videos');
    expect((list.json.data as Array<{ id: string }>).map((v) => v.id)).toEqual([ok.json.data.video_id]);
    // leave the store as the other cases expect it
    expect((await h.call('DELETE', `/v3/videos/${ok.json.data.video_id}`)).status).toBe(200);
  });
});

describe('a poll the upstream refuses or breaks', () => {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(resetSimulators);

  const cases: Case[] = [
    {
      name: '404 -> 404 video_not_found, naming neither id',
      fault: { status: 404, body: JSON.stringify({ error: { code: 'video_not_found', message: `Video ${RAW} not found` } }) },
      status: 404,
      body: envelope('video_not_found', 'Video not found.'),
    },
    ...commonFaults('GET /v3/videos/{video_id}'),
    {
      name: '200 JSON without a status -> 502',
      fault: { status: 200, body: JSON.stringify({ data: { id: RAW, video_url: 'https://files.heygen.ai/x.mp4' } }) },
      status: 502,
      body: envelope('upstream_error', 'The upstream sent an answer to GET /v3/videos/{video_id} the gateway could not understand.'),
    },
  ];

  it.each(cases)('GET /v3/videos/{id}: $name; the job survives', async ({ fault, status, body, retryAfter }) => {
    const created = await h.call('POST', '/v3/videos', { body: VIDEO });
    const id = created.json.data.video_id as string;
    h.hg.faults.add({ method: 'GET', path: /^\/v3\/videos\/[0-9a-f]+$/, ...fault });

    const res = await h.call('GET', `/v3/videos/${id}`);

    expect(res.status).toBe(status);
    expect(res.json).toEqual(body);
    expectClean(res);
    const upstreamId = upstreamCalls(h.hg, 'GET', '/v3/videos/')[0]?.path.split('/').at(-1) ?? '';
    expect(upstreamId).not.toBe('');
    expect(res.text).not.toContain(upstreamId);
    expect(res.headers['retry-after']).toBe(retryAfter);

    // the failure was the poll's, not the job's: the next poll reads it again
    const again = await h.call('GET', `/v3/videos/${id}`);
    expect(again.status).toBe(200);
    expect(again.json.data).toMatchObject({ id, status: 'pending' });
  });

  it('GET /v3/video-translations/{id}: 404 -> 404 video_not_found with the translation message', async () => {
    const created = await h.call('POST', '/v3/video-translations', { body: { ...BATCH, output_languages: ['German'] } });
    const id = (created.json.data.video_translation_ids as string[])[0] as string;
    h.hg.faults.add({ method: 'GET', path: /^\/v3\/video-translations\/[0-9a-f]+$/, status: 404, body: JSON.stringify({ error: { code: 'video_not_found', message: RAW } }) });

    const res = await h.call('GET', `/v3/video-translations/${id}`);
    expect(res.status).toBe(404);
    expect(res.json).toEqual(envelope('video_not_found', 'Video translation not found.'));
    expectClean(res);
  });

  it('DELETE /v3/videos/{id}: an upstream 500 is a 502 and the video stays', async () => {
    const id = (await h.call('POST', '/v3/videos', { body: VIDEO })).json.data.video_id as string;
    h.hg.faults.add({ method: 'DELETE', status: 500, body: RAW });
    const res = await h.call('DELETE', `/v3/videos/${id}`);
    expect(res.status).toBe(502);
    expect(res.json).toEqual(envelope('upstream_error', `The upstream (${HG}) failed (HTTP 500).`));
    expectClean(res);
    expect((await h.call('GET', `/v3/videos/${id}`)).status).toBe(200);
  });
});

describe('an upstream slower than the account timeout_ms', () => {
  beforeAll(async () => {
    h = await startHarness({ timeoutMs: 500 });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(resetSimulators);

  it('a create is 504 gateway_timeout and leaves no job', async () => {
    h.hg.faults.add({ method: 'POST', path: '/v3/videos', delayMs: 2500 });
    const res = await h.call('POST', '/v3/videos', { body: VIDEO });
    expect(res.status).toBe(504);
    expect(res.json).toEqual(envelope('gateway_timeout', `The upstream (${HG}) did not answer in time.`));
    expectClean(res);
    await expectNoJobs();
  });

  it('a poll is 504 gateway_timeout, and the next poll is answered', async () => {
    const id = (await h.call('POST', '/v3/videos', { body: VIDEO })).json.data.video_id as string;
    h.hg.faults.add({ method: 'GET', path: /^\/v3\/videos\//, delayMs: 2500 });
    const res = await h.call('GET', `/v3/videos/${id}`);
    expect(res.status).toBe(504);
    expect(res.json).toEqual(envelope('gateway_timeout', `The upstream (${HG}) did not answer in time.`));
    const again = await h.call('GET', `/v3/videos/${id}`);
    expect(again.status).toBe(200);
    expect(again.json.data.id).toBe(id);
  });
});

describe('an invalid body never reaches the upstream', () => {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(resetSimulators);

  /** 400 invalid_parameter naming the field (the wording is the validator's), nothing sent upstream. */
  async function expectInvalid(res: Answer, param: string): Promise<void> {
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: 'invalid_parameter', message: expect.any(String), param, doc_url: null } });
    expect(res.json.error.message).toContain(param.replace(/\[\d+\]$/, ''));
    expectClean(res);
    expect(h.hg.requests).toHaveLength(0);
    expect(h.hg2.requests).toHaveLength(0);
    await expectNoJobs();
  }

  it.each([
    ['a script over 5,000 characters', { ...VIDEO, script: 'a'.repeat(5001) }, 'script'],
    ['audio_url together with script', { ...VIDEO, audio_url: 'https://example.com/voice.mp3' }, 'audio_url'],
    ['audio_asset_id together with script', { ...VIDEO, audio_asset_id: 'asset_0123456789abcdef' }, 'audio_asset_id'],
    ['neither script nor audio', { type: 'avatar', avatar_id: 'look_def456' }, 'script'],
    ['a voice speed out of range', { ...VIDEO, voice_settings: { speed: 2 } }, 'voice_settings.speed'],
    ['an unknown type', { ...VIDEO, type: 'cartoon' }, 'type'],
    ['an unknown field', { ...VIDEO, avatar: 'look_def456' }, 'avatar'],
    ['expressiveness with engine avatar_v', { ...VIDEO, avatar_id: 'look_e7a8ba', engine: { type: 'avatar_v' }, expressiveness: 'high' }, 'expressiveness'],
    ['a callback_url on loopback', { ...VIDEO, callback_url: 'http://127.0.0.1:9/hook' }, 'callback_url'],
  ])('POST /v3/videos with %s -> 400 invalid_parameter naming the field', async (_name, body, param) => {
    await expectInvalid(await h.call('POST', '/v3/videos', { body }), param);
  });

  it('a script of exactly 5,000 characters is accepted', async () => {
    const res = await h.call('POST', '/v3/videos', { body: { ...VIDEO, script: 'a'.repeat(5000) } });
    expect(res.status).toBe(200);
    expect((upstreamCalls(h.hg, 'POST')[0]?.body as { script: string }).script).toHaveLength(5000);
    expect((await h.call('DELETE', `/v3/videos/${res.json.data.video_id}`)).status).toBe(200);
  });

  it.each([
    ['no output language', { ...BATCH, output_languages: [] }, 'output_languages'],
    ['a language listed twice', { ...BATCH, output_languages: ['Spanish', 'spanish'] }, 'output_languages[1]'],
    ['a video that is not a URL', { ...BATCH, video: { type: 'url', url: 'example.com/video.mp4' } }, 'video.url'],
  ])('POST /v3/video-translations with %s -> 400 invalid_parameter naming the field', async (_name, body, param) => {
    await expectInvalid(await h.call('POST', '/v3/video-translations', { body }), param);
  });

  it('a body that is not JSON -> 400 invalid_parameter', async () => {
    const res = await h.call('POST', '/v3/videos', { rawBody: '{"type": "avatar",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(envelope('invalid_parameter', 'The request body is not valid JSON.'));
    expectClean(res);
    expect(h.hg.requests).toHaveLength(0);
  });
});
