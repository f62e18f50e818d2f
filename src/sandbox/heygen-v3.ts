/**
 * A loopback simulator of HeyGen's v3 API (the wire described by the OpenAPI file and the v3 docs):
 * videos, video translations, assets, avatars/looks, voices and users/me, with jobs that walk
 * through v3's own status words. It serves the no-config sandbox of `npm start`, the end-to-end
 * tests (which read `requests` to see exactly what the gateway sent upstream) and the benchmark.
 *
 * Test hooks in the data itself: a video whose title or script contains `[fail]` ends `failed`
 * (`tts_text_invalid`); `[unknown-status]` makes the in-progress word `rendering`, a word v3 does
 * not document, so the gateway's unknown-status handling can be exercised. Translations honour the
 * same markers in their title.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { GatewayError, type ErrorCode } from '../core/errors.js';
import {
  VideoCreate,
  VideoListQuery,
  type VideoDetail,
  type VideoStatus,
} from '../api/schemas/videos.js';
import {
  TranslationCreate,
  TranslationListQuery,
  type TranslationDetail,
  type TranslationStatus,
} from '../api/schemas/translations.js';
import type { AssetUploaded } from '../api/schemas/assets.js';
import {
  AvatarCreate,
  AvatarGroupListQuery,
  AvatarLookListQuery,
  type AvatarCreated,
  type AvatarGroupItem,
  type AvatarLookItem,
} from '../api/schemas/avatars.js';
import { VoiceListQuery, type VoiceItem } from '../api/schemas/voices.js';
import { sniffMime } from '../core/magic.js';
import { FaultInjector, installFaults, sleep } from './faults.js';
import {
  TRANSLATION_LANGUAGES,
  seedGroups,
  seedLooks,
  seedVoices,
  userMeAnswer,
  type Ownership,
  type SeedGroup,
  type SeedLook,
  type SeedVoice,
} from './heygen-v3-data.js';
import { receiveFilePart, type RecordedUpload } from './uploads.js';

export interface HeygenV3SandboxOptions {
  /** The only key accepted, as `X-Api-Key: <key>` or `Authorization: Bearer <key>`. */
  apiKey: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added to every answer. */
  latencyMs?: number;
  /**
   * When set, a job is pending for stageMs, then in progress for stageMs, then terminal.
   * When unset, each status GET moves it on: 1st pending, 2nd in progress, 3rd and later terminal.
   */
  stageMs?: number;
  logger?: boolean;
  /** Keep every request in `requests` (default true); a long benchmark turns it off to bound memory. */
  record?: boolean;
}

export type { RecordedUpload } from './uploads.js';

export interface RecordedRequest {
  method: string;
  /** pathname + search, as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or null (no body, multipart, or a body that did not parse). */
  body: unknown;
  upload?: RecordedUpload;
}

export interface HeygenV3Sandbox {
  url: string;
  /** Every request received, in order (also those answered by a fault or a 401). */
  requests: RecordedRequest[];
  faults: FaultInjector;
  /** Clears requests, faults, jobs, assets and created avatars. */
  reset(): void;
  close(): Promise<void>;
}

/** POST /v3/assets cap: "Maximum file size: 32 MB" (32 MiB; one byte more is refused). */
export const MAX_ASSET_BYTES = 32 * 1024 * 1024;
/** The in-progress word reported instead of `processing`/`running` for `[unknown-status]` jobs. */
export const UNKNOWN_STATUS_WORD = 'rendering';
export const FAIL_MARKER = '[fail]';
export const UNKNOWN_STATUS_MARKER = '[unknown-status]';

const FILES = 'https://files.heygen.ai';
const APP = 'https://app.heygen.com';
/** JSON bodies may carry base64 files (avatar training, image-to-video). */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// state

type Stage = 'queued' | 'working' | 'done';

interface JobClock {
  createdMs: number;
  /** Status GETs answered so far (the per-poll clock). */
  polls: number;
  /** When the job was first seen terminal. */
  finishedMs?: number;
}

