import { buildApp } from '../src/app.js';
import { GatewayConfig } from '../src/config/schema.js';
import { SqliteStore } from '../src/store/sqlite.js';

/** The OpenAPI document as the gateway serves it, rendered with a config-independent app. */
export async function renderOpenApi(): Promise<string> {
  const config = GatewayConfig.parse({
    clients: [{ id: 'doc', api_keys: ['doc-key'], accounts: ['doc'] }],
    accounts: [{ id: 'doc', provider: 'heygen-v3', base_url: 'http://127.0.0.1:9', api_key: 'doc' }],
  });
  const app = await buildApp(config, { store: SqliteStore.open(':memory:'), logger: false });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  return `${JSON.stringify(doc, null, 2)}\n`;
}
