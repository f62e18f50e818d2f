import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatPath, loadConfigFile, parseConfigText, type ConfigIssue } from '../../src/config/load.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

const ENV = {
  GATEWAY_ADMIN_KEY: 'adm-SECRET-0001',
  ACME_KEY: 'acme-SECRET-0001',
  ACME_WEBHOOK_SECRET: 'whsec-SECRET-0001',
  HEYGEN_API_KEY: 'hg-SECRET-0001',
  CLOUDSWAY_TOKEN: 'cw-SECRET-0001',
  GMI_API_KEY: 'gmi-SECRET-0001',
};

/** Smallest valid config; `extra` lines are appended at top level. */
function yamlConfig(parts: { client?: string; account?: string; extra?: string } = {}): string {
  return [
    'clients:',
    '  - id: acme',
    '    api_keys: ["${ACME_KEY}"]',
    '    accounts: [heygen-main]',
    ...(parts.client ? [parts.client] : []),
    'accounts:',
    '  - id: heygen-main',
    '    provider: heygen-v3',
    '    base_url: https://api.heygen.com',
    '    api_key: "${HEYGEN_API_KEY}"',
    ...(parts.account ? [parts.account] : []),
    ...(parts.extra ? [parts.extra] : []),
    '',
  ].join('\n');
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function yamlIssues(text: string, env: NodeJS.ProcessEnv = ENV): ConfigIssue[] {
  return configError(() => parseConfigText(text, { format: 'yaml', env })).issues;
}

const tmp = mkdtempSync(join(tmpdir(), 'gw-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('example configs', () => {
  it('loads the YAML example with the environment substituted and defaults applied', () => {
    const cfg = loadConfigFile(join(examples, 'gateway.example.yaml'), ENV);
    expect(cfg.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      public_url: 'http://127.0.0.1:8080',
      body_limit_bytes: 1_048_576,
      request_timeout_ms: 120_000,
    });
    expect(cfg.store.url).toBe('sqlite:./data/gateway.db');
    expect(cfg.admin.api_keys).toEqual(['adm-SECRET-0001']);
    expect(cfg.webhooks.allow_private_targets).toBe(false);
    expect(cfg.log.level).toBe('info');
    expect(cfg.clients).toEqual([
      {
        id: 'acme',
        api_keys: ['acme-SECRET-0001'],
        accounts: ['heygen-main', 'cloudsway-main', 'gmi-main'],
        routing: 'priority',
        monthly_budget_usd: 250,
        webhook_secret: 'whsec-SECRET-0001',
      },
    ]);
    expect(cfg.accounts.map((a) => [a.id, a.provider])).toEqual([
      ['heygen-main', 'heygen-v3'],
      ['heygen-legacy', 'heygen-v2'],
      ['cloudsway-main', 'cloudsway'],
      ['gmi-main', 'gmi'],
    ]);
    expect(cfg.accounts[0]).toMatchObject({
      api_key: 'hg-SECRET-0001',
      pricing: { video: 0.0667, translation: { speed: 0.0333, precision: 0.0667 } },
      timeout_ms: 30_000,
      max_concurrent_jobs: 20,
    });
    expect(cfg.accounts[1]).toMatchObject({ upload_url: 'https://upload.heygen.com', api_key: 'hg-SECRET-0001' });
    expect(cfg.accounts[2]).toMatchObject({
      api_key: 'cw-SECRET-0001',
      endpoint_paths: { video: 'EP_VIDEO', translation: 'EP_TRANSLATE' },
    });
    expect(cfg.accounts[3]).toMatchObject({ api_key: 'gmi-SECRET-0001', model: 'heygen-avatar-4' });
  });

  it('loads the JSON example', () => {
    const cfg = loadConfigFile(join(examples, 'gateway.example.json'), ENV);
    expect(cfg.clients).toEqual([
      {
        id: 'acme',
        api_keys: ['acme-SECRET-0001'],
        accounts: ['heygen-main'],
        routing: 'priority',
        webhook_secret: 'whsec-SECRET-0001',
      },
    ]);
    expect(cfg.accounts).toEqual([
      { id: 'heygen-main', provider: 'heygen-v3', base_url: 'https://api.heygen.com', api_key: 'hg-SECRET-0001' },
    ]);
    expect(cfg.server.port).toBe(8080);
  });

  it('names the file and the missing variables when the environment is empty', () => {
    const err = configError(() => loadConfigFile(join(examples, 'gateway.example.yaml'), {}));
    expect(err.issues).toEqual([
      { path: 'admin.api_keys[0]', message: 'environment variable GATEWAY_ADMIN_KEY is not set' },
      { path: 'clients[0].api_keys[0]', message: 'environment variable ACME_KEY is not set' },
      { path: 'clients[0].webhook_secret', message: 'environment variable ACME_WEBHOOK_SECRET is not set' },
      { path: 'accounts[0].api_key', message: 'environment variable HEYGEN_API_KEY is not set' },
      { path: 'accounts[1].api_key', message: 'environment variable HEYGEN_API_KEY is not set' },
      { path: 'accounts[2].api_key', message: 'environment variable CLOUDSWAY_TOKEN is not set' },
      { path: 'accounts[3].api_key', message: 'environment variable GMI_API_KEY is not set' },
    ]);
    expect(err.message.split('\n')[0]).toBe(`invalid config ${join(examples, 'gateway.example.yaml')} (7 problems):`);
  });
});

