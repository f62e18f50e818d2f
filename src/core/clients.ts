import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientConfig } from '../config/schema.js';

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * Resolves a presented API key to its client. Keys are held only as SHA-256 digests and compared
 * with timingSafeEqual, so neither a lookup's timing nor a heap dump gives a key away.
 */
export class ClientDirectory {
  private readonly byDigest = new Map<string, { digest: Buffer; client: ClientConfig }>();
  private readonly byId = new Map<string, ClientConfig>();

  constructor(clients: readonly ClientConfig[]) {
    for (const client of clients) {
      this.byId.set(client.id, client);
      for (const key of client.api_keys) {
        const d = digest(key);
        this.byDigest.set(d.toString('hex'), { digest: d, client });
      }
    }
  }

  authenticate(presented: string | undefined): ClientConfig | null {
    if (!presented) return null;
    const d = digest(presented);
    const hit = this.byDigest.get(d.toString('hex'));
    return hit && timingSafeEqual(hit.digest, d) ? hit.client : null;
  }

  get(id: string): ClientConfig | undefined {
    return this.byId.get(id);
  }
}

/** The key from `X-Api-Key` or `Authorization: Bearer`, as HeyGen v3 accepts them. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const x = headers['x-api-key'];
  const xKey = Array.isArray(x) ? x[0] : x;
  if (xKey && xKey.trim()) return xKey.trim();
  const auth = headers.authorization;
  const a = Array.isArray(auth) ? auth[0] : auth;
  const m = a ? /^Bearer\s+(.+)$/i.exec(a.trim()) : null;
  return m?.[1]?.trim() || undefined;
}