interface VideoJob extends JobClock {
  id: string;
  title: string | null;
  folderId: string | null;
  script: string | null;
  outputFormat: 'mp4' | 'webm';
  fail: boolean;
  unknownWord: boolean;
}

interface TranslationJob extends JobClock {
  id: string;
  title: string | null;
  outputLanguage: string;
  inputLanguage: string;
  translateAudioOnly: boolean;
  callbackId: string | null;
  fail: boolean;
  unknownWord: boolean;
}

interface StoredAsset {
  id: string;
  mime: string;
}

class SandboxState {
  videos = new Map<string, VideoJob>();
  translations = new Map<string, TranslationJob>();
  assets = new Map<string, StoredAsset>();
  groups: SeedGroup[] = seedGroups();
  looks: SeedLook[] = seedLooks();
  voices: SeedVoice[] = seedVoices();

  reset(): void {
    this.videos.clear();
    this.translations.clear();
    this.assets.clear();
    this.groups = seedGroups();
    this.looks = seedLooks();
    this.voices = seedVoices();
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const unix = (ms: number): number => Math.floor(ms / 1000);

const apiError = (code: ErrorCode, message: string, param: string | null = null): GatewayError =>
  new GatewayError(code, message, { param });

function stageOf(clock: JobClock, stageMs: number | undefined, now: number): Stage {
  if (stageMs !== undefined) {
    const t = now - clock.createdMs;
    return t < stageMs ? 'queued' : t < 2 * stageMs ? 'working' : 'done';
  }
  return clock.polls <= 1 ? 'queued' : clock.polls === 2 ? 'working' : 'done';
}

function finishedAt(clock: JobClock, stageMs: number | undefined, now: number): number {
  clock.finishedMs ??= stageMs !== undefined ? clock.createdMs + 2 * stageMs : now;
  return clock.finishedMs;
}

/** Spoken length of a script at ~2.5 words per second, at least one second. */
export function scriptDuration(script: string | null): number {
  if (!script) return 12.5; // audio-driven videos: the simulator does not read the audio
  const words = script.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round((words / 2.5) * 10) / 10);
}

const hasMarker = (marker: string, ...texts: Array<string | null | undefined>): boolean =>
  texts.some((t) => typeof t === 'string' && t.includes(marker));

// Same AJV settings as the gateway's body validator, except that defaults are never filled in:
// the recorded body must stay exactly what the client sent.
const ajv = new Ajv({ allErrors: false, useDefaults: false, removeAdditional: false, coerceTypes: false, discriminator: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** `/voice_settings/speed` -> `voice_settings.speed`; `/output_languages/0` -> `output_languages[0]`. */
function toParam(instancePath: string, extra?: unknown): string | null {
  const segs = instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (typeof extra === 'string') segs.push(extra);
  if (segs.length === 0) return null;
  return segs.reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function paramOf(e: ErrorObject): string | null {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return toParam(e.instancePath, p.missingProperty);
  if (e.keyword === 'additionalProperties') return toParam(e.instancePath, p.additionalProperty);
  if (e.keyword === 'discriminator') return toParam(e.instancePath, p.tag);
  return toParam(e.instancePath);
}

function validate(schema: TSchema, value: unknown): void {
  let check = compiled.get(schema);
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(schema, check);
  }
  if (check(value)) return;
  const first = check.errors?.[0];
  const param = first ? paramOf(first) : null;
  const what =
    first?.keyword === 'required'
      ? 'is required'
      : first?.keyword === 'additionalProperties'
        ? 'is not a recognized field'
        : (first?.message ?? 'is invalid');
  throw apiError('invalid_parameter', `'${param ?? 'body'}' ${what}.`, param);
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw apiError('invalid_parameter', 'Request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The `type` value a branch of a tagged union accepts (`const` or a one-value `enum`). */
function tagOf(branch: TSchema): string | undefined {
  const t = (branch as { properties?: { type?: { const?: unknown; enum?: unknown[] } } }).properties?.type;
  const v = t?.const ?? (t?.enum?.length === 1 ? t.enum[0] : undefined);
  return typeof v === 'string' ? v : undefined;
}

/**
 * Picks the branch of a `type`-tagged union (oneOf + discriminator or anyOf) that the body names,
 * so validation errors speak about that branch only.
 */
function branchOf(union: TSchema, body: Record<string, unknown>): TSchema {
  const u = union as { oneOf?: TSchema[]; anyOf?: TSchema[] };
  const branches = u.oneOf ?? u.anyOf ?? [union];
  const hit = branches.find((b) => tagOf(b) === body.type);
  if (!hit) {
    const allowed = branches.map((b) => `'${tagOf(b) ?? '?'}'`).join(', ');
    throw apiError('invalid_parameter', `'type' must be one of ${allowed}.`, 'type');
  }
  return hit;
}

type Query = Record<string, string | string[] | undefined>;

function queryString(query: Query, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) throw apiError('invalid_parameter', `'${name}' may be given once.`, name);
  return v === undefined || v === '' ? undefined : v;
}

function queryEnum<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = queryString(query, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw apiError('invalid_parameter', `'${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}.`, name);
  }
  return v as T;
}

/** `limit` with the default and maximum the route's schema documents. */
function queryLimit(query: Query, schema: { properties: { limit: { default?: unknown; maximum?: number } } }): number {
  const def = Number(schema.properties.limit.default);
  const max = schema.properties.limit.maximum ?? 100;
  const raw = queryString(query, 'limit');
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > max) {
    throw apiError('invalid_parameter', `'limit' must be between 1 and ${max}.`, 'limit');
  }
  return n;
}

interface Cursor {
  last_id: string;
  offset: number;
}

interface Page<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}

/**
 * Cursor pagination with opaque base64url tokens (`{"last_id":..}` like the docs' example tokens).
 * The offset rides along so a page still continues when its last item was deleted meanwhile.
 */
function paginate<T>(items: readonly T[], idOf: (t: T) => string, limit: number, token: string | undefined): Page<T> {
  let start = 0;
  if (token !== undefined) {
    let cursor: Partial<Cursor>;
    try {
      cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    } catch {
      throw apiError('invalid_parameter', 'Invalid pagination token.', 'token');
    }
    if (typeof cursor?.last_id !== 'string' || typeof cursor.offset !== 'number') {
      throw apiError('invalid_parameter', 'Invalid pagination token.', 'token');
    }
    const lastId = cursor.last_id;
    const at = items.findIndex((t) => idOf(t) === lastId);
    start = at >= 0 ? at + 1 : Math.max(0, cursor.offset);
  }
  const data = items.slice(start, start + limit);
  const hasMore = start + limit < items.length;
  const last = data[data.length - 1];
  const next: Cursor | null = hasMore && last !== undefined ? { last_id: idOf(last), offset: start + data.length } : null;
  return {
    data,
    has_more: hasMore,
    next_token: next ? Buffer.from(JSON.stringify(next), 'utf8').toString('base64url') : null,
  };
}


// ---------------------------------------------------------------------------------------------
// server

export async function startHeygenV3Sandbox(opts: HeygenV3SandboxOptions): Promise<HeygenV3Sandbox> {
  const state = new SandboxState();
  const requests: RecordedRequest[] = [];
  const faults = new FaultInjector();
  const recordOf = new WeakMap<FastifyRequest['raw'], RecordedRequest>();
  const stageMs = opts.stageMs;

  const app: FastifyInstance = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: JSON_BODY_LIMIT,
    // tests close the sandbox while requests may still sit in a fault delay
    forceCloseConnections: true,
  });

  // An empty body with a JSON content type is "no body" (some clients send the header on DELETE).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (text.trim() === '') return done(null, null);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(apiError('invalid_parameter', 'Request body is not valid JSON.'), undefined);
    }
  });
  await app.register(multipart, { limits: { fileSize: MAX_ASSET_BYTES } });

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
    if (!authorized(request, opts.apiKey)) {
      throw apiError('unauthorized', 'Invalid or expired API key. Verify your x-api-key header.');
    }
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof GatewayError) {
      if (err.retryAfter !== undefined) reply.header('retry-after', String(err.retryAfter));
      return reply.code(err.status).send(err.toEnvelope());
    }
    const { statusCode, message } = err as { statusCode?: unknown; message?: unknown };
    const status = typeof statusCode === 'number' ? statusCode : 500;
    const mapped =
      status === 413
        ? apiError('payload_too_large', 'The request body is too large.')
        : status === 415
          ? apiError('unsupported_media_type', 'Unsupported Content-Type.')
          : status >= 400 && status < 500
            ? apiError('invalid_parameter', typeof message === 'string' ? message : 'Bad request.')
            : apiError('internal_error', 'Internal server error.');
    if (mapped.status >= 500) request.log.error({ err }, 'sandbox handler failed');
    return reply.code(mapped.status).send(mapped.toEnvelope());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = apiError('resource_not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]}.`);
    return reply.code(404).send(e.toEnvelope());
  });

  registerVideoRoutes(app, state, stageMs);
  registerTranslationRoutes(app, state, stageMs);
  registerAssetRoutes(app, state, recordOf);
  registerAvatarRoutes(app, state);
  registerVoiceRoutes(app, state);
  app.get('/v3/users/me', async () => userMeAnswer());

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address() as AddressInfo;
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    requests,
    faults,
    reset() {
      requests.length = 0;
      faults.clear();
      state.reset();
    },
    close: () => app.close(),
  };
}