describe('loadConfigFile', () => {
  it('reads a file without a known extension as JSON, else as YAML', () => {
    const asJson = join(tmp, 'gw.conf');
    writeFileSync(asJson, JSON.stringify({
      clients: [{ id: 'a', api_keys: ['${ACME_KEY}'], accounts: ['h'] }],
      accounts: [{ id: 'h', provider: 'heygen-v3', base_url: 'https://api.heygen.com', api_key: 'x-key' }],
    }));
    expect(loadConfigFile(asJson, ENV).clients[0]?.api_keys).toEqual(['acme-SECRET-0001']);

    const asYaml = join(tmp, 'gw.cfg');
    writeFileSync(asYaml, yamlConfig());
    expect(loadConfigFile(asYaml, ENV).accounts[0]?.id).toBe('heygen-main');
  });

  it('accepts .yml and a UTF-8 byte order mark', () => {
    const file = join(tmp, 'bom.yml');
    writeFileSync(file, `\uFEFF${yamlConfig()}`);
    expect(loadConfigFile(file, ENV).clients[0]?.id).toBe('acme');
    const json = join(tmp, 'bom.json');
    writeFileSync(json, `\uFEFF{"clients":[{"id":"a","api_keys":["k-1"],"accounts":["h"]}],"accounts":[{"id":"h","provider":"gmi","base_url":"https://g","api_key":"k-2"}]}`);
    expect(loadConfigFile(json, ENV).accounts[0]).toMatchObject({ provider: 'gmi', model: 'heygen-avatar-4' });
  });

  it('reports a missing file as a ConfigError', () => {
    const file = join(tmp, 'nope.yaml');
    const err = configError(() => loadConfigFile(file, ENV));
    expect(err.issues).toEqual([{ path: '(root)', message: 'cannot read the config file (ENOENT)' }]);
    expect(err.source).toBe(file);
  });
});

