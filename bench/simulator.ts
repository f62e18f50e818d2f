/**
 * Benchmark child: the HeyGen v3 simulator, without added latency and without request recording,
 * as three instances in this one process:
 * - `slow`: jobs stay pending for an hour, so a status GET is always an in-progress poll;
 * - `fast`: the per-poll clock (third GET and later: completed), to make completed jobs quickly;
 * - `refresh`: jobs finish 2 x stageMs after creation, for the background refresher's figure.
 * Every request is counted per instance, method and route (from node's http diagnostics channel,
 * which costs next to nothing), so the parent can tell how many calls reached the upstream.
 */
import { subscribe } from 'node:diagnostics_channel';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHeygenV3Sandbox, type HeygenV3Sandbox } from '../src/sandbox/heygen-v3.js';
import { childSpec, serveChild } from './child.js';
import { INSTANCES, UPSTREAM_KEY, type Counts, type Instance, type SimulatorSpec } from './specs.js';

const spec = childSpec<SimulatorSpec>();
const sims: Record<Instance, HeygenV3Sandbox> = {
  slow: await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEY, stageMs: 3_600_000, record: false }),
  fast: await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEY, record: false }),
  refresh: await startHeygenV3Sandbox({ apiKey: UPSTREAM_KEY, stageMs: spec.refreshStageMs, record: false }),
};
const byPort = new Map<number, Instance>(INSTANCES.map((name) => [Number(new URL(sims[name].url).port), name]));
// The measurement floor: a server that does nothing, measured like the targets, shows what the
// machine and the load generator alone add to a p99.
const floor = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' }).end('{}'));
await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;

const empty = (): Counts => ({ slow: {}, fast: {}, refresh: {} });
let counts = empty();

function routeOf(url: string): string {
  const path = url.split('?', 1)[0] ?? url;
  return path.replace(/^(\/v3\/(?:videos|video-translations|assets))\/[^/]+/, '$1/:id');
}

subscribe('http.server.request.start', (message) => {
  const req = (message as { request: IncomingMessage }).request;
  const instance = byPort.get(req.socket.localPort ?? -1);
  if (!instance) return;
  const key = `${req.method ?? '?'} ${routeOf(req.url ?? '')}`;
  const perRoute = counts[instance];
  perRoute[key] = (perRoute[key] ?? 0) + 1;
});

serveChild(
  { urls: Object.fromEntries(INSTANCES.map((name) => [name, sims[name].url])), floorUrl },
  {
    counts: () => counts,
    resetCounts: () => {
      counts = empty();
      return null;
    },
  },
  async () => {
    await Promise.all(INSTANCES.map((name) => sims[name].close()));
    await new Promise((resolve) => floor.close(resolve));
  },
);
