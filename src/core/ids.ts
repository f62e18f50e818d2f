import { randomBytes } from 'node:crypto';

/**
 * Gateway-issued job ids: a kind prefix and 128 random bits in base64url. They say nothing about
 * the account or upstream id behind them (the store maps those), so clients cannot guess or
 * correlate them across accounts.
 */
export const ID_PREFIX = { video: 'gv_', translation: 'gt_' } as const;

export function newJobId(kind: keyof typeof ID_PREFIX): string {
  return ID_PREFIX[kind] + randomBytes(16).toString('base64url');
}

/** Cursor tokens for gateway-side pagination: opaque to clients, validated on the way back in. */
export interface Cursor {
  createdAt: number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

export function decodeCursor(token: string): Cursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') {
      return { createdAt: v[0] as number, id: v[1] };
    }
  } catch {
    // fall through: any malformed token is the same client error
  }
  return null;
}
