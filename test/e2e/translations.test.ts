/**
 * /v3/video-translations end to end against the HeyGen v3 simulator: one upstream call per batch,
 * one gateway id per output language, each polled on its own.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRANSLATION_LANGUAGES } from '../../src/sandbox/heygen-v3-data.js';
import { KEYS, UPSTREAM_KEYS, startHarness, upstreamCalls, type Answer, type Harness } from '../helpers/gateway.js';

/** "Batch (Multiple Languages)" from the docs; their empty url is filled from the "Source Video Input" table. */
const BATCH_EXAMPLE = {
  video: { type: 'url', url: 'https://example.com/video.mp4' },
  output_languages: ['English', 'Spanish', 'French'],
  mode: 'speed',
  title: 'Global Campaign',
} as const;

/**
 * The boolean defaults of CreateVideoTranslationRequest (HeyGen's OpenAPI and the gateway's route
 * schema carry the same ones). The gateway's validator writes them into the body, so the upstream
 * receives them explicitly; they are HeyGen's own defaults, so the job is the same either way.
 */
const SCHEMA_DEFAULTS = {
  translate_audio_only: false,
  enable_caption: false,
  enable_dynamic_duration: true,
  disable_music_track: false,
  enable_speech_enhancement: false,
  enable_watermark: false,
} as const;

const FILES = 'https://files.heygen.ai';
const GATEWAY_ID = /^gt_[A-Za-z0-9_-]{16,}$/;

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

async function createBatch(body: unknown, key: string = KEYS.acme): Promise<string[]> {
  const res = await h.call('POST', '/v3/video-translations', { body, key });
  expect(res.status, res.text).toBe(200);
  return res.json.data.video_translation_ids as string[];
}

const poll = (id: string): Promise<Answer> => h.call('GET', `/v3/video-translations/${id}`);

describe('POST /v3/video-translations', () => {
  it('sends the batch example upstream once and answers one gateway id per language', async () => {
    const res = await h.call('POST', '/v3/video-translations', { body: BATCH_EXAMPLE });

    expect(res.status).toBe(200);
    const ids = res.json.data.video_translation_ids as string[];
    expect(res.json).toEqual({ data: { video_translation_ids: ids } });
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(GATEWAY_ID);
    expect(new Set(ids).size).toBe(3);
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));

    const sent = upstreamCalls(h.hg);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.path).toBe('/v3/video-translations');
    expect(sent[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(sent[0]?.headers.authorization).toBeUndefined();
    expect(sent[0]?.body).toEqual({ ...BATCH_EXAMPLE, ...SCHEMA_DEFAULTS });
    expect(h.hg2.requests).toHaveLength(0);
  });

  it('keeps callback_url for itself and forwards callback_id', async () => {
    await createBatch({ ...BATCH_EXAMPLE, output_languages: ['German'], callback_url: 'https://yourapp.com/webhook/heygen', callback_id: 'campaign-7' });
    expect(upstreamCalls(h.hg, 'POST')[0]?.body).toEqual({ ...BATCH_EXAMPLE, output_languages: ['German'], callback_id: 'campaign-7', ...SCHEMA_DEFAULTS });
  });
});

