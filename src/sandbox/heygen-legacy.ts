/**
 * A loopback simulator of HeyGen's legacy API, v2 and v1 paths on one server (they share one
 * account and one status endpoint), plus the separate upload origin of `POST /v1/asset`.
 * It speaks the legacy envelopes exactly: `{"code":100,"data",...,"message":"Success"}` on v1
 * paths, `{"error":null,"data"}` on v2 paths; errors are `{"code":<number>,"message"}` (v1) and
 * `{"data":null,"error":{"code","message"}}` (v2). Jobs walk the legacy status words:
 * videos pending -> waiting -> processing -> completed | failed (with v1's error object),
 * translations pending -> running -> success | failed.
 *
 * Test hooks in the data itself: `[fail]` in a video's title or any scene's text, or in a
 * translation's title, makes the job fail; `[unknown-status]` makes the in-progress word
 * `rendering`, a word the legacy API does not document.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import { V2GenerateBody } from '../api/schemas/legacy.js';
import { SNIFF_BYTES, sniffMime } from '../core/magic.js';
import { FaultInjector, installFaults, sleep } from './faults.js';
import {
  LEGACY_USER,
  REMAINING_QUOTA,
  TARGET_LANGUAGES,
  TRANSLATE_FAILURE_MESSAGE,
  VIDEO_TOO_LONG,
  seedAvatars,
  seedTalkingPhotos,
  seedVoices,
  type LegacyAvatar,
  type LegacyTalkingPhoto,
  type LegacyVoice,
} from './heygen-legacy-data.js';

export interface HeygenLegacySandboxOptions {
  /** The only key accepted, as `X-Api-Key: <key>` (the legacy API knows no Bearer auth). */
  apiKey: string;
  host?: string;
  /** 0 (default) picks a free port; the upload origin always takes a free port. */
  port?: number;
  /** Added to every answer. */
  latencyMs?: number;
  /**
   * When set, each in-progress word lasts stageMs. When unset, each status GET moves a job on:
   * videos pending, waiting, processing, then terminal; translations pending, running, terminal.
   */
  stageMs?: number;
  logger?: boolean;
  /** Keep every request in `requests` (default true). */
  record?: boolean;
}

export interface LegacyRecordedUpload {
  /** The raw body's Content-Type as the client sent it. */
  contentType: string;
  bytes: number;
  /** Hex SHA-256 of the bytes received. */
  sha256: string;
}

export interface LegacyRecordedRequest {
  /** Which origin received it: the API (base_url) or the upload origin (upload_url). */
  server: 'api' | 'upload';
  method: string;
  /** pathname + search, as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or null (no body, a raw upload, or a body that did not parse). */
  body: unknown;
  upload?: LegacyRecordedUpload;
}

export interface HeygenLegacySandbox {
  /** The API origin: an account's `base_url`. */
  url: string;
  /** The upload origin: an account's `upload_url`. */
  uploadUrl: string;
  /** Every request received by either origin, in order (also those answered by a fault or a 401). */
  requests: LegacyRecordedRequest[];
  /** Armed faults apply to both origins (their paths do not overlap). */
  faults: FaultInjector;
  /** Clears requests, faults, jobs and assets. */
  reset(): void;
  close(): Promise<void>;
}

export const FAIL_MARKER = '[fail]';
export const UNKNOWN_STATUS_MARKER = '[unknown-status]';
/** The in-progress word reported for `[unknown-status]` jobs. */
export const UNKNOWN_STATUS_WORD = 'rendering';
/** The v1 code of a request the legacy API refuses as invalid (DESIGN.md's legacy error example). */
export const V1_INVALID = 400599;
/** Upload cap of the simulated upload origin. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;
export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'video/mp4', 'video/webm', 'audio/mpeg'] as const;

const FILES = 'https://files2.heygen.ai';
const RESOURCE = 'https://resource2.heygen.ai';

// ---------------------------------------------------------------------------------------------
// errors in the legacy shapes

/** An answer in the legacy error shape of the path it is raised on (v1 numeric, v2 string codes). */
class LegacyError extends Error {
  constructor(
    readonly status: number,
    readonly v2Code: string,
    message: string,
    readonly v1Code: number = status === 400 ? V1_INVALID : status,
  ) {
    super(message);
  }
}

