/**
 * Durability with a real process: the gateway runs as `node --import tsx src/cli.ts serve --config
 * FILE` (background refresher and outbox on, production timings), the simulators and the webhook
 * receiver run here, in the test process, and outlive it.
 *
 * 1. Jobs, a pending callback (its receiver answered 500) and an idempotency record exist; the
 *    process is killed with SIGKILL right after the last create was answered. Restarted on the
 *    same SQLite file, it serves every accepted job, its refresher finishes them (their callbacks
 *    arrive with no client GET), the pending callback is delivered with its original event id, and
 *    the idempotency key still replays.
 * 2. SIGTERM while a slow create is in flight: the request completes with 200, the process exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGmiSandbox, type GmiSandbox } from '../../src/sandbox/gmi.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox } from '../../src/sandbox/heygen-v3.js';
import {
  GMI_VIDEO,
  KEYS,
  SECRETS,
  TRANSLATION,
  UPSTREAM_KEYS,
  VIDEO,
  call,
  header,
  lifecycleConfig,
  signatureValid,
  startReceiver,
  waitFor,
  type Answer,
  type Hook,
  type Receiver,
} from '../helpers/lifecycle-harness.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Gateway {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
let dir: string;
let configFile: string;
let storeFile: string;
let hg: HeygenV3Sandbox;
let gmi: GmiSandbox;
let rx: Receiver;

/** Starts `serve` and waits for fastify's "Server listening at" line. */
async function startGateway(): Promise<Gateway> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['GATEWAY_CONFIG', 'PORT', 'HOST', 'NODE_OPTIONS']) delete env[k];
  const child = spawn(process.execPath, ['--import', TSX, CLI, 'serve', '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await waitFor(
    'the gateway to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`gateway exited early (${child.exitCode}):\n${out}`);
      return /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    },
    45_000,
    50,
  );
  return { child, url, output: () => out, exited };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hgw-durability-'));
  storeFile = join(dir, 'gateway.db');
  // HeyGen jobs take 2 x 1000 ms upstream; GMI jobs are done by their first poll.
  [hg, gmi, rx] = await Promise.all([
    startHeygenV3Sandbox({ apiKey: UPSTREAM_KEYS.hg, stageMs: 1000 }),
    startGmiSandbox({ apiKey: UPSTREAM_KEYS.gmi, stageMs: 1 }),
    startReceiver(),
  ]);
  const config = lifecycleConfig({ hgUrl: hg.url, gmiUrl: gmi.url, storeFile, allowPrivateTargets: true });
  configFile = join(dir, 'gateway.json');
  writeFileSync(configFile, JSON.stringify({ ...config, log: { level: 'info' } }));
});