describe('environment interpolation', () => {
  it('replaces references embedded in a string', () => {
    const cfg = parseConfigText(yamlConfig({ account: '    max_concurrent_jobs: 2' }).replace('"${HEYGEN_API_KEY}"', '"Bearer-${HEYGEN_API_KEY}-y-${GMI_API_KEY}"'), {
      format: 'yaml',
      env: ENV,
    });
    expect(cfg.accounts[0]?.api_key).toBe('Bearer-hg-SECRET-0001-y-gmi-SECRET-0001');
  });

  it('keeps $${VAR} as the literal text ${VAR}', () => {
    const cfg = parseConfigText(yamlConfig({ extra: 'store: { url: "sqlite:./data/$${ACME_KEY}-$$${HEYGEN_API_KEY}.db" }' }), {
      format: 'yaml',
      env: ENV,
    });
    expect(cfg.store.url).toBe('sqlite:./data/${ACME_KEY}-$${HEYGEN_API_KEY}.db');
  });

  it('uses ${VAR:-default} when the variable is unset or empty, and the variable when set', () => {
    const text = yamlConfig({ extra: 'store: { url: "${STORE_URL:-sqlite:./data/other.db}" }' });
    expect(parseConfigText(text, { format: 'yaml', env: ENV }).store.url).toBe('sqlite:./data/other.db');
    expect(parseConfigText(text, { format: 'yaml', env: { ...ENV, STORE_URL: '' } }).store.url).toBe('sqlite:./data/other.db');
    expect(parseConfigText(text, { format: 'yaml', env: { ...ENV, STORE_URL: 'postgres://u:p@db:5432/gw' } }).store.url).toBe(
      'postgres://u:p@db:5432/gw',
    );
  });

  it('treats a set-but-empty ${VAR} as set, so the schema judges the empty value', () => {
    expect(yamlIssues(yamlConfig(), { ...ENV, ACME_KEY: '' })).toEqual([{ path: 'clients[0].api_keys[0]', message: 'must not be empty' }]);
  });

  it('names the config path of an unset variable', () => {
    const { ACME_KEY: _unset, ...env } = ENV;
    const err = configError(() => parseConfigText(yamlConfig(), { format: 'yaml', env }));
    expect(err.issues).toEqual([{ path: 'clients[0].api_keys[0]', message: 'environment variable ACME_KEY is not set' }]);
    expect(err.message).toBe('invalid config (1 problem):\nclients[0].api_keys[0]: environment variable ACME_KEY is not set');
  });

  it('collects every unset variable and adds no schema noise for those values', () => {
    const text = yamlConfig({
      client: '    webhook_secret: "${HOOK_SECRET}"',
      account: '    pricing: { video: 1 }',
      extra: 'server: { public_url: "${PUBLIC_URL}" }\nadmin: { api_keys: ["${ADMIN_1}", "${ADMIN_2}"] }',
    });
    expect(yamlIssues(text, { ACME_KEY: 'acme-SECRET-0001', HEYGEN_API_KEY: 'hg-SECRET-0001' })).toEqual([
      { path: 'clients[0].webhook_secret', message: 'environment variable HOOK_SECRET is not set' },
      { path: 'server.public_url', message: 'environment variable PUBLIC_URL is not set' },
      { path: 'admin.api_keys[0]', message: 'environment variable ADMIN_1 is not set' },
      { path: 'admin.api_keys[1]', message: 'environment variable ADMIN_2 is not set' },
    ]);
  });

  it('reports missing variables and schema problems elsewhere together', () => {
    const { HEYGEN_API_KEY: _unset, ...env } = ENV;
    expect(yamlIssues(yamlConfig({ extra: 'log: { level: loud }' }), env)).toEqual([
      { path: 'accounts[0].api_key', message: 'environment variable HEYGEN_API_KEY is not set' },
      { path: 'log.level', message: 'Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"' },
    ]);
  });

  it('rejects a malformed reference', () => {
    const issues = yamlIssues(yamlConfig().replace('"${ACME_KEY}"', '"${ACME-KEY}"'));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('clients[0].api_keys[0]');
    expect(issues[0]?.message).toMatch(/^malformed \$\{\.\.\.\} reference/);
  });

  it('never lets a value add structure: it stays one string', () => {
    const injected = 'k1"]\n    accounts: [evil]\nadmin: {api_keys: ["x"]}';
    const cfg = parseConfigText(yamlConfig(), { format: 'yaml', env: { ...ENV, ACME_KEY: injected } });
    expect(cfg.clients[0]?.api_keys).toEqual([injected]);
    expect(cfg.clients[0]?.accounts).toEqual(['heygen-main']);
    expect(cfg.admin.api_keys).toEqual([]);
  });

  it('substitutes in JSON strings too', () => {
    const text = JSON.stringify({
      clients: [{ id: 'a', api_keys: ['${ACME_KEY}'], accounts: ['h'] }],
      accounts: [{ id: 'h', provider: 'heygen-v3', base_url: '${HEYGEN_BASE:-https://api.heygen.com/}', api_key: '${MISSING_KEY}' }],
    });
    expect(configError(() => parseConfigText(text, { format: 'json', env: ENV })).issues).toEqual([
      { path: 'accounts[0].api_key', message: 'environment variable MISSING_KEY is not set' },
    ]);
    const cfg = parseConfigText(text, { format: 'json', env: { ...ENV, MISSING_KEY: 'k' } });
    expect(cfg.accounts[0]?.base_url).toBe('https://api.heygen.com');
  });
});