const invalid = (message: string): LegacyError => new LegacyError(400, 'invalid_parameter', message);
const notFound = (code: string, message: string): LegacyError => new LegacyError(404, code, message);

/** v2 paths answer `{error:{code,message}}`; every other path (v1, upload) answers `{code,message}`. */
function errorBody(path: string, e: LegacyError): unknown {
  return path.startsWith('/v2/') ? { data: null, error: { code: e.v2Code, message: e.message } } : { code: e.v1Code, message: e.message };
}

const v1Ok = (data: unknown) => ({ code: 100, data, message: 'Success' });
const v2Ok = (data: unknown) => ({ error: null, data });

// ---------------------------------------------------------------------------------------------
// state

interface JobClock {
  createdMs: number;
  polls: number;
}

interface VideoJob extends JobClock {
  id: string;
  callbackId: string | null;
  caption: boolean;
  words: number;
  fail: boolean;
  unknownWord: boolean;
}

interface TranslateJob extends JobClock {
  id: string;
  title: string | null;
  outputLanguage: string;
  callbackId: string | null;
  fail: boolean;
  unknownWord: boolean;
}

class LegacyState {
  videos = new Map<string, VideoJob>();
  translations = new Map<string, TranslateJob>();
  assets = new Set<string>();
  avatars: LegacyAvatar[] = seedAvatars();
  talkingPhotos: LegacyTalkingPhoto[] = seedTalkingPhotos();
  voices: LegacyVoice[] = seedVoices();

