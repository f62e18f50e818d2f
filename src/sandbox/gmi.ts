/**
 * A loopback simulator of GMI Cloud's request queue for HeyGen Avatar IV
 * (seeds/004_125527b49f4e5a62.txt and DESIGN.md's GMI wire facts): submit `{model, payload}`,
 * read a request back by id, list requests by model. Bearer auth only; every non-2xx body is
 * `{"error":"<text>"}`. Jobs walk GMI's own words with a queueing delay:
 * created -> queued -> dispatched -> processing -> success.
 *
 * Test hooks in the data itself (title or any scene's input_text): `[fail]` ends `failed`,
 * `[cancel]` ends `cancelled`, `[unknown-status]` reports `rendering` (a word GMI does not
 * document) where `processing` would be.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { V2GenerateBody } from '../api/schemas/legacy.js';
import { FaultInjector, installFaults, sleep } from './faults.js';
import type { RecordedRequest } from './heygen-v3.js';

export type { RecordedRequest } from './heygen-v3.js';

export interface GmiSandboxOptions {
  /** The only key accepted, as `Authorization: Bearer <key>`. */
  apiKey: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Models the queue serves; default ["heygen-avatar-4"]. */
  models?: readonly string[];
  /** Added to every answer. */
  latencyMs?: number;
  /**
   * When set, a request spends stageMs in each of created, queued, dispatched and processing,
   * then is terminal. When unset, each status GET moves it on one word: the submit answer and
   * the 1st GET say created, the 2nd queued, the 3rd dispatched, the 4th processing, the 5th and
   * later the terminal word.
   */
  stageMs?: number;
  logger?: boolean;
  /** Keep every request in `requests` (default true); a long benchmark turns it off to bound memory. */
  record?: boolean;
}

export interface GmiSandbox {
  url: string;
  /** Every request received, in order (also those answered by a fault or a 401). */
  requests: RecordedRequest[];
  faults: FaultInjector;
  /** The request ids handed out, oldest first (tests find the upstream id behind a gateway id). */
  requestIds(): string[];
  /**
   * Pins a request to one word from now on (any word, also an undocumented one), replacing its
   * walk: tests see each word exactly even when something else polls the request meanwhile.
   */
  setStatus(requestId: string, word: string): void;
  /** Clears requests, faults and jobs. */
  reset(): void;
  close(): Promise<void>;
}

export const GMI_REQUESTS_PATH = '/api/v1/ie/requestqueue/apikey/requests';
export const GMI_DEFAULT_MODEL = 'heygen-avatar-4';
export const FAIL_MARKER = '[fail]';
export const CANCEL_MARKER = '[cancel]';
export const UNKNOWN_STATUS_MARKER = '[unknown-status]';
/** Reported instead of `processing` for `[unknown-status]` requests. */
export const UNKNOWN_STATUS_WORD = 'rendering';
/** The reason a `[fail]` request carries in its `error` field. */
export const FAILURE_TEXT = 'video generation failed: the script could not be converted to speech';
export const ORG_ID = 'org-sandbox';
const STORAGE = 'https://storage.googleapis.com/gmi-sandbox';

const IN_PROGRESS = ['created', 'queued', 'dispatched', 'processing'] as const;
type Ending = 'success' | 'failed' | 'cancelled';

interface Job {
  id: string;
  model: string;
  payload: Record<string, unknown>;
  ending: Ending;
  unknownWord: boolean;
  /** Scene scripts joined, for the simulated duration. */
  script: string;
  createdMs: number;
  /** Status GETs answered so far (the per-poll clock). */
  polls: number;
  /** Set by setStatus: the word the request reports whatever its clock says. */
  pinned: string | null;
  /** Last word reported and when it first was: updated_at / queued_at follow the walk. */
  word: string;
  updatedMs: number;
  queuedMs: number | null;
}

/** A GMI error answer: the status and the text of `{"error":"<text>"}`. */
class GmiError extends Error {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super(text);
  }
}

const unix = (ms: number): number => Math.floor(ms / 1000);

