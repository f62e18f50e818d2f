/**
 * `npm run bench`: the gateway measured side by side with the floor it is built on.
 *
 * Three targets, each in its own process: the HeyGen v3 simulator itself (zero added latency), a
 * bare pass-through proxy on the same stack (bench/bare-proxy.ts) and the gateway (buildApp on a
 * temporary SQLite file, background workers off). Each is driven with autocannon on the same
 * routes; then fixed-rate runs at half the gateway's peak, 32 MiB uploads with the process's peak
 * RSS, GETs with 100,000 jobs in the store, and the background refresher's upstream calls per job.
 * Prints a table and writes bench/results/latest.json. Not part of `npm test`.
 *
 * Environment: BENCH_SECONDS (per run, default 5), BENCH_CONNECTIONS (default 10),
 * BENCH_LOG_LEVEL (gateway log level, default warn), BENCH_STORE_JOBS (default 100000),
 * BENCH_PROFILE=1 (gateway under --cpu-prof; profiles in bench/results/profiles), BENCH_PIN=1 (the
 * target under test alone on CPU 1, everything else on CPU 0, via taskset).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { newJobId } from '../src/core/ids.js';
import { openStore } from '../src/store/open.js';
import type { NewJob } from '../src/store/types.js';
import { memoryOf, pin, resetPeak, startChild, type Child } from './child.js';
import { load, percentile, type LoadResult } from './load.js';
import { paced, pooled, type PacedResult } from './paced.js';
import { printReport, type Report } from './report.js';
import { CLIENT_KEY, UPSTREAM_KEY, type BareProxySpec, type Counts, type GatewaySpec, type SimulatorSpec } from './specs.js';
import { multipartPng, upload } from './upload.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP_SECONDS = 1;
const LOG_LEVEL = (process.env.BENCH_LOG_LEVEL ?? 'warn') as GatewaySpec['logLevel'];
const STORE_JOBS = Number(process.env.BENCH_STORE_JOBS ?? 100_000);
const PROFILE = process.env.BENCH_PROFILE === '1';
/** Target alone on CPU 1; load generator, upstream and the rest on CPU 0 (needs taskset and 2+ CPUs). */
const PIN = process.env.BENCH_PIN === '1' && availableParallelism() >= 2;
const MiB = 1024 * 1024;
const UPLOAD_BYTES = 32 * MiB;
const UPLOADS = 3;
/** Alternating rounds of the fixed-rate comparison. */
const FIXED_ROUNDS = 4;
/** Steady rate of the store-size comparison (or half the peak, if lower). */
const STORE_RATE = 1000;
/** Jobs the refresher figure is taken over, and how long their renders take (2 x stageMs). */
const REFRESH_JOBS = 20;
const REFRESH_STAGE_MS = 3000;

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const PROFILES = join(RESULTS, 'profiles');

/** HeyGen's "Avatar Video" example (Avatar Looks page); the look and voice exist in the simulator. */
const VIDEO = JSON.stringify({ type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' });

type TargetName = 'simulator' | 'bare-proxy' | 'gateway';
type Lane = 'slow' | 'fast';
export type CaseName = 'create' | 'status' | 'completed';

interface Target {
  name: TargetName;
  child: Child;
  url(lane: Lane): string;
  headers(lane: Lane): Record<string, string>;
}

async function http(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: unknown; text: string }> {
  const res = await request(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body ?? null,
  });
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.statusCode, json, text };
}

const dataOf = (json: unknown): Record<string, unknown> =>
  ((json as { data?: Record<string, unknown> } | null)?.data ?? {}) as Record<string, unknown>;

async function createVideo(t: Target, lane: Lane, title?: string): Promise<string> {
  const body = title ? JSON.stringify({ ...(JSON.parse(VIDEO) as object), title }) : VIDEO;
  const res = await http('POST', `${t.url(lane)}/v3/videos`, t.headers(lane), body);
  const id = dataOf(res.json).video_id;
  if (res.status !== 200 || typeof id !== 'string') throw new Error(`${t.name}: create answered ${res.status} ${res.text}`);
  return id;
}

async function statusOf(t: Target, lane: Lane, id: string): Promise<string> {
  const res = await http('GET', `${t.url(lane)}/v3/videos/${id}`, t.headers(lane));
  if (res.status !== 200) throw new Error(`${t.name}: GET answered ${res.status} ${res.text}`);
  return String(dataOf(res.json).status);
}