describe('schema errors by path', () => {
  it('names an unknown top-level key', () => {
    expect(yamlIssues(yamlConfig({ extra: 'lgo: { level: debug }' }))).toEqual([{ path: 'lgo', message: 'unknown key' }]);
  });

  it('names unknown nested keys, one issue per key', () => {
    expect(yamlIssues(yamlConfig({ account: '    apikey: x\n    retries: 3', extra: 'server: { prot: 80 }' }))).toEqual([
      { path: 'server.prot', message: 'unknown key' },
      { path: 'accounts[0].apikey', message: 'unknown key' },
      { path: 'accounts[0].retries', message: 'unknown key' },
    ]);
  });

  it('reports a wrong type and a missing required field', () => {
    expect(yamlIssues(yamlConfig({ extra: 'server: { port: "8080" }' }))).toEqual([
      { path: 'server.port', message: 'Invalid input: expected number, received string' },
    ]);
    expect(yamlIssues(yamlConfig().replace('    base_url: https://api.heygen.com\n', ''))).toEqual([
      { path: 'accounts[0].base_url', message: 'is required (expected string)' },
    ]);
  });

  it('reports an unknown provider at the provider key', () => {
    const issues = yamlIssues(yamlConfig().replace('provider: heygen-v3', 'provider: heygen-v4'));
    expect(issues.map((i) => i.path)).toEqual(['accounts[0].provider']);
  });

  it('reports duplicate account and client ids', () => {
    const text = [
      'clients:',
      '  - { id: acme, api_keys: [k-1], accounts: [h] }',
      '  - { id: acme, api_keys: [k-2], accounts: [h] }',
      'accounts:',
      '  - { id: h, provider: heygen-v3, base_url: "https://a", api_key: x-1 }',
      '  - { id: h, provider: gmi, base_url: "https://g", api_key: x-2 }',
    ].join('\n');
    expect(yamlIssues(text)).toEqual([
      { path: 'accounts[1].id', message: 'duplicate account id "h"' },
      { path: 'clients[1].id', message: 'duplicate client id "acme"' },
    ]);
  });

  it('reports a client referring to an unknown account', () => {
    expect(yamlIssues(yamlConfig().replace('accounts: [heygen-main]', 'accounts: [heygen-main, heygen-mian]'))).toEqual([
      { path: 'clients[0].accounts[1]', message: 'unknown account "heygen-mian"' },
    ]);
  });

  it('requires an endpoint path on cloudsway accounts', () => {
    const text = yamlConfig().replace('provider: heygen-v3', 'provider: cloudsway');
    expect(yamlIssues(text)).toEqual([{ path: 'accounts[0]', message: 'cloudsway accounts need endpoint_paths or endpoint_path' }]);
    expect(parseConfigText(yamlConfig({ account: '    endpoint_path: EP_ALL' }).replace('provider: heygen-v3', 'provider: cloudsway'), { format: 'yaml', env: ENV }).accounts[0]).toMatchObject({
      provider: 'cloudsway',
      endpoint_path: 'EP_ALL',
    });
  });

  it('reports an empty document and a non-object document at the root', () => {
    expect(yamlIssues('# nothing here\n')).toEqual([{ path: '(root)', message: 'the config is empty' }]);
    expect(yamlIssues('just a string\n')).toEqual([{ path: '(root)', message: 'Invalid input: expected object, received string' }]);
  });
});

describe('syntax errors', () => {
  it('gives the line and column of a YAML syntax error', () => {
    const err = configError(() => parseConfigText('server:\n  port: 1\n  port: 2\n', { format: 'yaml', env: ENV, source: 'gw.yaml' }));
    expect(err.issues).toEqual([{ path: 'line 3, column 3', message: 'YAML syntax error: Map keys must be unique' }]);
    expect(err.message).toBe('invalid config gw.yaml (1 problem):\nline 3, column 3: YAML syntax error: Map keys must be unique');
  });

  it('reports a bad indent with its position', () => {
    expect(yamlIssues('server:\n  host: a\n port: 1\n')).toEqual([
      { path: 'line 3, column 1', message: 'YAML syntax error: All mapping items must start at the same column' },
    ]);
  });

  it('gives the line and column of a JSON syntax error', () => {
    const json = (text: string) => configError(() => parseConfigText(text, { format: 'json', env: ENV })).issues;
    expect(json('{\n  "clients": [],\n  "accounts": abc\n}')).toEqual([
      { path: 'line 3, column 15', message: 'JSON syntax error: unexpected character (strings need double quotes)' },
    ]);
    expect(json('{\n  "server": {"port": 1,}\n}')).toEqual([
      { path: 'line 2, column 24', message: 'JSON syntax error: expected a double-quoted property name' },
    ]);
    expect(json('{"log": {}, "log": {}}')).toEqual([{ path: 'line 1, column 13', message: 'JSON syntax error: duplicate key "log"' }]);
    expect(json('{"log": {}')).toEqual([{ path: 'line 1, column 11', message: 'JSON syntax error: unexpected end of input' }]);
    expect(json('{} {}')).toEqual([{ path: 'line 1, column 4', message: 'JSON syntax error: unexpected content after the JSON value' }]);
  });
});

