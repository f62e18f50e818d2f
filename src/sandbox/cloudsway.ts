/**
 * A loopback simulator of Cloudsway's MaaS gateway for HeyGen (seeds/000_b1da45572262cd95.txt):
 * `/v1/ai/{ENDPOINT_PATH}/heygen/...` for avatar groups/looks, photo avatars and avatar videos,
 * `/v1/ai/{ENDPOINT_PATH}/heygen/v3/...` for translation languages, assets and video translations.
 * It speaks the document's envelopes (`{"code":100,"data","message"}`, `{"error":null,"data"}`,
 * `{"data"}`), its status words, and its two failure shapes: `error` as a string on the `/v3/`
 * (translation product) routes, as an object `{code,message}` on the avatar and video routes.
 *
 * Access is a Bearer token *and* the endpoint path of the product a route belongs to: any other
 * token or path answers 401, so a gateway that sends the wrong one is caught. Request bodies are
 * checked against the fields the document lists; an unlisted field is a 400.
 *
 * Test hooks in the data: a title or script containing `[fail]` ends the job `failed`;
 * `[unknown-status]` makes the in-progress word one the document does not list; a translation
 * title containing `[success]` ends with the word `success` instead of `completed` (the document
 * says both).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { sniffMime } from '../core/magic.js';
import { FaultInjector, installFaults, sleep } from './faults.js';
import type { RecordedRequest, RecordedUpload } from './heygen-v3.js';
import {
  DOC_ASSET_ID,
  TRANSLATION_LANGUAGES,
  seedGroups,
  seedLooks,
  type CsGroup,
  type CsLook,
  type Ownership,
  type SeedGroup,
  type SeedLook,
} from './cloudsway-data.js';
import { receiveFilePart } from './uploads.js';

export type { RecordedRequest, RecordedUpload } from './heygen-v3.js';

export type CloudswayProduct = 'video' | 'translation';

export interface CloudswaySandboxOptions {
  /** The only token accepted, as `Authorization: Bearer <token>`. */
  apiKey: string;
  /**
   * The access point of each product (decoded, as configured in the gateway). The same value for
   * both models one access point serving every product.
   */
  endpointPaths: Record<CloudswayProduct, string>;
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
  /** The word a finished translation reports (default `completed`; `[success]` titles say `success`). */
  translationDoneWord?: 'completed' | 'success';
  logger?: boolean;
  /** Keep every request in `requests` (default true). */
  record?: boolean;
}

export interface CloudswaySandbox {
  url: string;
  /** Every request received, in order (also those answered by a fault or a 401). */
  requests: RecordedRequest[];
  faults: FaultInjector;
  /** Clears requests, faults, jobs, assets and created avatars. */
  reset(): void;
  close(): Promise<void>;
}

/** "Files to be uploaded must be no larger than 32 MB". */
export const MAX_ASSET_BYTES = 32 * 1024 * 1024;
export const FAIL_MARKER = '[fail]';
export const UNKNOWN_STATUS_MARKER = '[unknown-status]';
export const SUCCESS_WORD_MARKER = '[success]';
/** In-progress words the document does not list, for `[unknown-status]` jobs. */
export const UNKNOWN_VIDEO_WORD = 'rendering';
export const UNKNOWN_TRANSLATION_WORD = 'translating';

/** The doc's failure text for a translation. */
export const TRANSLATION_FAILURE = 'Translation failed due to unsupported content.';

const RES = 'https://resource.heygen.com';
const FILES = 'https://files.heygen.ai';
const JSON_BODY_LIMIT = 16 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// failures

/** A failure answered in the shape of the route's family (string `error` or object `error`). */
class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

const bad = (message: string, param: string | null = null): SimError => new SimError(400, 'invalid_parameter', message, param);
const notFound = (code: string, message: string, param: string | null = null): SimError => new SimError(404, code, message, param);

/** The translation product (`/heygen/v3/...`) answers failures with `error` as a string. */
const stringFamily = (url: string): boolean => /\/heygen\/v3(\/|\?|$)/.test(url);

