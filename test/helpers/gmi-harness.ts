/**
 * End-to-end harness for GMI: the real gateway on loopback in front of the GMI request-queue
 * simulator and a HeyGen v3 simulator, driven over HTTP with undici.
 *
 * Clients: "solo" has only the GMI account; "mixed" has GMI first, then HeyGen v3 (automatic
 * routing sends avatar video to GMI and everything GMI cannot do to HeyGen); "hgfirst" has HeyGen
 * v3 first (a pin is needed to reach GMI).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp } from '../../src/app.js';
import { GatewayConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { startGmiSandbox, type GmiSandbox } from '../../src/sandbox/gmi.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox, type RecordedRequest } from '../../src/sandbox/heygen-v3.js';

export const KEYS = { solo: 'gmi-solo-client-key', mixed: 'gmi-mixed-client-key', hgfirst: 'gmi-hgfirst-client-key' } as const;
export const UPSTREAM_KEYS = { gmi: 'upstream-key-gmi-91c2', hg: 'upstream-key-hg-4d7e' } as const;
export const ACCOUNTS = { gmi: 'gmi-main', hg: 'hg-main' } as const;
export const GMI_MODEL = 'heygen-avatar-4';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface CallOptions {
  /** Client key; default the "solo" client's. */
  key?: string;
  /** X-Gateway-Account. */
  pin?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GmiHarness {
  url: string;
  app: FastifyInstance;
  gmi: GmiSandbox;
  hg: HeygenV3Sandbox;
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
  /** Empties both simulators (requests, faults, jobs). */
  reset(): void;
  close(): Promise<void>;
}

export interface GmiHarnessOptions {
  /** Passed to the GMI simulator: unset, each status GET moves a request on one word. */
  stageMs?: number;
  timeoutMs?: number;
}

export async function startGmiHarness(opts: GmiHarnessOptions = {}): Promise<GmiHarness> {
  const gmi = await startGmiSandbox({ apiKey: UPSTREAM_KEYS.gmi, ...(opts.stageMs ? { stageMs: opts.stageMs } : {}) });
  const hg = await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEYS.hg });
  const dataDir = mkdtempSync(join(tmpdir(), 'hgw-gmi-e2e-'));
  const timeout = opts.timeoutMs ? { timeout_ms: opts.timeoutMs } : {};
  const input: GatewayConfigInput = {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${join(dataDir, 'gateway.db')}` },
    log: { level: 'silent' },
    clients: [
      { id: 'solo', api_keys: [KEYS.solo], accounts: [ACCOUNTS.gmi] },
      { id: 'mixed', api_keys: [KEYS.mixed], accounts: [ACCOUNTS.gmi, ACCOUNTS.hg] },
      { id: 'hgfirst', api_keys: [KEYS.hgfirst], accounts: [ACCOUNTS.hg, ACCOUNTS.gmi] },
    ],
    accounts: [
      { id: ACCOUNTS.gmi, provider: 'gmi', base_url: gmi.url, api_key: UPSTREAM_KEYS.gmi, model: GMI_MODEL, ...timeout },
      { id: ACCOUNTS.hg, provider: 'heygen-v3', base_url: hg.url, api_key: UPSTREAM_KEYS.hg, ...timeout },
    ],
  };
  const app = await buildApp(GatewayConfig.parse(input), { logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  return {
    url,
    app,
    gmi,
    hg,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { 'x-api-key': o.key ?? KEYS.solo, ...(o.headers ?? {}) };
      if (o.pin !== undefined) headers['x-gateway-account'] = o.pin;
      let body: string | undefined;
      if (o.body !== undefined) {
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
    reset() {
      gmi.reset();
      hg.reset();
    },
    async close() {
      await app.close();
      await gmi.close();
      await hg.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a simulator received: optionally one method only, and paths (with query) under a prefix. */
export function upstreamCalls(sim: { requests: RecordedRequest[] }, method?: string, pathPrefix?: string): RecordedRequest[] {
  return sim.requests.filter((r) => (method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix)));
}