  reset(): void {
    this.videos.clear();
    this.translations.clear();
    this.assets.clear();
  }
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const hasMarker = (marker: string, texts: Array<string | null | undefined>): boolean => texts.some((t) => typeof t === 'string' && t.includes(marker));

/** 0-based stage: the number of in-progress words passed (per poll, or per stageMs of age). */
function stageOf(clock: JobClock, stageMs: number | undefined, now: number): number {
  if (stageMs !== undefined) return Math.floor((now - clock.createdMs) / stageMs);
  return clock.polls - 1;
}

// ---------------------------------------------------------------------------------------------
// request validation

const ajv = new Ajv({ allErrors: false, useDefaults: false, removeAdditional: false, coerceTypes: false, discriminator: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function validate<T extends TSchema>(schema: T, value: unknown): Static<T> {
  let check = compiled.get(schema);
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(schema, check);
  }
  if (check(value)) return value as Static<T>;
  const e = check.errors?.[0];
  const p = (e?.params ?? {}) as Record<string, unknown>;
  const extra = p.missingProperty ?? p.additionalProperty;
  const where = `${e?.instancePath ?? ''}${typeof extra === 'string' ? `/${extra}` : ''}`.replace(/^\//, '').replace(/\//g, '.') || 'body';
  const what = e?.keyword === 'required' ? 'is required' : e?.keyword === 'additionalProperties' ? 'is not a recognized field' : (e?.message ?? 'is invalid');
  throw invalid(`'${where}' ${what}.`);
}

/** `POST /v1/video.generate` (DESIGN.md, "v1 generate"). */
const V1Clip = Type.Object(
  {
    avatar_id: Type.Optional(Type.String({ minLength: 1 })),
    avatar_style: Type.Optional(Type.String()),
    talking_photo_id: Type.Optional(Type.String({ minLength: 1 })),
    input_text: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    voice_id: Type.Optional(Type.String({ minLength: 1 })),
    input_audio: Type.Optional(Type.String({ minLength: 1 })),
    scale: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    offset: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
const V1GenerateBody = Type.Object(
  {
    background: Type.Optional(Type.String({ maxLength: 32 })),
    ratio: Type.Optional(Type.Union([Type.Literal('16:9'), Type.Literal('9:16'), Type.Literal('1:1')])),
    test: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.Literal('v1alpha')),
    caption_open: Type.Optional(Type.Boolean()),
    callback_id: Type.Optional(Type.String()),
    clips: Type.Array(V1Clip, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

/** `POST /v2/video_translate` (DESIGN.md and the OpenAPI file's MCPVideoTranslateCreateRequest). */
const V2TranslateBody = Type.Object(
  {
    video_url: Type.String({ minLength: 1 }),
    output_language: Type.String({ minLength: 1 }),
    title: Type.Optional(Type.String()),
    audio_url: Type.Optional(Type.String()),
    input_language: Type.Optional(Type.String()),
    translate_audio_only: Type.Optional(Type.Boolean()),
    speaker_num: Type.Optional(Type.Integer({ minimum: 1 })),
    mode: Type.Optional(Type.Union([Type.Literal('speed'), Type.Literal('precision')])),
    callback_id: Type.Optional(Type.String()),
    enable_caption: Type.Optional(Type.Boolean()),
    keep_the_same_format: Type.Optional(Type.Boolean()),
    enable_dynamic_duration: Type.Optional(Type.Boolean()),
    disable_music_track: Type.Optional(Type.Boolean()),
    enable_speech_enhancement: Type.Optional(Type.Boolean()),
    enable_watermark: Type.Optional(Type.Boolean()),
    start_time: Type.Optional(Type.Number({ minimum: 0 })),
    end_time: Type.Optional(Type.Number({ minimum: 0 })),
    brand_voice_id: Type.Optional(Type.String()),
    srt_url: Type.Optional(Type.String()),
    srt_role: Type.Optional(Type.Union([Type.Literal('input'), Type.Literal('output')])),
    fps_mode: Type.Optional(Type.String()),
    folder_id: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------
// servers

export async function startHeygenLegacySandbox(opts: HeygenLegacySandboxOptions): Promise<HeygenLegacySandbox> {
  const state = new LegacyState();
  const requests: LegacyRecordedRequest[] = [];
  const faults = new FaultInjector();
  const recordOf = new WeakMap<FastifyRequest['raw'], LegacyRecordedRequest>();

  const common = (app: FastifyInstance, server: LegacyRecordedRequest['server']): void => {
    // Hook order matters: record every request, add latency, (faults), then authenticate.
    app.addHook('onRequest', async (request) => {
      if (opts.record !== false) {
        const rec: LegacyRecordedRequest = { server, method: request.method, path: request.url, headers: { ...request.headers }, body: null };
        requests.push(rec);
        recordOf.set(request.raw, rec);
      }
      if (opts.latencyMs && opts.latencyMs > 0) await sleep(opts.latencyMs);
    });
    app.addHook('preHandler', async (request) => {
      const rec = recordOf.get(request.raw);
      if (rec && server === 'api' && request.body !== undefined) rec.body = request.body;
    });
    installFaults(app, faults);
    app.addHook('preHandler', async (request) => {
      if (request.headers['x-api-key'] !== opts.apiKey) {
        throw new LegacyError(401, 'authentication_failed', request.url.startsWith('/v2/') ? 'Invalid or expired API key. Verify your x-api-key header.' : 'Unauthorized', 401);
      }
    });
    app.setErrorHandler((err, request, reply) => {
      const path = request.url.split('?', 1)[0] ?? request.url;
      if (err instanceof LegacyError) return reply.code(err.status).send(errorBody(path, err));
      const statusCode = (err as { statusCode?: unknown }).statusCode;
      const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
      if (status >= 500) request.log.error({ err }, 'legacy sandbox handler failed');
      const e = new LegacyError(status, status === 413 ? 'payload_too_large' : status >= 500 ? 'internal_error' : 'invalid_parameter', status >= 500 ? 'Internal server error.' : 'Bad request.');
      return reply.code(status).send(errorBody(path, e));
    });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?', 1)[0] ?? request.url;
      return reply.code(404).send(errorBody(path, notFound('not_found', `No route for ${request.method} ${path}.`)));
    });
  };

  const api: FastifyInstance = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });
  api.removeContentTypeParser('application/json');
  api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (text.trim() === '') return done(null, null);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(invalid('Request body is not valid JSON.'), undefined);
    }
  });
  common(api, 'api');
  registerVideoRoutes(api, state, opts.stageMs);
  registerTranslateRoutes(api, state, opts.stageMs);
  registerListRoutes(api, state);

  const upload: FastifyInstance = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });
  // The body is the file itself: every content type reaches the handler as the raw stream.
  upload.removeAllContentTypeParsers();
  upload.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  common(upload, 'upload');
  registerUploadRoute(upload, state, recordOf);