/** A job that stays in progress, and one that has completed, on this target. */
async function prepareJobs(t: Target): Promise<{ inProgress: string; completed: string }> {
  const inProgress = await createVideo(t, 'slow');
  const s = await statusOf(t, 'slow', inProgress);
  if (s !== 'pending' && s !== 'processing') throw new Error(`${t.name}: the in-progress job is ${s}`);
  const completed = await createVideo(t, 'fast');
  for (let i = 0; i < 5 && (await statusOf(t, 'fast', completed)) !== 'completed'; i++);
  if ((await statusOf(t, 'fast', completed)) !== 'completed') throw new Error(`${t.name}: the job did not complete`);
  return { inProgress, completed };
}

function caseRequest(t: Target, c: CaseName, ids: { inProgress: string; completed: string }) {
  switch (c) {
    case 'create':
      return { url: t.url('slow'), method: 'POST' as const, path: '/v3/videos', headers: t.headers('slow'), body: VIDEO };
    case 'status':
      return { url: t.url('slow'), path: `/v3/videos/${ids.inProgress}`, headers: t.headers('slow') };
    case 'completed':
      return { url: t.url('fast'), path: `/v3/videos/${ids.completed}`, headers: t.headers('fast') };
  }
}

/** As fast as the target answers (autocannon, CONNECTIONS connections). */
function caseLoad(t: Target, c: CaseName, ids: { inProgress: string; completed: string }, seconds: number): Promise<LoadResult> {
  return load({ ...caseRequest(t, c, ids), seconds, connections: CONNECTIONS });
}

/** At a steady rate (open loop). */
function casePaced(t: Target, c: CaseName, ids: { inProgress: string; completed: string }, seconds: number, rate: number): Promise<PacedResult> {
  return paced({ ...caseRequest(t, c, ids), rate, seconds });
}

/** Drops the raw latencies, which only serve pooling, from what is written to the results file. */
const summary = ({ samples: _samples, ...rest }: PacedResult): Omit<PacedResult, 'samples'> => rest;

const upstreamGets = (counts: Counts, lane: keyof Counts): number => counts[lane]['GET /v3/videos/:id'] ?? 0;

/**
 * Uploads 32 MiB files one after another and reads the process's peak RSS over its RSS just
 * before. The first upload into a process is reported apart: its socket-read buffers stay
 * allocated until V8 next collects, so it adds about a file's worth to any Node process (the
 * simulator and the bare proxy too); later uploads reuse that memory. A process that held whole
 * files would add 32 MiB on every upload.
 */
async function measureUploads(t: Target): Promise<Report['uploads'][TargetName]> {
  const file = multipartPng(UPLOAD_BYTES);
  const warm = await upload(t.url('slow'), multipartPng(64 * 1024), t.headers('slow'));
  if (warm.status !== 200) throw new Error(`${t.name}: upload answered ${warm.status} ${warm.text}`);
  const processPeakBefore = memoryOf(t.child.pid).hwm;
  const times: number[] = [];
  let method = 'VmHWM after reset';

  const phase = async (n: number): Promise<number> => {
    const reset = resetPeak(t.child.pid);
    const base = memoryOf(t.child.pid).rss;
    // Sampling as well, in case the kernel refused to reset the peak mark.
    let sampled = base;
    const sampler = setInterval(() => (sampled = Math.max(sampled, memoryOf(t.child.pid).rss)), 5);
    try {
      for (let i = 0; i < n; i++) {
        const r = await upload(t.url('slow'), file, t.headers('slow'));
        if (r.status !== 200) throw new Error(`${t.name}: 32 MiB upload answered ${r.status} ${r.text}`);
        times.push(r.ms);
      }
    } finally {
      clearInterval(sampler);
    }
    const after = memoryOf(t.child.pid);
    if (!reset) method = 'VmRSS sampled every 5 ms';
    return (reset ? after.hwm : Math.max(sampled, after.rss)) - base;
  };

  const first = await phase(1);
  const later = await phase(UPLOADS - 1);
  const meanMs = times.reduce((a, b) => a + b, 0) / times.length;
  return {
    uploads: UPLOADS,
    mbPerSecond: UPLOAD_BYTES / MiB / (meanMs / 1000),
    meanMs,
    addedPeakFirst: first,
    addedPeak: later,
    peakMethod: method,
    processPeakBefore,
    processPeakAfter: memoryOf(t.child.pid).hwm,
  };
}