function failureBody(url: string, e: SimError): unknown {
  if (stringFamily(url)) return { code: e.status, data: null, error: e.message, message: 'failed' };
  return { error: { code: e.code, message: e.message, ...(e.param ? { param: e.param } : {}) }, data: null };
}

// ---------------------------------------------------------------------------------------------
// state

type Stage = 'queued' | 'working' | 'done';

interface JobClock {
  createdMs: number;
  polls: number;
  finishedMs?: number;
}

interface VideoJob extends JobClock {
  id: string;
  title: string | null;
  script: string | null;
  outputFormat: string;
  fail: boolean;
  unknownWord: boolean;
}

interface TranslationJob extends JobClock {
  id: string;
  title: string | null;
  outputLanguage: string;
  inputLanguage: string | null;
  translateAudioOnly: boolean;
  captions: boolean;
  fail: boolean;
  unknownWord: boolean;
  successWord: boolean;
}

class State {
  videos = new Map<string, VideoJob>();
  translations = new Map<string, TranslationJob>();
  assets = new Set<string>([DOC_ASSET_ID]);
  groups: SeedGroup[] = seedGroups();
  looks: SeedLook[] = seedLooks();

  reset(): void {
    this.videos.clear();
    this.translations.clear();
    this.assets = new Set([DOC_ASSET_ID]);
    this.groups = seedGroups();
    this.looks = seedLooks();
  }
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const unix = (ms: number): number => Math.floor(ms / 1000);

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

const hasMarker = (marker: string, ...texts: Array<string | null | undefined>): boolean =>
  texts.some((t) => typeof t === 'string' && t.includes(marker));

// ---------------------------------------------------------------------------------------------
// body checks (the fields the document lists, nothing else)

type Obj = Record<string, unknown>;

function object(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} must be a JSON object.`, what === 'body' ? null : what);
  return v as Obj;
}

function onlyKeys(o: Obj, allowed: readonly string[], prefix = ''): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw bad(`'${prefix}${k}' is not a recognized field.`, `${prefix}${k}`);
  }
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

function str(o: Obj, k: string, param = k, required = false): string | undefined {
  const v = o[k];
  if (!isSet(v)) {
    if (required) throw bad(`'${param}' is required.`, param);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') throw bad(`'${param}' must be a non-empty string.`, param);
  return v;
}

function oneOf<T extends string>(o: Obj, k: string, values: readonly T[], param = k): T | undefined {
  const v = str(o, k, param);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw bad(`'${param}' must be one of ${values.join(', ')}.`, param);
  return v as T;
}

function bool(o: Obj, k: string): boolean | undefined {
  const v = o[k];
  if (!isSet(v)) return undefined;
  if (typeof v !== 'boolean') throw bad(`'${k}' must be a boolean.`, k);
  return v;
}

function num(o: Obj, k: string, param = k): number | undefined {
  const v = o[k];
  if (!isSet(v)) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`'${param}' must be a number.`, param);
  return v;
}

const VIDEO_KEYS = [
  'type', 'avatar_id', 'title', 'resolution', 'aspect_ratio', 'fit', 'background', 'remove_background',
  'callback_url', 'callback_id', 'output_format', 'script', 'audio_url', 'audio_asset_id', 'voice_settings',
  'motion_prompt', 'expressiveness', 'engine',
] as const;

const TRANSLATION_KEYS = [
  'video', 'output_languages', 'input_language', 'title', 'translate_audio_only', 'speaker_num', 'mode',
  'enable_dynamic_duration', 'keep_the_same_format', 'enable_caption', 'disable_music_track', 'enable_speech_enhancement',
] as const;

const AVATAR_KEYS = ['type', 'name', 'file', 'avatar_group_id'] as const;

function checkAsset(state: State, id: string | undefined, param: string): void {
  if (id !== undefined && !state.assets.has(id)) throw notFound('asset_not_found', `Asset '${id}' was not found.`, param);
}

function checkVideoBody(state: State, raw: unknown): Obj {
  const b = object(raw, 'body');
  if (b.type !== 'avatar') throw bad("'type' must be \"avatar\".", 'type');
  onlyKeys(b, VIDEO_KEYS);
  const avatarId = str(b, 'avatar_id', 'avatar_id', true)!;
  str(b, 'title');
  oneOf(b, 'resolution', ['4k', '1080p', '720p'] as const);
  oneOf(b, 'aspect_ratio', ['16:9', '9:16'] as const);
  oneOf(b, 'fit', ['contain', 'cover'] as const);
  if (isSet(b.background)) {
    const bg = object(b.background, 'background');
    onlyKeys(bg, ['type', 'value', 'url', 'asset_id'], 'background.');
    const type = oneOf(bg, 'type', ['color', 'image'] as const, 'background.type');
    if (type === 'color') str(bg, 'value', 'background.value', true);
    if (type === 'image') {
      const url = str(bg, 'url', 'background.url');
      const asset = str(bg, 'asset_id', 'background.asset_id');
      if ((url === undefined) === (asset === undefined)) throw bad("An image background needs one of 'url' or 'asset_id'.", 'background.url');
      checkAsset(state, asset, 'background.asset_id');
    }
  }
  bool(b, 'remove_background');
  str(b, 'callback_url');
  str(b, 'callback_id');
  oneOf(b, 'output_format', ['mp4', 'webm'] as const);
  const script = str(b, 'script');
  const audioUrl = str(b, 'audio_url');
  const audioAsset = str(b, 'audio_asset_id');
  if (script !== undefined && (audioUrl !== undefined || audioAsset !== undefined)) {
    throw bad('script and audio_url/audio_asset_id are mutually exclusive.', audioUrl !== undefined ? 'audio_url' : 'audio_asset_id');
  }
  if (audioUrl !== undefined && audioAsset !== undefined) throw bad('Provide audio_url or audio_asset_id, not both.', 'audio_asset_id');
  if (script === undefined && audioUrl === undefined && audioAsset === undefined) {
    throw bad('Provide script, audio_url or audio_asset_id.', 'script');
  }
  checkAsset(state, audioAsset, 'audio_asset_id');
  if (isSet(b.voice_settings)) {
    const vs = object(b.voice_settings, 'voice_settings');
    onlyKeys(vs, ['speed', 'pitch', 'volume'], 'voice_settings.');
    for (const k of ['speed', 'pitch', 'volume']) num(vs, k, `voice_settings.${k}`);
  }
  str(b, 'motion_prompt');
  oneOf(b, 'expressiveness', ['high', 'medium', 'low'] as const);
  if (isSet(b.engine)) {
    const engine = object(b.engine, 'engine');
    onlyKeys(engine, ['type'], 'engine.');
    oneOf(engine, 'type', ['avatar_iv', 'avatar_v'] as const, 'engine.type');
  }
  if (!state.looks.some((l) => l.item.id === avatarId)) throw notFound('avatar_not_found', `Avatar '${avatarId}' was not found.`, 'avatar_id');
  return b;
}

function checkTranslationBody(state: State, raw: unknown): Obj {
  const b = object(raw, 'body');
  onlyKeys(b, TRANSLATION_KEYS);
  if (!isSet(b.video)) throw bad("'video' is required.", 'video');
  const video = object(b.video, 'video');
  const type = oneOf(video, 'type', ['url', 'asset_id'] as const, 'video.type');
  if (type === undefined) throw bad("'video.type' is required.", 'video.type');
  if (type === 'url') {
    onlyKeys(video, ['type', 'url'], 'video.');
    str(video, 'url', 'video.url', true);
  } else {
    onlyKeys(video, ['type', 'asset_id'], 'video.');
    checkAsset(state, str(video, 'asset_id', 'video.asset_id', true), 'video.asset_id');
  }
  const langs = b.output_languages;
  if (!Array.isArray(langs) || langs.length === 0) throw bad("'output_languages' must be a non-empty list.", 'output_languages');
  langs.forEach((l, i) => {
    if (typeof l !== 'string' || !TRANSLATION_LANGUAGES.includes(l)) {
      throw bad(`Unsupported output language: ${JSON.stringify(l)}.`, `output_languages[${i}]`);
    }
  });
  str(b, 'input_language');
  str(b, 'title');
  oneOf(b, 'mode', ['speed', 'precision'] as const);
  const speakers = num(b, 'speaker_num');
  if (speakers !== undefined && (!Number.isInteger(speakers) || speakers < 1)) throw bad("'speaker_num' must be a positive integer.", 'speaker_num');
  for (const k of ['translate_audio_only', 'enable_dynamic_duration', 'keep_the_same_format', 'enable_caption', 'disable_music_track', 'enable_speech_enhancement']) {
    bool(b, k);
  }
  return b;
}

function checkAvatarBody(state: State, raw: unknown): Obj {
  const b = object(raw, 'body');
  if (b.type !== 'photo') throw bad("'type' must be \"photo\".", 'type');
  onlyKeys(b, AVATAR_KEYS);
  str(b, 'name');
  if (!isSet(b.file)) throw bad("'file' is required.", 'file');
  const file = object(b.file, 'file');
  const type = oneOf(file, 'type', ['url', 'asset_id', 'base64'] as const, 'file.type');
  if (type === 'url') {
    onlyKeys(file, ['type', 'url'], 'file.');
    str(file, 'url', 'file.url', true);
  } else if (type === 'asset_id') {
    onlyKeys(file, ['type', 'asset_id'], 'file.');
    checkAsset(state, str(file, 'asset_id', 'file.asset_id', true), 'file.asset_id');
  } else if (type === 'base64') {
    onlyKeys(file, ['type', 'media_type', 'data'], 'file.');
    str(file, 'media_type', 'file.media_type', true);
    str(file, 'data', 'file.data', true);
  } else {
    throw bad("'file.type' is required.", 'file.type');
  }
  const groupId = str(b, 'avatar_group_id');
  if (groupId !== undefined && !state.groups.some((g) => g.item.id === groupId)) {
    throw notFound('avatar_not_found', `Avatar group '${groupId}' was not found.`, 'avatar_group_id');
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// queries and pages

type Query = Record<string, string | string[] | undefined>;

function queryString(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw bad(`'${name}' may be given once.`, name);
  return v === '' ? undefined : v;
}

function queryEnum<T extends string>(q: Query, name: string, values: readonly T[]): T | undefined {
  const v = queryString(q, name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw bad(`'${name}' must be one of ${values.join(', ')}.`, name);
  return v as T;
}

function queryLimit(q: Query): number {
  const v = queryString(q, 'limit');
  if (v === undefined) return 20;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 100) throw bad("'limit' must be an integer from 1 to 100.", 'limit');
  return n;
}

/** Opaque cursors: base64url of `{"after": <index>}`. */
function paginate<T>(items: readonly T[], limit: number, token: string | undefined): { data: T[]; has_more: boolean; next_token: string | null } {
  let start = 0;
  if (token !== undefined) {
    let after: unknown;
    try {
      after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
    } catch {
      after = undefined;
    }
    if (typeof after !== 'number' || !Number.isInteger(after) || after < 0) throw bad('Invalid pagination token.', 'token');
    start = after;
  }
  const data = items.slice(start, start + limit);
  const end = start + data.length;
  const hasMore = end < items.length;
  return { data, has_more: hasMore, next_token: hasMore ? Buffer.from(JSON.stringify({ after: end })).toString('base64url') : null };
}


// ---------------------------------------------------------------------------------------------
// answers

function videoAnswer(job: VideoJob, stageMs: number | undefined, now: number): Obj {
  const stage = stageOf(job, stageMs, now);
  const done = stage === 'done';
  const ok = done && !job.fail;
  const status =
    stage === 'queued' ? 'pending' : stage === 'working' ? (job.unknownWord ? UNKNOWN_VIDEO_WORD : 'processing') : job.fail ? 'failed' : 'completed';
  const words = (job.script ?? '').trim().split(/\s+/).filter(Boolean).length;
  return {
    id: job.id,
    status,
    title: job.title,
    created_at: unix(job.createdMs),
    completed_at: ok ? unix(finishedAt(job, stageMs, now)) : null,
    video_url: ok ? `${RES}/videos/${job.id}.${job.outputFormat}` : null,
    thumbnail_url: ok ? `${RES}/videos/${job.id}_thumb.jpg` : null,
    gif_url: ok ? `${RES}/videos/${job.id}.gif` : null,
    captioned_video_url: null,
    subtitle_url: null,
    duration: ok ? (job.script ? Math.max(1, Math.round((words / 2.5) * 10) / 10) : 12.5) : null,
    folder_id: null,
    output_language: ok ? 'English' : null,
    failure_code: done && job.fail ? 'tts_text_invalid' : null,
    failure_message: done && job.fail ? 'The script contains text that cannot be converted to speech.' : null,
    video_page_url: `https://app.heygen.com/videos/${job.id}`,
  };
}

