/**
 * The legacy HeyGen adapter: one `heygen-v2` or `heygen-v1` account (the version comes from the
 * account's provider). Videos go out as a v2 scene body or v1 clips and are polled through
 * `/v1/video_status.get`; translations (v2) are one legacy job per output language; assets go to
 * the upload origin as raw bytes; the unpaginated avatar and voice listings are paged here.
 */
import { Readable } from 'node:stream';
import type { z } from 'zod';
import {
  type Adapter,
  type AdapterFactory,
  type Capabilities,
  type Operation,
  type TranslationSubmitted,
  type VideoRequest,
} from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { UpstreamHttp, errorFromUpstream, parseJson, parseWire, type UpstreamResponse } from '../../src/core/upstream.js';
import { toV2Generate } from '../shared/v2-body.js';
import {
  DEFAULT_UPLOAD_URL,
  ENDPOINTS,
  JSON_CONTENT_TYPE,
  PROVIDERS,
  UPLOAD_TYPES,
  authHeaders,
  endpointPath,
  isUsableIdSegment,
  type Endpoint,
  type LegacyCall,
  type LegacyVersion,
} from './api.js';
import * as t from './translate.js';
import {
  WireAvatarList,
  WireLanguages,
  WireRemainingQuota,
  WireTranslateCreated,
  WireTranslateStatus,
  WireUploadedAsset,
  WireUserMe,
  WireVideoGenerated,
  WireVideoStatus,
  WireVoiceList,
  envelope,
} from './wire.js';

/** How long the avatar listing serves default voices and look kinds to video creates. */
export const LOOK_CACHE_MS = 60_000;
/** Asset URLs remembered for translation sources and v1 audio (newest kept). */
export const MAX_REMEMBERED_ASSETS = 10_000;

const COMMON_OPERATIONS: Operation[] = [
  'video.create',
  'video.get',
  'asset.upload',
  'avatar.groups.list',
  'avatar.groups.get',
  'avatar.looks.list',
  'avatar.looks.get',
  'voice.list',
  'voice.get',
  'user.get',
];
const OPERATIONS: Record<LegacyVersion, ReadonlySet<Operation>> = {
  v2: new Set<Operation>([...COMMON_OPERATIONS, 'translation.create', 'translation.get', 'translation.languages']),
  v1: new Set<Operation>(COMMON_OPERATIONS),
};

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  stream?: { body: Readable; contentType: string };
}

const present = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

