import type { AccountConfig } from '../config/schema.js';
import type { Adapter, AdapterDeps, AdapterFactory } from './adapter.js';

/** The live adapters, one per configured account. Built once at start-up. */
export class AccountSet {
  private readonly adapters = new Map<string, Adapter>();

  constructor(
    accounts: readonly AccountConfig[],
    factories: Readonly<Record<string, AdapterFactory | undefined>>,
    deps: AdapterDeps,
  ) {
    for (const account of accounts) {
      const factory = factories[account.provider];
      if (!factory) {
        throw new Error(`account "${account.id}": provider "${account.provider}" is not available in this build`);
      }
      this.adapters.set(account.id, factory(account, { ...deps, logger: deps.logger.child({ account: account.id }) }));
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
