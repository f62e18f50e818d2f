import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApi } from '../../scripts/openapi-doc.js';

describe('openapi/openapi.json', () => {
  it('is up to date with the route schemas (run `npm run openapi` after changing a route)', async () => {
    const checkedIn = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
    expect(await renderOpenApi()).toBe(checkedIn);
  });

  it('describes the v3 surface with HeyGen operation ids', async () => {
    const doc = JSON.parse(await renderOpenApi()) as { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const id of ['createVideo', 'getVideoV3', 'listVideosV3', 'deleteVideoV3', 'createVideoTranslationV3', 'getVideoTranslationV3',
      'listVideoTranslationsV3', 'listVideoTranslationLanguagesV3', 'uploadAsset', 'listAvatarGroups', 'getAvatarGroup', 'listAvatarLooks',
      'getAvatarLook', 'createAvatar', 'listVoicesV3', 'getUserMeV3']) {
      expect(ops).toContain(id);
    }
  });
});