/** Spoken length of the scripts at ~2.5 words per second; the document's 12.5 s when there is no text. */
export function scriptDuration(script: string): number {
  const words = script.trim().split(/\s+/).filter(Boolean).length;
  if (words === 0) return 12.5;
  return Math.max(1, Math.round((words / 2.5) * 10) / 10);
}

// The payload is HeyGen's v2 generate body; defaults are never filled in, so the echoed payload
// stays exactly what the client sent.
const ajv = new Ajv({ allErrors: false, useDefaults: false, removeAdditional: false, coerceTypes: false, discriminator: true, strict: false });
let validatePayload: ValidateFunction | undefined;

/** `/video_inputs/0/voice` + `voice_id` -> `payload.video_inputs[0].voice.voice_id`. */
function pathOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const segs = e.instancePath.split('/').filter(Boolean);
  const extra = e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined;
  if (typeof extra === 'string') segs.push(extra);
  return segs.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : `${acc}.${s}`), 'payload');
}

function checkPayload(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new GmiError(400, 'payload is required and must be an object');
  }
  validatePayload ??= ajv.compile(V2GenerateBody);
  if (!validatePayload(payload)) {
    const first = validatePayload.errors?.[0];
    const what = !first
      ? 'is invalid'
      : first.keyword === 'required'
        ? 'is required'
        : first.keyword === 'additionalProperties'
          ? 'is not a recognized field'
          : (first.message ?? 'is invalid');
    throw new GmiError(400, `invalid payload: ${first ? pathOf(first) : 'payload'} ${what}`);
  }
  return payload as Record<string, unknown>;
}

/** The words a request's texts are made of: its title and every text scene's script. */
function textsOf(payload: Record<string, unknown>): { title: string; scripts: string[] } {
  const body = payload as V2GenerateBody;
  const scripts = body.video_inputs.flatMap((s) => (s.voice.type === 'text' ? [s.voice.input_text] : []));
  return { title: body.title ?? '', scripts };
}

function stageIndex(job: Job, stageMs: number | undefined, now: number): number {
  const i = stageMs !== undefined ? Math.floor((now - job.createdMs) / stageMs) : Math.max(0, job.polls - 1);
  return Math.min(i, IN_PROGRESS.length);
}

function wordAt(job: Job, index: number): string {
  if (job.pinned !== null) return job.pinned;
  if (index >= IN_PROGRESS.length) return job.ending;
  const w = IN_PROGRESS[index] ?? 'processing';
  return w === 'processing' && job.unknownWord ? UNKNOWN_STATUS_WORD : w;
}

/** Moves the job's clock to now and answers its record as GMI shows it. */
function record(job: Job, stageMs: number | undefined, now: number): Record<string, unknown> {
  const index = stageIndex(job, stageMs, now);
  const word = wordAt(job, index);
  if (word !== job.word) {
    // In stageMs mode the walk changed word at a known moment, not when it was first seen.
    const walked = stageMs !== undefined && job.pinned === null;
    job.updatedMs = walked ? job.createdMs + index * stageMs : now;
    job.word = word;
    if (job.queuedMs === null && word !== 'created') job.queuedMs = walked ? job.createdMs + stageMs : now;
  }
  const rec: Record<string, unknown> = {
    request_id: job.id,
    org_id: ORG_ID,
    model: job.model,
    status: word,
    is_public: false,
    payload: job.payload,
  };
  if (word === 'success') {
    rec.outcome = {
      media_urls: [{ id: '0', url: `${STORAGE}/${job.id}.mp4` }],
      thumbnail_image_url: `${STORAGE}/${job.id}.jpg`,
      duration: scriptDuration(job.script),
    };
  }
  if (word === 'failed') rec.error = FAILURE_TEXT;
  rec.created_at = unix(job.createdMs);
  rec.updated_at = unix(job.updatedMs);
  rec.queued_at = job.queuedMs === null ? null : unix(job.queuedMs);
  return rec;
}

function authorized(request: FastifyRequest, apiKey: string): boolean {
  const auth = request.headers.authorization;
  if (typeof auth !== 'string') return false;
  const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
  return m?.[1] === apiKey;
}