function authorized(request: FastifyRequest, apiKey: string): boolean {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header === apiKey) return true;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m && m[1] === apiKey) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// videos

function videoDetail(job: VideoJob, stageMs: number | undefined, now: number): Omit<VideoDetail, 'status'> & { status: string } {
  const stage = stageOf(job, stageMs, now);
  const done = stage === 'done';
  const ok = done && !job.fail;
  let status: VideoStatus | typeof UNKNOWN_STATUS_WORD;
  if (stage === 'queued') status = 'pending';
  else if (stage === 'working') status = job.unknownWord ? UNKNOWN_STATUS_WORD : 'processing';
  else status = job.fail ? 'failed' : 'completed';
  return {
    id: job.id,
    title: job.title,
    status,
    created_at: unix(job.createdMs),
    completed_at: done ? unix(finishedAt(job, stageMs, now)) : null,
    video_url: ok ? `${FILES}/video/${job.id}.${job.outputFormat}` : null,
    thumbnail_url: ok ? `${FILES}/thumb/${job.id}.jpg` : null,
    gif_url: ok ? `${FILES}/gif/${job.id}.gif` : null,
    captioned_video_url: null,
    subtitle_url: ok ? `${FILES}/srt/${job.id}.srt` : null,
    duration: ok ? scriptDuration(job.script) : null,
    folder_id: job.folderId,
    output_language: null,
    failure_code: done && job.fail ? 'tts_text_invalid' : null,
    failure_message: done && job.fail ? 'The script contains text that cannot be converted to speech.' : null,
    video_page_url: `${APP}/video/${job.id}`,
  };
}

