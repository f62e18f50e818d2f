/**
 * End-to-end harness for the cloudsway provider: the real gateway on loopback in front of the
 * Cloudsway simulator and a HeyGen v3 simulator, driven over HTTP.
 *
 * Accounts: "cs" (both products, a translation endpoint path that needs encoding), "cs-video"
 * (video product only), "cs-badkey" and "cs-badpath" (misconfigured: wrong token, wrong endpoint
 * path), and "hg" (heygen-v3). Clients: "acme" lists cloudsway first (automatic routing chooses it
 * when it can, and skips it when it cannot), "globex" lists heygen-v3 first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp } from '../../src/app.js';
import { GatewayConfig } from '../../src/config/schema.js';
import { startCloudswaySandbox, type CloudswaySandbox } from '../../src/sandbox/cloudsway.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox, type RecordedRequest } from '../../src/sandbox/heygen-v3.js';

export const CLIENT_KEYS = { acme: 'acme-cs-client-key', globex: 'globex-cs-client-key' } as const;
export const CS_TOKEN = 'cs-upstream-token-51c2';
export const HG_KEY = 'hg-upstream-key-51c2';
export const EP_VIDEO = 'ep-video-001';
/** Not a realistic access point: it shows the endpoint path travels as one encoded segment. */
export const EP_TRANSLATE = 'ep translate/β';
/** The upstream path prefixes the gateway must use for each product of account "cs". */
export const CS_VIDEO = `/v1/ai/${EP_VIDEO}/heygen`;
export const CS_TRANSLATE = `/v1/ai/${encodeURIComponent(EP_TRANSLATE)}/heygen/v3`;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface CallOptions {
  /** Client key; acme's by default. */
  key?: string;
  /** Account id sent as X-Gateway-Account. */
  pin?: string;
  body?: unknown;
}

export interface CloudswayHarness {
  url: string;
  app: FastifyInstance;
  cs: CloudswaySandbox;
  hg: HeygenV3Sandbox;
  call(method: 'GET' | 'POST' | 'DELETE', path: string, opts?: CallOptions): Promise<Answer>;
  /** POST /v3/assets as multipart/form-data with one `file`. */
  upload(bytes: Uint8Array, filename: string, opts?: Omit<CallOptions, 'body'>): Promise<Answer>;
  close(): Promise<void>;
}

export async function startCloudswayHarness(opts: { stageMs?: number } = {}): Promise<CloudswayHarness> {
  const timing = opts.stageMs ? { stageMs: opts.stageMs } : {};
  const cs = await startCloudswaySandbox({ apiKey: CS_TOKEN, endpointPaths: { video: EP_VIDEO, translation: EP_TRANSLATE }, ...timing });
  const hg = await startHeygenV3Sandbox({ apiKey: HG_KEY, ...timing });
  const dataDir = mkdtempSync(join(tmpdir(), 'hgw-cs-e2e-'));
  const config = GatewayConfig.parse({
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${join(dataDir, 'gateway.db')}` },
    log: { level: 'silent' },
    clients: [
      { id: 'acme', api_keys: [CLIENT_KEYS.acme], accounts: ['cs', 'hg', 'cs-video', 'cs-badkey', 'cs-badpath'] },
      { id: 'globex', api_keys: [CLIENT_KEYS.globex], accounts: ['hg', 'cs'] },
    ],
    accounts: [
      { id: 'cs', provider: 'cloudsway', base_url: cs.url, api_key: CS_TOKEN, endpoint_paths: { video: EP_VIDEO, translation: EP_TRANSLATE } },
      { id: 'cs-video', provider: 'cloudsway', base_url: cs.url, api_key: CS_TOKEN, endpoint_paths: { video: EP_VIDEO } },
      { id: 'cs-badkey', provider: 'cloudsway', base_url: cs.url, api_key: 'not-the-token', endpoint_path: EP_VIDEO },
      { id: 'cs-badpath', provider: 'cloudsway', base_url: cs.url, api_key: CS_TOKEN, endpoint_path: 'ep-someone-else' },
      { id: 'hg', provider: 'heygen-v3', base_url: hg.url, api_key: HG_KEY },
    ],
  });
  const app = await buildApp(config, { logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const headersFor = (o: CallOptions): Record<string, string> => {
    const headers: Record<string, string> = { 'x-api-key': o.key ?? CLIENT_KEYS.acme };
    if (o.pin) headers['x-gateway-account'] = o.pin;
    return headers;
  };
  const answer = (status: number, headers: Answer['headers'], text: string): Answer => {
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status, headers, text, json };
  };

  return {
    url,
    app,
    cs,
    hg,
    async call(method, path, o = {}) {
      const headers = headersFor(o);
      let body: string | undefined;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const res = await request(`${url}${path}`, { method, headers, body: body ?? null });
      return answer(res.statusCode, res.headers, await res.body.text());
    },
    async upload(bytes, filename, o = {}) {
      const form = new FormData();
      form.append('file', new Blob([bytes]), filename);
      const res = await fetch(`${url}/v3/assets`, { method: 'POST', headers: headersFor(o), body: form });
      return answer(res.status, Object.fromEntries(res.headers), await res.text());
    },
    async close() {
      await app.close();
      await cs.close();
      await hg.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a simulator received: optionally one method only, and paths (with query) under a prefix. */
export function received(sim: { requests: RecordedRequest[] }, method?: string, pathPrefix?: string): RecordedRequest[] {
  return sim.requests.filter((r) => (method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix)));
}

/** Any configured secret found in a text a client received. */
export function secretsIn(text: string): string[] {
  return [...Object.values(CLIENT_KEYS), CS_TOKEN, HG_KEY, 'not-the-token'].filter((k) => text.includes(k));
}