export async function startGmiSandbox(opts: GmiSandboxOptions): Promise<GmiSandbox> {
  const jobs = new Map<string, Job>();
  const requests: RecordedRequest[] = [];
  const faults = new FaultInjector();
  const recordOf = new WeakMap<FastifyRequest['raw'], RecordedRequest>();
  const models = new Set(opts.models ?? [GMI_DEFAULT_MODEL]);
  const stageMs = opts.stageMs;

  const app: FastifyInstance = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (text.trim() === '') return done(null, null);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new GmiError(400, 'invalid JSON body'), undefined);
    }
  });

  // Hook order matters: record every request, add latency, (faults), then authenticate.
  app.addHook('onRequest', async (request) => {
    if (opts.record !== false) {
      const rec: RecordedRequest = { method: request.method, path: request.url, headers: { ...request.headers }, body: null };
      requests.push(rec);
      recordOf.set(request.raw, rec);
    }
    if (opts.latencyMs && opts.latencyMs > 0) await sleep(opts.latencyMs);
  });
  app.addHook('preHandler', async (request) => {
    const rec = recordOf.get(request.raw);
    if (rec && request.body !== undefined) rec.body = request.body;
  });
  installFaults(app, faults);
  app.addHook('preHandler', async (request) => {
    if (!authorized(request, opts.apiKey)) throw new GmiError(401, 'unauthorized: invalid or missing API key');
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof GmiError) return reply.code(err.status).send({ error: err.message });
    const { statusCode } = err as { statusCode?: unknown };
    const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'gmi sandbox handler failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal server error' : 'bad request' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route for ${request.method} ${request.url.split('?', 1)[0]}` }));

  app.post(GMI_REQUESTS_PATH, async (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GmiError(400, 'request body must be a JSON object');
    const { model, payload } = body as { model?: unknown; payload?: unknown };
    if (typeof model !== 'string' || model === '') throw new GmiError(400, 'model is required');
    if (!models.has(model)) throw new GmiError(404, `model ${model} not found`);
    const checked = checkPayload(payload);
    const { title, scripts } = textsOf(checked);
    const texts = [title, ...scripts];
    const has = (marker: string): boolean => texts.some((t) => t.includes(marker));
    const now = Date.now();
    const job: Job = {
      id: randomUUID(),
      model,
      payload: checked,
      ending: has(FAIL_MARKER) ? 'failed' : has(CANCEL_MARKER) ? 'cancelled' : 'success',
      unknownWord: has(UNKNOWN_STATUS_MARKER),
      script: scripts.join(' '),
      createdMs: now,
      polls: 0,
      pinned: null,
      word: IN_PROGRESS[0],
      updatedMs: now,
      queuedMs: null,
    };
    jobs.set(job.id, job);
    const rec = record(job, stageMs, now);
    // The submit answer is the short form of the document's example: no payload echo, no outcome.
    return {
      request_id: rec.request_id,
      model: rec.model,
      status: rec.status,
      created_at: rec.created_at,
      updated_at: rec.updated_at,
      queued_at: rec.queued_at,
    };
  });

  app.get<{ Querystring: Record<string, string | string[] | undefined> }>(GMI_REQUESTS_PATH, async (request) => {
    const raw = request.query.model_id;
    if (Array.isArray(raw)) throw new GmiError(400, 'model_id may be given once');
    const now = Date.now();
    // Listing reads the records without moving the per-poll clock; newest first.
    const list = [...jobs.values()]
      .reverse()
      .filter((j) => raw === undefined || raw === '' || j.model === raw)
      .map((j) => record(j, stageMs, now));
    return { requests: list, total: list.length };
  });

  app.get<{ Params: { request_id: string } }>(`${GMI_REQUESTS_PATH}/:request_id`, async (request) => {
    const job = jobs.get(request.params.request_id);
    if (!job) throw new GmiError(404, 'request not found');
    job.polls += 1;
    return record(job, stageMs, Date.now());
  });

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address() as AddressInfo;
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    requests,
    faults,
    requestIds: () => [...jobs.keys()],
    setStatus(requestId, word) {
      const job = jobs.get(requestId);
      if (!job) throw new Error(`no GMI request ${requestId}`);
      job.pinned = word;
    },
    reset() {
      requests.length = 0;
      faults.clear();
      jobs.clear();
    },
    close: () => app.close(),
  };
}