function checkAsset(state: SandboxState, assetId: string | null | undefined, param: string): void {
  if (assetId && !state.assets.has(assetId)) {
    throw apiError('asset_not_found', `Asset '${assetId}' was not found.`, param);
  }
}

function checkVideoCreate(state: SandboxState, body: VideoCreate): void {
  const hasAudio = Boolean(body.audio_url || body.audio_asset_id);
  if (body.audio_url && body.audio_asset_id) {
    throw apiError('invalid_parameter', 'Provide either audio_url or audio_asset_id, not both.', 'audio_asset_id');
  }
  if (body.script && hasAudio) {
    throw apiError('invalid_parameter', 'script is mutually exclusive with audio_url/audio_asset_id.', body.audio_url ? 'audio_url' : 'audio_asset_id');
  }
  if (!body.script && !hasAudio) {
    throw apiError('invalid_parameter', 'Provide a script (with voice_id) or audio_url/audio_asset_id.', 'script');
  }
  if (body.script && !body.voice_id) {
    throw apiError('invalid_parameter', 'voice_id is required when script is provided.', 'voice_id');
  }
  if (body.type === 'avatar') {
    const look = state.looks.find((l) => l.item.id === body.avatar_id);
    if (!look) throw apiError('avatar_not_found', `Avatar '${body.avatar_id}' was not found.`, 'avatar_id');
    if (body.engine?.type === 'avatar_v') {
      if (!(look.item.supported_api_engines ?? []).includes('avatar_v')) {
        throw apiError('invalid_parameter', `Avatar '${body.avatar_id}' does not support the avatar_v engine.`, 'engine');
      }
      if (body.expressiveness) {
        throw apiError('invalid_parameter', 'expressiveness is only supported by the avatar_iv engine.', 'expressiveness');
      }
    }
  } else {
    if (body.image.type === 'asset_id') checkAsset(state, body.image.asset_id, 'image.asset_id');
  }
  if (body.voice_id && !state.voices.some((v) => v.item.voice_id === body.voice_id)) {
    throw apiError('voice_not_found', `Voice '${body.voice_id}' was not found.`, 'voice_id');
  }
  checkAsset(state, body.audio_asset_id, 'audio_asset_id');
  checkAsset(state, body.background?.asset_id, 'background.asset_id');
}

