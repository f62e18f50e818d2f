/**
 * Benchmark child: the floor the gateway is measured against. A pass-through proxy on the same
 * stack as the gateway (fastify + undici Pool), doing only what any proxy must: swap the client's
 * key for the upstream key and stream the request and the answer through. No validation, no
 * routing logic, no store, no translation.
 */
import type { Readable } from 'node:stream';
import Fastify from 'fastify';
import { Pool, type Dispatcher } from 'undici';
import { childSpec, serveChild } from './child.js';
import { UPSTREAM_KEY, type BareProxySpec } from './specs.js';

const spec = childSpec<BareProxySpec>();
const names = Object.keys(spec.upstreams);
const first = names[0];
if (first === undefined) throw new Error('bare proxy: no upstreams');
// Same pool settings as the gateway's upstream helper (src/core/upstream.ts).
const pools = new Map(names.map((name) => [name, new Pool(spec.upstreams[name] ?? '', { connections: 64, keepAliveTimeout: 10_000 })]));

/** Not forwarded: hop-by-hop headers and the client's own credentials. */
const DROP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'x-api-key', 'authorization', 'x-gateway-account']);

const app = Fastify({ logger: false });
// Bodies are not parsed: the raw request stream goes upstream as it arrives.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

app.all('/*', async (request, reply) => {
  const pick = request.headers['x-gateway-account'];
  const pool = pools.get(typeof pick === 'string' ? pick : first) ?? pools.get(first);
  if (!pool) return reply.code(500).send();
  const headers: Record<string, string> = { 'x-api-key': UPSTREAM_KEY };
  for (const [k, v] of Object.entries(request.headers)) if (typeof v === 'string' && !DROP.has(k)) headers[k] = v;
  const res = await pool.request({
    method: request.method as Dispatcher.HttpMethod,
    path: request.url,
    headers,
    body: (request.body as Readable | undefined) ?? null,
  });
  reply.code(res.statusCode);
  for (const name of ['content-type', 'content-length']) {
    const v = res.headers[name];
    if (typeof v === 'string') reply.header(name, v);
  }
  return reply.send(res.body);
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
serveChild({ url }, {}, async () => {
  await app.close();
  await Promise.all([...pools.values()].map((p) => p.close()));
});
