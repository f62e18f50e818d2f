/**
 * `npx tsx bench/profile.ts <file.cpuprofile>... [top]`: where a V8 CPU profile (`node --cpu-prof`,
 * or BENCH_PROFILE=1 npm run bench) spent its time: self time per function, and inclusive time per
 * function of this project (src/, adapters/), which is where a hot path shows up.
 */
import { readFileSync, statSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const topArg = args.find((a) => /^\d+$/.test(a));
// The largest file when several are given: node also profiles tsx's loader thread, which is tiny.
const file = args
  .filter((a) => a !== topArg)
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
if (!file) {
  process.stderr.write('usage: tsx bench/profile.ts <file.cpuprofile>... [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (f: CallFrame): string => {
  const where = f.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'npm:').replace(/^.*\/work\/main\//, '');
  return `${f.functionName || '(anonymous)'} ${where ? `${where}:${f.lineNumber + 1}` : ''}`.trim();
};
const ours = (f: CallFrame) => /\/(src|adapters)\//.test(f.url) && !f.url.includes('node_modules');

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id);
  if (!node) return;
  self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + dt);
  // Each of our functions on the stack once per sample.
  const seen = new Set<string>();
  for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
    if (!ours(n.callFrame)) continue;
    const l = label(n.callFrame);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
  }
});

const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}\n`);
  }
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('Self time:', self);
print('Inclusive time, project functions:', inclusive);
