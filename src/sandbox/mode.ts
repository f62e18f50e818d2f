/**
 * Sandbox mode: what `npm start` runs with no config. A simulator of every upstream on loopback,
 * an embedded store under ./data, and a demo client key, so a new user can create and poll a
 * video with curl in a minute without any upstream account. The demo client may use every
 * simulated account (HeyGen v3 first); `X-Gateway-Account` pins a request to another one.
 */
import { randomBytes } from 'node:crypto';
import { GatewayConfig } from '../config/schema.js';
import { startHeygenV3Sandbox } from './heygen-v3.js';
import { startHeygenLegacySandbox } from './heygen-legacy.js';
import { startCloudswaySandbox } from './cloudsway.js';
import { startGmiSandbox } from './gmi.js';

export const SANDBOX_CLIENT_KEY = 'sandbox-demo-key';
export const SANDBOX_ACCOUNTS = ['sandbox-heygen', 'sandbox-cloudsway', 'sandbox-gmi', 'sandbox-heygen-v2', 'sandbox-heygen-v1'] as const;

export interface SandboxMode {
  config: GatewayConfig;
  close(): Promise<void>;
}

export async function startSandboxMode(opts: { host?: string; port?: number; storeUrl?: string; stageMs?: number } = {}): Promise<SandboxMode> {
  // Upstream keys are random per run: they never leave this process, and they show that the
  // gateway sends its own key upstream, never the client's.
  const key = (name: string) => `sandbox-${name}-${randomBytes(12).toString('hex')}`;
  const keys = { v3: key('v3'), legacy: key('legacy'), cloudsway: key('cloudsway'), gmi: key('gmi') };
  const stageMs = opts.stageMs ?? 3000;
  const endpointPaths = { video: 'sandbox_avatar_iv', translation: 'sandbox_video_translate' };
  // record: false — a long-running demo must not keep every request in memory.
  const [v3, legacy, cloudsway, gmi] = await Promise.all([
    startHeygenV3Sandbox({ apiKey: keys.v3, stageMs, record: false }),
    startHeygenLegacySandbox({ apiKey: keys.legacy, stageMs, record: false }),
    startCloudswaySandbox({ apiKey: keys.cloudsway, endpointPaths, stageMs, record: false }),
    startGmiSandbox({ apiKey: keys.gmi, stageMs, record: false }),
  ]);
  const config = GatewayConfig.parse({
    server: { host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 },
    store: { url: opts.storeUrl ?? 'sqlite:./data/sandbox.db' },
    webhooks: { allow_private_targets: true },
    clients: [{ id: 'demo', api_keys: [SANDBOX_CLIENT_KEY], accounts: [...SANDBOX_ACCOUNTS] }],
    accounts: [
      { id: 'sandbox-heygen', provider: 'heygen-v3', base_url: v3.url, api_key: keys.v3 },
      { id: 'sandbox-cloudsway', provider: 'cloudsway', base_url: cloudsway.url, api_key: keys.cloudsway, endpoint_paths: endpointPaths },
      { id: 'sandbox-gmi', provider: 'gmi', base_url: gmi.url, api_key: keys.gmi },
      { id: 'sandbox-heygen-v2', provider: 'heygen-v2', base_url: legacy.url, upload_url: legacy.uploadUrl, api_key: keys.legacy },
      { id: 'sandbox-heygen-v1', provider: 'heygen-v1', base_url: legacy.url, upload_url: legacy.uploadUrl, api_key: keys.legacy },
    ],
  });
  return {
    config,
    close: async () => {
      await Promise.all([v3.close(), legacy.close(), cloudsway.close(), gmi.close()]);
    },
  };
}