  const host = opts.host ?? '127.0.0.1';
  await api.listen({ host, port: opts.port ?? 0 });
  try {
    await upload.listen({ host, port: 0 });
  } catch (err) {
    await api.close();
    throw err;
  }
  const urlOf = (app: FastifyInstance): string => {
    const addr = app.server.address() as AddressInfo;
    return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  };

  return {
    url: urlOf(api),
    uploadUrl: urlOf(upload),
    requests,
    faults,
    reset() {
      requests.length = 0;
      faults.clear();
      state.reset();
    },
    close: async () => {
      await Promise.all([api.close(), upload.close()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// videos

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('Request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function checkVoice(state: LegacyState, voiceId: string): void {
  if (!state.voices.some((v) => v.voice_id === voiceId)) throw notFound('voice_not_found', `Voice ${voiceId} not found.`);
}

function checkAvatar(state: LegacyState, avatarId: string): void {
  if (!state.avatars.some((a) => a.avatar_id === avatarId)) throw notFound('avatar_not_found', `Avatar ${avatarId} not found.`);
}

function checkTalkingPhoto(state: LegacyState, id: string): void {
  if (!state.talkingPhotos.some((p) => p.talking_photo_id === id)) throw notFound('avatar_not_found', `Talking photo ${id} not found.`);
}

function checkAsset(state: LegacyState, id: string | undefined): void {
  if (id !== undefined && !state.assets.has(id)) throw notFound('asset_not_found', `Asset ${id} not found.`);
}

const wordCount = (text: string): number => text.trim().split(/\s+/).filter(Boolean).length;

function newVideo(state: LegacyState, v: Omit<VideoJob, 'id' | 'createdMs' | 'polls'>): string {
  const id = hex(16);
  state.videos.set(id, { ...v, id, createdMs: Date.now(), polls: 0 });
  return id;
}

function registerVideoRoutes(app: FastifyInstance, state: LegacyState, stageMs: number | undefined): void {
  app.post('/v2/video/generate', async (request) => {
    const body = validate(V2GenerateBody, requireObject(request.body));
    const texts: string[] = [];
    for (const scene of body.video_inputs) {
      if (scene.character?.type === 'avatar') checkAvatar(state, scene.character.avatar_id);
      if (scene.character?.type === 'talking_photo') checkTalkingPhoto(state, scene.character.talking_photo_id);
      if (scene.voice.type === 'text') {
        checkVoice(state, scene.voice.voice_id);
        texts.push(scene.voice.input_text);
      }
      if (scene.voice.type === 'audio') {
        if (!scene.voice.audio_url && !scene.voice.audio_asset_id) throw invalid('Either audio_url or audio_asset_id must be provided.');
        checkAsset(state, scene.voice.audio_asset_id);
      }
      if (scene.background?.type === 'image') checkAsset(state, scene.background.image_asset_id);
      if (scene.background?.type === 'video') checkAsset(state, scene.background.video_asset_id);
    }
    const id = newVideo(state, {
      callbackId: body.callback_id ?? null,
      caption: body.caption ?? false,
      words: texts.reduce((n, t) => n + wordCount(t), 0),
      fail: hasMarker(FAIL_MARKER, [body.title, ...texts]),
      unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, [body.title, ...texts]),
    });
    return v2Ok({ video_id: id });
  });

  app.post('/v1/video.generate', async (request) => {
    const body = validate(V1GenerateBody, requireObject(request.body));
    const texts: string[] = [];
    for (const clip of body.clips) {
      if ((clip.avatar_id === undefined) === (clip.talking_photo_id === undefined)) throw invalid('A clip needs exactly one of avatar_id or talking_photo_id.');
      if (clip.avatar_id !== undefined) checkAvatar(state, clip.avatar_id);
      if (clip.talking_photo_id !== undefined) checkTalkingPhoto(state, clip.talking_photo_id);
      if ((clip.input_text === undefined) === (clip.input_audio === undefined)) throw invalid('A clip needs exactly one of input_text or input_audio.');
      if (clip.input_text !== undefined) {
        if (clip.voice_id === undefined) throw invalid("'voice_id' is required with input_text.");
        checkVoice(state, clip.voice_id);
        texts.push(clip.input_text);
      }
    }
    const id = newVideo(state, {
      callbackId: body.callback_id ?? null,
      caption: body.caption_open ?? false,
      words: texts.reduce((n, t) => n + wordCount(t), 0),
      fail: hasMarker(FAIL_MARKER, texts),
      unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, texts),
    });
    return v1Ok({ video_id: id });
  });

  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/v1/video_status.get', async (request) => {
    const id = request.query.video_id;
    if (typeof id !== 'string' || id === '') throw invalid("'video_id' is required.");
    const job = state.videos.get(id);
    if (!job) throw notFound('not_found', 'Video not found.');
    job.polls += 1;
    return v1Ok(videoStatus(job, stageMs, Date.now()));
  });
}

/** The status data of 003_37465d87d070bf7f.txt, field for field. */
function videoStatus(job: VideoJob, stageMs: number | undefined, now: number) {
  const stage = stageOf(job, stageMs, now);
  const words = ['pending', 'waiting', job.unknownWord ? UNKNOWN_STATUS_WORD : 'processing'];
  const done = stage >= words.length;
  const ok = done && !job.fail;
  return {
    callback_id: job.callbackId,
    caption_url: ok ? `${RESOURCE}/caption/${job.id}.ass` : null,
    created_at: Math.floor(job.createdMs / 1000),
    duration: ok ? Math.max(1, Math.round((job.words / 2.5) * 1000) / 1000) : null,
    error: done && job.fail ? { ...VIDEO_TOO_LONG } : null,
    gif_url: ok ? `${RESOURCE}/video/gifs/${job.id}.gif` : null,
    id: job.id,
    status: done ? (job.fail ? 'failed' : 'completed') : (words[Math.max(0, stage)] as string),
    thumbnail_url: ok ? `${FILES}/aws_pacific/avatar_tmp/${job.id}.jpeg` : null,
    video_url: ok ? `${FILES}/aws_pacific/avatar_tmp/${job.id}.mp4` : null,
    video_url_caption: ok && job.caption ? `${FILES}/aws_pacific/avatar_tmp/${job.id}_caption.mp4` : null,
  };
}

// ---------------------------------------------------------------------------------------------
// video translation (v2)

function registerTranslateRoutes(app: FastifyInstance, state: LegacyState, stageMs: number | undefined): void {
  app.post('/v2/video_translate', async (request) => {
    const body = validate(V2TranslateBody, requireObject(request.body));
    if (!(TARGET_LANGUAGES as readonly string[]).includes(body.output_language)) {
      throw invalid(`Unsupported output_language '${body.output_language}'.`);
    }
    const job: TranslateJob = {
      id: hex(16),
      createdMs: Date.now(),
      polls: 0,
      title: body.title ?? null,
      outputLanguage: body.output_language,
      callbackId: body.callback_id ?? null,
      fail: hasMarker(FAIL_MARKER, [body.title]),
      unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, [body.title]),
    };
    state.translations.set(job.id, job);
    return v2Ok({ video_translate_id: job.id });
  });