function registerVideoRoutes(app: FastifyInstance, state: SandboxState, stageMs: number | undefined): void {
  app.post('/v3/videos', async (request) => {
    // folder_id is not in v3's create schema, but VideoDetail carries it: accept and echo it
    const { folder_id: folder, ...raw } = requireObject(request.body);
    if (folder !== undefined && folder !== null && typeof folder !== 'string') {
      throw apiError('invalid_parameter', "'folder_id' must be string.", 'folder_id');
    }
    validate(branchOf(VideoCreate, raw), raw);
    const body = raw as VideoCreate;
    checkVideoCreate(state, body);
    const job: VideoJob = {
      id: hex(16),
      createdMs: Date.now(),
      polls: 0,
      title: body.title ?? null,
      folderId: typeof folder === 'string' ? folder : null,
      script: body.script ?? null,
      outputFormat: body.output_format ?? 'mp4',
      fail: hasMarker(FAIL_MARKER, body.title, body.script),
      unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, body.title, body.script),
    };
    state.videos.set(job.id, job);
    return { data: { video_id: job.id, status: 'pending' } };
  });

  app.get<{ Querystring: Query }>('/v3/videos', async (request) => {
    const limit = queryLimit(request.query, VideoListQuery);
    const folderId = queryString(request.query, 'folder_id');
    const title = queryString(request.query, 'title')?.toLowerCase();
    const jobs = [...state.videos.values()]
      .reverse() // newest first
      .filter((j) => (folderId === undefined || j.folderId === folderId) && (title === undefined || (j.title ?? '').toLowerCase().includes(title)));
    const page = paginate(jobs, (j) => j.id, limit, queryString(request.query, 'token'));
    const now = Date.now();
    return { ...page, data: page.data.map((j) => videoDetail(j, stageMs, now)) };
  });

  app.get<{ Params: { video_id: string } }>('/v3/videos/:video_id', async (request) => {
    const job = state.videos.get(request.params.video_id);
    if (!job) throw apiError('video_not_found', 'Video not found.');
    job.polls += 1;
    return { data: videoDetail(job, stageMs, Date.now()) };
  });

  app.delete<{ Params: { video_id: string } }>('/v3/videos/:video_id', async (request) => {
    const id = request.params.video_id;
    if (!state.videos.delete(id)) throw apiError('video_not_found', 'Video not found.');
    return { data: { id, deleted: true } };
  });
}

// ---------------------------------------------------------------------------------------------
// video translations

