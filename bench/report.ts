/** The benchmark's results (bench/results/latest.json) and their printed table. */
import type { LoadResult } from './load.js';
import type { PacedResult } from './paced.js';

type Steady = Omit<PacedResult, 'samples'>;

type TargetName = 'simulator' | 'bare-proxy' | 'gateway';
type CaseName = 'create' | 'status' | 'completed';

export interface UploadFigures {
  uploads: number;
  mbPerSecond: number;
  meanMs: number;
  /** Peak RSS over the RSS just before, bytes: the first 32 MiB upload into the process. */
  addedPeakFirst: number;
  /** The same over the later uploads (the figure that tells streaming from buffering). */
  addedPeak: number;
  peakMethod: string;
  /** The process's peak RSS over the runs before the uploads, and at the end, bytes. */
  processPeakBefore: number;
  processPeakAfter: number;
}

export interface Report {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; kernel: string; loadAverage1mBefore: number; loadAverage1mAfter: number; timerLateP99Ms: number; timerLateMaxMs: number };
  settings: { seconds: number; connections: number; warmupSeconds: number; gatewayLogLevel: string; profiled: boolean; pinned: boolean };
  peak: Record<TargetName, Record<CaseName, LoadResult>>;
  /** Gateway req/s over bare proxy req/s. */
  ratio: Record<CaseName, number>;
  fixedRate: Record<'status' | 'create', { rate: number; bare: Steady; gateway: Steady; addedP50: number; addedP99: number }>;
  /** A do-nothing server at the status fixed rate: what the machine and load generator add to latency. */
  floor: Steady & { rate: number };
  /** Upstream GETs while the gateway served its completed-job run. */
  completedUpstreamCalls: number;
  uploads: Record<TargetName, UploadFigures>;
  /** Peak RSS of each target process over the whole run, bytes. */
  peakRss: Record<TargetName, number>;
  store: {
    jobs: number;
    seedSeconds: number;
    rate: number;
    /** Before seeding: GETs of one completed job. */
    smallStore: Steady;
    /** After seeding: GETs of random seeded jobs, alternating in rounds with GETs of that one job. */
    largeStore: Steady;
    largeStoreOneJob: Steady;
    largeStorePeak: LoadResult;
    upstreamCalls: number;
  };
  refresher: {
    jobs: number;
    finished: number;
    renderSeconds: number;
    seconds: number;
    upstreamPolls: number;
    pollsPerJob: number;
    creates: number;
  };
  totalSeconds: number;
}

const MiB = 1024 * 1024;
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const mib = (v: number) => `${(v / MiB).toFixed(1)} MiB`;
const pct = (v: number) => `${(v * 100).toFixed(0)} %`;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** The targets against the measured figures. */
export function checks(r: Report): TargetCheck[] {
  return [
    { target: 'create throughput >= 70 % of bare proxy', measured: pct(r.ratio.create), met: r.ratio.create >= 0.7 },
    { target: 'status throughput >= 70 % of bare proxy', measured: pct(r.ratio.status), met: r.ratio.status >= 0.7 },
    {
      target: 'added p99 <= 2 ms at half peak (status)',
      measured: `${ms(r.fixedRate.status.addedP99)} ms at ${int(r.fixedRate.status.rate)} req/s (p50 +${ms(r.fixedRate.status.addedP50)}; floor p99 ${ms(r.floor.p99)})`,
      met: r.fixedRate.status.addedP99 <= 2,
    },
    {
      target: 'added p99 <= 2 ms at half peak (create)',
      measured: `${ms(r.fixedRate.create.addedP99)} ms at ${int(r.fixedRate.create.rate)} req/s (p50 +${ms(r.fixedRate.create.addedP50)})`,
      met: r.fixedRate.create.addedP99 <= 2,
    },
    {
      target: 'completed-job GET makes 0 upstream calls',
      measured: `${int(r.completedUpstreamCalls)} calls / ${int(r.peak.gateway.completed.requests)} GETs`,
      met: r.completedUpstreamCalls === 0,
    },
    {
      target: '32 MiB upload adds < 32 MiB peak RSS',
      measured: `${mib(r.uploads.gateway.addedPeak)} (1st upload ${mib(r.uploads.gateway.addedPeakFirst)}; bare proxy ${mib(r.uploads['bare-proxy'].addedPeakFirst)})`,
      met: r.uploads.gateway.addedPeak < 32 * MiB,
    },
    {
      target: `${int(r.store.jobs)} stored jobs: GET p99 < 2 ms`,
      measured: `${ms(r.store.largeStore.p99)} ms at ${int(r.store.rate)} req/s (p50 ${ms(r.store.largeStore.p50)}; floor p99 ${ms(r.floor.p99)})`,
      met: r.store.largeStore.p99 < 2,
    },
  ];
}

