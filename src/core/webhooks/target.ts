/**
 * SSRF-safe delivery targets. A callback URL was checked when it was accepted, but a name can
 * resolve elsewhere by the time an event is sent (DNS rebinding, a record changed on purpose), so
 * the check that counts happens here, on the address the socket actually connects to: the
 * undici Agent's connector resolves through a lookup that refuses non-public addresses, and IP
 * literals (which net.connect never resolves) are judged before connecting.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isNonPublicAddress } from '../ssrf.js';

/** The delivery target is one this gateway does not call: a permanent failure, never retried. */
export class TargetRefusedError extends Error {
  readonly code = 'ERR_WEBHOOK_TARGET_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** True when `err` or anything in its cause chain is a refused target (undici may wrap socket errors). */
export function isTargetRefused(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; depth++) {
    if (e instanceof TargetRefusedError) return true;
    if (typeof e === 'object' && (e as { code?: unknown }).code === 'ERR_WEBHOOK_TARGET_REFUSED') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Scheme and credentials, re-checked at send time (a stored row is data, not trusted code). */
export function checkTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('target is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefusedError('target is not http(s)');
  if (url.username || url.password) throw new TargetRefusedError('target carries credentials');
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** dns.lookup's shape as net.connect calls it (options always given). */
export type LookupFn = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => void;

const systemLookup: LookupFn = (hostname, options, callback) =>
  dnsLookup(hostname, options as LookupAllOptions, callback as (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void);

const refused = (host: string, address: string): TargetRefusedError =>
  new TargetRefusedError(`target ${host} resolves to a loopback, private or link-local address (${address})`);

/**
 * Wraps a lookup so that any non-public answer fails the connection. When a name has several
 * addresses and one is private, the whole name is refused: the socket may pick any of them.
 */
export function guardedLookup(base: LookupFn = systemLookup): LookupFn {
  return (hostname, options, callback) => {
    base(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const bad = list.find((a) => isNonPublicAddress(a));
      if (bad !== undefined) return callback(refused(hostname, bad), address, family);
      callback(null, address, family);
    });
  };
}

export interface TargetAgentOptions {
  /** true lets deliveries reach loopback, private and link-local hosts (tests, on-prem receivers). */
  allowPrivateTargets: boolean;
  /** Resolver to guard (tests inject one that maps a name to 127.0.0.1); defaults to dns.lookup. */
  lookup?: LookupFn;
  connectTimeoutMs?: number;
}

/** The connector for webhook deliveries: every connection it makes passed the address rule. */
export function targetConnector(opts: TargetAgentOptions): buildConnector.connector {
  const base = buildConnector({
    timeout: opts.connectTimeoutMs ?? 10_000,
    ...(opts.allowPrivateTargets ? (opts.lookup ? { lookup: opts.lookup } : {}) : { lookup: guardedLookup(opts.lookup) }),
  });
  if (opts.allowPrivateTargets) return base;
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    // net.connect skips the resolver for IP literals, so they are judged here.
    if (isIP(host) && isNonPublicAddress(host)) return callback(refused(host, host), null);
    base(options, callback);
  };
}

/** An undici Agent whose connections all go through targetConnector. Close it with the outbox. */
export function createTargetAgent(opts: TargetAgentOptions): Agent {
  return new Agent({
    connect: targetConnector(opts),
    // Receivers are many and mostly idle between events: do not hold their sockets long.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 30_000,
  });
}
