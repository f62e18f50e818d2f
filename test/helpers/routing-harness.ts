/**
 * End-to-end harness for routing: the real gateway on loopback in front of several simulators,
 * each a separate upstream account (HeyGen v3 or GMI), plus accounts on a closed port (connection
 * refused). Clients, pricing, budgets, circuit settings and aliases come from the test. The
 * gateway's clock is injected (`advance`), so circuit cooldowns pass without waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp } from '../../src/app.js';
import { GatewayConfig, type GatewayConfigInput } from '../../src/config/schema.js';
import { startGmiSandbox, type GmiSandbox } from '../../src/sandbox/gmi.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox, type RecordedRequest } from '../../src/sandbox/heygen-v3.js';
import type { Store } from '../../src/store/types.js';

type AccountInput = GatewayConfigInput['accounts'][number];
type ClientInput = GatewayConfigInput['clients'][number];

export interface SimAccount {
  id: string;
  /** `closed`: a heygen-v3 account whose base URL is a port nobody listens on. */
  kind: 'heygen-v3' | 'gmi' | 'closed';
  pricing?: AccountInput['pricing'];
  circuit?: AccountInput['circuit'];
  max_concurrent_jobs?: number;
  timeout_ms?: number;
}

export interface SimClient {
  id: string;
  accounts: string[];
  routing?: 'priority' | 'cheapest';
  monthly_budget_usd?: number;
}

export interface RoutingHarnessOptions {
  accounts: SimAccount[];
  clients: SimClient[];
  aliases?: GatewayConfigInput['aliases'];
  adminKeys?: string[];
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface CallOptions {
  /** Client id whose key is sent (default: the first client); ignored when `key` is given. */
  client?: string;
  /** Raw key to send instead (null: none). */
  key?: string | null;
  /** X-Gateway-Account. */
  pin?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RoutingHarness {
  url: string;
  app: FastifyInstance;
  store: Store;
  config: GatewayConfig;
  /** The simulator behind an account (throws for closed accounts). */
  sim(accountId: string): HeygenV3Sandbox | GmiSandbox;
  /** A HeyGen v3 simulator behind an account. */
  hg(accountId: string): HeygenV3Sandbox;
  /** Requests an account's simulator received (optionally one method, a path prefix). */
  calls(accountId: string, method?: string, pathPrefix?: string): RecordedRequest[];
  /** Moves the gateway's clock forward. */
  advance(ms: number): void;
  now(): number;
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
  /** Empties every simulator (requests, faults, jobs). */
  reset(): void;
  close(): Promise<void>;
}

export const keyOf = (clientId: string): string => `${clientId}-client-key`;
export const upstreamKeyOf = (accountId: string): string => `upstream-key-${accountId}`;

/** A port that refuses connections: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRoutingHarness(opts: RoutingHarnessOptions): Promise<RoutingHarness> {
  const sims = new Map<string, HeygenV3Sandbox | GmiSandbox>();
  const hgs = new Map<string, HeygenV3Sandbox>();
  const accounts: AccountInput[] = [];
  for (const a of opts.accounts) {
    const extra = {
      ...(a.pricing ? { pricing: a.pricing } : {}),
      ...(a.circuit ? { circuit: a.circuit } : {}),
      ...(a.max_concurrent_jobs ? { max_concurrent_jobs: a.max_concurrent_jobs } : {}),
      ...(a.timeout_ms ? { timeout_ms: a.timeout_ms } : {}),
    };
    const api_key = upstreamKeyOf(a.id);
    if (a.kind === 'gmi') {
      const sim = await startGmiSandbox({ apiKey: api_key });
      sims.set(a.id, sim);
      accounts.push({ id: a.id, provider: 'gmi', base_url: sim.url, api_key, ...extra });
    } else if (a.kind === 'heygen-v3') {
      const sim = await startHeygenV3Sandbox({ apiKey: api_key });
      sims.set(a.id, sim);
      hgs.set(a.id, sim);
      accounts.push({ id: a.id, provider: 'heygen-v3', base_url: sim.url, api_key, ...extra });
    } else {
      accounts.push({ id: a.id, provider: 'heygen-v3', base_url: `http://127.0.0.1:${await closedPort()}`, api_key, ...extra });
    }
  }
  const clients: ClientInput[] = opts.clients.map((c) => ({
    id: c.id,
    api_keys: [keyOf(c.id)],
    accounts: c.accounts,
    ...(c.routing ? { routing: c.routing } : {}),
    ...(c.monthly_budget_usd !== undefined ? { monthly_budget_usd: c.monthly_budget_usd } : {}),
  }));
  const dataDir = mkdtempSync(join(tmpdir(), 'hgw-routing-'));
  const config = GatewayConfig.parse({
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${join(dataDir, 'gateway.db')}` },
    log: { level: 'silent' },
    admin: { api_keys: opts.adminKeys ?? [] },
    clients,
    accounts,
    ...(opts.aliases ? { aliases: opts.aliases } : {}),
  } satisfies GatewayConfigInput);

  let offset = 0;
  const now = (): number => Date.now() + offset;
  const app = await buildApp(config, { logger: false, now });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const firstClient = opts.clients[0]?.id ?? '';

  const sim = (id: string): HeygenV3Sandbox | GmiSandbox => {
    const s = sims.get(id);
    if (!s) throw new Error(`account "${id}" has no simulator`);
    return s;
  };

  return {
    url,
    app,
    store: app.gateway.store,
    config,
    sim,
    hg(id) {
      const s = hgs.get(id);
      if (!s) throw new Error(`account "${id}" is not a HeyGen v3 simulator`);
      return s;
    },
    calls(id, method, pathPrefix) {
      return sim(id).requests.filter((r) => (method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix)));
    },
    advance(ms) {
      offset += ms;
    },
    now,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const key = o.key === undefined ? keyOf(o.client ?? firstClient) : o.key;
      if (key !== null) headers['x-api-key'] = key;
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
      for (const s of sims.values()) s.reset();
    },
    async close() {
      await app.close();
      await Promise.all([...sims.values()].map((s) => s.close()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