/** Jobs as a busy store holds them: completed videos of the last 5 days (younger than the URL refresh age). */
function seedJobs(n: number, accountId: string): NewJob[] {
  const now = Date.now();
  const jobs: NewJob[] = [];
  for (let i = 0; i < n; i++) {
    const createdAt = now - Math.floor(Math.random() * 5 * 24 * 3600 * 1000);
    const up = `seed${i.toString(16).padStart(12, '0')}`;
    const created = Math.floor(createdAt / 1000);
    const detail = {
      status: 'completed',
      title: `Seeded video ${i}`,
      created_at: created,
      completed_at: created + 120,
      video_url: `https://files.heygen.ai/video/${up}.mp4`,
      thumbnail_url: `https://files.heygen.ai/thumb/${up}.jpg`,
      gif_url: `https://files.heygen.ai/gif/${up}.gif`,
      subtitle_url: `https://files.heygen.ai/srt/${up}.srt`,
      duration: 14.2,
      video_page_url: `https://app.heygen.com/video/${up}`,
    };
    jobs.push({
      id: newJobId('video'),
      clientId: 'bench',
      accountId,
      provider: 'heygen-v3',
      kind: 'video',
      upstreamId: up,
      status: 'completed',
      title: detail.title,
      folderId: null,
      callbackUrl: null,
      callbackId: null,
      request: JSON.parse(VIDEO) as unknown,
      detail,
      upstreamPayload: { data: { id: up, ...detail } },
      createdAt,
      nextPollAt: null,
      pollAttempts: 0,
    });
  }
  return jobs;
}

