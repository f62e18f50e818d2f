import type { AccountConfig } from '../config/schema.js';
import type { Adapter, AdapterDeps, AdapterFactory } from './adapter.js';
import { ERROR_STATUS, isGatewayError } from './errors.js';

/** One finished adapter call, as reported to AccountSetOptions.onCall. */
export interface AdapterCall {
  account: string;
  provider: string;
  /** The adapter method (createVideo, getVideo, uploadAsset, ...). */
  operation: string;
  /** "ok", or the v3 error code the call failed with ("error" for anything that is not a GatewayError). */
  outcome: string;
  seconds: number;
}

export interface AccountSetOptions {
  /** Told about every adapter call (metrics). Without it adapters are used as built, unwrapped. */
  onCall?: (call: AdapterCall) => void;
}

/** The live adapters, one per configured account. Built once at start-up. */
export class AccountSet {
  private readonly adapters = new Map<string, Adapter>();

  constructor(
    accounts: readonly AccountConfig[],
    factories: Readonly<Record<string, AdapterFactory | undefined>>,
    deps: AdapterDeps,
    opts: AccountSetOptions = {},
  ) {
    for (const account of accounts) {
      const factory = factories[account.provider];
      if (!factory) {
        throw new Error(`account "${account.id}": provider "${account.provider}" is not available in this build`);
      }
      const adapter = factory(account, { ...deps, logger: deps.logger.child({ account: account.id }) });
      this.adapters.set(account.id, opts.onCall ? timed(adapter, opts.onCall) : adapter);
    }
  }

  get(accountId: string): Adapter | undefined {
    return this.adapters.get(accountId);
  }

  all(): Adapter[] {
    return [...this.adapters.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((a) => a.close()));
  }
}

/** The outcome label of a failed call: a known v3 code, else "error" (keeps the label set bounded). */
export function outcomeOf(err: unknown): string {
  return isGatewayError(err) && Object.hasOwn(ERROR_STATUS, err.code) ? err.code : 'error';
}

/** Methods that are not upstream calls. */
const UNTIMED = new Set<PropertyKey>(['close', 'constructor']);

/**
 * The adapter seen through a Proxy that times every method call, whatever methods the adapter
 * interface grows, so no adapter has to report its own calls. Properties pass through untouched.
 */
function timed(adapter: Adapter, onCall: (call: AdapterCall) => void): Adapter {
  const wrappers = new Map<PropertyKey, unknown>();
  const report = (operation: string, started: bigint, outcome: string) =>
    onCall({
      account: adapter.accountId,
      provider: adapter.provider,
      operation,
      outcome,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  return new Proxy(adapter, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string' || UNTIMED.has(prop)) return value;
      let wrapper = wrappers.get(prop);
      if (!wrapper) {
        const fn = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]): unknown => {
          const started = process.hrtime.bigint();
          const result = fn.apply(target, args);
          // Only asynchronous calls go upstream; anything else is a helper, not timed.
          if (!(result instanceof Promise)) return result;
          return result.then(
            (v: unknown) => {
              report(prop, started, 'ok');
              return v;
            },
            (err: unknown) => {
              report(prop, started, outcomeOf(err));
              throw err;
            },
          );
        };
        wrappers.set(prop, wrapper);
      }
      return wrapper;
    },
  });
}
