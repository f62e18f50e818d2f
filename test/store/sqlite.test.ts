import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { NewJob } from '../../src/store/types.js';

// The request, detail and upstream payload fixtures are the documents' own examples:
// 002 "Create a Video with Full Control" request and "Response (completed)" detail,
// 004 GMI "Response (completed)" (its elided `video_inputs: [...]` written as []).
const V3_REQUEST = {
  type: 'avatar',
  avatar_id: 'avt_angela_01',
  script: 'Welcome to our Q4 earnings call.',
  voice_id: '1bd001e7e50f421d891986aad5e3e5d2',
  aspect_ratio: 'auto',
  resolution: '1080p',
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
const GMI_PAYLOAD_COMPLETED = {
  request_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
  org_id: 'your-org-id',
  model: 'heygen-avatar-4',
  status: 'success',
  is_public: false,
  payload: { video_inputs: [], dimension: { width: 1920, height: 1080 }, caption: false },
  outcome: {
    media_urls: [{ id: '0', url: 'https://storage.googleapis.com/your_avatar_video.mp4' }],
    thumbnail_image_url: 'https://storage.googleapis.com/your_thumbnail.jpg',
    duration: 12.5,
  },
  created_at: 1762215580,
  updated_at: 1762215640,
  queued_at: 1762215580,
};

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
    folderId: 'fld_1',
    callbackUrl: 'https://hooks.example.com/heygen',
    callbackId: 'cb-42',
    request: V3_REQUEST,
    detail: { status: 'pending' },
    upstreamPayload: { request_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', status: 'queued' },
    createdAt: 1_711_382_400_000,
    ...overrides,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('apply once, are recorded, and opening again applies nothing', async () => {
    const file = join(dir, 'nested', 'deeper', 'gateway.db');
    const first = SqliteStore.open(file);
    await first.close();
    const second = SqliteStore.open(file);
    await second.close();

    const db = new Database(file);
    try {
      const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations').all() as {
        version: number;
        name: string;
        applied_at: number;
      }[];
      expect(rows.map((r) => [r.version, r.name])).toEqual([
        [1, 'jobs_and_affinity'],
        [2, 'lifecycle_webhooks_idempotency_spend'],
      ]);
      expect(rows[0]?.applied_at).toBeGreaterThan(0);
      expect(migrate(db)).toEqual([]);

      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(names).toEqual([
        'affinity',
        'idempotency_keys',
        'idempotency_keys_created',
        'jobs',
        'jobs_account_upstream',
        'jobs_active_account',
        'jobs_client_kind_created',
        'jobs_due',
        'schema_migrations',
        'spend',
        'spend_month_client',
        'webhook_deliveries',
        'webhook_deliveries_due',
        'webhook_deliveries_event',
        'webhook_endpoints',
        'webhook_endpoints_client_created',
        'webhook_events',
        'webhook_events_client_created',
      ]);
    } finally {
      db.close();
    }
  });

  it('applies only the missing later migration, and rolls back one that fails', () => {
    const db = new Database(':memory:');
    try {
      expect(migrate(db, MIGRATIONS.slice(0, 1))).toEqual([1]);
      expect(migrate(db)).toEqual([2]);

      const broken = { version: 3, name: 'broken', sql: 'CREATE TABLE half_done (x TEXT) STRICT; CREATE TABLE nope (' };
      expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow();
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    } finally {
      db.close();
    }
  });

  it('refuses a database migrated by a newer build', () => {
    const file = join(dir, 'gateway.db');
    const db = new Database(file);
    migrate(db, [...MIGRATIONS, { version: 7, name: 'future', sql: 'SELECT 1' }]);
    db.close();
    expect(() => SqliteStore.open(file)).toThrow('database schema is at version 7 but this build knows up to 2; upgrade the gateway');
  });

  it('upgrades a v1 database in place: its jobs keep their data and become due at their creation time', async () => {
    const file = join(dir, 'gateway.db');
    const v1 = new Database(file);
    expect(migrate(v1, MIGRATIONS.slice(0, 1))).toEqual([1]);
    const insertV1 = v1.prepare(
      `INSERT INTO jobs (id, client_id, account_id, provider, kind, upstream_id, status, title, folder_id, callback_url, callback_id,
         request_json, detail_json, upstream_payload_json, created_at, updated_at, completed_at, deleted_at)
       VALUES (?, 'acme', 'gmi-main', 'gmi', 'video', ?, ?, 'Q3 Product Launch Explainer', NULL, NULL, NULL, ?, ?, ?, ?, ?, ?, NULL)`,
    );
    insertV1.run('gw_old_pending', 'up-1', 'processing', JSON.stringify(V3_REQUEST), '{"status":"processing"}', '{"status":"processing"}', 1_000, 2_000, null);
    insertV1.run('gw_old_done', 'up-2', 'completed', JSON.stringify(V3_REQUEST), JSON.stringify(V3_DETAIL_COMPLETED), JSON.stringify(GMI_PAYLOAD_COMPLETED), 1_500, 3_000, 3_000);
    v1.close();

    const store = SqliteStore.open(file, { now: () => 9_000 });
    try {
      expect(await store.getJob('gw_old_pending')).toEqual({
        id: 'gw_old_pending',
        clientId: 'acme',
        accountId: 'gmi-main',
        provider: 'gmi',
        kind: 'video',
        upstreamId: 'up-1',
        status: 'processing',
        title: 'Q3 Product Launch Explainer',
        folderId: null,
        callbackUrl: null,
        callbackId: null,
        request: V3_REQUEST,
        detail: { status: 'processing' },
        upstreamPayload: { status: 'processing' },
        createdAt: 1_000,
        updatedAt: 2_000,
        completedAt: null,
        deletedAt: null,
        nextPollAt: 1_000,
        pollAttempts: 0,
      });
      expect((await store.dueJobs(999, 10)).map((j) => j.id)).toEqual([]);
      expect((await store.dueJobs(1_000, 10)).map((j) => j.id)).toEqual(['gw_old_pending']);
      expect(await store.countActiveJobs('gmi-main')).toBe(1);
      const done = await store.finishJob('gw_old_pending', { status: 'completed', detail: V3_DETAIL_COMPLETED, upstreamPayload: GMI_PAYLOAD_COMPLETED, completedAt: 9_000 }, { events: [], deliveries: [] });
      expect(done.transitioned).toBe(true);
      expect((await store.finishJob('gw_old_done', { status: 'failed', detail: null, upstreamPayload: null, completedAt: 9_000 }, { events: [], deliveries: [] })).transitioned).toBe(false);
    } finally {
      await store.close();
    }

    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT id, next_poll_at, poll_attempts FROM jobs ORDER BY id').all()).toEqual([
        { id: 'gw_old_done', next_poll_at: 1_500, poll_attempts: 0 },
        { id: 'gw_old_pending', next_poll_at: 1_000, poll_attempts: 0 },
      ]);
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    } finally {
      db.close();
    }
  });
});

