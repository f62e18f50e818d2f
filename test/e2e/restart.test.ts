/**
 * Jobs outlive the process: the gateway is closed and rebuilt on the same SQLite file (the
 * simulators keep running, as a real upstream would), and every id it handed out still works.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEYS, startHarness, upstreamCalls, type Harness } from '../helpers/gateway.js';

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

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

it('serves videos and translations created before a restart, and finishes them', async () => {
  const videoId = (await h.call('POST', '/v3/videos', { body: VIDEO })).json.data.video_id as string;
  const translationId = (await h.call('POST', '/v3/video-translations', { body: TRANSLATION })).json.data.video_translation_ids[0] as string;
  const globexId = (await h.call('POST', '/v3/videos', { key: KEYS.globex, body: VIDEO })).json.data.video_id as string; // on hg2
  const firstVideo = await h.call('GET', `/v3/videos/${videoId}`);
  expect(firstVideo.json.data.status).toBe('pending');
  const firstTranslation = await h.call('GET', `/v3/video-translations/${translationId}`);
  expect(firstTranslation.json.data.status).toBe('pending');

  await h.restart();

  const videoStatuses: string[] = [];
  const translationStatuses: string[] = [];
  for (let i = 0; i < 2; i++) {
    const v = await h.call('GET', `/v3/videos/${videoId}`);
    expect(v.status).toBe(200);
    expect(v.headers['x-gateway-account']).toBe('hg');
    videoStatuses.push(v.json.data.status as string);
    const t = await h.call('GET', `/v3/video-translations/${translationId}`);
    expect(t.status).toBe(200);
    translationStatuses.push(t.json.data.status as string);
  }
  expect(videoStatuses).toEqual(['processing', 'completed']);
  expect(translationStatuses).toEqual(['running', 'completed']);

  const video = await h.call('GET', `/v3/videos/${videoId}`);
  expect(video.json.data).toMatchObject({ id: videoId, status: 'completed', title: null, duration: 2 });
  expect(video.json.data.video_url).toEqual(expect.stringMatching(/^https:\/\/files\.heygen\.ai\/video\/[0-9a-f]+\.mp4$/));
  const translation = await h.call('GET', `/v3/video-translations/${translationId}`);
  expect(translation.json.data).toMatchObject({ id: translationId, status: 'completed', title: 'My Translated Video', output_language: 'Spanish' });

  // the job still belongs to the account and the client that made it
  const globex = await h.call('GET', `/v3/videos/${globexId}`, { key: KEYS.globex });
  expect(globex.status).toBe(200);
  expect(globex.headers['x-gateway-account']).toBe('hg2');
  expect((await h.call('GET', `/v3/videos/${globexId}`)).status).toBe(404);

  const list = await h.call('GET', '/v3/videos');
  expect((list.json.data as Array<{ id: string; status: string }>).map((v) => [v.id, v.status])).toEqual([[videoId, 'completed']]);
});

it('answers a job completed before a restart from the store, without an upstream call', async () => {
  const videoId = (await h.call('POST', '/v3/videos', { body: { ...VIDEO, title: 'Before the restart' } })).json.data.video_id as string;
  const translationId = (await h.call('POST', '/v3/video-translations', { body: { ...TRANSLATION, output_languages: ['French'] } })).json.data
    .video_translation_ids[0] as string;
  for (let i = 0; i < 3; i++) {
    await h.call('GET', `/v3/videos/${videoId}`);
    await h.call('GET', `/v3/video-translations/${translationId}`);
  }
  const video = await h.call('GET', `/v3/videos/${videoId}`);
  const translation = await h.call('GET', `/v3/video-translations/${translationId}`);
  expect(video.json.data.status).toBe('completed');
  expect(translation.json.data.status).toBe('completed');

  await h.restart();
  const calls = h.hg.requests.length;

  const videoAfter = await h.call('GET', `/v3/videos/${videoId}`);
  expect(videoAfter.status).toBe(200);
  expect(videoAfter.json).toEqual(video.json);
  expect(videoAfter.headers['x-gateway-account']).toBe('hg');
  const translationAfter = await h.call('GET', `/v3/video-translations/${translationId}`);
  expect(translationAfter.json).toEqual(translation.json);
  expect(h.hg.requests).toHaveLength(calls);
  expect(upstreamCalls(h.hg, 'GET').length).toBeGreaterThan(0);
});

it('keeps a deletion across a restart', async () => {
  const videoId = (await h.call('POST', '/v3/videos', { body: VIDEO })).json.data.video_id as string;
  expect((await h.call('DELETE', `/v3/videos/${videoId}`)).status).toBe(200);
  await h.restart();
  const res = await h.call('GET', `/v3/videos/${videoId}`);
  expect(res.status).toBe(404);
  expect(res.json).toEqual({ error: { code: 'video_not_found', message: 'Video not found.', param: null, doc_url: null } });
});