/** Sparse like the document's examples: fields appear when the stage has them. */
function translationAnswer(job: TranslationJob, stageMs: number | undefined, now: number, doneWord: string): Obj {
  const stage = stageOf(job, stageMs, now);
  const a: Obj = { id: job.id };
  if (stage === 'queued') a.status = 'pending';
  else if (stage === 'working') a.status = job.unknownWord ? UNKNOWN_TRANSLATION_WORD : 'running';
  else a.status = job.fail ? 'failed' : job.successWord ? 'success' : doneWord;
  a.output_language = job.outputLanguage;
  if (job.inputLanguage !== null) a.input_language = job.inputLanguage;
  if (job.title !== null) a.title = job.title;
  a.translate_audio_only = job.translateAudioOnly;
  a.created_at = unix(job.createdMs);
  if (stage === 'done') {
    finishedAt(job, stageMs, now);
    if (job.fail) {
      a.failure_message = TRANSLATION_FAILURE;
    } else {
      a.input_language = job.inputLanguage ?? 'English'; // "automatically detected"
      a.duration = 32.5;
      a.video_url = `${FILES}/output/${job.id}.mp4`;
      a.audio_url = `${FILES}/output/${job.id}.mp3`;
      if (job.captions) {
        a.srt_caption_url = `${FILES}/output/${job.id}.srt`;
        a.vtt_caption_url = `${FILES}/output/${job.id}.vtt`;
      }
    }
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// server

export async function startCloudswaySandbox(opts: CloudswaySandboxOptions): Promise<CloudswaySandbox> {
  const state = new State();
  const requests: RecordedRequest[] = [];
  const faults = new FaultInjector();
  const recordOf = new WeakMap<FastifyRequest['raw'], RecordedRequest>();
  const stageMs = opts.stageMs;
  const doneWord = opts.translationDoneWord ?? 'completed';

  const app: FastifyInstance = Fastify({ logger: opts.logger ?? false, bodyLimit: JSON_BODY_LIMIT, forceCloseConnections: true });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (text.trim() === '') return done(null, null);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(bad('Request body is not valid JSON.'), undefined);
    }
  });
  await app.register(multipart, { limits: { fileSize: MAX_ASSET_BYTES } });

  // Hook order: record, latency, faults, then the token.
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
    const m = /^Bearer\s+(.+)$/i.exec((request.headers.authorization ?? '').trim());
    if (!m || m[1] !== opts.apiKey) throw new SimError(401, 'unauthorized', 'Invalid or missing token.');
  });

  app.setErrorHandler((err, request, reply) => {
    let e: SimError;
    if (err instanceof SimError) e = err;
    else {
      const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 500;
      e =
        status === 413
          ? new SimError(413, 'payload_too_large', 'The request body is too large.')
          : status >= 400 && status < 500
            ? bad(err instanceof Error ? err.message : 'Bad request.')
            : new SimError(500, 'internal_error', 'Internal server error.');
      if (e.status >= 500) request.log.error({ err }, 'cloudsway sandbox handler failed');
    }
    return reply.code(e.status).send(failureBody(request.url, e));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(failureBody(request.url, notFound('resource_not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]}.`))),
  );

  /** Route guard: the endpoint path must be the access point of the route's product. */
  const accessPoint = (product: CloudswayProduct) => async (request: FastifyRequest) => {
    if ((request.params as { endpoint?: string }).endpoint !== opts.endpointPaths[product]) {
      throw new SimError(401, 'unauthorized', `The endpoint path is not a ${product} access point of this token.`);
    }
  };
  const video = { preHandler: accessPoint('video') };
  const translation = { preHandler: accessPoint('translation') };
  const V = '/v1/ai/:endpoint/heygen';

  // ---- translation product ----

  app.get(`${V}/v3/video-translations/languages`, translation, async () => ({ data: { languages: [...TRANSLATION_LANGUAGES] } }));

  app.post(`${V}/v3/video-translations`, translation, async (request) => {
    const b = checkTranslationBody(state, request.body);
    const createdMs = Date.now();
    const title = (b.title as string | undefined) ?? null;
    const ids = (b.output_languages as string[]).map((language) => {
      const job: TranslationJob = {
        id: `vtrans-${hex(8)}`,
        createdMs,
        polls: 0,
        title,
        outputLanguage: language,
        inputLanguage: (b.input_language as string | undefined) ?? null,
        translateAudioOnly: (b.translate_audio_only as boolean | undefined) ?? false,
        captions: (b.enable_caption as boolean | undefined) ?? false,
        fail: hasMarker(FAIL_MARKER, title),
        unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, title),
        successWord: hasMarker(SUCCESS_WORD_MARKER, title),
      };
      state.translations.set(job.id, job);
      return job.id;
    });
    return { code: 100, data: { video_translation_ids: ids }, message: 'success' };
  });

  app.get<{ Params: { endpoint: string; id: string } }>(`${V}/v3/video-translations/:id`, translation, async (request) => {
    const job = state.translations.get(request.params.id);
    if (!job) throw notFound('video_not_found', `Video translation '${request.params.id}' was not found.`);
    job.polls += 1;
    return { data: translationAnswer(job, stageMs, Date.now(), doneWord) };
  });

  app.post(`${V}/v3/assets`, translation, async (request) => {
    if (!request.isMultipart()) throw bad('file is required (multipart/form-data).', 'file');
    const { upload, head, tooLarge } = await receiveFilePart(request);
    if (tooLarge) throw new SimError(413, 'payload_too_large', 'File must be no larger than 32 MB.', 'file');
    if (!upload) throw bad('file is required (multipart/form-data).', 'file');
    const rec = recordOf.get(request.raw);
    if (rec) rec.upload = upload;
    const kind = sniffMime(head);
    if (!kind) throw bad('Unsupported file type; supported: png / jpeg / mp4 / webm / mp3 / wav / pdf.', 'file');
    const id = `asset-${hex(8)}`;
    state.assets.add(id);
    return {
      code: 100,
      data: { asset_id: id, url: `https://resource2.heygen.ai/${kind.kind}/${id}/original.${kind.ext}`, mime_type: kind.mime, size_bytes: upload.bytes },
      message: 'success',
    };
  });

  // ---- video product: avatars ----

  const groupById = (id: string): SeedGroup | undefined => state.groups.find((g) => g.item.id === id);
  const OWNERSHIPS: readonly Ownership[] = ['public', 'private'];

  app.get<{ Querystring: Query }>(`${V}/avatars`, video, async (request) => {
    const ownership = queryEnum(request.query, 'ownership', OWNERSHIPS);
    const groups = state.groups.filter((g) => ownership === undefined || g.ownership === ownership).map((g) => g.item);
    return paginate<CsGroup>(groups, queryLimit(request.query), queryString(request.query, 'token'));
  });

  app.get<{ Querystring: Query }>(`${V}/avatars/looks`, video, async (request) => {
    const q = request.query;
    const ownership = queryEnum(q, 'ownership', OWNERSHIPS);
    const type = queryEnum(q, 'avatar_type', ['studio_avatar', 'digital_twin', 'photo_avatar'] as const);
    const groupId = queryString(q, 'group_id');
    const looks = state.looks
      .filter(
        (l) =>
          (ownership === undefined || l.ownership === ownership) &&
          (type === undefined || l.item.avatar_type === type) &&
          (groupId === undefined || l.item.group_id === groupId),
      )
      .map((l) => l.item);
    return paginate<CsLook>(looks, queryLimit(q), queryString(q, 'token'));
  });

  app.get<{ Params: { endpoint: string; look_id: string } }>(`${V}/avatars/looks/:look_id`, video, async (request) => {
    const look = state.looks.find((l) => l.item.id === request.params.look_id);
    if (!look) throw notFound('avatar_not_found', 'Avatar look not found.');
    return { error: null, data: look.item };
  });

  app.get<{ Params: { endpoint: string; group_id: string } }>(`${V}/avatars/:group_id`, video, async (request) => {
    const group = groupById(request.params.group_id);
    if (!group) throw notFound('avatar_not_found', 'Avatar group not found.');
    return { error: null, data: group.item };
  });

  app.post(`${V}/avatars`, video, async (request) => {
    const b = checkAvatarBody(state, request.body);
    const name = (b.name as string | undefined) ?? 'Photo Avatar';
    const key = hex(6);
    const preview = `${RES}/preview/${key}.jpg`;
    let group = typeof b.avatar_group_id === 'string' ? groupById(b.avatar_group_id) : undefined;
    if (!group) {
      group = {
        ownership: 'private',
        item: {
          id: `grp_${key}`,
          name,
          created_at: Date.now(),
          looks_count: 0,
          preview_image_url: preview,
          preview_video_url: null,
          gender: null,
          default_voice_id: null,
          consent_status: 'approved',
          status: 'completed',
          error: null,
        },
      };
      state.groups.push(group);
    }
    // "new photo_avatar must belong to this category": no voice of its own.
    const look: CsLook = {
      id: `lk_${key}`,
      name,
      avatar_type: 'photo_avatar',
      group_id: group.item.id,
      preview_image_url: preview,
      preview_video_url: null,
      gender: null,
      tags: [],
      default_voice_id: null,
      supported_api_engines: ['avatar_iv'],
      image_width: 1024,
      image_height: 1024,
      preferred_orientation: 'portrait',
      status: 'completed',
      error: null,
    };
    state.looks.push({ ownership: 'private', item: look });
    group.item.looks_count += 1;
    return { error: null, data: { avatar_item: look, avatar_group: group.item } };
  });

  // ---- video product: avatar videos ----

  app.post(`${V}/videos`, video, async (request) => {
    const b = checkVideoBody(state, request.body);
    const title = (b.title as string | undefined) ?? null;
    const script = (b.script as string | undefined) ?? null;
    const job: VideoJob = {
      id: `vid_${hex(8)}`,
      createdMs: Date.now(),
      polls: 0,
      title,
      script,
      outputFormat: (b.output_format as string | undefined) ?? 'mp4',
      fail: hasMarker(FAIL_MARKER, title, script),
      unknownWord: hasMarker(UNKNOWN_STATUS_MARKER, title, script),
    };
    state.videos.set(job.id, job);
    return { error: null, data: { video_id: job.id, status: 'pending', output_format: job.outputFormat } };
  });

  app.get<{ Params: { endpoint: string; video_id: string } }>(`${V}/videos/:video_id`, video, async (request) => {
    const job = state.videos.get(request.params.video_id);
    if (!job) throw notFound('video_not_found', 'Video not found.');
    job.polls += 1;
    return { error: null, data: videoAnswer(job, stageMs, Date.now()) };
  });

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