describe('GET /v3/video-translations/{id}', () => {
  it('polls each language independently: pending -> running -> completed with its own output_language', async () => {
    const [en, es, fr] = (await createBatch(BATCH_EXAMPLE)) as [string, string, string];

    // Spanish first, all the way; the others have not moved.
    const esStatuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await poll(es);
      expect(res.status).toBe(200);
      expect(res.headers['x-gateway-account']).toBe('hg');
      esStatuses.push(res.json.data.status as string);
    }
    expect(esStatuses).toEqual(['pending', 'running', 'completed']);
    const esUpstream = upstreamCalls(h.hg, 'GET').at(-1)?.path.split('/').at(-1) ?? '';

    const done = await poll(es);
    expect(done.json).toEqual({
      data: {
        id: es,
        status: 'completed',
        title: 'Global Campaign',
        output_language: 'Spanish',
        input_language: 'English',
        duration: 42.5,
        translate_audio_only: false,
        video_url: `${FILES}/video_translate/${esUpstream}.mp4`,
        audio_url: `${FILES}/video_translate/${esUpstream}.mp3`,
        callback_id: null,
        created_at: expect.any(Number),
      },
    });

    const enFirst = await poll(en);
    expect(enFirst.json.data).toMatchObject({ id: en, status: 'pending', output_language: 'English' });
    const frFirst = await poll(fr);
    expect(frFirst.json.data).toMatchObject({ id: fr, status: 'pending', output_language: 'French' });
    const enSecond = await poll(en);
    expect(enSecond.json.data).toMatchObject({ id: en, status: 'running', output_language: 'English' });

    // Three distinct upstream jobs were polled, each by its own upstream id.
    const polledPaths = new Set(upstreamCalls(h.hg, 'GET').map((r) => r.path));
    expect(polledPaths.size).toBe(3);
    for (const id of [en, es, fr]) for (const p of polledPaths) expect(p).not.toContain(id);
  });

  it('answers a completed translation from the store without calling the upstream', async () => {
    const [only] = (await createBatch({ ...BATCH_EXAMPLE, output_languages: ['Japanese'] })) as [string];
    for (let i = 0; i < 3; i++) await poll(only);
    const calls = h.hg.requests.length;
    const done = await poll(only);
    expect(done.json.data).toMatchObject({ status: 'completed', output_language: 'Japanese' });
    expect(done.headers['x-gateway-account']).toBe('hg');
    expect(h.hg.requests).toHaveLength(calls);
  });

  it('reports a failed translation with its failure message, and serves it from the store afterwards', async () => {
    const [id] = (await createBatch({ ...BATCH_EXAMPLE, output_languages: ['German'], title: 'Silent clip [fail]', callback_id: 'cb-silent' })) as [string];
    const statuses: string[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      last = await poll(id);
      statuses.push(last.json.data.status as string);
    }
    expect(statuses).toEqual(['pending', 'running', 'failed']);
    expect(last?.json).toEqual({
      data: {
        id,
        status: 'failed',
        title: 'Silent clip [fail]',
        output_language: 'German',
        input_language: 'English',
        translate_audio_only: false,
        callback_id: 'cb-silent',
        created_at: expect.any(Number),
        failure_message: 'No speech was detected in the source video.',
      },
    });
    const calls = h.hg.requests.length;
    expect((await poll(id)).json).toEqual(last?.json);
    expect(h.hg.requests).toHaveLength(calls);
  });

  it('answers an undocumented upstream word as running, then completes', async () => {
    const [id] = (await createBatch({ ...BATCH_EXAMPLE, output_languages: ['Italian'], title: 'Dub [unknown-status]' })) as [string];
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await poll(id)).json.data.status as string);
    expect(statuses).toEqual(['pending', 'running', 'completed']);
  });

  it('does not serve a translation id as a video or the other way round', async () => {
    const [gt] = (await createBatch({ ...BATCH_EXAMPLE, output_languages: ['Dutch'] })) as [string];
    const video = await h.call('POST', '/v3/videos', {
      body: { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' },
    });
    const gv = video.json.data.video_id as string;
    h.hg.reset();

    const asVideo = await h.call('GET', `/v3/videos/${gt}`);
    expect(asVideo.status).toBe(404);
    expect(asVideo.json).toEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
    const asTranslation = await poll(gv);
    expect(asTranslation.status).toBe(404);
    expect(asTranslation.json).toEqual({ error: { code: 'video_not_found', message: 'Video translation not found.', param: null, doc_url: null } });
    expect(h.hg.requests).toHaveLength(0);
  });
});

describe('GET /v3/video-translations/languages', () => {
  it("answers the account's language list", async () => {
    const res = await h.call('GET', '/v3/video-translations/languages');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { languages: [...TRANSLATION_LANGUAGES] } });
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
    expect(upstreamCalls(h.hg).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v3/video-translations/languages']);
    expect(upstreamCalls(h.hg)[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
  });
});

describe('GET /v3/video-translations', () => {
  let shared: Harness;
  beforeAll(() => {
    shared = h;
  });
  // The list is the client's whole history: these tests need a gateway of their own.
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
    h = shared;
  });

  it("pages the client's translations newest first without calling the upstream", async () => {
    const batch = await createBatch(BATCH_EXAMPLE);
    const [later] = (await createBatch({ ...BATCH_EXAMPLE, output_languages: ['Korean'], title: 'Follow-up' })) as [string];
    await createBatch({ ...BATCH_EXAMPLE, output_languages: ['Hindi'] }, KEYS.globex);
    const calls = h.hg.requests.length + h.hg2.requests.length;

    const first = await h.call('GET', '/v3/video-translations?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(2);
    expect(first.json.has_more).toBe(true);
    expect(first.json.next_token).toEqual(expect.any(String));
    expect(first.json.data[0]).toEqual({
      id: later,
      status: 'pending',
      title: 'Follow-up',
      output_language: 'Korean',
      input_language: null,
      translate_audio_only: false,
      callback_id: null,
      created_at: expect.any(Number),
    });

    const second = await h.call('GET', `/v3/video-translations?limit=2&token=${encodeURIComponent(first.json.next_token as string)}`);
    expect(second.status).toBe(200);
    expect(second.json.data).toHaveLength(2);
    expect(second.json.has_more).toBe(false);
    expect(second.json.next_token).toBeNull();

    const listed = [...first.json.data, ...second.json.data] as Array<{ id: string; output_language: string }>;
    expect(listed.map((t) => t.id).slice(1).sort()).toEqual([...batch].sort());
    expect(new Set(listed.map((t) => t.id)).size).toBe(4);
    expect(listed.map((t) => t.output_language).slice(1).sort()).toEqual(['English', 'French', 'Spanish']);
    expect(h.hg.requests.length + h.hg2.requests.length).toBe(calls);
  });

  it('lists a translation with the status it was last seen in', async () => {
    const [id] = (await createBatch({ ...BATCH_EXAMPLE, output_languages: ['Polish'] })) as [string];
    for (let i = 0; i < 3; i++) await poll(id);
    const res = await h.call('GET', '/v3/video-translations');
    expect(res.json.data).toHaveLength(1);
    expect(res.json.data[0]).toMatchObject({ id, status: 'completed', output_language: 'Polish', duration: 42.5 });
  });
});
