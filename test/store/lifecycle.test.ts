import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IN_FLIGHT_ORPHAN_MS, SqliteStore } from '../../src/store/sqlite.js';
import type { NewJob, TerminalEffects } from '../../src/store/types.js';

// Fixtures are the documents' own examples: 002 "Create a Video with Full Control" request and
// "Response (completed)" detail, and 002 "Webhook Events" avatar_video.success event data.
const V3_REQUEST = {
  type: 'avatar',
  avatar_id: 'avt_angela_01',
  script: 'Welcome to our Q4 earnings call.',
  voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
};
const V3_DETAIL_COMPLETED = {
  title: 'Q3 Product Launch Explainer',
  status: 'completed',
  video_url: 'https://files.heygen.ai/video/vid_xyz789.mp4',
  thumbnail_url: 'https://files.heygen.ai/thumb/vid_xyz789.jpg',
  duration: 45.2,
  created_at: 1711382400,
  completed_at: 1711382680,
};
const SUCCESS_BODY = JSON.stringify({
  event_type: 'avatar_video.success',
  event_data: {
    video_id: 'vid_xyz789',
    url: 'https://files.heygen.com/video/vid_xyz789.mp4',
    gif_download_url: 'https://resource.heygen.ai/video/vid_xyz789/gif.gif',
    video_page_url: 'https://app.heygen.com/videos/vid_xyz789',
    video_share_page_url: 'https://app.heygen.com/share/vid_xyz789',
    folder_id: null,
    callback_id: null,
  },
});

const T0 = 1_711_382_400_000;

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: 'gw_vid_0001',
    clientId: 'acme',
    accountId: 'gmi-main',
    provider: 'gmi',
    kind: 'video',
    upstreamId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
    status: 'pending',
    title: 'Q3 Product Launch Explainer',
    folderId: null,
    callbackUrl: 'https://hooks.example.com/heygen',
    callbackId: 'cb-42',
    request: V3_REQUEST,
    detail: { status: 'pending' },
    upstreamPayload: { request_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', status: 'queued' },
    createdAt: T0,
    ...overrides,
  };
}

function effects(jobId: string, eventId: string, at: number): TerminalEffects {
  return {
    events: [{ id: eventId, clientId: 'acme', eventType: 'avatar_video.success', body: SUCCESS_BODY, jobId, createdAt: at }],
    deliveries: [
      { id: `${eventId}_cb`, eventId, clientId: 'acme', url: 'https://hooks.example.com/heygen', endpointId: null, nextAttemptAt: at, createdAt: at },
      { id: `${eventId}_ep`, eventId, clientId: 'acme', url: 'https://yourapp.com/webhooks/heygen', endpointId: 'ep_abc123', nextAttemptAt: at, createdAt: at },
    ],
  };
}

const COMPLETED = { status: 'completed', detail: V3_DETAIL_COMPLETED, upstreamPayload: { status: 'success' }, completedAt: T0 + 280_000 };

let store: SqliteStore;
let clock: number;
beforeEach(() => {
  clock = T0 + 1_000;
  store = SqliteStore.open(':memory:', { now: () => clock });
});
afterEach(async () => {
  await store.close();
});

