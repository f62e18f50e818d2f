/** What the parent (run.ts) and the target processes agree on: specs, keys and count shapes. */

/** The simulator's only accepted key; the bare proxy and the gateway send it upstream. */
export const UPSTREAM_KEY = 'bench-upstream-key';
/** The gateway's client key (the bare proxy ignores keys). */
export const CLIENT_KEY = 'bench-client-key';

export const INSTANCES = ['slow', 'fast', 'refresh'] as const;
export type Instance = (typeof INSTANCES)[number];
/** Requests per simulator instance, keyed "METHOD /route" with ids replaced by :id. */
export type Counts = Record<Instance, Record<string, number>>;

export interface SimulatorSpec {
  /** stageMs of the `refresh` instance: its jobs finish 2 x this after creation. */
  refreshStageMs: number;
}

export interface BareProxySpec {
  /** Upstream base URLs by name; `X-Gateway-Account` picks one, else the first. */
  upstreams: Record<string, string>;
}

export interface GatewaySpec {
  dbPath: string;
  /** Account id -> simulator base URL; the bench client may use them all, in this order. */
  accounts: Record<string, string>;
  background: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** The ready message of every target: where it listens. */
export interface TargetInfo {
  url: string;
}
