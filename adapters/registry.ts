/** The one place that maps provider names to adapter factories. */
import type { ProviderName } from '../src/config/schema.js';
import type { AdapterFactory } from '../src/core/adapter.js';
import { createHeygenV3Adapter } from './heygen-v3/index.js';
import { createCloudswayAdapter } from './cloudsway/index.js';
import { createGmiAdapter } from './gmi/index.js';
import { createHeygenLegacyAdapter } from './heygen-legacy/index.js';

export const adapterFactories: Partial<Record<ProviderName, AdapterFactory>> = {
  'heygen-v3': createHeygenV3Adapter,
  cloudsway: createCloudswayAdapter,
  gmi: createGmiAdapter,
  'heygen-v2': createHeygenLegacyAdapter, 'heygen-v1': createHeygenLegacyAdapter,
};
