/**
 * Each benchmark target runs in a process of its own, so its CPU and memory are its own. The parent
 * talks to a child over the IPC channel: the child says `ready` with what the parent needs (its
 * URL), answers named calls, and on `stop` closes cleanly and exits (which is also when
 * `--cpu-prof` writes its profile).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Handler = (args: unknown) => unknown;

interface ReadyMessage {
  type: 'ready';
  info: Record<string, unknown>;
}
interface CallMessage {
  type: 'call';
  id: number;
  op: string;
  args: unknown;
}
interface ReplyMessage {
  type: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}
type Message = ReadyMessage | CallMessage | ReplyMessage;

const isMessage = (m: unknown): m is Message => typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';

// ---- child side ------------------------------------------------------------------------------

/**
 * Announces the child as ready and serves calls until `stop`, which runs `onStop` and exits.
 * The parent going away ends the child too, so an interrupted run leaves nothing behind.
 */
export function serveChild(info: Record<string, unknown>, handlers: Record<string, Handler>, onStop: () => Promise<void>): void {
  const send = (m: Message) => process.send?.(m);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: unknown) => {
    if (!isMessage(m) || m.type !== 'call') return;
    const { id, op, args } = m;
    if (op === 'stop') {
      onStop()
        .catch(() => {})
        .finally(() => {
          send({ type: 'reply', id, ok: true });
          // Give the reply a moment to leave before the channel goes.
          setTimeout(() => process.exit(0), 20);
        });
      return;
    }
    const handler = handlers[op];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no handler for "${op}"`);
        return handler(args);
      })
      .then(
        (value: unknown) => send({ type: 'reply', id, ok: true, value }),
        (err: unknown) => send({ type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  send({ type: 'ready', info });
}

/** The JSON spec the parent passed in BENCH_SPEC. */
export function childSpec<T>(): T {
  const raw = process.env.BENCH_SPEC;
  if (!raw) throw new Error('BENCH_SPEC is not set: this file is started by bench/run.ts');
  return JSON.parse(raw) as T;
}

// ---- parent side -----------------------------------------------------------------------------

export interface Child {
  name: string;
  pid: number;
  info: Record<string, unknown>;
  call<T = unknown>(op: string, args?: unknown): Promise<T>;
  /** Asks the child to close and waits for it to exit (killing it after a grace period). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Passed as JSON in BENCH_SPEC. */
  spec: unknown;
  /** The child's stdout and stderr go here. */
  logFile: string;
  /** Directory for a V8 CPU profile (`--cpu-prof`), or null. */
  cpuProfDir?: string | null;
}

/** Starts `bench/<file>` under node with tsx's loader, so `pid` is the target process itself. */
export async function startChild(name: string, file: string, opts: StartOptions): Promise<Child> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const log = openSync(opts.logFile, 'a');
  const execArgv = ['--import', 'tsx'];
  // One directory per target: node names the files itself (one per thread, tsx's loader has one too).
  if (opts.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(opts.cpuProfDir, name)}`);
  const proc: ChildProcess = fork(script, [], {
    execArgv,
    env: { ...process.env, BENCH_SPEC: JSON.stringify(opts.spec), NODE_ENV: 'production' },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${name} exited (${signal ?? code}); see ${opts.logFile}`));
    pending.clear();
  });

  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s; see ${opts.logFile}`)), 60_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start-up (code ${code}); see ${opts.logFile}`));
    });
    proc.on('message', (m: unknown) => {
      if (!isMessage(m)) return;
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.info);
      } else if (m.type === 'reply') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(`${name}: ${m.error}`));
      }
    });
  });
  if (proc.pid === undefined) throw new Error(`${name} has no pid`);

  const call = <T>(op: string, args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      proc.send({ type: 'call', id, op, args } satisfies CallMessage);
    });

  return {
    name,
    pid: proc.pid,
    info,
    call,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const grace = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await call('stop').catch(() => {});
      await exited;
      clearTimeout(grace);
    },
  };
}

// ---- CPU placement ---------------------------------------------------------------------------

/**
 * Pins a process (all its threads) to one CPU with taskset, so the target under test does not
 * share its core with the load generator and the upstream. Best effort: false when not possible.
 */
export function pin(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---- memory of a process ---------------------------------------------------------------------

export interface Memory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since start (or the last resetPeak), bytes. */
  hwm: number;
}

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the kernel's peak-RSS mark (Linux: `5` > clear_refs). False where that is not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
