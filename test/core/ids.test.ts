import { describe, expect, it } from 'vitest';
import { ID_PREFIX, decodeCursor, encodeCursor, newJobId } from '../../src/core/ids.js';

describe('newJobId', () => {
  it.each([
    ['video', 'gv_'],
    ['translation', 'gt_'],
  ] as const)('%s ids start with %s followed by 128 random bits in base64url', (kind, prefix) => {
    expect(ID_PREFIX[kind]).toBe(prefix);
    const id = newJobId(kind);
    expect(id.startsWith(prefix)).toBe(true);
    expect(id.slice(prefix.length)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('are URL-safe: encoding them changes nothing', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newJobId(i % 2 ? 'video' : 'translation');
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it('do not repeat over 10,000 ids', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newJobId('video')));
    expect(ids.size).toBe(10_000);
  });
});

describe('cursor tokens', () => {
  it.each([
    { createdAt: 1_767_225_600_123, id: 'gv_AAAAAAAAAAAAAAAAAAAAAA' },
    { createdAt: 0, id: 'gt_-_' },
    { createdAt: Number.MAX_SAFE_INTEGER, id: 'ünïcödé "quoted" / slashed' },
  ])('round-trip %j', (cursor) => {
    const token = encodeCursor(cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token)).toEqual(cursor);
  });

  it.each([
    ['garbage'],
    [''],
    ['!!!!'],
    [Buffer.from('{"createdAt":1,"id":"x"}').toString('base64url')],
    [Buffer.from('[1]').toString('base64url')],
    [Buffer.from('[1,"a","b"]').toString('base64url')],
    [Buffer.from('["1","a"]').toString('base64url')],
    [Buffer.from('[1.5,"a"]').toString('base64url')],
    [Buffer.from('[1e300,"a"]').toString('base64url')],
    [Buffer.from('[1,2]').toString('base64url')],
    [Buffer.from('null').toString('base64url')],
  ])('decode %j to null', (token) => {
    expect(decodeCursor(token)).toBeNull();
  });
});
