/**
 * Turns the config's `store.url` into a Store.
 */
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

const ACCEPTED = 'sqlite:<path> (e.g. sqlite:./data/gateway.db, sqlite:/abs/path.db, sqlite::memory:)';

/**
 * Accepts `sqlite:./relative.db` (relative to the working directory), `sqlite:/abs/path.db` and
 * `sqlite::memory:`. Error messages name only the scheme, never the URL: a postgres URL carries
 * a password.
 */
export function openStore(url: string): Store {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();

  if (scheme === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error(`store url "sqlite:" has no path; use ${ACCEPTED}`);
    // "sqlite://x" reads like a URL authority; as a path it would silently mean "/x".
    if (path.startsWith('//')) throw new Error(`store url "sqlite://..." is not supported; use ${ACCEPTED}`);
    return SqliteStore.open(path);
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    throw new Error(`the PostgreSQL store is not available in this build; use ${ACCEPTED}`);
  }
  throw new Error(
    `unsupported store url${scheme ? ` scheme "${scheme}:"` : ''}; accepted: ${ACCEPTED}` +
      ', or postgres:// / postgresql:// once the PostgreSQL store ships',
  );
}
