/**
 * End-to-end harness for the legacy HeyGen accounts: the real gateway on loopback in front of two
 * legacy simulators (one behind a heygen-v2 account, one behind a heygen-v1 account, each with
 * its own upload origin) and a HeyGen v3 simulator, driven over HTTP with undici.
 *
 * Clients: "legacy" has v2 then v1 (a pin reaches v1 and the two "-cold" accounts); "mixed" has
 * v2 then HeyGen v3 (what v2 cannot honour goes to v3); "v1first" has v1 then v2 (what v1 cannot
 * do goes to v2); "hgfirst" has HeyGen v3 then v2 (a pin is needed to reach v2).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp } from '../../src/app.js';
import { GatewayConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { multipartFileBody } from '../../src/core/multipart-body.js';
import { startHeygenLegacySandbox, type HeygenLegacySandbox, type LegacyRecordedRequest } from '../../src/sandbox/heygen-legacy.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox } from '../../src/sandbox/heygen-v3.js';

export const KEYS = {
  legacy: 'legacy-client-key',
  mixed: 'legacy-mixed-client-key',
  v1first: 'legacy-v1first-client-key',
  hgfirst: 'legacy-hgfirst-client-key',
} as const;
export const UPSTREAM_KEYS = { v2: 'upstream-key-v2-5a1e', v1: 'upstream-key-v1-c07d', hg: 'upstream-key-hg-88b3' } as const;
/**
 * The "-cold" accounts sit on the same simulators as their siblings but are each used by one test
 * only, so their adapters' avatar-listing cache is empty there and the listing read is visible.
 */
export const ACCOUNTS = { v2: 'legacy-v2', v1: 'legacy-v1', hg: 'hg-main', v2cold: 'legacy-v2-cold', v1cold: 'legacy-v1-cold' } as const;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface CallOptions {
  /** Client key; default the "legacy" client's. */
  key?: string;
  /** X-Gateway-Account. */
  pin?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface UploadResult extends Answer {
  /** SHA-256 (hex) and length of the bytes sent. */
  sha256: string;
  bytes: number;
}

export interface LegacyHarness {
  url: string;
  app: FastifyInstance;
  v2: HeygenLegacySandbox;
  v1: HeygenLegacySandbox;
  hg: HeygenV3Sandbox;
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
  /** POST /v3/assets with `bytes` as the multipart `file`, the way `curl -F file=@...` does. */
  upload(bytes: Buffer, opts?: CallOptions & { filename?: string; contentType?: string }): Promise<UploadResult>;
  /** Empties every simulator (requests, faults, jobs, assets). */
  reset(): void;
  close(): Promise<void>;
}

export async function startLegacyHarness(opts: { timeoutMs?: number } = {}): Promise<LegacyHarness> {
  const v2 = await startHeygenLegacySandbox({ apiKey: UPSTREAM_KEYS.v2 });
  const v1 = await startHeygenLegacySandbox({ apiKey: UPSTREAM_KEYS.v1 });
  const hg = await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEYS.hg });
  const dataDir = mkdtempSync(join(tmpdir(), 'hgw-legacy-e2e-'));
  const timeout = opts.timeoutMs ? { timeout_ms: opts.timeoutMs } : {};
  const input: GatewayConfigInput = {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${join(dataDir, 'gateway.db')}` },
    log: { level: 'silent' },
    clients: [
      { id: 'legacy', api_keys: [KEYS.legacy], accounts: [ACCOUNTS.v2, ACCOUNTS.v1, ACCOUNTS.v2cold, ACCOUNTS.v1cold] },
      { id: 'mixed', api_keys: [KEYS.mixed], accounts: [ACCOUNTS.v2, ACCOUNTS.hg] },
      { id: 'v1first', api_keys: [KEYS.v1first], accounts: [ACCOUNTS.v1, ACCOUNTS.v2] },
      { id: 'hgfirst', api_keys: [KEYS.hgfirst], accounts: [ACCOUNTS.hg, ACCOUNTS.v2] },
    ],
    accounts: [
      { id: ACCOUNTS.v2, provider: 'heygen-v2', base_url: v2.url, upload_url: v2.uploadUrl, api_key: UPSTREAM_KEYS.v2, ...timeout },
      { id: ACCOUNTS.v1, provider: 'heygen-v1', base_url: v1.url, upload_url: v1.uploadUrl, api_key: UPSTREAM_KEYS.v1, ...timeout },
      { id: ACCOUNTS.hg, provider: 'heygen-v3', base_url: hg.url, api_key: UPSTREAM_KEYS.hg, ...timeout },
      { id: ACCOUNTS.v2cold, provider: 'heygen-v2', base_url: v2.url, upload_url: v2.uploadUrl, api_key: UPSTREAM_KEYS.v2, ...timeout },
      { id: ACCOUNTS.v1cold, provider: 'heygen-v1', base_url: v1.url, upload_url: v1.uploadUrl, api_key: UPSTREAM_KEYS.v1, ...timeout },
    ],
  };
  const app = await buildApp(GatewayConfig.parse(input), { logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const headersOf = (o: CallOptions): Record<string, string> => {
    const headers: Record<string, string> = { 'x-api-key': o.key ?? KEYS.legacy, ...(o.headers ?? {}) };
    if (o.pin !== undefined) headers['x-gateway-account'] = o.pin;
    return headers;
  };
  const answer = async (res: Awaited<ReturnType<typeof request>>): Promise<Answer> => {
    const text = await res.body.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };

  return {
    url,
    app,
    v2,
    v1,
    hg,
    async call(method, path, o = {}) {
      const headers = headersOf(o);
      let body: string | undefined;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      return answer(await request(`${url}${path}`, { method: method as 'GET', headers, body: body ?? null }));
    },
    async upload(bytes, o = {}) {
      const mp = multipartFileBody({
        field: 'file',
        filename: o.filename ?? 'upload.bin',
        contentType: o.contentType ?? 'application/octet-stream',
        stream: Readable.from([bytes]),
      });
      const headers = { ...headersOf(o), 'content-type': mp.contentType, 'content-length': String(mp.overheadBytes + bytes.length) };
      const res = await answer(await request(`${url}/v3/assets`, { method: 'POST', headers, body: mp.body }));
      return { ...res, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
    },
    reset() {
      v2.reset();
      v1.reset();
      hg.reset();
    },
    async close() {
      await app.close();
      await Promise.all([v2.close(), v1.close(), hg.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a legacy simulator received: optionally one method only, and paths (with query) under a prefix. */
export function legacyCalls(sim: HeygenLegacySandbox, method?: string, pathPrefix?: string): LegacyRecordedRequest[] {
  return sim.requests.filter((r) => (method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix)));
}
