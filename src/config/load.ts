/**
 * Reads the gateway config (YAML or JSON), substitutes `${VAR}` from the environment and validates
 * it against the zod schema. Every problem is reported at once, by config path, and no message
 * ever carries a configured value: configs hold upstream keys and client keys.
 *
 * Interpolation, applied to every string value after parsing (so a variable's value can never
 * add YAML/JSON structure):
 *   ${VAR}            the variable's value; an unset variable is an error naming the path
 *   ${VAR:-default}   the variable's value, or `default` when it is unset or empty
 *   $${               a literal `${` (so `$${VAR}` stays the text `${VAR}`)
 * Names are [A-Za-z_][A-Za-z0-9_]*; any other `${` is an error. Substituted values stay strings.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { GatewayConfig } from './schema.js';

export interface ConfigIssue {
  path: string;
  message: string;
}

export type ConfigFormat = 'yaml' | 'json';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: ConfigIssue[];
  readonly source: string | undefined;

  constructor(issues: ConfigIssue[], source?: string) {
    const head = `invalid config${source ? ` ${source}` : ''} (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):`;
    super([head, ...issues.map((i) => `${i.path}: ${i.message}`)].join('\n'));
    this.issues = issues;
    this.source = source;
  }
}

const ROOT = '(root)';

/** ["clients",0,"api_keys",1] -> "clients[0].api_keys[1]"; keys that are not plain words are quoted. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'symbol') out += `[${seg.toString()}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function parseConfigText(
  text: string,
  opts: { format: ConfigFormat; env?: NodeJS.ProcessEnv; source?: string },
): GatewayConfig {
  const body = text.replace(/^\uFEFF/, '');
  const raw = opts.format === 'json' ? parseJson(body, opts.source) : parseYaml(body, opts.source);
  return validate(raw, opts.env ?? process.env, opts.source);
}

/** Format from the extension (.yaml/.yml/.json); anything else is tried as JSON, then as YAML. */
export function loadConfigFile(file: string, env?: NodeJS.ProcessEnv): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([{ path: ROOT, message: `cannot read the config file (${code})` }], file);
  }
  const ext = extname(file).toLowerCase();
  let format: ConfigFormat;
  if (ext === '.json') format = 'json';
  else if (ext === '.yaml' || ext === '.yml') format = 'yaml';
  else format = findJsonError(text.replace(/^\uFEFF/, '')) === null ? 'json' : 'yaml';
  return parseConfigText(text, { format, source: file, ...(env ? { env } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Validation

function validate(raw: unknown, env: NodeJS.ProcessEnv, source: string | undefined): GatewayConfig {
  if (raw === null || raw === undefined) throw new ConfigError([{ path: ROOT, message: 'the config is empty' }], source);

  const interp: Interpolation = { env, issues: [], failed: [] };
  const value = interpolate(raw, [], interp);
  const redact = redactor(collectSecrets(value));

  const result = GatewayConfig.safeParse(value);
  const schemaIssues = result.success ? [] : result.error.issues.flatMap(toConfigIssues);
  // A value whose variable is missing fails the schema too; the missing variable is the one problem.
  const issues = [...interp.issues, ...schemaIssues.filter((i) => !interp.failed.some((f) => isUnder(i.path, f)))];
  if (issues.length > 0 || !result.success) {
    throw new ConfigError(
      issues.map((i) => ({ path: redact(i.path), message: redact(i.message) })),
      source,
    );
  }
  return result.data;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function toConfigIssues(issue: ZodIssueLike): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys.map((k) => ({ path: formatPath([...issue.path, k]), message: 'unknown key' }));
  }
  const path = formatPath(issue.path) || ROOT;
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
  if (missing) return [{ path, message: `is required (expected ${missing[1]})` }];
  return [{ path, message: issue.message }];
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

// ---------------------------------------------------------------------------------------------
// Interpolation

interface Interpolation {
  env: NodeJS.ProcessEnv;
  issues: ConfigIssue[];
  /** Paths whose value could not be resolved, so schema errors there are noise. */
  failed: string[];
}

// `$${` (escape) | `${NAME}` | `${NAME:-default}` | any other `${` (malformed: group 1 unset).
const REFERENCE = /\$\$\{|\$\{(?:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})?/g;

function interpolate(value: unknown, path: PropertyKey[], ctx: Interpolation): unknown {
  if (typeof value === 'string') return interpolateString(value, path, ctx);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], ctx));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays a (rejected) key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], ctx)]));
  }
  return value;
}

function interpolateString(text: string, path: PropertyKey[], ctx: Interpolation): string {
  if (!text.includes('${')) return text;
  const where = formatPath(path) || ROOT;
  let failed = false;
  const out = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      failed = true;
      ctx.issues.push({
        path: where,
        message: 'malformed ${...} reference (use ${NAME} or ${NAME:-default}, NAME = [A-Za-z_][A-Za-z0-9_]*; write $${ for a literal ${)',
      });
      return match;
    }
    const v = ctx.env[name];
    if (fallback !== undefined) return v === undefined || v === '' ? fallback : v;
    if (v === undefined) {
      failed = true;
      ctx.issues.push({ path: where, message: `environment variable ${name} is not set` });
      return match;
    }
    return v;
  });
  if (failed) ctx.failed.push(where);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Secrets: no message built here echoes a value, but zod's and the schema's messages are not ours,
