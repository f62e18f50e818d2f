/**
 * The thin HTTP layer every adapter uses: one undici Pool per upstream origin, connect / headers /
 * body timeouts, bounded response bodies, and the mapping of transport failures and upstream HTTP
 * statuses onto the v3 error envelope. Provider-specific error *bodies* are parsed by the adapter,
 * which hands the extracted code/message to `errorFromUpstream`.
 */
import { Readable } from 'node:stream';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { ERROR_STATUS, GatewayError } from './errors.js';
import type { Logger } from './logger.js';

export interface UpstreamHttpOptions {
  accountId: string;
  provider: string;
  baseUrl: string;
  /** Whole-request deadline (headers and body). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  dispatcher?: Dispatcher;
  logger: Logger;
  /** Upper bound on an upstream JSON answer; a larger one is treated as garbage. */
  maxResponseBytes?: number;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to the base URL. */
  url: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  /** JSON bodies are serialized by the caller so that the exact bytes are known. */
  body?: string | Readable | null;
  /** Names the call in logs and metrics (e.g. "video.create"). */
  operation: string;
  timeoutMs?: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_RESPONSE = 8 * 1024 * 1024;

export class UpstreamHttp {
  private readonly pools = new Map<string, Pool>();
  private readonly base: URL;

  constructor(private readonly opts: UpstreamHttpOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  }

  /** Builds the absolute URL for a path relative to the base URL (keeping any base path prefix). */
  url(pathOrUrl: string, query?: UpstreamRequest['query']): URL {
    const u = /^https?:\/\//i.test(pathOrUrl)
      ? new URL(pathOrUrl)
      : new URL(pathOrUrl.replace(/^\/+/, ''), this.base);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    }
    return u;
  }

  private dispatcherFor(origin: string): Dispatcher {
    if (this.opts.dispatcher) return this.opts.dispatcher;
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 64,
        keepAliveTimeout: 10_000,
        connect: { timeout: this.opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const url = this.url(req.url, req.query);
    const timeout = req.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeout);
    const started = performance.now();
    const log = this.opts.logger;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcherFor(url.origin).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers ?? {},
        body: req.body ?? null,
        signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (err) {
      throw this.transportError(err, req, signal.aborted);
    }
    let text: string;
    try {
      text = await readBounded(res.body, this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw this.transportError(err, req, signal.aborted, true);
    }
    log.debug(
      {
        account: this.opts.accountId,
        operation: req.operation,
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      },
      'upstream call',
    );
    return { status: res.statusCode, headers: res.headers, text };
  }

  private transportError(err: unknown, req: UpstreamRequest, timedOut: boolean, afterHeaders = false): GatewayError {
    const code = (err as { code?: string }).code ?? '';
    const where = `${this.opts.provider} account "${this.opts.accountId}"`;
    // Connection never established: the upstream cannot have accepted anything.
    const notConnected =
      !afterHeaders &&
      (err instanceof undiciErrors.ConnectTimeoutError ||
        ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(code));
    this.opts.logger.warn(
      { account: this.opts.accountId, operation: req.operation, err: { code, message: (err as Error).message } },
      'upstream transport failure',
    );
    if (notConnected) {
      return new GatewayError('upstream_error', `The upstream (${where}) could not be reached.`, {
        fallbackSafe: true,
        cause: err,
      });
    }
    if (timedOut || err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
      return new GatewayError('gateway_timeout', `The upstream (${where}) did not answer in time.`, { cause: err });
    }
    return new GatewayError('upstream_error', `The connection to the upstream (${where}) failed.`, { cause: err });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

async function readBounded(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      throw new GatewayError('upstream_error', 'The upstream answer was larger than the gateway accepts.');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses an upstream body as JSON; anything else is a 502 that says so (never the raw text). */
export function parseJson(res: UpstreamResponse, what: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new GatewayError('upstream_error', `The upstream sent an answer to ${what} that is not JSON (HTTP ${res.status}).`);
  }
}

/** Validates an upstream answer against its wire schema: parse, never trust. */
export function parseWire<S extends z.ZodType>(schema: S, value: unknown, what: string, logger?: Logger): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    logger?.warn({ what, issues: r.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) }, 'upstream answer failed validation');
    throw new GatewayError('upstream_error', `The upstream sent an answer to ${what} the gateway could not understand.`);
  }
  return r.data;
}

export interface UpstreamErrorInfo {
  code?: string | null;
  message?: string | null;
  param?: string | null;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(headers: UpstreamResponse['headers'], now = Date.now()): number | undefined {
  const raw = headers['retry-after'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const knownCode = (code: string | null | undefined): code is string =>
  !!code && Object.prototype.hasOwnProperty.call(ERROR_STATUS, code) && !['upstream_error', 'no_eligible_account'].includes(code);

/**
 * Maps an upstream HTTP error onto the v3 envelope.
 * - 400/404/409/402/403/413: the client's request was at fault; its code and message go through.
 * - 401: the *gateway's* credentials for that account were refused — a 502, not the client's 401.
 * - 429: passed on with Retry-After.
 * - 5xx and anything else: 502 upstream_error.
 */
export function errorFromUpstream(
  res: Pick<UpstreamResponse, 'status' | 'headers'>,
  info: UpstreamErrorInfo,
  ctx: { provider: string; accountId: string; notFoundCode?: string },
): GatewayError {
  const s = res.status;
  const where = `${ctx.provider} account "${ctx.accountId}"`;
  const message = (info.message ?? '').toString().slice(0, 1000) || undefined;
  const code = info.code ? String(info.code).toLowerCase() : null;
  const param = info.param ?? null;
  if (s === 401) {
    return new GatewayError('upstream_error', `The upstream (${where}) refused the gateway's credentials.`, { fallbackSafe: true });
  }
  if (s === 429) {
    return new GatewayError(code === 'quota_exceeded' ? 'quota_exceeded' : 'rate_limit_exceeded', message ?? 'The upstream is rate limiting requests.', {
      retryAfter: retryAfterSeconds(res.headers) ?? 30,
      fallbackSafe: true,
    });
  }
  if (s === 404) {
    const c = knownCode(code) && ERROR_STATUS[code as keyof typeof ERROR_STATUS] === 404 ? code : (ctx.notFoundCode ?? 'resource_not_found');
    return new GatewayError(c, message ?? 'Not found.', { status: 404, param });
  }
  if (s >= 400 && s < 500 && s !== 408) {
    const status = [400, 402, 403, 409, 413, 415].includes(s) ? s : 400;
    const c = knownCode(code) ? code : status === 402 ? 'insufficient_credit' : status === 403 ? 'forbidden' : status === 409 ? 'conflict' : 'invalid_parameter';
    return new GatewayError(c, message ?? `The upstream rejected the request (HTTP ${s}).`, { status, param });
  }
  if (s === 408 || s === 504) {
    return new GatewayError('gateway_timeout', `The upstream (${where}) timed out.`);
  }
  return new GatewayError('upstream_error', `The upstream (${where}) failed (HTTP ${s}).`, { fallbackSafe: s >= 500 });
}
