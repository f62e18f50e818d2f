/**
 * One load run with autocannon. Latencies are taken from autocannon's per-response event (high
 * resolution, fractions of a millisecond) rather than its histogram, which rounds to whole
 * milliseconds: the targets here are stated in single milliseconds.
 */
import autocannon, { type AutocannonRequest } from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Varies the path per request (e.g. a random job id). */
  pathFor?: () => string;
  seconds: number;
  connections?: number;
  /** Requests per second over all connections; unset = as fast as the target answers. */
  rate?: number;
}

export interface LoadResult {
  /** Successful (2xx) answers per second. */
  rps: number;
  /** Milliseconds, over 2xx answers. */
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  /** Answers that were not 2xx, plus connection errors and timeouts. */
  failures: number;
  seconds: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export function load(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const headers = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  const request: AutocannonRequest = { method: o.method ?? 'GET', path: o.path, headers, ...(o.body !== undefined ? { body: o.body } : {}) };
  const pathFor = o.pathFor;
  if (pathFor) request.setupRequest = (req) => ({ ...req, path: pathFor() });
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections ?? 10,
        duration: o.seconds,
        timeout: 10,
        requests: [request],
        ...(o.rate ? { overallRate: o.rate } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        const sorted = Float64Array.from(latencies).sort();
        const sum = latencies.reduce((a, b) => a + b, 0);
        resolve({
          rps: latencies.length / result.duration,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          mean: latencies.length ? sum / latencies.length : NaN,
          requests: latencies.length + failures,
          failures: failures + result.errors + result.timeouts,
          seconds: result.duration,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      else failures += 1;
    });
  });
}
