/**
 * Jobs: the gateway's record of every video and translation it started. Creates are dispatched by
 * the router (eligibility, policy, budget reservation, fallback, circuit breaker) and stored with
 * the id their budget reservation carries; reads go back to the account that made the job, and a
 * job that has reached a terminal status is answered from the store without calling the upstream.
 */
import type { ClientConfig } from '../config/schema.js';
import type { VideoCreate, VideoDetail } from '../api/schemas/videos.js';
import type { TranslationCreate, TranslationDetail } from '../api/schemas/translations.js';
import type { AvatarCreate, AvatarCreated } from '../api/schemas/avatars.js';
import type { Adapter, Page, Polled, VideoRequest } from './adapter.js';
import { GatewayError } from './errors.js';
import { decodeCursor, encodeCursor, newJobId } from './ids.js';
import type { Logger } from './logger.js';
import type { Router } from './router.js';
import { newSpendId, translationCharges, type SpendLedger } from './spend.js';
import type { JobKind, JobRecord, Store } from '../store/types.js';
import { invalidParameter } from './errors.js';
import { planJobEffects } from './webhooks/events.js';

export const TERMINAL = new Set(['completed', 'failed']);

export interface Served<T> {
  value: T;
  /** The adapter that served the call, for the X-Gateway-* headers. */
  adapter: Adapter;
}

export interface JobServiceDeps {
  store: Store;
  router: Router;
  logger: Logger;
  now?: () => number;
  /** Called for every upstream status word an adapter did not know (metrics hook). */
  onUnknownStatus?: (provider: string, kind: JobKind, word: string) => void;
  /** Called once per job, after the transaction that made it terminal (and queued its events). */
  onFinished?: (job: JobRecord) => void;
  /** Ties each create's budget reservations to the jobs it made; the router makes them. */
  spend?: SpendLedger;
}

/** Upstream download URLs are presigned for 7 days; a completed job older than this gets fresh ones. */
export const URL_REFRESH_AFTER_MS = 6 * 24 * 60 * 60 * 1000;

type Detail = Record<string, unknown>;

const NOT_FOUND: Record<JobKind, string> = { video: 'Video not found.', translation: 'Video translation not found.' };

export class JobService {
  private readonly inflight = new Map<string, Promise<JobRecord>>();
  private readonly now: () => number;
  private lastStamp = 0;

