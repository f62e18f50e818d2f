/**
 * The unauthenticated gateway routes over loopback: health, the OpenAPI document and the offline
 * docs page (everything it loads is served by the gateway itself; no CDN).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/gateway.js';

const CHECKED_IN = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as unknown;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"} without a key, and calls no upstream', async () => {
    const res = await h.call('GET', '/healthz', { key: null });
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"status":"ok"}');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(h.hg.requests).toStrictEqual([]);
    expect(h.hg2.requests).toStrictEqual([]);
  });

  it('ignores a wrong key (health is not behind auth)', async () => {
    const res = await h.call('GET', '/healthz', { key: 'not-a-key' });
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ status: 'ok' });
  });
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document equal to the checked-in openapi/openapi.json', async () => {
    const res = await h.call('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json).toStrictEqual(CHECKED_IN);
    expect(res.json).toMatchObject({ openapi: '3.1.0', info: { title: 'heygen-gateway' } });
  });

  it('documents every public v3 route', async () => {
    const res = await h.call('GET', '/openapi.json', { key: null });
    const paths = Object.keys((res.json as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/v3/videos', '/v3/videos/{video_id}', '/v3/video-translations', '/v3/video-translations/{video_translation_id}',
      '/v3/video-translations/languages', '/v3/assets', '/v3/avatars', '/v3/avatars/{group_id}', '/v3/avatars/looks',
      '/v3/avatars/looks/{look_id}', '/v3/voices', '/v3/voices/{voice_id}', '/v3/users/me', '/healthz',
    ]) {
      expect(paths).toContain(p);
    }
  });
});

describe('GET /docs', () => {
  it('serves the docs page offline: HTML whose scripts and styles all come from the gateway', async () => {
    const res = await h.call('GET', '/docs', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<div id="swagger-ui"></div>');

    const scripts = [...res.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
    const styles = [...res.text.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toStrictEqual([
      '/docs/static/swagger-ui-bundle.js',
      '/docs/static/swagger-ui-standalone-preset.js',
      '/docs/static/swagger-initializer.js',
    ]);
    expect(styles.length).toBeGreaterThan(0);
    // Nothing is fetched from another origin, and the page's CSP only allows scripts from itself.
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'\s*;/);

    for (const asset of [...scripts, ...styles]) {
      const a = await h.call('GET', asset, { key: null });
      expect({ asset, status: a.status }).toStrictEqual({ asset, status: 200 });
      expect(a.text.length).toBeGreaterThan(100);
    }
    const bundle = await h.call('GET', '/docs/static/swagger-ui-bundle.js', { key: null });
    expect(bundle.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(bundle.text).toContain('SwaggerUIBundle');
  });

  it('the page loads the gateway\'s own OpenAPI document', async () => {
    const init = await h.call('GET', '/docs/static/swagger-initializer.js', { key: null });
    expect(init.status).toBe(200);
    // The initializer resolves ./json against /docs/: /docs/json, the same document as /openapi.json.
    expect(init.text).toContain("url: resolveUrl('./json')");
    const json = await h.call('GET', '/docs/json', { key: null });
    expect(json.status).toBe(200);
    expect(json.json).toStrictEqual(CHECKED_IN);
    expect(h.hg.requests).toStrictEqual([]);
  });
});