describe('dueJobs and schedulePoll', () => {
  it('makes a new job due at its creation time, from insertJob and insertJobs alike', async () => {
    await store.insertJob(newJob({ id: 'gw_single', createdAt: T0 }));
    await store.insertJobs([newJob({ id: 'gw_tr_1', kind: 'translation', createdAt: T0 + 5 }), newJob({ id: 'gw_tr_2', kind: 'translation', createdAt: T0 + 5 })]);

    expect(await store.dueJobs(T0 - 1, 10)).toEqual([]);
    expect((await store.dueJobs(T0, 10)).map((j) => j.id)).toEqual(['gw_single']);
    expect((await store.dueJobs(T0 + 5, 10)).map((j) => j.id)).toEqual(['gw_single', 'gw_tr_1', 'gw_tr_2']);
    // The rows are whole jobs, as getJob returns them.
    expect((await store.dueJobs(T0, 1))[0]).toEqual(await store.getJob('gw_single'));
  });

  it('returns only in-progress, undeleted, due jobs, oldest due first, up to the limit', async () => {
    for (const id of ['gw_a', 'gw_b', 'gw_c', 'gw_done', 'gw_deleted', 'gw_later']) await store.insertJob(newJob({ id }));
    await store.schedulePoll('gw_a', T0 + 300, 1);
    await store.schedulePoll('gw_b', T0 + 100, 1);
    await store.schedulePoll('gw_c', T0 + 200, 2);
    await store.schedulePoll('gw_later', T0 + 10_000, 1);
    await store.updateJob('gw_done', COMPLETED);
    await store.markDeleted('gw_deleted', T0 + 50);

    expect((await store.dueJobs(T0 + 1_000, 10)).map((j) => j.id)).toEqual(['gw_b', 'gw_c', 'gw_a']);
    expect((await store.dueJobs(T0 + 1_000, 2)).map((j) => j.id)).toEqual(['gw_b', 'gw_c']);
    expect((await store.dueJobs(T0 + 150, 10)).map((j) => j.id)).toEqual(['gw_b']);
    expect((await store.dueJobs(T0 + 10_000, 10)).map((j) => j.id)).toEqual(['gw_b', 'gw_c', 'gw_a', 'gw_later']);
  });

  it('breaks ties on the due time by id', async () => {
    for (const id of ['gw_3', 'gw_1', 'gw_2']) await store.insertJob(newJob({ id }));
    expect((await store.dueJobs(T0, 10)).map((j) => j.id)).toEqual(['gw_1', 'gw_2', 'gw_3']);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await expect(store.dueJobs(T0, 0)).rejects.toThrow('dueJobs limit must be a positive integer, got 0');
    await expect(store.dueJobs(T0, -1)).rejects.toThrow(RangeError);
  });

  it('stores the poll count with the next poll time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-lifecycle-'));
    try {
      const file = join(dir, 'gateway.db');
      const fileStore = SqliteStore.open(file);
      await fileStore.insertJob(newJob());
      await fileStore.schedulePoll('gw_vid_0001', T0 + 40_000, 3);
      await fileStore.close();

      const db = new Database(file, { readonly: true });
      try {
        expect(db.prepare('SELECT next_poll_at, poll_attempts FROM jobs WHERE id = ?').get('gw_vid_0001')).toEqual({ next_poll_at: T0 + 40_000, poll_attempts: 3 });
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('finishJob', () => {
  it('makes the transition once, writing its events and deliveries with it', async () => {
    await store.insertJob(newJob());
    clock = T0 + 280_000;

    const first = await store.finishJob('gw_vid_0001', COMPLETED, effects('gw_vid_0001', 'evt_1', clock));
    expect(first.transitioned).toBe(true);
    expect(first.job).toMatchObject({ status: 'completed', detail: V3_DETAIL_COMPLETED, completedAt: T0 + 280_000, updatedAt: clock });
    expect(await store.getEvent('evt_1')).toEqual({ id: 'evt_1', clientId: 'acme', eventType: 'avatar_video.success', body: SUCCESS_BODY, jobId: 'gw_vid_0001', createdAt: clock });
    expect((await store.listDeliveries('evt_1')).map((d) => [d.id, d.url, d.endpointId, d.state, d.attempts])).toEqual([
      ['evt_1_cb', 'https://hooks.example.com/heygen', null, 'pending', 0],
      ['evt_1_ep', 'https://yourapp.com/webhooks/heygen', 'ep_abc123', 'pending', 0],
    ]);
    expect(await store.dueJobs(clock, 10)).toEqual([]);

    // A later poll seeing the same terminal state: no second transition, no second event.
    clock += 30_000;
    const again = await store.finishJob('gw_vid_0001', { ...COMPLETED, completedAt: clock }, effects('gw_vid_0001', 'evt_2', clock));
    expect(again).toEqual({ job: first.job, transitioned: false });
    expect(await store.getEvent('evt_2')).toBeNull();
    expect((await store.listEvents('acme', 10)).map((e) => e.id)).toEqual(['evt_1']);
  });

  it('lets exactly one of two concurrent calls make the transition', async () => {
    await store.insertJob(newJob());
    const failed = { status: 'failed', detail: { status: 'failed' }, upstreamPayload: { status: 'failed' }, completedAt: T0 + 290_000 };
    const [a, b] = await Promise.all([
      store.finishJob('gw_vid_0001', COMPLETED, effects('gw_vid_0001', 'evt_a', T0 + 280_000)),
      store.finishJob('gw_vid_0001', failed, effects('gw_vid_0001', 'evt_b', T0 + 290_000)),
    ]);
    expect([a?.transitioned, b?.transitioned].filter(Boolean)).toHaveLength(1);
    // Both callers see the one stored outcome, and only the winner's event exists.
    expect(a?.job).toEqual(b?.job);
    const winner = a?.transitioned ? 'evt_a' : 'evt_b';
    expect((await store.listEvents('acme', 10)).map((e) => e.id)).toEqual([winner]);
    expect(await store.listDeliveries(winner)).toHaveLength(2);
  });

  it('stores a non-terminal update without writing effects', async () => {
    await store.insertJob(newJob());
    const result = await store.finishJob('gw_vid_0001', { status: 'processing', detail: { status: 'processing' }, upstreamPayload: { status: 'processing' } }, effects('gw_vid_0001', 'evt_1', T0));
    expect(result.transitioned).toBe(false);
    expect(result.job).toMatchObject({ status: 'processing', completedAt: null });
    expect(await store.getEvent('evt_1')).toBeNull();
  });

  it('answers null for a missing job and writes nothing', async () => {
    expect(await store.finishJob('gw_missing', COMPLETED, effects('gw_missing', 'evt_1', T0))).toEqual({ job: null, transitioned: false });
    expect(await store.getEvent('evt_1')).toBeNull();
  });

  it('rolls the status back when its effects cannot be written', async () => {
    await store.insertJob(newJob());
    await store.insertEvents(effects('gw_vid_0001', 'evt_taken', T0));
    // The event id is already used, so the insert fails after the UPDATE ran.
    await expect(store.finishJob('gw_vid_0001', COMPLETED, effects('gw_vid_0001', 'evt_taken', T0))).rejects.toThrow(/UNIQUE constraint failed: webhook_events\.id/);
    expect(await store.getJob('gw_vid_0001')).toMatchObject({ status: 'pending', completedAt: null });

    // A retry with fresh ids then succeeds.
    expect((await store.finishJob('gw_vid_0001', COMPLETED, effects('gw_vid_0001', 'evt_ok', T0))).transitioned).toBe(true);
  });
});

describe('refreshTerminalDetail', () => {
  it('replaces a terminal job detail and payload but never its status', async () => {
    await store.insertJob(newJob());
    await store.finishJob('gw_vid_0001', COMPLETED, { events: [], deliveries: [] });
    clock = T0 + 900_000;
    const fresh = { ...V3_DETAIL_COMPLETED, video_url: 'https://files.heygen.ai/video/vid_xyz789.mp4?sig=new' };
    await store.refreshTerminalDetail('gw_vid_0001', fresh, { status: 'success', refreshed: true });
    expect(await store.getJob('gw_vid_0001')).toMatchObject({
      status: 'completed',
      detail: fresh,
      upstreamPayload: { status: 'success', refreshed: true },
      completedAt: T0 + 280_000,
      updatedAt: T0 + 900_000,
    });
  });

  it('leaves an in-progress job alone', async () => {
    await store.insertJob(newJob());
    const before = await store.getJob('gw_vid_0001');
    await store.refreshTerminalDetail('gw_vid_0001', V3_DETAIL_COMPLETED, { status: 'success' });
    expect(await store.getJob('gw_vid_0001')).toEqual(before);
  });
});

describe('countActiveJobs', () => {
  it('counts the account jobs that are neither terminal nor deleted', async () => {
    expect(await store.countActiveJobs('gmi-main')).toBe(0);
    await store.insertJobs([
      newJob({ id: 'gw_1' }),
      newJob({ id: 'gw_2' }),
      newJob({ id: 'gw_3' }),
      newJob({ id: 'gw_4' }),
      newJob({ id: 'gw_other', accountId: 'heygen-main', provider: 'heygen-v3' }),
    ]);
    await store.updateJob('gw_2', { status: 'processing', detail: null, upstreamPayload: null });
    await store.updateJob('gw_3', COMPLETED);
    await store.markDeleted('gw_4', T0 + 10);
    expect(await store.countActiveJobs('gmi-main')).toBe(2);
    expect(await store.countActiveJobs('heygen-main')).toBe(1);
    expect(await store.countActiveJobs('cloudsway-main')).toBe(0);
  });
});

describe('idempotency keys', () => {
  const TTL = 24 * 3600_000;
  const ANSWER = {
    status: 200,
    body: '{"data":{"video_id":"gw_vid_0001"}}',
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-gateway-account': 'gmi-main' },
  };

  it('walks new -> in_flight -> done, and refuses another request under the same key', async () => {
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0, TTL)).toEqual({ state: 'new' });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + 1, TTL)).toEqual({ state: 'in_flight' });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-b', T0 + 2, TTL)).toEqual({ state: 'mismatch' });

    await store.completeIdempotent('acme', 'key-1', ANSWER);
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + 3, TTL)).toEqual({ state: 'done', ...ANSWER });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-b', T0 + 4, TTL)).toEqual({ state: 'mismatch' });
    // A second completion does not replace the stored answer.
    await store.completeIdempotent('acme', 'key-1', { status: 500, body: '{}', headers: {} });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + 5, TTL)).toEqual({ state: 'done', ...ANSWER });
  });

  it('keeps keys apart per client', async () => {
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0, TTL)).toEqual({ state: 'new' });
    expect(await store.beginIdempotent('globex', 'key-1', 'hash-b', T0, TTL)).toEqual({ state: 'new' });
  });

  it('treats a record older than the ttl as absent and starts over', async () => {
    await store.beginIdempotent('acme', 'key-1', 'hash-a', T0, TTL);
    await store.completeIdempotent('acme', 'key-1', ANSWER);
    // Exactly ttl old is still live.
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-b', T0 + TTL, TTL)).toEqual({ state: 'mismatch' });

    expect(await store.beginIdempotent('acme', 'key-1', 'hash-b', T0 + TTL + 1, TTL)).toEqual({ state: 'new' });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-b', T0 + TTL + 2, TTL)).toEqual({ state: 'in_flight' });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + TTL + 3, TTL)).toEqual({ state: 'mismatch' });
    // The new record's age counts from its own start.
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-b', T0 + TTL + 60_000, TTL)).toEqual({ state: 'in_flight' });
  });

  it('frees a key whose in-flight record outlived any request (left by a crash), but never a stored answer', async () => {
    await store.beginIdempotent('acme', 'key-1', 'hash-a', T0, TTL);
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + IN_FLIGHT_ORPHAN_MS, TTL)).toEqual({ state: 'in_flight' });
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + IN_FLIGHT_ORPHAN_MS + 1, TTL)).toEqual({ state: 'new' });
    await store.completeIdempotent('acme', 'key-1', ANSWER);
    const later = T0 + 3 * IN_FLIGHT_ORPHAN_MS;
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', later, TTL)).toMatchObject({ state: 'done' });
  });

  it('lets a retry start over after abandon, but abandon never forgets a stored answer', async () => {
    await store.beginIdempotent('acme', 'key-1', 'hash-a', T0, TTL);
    await store.abandonIdempotent('acme', 'key-1');
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + 1, TTL)).toEqual({ state: 'new' });

    await store.completeIdempotent('acme', 'key-1', ANSWER);
    await store.abandonIdempotent('acme', 'key-1');
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + 2, TTL)).toEqual({ state: 'done', ...ANSWER });
  });

  it('completing an abandoned key stores nothing', async () => {
    await store.beginIdempotent('acme', 'key-1', 'hash-a', T0, TTL);
    await store.abandonIdempotent('acme', 'key-1');
    await store.completeIdempotent('acme', 'key-1', ANSWER);
    expect(await store.beginIdempotent('acme', 'key-1', 'hash-a', T0 + 1, TTL)).toEqual({ state: 'new' });
  });

  it('purges records older than a time and says how many', async () => {
    await store.beginIdempotent('acme', 'old-1', 'h', T0, TTL);
    await store.beginIdempotent('acme', 'old-2', 'h', T0 + 10, TTL);
    await store.completeIdempotent('acme', 'old-2', ANSWER);
    await store.beginIdempotent('acme', 'fresh', 'h', T0 + 20, TTL);

    expect(await store.purgeIdempotent(T0 + 20)).toBe(2);
    expect(await store.purgeIdempotent(T0 + 20)).toBe(0);
    expect(await store.beginIdempotent('acme', 'old-2', 'other', T0 + 30, TTL)).toEqual({ state: 'new' });
    expect(await store.beginIdempotent('acme', 'fresh', 'h', T0 + 30, TTL)).toEqual({ state: 'in_flight' });
  });

  it('gives exactly one of 100 concurrent starts the new state', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.beginIdempotent('acme', 'key-race', 'hash-a', T0 + i, TTL)));
    expect(results.filter((r) => r.state === 'new')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'in_flight')).toHaveLength(99);
  });
});
