/**
 * Fault injection for the loopback simulators: make the next N matching requests answer with a
 * chosen status and raw body, answer late, or lose the connection, so tests can drive the
 * gateway's retry, fallback, timeout and garbage-parsing paths against a real socket.
 * Provider-neutral: any simulator installs it with `installFaults`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface Fault {
  /** HTTP method to match (case-insensitive); any method when absent. */
  method?: string;
  /**
   * A string matches the pathname exactly (query ignored); a RegExp is tested against
   * pathname + search. Any path when absent.
   */
  path?: string | RegExp;
  /** How many matching requests this fault answers; default 1, Infinity allowed. */
  times?: number;
  /** Status to answer with. Absent: 500 when `body` is set, otherwise the normal handler answers. */
  status?: number;
  /** Raw response text, sent verbatim (may be non-JSON garbage). */
  body?: string;
  /** Extra response headers (e.g. `retry-after`); they also decorate a normal answer. */
  headers?: Record<string, string>;
  /** Wait this long before answering (or before handing over to the normal handler). */
  delayMs?: number;
  /** Close the socket without answering (after delayMs). */
  destroy?: boolean;
}

interface ArmedFault {
  fault: Fault;
  left: number;
}

export class FaultInjector {
  private armed: ArmedFault[] = [];

  add(f: Fault): void {
    const times = f.times ?? 1;
    if (!(times > 0)) throw new RangeError('Fault.times must be a positive number (or Infinity)');
    this.armed.push({ fault: f, left: times });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still armed (each with the number of uses left). */
  get pending(): ReadonlyArray<{ fault: Fault; left: number }> {
    return this.armed.map((a) => ({ fault: a.fault, left: a.left }));
  }

  /** Finds the first armed fault matching the request and uses it up once. */
  take(method: string, url: string): Fault | undefined {
    const pathname = url.split('?', 1)[0] ?? url;
    const i = this.armed.findIndex((a) => matches(a.fault, method, pathname, url));
    if (i < 0) return undefined;
    const hit = this.armed[i];
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.armed.splice(i, 1);
    return hit.fault;
  }

  /**
   * The hook body: answers (or drops) the request when a fault matches, otherwise lets it through.
   * Returns the reply when it answered, so an async fastify hook stops the chain.
   */
  async apply(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const fault = this.take(request.method, request.url);
    if (!fault) return undefined;
    if (fault.delayMs && fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.destroy) {
      // hijack first so fastify neither runs the handler (no side effects) nor writes to the socket
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    const status = fault.status ?? (fault.body !== undefined ? 500 : undefined);
    if (status === undefined) {
      if (fault.headers) reply.headers(fault.headers);
      return undefined;
    }
    const body = fault.body ?? '';
    reply.code(status).header('content-type', looksLikeJson(body) ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
    if (fault.headers) reply.headers(fault.headers);
    // a string payload is written as-is by fastify, which is what garbage bodies need
    return reply.send(body);
  }
}

/**
 * Installs the injector as a preHandler hook: it runs after the body is parsed (so a recorder can
 * keep the body of a request that then fails) and before any hook registered after it (register
 * auth later so faults answer even unauthenticated requests, like a broken proxy would).
 */
export function installFaults(app: FastifyInstance, injector: FaultInjector = new FaultInjector()): FaultInjector {
  app.addHook('preHandler', async (request, reply) => {
    const answered = await injector.apply(request, reply);
    if (answered) return answered;
  });
  return injector;
}

function matches(f: Fault, method: string, pathname: string, url: string): boolean {
  if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
  if (f.path === undefined) return true;
  if (typeof f.path === 'string') return f.path === pathname;
  f.path.lastIndex = 0; // a /g or /y RegExp keeps state between tests
  return f.path.test(url);
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return text.trim() !== '';
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