  // static path: find-my-way prefers it over the parametric one below
  app.get('/v2/video_translate/target_languages', async () => v2Ok({ languages: [...TARGET_LANGUAGES] }));

  app.get<{ Params: { id: string } }>('/v2/video_translate/:id', async (request) => {
    const job = state.translations.get(request.params.id);
    if (!job) throw notFound('not_found', 'Video translate not found.');
    job.polls += 1;
    const stage = stageOf(job, stageMs, Date.now());
    const words = ['pending', job.unknownWord ? UNKNOWN_STATUS_WORD : 'running'];
    const done = stage >= words.length;
    return v2Ok({
      video_translate_id: job.id,
      title: job.title,
      output_language: job.outputLanguage,
      callback_id: job.callbackId,
      status: done ? (job.fail ? 'failed' : 'success') : (words[Math.max(0, stage)] as string),
      url: done && !job.fail ? `${FILES}/video_translate/${job.id}.mp4` : null,
      message: done && job.fail ? TRANSLATE_FAILURE_MESSAGE : null,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// avatars, voices, user

function registerListRoutes(app: FastifyInstance, state: LegacyState): void {
  const avatars = () => ({ avatars: state.avatars, talking_photos: state.talkingPhotos });
  app.get('/v2/avatars', async () => v2Ok(avatars()));
  app.get('/v1/avatar.list', async () => v1Ok(avatars()));
  app.get('/v2/voices', async () => v2Ok({ voices: state.voices }));
  app.get('/v1/voice.list', async () => v1Ok({ voices: state.voices }));
  app.get('/v1/user/me', async () => v1Ok({ ...LEGACY_USER }));
  app.get('/v2/user/remaining_quota', async () => v2Ok({ remaining_quota: REMAINING_QUOTA, details: { api: REMAINING_QUOTA } }));
}

// ---------------------------------------------------------------------------------------------
// upload origin

const FILE_TYPE: Record<string, string> = { image: 'image', video: 'video', audio: 'audio' };

function registerUploadRoute(app: FastifyInstance, state: LegacyState, recordOf: WeakMap<FastifyRequest['raw'], LegacyRecordedRequest>): void {
  app.post('/v1/asset', async (request, reply: FastifyReply) => {
    const declared = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    const body = request.body as Readable | undefined;
    if (!(UPLOAD_TYPES as readonly string[]).includes(declared)) {
      body?.resume();
      throw invalid(`Content-Type must be one of ${UPLOAD_TYPES.join(', ')}.`);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    let head = Buffer.alloc(0);
    let tooLarge = false;
    for await (const chunk of body ?? []) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      if (bytes > MAX_UPLOAD_BYTES) tooLarge = true; // keep reading: the client gets the answer, not a reset
      if (tooLarge) continue;
      hash.update(buf);
      if (head.length < SNIFF_BYTES) head = Buffer.concat([head, buf.subarray(0, SNIFF_BYTES - head.length)]);
    }
    if (tooLarge) throw new LegacyError(413, 'payload_too_large', `File exceeds ${MAX_UPLOAD_BYTES} bytes.`, 413);
    const upload: LegacyRecordedUpload = { contentType: declared, bytes, sha256: hash.digest('hex') };
    const rec = recordOf.get(request.raw);
    if (rec) rec.upload = upload;
    if (bytes === 0) throw invalid('The file is empty.');
    const kind = sniffMime(head);
    if (!kind || kind.mime !== declared) throw invalid('The file content does not match its Content-Type.');
    const id = hex(16);
    state.assets.add(id);
    reply.header('content-type', 'application/json; charset=utf-8');
    return v1Ok({
      id,
      name: `${id}.${kind.ext}`,
      file_type: FILE_TYPE[kind.kind] ?? kind.kind,
      url: `${RESOURCE}/${kind.kind}/${id}/original.${kind.ext}`,
      image_key: kind.kind === 'image' ? `image/${id}/original` : null,
    });
  });
}