function translationDetail(job: TranslationJob, stageMs: number | undefined, now: number): Omit<TranslationDetail, 'status'> & { status: string } {
  const stage = stageOf(job, stageMs, now);
  const ok = stage === 'done' && !job.fail;
  let status: TranslationStatus | typeof UNKNOWN_STATUS_WORD;
  if (stage === 'queued') status = 'pending';
  else if (stage === 'working') status = job.unknownWord ? UNKNOWN_STATUS_WORD : 'running';
  else status = job.fail ? 'failed' : 'completed';
  if (stage === 'done') finishedAt(job, stageMs, now);
  return {
    id: job.id,
    title: job.title,
    status,
    output_language: job.outputLanguage,
    input_language: job.inputLanguage,
    duration: ok ? 42.5 : null, // the simulator never sees the source video; any plausible length will do
    translate_audio_only: job.translateAudioOnly,
    video_url: ok ? `${FILES}/video_translate/${job.id}.mp4` : null,
    audio_url: ok ? `${FILES}/video_translate/${job.id}.mp3` : null,
    callback_id: job.callbackId,
    created_at: unix(job.createdMs),
    failure_message: stage === 'done' && job.fail ? 'No speech was detected in the source video.' : null,
  };
}

function registerTranslationRoutes(app: FastifyInstance, state: SandboxState, stageMs: number | undefined): void {
  app.post('/v3/video-translations', async (request) => {
    const raw = requireObject(request.body);
    validate(TranslationCreate, raw);
    const parsed = raw as TranslationCreate;
    if (parsed.video.type === 'asset_id') checkAsset(state, parsed.video.asset_id, 'video.asset_id');
    if (parsed.audio?.type === 'asset_id') checkAsset(state, parsed.audio.asset_id, 'audio.asset_id');
    if (parsed.srt?.type === 'asset_id') checkAsset(state, parsed.srt.asset_id, 'srt.asset_id');
    const createdMs = Date.now();
    const ids = parsed.output_languages.map((language) => {
      const job: TranslationJob = {
        id: hex(16),
        createdMs,
        polls: 0,
        title: parsed.title ?? null,
        outputLanguage: language,
        inputLanguage: parsed.input_language ?? 'English',
        translateAudioOnly: parsed.translate_audio_only ?? false,
        callbackId: parsed.callback_id ?? null,
        fail: hasMarker(FAIL_MARKER, parsed.title),
        unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, parsed.title),
      };
      state.translations.set(job.id, job);
      return job.id;
    });
    return { data: { video_translation_ids: ids } };
  });

  // static path: registered alongside /:video_translation_id, find-my-way prefers the static one
  app.get('/v3/video-translations/languages', async () => ({ data: { languages: [...TRANSLATION_LANGUAGES] } }));

  app.get<{ Querystring: Query }>('/v3/video-translations', async (request) => {
    const limit = queryLimit(request.query, TranslationListQuery);
    const jobs = [...state.translations.values()].reverse();
    const page = paginate(jobs, (j) => j.id, limit, queryString(request.query, 'token'));
    const now = Date.now();
    return { ...page, data: page.data.map((j) => translationDetail(j, stageMs, now)) };
  });

  app.get<{ Params: { video_translation_id: string } }>('/v3/video-translations/:video_translation_id', async (request) => {
    const job = state.translations.get(request.params.video_translation_id);
    if (!job) throw apiError('video_not_found', 'Video translation not found.');
    job.polls += 1;
    return { data: translationDetail(job, stageMs, Date.now()) };
  });

  app.delete<{ Params: { video_translation_id: string } }>('/v3/video-translations/:video_translation_id', async (request) => {
    const id = request.params.video_translation_id;
    if (!state.translations.delete(id)) throw apiError('video_not_found', 'Video translation not found.');
    return { data: { id } };
  });
}

// ---------------------------------------------------------------------------------------------
// assets