describe('secrets never appear in errors', () => {
  const SECRETS = ['sk-live-4242424242', 'whsec-abcdefabcdef', 'tok-9f9f9f9f9f'];

  function assertClean(err: ConfigError): void {
    const everything = `${err.message}\n${JSON.stringify(err.issues)}\n${String(err.stack)}`;
    for (const s of SECRETS) expect(everything).not.toContain(s);
  }

  it('schema errors next to secret values', () => {
    const text = [
      'clients:',
      '  - id: acme',
      '    api_keys: ["sk-live-4242424242"]',
      '    accounts: [h]',
      '    webhook_secret: 12345',
      '    secret_typo: "whsec-abcdefabcdef"',
      'accounts:',
      '  - { id: h, provider: heygen-v9, base_url: "https://a", api_key: "${TOKEN}" }',
      '  - { id: x, provider: heygen-v3, base_url: "${TOKEN}", api_key: "${TOKEN}" }',
    ].join('\n');
    const err = configError(() => parseConfigText(text, { format: 'yaml', env: { TOKEN: 'tok-9f9f9f9f9f' } }));
    expect(err.issues).toEqual([
      { path: 'clients[0].webhook_secret', message: 'Invalid input: expected string, received number' },
      { path: 'clients[0].secret_typo', message: 'unknown key' },
      { path: 'accounts[0].provider', message: "Invalid discriminator value. Expected 'heygen-v3' | 'heygen-v2' | 'heygen-v1' | 'cloudsway' | 'gmi'" },
      { path: 'accounts[1].base_url', message: 'must be an absolute http(s) URL' },
    ]);
    assertClean(err);
  });

  it('a secret that lands in a message is redacted (cross-field checks)', () => {
    const text = [
      'clients:',
      '  - id: acme',
      '    api_keys: ["sk-live-4242424242", "sk-live-4242424242"]',
      '    accounts: [h, "${TOKEN}"]', // the token pasted where an account id belongs
      'accounts:',
      '  - { id: h, provider: heygen-v3, base_url: "https://a", api_key: "${TOKEN}" }',
    ].join('\n');
    const err = configError(() => parseConfigText(text, { format: 'yaml', env: { TOKEN: 'tok-9f9f9f9f9f' } }));
    expect(err.issues).toEqual([
      { path: 'clients[0].accounts[1]', message: 'unknown account "[redacted]"' },
      { path: 'clients[0].api_keys[1]', message: 'api key is used twice' },
    ]);
    assertClean(err);
  });

  it('YAML syntax errors do not quote the source line', () => {
    for (const text of [
      'accounts:\n  - api_key: "sk-live-4242424242\n',
      'accounts:\n  - api_key: "sk-live-\\q4242424242"\n',
      'accounts:\n  - api_key: sk-live-4242424242\n   x: 1\n',
      'accounts:\n  - api_key: @sk-live-4242424242\n',
    ]) {
      const err = configError(() => parseConfigText(text, { format: 'yaml', env: ENV }));
      expect(err.issues[0]?.path).toMatch(/^line \d+, column \d+$/);
      assertClean(err);
    }
  });

  it('an unresolvable YAML tag leaves a string, judged by the schema', () => {
    const err = configError(() => parseConfigText('accounts:\n  - api_key: !!int sk-live-4242424242\n', { format: 'yaml', env: ENV }));
    expect(err.issues.map((i) => i.path)).toEqual(['clients', 'accounts[0].provider']);
    assertClean(err);
  });

  it('JSON syntax errors do not quote the source', () => {
    for (const text of ['{"api_key": sk-live-4242424242}', '{"api_key": "sk-live-4242424242', '{"api_key": "sk-live-\\x4242424242"}']) {
      assertClean(configError(() => parseConfigText(text, { format: 'json', env: ENV })));
    }
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath(['clients', 0, 'api_keys', 1])).toBe('clients[0].api_keys[1]');
    expect(formatPath(['server', 'public_url'])).toBe('server.public_url');
    expect(formatPath([])).toBe('');
    expect(formatPath(['accounts', 2, 'pricing', 'avatar-iv'])).toBe('accounts[2].pricing.avatar-iv');
    expect(formatPath(['accounts', 2, 'pricing', 'a.b c'])).toBe('accounts[2].pricing["a.b c"]');
    expect(formatPath([0, 'x'])).toBe('[0].x');
  });
});
