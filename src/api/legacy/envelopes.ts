/**
 * The legacy envelopes. A legacy route names its envelope in its route config
 * (`config: { envelope: 'v1' | 'v2' }`); the error handler reads it so that every failure on that
 * route (auth, validation, routing, upstream) reaches the legacy client in the shape it parses.
 */
import type { GatewayError } from '../../core/errors.js';
import type { V1ErrorEnvelope, V2ErrorEnvelope } from './schemas.js';

export type LegacyEnvelope = 'v1' | 'v2';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on legacy routes: errors leave in this envelope instead of v3's. */
    envelope?: LegacyEnvelope;
  }
}

export const v2Ok = <T>(data: T): { error: null; data: T } => ({ error: null, data });
export const v1Ok = <T>(data: T): { code: 100; message: 'Success'; data: T } => ({ code: 100, message: 'Success', data });

/**
 * v1's numeric code for an HTTP status: 400000 + the status (400400 invalid request, 400401 bad key,
 * 400404 unknown id, 400429 rate limited, 400502 upstream failure, ...). v1 codes are six-digit
 * numbers in the 400xxx range (`{"code":400599,...}`); tying them to the status keeps them stable
 * and lets a client that only looks at `code` tell the classes apart.
 */
export const v1ErrorCode = (status: number): number => 400000 + status;

export function v2Error(err: Pick<GatewayError, 'code' | 'message'>): V2ErrorEnvelope {
  return { data: null, error: { code: err.code, message: err.message } };
}

export function v1Error(err: Pick<GatewayError, 'status' | 'message'>): V1ErrorEnvelope {
  return { code: v1ErrorCode(err.status), message: err.message };
}

export function legacyErrorBody(kind: LegacyEnvelope, err: Pick<GatewayError, 'code' | 'status' | 'message'>): V1ErrorEnvelope | V2ErrorEnvelope {
  return kind === 'v1' ? v1Error(err) : v2Error(err);
}
