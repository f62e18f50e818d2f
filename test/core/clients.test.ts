import { describe, expect, it } from 'vitest';
import { ClientConfig } from '../../src/config/schema.js';
import { ClientDirectory, presentedKey } from '../../src/core/clients.js';

const acme = ClientConfig.parse({ id: 'acme', api_keys: ['acme-key-1', 'acme-key-2'], accounts: ['hg'] });
const globex = ClientConfig.parse({ id: 'globex', api_keys: ['globex-key'], accounts: ['hg'] });
const directory = new ClientDirectory([acme, globex]);

/** The client a request with these headers is served as, or null (401). */
const who = (headers: Record<string, string | string[] | undefined>): string | null =>
  directory.authenticate(presentedKey(headers))?.id ?? null;

describe('presentedKey', () => {
  it('reads X-Api-Key', () => {
    expect(presentedKey({ 'x-api-key': 'acme-key-1' })).toBe('acme-key-1');
  });

  it.each(['Bearer acme-key-1', 'bearer acme-key-1', 'BEARER acme-key-1', 'Bearer   acme-key-1  '])('reads Authorization: %j', (value) => {
    expect(presentedKey({ authorization: value })).toBe('acme-key-1');
  });

  it('prefers X-Api-Key when both are sent', () => {
    expect(presentedKey({ 'x-api-key': 'acme-key-1', authorization: 'Bearer globex-key' })).toBe('acme-key-1');
  });

  it('falls back to Authorization when X-Api-Key is blank', () => {
    expect(presentedKey({ 'x-api-key': '   ', authorization: 'Bearer globex-key' })).toBe('globex-key');
  });

  it('trims whitespace around X-Api-Key', () => {
    expect(presentedKey({ 'x-api-key': ' acme-key-1\t' })).toBe('acme-key-1');
  });

  it.each([
    [{}],
    [{ 'x-api-key': '' }],
    [{ 'x-api-key': '   ' }],
    [{ authorization: '' }],
    [{ authorization: 'Bearer' }],
    [{ authorization: 'Bearer    ' }],
    [{ authorization: 'Basic YWNtZTprZXk=' }],
    [{ authorization: 'acme-key-1' }],
  ])('finds no key in %j', (headers) => {
    expect(presentedKey(headers)).toBeUndefined();
  });

  it('takes the first of repeated headers', () => {
    expect(presentedKey({ 'x-api-key': ['acme-key-1', 'globex-key'] })).toBe('acme-key-1');
  });
});

describe('ClientDirectory', () => {
  it('resolves every key of a client to that client, in either header style', () => {
    expect(who({ 'x-api-key': 'acme-key-1' })).toBe('acme');
    expect(who({ 'x-api-key': 'acme-key-2' })).toBe('acme');
    expect(who({ authorization: 'Bearer acme-key-2' })).toBe('acme');
    expect(who({ authorization: 'bearer globex-key' })).toBe('globex');
  });

  it.each([
    [{ 'x-api-key': 'acme-key-3' }],
    [{ 'x-api-key': 'ACME-KEY-1' }],
    [{ 'x-api-key': 'acme-key-' }],
    [{ 'x-api-key': 'acme-key-1x' }],
    [{ authorization: 'Bearer wrong' }],
    [{ authorization: 'Token acme-key-1' }],
    [{}],
    [{ 'x-api-key': '' }],
    [{ 'x-api-key': ' ' }],
  ])('refuses %j', (headers) => {
    expect(who(headers)).toBeNull();
  });

  it('refuses a wrong X-Api-Key even when a valid Bearer token is also sent', () => {
    expect(who({ 'x-api-key': 'wrong', authorization: 'Bearer acme-key-1' })).toBeNull();
  });

  it('authenticate() refuses undefined and the empty string', () => {
    expect(directory.authenticate(undefined)).toBeNull();
    expect(directory.authenticate('')).toBeNull();
  });

  it('looks clients up by id', () => {
    expect(directory.get('globex')).toBe(globex);
    expect(directory.get('nobody')).toBeUndefined();
  });
});
