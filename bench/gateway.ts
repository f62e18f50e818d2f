/**
 * Benchmark child: the gateway as `serve` builds it (buildApp on a SQLite file), in front of the
 * simulator, logging at the level an operator would use under load.
 */
import { buildApp } from '../src/app.js';
import { GatewayConfig } from '../src/config/schema.js';
import { childSpec, serveChild } from './child.js';
import { CLIENT_KEY, UPSTREAM_KEY, type GatewaySpec } from './specs.js';

const spec = childSpec<GatewaySpec>();
const accountIds = Object.keys(spec.accounts);
const config = GatewayConfig.parse({
  server: { host: '127.0.0.1', port: 0 },
  store: { url: `sqlite:${spec.dbPath}` },
  log: { level: spec.logLevel },
  clients: [{ id: 'bench', api_keys: [CLIENT_KEY], accounts: accountIds }],
  accounts: accountIds.map((id) => ({ id, provider: 'heygen-v3', base_url: spec.accounts[id], api_key: UPSTREAM_KEY })),
});

const app = await buildApp(config, { background: spec.background });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
serveChild({ url }, {}, () => app.close());
