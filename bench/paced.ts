/**
 * Open-loop load at a steady rate: request i is sent at start + i/rate whatever the answers do,
 * so latency at a given rate is measured without bursts. (autocannon's rate option sends each
 * connection's quota for the second as fast as it can and then waits for the next second, which
 * at "half the peak rate" means running at the peak rate half of the time.)
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile, type LoadResult } from './load.js';

export interface PacedOptions {
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  pathFor?: () => string;
  headers?: Record<string, string>;
  body?: string;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Sockets available; enough that none waits for a free one at this rate. */
  connections?: number;
  /** Seconds at the same rate before measuring (connections opened, code warm); default 0.5. */
  warmupSeconds?: number;
}

export interface PacedResult extends LoadResult {
  /** Requests sent more than 5 ms after their slot (the load generator itself was held up). */
  late: number;
  /** Every 2xx latency, ms (for pooling rounds; not written to the results file). */
  samples: number[];
  /** Pooled rounds: each round's p99, and the p99 over all their samples together. */
  roundP99s?: number[];
  p99AllRounds?: number;
}

export async function paced(o: PacedOptions): Promise<PacedResult> {
  const pool = new Pool(o.url, { connections: o.connections ?? 64, keepAliveTimeout: 10_000 });
  try {
    const warmup = o.warmupSeconds ?? 0.5;
    if (warmup > 0) await run(pool, o, warmup);
    return await run(pool, o, o.seconds);
  } finally {
    await pool.close();
  }
}

async function run(pool: Pool, o: PacedOptions, seconds: number): Promise<PacedResult> {
  const headers = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  const total = Math.max(1, Math.floor(o.rate * seconds));
  const gap = 1000 / o.rate;
  const latencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  let failures = 0;
  let late = 0;
  let sent = 0;
  const start = performance.now();

  const send = () => {
    const slot = start + sent * gap;
    const t0 = performance.now();
    if (t0 - slot > 5) late += 1;
    const p = pool
      .request({ method: o.method ?? 'GET', path: o.pathFor ? o.pathFor() : o.path, headers, body: o.body ?? null })
      .then(async (res) => {
        await res.body.text();
        const ms = performance.now() - t0;
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(ms);
        else failures += 1;
      })
      .catch(() => {
        failures += 1;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    sent += 1;
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / gap) + 1);
      while (sent < due) send();
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * gap - performance.now()));
    };
    tick();
  });
  await Promise.all([...inflight]);
  const elapsed = (performance.now() - start) / 1000;

  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    requests: sent,
    failures,
    seconds: elapsed,
    late,
    samples: latencies,
  };
}

/**
 * Several rounds against one target as one result: p50 over all samples; p99 as the median of the
 * rounds' p99s, so one stall of the machine (a VM losing its CPU for tens of milliseconds) moves
 * one round rather than the figure. The p99 over all samples is kept alongside.
 */
export function pooled(rounds: PacedResult[]): PacedResult {
  const samples = rounds.flatMap((r) => r.samples);
  const sorted = Float64Array.from(samples).sort();
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const roundP99s = rounds.map((r) => r.p99);
  return {
    rps: samples.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(Float64Array.from(roundP99s).sort(), 50),
    roundP99s,
    p99AllRounds: percentile(sorted, 99),
    mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
    requests: rounds.reduce((a, r) => a + r.requests, 0),
    failures: rounds.reduce((a, r) => a + r.failures, 0),
    seconds,
    late: rounds.reduce((a, r) => a + r.late, 0),
    samples,
  };
}
