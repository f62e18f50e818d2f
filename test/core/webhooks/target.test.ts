/** The address rule applied to what a name resolves to (the outbox tests cover real connections). */
import { describe, expect, it } from 'vitest';
import { checkTargetUrl, guardedLookup, isTargetRefused, TargetRefusedError, type LookupFn } from '../../../src/core/webhooks/target.js';

const answering = (addresses: string[]): LookupFn => (_host, options, cb) =>
  'all' in options && options.all
    ? cb(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))
    : cb(null, addresses[0]!, addresses[0]!.includes(':') ? 6 : 4);

function resolve(lookup: LookupFn, all: boolean): Promise<{ err: Error | null; address: unknown }> {
  return new Promise((res) => lookup('hooks.example.test', all ? { all: true } : {}, (err, address) => res({ err, address })));
}

describe('guardedLookup', () => {
  it('passes public answers through unchanged, single or all', async () => {
    const g = guardedLookup(answering(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']));
    expect(await resolve(g, false)).toEqual({ err: null, address: '93.184.216.34' });
    expect((await resolve(g, true)).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
  });

  it.each([['127.0.0.1'], ['10.1.2.3'], ['169.254.169.254'], ['::1'], ['fd00::1'], ['::ffff:192.168.0.1']])('refuses %s', async (bad) => {
    const { err } = await resolve(guardedLookup(answering([bad])), false);
    expect(err).toBeInstanceOf(TargetRefusedError);
    expect(isTargetRefused(err)).toBe(true);
  });

  it('refuses a name when any of its addresses is private (the socket may pick any)', async () => {
    const { err } = await resolve(guardedLookup(answering(['93.184.216.34', '127.0.0.1'])), true);
    expect(err?.message).toContain('127.0.0.1');
  });

  it('passes resolver errors through as they are (a transient failure, retried)', async () => {
    const failing: LookupFn = (_h, _o, cb) => cb(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    const { err } = await resolve(guardedLookup(failing), false);
    expect(isTargetRefused(err)).toBe(false);
  });
});

describe('checkTargetUrl', () => {
  it('accepts http(s) and refuses other schemes, credentials and garbage', () => {
    expect(checkTargetUrl('https://yourapp.com/webhooks/heygen').hostname).toBe('yourapp.com');
    for (const bad of ['ftp://yourapp.com/', 'file:///etc/passwd', 'https://u:p@yourapp.com/', 'not a url']) {
      expect(() => checkTargetUrl(bad)).toThrow(TargetRefusedError);
    }
  });

  it('finds a refusal wrapped as a cause', () => {
    expect(isTargetRefused(new Error('fetch failed', { cause: new TargetRefusedError('x') }))).toBe(true);
    expect(isTargetRefused(new Error('other'))).toBe(false);
  });
});