export function printReport(r: Report): void {
  const out: string[] = [];
  const m = r.machine;
  out.push(`\nheygen-gateway benchmark, ${r.date}`);
  out.push(`machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}, Linux ${m.kernel}`);
  out.push(`load average (1 min) before / after: ${m.loadAverage1mBefore} / ${m.loadAverage1mAfter}; idle 1 ms timer late by p99 ${ms(m.timerLateP99Ms)} ms, max ${ms(m.timerLateMaxMs)} ms`);
  out.push(`runs: ${r.settings.seconds} s each after ${r.settings.warmupSeconds} s warm-up, ${r.settings.connections} connections; gateway log level ${r.settings.gatewayLogLevel}${r.settings.profiled ? ' (under --cpu-prof)' : ''}${r.settings.pinned ? '; target pinned to CPU 1, the rest to CPU 0' : ''}\n`);

  const targets: TargetName[] = ['simulator', 'bare-proxy', 'gateway'];
  const rows: string[][] = [];
  for (const c of ['create', 'status', 'completed'] as const) {
    for (const t of targets) {
      const x = r.peak[t][c];
      rows.push([`${c}`, t, int(x.rps), ms(x.p50), ms(x.p99), int(x.failures), t === 'gateway' ? pct(r.ratio[c]) : '']);
    }
  }
  out.push('Peak (as fast as each target answers):');
  out.push(table(['route', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'gw/bare'], rows));
  out.push('  create = POST /v3/videos; status = GET /v3/videos/{id} in progress; completed = GET /v3/videos/{id} of a completed job');

  out.push('\nAt half the gateway\'s peak rate (steady, open-loop; bare proxy and gateway alternate in rounds, p99 = median of the rounds\' p99s):');
  out.push(
    table(
      ['route', 'req/s', 'bare p50', 'bare p99', 'gw p50', 'gw p99', 'added p50', 'added p99', 'sent late'],
      (['status', 'create'] as const).map((c) => {
        const f = r.fixedRate[c];
        const late = (f.bare.late + f.gateway.late) / (f.bare.requests + f.gateway.requests);
        return [c, int(f.rate), ms(f.bare.p50), ms(f.bare.p99), ms(f.gateway.p50), ms(f.gateway.p99), ms(f.addedP50), ms(f.addedP99), pct(late)];
      }),
    ),
  );
  out.push(
    `  measurement floor (a do-nothing node:http server, same load at ${int(r.floor.rate)} req/s): p50 ${ms(r.floor.p50)} ms, p99 ${ms(r.floor.p99)} ms, sent late ${pct(r.floor.late / r.floor.requests)}`,
  );

  out.push(`\n32 MiB uploads (${r.uploads.gateway.uploads} sequential) and memory:`);
  out.push(
    table(
      ['target', 'MiB/s', 'added peak RSS: 1st upload', 'later uploads', 'peak RSS (whole run)'],
      targets.map((t) => [t, r.uploads[t].mbPerSecond.toFixed(0), mib(r.uploads[t].addedPeakFirst), mib(r.uploads[t].addedPeak), mib(r.peakRss[t])]),
    ),
  );

  out.push("  1st upload: until V8's next collection its socket buffers stay allocated, in any Node process; later uploads");
  out.push('  reuse that memory. A process that held whole files would add 32 MiB on every upload.');

  const s = r.store;
  out.push(`\nStore: GET of completed jobs at ${int(s.rate)} req/s (steady; p99 = median of the rounds' p99s)`);
  out.push(
    table(
      ['store', 'req/s', 'p50 ms', 'p99 ms', 'sent late', 'upstream calls'],
      [
        ['this run\'s jobs: one job', int(s.smallStore.rps), ms(s.smallStore.p50), ms(s.smallStore.p99), pct(s.smallStore.late / s.smallStore.requests), ''],
        [`+${int(s.jobs)} jobs: one job`, int(s.largeStoreOneJob.rps), ms(s.largeStoreOneJob.p50), ms(s.largeStoreOneJob.p99), pct(s.largeStoreOneJob.late / s.largeStoreOneJob.requests), ''],
        [`+${int(s.jobs)} jobs: random ids`, int(s.largeStore.rps), ms(s.largeStore.p50), ms(s.largeStore.p99), pct(s.largeStore.late / s.largeStore.requests), int(s.upstreamCalls)],
        [`+${int(s.jobs)} jobs, peak`, int(s.largeStorePeak.rps), ms(s.largeStorePeak.p50), ms(s.largeStorePeak.p99), '', ''],
      ],
    ),
  );
  out.push(`  (${int(s.jobs)} rows inserted through the store in one transaction in ${s.seedSeconds.toFixed(1)} s; one job / random ids alternate in rounds)`);
  out.push('  sent late: requests the load generator itself sent > 5 ms after their slot (its own CPU was taken); a high share');
  out.push('  means the p99s measure the machine as much as the target.');

  const f = r.refresher;
  out.push(
    `\nRefresher: ${f.finished}/${f.jobs} jobs finished (render ${f.renderSeconds} s) in ${f.seconds.toFixed(1)} s with ${f.upstreamPolls} upstream polls: ${f.pollsPerJob.toFixed(2)} polls per job (+1 create each)`,
  );

  out.push('\nTargets:');
  out.push(table(['target', 'measured', 'met'], checks(r).map((c) => [c.target, c.measured, c.met ? 'yes' : 'NO'])));
  out.push(`\nTotal ${r.totalSeconds.toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}