export const createHeygenLegacyAdapter: AdapterFactory = (account, deps) => {
  if (account.provider !== 'heygen-v2' && account.provider !== 'heygen-v1') {
    throw new Error(`account "${account.id}": the legacy HeyGen adapter serves heygen-v2 and heygen-v1, not ${account.provider}`);
  }
  const version: LegacyVersion = account.provider === 'heygen-v1' ? 'v1' : 'v2';
  const provider = PROVIDERS[version];
  const uploadBase = account.upload_url ?? DEFAULT_UPLOAD_URL;
  const logger = deps.logger.child({ provider, account: account.id });
  const http = new UpstreamHttp({
    accountId: account.id,
    provider,
    baseUrl: account.base_url,
    timeoutMs: account.timeout_ms,
    dispatcher: deps.dispatcher,
    logger,
  });

  // Legacy APIs take files by URL; the URLs of assets uploaded here let their ids be used too.
  const assetUrls = new Map<string, string>();
  const assetUrlOf: t.AssetUrlOf = (id) => assetUrls.get(id);
  const rememberAsset = (id: string, url: string): void => {
    assetUrls.delete(id);
    assetUrls.set(id, url);
    if (assetUrls.size > MAX_REMEMBERED_ASSETS) {
      const oldest = assetUrls.keys().next();
      if (!oldest.done) assetUrls.delete(oldest.value);
    }
  };

  const capabilities: Capabilities = {
    operations: OPERATIONS[version],
    multiScene: version === 'v2',
    // v2 sends a legacy client's body as it came; v1 rebuilds clips from the v3 fields.
    legacyV2Body: version === 'v2',
    fields: {
      'video.create': (req) => t.videoUnsupported(version, req, assetUrlOf),
      ...(version === 'v2' ? { 'translation.create': (req) => t.translationUnsupported(req, assetUrlOf) } : {}),
    },
  };

  // Reached only when the router was bypassed (e.g. a delete goes to the job's account): no field to blame.
  const unsupported = (what: string): GatewayError => new GatewayError('provider_capability_unsupported', `A ${provider} account cannot ${what}.`);

  function endpoint(c: LegacyCall): Endpoint {
    const ep = ENDPOINTS[version][c];
    if (!ep) throw unsupported(`serve ${c}`);
    return ep;
  }

  /** Sends one legacy call; a non-2xx answer becomes the matching v3 error. */
  async function send(c: LegacyCall, call: Call = {}): Promise<UpstreamResponse> {
    const ep = endpoint(c);
    for (const v of Object.values(call.params ?? {})) {
      // Such an id cannot exist upstream, and as a path segment it would reach another endpoint.
      if (!isUsableIdSegment(v)) throw new GatewayError(ep.notFoundCode, ep.notFoundMessage ?? 'Not found.');
    }
    const headers = authHeaders(account.api_key);
    let body: string | Readable | null = null;
    if (call.stream) {
      headers['Content-Type'] = call.stream.contentType;
      body = call.stream.body;
    } else if (call.json !== undefined) {
      headers['Content-Type'] = JSON_CONTENT_TYPE;
      body = JSON.stringify(call.json);
    }
    const path = endpointPath(ep, call.params);
    const res = await http.send({
      method: ep.method,
      url: ep.upload ? `${uploadBase}${path}` : path,
      query: call.query,
      headers,
      body,
      operation: c,
    });
    if (res.status < 200 || res.status > 299) {
      const info = t.errorInfoFromWire(res.text);
      if (res.status === 404 && ep.notFoundMessage) info.message = ep.notFoundMessage;
      throw errorFromUpstream(res, info, { provider, accountId: account.id, notFoundCode: ep.notFoundCode });
    }
    return res;
  }

  /** send + JSON + wire schema: a 2xx the gateway cannot read is a 502, never a guess. */
  async function call<S extends z.ZodType>(c: LegacyCall, schema: S, opts?: Call): Promise<{ wire: z.infer<S>; payload: unknown }> {
    const res = await send(c, opts);
    const ep = endpoint(c);
    const what = `${ep.method} ${ep.template}`;
    const payload = parseJson(res, what);
    return { wire: parseWire(schema, payload, what, logger), payload };
  }

  // ---- the avatar listing, shared by avatar reads and video creates ----

  let cachedLooks: { at: number; looks: t.LegacyLook[] } | null = null;
  let loadingLooks: Promise<t.LegacyLook[]> | null = null;

  async function fetchLooks(): Promise<t.LegacyLook[]> {
    loadingLooks ??= call('avatars.list', envelope(WireAvatarList))
      .then(({ wire }) => {
        const looks = t.looksFromWire(wire.data);
        cachedLooks = { at: Date.now(), looks };
        return looks;
      })
      .finally(() => {
        loadingLooks = null;
      });
    return loadingLooks;
  }

  async function recentLooks(): Promise<t.LegacyLook[]> {
    if (cachedLooks && Date.now() - cachedLooks.at < LOOK_CACHE_MS) return cachedLooks.looks;
    return fetchLooks();
  }

  /**
   * What the v3 body does not say but the legacy body needs: whether the look is a talking photo,
   * and its default voice when a script comes without one. Without a script needing a voice, a
   * listing that cannot be read is no reason to refuse the video: the look is taken as an avatar.
   */
  async function resolveLook(req: VideoRequest): Promise<{ defaultVoiceId?: string | null; talkingPhoto?: boolean }> {
    if (req.type !== 'avatar') return {};
    const needsVoice = present(req.script) && !present(req.voice_id);
    let looks: t.LegacyLook[];
    try {
      looks = await recentLooks();
    } catch (err) {
      if (needsVoice) throw err;
      logger.warn({ err: { code: (err as { code?: string }).code } }, 'avatar listing unavailable; treating the look as an avatar');
      return {};
    }
    const look = looks.find((l) => l.id === req.avatar_id);
    return { defaultVoiceId: look?.default_voice_id ?? null, talkingPhoto: look?.kind === 'talking_photo' };
  }

  async function voices() {
    const { wire } = await call('voices.list', envelope(WireVoiceList));
    return wire.data.voices.map(t.fromWireVoice);
  }

  const adapter: Adapter = {
    provider,
    accountId: account.id,
    capabilities,

    async createVideo(req) {
      let body: unknown;
      if (version === 'v2' && req.legacy) {
        body = toV2Generate(req);
      } else {
        const look = await resolveLook(req);
        body = version === 'v2' ? toV2Generate(req, look) : t.toV1Generate(req, { ...look, assetUrlOf });
      }
      const { wire, payload } = await call('video.generate', envelope(WireVideoGenerated), { json: body });
      return t.fromWireVideoGenerated(wire.data, payload);
    },

    async getVideo(upstreamId) {
      const { wire, payload } = await call('video.status', envelope(WireVideoStatus), { query: { video_id: upstreamId } });
      return t.fromWireVideoStatus(wire.data, payload);
    },

    async deleteVideo() {
      throw unsupported('delete videos');
    },

    async createTranslation(req) {
      if (version !== 'v2') throw unsupported('translate videos');
      // One legacy job per language, in order; a refusal midway must not hide the jobs already started.
      const items: TranslationSubmitted['items'] = [];
      const payloads: unknown[] = [];
      for (const language of req.output_languages) {
        const json = t.toWireTranslate(req, language, assetUrlOf);
        try {
          const { wire, payload } = await call('translate.create', envelope(WireTranslateCreated), { json });
          items.push({ upstreamId: wire.data.video_translate_id, outputLanguage: language });
          payloads.push(payload);
        } catch (err) {
          if (items.length === 0 || !(err instanceof GatewayError)) throw err;
          logger.warn({ started: items, failed_language: language }, 'translation refused after earlier languages were started upstream');
          throw new GatewayError(
            err.code,
            `${err.message} (The translation into ${language} failed after ${items.map((i) => i.outputLanguage).join(', ')} had already been started upstream.)`,
            { status: err.status, param: err.param, ...(err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}), cause: err },
          );
        }
      }
      return { items, payload: payloads };
    },

    async getTranslation(upstreamId) {
      const { wire, payload } = await call('translate.get', envelope(WireTranslateStatus), {
        params: { video_translate_id: upstreamId },
      });
      return t.fromWireTranslateStatus(wire.data, payload);
    },

    async listTranslationLanguages() {
      const { wire } = await call('translate.languages', envelope(WireLanguages));
      return [...wire.data.languages];
    },

    async uploadAsset(file) {
      if (!UPLOAD_TYPES.has(file.mimeType)) {
        file.stream.destroy();
        throw new GatewayError(
          'provider_capability_unsupported',
          `A ${provider} account stores png, jpeg, mp4, webm and mp3 files only; this file is ${file.mimeType}.`,
          { param: 'file' },
        );
      }
      let bytes = 0;
      const source = file.stream;
      const counted = Readable.from(
        (async function* () {
          for await (const chunk of source) {
            bytes += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
        })(),
      );
      const { wire } = await call('asset.upload', envelope(WireUploadedAsset), { stream: { body: counted, contentType: file.mimeType } });
      rememberAsset(wire.data.id, wire.data.url);
      return t.fromWireUploadedAsset(wire.data, file.mimeType, bytes);
    },

    async listAvatarGroups(q) {
      const page = t.paginate(t.filterGroups(await fetchLooks(), q), (l) => l.id, q.limit ?? 20, q.token);
      return { ...page, data: page.data.map(t.toGroupItem) };
    },

    async getAvatarGroup(groupId) {
      const look = (await fetchLooks()).find((l) => l.id === groupId);
      if (!look) throw new GatewayError('avatar_not_found', 'Avatar group not found.');
      return t.toGroupItem(look);
    },

    async listAvatarLooks(q) {
      const page = t.paginate(t.filterLooks(await fetchLooks(), q), (l) => l.id, q.limit ?? 20, q.token);
      return { ...page, data: page.data.map(t.toLookItem) };
    },

    async getAvatarLook(lookId) {
      const look = (await fetchLooks()).find((l) => l.id === lookId);
      if (!look) throw new GatewayError('avatar_not_found', 'Avatar look not found.');
      return t.toLookItem(look);
    },

    async createAvatar() {
      throw unsupported('create avatars');
    },

    async listVoices(q) {
      t.checkVoiceQuery(q); // before any upstream call
      return t.paginate(t.filterVoices(await voices(), q), (v) => v.voice_id, q.limit ?? 20, q.token);
    },

    async getVoice(voiceId) {
      const voice = (await voices()).find((v) => v.voice_id === voiceId);
      if (!voice) throw new GatewayError('voice_not_found', 'Voice not found.');
      return voice;
    },

    async getUser() {
      const { wire } = await call('user.me', envelope(WireUserMe));
      if (version === 'v1' || t.hasBilling(wire.data)) return t.fromWireUser(wire.data);
      const quota = await call('user.quota', envelope(WireRemainingQuota));
      return t.fromWireUser(wire.data, quota.wire.data);
    },

    close: () => http.close(),
  };
  return adapter;
};
