#!/usr/bin/env node
/**
 * heygen-gateway serve [--config FILE]     start the gateway (sandbox mode without a config)
 * heygen-gateway check-config [--config FILE]  validate a config file and exit
 */
import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { ConfigError, loadConfigFile } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { SANDBOX_CLIENT_KEY, startSandboxMode } from './sandbox/mode.js';

const USAGE = `usage: heygen-gateway <serve|check-config> [--config FILE]
  --config FILE   YAML or JSON config (default: $GATEWAY_CONFIG; serve without one starts the sandbox)
  env PORT, HOST  override the listen address`;

function listenAddress(config: GatewayConfig): { host: string; port: number } {
  const port = process.env.PORT ? Number(process.env.PORT) : config.server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([{ path: 'PORT', message: 'must be a port number' }]);
  return { host: process.env.HOST || config.server.host, port };
}

async function serve(configFile: string | undefined): Promise<void> {
  let config: GatewayConfig;
  let sandbox: Awaited<ReturnType<typeof startSandboxMode>> | undefined;
  if (configFile) {
    config = loadConfigFile(configFile);
  } else {
    sandbox = await startSandboxMode();
    config = sandbox.config;
  }
  const app = await buildApp(config, { background: true });
  const { host, port } = listenAddress(config);
  const address = await app.listen({ host, port });
  if (sandbox) {
    const base = address.replace('0.0.0.0', '127.0.0.1');
    process.stdout.write(
      [
        '',
        'heygen-gateway is running in SANDBOX mode (no config given): simulated upstreams, store in ./data.',
        `  base URL : ${base}`,
        `  demo key : ${SANDBOX_CLIENT_KEY}`,
        '  try      :',
        `    curl -s -X POST ${base}/v3/videos -H 'X-Api-Key: ${SANDBOX_CLIENT_KEY}' -H 'Content-Type: application/json' \\`,
        `      -d '{"type":"avatar","avatar_id":"look_def456","script":"Hello from the gateway sandbox!","voice_id":"1bd001e7e50f421d891986aad5c8bbd2"}'`,
        `  docs     : ${base}/docs`,
        '',
      ].join('\n') + '\n',
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app
      .close()
      .then(() => sandbox?.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const command = positionals[0] ?? 'serve';
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const configFile = values.config ?? (process.env.GATEWAY_CONFIG || undefined);
  switch (command) {
    case 'serve':
      await serve(configFile);
      return -1; // keeps running
    case 'check-config': {
      if (!configFile) {
        process.stderr.write('check-config needs --config FILE or GATEWAY_CONFIG\n');
        return 2;
      }
      const cfg = loadConfigFile(configFile);
      process.stdout.write(`config OK: ${cfg.clients.length} client(s), ${cfg.accounts.length} account(s)\n`);
      return 0;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`invalid config:\n${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