// so every configured secret is also scrubbed from the final text.

const SECRET_KEYS = new Set(['api_key', 'api_keys', 'webhook_secret']);
const MIN_SCRUBBED = 4; // shorter strings would mangle ordinary words and are no real secret

function collectSecrets(value: unknown, out: Set<string> = new Set(), underSecret = false): Set<string> {
  if (typeof value === 'string') {
    if (underSecret && value.length >= MIN_SCRUBBED) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, out, underSecret);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectSecrets(v, out, underSecret || SECRET_KEYS.has(k));
  }
  return out;
}

function redactor(secrets: Set<string>): (s: string) => string {
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (s) => list.reduce((acc, secret) => acc.split(secret).join('[redacted]'), s);
}

// ---------------------------------------------------------------------------------------------
// YAML

/** Codes whose library messages are fixed text; the others may quote bits of the source. */
const YAML_SAFE_CODES = new Set([
  'ALIAS_PROPS',
  'BAD_ALIAS',
  'BAD_INDENT',
  'BLOCK_AS_IMPLICIT_KEY',
  'BLOCK_IN_FLOW',
  'DUPLICATE_KEY',
  'IMPOSSIBLE',
  'KEY_OVER_1024_CHARS',
  'MISSING_CHAR',
  'MULTILINE_IMPLICIT_KEY',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_DOCS',
  'MULTIPLE_TAGS',
  'NON_STRING_KEY',
  'TAB_AS_INDENT',
]);
const YAML_MESSAGES: Record<string, string> = {
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote the value)',
  BAD_DIRECTIVE: 'invalid directive',
  BAD_PROP_ORDER: 'anchors and tags must come after the indicator',
  TAG_RESOLVE_FAILED: 'a tag could not be resolved',
  BAD_COLLECTION_TYPE: 'a tag does not fit the collection it is on',
  UNEXPECTED_TOKEN: 'unexpected token',
  RESOURCE_EXHAUSTION: 'too many alias expansions',
};

function parseYaml(text: string, source: string | undefined): unknown {
  // parseDocument (what `parse` uses) keeps every error instead of throwing the first.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map(yamlIssue), source);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError([{ path: ROOT, message: `YAML error: ${err instanceof Error ? err.message : 'cannot be read'}` }], source);
  }
}

function yamlIssue(err: YAMLError): ConfigIssue {
  const pos = err.linePos?.[0];
  // prettyErrors appends " at line L, column C:" and the source line, which may hold a secret.
  const own = err.message.split(/ at line \d+, column \d+/)[0] ?? '';
  const text = YAML_SAFE_CODES.has(err.code) ? own : (YAML_MESSAGES[err.code] ?? `syntax error (${err.code})`);
  return { path: pos ? `line ${pos.line}, column ${pos.col}` : ROOT, message: `YAML syntax error: ${text}` };
}

// ---------------------------------------------------------------------------------------------
// JSON: V8's messages quote the source around the error and often give no position, so the
// position and wording come from a small scanner; it also rejects duplicate keys, as YAML does.

function parseJson(text: string, source: string | undefined): unknown {
  const found = findJsonError(text);
  if (found) {
    const { line, col } = lineCol(text, found.offset);
    throw new ConfigError([{ path: `line ${line}, column ${col}`, message: `JSON syntax error: ${found.message}` }], source);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError([{ path: ROOT, message: 'JSON syntax error' }], source);
  }
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

interface JsonError {
  offset: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The first grammar error (or duplicate key) in `text`, or null when it is valid JSON. */
function findJsonError(text: string): JsonError | null {
  let i = 0;
  let error: JsonError | null = null;
  const fail = (message: string, at = i): false => {
    error = { offset: at, message: i >= text.length && at === i ? 'unexpected end of input' : message };
    return false;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const str = (): boolean => {
    const start = i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return fail('control character in string');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return fail('invalid escape sequence in string');
      } else i++;
    }
    return fail('unterminated string', start);
  };
  const num = (): boolean => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('invalid number');
    i += m[0].length;
    return true;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{') return obj();
    if (c === '[') return arr();
    if (c === '"') return str();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return true;
      }
    }
    return fail('unexpected character (strings need double quotes)');
  };
  const obj = (): boolean => {
    i++;
    const seen = new Set<string>();
    ws();
    if (text[i] === '}') {
      i++;
      return true;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') return fail('expected a double-quoted property name');
      const start = i;
      if (!str()) return false;
      const key = JSON.parse(text.slice(start, i)) as string;
      if (seen.has(key)) return fail(`duplicate key ${JSON.stringify(key)}`, start);
      seen.add(key);
      ws();
      if (text[i] !== ':') return fail("expected ':' after a property name");
      i++;
      if (!value()) return false;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return true;
      }
      return fail("expected ',' or '}' after a property value");
    }
  };
  const arr = (): boolean => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return true;
    }
    for (;;) {
      if (!value()) return false;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return true;
      }
      return fail("expected ',' or ']' after an array element");
    }
  };
  try {
    if (value()) {
      ws();
      if (i < text.length) fail('unexpected content after the JSON value');
    }
  } catch {
    // Only a stack overflow on absurd nesting lands here.
    return { offset: i, message: 'nesting too deep' };
  }
  return error;
}