/** The value of gateway_jobs for a status, read from /metrics. */
async function jobsWithStatus(url: string, status: string): Promise<number> {
  const res = await http('GET', `${url}/metrics`, {});
  let n = 0;
  for (const line of res.text.split('\n')) {
    if (line.startsWith('gateway_jobs{') && line.includes(`status="${status}"`)) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How late a 1 ms timer fires on this machine with nothing else of ours running: a floor under
 * every p99 below (virtual machines lose the CPU now and then; other work on the host shows too).
 */
async function timerJitter(ms: number): Promise<{ p99: number; max: number }> {
  const gaps: number[] = [];
  let last = performance.now();
  const until = last + ms;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last - 1);
      last = now;
      if (now >= until) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const sorted = Float64Array.from(gaps).sort();
  return { p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  if (PROFILE) mkdirSync(PROFILES, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'hgw-bench-'));
  const logFile = join(RESULTS, 'targets.log');
  writeFileSync(logFile, '');
  const started = Date.now();
  const loadBefore = loadavg();
  // Before any pinning narrows what this process may use, and before any target runs.
  const jitter = await timerJitter(2000);
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
  };
  const children: Child[] = [];
  const log = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${s}\n`);

  try {
    const simChild = await startChild('simulator', './simulator.ts', { spec: { refreshStageMs: REFRESH_STAGE_MS } satisfies SimulatorSpec, logFile });
    children.push(simChild);
    const sims = simChild.info.urls as Record<'slow' | 'fast' | 'refresh', string>;
    const counts = () => simChild.call<Counts>('counts');

    const dbPath = join(tmp, 'gateway.db');
    const gwSpec: GatewaySpec = { dbPath, accounts: { slow: sims.slow, fast: sims.fast }, background: false, logLevel: LOG_LEVEL };
    const [bareChild, gwChild] = await Promise.all([
      startChild('bare-proxy', './bare-proxy.ts', { spec: { upstreams: { slow: sims.slow, fast: sims.fast } } satisfies BareProxySpec, logFile }),
      startChild('gateway', './gateway.ts', { spec: gwSpec, logFile, cpuProfDir: PROFILE ? PROFILES : null }),
    ]);
    children.push(bareChild, gwChild);

    const targets: Target[] = [
      { name: 'simulator', child: simChild, url: (lane) => sims[lane], headers: () => ({ 'x-api-key': UPSTREAM_KEY }) },
      {
        name: 'bare-proxy',
        child: bareChild,
        url: () => String(bareChild.info.url),
        headers: (lane) => ({ 'x-api-key': CLIENT_KEY, ...(lane === 'fast' ? { 'x-gateway-account': 'fast' } : {}) }),
      },
      {
        name: 'gateway',
        child: gwChild,
        url: () => String(gwChild.info.url),
        headers: (lane) => ({ 'x-api-key': CLIENT_KEY, ...(lane === 'fast' ? { 'x-gateway-account': 'fast' } : {}) }),
      },
    ];
    const [, bare, gateway] = targets as [Target, Target, Target];
    let pinned = false;
    /** With BENCH_PIN, gives the target under test CPU 1 and puts every other process on CPU 0. */
    const focus = (t: Target) => {
      if (!PIN) return;
      pinned = pin(process.pid, 0);
      for (const c of children) pinned = pin(c.pid, c === t.child ? 1 : 0) && pinned;
    };

    // ---- peak throughput per target and route
    const CASES: CaseName[] = ['create', 'status', 'completed'];
    const peak = {} as Report['peak'];
    const ids = {} as Record<TargetName, { inProgress: string; completed: string }>;
    let completedUpstreamCalls = NaN;
    for (const t of targets) {
      focus(t);
      ids[t.name] = await prepareJobs(t);
      peak[t.name] = {} as Record<CaseName, LoadResult>;
      for (const c of CASES) {
        await caseLoad(t, c, ids[t.name], WARMUP_SECONDS);
        const before = await counts();
        log(`${t.name}: ${c} (${SECONDS} s, ${CONNECTIONS} connections)`);
        peak[t.name][c] = await caseLoad(t, c, ids[t.name], SECONDS);
        if (t.name === 'gateway' && c === 'completed') completedUpstreamCalls = upstreamGets(await counts(), 'fast') - upstreamGets(before, 'fast');
      }
    }

    // ---- added latency at half the gateway's peak rate (same rate for the bare proxy). The two
    // alternate in rounds, their latencies pooled per target, so a change in the machine's
    // background load during the runs falls on both alike.
    const fixed = {} as Report['fixedRate'];
    for (const c of ['status', 'create'] as const) {
      const rate = Math.max(1, Math.round(peak.gateway[c].rps / 2));
      log(`${c} at ${rate} req/s: bare proxy and gateway, alternating`);
      const rounds: Record<'bare' | 'gateway', PacedResult[]> = { bare: [], gateway: [] };
      for (let i = 0; i < FIXED_ROUNDS; i++) {
        focus(bare);
        rounds.bare.push(await casePaced(bare, c, ids['bare-proxy'], SECONDS / FIXED_ROUNDS, rate));
        focus(gateway);
        rounds.gateway.push(await casePaced(gateway, c, ids.gateway, SECONDS / FIXED_ROUNDS, rate));
      }
      const b = pooled(rounds.bare);
      const g = pooled(rounds.gateway);
      fixed[c] = { rate, bare: summary(b), gateway: summary(g), addedP50: g.p50 - b.p50, addedP99: g.p99 - b.p99 };
    }
    // The same steady load against a server that does nothing: the p99 this machine can resolve.
    const floorRate = fixed.status.rate;
    log(`measurement floor: a do-nothing server at ${floorRate} req/s`);
    const floorRounds: PacedResult[] = [];
    for (let i = 0; i < FIXED_ROUNDS; i++) floorRounds.push(await paced({ url: String(simChild.info.floorUrl), path: '/', rate: floorRate, seconds: SECONDS / FIXED_ROUNDS }));
    const floor = { rate: floorRate, ...summary(pooled(floorRounds)) };

    // ---- 32 MiB uploads and memory
    const peakRss = {} as Report['peakRss'];
    const uploads = {} as Report['uploads'];
    for (const t of targets) {
      log(`${t.name}: ${UPLOADS} x 32 MiB uploads`);
      focus(t);
      uploads[t.name] = await measureUploads(t);
      // The peak mark was reset for the uploads: the whole run's peak is the larger of before and after.
      peakRss[t.name] = Math.max(uploads[t.name].processPeakBefore, uploads[t.name].processPeakAfter);
    }

    // ---- GET with a large store: the same steady rate on the small store, then with STORE_JOBS
    // more rows. The rate is well under capacity, so the p99 is the lookup's, not a queue's.
    const storeRate = Math.max(1, Math.min(STORE_RATE, Math.round(peak.gateway.completed.rps / 2)));
    focus(gateway);
    log(`gateway: completed GET at ${storeRate} req/s, small store`);
    const smallRounds: PacedResult[] = [];
    for (let i = 0; i < FIXED_ROUNDS; i++) smallRounds.push(await casePaced(gateway, 'completed', ids.gateway, SECONDS / FIXED_ROUNDS, storeRate));
    const small = pooled(smallRounds);
    log(`seeding ${STORE_JOBS.toLocaleString('en-US')} jobs`);
    const seedStarted = Date.now();
    const seeded = seedJobs(STORE_JOBS, 'fast');
    const store = openStore(`sqlite:${dbPath}`);
    await store.insertJobs(seeded);
    await store.close();
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const seededIds = seeded.map((j) => j.id);
    seeded.length = 0;
    const randomId = () => `/v3/videos/${seededIds[Math.floor(Math.random() * seededIds.length)] ?? ''}`;
    const before100k = await counts();
    const storeGet = { url: gateway.url('fast'), path: '/v3/videos/x', pathFor: randomId, headers: gateway.headers('fast') };
    await load({ ...storeGet, seconds: WARMUP_SECONDS, connections: CONNECTIONS });
    // Random stored jobs against the one job of before, alternating, so both see the same machine.
    log(`gateway: GET of random stored jobs and of one job, alternating at ${storeRate} req/s; then at peak`);
    const rounds: Record<'random' | 'one', PacedResult[]> = { random: [], one: [] };
    for (let i = 0; i < FIXED_ROUNDS; i++) {
      rounds.random.push(await paced({ ...storeGet, rate: storeRate, seconds: SECONDS / FIXED_ROUNDS }));
      rounds.one.push(await casePaced(gateway, 'completed', ids.gateway, SECONDS / FIXED_ROUNDS, storeRate));
    }
    const large = pooled(rounds.random);
    const largeOne = pooled(rounds.one);
    const largePeak = await load({ ...storeGet, seconds: SECONDS, connections: CONNECTIONS });
    const storeUpstreamCalls = upstreamGets(await counts(), 'fast') - upstreamGets(before100k, 'fast');

    for (const c of children.splice(1)) await c.stop();

    // ---- background refresher: upstream polls per finished job
    log(`refresher: ${REFRESH_JOBS} jobs that finish ${(2 * REFRESH_STAGE_MS) / 1000} s after creation`);
    const rfChild = await startChild('gateway-refresher', './gateway.ts', {
      spec: { dbPath: join(tmp, 'refresher.db'), accounts: { refresh: sims.refresh }, background: true, logLevel: LOG_LEVEL } satisfies GatewaySpec,
      logFile,
    });
    children.push(rfChild);
    const rf: Target = { name: 'gateway', child: rfChild, url: () => String(rfChild.info.url), headers: () => ({ 'x-api-key': CLIENT_KEY }) };
    await simChild.call('resetCounts');
    const rfStarted = Date.now();
    for (let i = 0; i < REFRESH_JOBS; i++) await createVideo(rf, 'slow');
    let finished = 0;
    while (Date.now() - rfStarted < 60_000) {
      finished = await jobsWithStatus(rf.url('slow'), 'completed');
      if (finished >= REFRESH_JOBS) break;
      await sleep(250);
    }
    const rfSeconds = (Date.now() - rfStarted) / 1000;
    const rfCounts = await counts();
    await rfChild.stop();
    const polls = upstreamGets(rfCounts, 'refresh');

    const report: Report = {
      date: new Date().toISOString(),
      machine: {
        ...machine,
        timerLateP99Ms: Math.round(jitter.p99 * 100) / 100,
        timerLateMaxMs: Math.round(jitter.max * 100) / 100,
        // Other work on the machine skews every figure; a quiet machine shows ~0 before the run.
        loadAverage1mBefore: Math.round((loadBefore[0] ?? 0) * 100) / 100,
        loadAverage1mAfter: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      },
      settings: { seconds: SECONDS, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, gatewayLogLevel: LOG_LEVEL, profiled: PROFILE, pinned },
      peak,
      ratio: Object.fromEntries(CASES.map((c) => [c, peak.gateway[c].rps / peak['bare-proxy'][c].rps])) as Report['ratio'],
      fixedRate: fixed,
      floor,
      completedUpstreamCalls,
      uploads,
      peakRss,
      store: {
        jobs: STORE_JOBS,
        seedSeconds,
        rate: storeRate,
        smallStore: summary(small),
        largeStore: summary(large),
        largeStoreOneJob: summary(largeOne),
        largeStorePeak: largePeak,
        upstreamCalls: storeUpstreamCalls,
      },
      refresher: {
        jobs: REFRESH_JOBS,
        finished,
        renderSeconds: (2 * REFRESH_STAGE_MS) / 1000,
        seconds: rfSeconds,
        upstreamPolls: polls,
        pollsPerJob: finished > 0 ? polls / finished : NaN,
        creates: rfCounts.refresh['POST /v3/videos'] ?? 0,
      },
      totalSeconds: 0,
    };
    report.totalSeconds = (Date.now() - started) / 1000;
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
    process.stdout.write(`\nWritten to bench/results/latest.json (target logs: bench/results/targets.log)${PROFILE ? '; CPU profiles in bench/results/profiles' : ''}\n`);
  } finally {
    for (const c of children.reverse()) await c.stop().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
