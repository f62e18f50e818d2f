import { isIP } from 'node:net';
import { invalidParameter } from './errors.js';

/** Loopback, private, link-local, CGNAT, unspecified, documentation, multicast and reserved ranges. */
export function isNonPublicAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a = 0, b = 0, c = 0] = ip.split('.').map(Number);
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      // Only 192.0.0.0/24 and 192.0.2.0/24 are special; the rest of 192.0/16 is ordinary hosting.
      (a === 192 && b === 0 && (c === 0 || c === 2)) ||
      (a === 198 && (b === 18 || b === 19)) ||
      (a === 198 && b === 51 && c === 100) ||
      (a === 203 && b === 0 && c === 113)
    );
  }
  if (v === 6) {
    const h = hextets(ip);
    const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = h;
    const embedded = `${h6 >> 8}.${h6 & 0xff}.${h7 >> 8}.${h7 & 0xff}`;
    // NAT64 64:ff9b::/96 reaches the embedded IPv4 address; 64:ff9b:1::/48 is local-use.
    if (h0 === 0x64 && h1 === 0xff9b) return h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0 ? isNonPublicAddress(embedded) : true;
    // ::/8: unspecified, loopback, IPv4-compatible and IPv4-mapped (the URL parser writes
    // ::ffff:127.0.0.1 as ::ffff:7f00:1, so the embedded address is judged from the groups).
    if (h0 < 0x100) {
      const mapped = h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0xffff;
      return mapped ? isNonPublicAddress(embedded) : true;
    }
    return (
      (h0 & 0xfe00) === 0xfc00 || // unique local fc00::/7
      (h0 & 0xff80) === 0xfe80 || // link-local fe80::/10 and site-local fec0::/10
      (h0 & 0xff00) === 0xff00 || // multicast
      (h0 === 0x2001 && h1 === 0x0db8) // documentation
    );
  }
  return false;
}

/** The eight 16-bit groups of an address isIP() accepted as IPv6. */
function hextets(ip: string): number[] {
  let s = ip.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
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
  // "localhost." is the same host as "localhost" to a resolver.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host)) {
    throw invalidParameter(param, `'${param}' points at a loopback, private or link-local address, which this gateway does not call.`);
  }
}