  constructor(private readonly deps: JobServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  // ---- videos ---------------------------------------------------------------------------

  /** `onAttempt` hears of each account tried, before its upstream call (to name it on an error answer). */
  async createVideo(
    client: ClientConfig,
    body: VideoRequest,
    pin?: string,
    onAttempt?: (adapter: Adapter) => void,
  ): Promise<Served<{ video_id: string; status: string }>> {
    const affinity = await this.affinityOf(client, videoReferences(body));
    const { result: submitted, candidate, charges } = await this.deps.router.dispatch(
      { client, op: 'video.create', input: body, pin, affinity },
      {
        // The job id is decided before the call: it is also the id of the budget reservation.
        charges: (c) => [{ id: newJobId('video'), estimateUsd: c.estimateUsd }],
        send: (c) => c.adapter.createVideo(c.input),
        commit: async (c, sent, [charge]) => {
          const at = this.stamp();
          await this.deps.store.insertJob({
            id: charge!.id,
            clientId: client.id,
            accountId: c.adapter.accountId,
            provider: c.adapter.provider,
            kind: 'video',
            upstreamId: sent.upstreamId,
            status: sent.status,
            title: body.title ?? null,
            folderId: null,
            callbackUrl: body.callback_url ?? null,
            callbackId: body.callback_id ?? null,
            request: body,
            detail: { status: sent.status, title: body.title ?? null, created_at: Math.floor(at / 1000) },
            upstreamPayload: sent.payload,
            createdAt: at,
          });
          await this.deps.spend?.attach([charge!], [charge!.id]);
        },
        ...(onAttempt ? { onAttempt } : {}),
      },
    );
    const adapter = candidate.adapter;
    const id = charges[0]!.id;
    this.deps.logger.info({ job: id, account: adapter.accountId, upstream_id: submitted.upstreamId }, 'video job created');
    return { value: { video_id: id, status: submitted.status }, adapter };
  }

  async getVideo(client: ClientConfig, id: string): Promise<Served<VideoDetail>> {
    const job = await this.owned(client, id, 'video');
    const adapter = this.deps.router.forJob(job.accountId);
    const fresh = await this.refresh(job, adapter);
    return { value: toVideoDetail(fresh), adapter };
  }

  async listVideos(client: ClientConfig, q: { limit?: number | undefined; token?: string | undefined; folder_id?: string | undefined; title?: string | undefined }): Promise<Page<VideoDetail>> {
    const page = await this.list(client, 'video', q.limit ?? 10, q.token, q.folder_id, q.title);
    return { ...page, data: page.data.map(toVideoDetail) };
  }

  async deleteVideo(client: ClientConfig, id: string): Promise<Served<{ id: string; deleted: boolean }>> {
    const job = await this.owned(client, id, 'video');
    const adapter = this.deps.router.forJob(job.accountId);
    try {
      await adapter.deleteVideo(job.upstreamId);
    } catch (err) {
      // Already gone upstream: the client's intent is met, so the gateway record goes too.
      if (!(err instanceof GatewayError && err.status === 404)) throw err;
    }
    await this.deps.store.markDeleted(job.id, this.now());
    return { value: { id: job.id, deleted: true }, adapter };
  }

  // ---- translations ---------------------------------------------------------------------

  async createTranslation(
    client: ClientConfig,
    body: TranslationCreate,
    pin?: string,
    onAttempt?: (adapter: Adapter) => void,
  ): Promise<Served<{ video_translation_ids: string[] }>> {
    const refs: Reference[] = [];
    if (body.video.type === 'asset_id') refs.push({ kind: 'asset', id: body.video.asset_id, param: 'video.asset_id' });
    if (body.audio?.type === 'asset_id') refs.push({ kind: 'asset', id: body.audio.asset_id, param: 'audio.asset_id' });
    if (body.srt?.type === 'asset_id') refs.push({ kind: 'asset', id: body.srt.asset_id, param: 'srt.asset_id' });
    const affinity = await this.affinityOf(client, refs);
    let ids: string[] = [];
    const { candidate } = await this.deps.router.dispatch(
      { client, op: 'translation.create', input: body, pin, affinity },
      {
        // One job, and one reservation with the job's id, per output language.
        charges: (c) => translationCharges(c.account, c.input, c.input.output_languages.map(() => newJobId('translation'))),
        send: (c) => c.adapter.createTranslation(c.input),
        commit: async (c, submitted, booked) => {
          const at = this.stamp(submitted.items.length);
          const jobs = submitted.items.map((item, i) => ({
            // An upstream answering with more items than languages asked for still gets an id per job.
            id: booked[i]?.id ?? newJobId('translation'),
            clientId: client.id,
            accountId: c.adapter.accountId,
            provider: c.adapter.provider,
            kind: 'translation' as const,
            upstreamId: item.upstreamId,
            status: 'pending',
            title: body.title ?? null,
            folderId: body.folder_id ?? null,
            callbackUrl: body.callback_url ?? null,
            callbackId: body.callback_id ?? null,
            request: body,
            detail: {
              status: 'pending',
              title: body.title ?? null,
              output_language: item.outputLanguage,
              input_language: body.input_language ?? null,
              translate_audio_only: body.translate_audio_only ?? false,
              callback_id: body.callback_id ?? null,
              created_at: Math.floor(at / 1000),
            },
            upstreamPayload: submitted.payload,
            // One millisecond apart, so a batch lists in a fixed order (the first language last, newest first).
            createdAt: at + i,
          }));
          await this.deps.store.insertJobs(jobs);
          await this.deps.spend?.attach(booked, jobs.map((j) => j.id));
          // Languages the upstream made no job for cost nothing.
          if (booked.length > jobs.length) await this.deps.spend?.release(booked.slice(jobs.length));
          ids = jobs.map((j) => j.id);
        },
        ...(onAttempt ? { onAttempt } : {}),
      },
    );
    const adapter = candidate.adapter;
    this.deps.logger.info({ jobs: ids, account: adapter.accountId }, 'translation jobs created');
    return { value: { video_translation_ids: ids }, adapter };
  }

  async getTranslation(client: ClientConfig, id: string): Promise<Served<TranslationDetail>> {
    const job = await this.owned(client, id, 'translation');
    const adapter = this.deps.router.forJob(job.accountId);
    const fresh = await this.refresh(job, adapter);
    return { value: toTranslationDetail(fresh), adapter };
  }

  async listTranslations(client: ClientConfig, q: { limit?: number | undefined; token?: string | undefined }): Promise<Page<TranslationDetail>> {
    const page = await this.list(client, 'translation', q.limit ?? 10, q.token);
    return { ...page, data: page.data.map(toTranslationDetail) };
  }

  // ---- shared ---------------------------------------------------------------------------

  /**
   * Creation times that never repeat within this process: list order (newest first) then
   * follows creation order even for jobs made in the same millisecond. Reserves `count` stamps.
   */
  private stamp(count = 1): number {
    const at = Math.max(this.now(), this.lastStamp + 1);
    this.lastStamp = at + count - 1;
    return at;
  }

  // ---- avatars -----------------------------------------------------------------------------

  /**
   * Avatar creation is billed per call, so it is routed like any create: budget reserved first,
   * fallback on failures that created nothing, outcome reported to the breaker. The new look and
   * group exist only on the account that made them: later requests naming them go there.
   */
  async createAvatar(client: ClientConfig, body: AvatarCreate, pin?: string, onAttempt?: (adapter: Adapter) => void): Promise<Served<AvatarCreated>> {
    const refs: Reference[] = [];
    if ('file' in body && body.file.type === 'asset_id') refs.push({ kind: 'asset', id: body.file.asset_id, param: 'file.asset_id' });
    if (body.type === 'prompt' && body.avatar_id) refs.push({ kind: 'look', id: body.avatar_id, param: 'avatar_id' });
    if (body.avatar_group_id) refs.push({ kind: 'group', id: body.avatar_group_id, param: 'avatar_group_id' });
    const affinity = await this.affinityOf(client, refs);
    const { result, candidate } = await this.deps.router.dispatch(
      { client, op: 'avatar.create', input: body, pin, affinity },
      {
        charges: (c) => [{ id: newSpendId(), estimateUsd: c.estimateUsd }],
        send: (c) => c.adapter.createAvatar(c.input),
        commit: async (c, created, charges) => {
          const accountId = c.adapter.accountId;
          if (created.avatar_item?.id) await this.deps.store.putAffinity('look', created.avatar_item.id, accountId, client.id);
          if (created.avatar_group?.id) await this.deps.store.putAffinity('group', created.avatar_group.id, accountId, client.id);
          // A per-call price: the estimate is what it costs.
          await this.deps.spend?.settleAtEstimate(charges);
        },
        ...(onAttempt ? { onAttempt } : {}),
      },
    );
    return { value: result, adapter: candidate.adapter };
  }

  /**
   * The account that owns the first referenced asset or look this client created through the
   * gateway: such ids only exist on that account. Ids the gateway never saw (public looks) route freely.
   */
  async affinityOf(client: ClientConfig, refs: Reference[]): Promise<{ accountId: string; param: string } | undefined> {
    for (const ref of refs) {
      const hit = await this.deps.store.getAffinity(ref.kind, ref.id);
      if (hit && hit.clientId === client.id) return { accountId: hit.accountId, param: ref.param };
    }
    return undefined;
  }

  /** The job if it exists, belongs to this client, is of this kind and is not deleted; else 404. */
  private async owned(client: ClientConfig, id: string, kind: JobKind): Promise<JobRecord> {
    const job = await this.deps.store.getJob(id);
    if (!job || job.clientId !== client.id || job.kind !== kind || job.deletedAt !== null) {
      throw new GatewayError('video_not_found', NOT_FOUND[kind], { status: 404 });
    }
    return job;
  }

  /** Terminal jobs come from the store; in-progress ones from the upstream (one call per job at a time). */
  async refresh(job: JobRecord, adapter: Adapter): Promise<JobRecord> {
    if (TERMINAL.has(job.status) && !this.urlsStale(job)) return job;
    const running = this.inflight.get(job.id);
    if (running) return running;
    const p = this.poll(job, adapter).finally(() => this.inflight.delete(job.id));
    this.inflight.set(job.id, p);
    return p;
  }

  private urlsStale(job: JobRecord): boolean {
    return job.status === 'completed' && this.now() - job.updatedAt > URL_REFRESH_AFTER_MS;
  }

  private async poll(job: JobRecord, adapter: Adapter): Promise<JobRecord> {
    const fetchUpstream = (): Promise<Polled<Detail, string>> =>
      job.kind === 'video' ? adapter.getVideo(job.upstreamId) : adapter.getTranslation(job.upstreamId);
    if (TERMINAL.has(job.status)) {
      // A finished job asked for again after its URLs expired: only the URLs change, never the
      // outcome. An upstream that cannot answer now leaves the stored result standing (the next
      // GET tries again) rather than making a finished job unreadable.
      let polled: Polled<Detail, string>;
      try {
        polled = await fetchUpstream();
      } catch (err) {
        this.deps.logger.warn({ job: job.id, account: job.accountId, err }, 'refreshing expiring URLs failed; serving the stored result');
        return job;
      }
      if (polled.detail.status !== 'completed') return job;
      const detail: Detail = { ...(job.detail ?? {}), ...dropNullish(polled.detail), status: job.status };
      await this.deps.store.refreshTerminalDetail(job.id, detail, polled.payload);
      return (await this.deps.store.getJob(job.id)) ?? { ...job, detail };
    }
    const polled = await fetchUpstream();
    if (polled.unknownStatus !== undefined) {
      this.deps.logger.warn({ job: job.id, provider: adapter.provider, word: polled.unknownStatus }, 'unknown upstream status word');
      this.deps.onUnknownStatus?.(adapter.provider, job.kind, polled.unknownStatus);
    }
    const status = polled.detail.status;
    // Keep what the gateway knew that the upstream answer may lack (title, language, created_at).
    const detail: Detail = { ...(job.detail ?? {}), ...dropNullish(polled.detail), status };
    if (!TERMINAL.has(status)) {
      // Most polls of a running job change nothing: skip the write (and its fsync).
      if (status === job.status && JSON.stringify(detail) === JSON.stringify(job.detail)) return job;
      const updated = await this.deps.store.updateJob(job.id, { status, detail, upstreamPayload: polled.payload, completedAt: null });
      return updated ?? { ...job, status, detail };
    }
    // The terminal result and the events it owes the client are stored in one transaction, so a
    // crash can lose neither; only the call that made the transition emits them.
    const at = this.now();
    const effects = await planJobEffects(this.deps.store, { ...job, status, detail, completedAt: at }, at);
    const { job: stored, transitioned } = await this.deps.store.finishJob(
      job.id,
      { status, detail, upstreamPayload: polled.payload, completedAt: at },
      effects,
    );
    const finished = stored ?? { ...job, status, detail, completedAt: at };
    if (transitioned) {
      this.deps.logger.info({ job: job.id, status, events: effects.deliveries.length }, 'job finished');
      this.deps.onFinished?.(finished);
    }
    return finished;
  }

  private async list(client: ClientConfig, kind: JobKind, limit: number, token?: string, folderId?: string, title?: string): Promise<Page<JobRecord>> {
    const after = token ? decodeCursor(token) : undefined;
    if (token && !after) throw invalidParameter('token', "'token' is not a valid pagination token.");
    const rows = await this.deps.store.listJobs({
      clientId: client.id,
      kind,
      limit: limit + 1,
      ...(after ? { after } : {}),
      ...(folderId ? { folderId } : {}),
      ...(title ? { titleContains: title } : {}),
    });
    const has_more = rows.length > limit;
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data, has_more, next_token: has_more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }
}

export interface Reference {
  kind: 'asset' | 'look' | 'group';
  id: string;
  param: string;
}

function videoReferences(body: VideoCreate): Reference[] {
  const refs: Reference[] = [];
  if (body.type === 'avatar') refs.push({ kind: 'look', id: body.avatar_id, param: 'avatar_id' });
  if (body.type === 'image' && body.image.type === 'asset_id') refs.push({ kind: 'asset', id: body.image.asset_id, param: 'image.asset_id' });
  if (body.audio_asset_id) refs.push({ kind: 'asset', id: body.audio_asset_id, param: 'audio_asset_id' });
  if (body.background?.asset_id) refs.push({ kind: 'asset', id: body.background.asset_id, param: 'background.asset_id' });
  return refs;
}

function dropNullish(o: Detail): Detail {
  const out: Detail = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function toVideoDetail(job: JobRecord): VideoDetail {
  const d = job.detail ?? {};
  return {
    ...(d as Partial<VideoDetail>),
    id: job.id,
    status: job.status as VideoDetail['status'],
    title: (d.title as string | null | undefined) ?? job.title,
    created_at: (d.created_at as number | null | undefined) ?? Math.floor(job.createdAt / 1000),
  };
}

function toTranslationDetail(job: JobRecord): TranslationDetail {
  const d = job.detail ?? {};
  return {
    ...(d as Partial<TranslationDetail>),
    id: job.id,
    status: job.status as TranslationDetail['status'],
    title: (d.title as string | null | undefined) ?? job.title,
    callback_id: (d.callback_id as string | null | undefined) ?? job.callbackId,
    created_at: (d.created_at as number | null | undefined) ?? Math.floor(job.createdAt / 1000),
  };
}
