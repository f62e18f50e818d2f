/**
 * Sandbox mode: what `npm start` runs with no config. Simulated upstreams on loopback, an
 * embedded store under ./data, and a demo client key, so a new user can create and poll a video
 * with curl in a minute without any upstream account.
 */
import { randomBytes } from 'node:crypto';
import { GatewayConfig } from '../config/schema.js';
import { startHeygenV3Sandbox, type HeygenV3Sandbox } from './heygen-v3.js';

export const SANDBOX_CLIENT_KEY = 'sandbox-demo-key';

export interface SandboxMode {
  config: GatewayConfig;
  upstreams: { heygenV3: HeygenV3Sandbox };
  close(): Promise<void>;
}

export async function startSandboxMode(opts: { host?: string; port?: number; storeUrl?: string; stageMs?: number } = {}): Promise<SandboxMode> {
  // The upstream key is random per run: it never leaves this process and proves the gateway
  // sends its own key upstream, not the client's.
  const upstreamKey = `sandbox-upstream-${randomBytes(12).toString('hex')}`;
  // record: false — a long-running demo must not keep every request in memory.
  const heygenV3 = await startHeygenV3Sandbox({ apiKey: upstreamKey, stageMs: opts.stageMs ?? 3000, record: false });
  const config = GatewayConfig.parse({
    server: { host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 },
    store: { url: opts.storeUrl ?? 'sqlite:./data/sandbox.db' },
    webhooks: { allow_private_targets: true },
    clients: [{ id: 'demo', api_keys: [SANDBOX_CLIENT_KEY], accounts: ['sandbox-heygen'] }],
    accounts: [{ id: 'sandbox-heygen', provider: 'heygen-v3', base_url: heygenV3.url, api_key: upstreamKey }],
  });
  return {
    config,
    upstreams: { heygenV3 },
    close: async () => {
      await heygenV3.close();
    },
  };
}
