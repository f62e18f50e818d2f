/**
 * Harness for the job lifecycle (issue 7): the real gateway on loopback WITH its background
 * workers (refresher + webhook outbox, as `serve` runs them, on test-sized timings), in front of a
 * HeyGen v3 simulator ("hg") and a GMI simulator ("gmi"), plus webhook receivers: plain node:http
 * servers on loopback that record every request's raw bytes and answer with a chosen status, or
 * stop listening altogether (connection refused).
 *
 * Clients: "acme" (accounts hg, gmi; webhook_secret ACME_SECRET) and "globex" (hg only;
 * GLOBEX_SECRET). Also the pieces the child-process durability test needs: a config file writer
 * and a signature check computed with node:crypto only (independent of src/core/webhooks/sign.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp, type BackgroundOptions } from '../../src/app.js';
import { GatewayConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { startGmiSandbox, type GmiSandbox } from '../../src/sandbox/gmi.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox } from '../../src/sandbox/heygen-v3.js';

export const KEYS = { acme: 'lc-acme-client-key', globex: 'lc-globex-client-key' } as const;
export const SECRETS = { acme: 'whsec_acme_lifecycle_0123456789', globex: 'whsec_globex_lifecycle_9876543210' } as const;
export const UPSTREAM_KEYS = { hg: 'lc-upstream-key-hg', gmi: 'lc-upstream-key-gmi' } as const;
export const GMI_MODEL = 'heygen-avatar-4';

/** A v3 avatar video the HeyGen simulator accepts (a seeded look and voice). */
export const VIDEO = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
} as const;

/** A v3 translation (the simulator never fetches the URL). */
export const TRANSLATION = {
  video: { type: 'url', url: 'https://example.com/video.mp4' },
  output_languages: ['Spanish'],
  mode: 'speed',
  title: 'My Translated Video',
} as const;

/** What GMI can make (the GMI document's example in v3 terms). */
export const GMI_VIDEO = {
  type: 'avatar',
  avatar_id: 'YOUR_AVATAR_ID',
  script: 'Hello, welcome to HeyGen avatar video generation.',
  voice_id: 'YOUR_VOICE_ID',
} as const;

/** Fast worker timings: a poll every ~60 ms, deliveries looked for every 25 ms, first retry after ~60 ms. */
export const FAST_BACKGROUND: BackgroundOptions = { refreshTickMs: 20, outboxPollMs: 25, refreshEveryMs: 60, firstRetryMs: 60 };

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One HTTP call to `base + path` with a client key and a JSON body. */
export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'x-api-key': o.key ?? KEYS.acme, ...(o.headers ?? {}) };
  let body: string | undefined;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await request(`${base}${path}`, { method: method as 'GET', headers, body: body ?? null });
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

// ---- webhook receiver ------------------------------------------------------------------------

export interface Hook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body as received. */
  raw: Buffer;
  /** The status this receiver answered with. */
  answered: number;
  at: number;
}

export interface Receiver {
  /** Base URL (http://127.0.0.1:port); the port stays the same across down()/up(). */
  url: string;
  /** Every request received, in order. */
  hooks: Hook[];
  /** The status to answer with from now on (default 200). */
  status: number;
  /** Stops listening: deliveries meet a refused connection. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Requests to one path. */
  to(path: string): Hook[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hooks: Hook[] = [];
  const r = { status: 200 };
  let server: Server | null = null;
  let port = 0;
  const listen = async (): Promise<void> => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = r.status;
        hooks.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks), answered, at: Date.now() });
        res.writeHead(answered, { 'content-type': 'text/plain', connection: 'close' }).end(answered < 300 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    hooks,
    get status() {
      return r.status;
    },
    set status(v: number) {
      r.status = v;
    },
    down: stop,
    up: listen,
    to: (path) => hooks.filter((h) => h.path === path),
    close: stop,
  };
}

/** A header's single value. */
export function header(h: Hook, name: string): string | undefined {
  const v = h.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** What a receiver does (HeyGen's Node example): hex HMAC-SHA256 of the raw body, compared in constant time. */
export function signatureValid(h: Hook, secret: string): boolean {
  const given = header(h, 'heygen-signature');
  if (!given || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(h.raw).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/** Polls `probe` until it returns something other than undefined; fails naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---- in-process gateway ---------------------------------------------------------------------

export interface LifecycleHarness {
  url: string;
  app: FastifyInstance;
  hg: HeygenV3Sandbox;
  gmi: GmiSandbox;
  dataDir: string;
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface LifecycleHarnessOptions {
  /** HeyGen simulator: pending for stageMs, processing for stageMs, then terminal (default 150). */
  stageMs?: number;
  /** GMI simulator: stageMs in each of its four in-progress words (default 40). */
  gmiStageMs?: number;
  /** config webhooks.allow_private_targets (default true: the receivers are on loopback). */
  allowPrivateTargets?: boolean;
  /** Background workers: FAST_BACKGROUND by default; false runs none (only client GETs poll). */
  background?: BackgroundOptions | false;
  now?: () => number;
}

export function lifecycleConfig(o: { hgUrl: string; gmiUrl: string; storeFile: string; allowPrivateTargets: boolean }): GatewayConfigInput {
  return {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${o.storeFile}` },
    log: { level: 'silent' },
    webhooks: { allow_private_targets: o.allowPrivateTargets },
    clients: [
      { id: 'acme', api_keys: [KEYS.acme], accounts: ['hg', 'gmi'], webhook_secret: SECRETS.acme },
      { id: 'globex', api_keys: [KEYS.globex], accounts: ['hg'], webhook_secret: SECRETS.globex },
    ],
    accounts: [
      { id: 'hg', provider: 'heygen-v3', base_url: o.hgUrl, api_key: UPSTREAM_KEYS.hg },
      { id: 'gmi', provider: 'gmi', base_url: o.gmiUrl, api_key: UPSTREAM_KEYS.gmi, model: GMI_MODEL },
    ],
  };
}

export async function startLifecycleHarness(opts: LifecycleHarnessOptions = {}): Promise<LifecycleHarness> {
  const hg = await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEYS.hg, stageMs: opts.stageMs ?? 150 });
  const gmi = await startGmiSandbox({ apiKey: UPSTREAM_KEYS.gmi, stageMs: opts.gmiStageMs ?? 40 });
  const dataDir = mkdtempSync(join(tmpdir(), 'hgw-lifecycle-'));
  const config = GatewayConfig.parse(
    lifecycleConfig({ hgUrl: hg.url, gmiUrl: gmi.url, storeFile: join(dataDir, 'gateway.db'), allowPrivateTargets: opts.allowPrivateTargets ?? true }),
  );
  const background = opts.background === undefined ? FAST_BACKGROUND : opts.background;
  const app = await buildApp(config, {
    logger: false,
    ...(background ? { background } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    hg,
    gmi,
    dataDir,
    call: (method, path, o) => call(url, method, path, o),
    async close() {
      await app.close();
      await hg.close();
      await gmi.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
