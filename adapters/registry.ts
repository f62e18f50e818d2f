/** The one place that maps provider names to adapter factories. */
import type { ProviderName } from '../src/config/schema.js';
import type { AdapterFactory } from '../src/core/adapter.js';
import { createHeygenV3Adapter } from './heygen-v3/index.js';

export const adapterFactories: Partial<Record<ProviderName, AdapterFactory>> = {
  'heygen-v3': createHeygenV3Adapter,
};