describe('SqliteStore', () => {
  let store: SqliteStore;
  let clock: number;
  beforeEach(() => {
    clock = 1_711_382_500_000;
    store = SqliteStore.open(':memory:', { now: () => clock });
  });
  afterEach(async () => {
    await store.close();
  });

  it('round-trips every field of a job, JSON included', async () => {
    const job = newJob({ upstreamPayload: GMI_PAYLOAD_COMPLETED, detail: V3_DETAIL_COMPLETED });
    await store.insertJob(job);
    expect(await store.getJob(job.id)).toEqual({
      ...job,
      updatedAt: job.createdAt,
      completedAt: null,
      deletedAt: null,
      // A new job is due for its first background poll at once.
      nextPollAt: job.createdAt,
      pollAttempts: 0,
    });
  });

  it('round-trips null columns, a null detail, and JSON null apart from an absent payload', async () => {
    const job = newJob({ title: null, folderId: null, callbackUrl: null, callbackId: null, request: null, detail: null, upstreamPayload: undefined });
    await store.insertJob(job);
    const got = await store.getJob(job.id);
    expect(got).toMatchObject({ title: null, folderId: null, callbackUrl: null, callbackId: null, request: null, detail: null });
    expect(got?.upstreamPayload).toBeUndefined();
    expect(await store.getJob('gw_missing')).toBeNull();
  });

  it('insertJobs is all or nothing', async () => {
    await store.insertJobs([newJob({ id: 'gw_tr_1', kind: 'translation' }), newJob({ id: 'gw_tr_2', kind: 'translation' })]);
    expect((await store.getJob('gw_tr_2'))?.kind).toBe('translation');

    const batch = [newJob({ id: 'gw_tr_3' }), newJob({ id: 'gw_tr_4' }), newJob({ id: 'gw_tr_3' })];
    await expect(store.insertJobs(batch)).rejects.toThrow(/UNIQUE constraint failed: jobs\.id/);
    expect(await store.getJob('gw_tr_3')).toBeNull();
    expect(await store.getJob('gw_tr_4')).toBeNull();
  });

  it('updateJob stores progress and the terminal result, then ignores any later update', async () => {
    await store.insertJob(newJob());

    clock += 10_000;
    const processing = await store.updateJob('gw_vid_0001', {
      status: 'processing',
      detail: { status: 'processing' },
      upstreamPayload: { request_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', status: 'processing' },
    });
    expect(processing).toMatchObject({ status: 'processing', detail: { status: 'processing' }, updatedAt: clock, completedAt: null });

    clock += 10_000;
    const done = await store.updateJob('gw_vid_0001', {
      status: 'completed',
      detail: V3_DETAIL_COMPLETED,
      upstreamPayload: GMI_PAYLOAD_COMPLETED,
      completedAt: clock,
    });
    const doneAt = clock;
    expect(done).toMatchObject({ status: 'completed', detail: V3_DETAIL_COMPLETED, upstreamPayload: GMI_PAYLOAD_COMPLETED, updatedAt: doneAt, completedAt: doneAt });

    // A stale poll answer arriving late, and a conflicting terminal one: both ignored.
    clock += 10_000;
    const late = await store.updateJob('gw_vid_0001', { status: 'processing', detail: { status: 'processing' }, upstreamPayload: { status: 'processing' } });
    expect(late).toEqual(done);
    const conflicting = await store.updateJob('gw_vid_0001', { status: 'failed', detail: { status: 'failed' }, upstreamPayload: null, completedAt: clock });
    expect(conflicting).toEqual(done);
    expect(await store.getJob('gw_vid_0001')).toEqual(done);

    expect(await store.updateJob('gw_missing', { status: 'processing', detail: null, upstreamPayload: null })).toBeNull();
  });

  it('markDeleted hides a job from the list but getJob still returns it', async () => {
    await store.insertJob(newJob({ id: 'gw_a', createdAt: 1 }));
    await store.insertJob(newJob({ id: 'gw_b', createdAt: 2 }));
    await store.markDeleted('gw_b', 5_000);
    await store.markDeleted('gw_b', 9_000); // the first deletion time stays

    const list = await store.listJobs({ clientId: 'acme', kind: 'video', limit: 10 });
    expect(list.map((j) => j.id)).toEqual(['gw_a']);
    expect(await store.getJob('gw_b')).toMatchObject({ id: 'gw_b', deletedAt: 5_000 });
  });

  it('pages through 25 jobs with tied created_at newest first, each exactly once', async () => {
    // Ties of four on created_at, inserted in scrambled order so insertion order cannot stand in
    // for the id tie-break.
    const jobs = Array.from({ length: 25 }, (_, i) => newJob({ id: `gw_${String((i * 7) % 25).padStart(2, '0')}`, createdAt: 1_000 + Math.floor(i / 4) }));
    await store.insertJobs(jobs);
    // Noise the listing must skip: another client, another kind, a deleted job.
    await store.insertJob(newJob({ id: 'gw_zz_other_client', clientId: 'globex', createdAt: 1_003 }));
    await store.insertJob(newJob({ id: 'gw_zz_translation', kind: 'translation', createdAt: 1_003 }));
    await store.insertJob(newJob({ id: 'gw_zz_deleted', createdAt: 1_003 }));
    await store.markDeleted('gw_zz_deleted', 2_000);

    const expected = [...jobs]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((j) => j.id);

    const pages: string[][] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await store.listJobs({ clientId: 'acme', kind: 'video', limit: 7, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      pages.push(page.map((j) => j.id));
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    expect(pages.flat()).toEqual(expected);
    // created_at 1006 holds gw_18 alone, 1005 four ids, 1004 four more: the first page ends in
    // the middle of the 1004 tie, so the cursor's id tie-break decides the second page.
    expect(pages[0]).toEqual(['gw_18', 'gw_22', 'gw_15', 'gw_11', 'gw_04', 'gw_19', 'gw_12']);
    expect(pages[1]?.slice(0, 2)).toEqual(['gw_08', 'gw_01']);
  });

  it('lists only the asking client and kind', async () => {
    await store.insertJob(newJob({ id: 'gw_acme_v', clientId: 'acme', kind: 'video' }));
    await store.insertJob(newJob({ id: 'gw_acme_t', clientId: 'acme', kind: 'translation' }));
    await store.insertJob(newJob({ id: 'gw_globex_v', clientId: 'globex', kind: 'video' }));

    const ids = async (clientId: string, kind: 'video' | 'translation') =>
      (await store.listJobs({ clientId, kind, limit: 10 })).map((j) => j.id);
    expect(await ids('acme', 'video')).toEqual(['gw_acme_v']);
    expect(await ids('acme', 'translation')).toEqual(['gw_acme_t']);
    expect(await ids('globex', 'video')).toEqual(['gw_globex_v']);
    expect(await ids('globex', 'translation')).toEqual([]);
    expect(await ids('initech', 'video')).toEqual([]);
  });

  it('filters by folder', async () => {
    await store.insertJob(newJob({ id: 'gw_f1', folderId: 'fld_1', createdAt: 1 }));
    await store.insertJob(newJob({ id: 'gw_f2', folderId: 'fld_2', createdAt: 2 }));
    await store.insertJob(newJob({ id: 'gw_none', folderId: null, createdAt: 3 }));

    const list = await store.listJobs({ clientId: 'acme', kind: 'video', limit: 10, folderId: 'fld_2' });
    expect(list.map((j) => j.id)).toEqual(['gw_f2']);
    const all = await store.listJobs({ clientId: 'acme', kind: 'video', limit: 10 });
    expect(all.map((j) => j.id)).toEqual(['gw_none', 'gw_f2', 'gw_f1']);
  });

  it('filters by title substring, case-insensitively, with LIKE wildcards taken literally', async () => {
    const titles: Record<string, string | null> = {
      gw_pct: '100% Done',
      gw_percent: '100 percent done',
      gw_snake: 'snake_case intro',
      gw_snakex: 'snakeXcase intro',
      gw_slash: 'back\\slash',
      gw_unicode: 'Résumé ÉTÉ',
      gw_untitled: null,
    };
    let t = 0;
    for (const [id, title] of Object.entries(titles)) await store.insertJob(newJob({ id, title, createdAt: ++t }));

    const search = async (titleContains: string) =>
      (await store.listJobs({ clientId: 'acme', kind: 'video', limit: 10, titleContains })).map((j) => j.id);
    expect(await search('100%')).toEqual(['gw_pct']);
    expect(await search('0% d')).toEqual(['gw_pct']);
    expect(await search('_case')).toEqual(['gw_snake']);
    expect(await search('E_C')).toEqual(['gw_snake']);
    expect(await search('%')).toEqual(['gw_pct']);
    expect(await search('k\\s')).toEqual(['gw_slash']);
    expect(await search('été')).toEqual(['gw_unicode']);
    expect(await search('DONE')).toEqual(['gw_percent', 'gw_pct']);
    expect(await search('')).toHaveLength(7);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await store.insertJob(newJob());
    await expect(store.listJobs({ clientId: 'acme', kind: 'video', limit: -1 })).rejects.toThrow(RangeError);
    await expect(store.listJobs({ clientId: 'acme', kind: 'video', limit: 0 })).rejects.toThrow(RangeError);
  });

  it('remembers affinity and lets a later put overwrite it', async () => {
    expect(await store.getAffinity('asset', 'ast_1')).toBeNull();
    await store.putAffinity('asset', 'ast_1', 'heygen-main', 'acme');
    await store.putAffinity('look', 'ast_1', 'gmi-main', 'acme');
    expect(await store.getAffinity('asset', 'ast_1')).toEqual({ accountId: 'heygen-main', clientId: 'acme' });
    expect(await store.getAffinity('look', 'ast_1')).toEqual({ accountId: 'gmi-main', clientId: 'acme' });

    await store.putAffinity('asset', 'ast_1', 'cloudsway-main', 'globex');
    expect(await store.getAffinity('asset', 'ast_1')).toEqual({ accountId: 'cloudsway-main', clientId: 'globex' });
    expect(await store.getAffinity('group', 'ast_1')).toBeNull();
  });

  it('answers ping while open and not after close', async () => {
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});

describe('SqliteStore on a file', () => {
  it('keeps jobs and affinity across close and reopen', async () => {
    const file = join(dir, 'data', 'gateway.db');
    const first = SqliteStore.open(file);
    await first.insertJob(newJob());
    await first.updateJob('gw_vid_0001', { status: 'completed', detail: V3_DETAIL_COMPLETED, upstreamPayload: GMI_PAYLOAD_COMPLETED, completedAt: 1_711_382_680_000 });
    await first.putAffinity('look', 'look_def456', 'heygen-main', 'acme');
    const before = await first.getJob('gw_vid_0001');
    await first.close();

    const second = SqliteStore.open(file);
    try {
      expect(await second.getJob('gw_vid_0001')).toEqual(before);
      expect(before?.completedAt).toBe(1_711_382_680_000);
      expect(await second.getAffinity('look', 'look_def456')).toEqual({ accountId: 'heygen-main', clientId: 'acme' });
    } finally {
      await second.close();
    }
  });

  it('keeps events, deliveries, endpoints, idempotency records and spend across close and reopen', async () => {
    const file = join(dir, 'gateway.db');
    const event = { id: 'evt_abc123', clientId: 'acme', eventType: 'avatar_video.success', body: '{"event_type":"avatar_video.success"}', jobId: 'gw_vid_0001', createdAt: 5_000 };
    const endpoint = {
      id: 'ep_abc123',
      clientId: 'acme',
      url: 'https://yourapp.com/webhooks/heygen',
      events: ['avatar_video.success', 'avatar_video.fail'],
      secret: 'whsec_k7x9m2',
      status: 'enabled' as const,
      description: null,
      createdAt: 4_000,
      updatedAt: 4_000,
    };
    const answer = { status: 200, body: '{"data":{"video_id":"gw_vid_0001"}}', headers: { 'content-type': 'application/json; charset=utf-8' } };

    const first = SqliteStore.open(file);
    await first.insertJob(newJob());
    await first.schedulePoll('gw_vid_0001', 60_000, 2);
    await first.createEndpoint(endpoint);
    await first.insertEvents({
      events: [event],
      deliveries: [{ id: 'dlv_1', eventId: 'evt_abc123', clientId: 'acme', url: endpoint.url, endpointId: 'ep_abc123', nextAttemptAt: 5_000, createdAt: 5_000 }],
    });
    await first.recordAttempt('dlv_1', { at: 6_000, ok: false, status: 502, error: 'HTTP 502', nextAttemptAt: 16_000 });
    await first.beginIdempotent('acme', 'key-1', 'hash-a', 5_000, 86_400_000);
    await first.completeIdempotent('acme', 'key-1', answer);
    await first.reserveSpend({ id: 'sp_1', clientId: 'acme', accountId: 'gmi-main', month: '2026-03', estimateUsd: 1.5 }, 250, 5_000);
    const deliveries = await first.listDeliveries('evt_abc123');
    await first.close();

    const second = SqliteStore.open(file);
    try {
      expect((await second.dueJobs(59_999, 10)).map((j) => j.id)).toEqual([]);
      expect((await second.dueJobs(60_000, 10)).map((j) => j.id)).toEqual(['gw_vid_0001']);
      expect(await second.getEvent('evt_abc123')).toEqual(event);
      expect(await second.listDeliveries('evt_abc123')).toEqual(deliveries);
      expect(deliveries[0]).toMatchObject({ attempts: 1, lastStatus: 502, nextAttemptAt: 16_000 });
      expect(await second.getEndpoint('ep_abc123')).toEqual(endpoint);
      expect(await second.beginIdempotent('acme', 'key-1', 'hash-a', 6_000, 86_400_000)).toEqual({ state: 'done', ...answer });
      expect(await second.clientMonthSpend('acme', '2026-03')).toBe(1.5);
    } finally {
      await second.close();
    }
  });

  it('runs with WAL, synchronous FULL, a busy timeout and foreign keys on', async () => {
    const store = SqliteStore.open(join(dir, 'gateway.db'));
    try {
      expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeout: 5000, foreignKeys: true });
    } finally {
      await store.close();
    }
  });
});

// Each worker stands for another process: for every race it opens its own connection to the
// file, waits at a shared barrier so all start together, then runs its calls in order. Workers
// load the TypeScript store through tsx (vitest's transform does not reach them), once per pool.
const RACE_WORKER = `
const { parentPort } = require('node:worker_threads');
let SqliteStore;
parentPort.on('message', async ({ load, module, file, gate, calls }) => {
  if (load) {
    (await import('tsx/esm/api')).register();
    SqliteStore = (await import(module)).SqliteStore;
    return parentPort.postMessage('loaded');
  }
  const store = SqliteStore.open(file);
  parentPort.postMessage('ready');
  Atomics.wait(new Int32Array(gate), 0, 0);
  const results = [];
  for (const call of calls) {
    try {
      results.push({ value: await store[call.method](...call.args) });
    } catch (err) {
      results.push({ error: String(err && err.message) });
    }
  }
  await store.close();
  parentPort.postMessage(results);
});
`;

interface RaceCall {
  method: string;
  args: unknown[];
}
type RaceResult = { value: unknown } | { error: string };

const STORE_MODULE = new URL('../../src/store/sqlite.ts', import.meta.url).href;

/** Starts a worker and waits until it has loaded the store, so races time only themselves. */
async function startRaceWorker(): Promise<Worker> {
  const worker = new Worker(RACE_WORKER, { eval: true });
  await new Promise<void>((resolveLoaded, rejectLoaded) => {
    worker.once('message', () => resolveLoaded());
    worker.once('error', rejectLoaded);
    worker.postMessage({ load: true, module: STORE_MODULE });
  });
  return worker;
}

/** Runs one plan per worker, all released at once; resolves with each worker's results. */
async function race(workers: Worker[], file: string, plans: RaceCall[][]): Promise<RaceResult[][]> {
  const gate = new SharedArrayBuffer(4);
  const runs = plans.map((calls, i) => {
    const worker = workers[i]!;
    let onReady: () => void = () => {};
    const ready = new Promise<void>((r) => (onReady = r));
    const done = new Promise<RaceResult[]>((resolveDone, rejectDone) => {
      const onMessage = (m: unknown) => {
        if (m === 'ready') return onReady();
        worker.off('message', onMessage);
        worker.off('error', rejectDone);
        resolveDone(m as RaceResult[]);
      };
      worker.on('message', onMessage);
      worker.once('error', rejectDone);
    });
    worker.postMessage({ file, gate, calls });
    return { ready, done };
  });
  await Promise.race([Promise.all(runs.map((r) => r.ready)), Promise.all(runs.map((r) => r.done))]);
  Atomics.store(new Int32Array(gate), 0, 1);
  Atomics.notify(new Int32Array(gate), 0);
  return Promise.all(runs.map((r) => r.done));
}

function values(results: RaceResult[][]): unknown[] {
  const flat = results.flat();
  expect(flat.filter((r) => 'error' in r)).toEqual([]);
  return flat.map((r) => ('value' in r ? r.value : undefined));
}

describe('SqliteStore across connections', () => {
  const WORKERS = 4;
  let pool: Worker[] = [];
  let file: string;
  const raceAcrossConnections = (f: string, plans: RaceCall[][]) => race(pool, f, plans);
  // Loading TypeScript in four fresh isolates takes seconds on a busy machine.
  beforeAll(async () => {
    pool = await Promise.all(Array.from({ length: WORKERS }, startRaceWorker));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(pool.map((w) => w.terminate()));
  });
  beforeEach(async () => {
    file = join(dir, 'gateway.db');
    // Migrate once up front so the workers only open.
    await SqliteStore.open(file).close();
  });

  it('grants exactly 10 of 100 reservations raced by four connections against a budget that fits 10', async () => {
    const plans = Array.from({ length: WORKERS }, (_, w) =>
      Array.from({ length: 25 }, (_, i) => ({
        method: 'reserveSpend',
        args: [{ id: `sp_${w}_${i}`, clientId: 'acme', accountId: 'gmi-main', month: '2026-03', estimateUsd: 2.5 }, 25, 1_000],
      })),
    );
    const granted = values(await raceAcrossConnections(file, plans));
    expect(granted.filter((v) => v === true)).toHaveLength(10);
    expect(granted.filter((v) => v === false)).toHaveLength(90);
    const store = SqliteStore.open(file);
    try {
      expect(await store.clientMonthSpend('acme', '2026-03')).toBe(25);
    } finally {
      await store.close();
    }
  });

  it('answers new to exactly one of 100 idempotent starts raced by four connections', async () => {
    const plans = Array.from({ length: WORKERS }, () =>
      Array.from({ length: 25 }, () => ({ method: 'beginIdempotent', args: ['acme', 'key-race', 'hash-a', 1_000, 86_400_000] })),
    );
    const states = values(await raceAcrossConnections(file, plans)).map((v) => (v as { state: string }).state);
    expect(states.filter((s) => s === 'new')).toHaveLength(1);
    expect(states.filter((s) => s === 'in_flight')).toHaveLength(99);
  });

  it('lets exactly one of four connections finish a job, writing only its event', async () => {
    const store = SqliteStore.open(file);
    await store.insertJob(newJob());
    await store.close();
    const plans = Array.from({ length: WORKERS }, (_, w) => [
      {
        method: 'finishJob',
        args: [
          'gw_vid_0001',
          { status: 'completed', detail: V3_DETAIL_COMPLETED, upstreamPayload: GMI_PAYLOAD_COMPLETED, completedAt: 2_000 + w },
          { events: [{ id: `evt_${w}`, clientId: 'acme', eventType: 'avatar_video.success', body: '{}', jobId: 'gw_vid_0001', createdAt: 2_000 }], deliveries: [] },
        ],
      },
    ]);
    const outcomes = values(await raceAcrossConnections(file, plans)) as { transitioned: boolean }[];
    expect(outcomes.filter((o) => o.transitioned)).toHaveLength(1);
    const reopened = SqliteStore.open(file);
    try {
      const events = await reopened.listEvents('acme', 10);
      expect(events).toHaveLength(1);
      const winner = outcomes.findIndex((o) => o.transitioned);
      expect(events[0]?.id).toBe(`evt_${winner}`);
      expect((await reopened.getJob('gw_vid_0001'))?.completedAt).toBe(2_000 + winner);
    } finally {
      await reopened.close();
    }
  });

  it('hands each due delivery to exactly one of four connections claiming at once', async () => {
    const store = SqliteStore.open(file);
    const ids = Array.from({ length: 40 }, (_, i) => `dlv_${String(i).padStart(2, '0')}`);
    await store.insertEvents({
      events: [{ id: 'evt_1', clientId: 'acme', eventType: 'avatar_video.success', body: '{}', jobId: null, createdAt: 1_000 }],
      deliveries: ids.map((id, i) => ({ id, eventId: 'evt_1', clientId: 'acme', url: 'https://hooks.example.com/heygen', endpointId: null, nextAttemptAt: 1_000 + i, createdAt: 1_000 })),
    });
    await store.close();
    const plans = Array.from({ length: WORKERS }, () => Array.from({ length: 5 }, () => ({ method: 'claimDeliveries', args: [5_000, 3, 60_000] })));
    const claimed = (values(await raceAcrossConnections(file, plans)) as { id: string }[][]).flat().map((d) => d.id);
    expect([...claimed].sort()).toEqual(ids);
  });
});

describe('openStore', () => {
  it('opens sqlite::memory:', async () => {
    const store = openStore('sqlite::memory:');
    try {
      expect(await store.ping()).toBe(true);
      await store.insertJob(newJob());
      expect((await store.getJob('gw_vid_0001'))?.status).toBe('pending');
    } finally {
      await store.close();
    }
  });

  it('opens sqlite:/abs/path.db, creating the directory', async () => {
    const file = join(dir, 'abs', 'gateway.db');
    const store = openStore(`sqlite:${file}`);
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it('opens sqlite:./data/gateway.db relative to the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const store = openStore('sqlite:./data/gateway.db');
      await store.close();
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(true);
  });

  it.each(['postgres://gw:s3cret@db.internal:5432/gateway', 'postgresql://gw:s3cret@db.internal/gateway'])(
    'says the PostgreSQL store is not in this build for %s, without echoing the password',
    (url) => {
      expect(() => openStore(url)).toThrow(
        'the PostgreSQL store is not available in this build; use sqlite:<path> (e.g. sqlite:./data/gateway.db, sqlite:/abs/path.db, sqlite::memory:)',
      );
    },
  );

  it('names the accepted schemes for anything else', () => {
    const accepted = 'accepted: sqlite:<path> (e.g. sqlite:./data/gateway.db, sqlite:/abs/path.db, sqlite::memory:), or postgres:// / postgresql:// once the PostgreSQL store ships';
    expect(() => openStore('mysql://root:s3cret@localhost/gw')).toThrow(`unsupported store url scheme "mysql:"; ${accepted}`);
    expect(() => openStore('./data/gateway.db')).toThrow(`unsupported store url; ${accepted}`);
    expect(() => openStore('sqlite:')).toThrow('store url "sqlite:" has no path');
    expect(() => openStore('sqlite:///var/lib/gw.db')).toThrow('store url "sqlite://..." is not supported');
    let message = '';
    try {
      openStore('mysql://root:s3cret@localhost/gw');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('s3cret');
  });
});
