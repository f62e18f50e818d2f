/**
 * Writes openapi/openapi.json from the route schemas (`npm run openapi`). A test fails when the
 * checked-in file is stale.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from './openapi-doc.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'openapi', 'openapi.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, await renderOpenApi());
console.log(`wrote ${out}`);
