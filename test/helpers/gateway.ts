/**
 * End-to-end harness: the real gateway listening on loopback in front of real HeyGen v3
 * simulators, driven over HTTP with undici. Two clients share the account "hg"; "globex" also
 * has "hg2" (a second simulator), so pinning and isolation can be tested.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp } from '../../src/app.js';
import { GatewayConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox } from '../../src/sandbox/heygen-v3.js';
import type { RecordedRequest } from '../../src/sandbox/heygen-v3.js';

export const KEYS = { acme: 'acme-client-key', globex: 'globex-client-key' } as const;
export const UPSTREAM_KEYS = { hg: 'upstream-key-hg', hg2: 'upstream-key-hg2' } as const;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface Harness {
  url: string;
  app: FastifyInstance;
  hg: HeygenV3Sandbox;
  hg2: HeygenV3Sandbox;
  dataDir: string;
  call(method: string, path: string, opts?: { key?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string | Buffer }): Promise<Answer>;
  /** Closes the gateway only (the simulators and data dir stay), returning a function that starts it again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  stageMs?: number;
  timeoutMs?: number;
  configPatch?: (cfg: GatewayConfigInput) => GatewayConfigInput;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const hg = await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEYS.hg, ...(opts.stageMs ? { stageMs: opts.stageMs } : {}) });
  const hg2 = await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEYS.hg2, ...(opts.stageMs ? { stageMs: opts.stageMs } : {}) });
  const dataDir = mkdtempSync(join(tmpdir(), 'hgw-e2e-'));
  let input: GatewayConfigInput = {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${join(dataDir, 'gateway.db')}` },
    log: { level: 'silent' },
    clients: [
      { id: 'acme', api_keys: [KEYS.acme], accounts: ['hg'] },
      { id: 'globex', api_keys: [KEYS.globex], accounts: ['hg2', 'hg'] },
    ],
    accounts: [
      { id: 'hg', provider: 'heygen-v3', base_url: hg.url, api_key: UPSTREAM_KEYS.hg, ...(opts.timeoutMs ? { timeout_ms: opts.timeoutMs } : {}) },
      { id: 'hg2', provider: 'heygen-v3', base_url: hg2.url, api_key: UPSTREAM_KEYS.hg2, ...(opts.timeoutMs ? { timeout_ms: opts.timeoutMs } : {}) },
    ],
  };
  if (opts.configPatch) input = opts.configPatch(input);
  const config = GatewayConfig.parse(input);

  let app = await buildApp(config, { logger: false });
  let url = await app.listen({ host: '127.0.0.1', port: 0 });

  const h: Harness = {
    get url() {
      return url;
    },
    get app() {
      return app;
    },
    hg,
    hg2,
    dataDir,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const key = o.key === undefined ? KEYS.acme : o.key;
      if (key !== null) headers['x-api-key'] = key;
      let body: string | Buffer | undefined;
      if (o.rawBody !== undefined) body = o.rawBody;
      else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await request(`${url}${path}`, { method: method as 'GET', headers, body: body ?? null });
      const text = await res.body.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      return { status: res.statusCode, headers: res.headers, text, json };
    },
    async restart() {
      await app.close();
      app = await buildApp(config, { logger: false });
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    },
    async close() {
      await app.close();
      await hg.close();
      await hg2.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** What a simulator received: optionally one method only, and paths (with query) under a prefix. */
export function upstreamCalls(sim: HeygenV3Sandbox, method?: string, pathPrefix?: string): RecordedRequest[] {
  return sim.requests.filter((r) => (method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix)));
}

/**
 * Whatever in a response text must never reach a client: any configured key (upstream or client)
 * and anything shaped like a stack trace or a source location. Empty when the text is clean.
 */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const key of [...Object.values(UPSTREAM_KEYS), ...Object.values(KEYS)]) if (text.includes(key)) found.push(`key ${key}`);
  const traces = [/\bat [\w.<>]+ \(/, /\.(ts|js|mjs):\d+/, /node_modules/, /\bError: /];
  for (const re of traces) if (re.test(text)) found.push(`trace ${re.source}`);
  return found;
}
