import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';
import { checkCallbackUrl, isNonPublicAddress } from '../../src/core/ssrf.js';

const PRIVATE_MESSAGE = "'callback_url' points at a loopback, private or link-local address, which this gateway does not call.";

function refusal(url: string, allowPrivate = false): { param: string | null; message: string } | null {
  try {
    checkCallbackUrl(url, allowPrivate);
    return null;
  } catch (err) {
    if (err instanceof GatewayError) {
      expect(err.code).toBe('invalid_parameter');
      expect(err.status).toBe(400);
      return { param: err.param, message: err.message };
    }
    throw err;
  }
}

describe('isNonPublicAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'TEST-NET-1'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'IPv6 unspecified'],
    ['::1', 'IPv6 loopback'],
    ['fe80::1', 'IPv6 link-local'],
    ['febf::1', 'IPv6 link-local'],
    ['fec0::1', 'IPv6 site-local'],
    ['fc00::1', 'IPv6 unique local'],
    ['fd12:3456:789a::1', 'IPv6 unique local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, as the URL parser writes it'],
    ['0:0:0:0:0:ffff:a00:1', 'IPv4-mapped 10.0.0.1, uncompressed'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped 169.254.169.254'],
    ['::7f00:1', 'IPv4-compatible loopback'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
  ])('%s is not public (%s)', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each([
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['100.63.255.255'],
    ['100.128.0.1'],
    ['172.15.255.255'],
    ['172.32.0.1'],
    ['192.0.78.9'],
    ['169.255.0.1'],
    ['2001:4860:4860::8888'],
    ['2606:4700:4700::1111'],
    ['::ffff:808:808'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
    ['fc0::1'],
  ])('%s is public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });

  it('leaves host names to delivery-time resolution', () => {
    expect(isNonPublicAddress('example.com')).toBe(false);
  });
});

describe('checkCallbackUrl', () => {
  it.each([
    'https://your-server.com/webhooks/heygen',
    'http://yourapp.com/webhook/heygen',
    'https://8.8.8.8/hook',
    'https://[2606:4700:4700::1111]/hook',
    'https://192.0.78.9/hook',
  ])('accepts the public target %s', (url) => {
    expect(refusal(url)).toBeNull();
  });

  it.each([
    'http://127.0.0.1:9000/hook',
    'http://127.1/hook',
    'http://2130706433/hook',
    'http://0x7f000001/hook',
    'http://0/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.100.100.200/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:10.0.0.1]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://localhost:3000/hook',
    'http://LOCALHOST/hook',
    'http://localhost./hook',
    'http://api.localhost/hook',
    'http://127.0.0.1./hook',
  ])('refuses %s, naming callback_url', (url) => {
    expect(refusal(url)).toEqual({ param: 'callback_url', message: PRIVATE_MESSAGE });
  });

  it('lets private targets through when the operator allows them', () => {
    expect(refusal('http://127.0.0.1:9000/hook', true)).toBeNull();
    expect(refusal('http://localhost:3000/hook', true)).toBeNull();
    expect(refusal('http://[::1]/hook', true)).toBeNull();
  });

  it.each(['ftp://example.com/hook', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://example.com/'])(
    'refuses the non-http scheme of %s even when private targets are allowed',
    (url) => {
      const expected = { param: 'callback_url', message: "'callback_url' must use http or https." };
      expect(refusal(url)).toEqual(expected);
      expect(refusal(url, true)).toEqual(expected);
    },
  );

  it.each(['not a url', '/webhooks/heygen', ''])('refuses %j, which is not an absolute URL', (url) => {
    expect(refusal(url)).toEqual({ param: 'callback_url', message: "'callback_url' must be an absolute http(s) URL." });
  });

  it.each(['https://user:secret@example.com/hook', 'https://user@example.com/hook', 'https://:secret@example.com/hook'])(
    'refuses credentials in %s',
    (url) => {
      expect(refusal(url, true)).toEqual({ param: 'callback_url', message: "'callback_url' must not carry credentials." });
    },
  );

  it('names the param it is given', () => {
    expect(() => checkCallbackUrl('http://127.0.0.1/', false, 'webhook.url')).toThrow(expect.objectContaining({ param: 'webhook.url' }));
  });
});
