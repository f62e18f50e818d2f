/**
 * The adapter interface: what src/core asks of any upstream, in the normalized (v3) model.
 * One adapter instance serves one configured account; adapters/registry.ts builds them.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { AccountConfig } from '../config/schema.js';
import type { VideoCreate, VideoDetail, VideoStatus } from '../api/schemas/videos.js';
import type { TranslationCreate, TranslationDetail, TranslationStatus } from '../api/schemas/translations.js';
import type { AssetUploaded } from '../api/schemas/assets.js';
import type {
  AvatarCreate,
  AvatarCreated,
  AvatarGroupItem,
  AvatarGroupListQuery,
  AvatarLookItem,
  AvatarLookListQuery,
} from '../api/schemas/avatars.js';
import type { VoiceItem, VoiceListQuery } from '../api/schemas/voices.js';
import type { UserInfo } from '../api/schemas/users.js';
import type { V2GenerateBody } from '../api/schemas/legacy.js';
import type { Logger } from './logger.js';

export const OPERATIONS = [
  'video.create',
  'video.get',
  'video.delete',
  'translation.create',
  'translation.get',
  'translation.languages',
  'asset.upload',
  'avatar.groups.list',
  'avatar.groups.get',
  'avatar.looks.list',
  'avatar.looks.get',
  'avatar.create',
  'voice.list',
  'voice.get',
  'user.get',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A field of a request that an account cannot honour; `param` is a dotted path into the v3 body. */
export interface Unsupported {
  param: string;
  reason: string;
}

/**
 * A video request in the normalized model. `legacy` carries the original body of a legacy v2
 * client (POST /v2/video/generate): adapters that speak the v2 shape (heygen-v2, gmi) send it as
 * it came, keeping scenes and v2-only settings; every other adapter works from the v3 fields,
 * which hold the translation of its single scene.
 */
export type VideoRequest = VideoCreate & { legacy?: V2GenerateBody };

/** Inputs whose individual fields a provider may be unable to honour. */
export interface CheckedInputs {
  'video.create': VideoRequest;
  'translation.create': TranslationCreate;
  'avatar.create': AvatarCreate;
}

export interface Capabilities {
  operations: ReadonlySet<Operation>;
  /** Renders several scenes in one video (a legacy v2 body with more than one `video_inputs` item). */
  multiScene?: boolean;
  /**
   * Sends a legacy client's v2 body as it came (VideoRequest.legacy), so v2-only settings (circle
   * style, scale, emotion, silence, video backgrounds, captions, ...) are honoured. Without it an
   * account works from the v3 fields and a request carrying such settings is not routed to it.
   */
  legacyV2Body?: boolean;
  /** Per-operation field checks; an operation without one honours every v3 field. */
  fields?: { [K in keyof CheckedInputs]?: (input: CheckedInputs[K]) => Unsupported[] };
}

/** Normalized status answer: the v3 detail without the gateway's id. */
export interface Polled<D, S extends string> {
  detail: Omit<D, 'id'> & { status: S };
  /** The upstream's own answer, stored for operators. */
  payload: unknown;
  /** Set when the upstream used a status word the adapter does not know (mapped to in-progress). */
  unknownStatus?: string;
}

export type VideoPolled = Polled<VideoDetail, VideoStatus>;
export type TranslationPolled = Polled<TranslationDetail, TranslationStatus>;

export interface VideoSubmitted {
  upstreamId: string;
  status: VideoStatus;
  payload: unknown;
}

export interface TranslationSubmitted {
  /** One upstream job per output language, in the order of `output_languages`. */
  items: Array<{ upstreamId: string; outputLanguage: string }>;
  payload: unknown;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}

/** A file on its way through the gateway: streamed, never held whole in memory. */
export interface UploadSource {
  stream: Readable;
  filename: string;
  /** Detected from the file's magic bytes, not taken from the client. */
  mimeType: string;
}

export interface Adapter {
  readonly provider: string;
  readonly accountId: string;
  readonly capabilities: Capabilities;

  createVideo(req: VideoRequest): Promise<VideoSubmitted>;
  getVideo(upstreamId: string): Promise<VideoPolled>;
  deleteVideo(upstreamId: string): Promise<void>;

  createTranslation(req: TranslationCreate): Promise<TranslationSubmitted>;
  getTranslation(upstreamId: string): Promise<TranslationPolled>;
  listTranslationLanguages(): Promise<string[]>;

  uploadAsset(file: UploadSource): Promise<AssetUploaded>;

  listAvatarGroups(q: AvatarGroupListQuery): Promise<Page<AvatarGroupItem>>;
  getAvatarGroup(groupId: string): Promise<AvatarGroupItem>;
  listAvatarLooks(q: AvatarLookListQuery): Promise<Page<AvatarLookItem>>;
  getAvatarLook(lookId: string): Promise<AvatarLookItem>;
  createAvatar(req: AvatarCreate): Promise<AvatarCreated>;

  listVoices(q: VoiceListQuery): Promise<Page<VoiceItem>>;
  getVoice(voiceId: string): Promise<VoiceItem>;

  getUser(): Promise<UserInfo>;

  /** Releases pooled connections. */
  close(): Promise<void>;
}

export interface AdapterDeps {
  logger: Logger;
  /** Tests inject an undici MockAgent or a loopback Agent here; production builds a Pool per origin. */
  dispatcher?: Dispatcher;
}

export type AdapterFactory = (account: AccountConfig, deps: AdapterDeps) => Adapter;

/** The capability check core runs before choosing (or accepting a pin to) an account. */
export function unsupportedFields<K extends keyof CheckedInputs>(
  caps: Capabilities,
  op: K,
  input: CheckedInputs[K],
): Unsupported[] {
  const check = caps.fields?.[op] as ((i: CheckedInputs[K]) => Unsupported[]) | undefined;
  return check ? check(input) : [];
}