afterAll(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all([hg?.close(), gmi?.close(), rx?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const acked = (path: string, timeoutMs: number): Promise<Hook> =>
  waitFor(`a 2xx-acknowledged delivery at ${path}`, () => rx.to(path).find((x) => x.answered < 300), timeoutMs, 50);

const upstreamVideoCreates = () => hg.requests.filter((r) => r.method === 'POST' && r.path === '/v3/videos');

describe('kill -9 and restart on the same store', () => {
  it('loses no accepted job, no pending callback and no idempotency record', async () => {
    rx.status = 500;
    const first = await startGateway();
    const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
      call(first.url, 'POST', path, { body, headers });

    // A GMI job whose callback receiver is failing: once the refresher has finished it and the
    // outbox has been answered 500, a retry is owed.
    const gmiJob = await post('/v3/videos', { ...GMI_VIDEO, callback_url: `${rx.url}/gmi`, callback_id: 'cb-gmi' }, { 'x-gateway-account': 'gmi' });
    expect(gmiJob.status, gmiJob.text).toBe(200);
    const refused = await waitFor('the first (500) delivery attempt', () => rx.to('/gmi')[0], 20_000, 50);
    expect(refused.answered).toBe(500);

    // Jobs still in progress upstream, one of them under an Idempotency-Key; then SIGKILL at once.
    const video = await post('/v3/videos', { ...VIDEO, callback_url: `${rx.url}/video`, callback_id: 'cb-video' }, { 'idempotency-key': 'durable-key-1' });
    const translation = await post('/v3/video-translations', { ...TRANSLATION, callback_url: `${rx.url}/translation` });
    const quiet = await post('/v3/videos', { ...VIDEO, title: 'No callback' });
    first.child.kill('SIGKILL');
    expect(await first.exited).toStrictEqual({ code: null, signal: 'SIGKILL' });
    for (const a of [video, translation, quiet]) expect(a.status, a.text).toBe(200);
    const ids = {
      gmi: gmiJob.json.data.video_id as string,
      video: video.json.data.video_id as string,
      translation: translation.json.data.video_translation_ids[0] as string,
      quiet: quiet.json.data.video_id as string,
    };
    expect(rx.to('/video')).toHaveLength(0);
    expect(rx.to('/translation')).toHaveLength(0);

    // What the dead process left on disk.
    const db = new Database(storeFile, { readonly: true });
    try {
      const jobs = db.prepare('SELECT id, status, completed_at FROM jobs ORDER BY created_at').all() as Array<{ id: string; status: string; completed_at: number | null }>;
      expect(jobs.map((j) => j.id)).toStrictEqual([ids.gmi, ids.video, ids.translation, ids.quiet]);
      expect(jobs.slice(1).every((j) => j.completed_at === null)).toBe(true);
      const pending = db.prepare("SELECT url, state, attempts, last_status FROM webhook_deliveries WHERE state = 'pending'").all();
      expect(pending).toStrictEqual([{ url: `${rx.url}/gmi`, state: 'pending', attempts: 1, last_status: 500 }]);
      const keys = db.prepare('SELECT client_id, key, state, status FROM idempotency_keys').all();
      expect(keys).toStrictEqual([{ client_id: 'acme', key: 'durable-key-1', state: 'done', status: 200 }]);
    } finally {
      db.close();
    }

    rx.status = 200;
    const second = await startGateway();
    const get = (path: string) => call(second.url, 'GET', path);

    // Every accepted job is served at once (from the store: listing never asks the upstream).
    const videos = await get('/v3/videos?limit=100');
    expect((videos.json.data as Array<{ id: string }>).map((v) => v.id).sort()).toStrictEqual([ids.gmi, ids.video, ids.quiet].sort());
    const translations = await get('/v3/video-translations?limit=100');
    expect((translations.json.data as Array<{ id: string }>).map((t) => t.id)).toStrictEqual([ids.translation]);

    // The refresher finishes the jobs and the outbox delivers, with no client GET; the owed
    // callback arrives with the event id it had before the crash.
    const [gmiOk, videoOk, translationOk] = await Promise.all([acked('/gmi', 30_000), acked('/video', 30_000), acked('/translation', 30_000)]);
    expect(header(gmiOk, 'heygen-event-id')).toBe(header(refused, 'heygen-event-id'));
    expect(gmiOk.raw.equals(refused.raw)).toBe(true);
    for (const x of [refused, gmiOk, videoOk, translationOk]) expect(signatureValid(x, SECRETS.acme)).toBe(true);
    expect(JSON.parse(gmiOk.raw.toString('utf8'))).toMatchObject({ event_type: 'avatar_video.success', event_data: { video_id: ids.gmi, callback_id: 'cb-gmi' } });
    expect(JSON.parse(videoOk.raw.toString('utf8'))).toMatchObject({ event_type: 'avatar_video.success', event_data: { video_id: ids.video, callback_id: 'cb-video' } });
    expect(JSON.parse(translationOk.raw.toString('utf8'))).toMatchObject({
      event_type: 'video_translate.success',
      event_data: { video_translate_id: ids.translation, output_language: 'Spanish' },
    });
    expect(rx.to('/gmi').map((x) => x.answered)).toStrictEqual([500, 200]);
    expect(rx.to('/video').map((x) => x.answered)).toStrictEqual([200]);

    for (const [path, id] of [['/v3/videos', ids.video], ['/v3/videos', ids.gmi], ['/v3/video-translations', ids.translation]] as const) {
      const got = await get(`${path}/${id}`);
      expect(got.status).toBe(200);
      expect(got.json.data).toMatchObject({ id, status: 'completed' });
    }
    expect((await get(`/v3/videos/${ids.quiet}`)).json.data).toMatchObject({ id: ids.quiet, title: 'No callback' });

    // The idempotency record survived: same answer, no new upstream job.
    const creates = upstreamVideoCreates().length;
    const replay = await call(second.url, 'POST', '/v3/videos', {
      body: { ...VIDEO, callback_url: `${rx.url}/video`, callback_id: 'cb-video' },
      headers: { 'idempotency-key': 'durable-key-1' },
    });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json).toStrictEqual(video.json);
    expect(upstreamVideoCreates()).toHaveLength(creates);

    // SIGTERM while a slow create is in flight: it is answered, then the process exits 0.
    hg.faults.add({ method: 'POST', path: '/v3/videos', delayMs: 1500 });
    const slow = call(second.url, 'POST', '/v3/videos', { key: KEYS.globex, body: { ...VIDEO, title: 'Slow one' } });
    await waitFor('the slow create to reach the upstream', () => (upstreamVideoCreates().length === creates + 1 ? true : undefined), 10_000);
    second.child.kill('SIGTERM');
    const answered = await slow;
    expect(answered.status, answered.text).toBe(200);
    const slowId = answered.json.data.video_id as string;
    const exit = await second.exited;
    expect(exit, second.output().slice(-2000)).toStrictEqual({ code: 0, signal: null });
    // The drained request's job was stored before the process went away.
    const after = new Database(storeFile, { readonly: true });
    try {
      expect(after.prepare('SELECT client_id, title FROM jobs WHERE id = ?').get(slowId)).toStrictEqual({ client_id: 'globex', title: 'Slow one' });
    } finally {
      after.close();
    }
  }, 120_000);
});