function registerAssetRoutes(app: FastifyInstance, state: SandboxState, recordOf: WeakMap<FastifyRequest['raw'], RecordedRequest>): void {
  const fileRequired = (): GatewayError =>
    apiError('invalid_parameter', 'File is required. Upload a file using multipart/form-data.', 'file');

  app.post('/v3/assets', async (request) => {
    if (!request.isMultipart()) throw fileRequired();
    const { upload, head, tooLarge } = await receiveFilePart(request);
    if (tooLarge) {
      throw apiError('payload_too_large', `File exceeds the ${MAX_ASSET_BYTES / (1024 * 1024)} MB limit. Use direct upload for larger files.`, 'file');
    }
    if (!upload) throw fileRequired();
    const rec = recordOf.get(request.raw);
    if (rec) rec.upload = upload;
    // the gateway's own detector: both sides agree on which bytes are which file type
    const kind = sniffMime(head);
    if (!kind) {
      throw apiError('invalid_parameter', 'Unsupported file type. Supported: png, jpeg, mp4, webm, mp3, wav, pdf.', 'file');
    }
    const id = `asset_${hex(8)}`;
    state.assets.set(id, { id, mime: kind.mime });
    const data: AssetUploaded = {
      asset_id: id,
      url: `${FILES}/assets/${id}.${kind.ext}`,
      mime_type: kind.mime,
      size_bytes: upload.bytes,
    };
    return { data };
  });
}

// ---------------------------------------------------------------------------------------------
// avatars

const OWNERSHIPS: readonly Ownership[] = ['public', 'private'];
const LOOK_TYPES = ['studio_avatar', 'digital_twin', 'video_avatar', 'photo_avatar'] as const;

/** Groups carry their live look count (created looks add to it). */
function groupView(state: SandboxState, g: SeedGroup): AvatarGroupItem {
  return { ...g.item, looks_count: state.looks.filter((l) => l.item.group_id === g.item.id).length };
}

/** What each creation type produces. The docs' own prompt example answers `studio_avatar`. */
const CREATED_LOOK_TYPE: Record<AvatarCreate['type'], AvatarLookItem['avatar_type']> = {
  photo: 'photo_avatar',
  digital_twin: 'digital_twin',
  video: 'digital_twin',
  prompt: 'studio_avatar',
};

function registerAvatarRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get<{ Querystring: Query }>('/v3/avatars', async (request) => {
    const limit = queryLimit(request.query, AvatarGroupListQuery);
    const ownership = queryEnum(request.query, 'ownership', OWNERSHIPS);
    const groups = state.groups.filter((g) => ownership === undefined || g.ownership === ownership);
    const page = paginate(groups, (g) => g.item.id, limit, queryString(request.query, 'token'));
    return { ...page, data: page.data.map((g) => groupView(state, g)) };
  });

  app.get<{ Querystring: Query }>('/v3/avatars/looks', async (request) => {
    const limit = queryLimit(request.query, AvatarLookListQuery);
    const ownership = queryEnum(request.query, 'ownership', OWNERSHIPS);
    const type = queryEnum(request.query, 'avatar_type', LOOK_TYPES);
    // the OpenAPI file calls digital twins video_avatar; the docs (newer) say digital_twin
    const wanted = type === 'video_avatar' ? 'digital_twin' : type;
    const groupId = queryString(request.query, 'group_id');
    const looks = state.looks.filter(
      (l) =>
        (ownership === undefined || l.ownership === ownership) &&
        (wanted === undefined || l.item.avatar_type === wanted) &&
        (groupId === undefined || l.item.group_id === groupId),
    );
    const page = paginate(looks, (l) => l.item.id, limit, queryString(request.query, 'token'));
    return { ...page, data: page.data.map((l) => l.item) };
  });

  app.get<{ Params: { look_id: string } }>('/v3/avatars/looks/:look_id', async (request) => {
    const look = state.looks.find((l) => l.item.id === request.params.look_id);
    if (!look) throw apiError('avatar_not_found', 'Avatar look not found.');
    return { data: look.item };
  });

  app.get<{ Params: { group_id: string } }>('/v3/avatars/:group_id', async (request) => {
    const group = state.groups.find((g) => g.item.id === request.params.group_id);
    if (!group) throw apiError('avatar_not_found', 'Avatar group not found.');
    return { data: groupView(state, group) };
  });

  app.post('/v3/avatars', async (request) => {
    const raw = requireObject(request.body);
    validate(branchOf(AvatarCreate, raw), raw);
    const body = raw as AvatarCreate;
    if (body.type === 'prompt') {
      for (const [i, ref] of (body.reference_images ?? []).entries()) {
        if (ref.type === 'asset_id') checkAsset(state, ref.asset_id, `reference_images[${i}].asset_id`);
      }
    } else if (body.file.type === 'asset_id') {
      checkAsset(state, body.file.asset_id, 'file.asset_id');
    }

    let group: SeedGroup | undefined;
    if (body.avatar_group_id) {
      group = state.groups.find((g) => g.item.id === body.avatar_group_id);
      if (!group) throw apiError('avatar_not_found', `Avatar group '${body.avatar_group_id}' was not found.`, 'avatar_group_id');
    }
    if (body.type === 'prompt' && body.avatar_id) {
      const ref = state.looks.find((l) => l.item.id === body.avatar_id);
      if (!ref) throw apiError('avatar_not_found', `Avatar '${body.avatar_id}' was not found.`, 'avatar_id');
      if (group && ref.item.group_id !== group.item.id) {
        throw apiError('invalid_parameter', `Avatar '${body.avatar_id}' does not belong to group '${group.item.id}'.`, 'avatar_group_id');
      }
      // a new look for an existing avatar is saved to that avatar's group
      group ??= state.groups.find((g) => g.item.id === ref.item.group_id);
    }
    const now = unix(Date.now());
    if (!group) {
      const key = hex(6);
      group = {
        ownership: 'private',
        item: {
          id: `group_${key}`,
          name: body.name,
          gender: null,
          preview_image_url: `${FILES}/avatar/preview_${key}.jpg`,
          preview_video_url: null,
          looks_count: 0,
          default_voice_id: null,
          consent_status: null,
          status: 'completed',
          created_at: now,
        },
      };
      state.groups.push(group);
    }
    const key = hex(6);
    const look: SeedLook = {
      ownership: 'private',
      item: {
        id: `look_${key}`,
        name: body.name,
        avatar_type: CREATED_LOOK_TYPE[body.type],
        group_id: group.item.id,
        gender: group.item.gender ?? null,
        preview_image_url: `${FILES}/look/preview_${key}.jpg`,
        preview_video_url: null,
        default_voice_id: group.item.default_voice_id ?? null,
        tags: [],
        supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
        status: 'completed',
      },
    };
    state.looks.push(look);
    const data: AvatarCreated = { avatar_item: look.item, avatar_group: groupView(state, group) };
    return { data };
  });
}

// ---------------------------------------------------------------------------------------------
// voices

function registerVoiceRoutes(app: FastifyInstance, state: SandboxState): void {
  const same = (a: string, b: string | undefined): boolean => b === undefined || a.toLowerCase() === b.toLowerCase();

  app.get<{ Querystring: Query }>('/v3/voices', async (request) => {
    const limit = queryLimit(request.query, VoiceListQuery);
    const type = queryEnum(request.query, 'type', OWNERSHIPS) ?? 'public';
    const engine = queryString(request.query, 'engine');
    const language = queryString(request.query, 'language');
    const gender = queryString(request.query, 'gender');
    const voices = state.voices.filter(
      (v) =>
        v.item.type === type &&
        (engine === undefined || v.engines.includes(engine)) &&
        same(v.item.language, language) &&
        same(v.item.gender, gender),
    );
    const page = paginate(voices, (v) => v.item.voice_id, limit, queryString(request.query, 'token'));
    const data: VoiceItem[] = page.data.map((v) => v.item);
    return { ...page, data };
  });

  app.get<{ Params: { voice_id: string } }>('/v3/voices/:voice_id', async (request) => {
    const voice = state.voices.find((v) => v.item.voice_id === request.params.voice_id);
    if (!voice) throw apiError('voice_not_found', 'Voice not found.');
    return { data: voice.item };
  });
}
