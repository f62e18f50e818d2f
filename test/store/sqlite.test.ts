import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
      expect(rows.map((r) => [r.version, r.name])).toEqual([[1, 'jobs_and_affinity']]);
      expect(rows[0]?.applied_at).toBeGreaterThan(0);
      expect(migrate(db)).toEqual([]);

      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(names).toEqual(['affinity', 'jobs', 'jobs_account_upstream', 'jobs_client_kind_created', 'jobs_in_progress', 'schema_migrations']);
    } finally {
      db.close();
    }
  });

  it('applies only the missing later migration, and rolls back one that fails', () => {
    const db = new Database(':memory:');
    try {
      expect(migrate(db)).toEqual([1]);
      const v2 = { version: 2, name: 'idempotency_keys', sql: 'CREATE TABLE idempotency_keys (job_id TEXT REFERENCES jobs(id)) STRICT;' };
      expect(migrate(db, [...MIGRATIONS, v2])).toEqual([2]);

      const broken = { version: 3, name: 'broken', sql: 'CREATE TABLE half_done (x TEXT) STRICT; CREATE TABLE nope (' };
      expect(() => migrate(db, [...MIGRATIONS, v2, broken])).toThrow();
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
    expect(() => SqliteStore.open(file)).toThrow('database schema is at version 7 but this build knows up to 1; upgrade the gateway');
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

  it('runs with WAL, synchronous FULL, a busy timeout and foreign keys on', async () => {
    const store = SqliteStore.open(join(dir, 'gateway.db'));
    try {
      expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeout: 5000, foreignKeys: true });
    } finally {
      await store.close();
    }
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
