import { isIP } from 'node:net';
import { invalidParameter } from './errors.js';

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges. */
export function isNonPublicAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19))
    );
  }
  if (v === 6) {
    const x = ip.toLowerCase();
    if (x === '::' || x === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    if (mapped?.[1]) return isNonPublicAddress(mapped[1]);
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(x);
  }
  return false;
}

/**
 * Checks a client-supplied callback URL at create time: http(s) only, no credentials, and no
 * literal non-public address or localhost name unless the operator allows private targets.
 * Delivery re-checks the resolved address, since DNS can change between now and then.
 */
export function checkCallbackUrl(raw: string, allowPrivate: boolean, param = 'callback_url'): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidParameter(param, `'${param}' must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidParameter(param, `'${param}' must use http or https.`);
  }
  if (url.username || url.password) {
    throw invalidParameter(param, `'${param}' must not carry credentials.`);
  }
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host)) {
    throw invalidParameter(param, `'${param}' points at a loopback, private or link-local address, which this gateway does not call.`);
  }
}
