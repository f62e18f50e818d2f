/**
 * The README quick start, as a new user runs it: `serve` with no config in an empty directory
 * starts the sandbox, prints its base URL and demo key, and the README's curl requests work
 * against it; SIGTERM stops it cleanly. Also `check-config`, as the README describes it.
 * The CLI runs as a real child process (through tsx, so no build is needed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { multipartFileBody } from '../../src/core/multipart-body.js';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const EXAMPLE_JSON = fileURLToPath(new URL('../../examples/gateway.example.json', import.meta.url));
const EXAMPLE_YAML = fileURLToPath(new URL('../../examples/gateway.example.yaml', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The README's step 1 body, verbatim. */
const README_CREATE = {
  type: 'avatar',
  avatar_id: 'look_def456',
  script: 'Hello from the gateway sandbox!',
  voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
};

const dirs: string[] = [];
const children: ChildProcess[] = [];

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hgw-quickstart-'));
  dirs.push(dir);
  return dir;
}

/** This process's environment without anything that would change what the CLI does. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['GATEWAY_CONFIG', 'PORT', 'HOST', 'ACME_KEY', 'ACME_WEBHOOK_SECRET', 'HEYGEN_API_KEY', 'NODE_OPTIONS']) delete env[k];
  return { ...env, ...extra };
}

function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, out: () => out, err: () => err, exited };
}

async function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, cwd, env);
  const { code } = await run.exited;
  return { code, stdout: run.out(), stderr: run.err() };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, diag: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${diag()}`);
    await sleep(50);
  }
}

async function http(method: 'GET' | 'POST', url: string, key: string, body?: unknown) {
  const res = await request(url, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as unknown };
}

// A test that failed midway leaves its child running; it is killed here.
afterAll(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('README quick start: `serve` with no config', () => {
  it('starts the sandbox on the printed address, creates and completes the README video, and exits 0 on SIGTERM', async () => {
    const cwd = freshDir();
    const gw = startCli(['serve'], cwd, cleanEnv({ PORT: '0' }));
    const diag = () => `stdout:\n${gw.out()}\nstderr:\n${gw.err()}`;

    const banner = await waitFor(
      'the sandbox banner',
      () => {
        const base = /base URL : (\S+)/.exec(gw.out())?.[1];
        const key = /demo key : (\S+)/.exec(gw.out())?.[1];
        return base && key ? { base, key } : undefined;
      },
      45_000,
      diag,
    );
    // PORT=0: the printed address is the port actually bound, never ":0".
    expect(banner.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner.base).not.toMatch(/:0$/);
    expect(banner.key).toBe('sandbox-demo-key');
    expect(gw.out()).toContain(`curl -s -X POST ${banner.base}/v3/videos -H 'X-Api-Key: sandbox-demo-key'`);
    expect(gw.out()).toContain(`-d '${JSON.stringify(README_CREATE)}'`);
    // The store lives under ./data of the directory it was started in.
    expect(existsSync(join(cwd, 'data', 'sandbox.db'))).toBe(true);

    const health = await request(`${banner.base}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toStrictEqual({ status: 'ok' });

    // 1. create
    const created = await http('POST', `${banner.base}/v3/videos`, banner.key, README_CREATE);
    expect(created.status).toBe(200);
    expect(created.json).toStrictEqual({ data: { video_id: expect.stringMatching(/^gv_[A-Za-z0-9_-]+$/), status: 'pending' } });
    expect(created.headers['x-gateway-account']).toBe('sandbox-heygen');
    expect(created.headers['x-gateway-provider']).toBe('heygen-v3');
    const videoId = (created.json as { data: { video_id: string } }).data.video_id;

    // 2. poll: pending -> processing -> completed, 3 s per stage
    const seen: string[] = [];
    let detail: Record<string, unknown> | undefined;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const polled = await http('GET', `${banner.base}/v3/videos/${videoId}`, banner.key);
      expect(polled.status).toBe(200);
      const d = (polled.json as { data: Record<string, unknown> }).data;
      expect(d.id).toBe(videoId);
      const status = String(d.status);
      if (seen.at(-1) !== status) seen.push(status);
      if (status === 'completed' || status === 'failed') {
        detail = d;
        break;
      }
      await sleep(500);
    }
    expect(detail, `video never finished; statuses seen: ${seen.join(' -> ')}`).toBeDefined();
    expect(seen.at(-1)).toBe('completed');
    expect(seen.every((s) => ['pending', 'processing', 'completed'].includes(s))).toBe(true);
    expect(detail).toMatchObject({
      id: videoId,
      status: 'completed',
      video_url: expect.stringMatching(/^https:\/\//),
      duration: expect.any(Number),
    });

    // 3. "everything else the v3 API has"
    const looks = await http('GET', `${banner.base}/v3/avatars/looks?limit=3`, banner.key);
    expect(looks.status).toBe(200);
    expect((looks.json as { data: unknown[] }).data).toHaveLength(3);
    const voices = await http('GET', `${banner.base}/v3/voices?language=English&limit=3`, banner.key);
    expect(voices.status).toBe(200);
    expect((voices.json as { data: Array<{ language: string }> }).data.map((v) => v.language)).toStrictEqual(['English', 'English', 'English']);
    const me = await http('GET', `${banner.base}/v3/users/me`, banner.key);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ data: { username: 'jane_doe' } });
    // curl -F "file=@photo.png"
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(256, 7)]);
    const form = multipartFileBody({ field: 'file', filename: 'photo.png', contentType: 'image/png', stream: Readable.from([png]) });
    const uploaded = await request(`${banner.base}/v3/assets`, {
      method: 'POST',
      headers: { 'x-api-key': banner.key, 'content-type': form.contentType, 'content-length': String(form.overheadBytes + png.length) },
      body: form.body,
    });
    expect(uploaded.statusCode).toBe(200);
    expect(await uploaded.body.json()).toMatchObject({ data: { asset_id: expect.any(String), mime_type: 'image/png', size_bytes: png.length } });
    const stranger = await http('GET', `${banner.base}/v3/voices`, 'not-the-demo-key');
    expect(stranger.status).toBe(401);
    expect(stranger.json).toMatchObject({ error: { code: 'unauthorized' } });

    gw.child.kill('SIGTERM');
    const exit = await gw.exited;
    expect(exit, diag()).toStrictEqual({ code: 0, signal: null });
  }, 120_000);
});

describe('check-config', () => {
  it('accepts examples/gateway.example.json with its variables set: exit 0, "config OK"', async () => {
    const cwd = freshDir();
    const res = await runCli(['check-config', '--config', EXAMPLE_JSON], cwd, cleanEnv({ ACME_KEY: 'k1', ACME_WEBHOOK_SECRET: 's1', HEYGEN_API_KEY: 'h1' }));
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('config OK: 1 client(s), 1 account(s)\n');
    expect(res.code).toBe(0);
    // Checking starts nothing: no store was created.
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  }, 60_000);

  it('reads GATEWAY_CONFIG when --config is not given', async () => {
    const res = await runCli(['check-config'], freshDir(), cleanEnv({ GATEWAY_CONFIG: EXAMPLE_JSON, ACME_KEY: 'k1', ACME_WEBHOOK_SECRET: 's1', HEYGEN_API_KEY: 'h1' }));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('config OK');
  }, 60_000);

  it('accepts the commented YAML example with its variables set', async () => {
    const res = await runCli(
      ['check-config', '--config', EXAMPLE_YAML],
      freshDir(),
      cleanEnv({ ACME_KEY: 'k1', ACME_WEBHOOK_SECRET: 's1', HEYGEN_API_KEY: 'h1', CLOUDSWAY_TOKEN: 'c1', GMI_API_KEY: 'g1', GATEWAY_ADMIN_KEY: 'a1' }),
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^config OK: \d+ client\(s\), \d+ account\(s\)\n$/);
  }, 60_000);

  it('names each unset variable by its path and exits 1', async () => {
    const res = await runCli(['check-config', '--config', EXAMPLE_JSON], freshDir(), cleanEnv());
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('clients[0].api_keys[0]: environment variable ACME_KEY is not set');
    expect(res.stderr).toContain('clients[0].webhook_secret: environment variable ACME_WEBHOOK_SECRET is not set');
    expect(res.stderr).toContain('accounts[0].api_key: environment variable HEYGEN_API_KEY is not set');
  }, 60_000);

  it('rejects a broken config naming the bad path, and exits non-zero', async () => {
    const cwd = freshDir();
    const file = join(cwd, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        clients: [{ id: 'acme', api_keys: ['k'], accounts: ['heygen-main'] }],
        accounts: [{ id: 'heygen-main', provider: 'heygen-v3', base_url: 'https://api.heygen.com', api_key: 'x', timeout_msec: 5000 }],
      }),
    );
    const res = await runCli(['check-config', '--config', file], cwd, cleanEnv());
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('accounts[0].timeout_msec: unknown key');
    // The secret in the file is not echoed back.
    expect(res.stderr).not.toContain('"x"');
  }, 60_000);
});
