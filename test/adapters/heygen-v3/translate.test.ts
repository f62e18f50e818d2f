/**
 * The pure heygen-v3 translation, table-tested with the v3 documents' own examples
 * (seeds/002_0ef26fb39557cb97.txt) passed through the wire schemas exactly as the adapter does.
 */
import { describe, expect, it } from 'vitest';
import type { VideoCreate } from '../../../src/api/schemas/videos.js';
import type { TranslationCreate } from '../../../src/api/schemas/translations.js';
import type { AvatarCreate } from '../../../src/api/schemas/avatars.js';
import { GatewayError } from '../../../src/core/errors.js';
import * as t from '../../../adapters/heygen-v3/translate.js';
import {
  WireAsset,
  WireAvatarCreated,
  WireAvatarGroup,
  WireAvatarLook,
  WireLanguages,
  WireTranslationCreated,
  WireTranslationDetail,
  WireUser,
  WireVideoCreated,
  WireVideoDetail,
  WireVoice,
  envelope,
  listEnvelope,
} from '../../../adapters/heygen-v3/wire.js';

// ---- request bodies from the docs ----

/** "Using Avatar V (higher quality)", Digital Twin guide. */
const DIGITAL_TWIN_AVATAR_V: VideoCreate = {
  type: 'avatar',
  avatar_id: 'YOUR_DIGITAL_TWIN_LOOK_ID',
  script: 'Hello! I am your Digital Twin.',
  voice_id: 'YOUR_VOICE_ID',
  title: 'My Digital Twin — Avatar V',
  resolution: '1080p',
  aspect_ratio: 'auto',
  engine: { type: 'avatar_v' },
};

/** "Using webhooks instead of polling", Digital Twin guide. */
const DIGITAL_TWIN_WEBHOOK: VideoCreate = {
  type: 'avatar',
  avatar_id: 'YOUR_DIGITAL_TWIN_LOOK_ID',
  script: 'This video uses a webhook callback.',
  voice_id: 'YOUR_VOICE_ID',
  callback_url: 'https://your-server.com/webhooks/heygen',
};

/** Image to Video, Step 1 (URL image). */
const IMAGE_TO_VIDEO: VideoCreate = {
  type: 'image',
  image: { type: 'url', url: 'https://example.com/person.jpg' },
  script: 'Hello! This video was generated directly from a photo, with no avatar setup needed.',
  voice_id: 'YOUR_VOICE_ID',
  title: 'Image to Video Demo',
  resolution: '1080p',
  aspect_ratio: 'auto',
};

/** Image to Video, "Using audio instead of a script". */
const IMAGE_TO_VIDEO_AUDIO: VideoCreate = {
  type: 'image',
  image: { type: 'url', url: 'https://example.com/person.jpg' },
  audio_url: 'https://example.com/narration.mp3',
  title: 'Image-to-Video with custom audio',
};

/** Video Translation (speed), "Batch (Multiple Languages)". */
const TRANSLATION_BATCH: TranslationCreate = {
  video: { type: 'url', url: '' },
  output_languages: ['English', 'Spanish', 'French'],
  mode: 'speed',
  title: 'Global Campaign',
};

/** Create Avatar, "Digital Twin". */
const AVATAR_DIGITAL_TWIN: AvatarCreate = {
  type: 'digital_twin',
  name: 'My Digital Twin',
  file: { type: 'url', url: 'https://example.com/training-footage.mp4' },
};

/** Create Avatar, "With reference images". */
const AVATAR_PROMPT_REFS: AvatarCreate = {
  type: 'prompt',
  name: 'Brand Ambassador — Plant Studio',
  prompt: 'Professional woman in her 40s, warm smile, wearing a navy blazer, modern office background with plants',
  avatar_id: 'look_abc123',
  reference_images: [
    { type: 'url', url: 'https://example.com/style-reference.png' },
    { type: 'url', url: 'https://example.com/setting-reference.jpg' },
  ],
};

// ---- response bodies from the docs ----

const LOOK_RESPONSE = {
  data: {
    id: 'look_def456',
    name: 'Monica - Business Casual',
    avatar_type: 'photo_avatar',
    group_id: 'group_abc123',
    gender: 'female',
    preview_image_url: 'https://files.heygen.ai/look/preview_def456.jpg',
    preview_video_url: 'https://files.heygen.ai/look/preview_def456.mp4',
    default_voice_id: 'voice_xyz789',
    tags: ['business', 'casual', 'female'],
    supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
    status: 'completed',
  },
};

const LOOK_LIST_RESPONSE = { data: [LOOK_RESPONSE.data], has_more: true, next_token: 'eyJsYXN0X2lkIjoiNDU2In0' };

const GROUP_RESPONSE = {
  data: {
    id: 'group_abc123',
    name: 'Monica',
    gender: 'female',
    preview_image_url: 'https://files.heygen.ai/avatar/preview_abc123.jpg',
    preview_video_url: 'https://files.heygen.ai/avatar/preview_abc123.mp4',
    looks_count: 3,
    default_voice_id: 'voice_xyz789',
    consent_status: null,
    status: 'completed',
    created_at: 1711382400,
  },
};

const VOICE_LIST_RESPONSE = {
  data: [
    {
      voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
      name: 'Sara',
      language: 'English',
      gender: 'female',
      preview_audio_url: 'https://files.heygen.ai/voice/preview/sara.mp3',
      support_pause: true,
      support_locale: true,
      type: 'public',
    },
  ],
  has_more: true,
  next_token: 'eyJsYXN0X2lkIjoiMTIzIn0',
};

const USER_WALLET_RESPONSE = {
  code: 100,
  data: {
    username: 'jane_doe',
    email: 'jane@example.com',
    first_name: 'Jane',
    last_name: 'Doe',
    billing_type: 'wallet',
    wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false } },
  },
  message: null,
};

const USER_SUBSCRIPTION_RESPONSE = {
  code: 100,
  data: {
    username: 'jane_doe',
    email: 'jane@example.com',
    first_name: 'Jane',
    last_name: 'Doe',
    billing_type: 'subscription',
    subscription: {
      plan: 'enterprise',
      credits: {
        premium_credits: { remaining: 250, resets_at: '2026-05-01T00:00:00Z' },
        add_on_credits: { remaining: 50, resets_at: null },
      },
    },
  },
  message: null,
};

const AVATAR_CREATED_RESPONSE = {
  data: {
    avatar_item: {
      id: 'look_abc123',
      name: 'Space Commander',
      avatar_type: 'studio_avatar',
      group_id: 'group_xyz789',
      preview_image_url: 'https://files.heygen.ai/...',
      supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
      tags: [],
    },
    avatar_group: {
      id: 'group_xyz789',
      name: 'Space Commander',
      looks_count: 1,
      consent_status: null,
      created_at: 1717000000,
    },
  },
};

const ASSET_RESPONSE = {
  data: {
    asset_id: 'asset_abc123def456',
    url: 'https://files.heygen.ai/assets/asset_abc123def456.png',
    mime_type: 'image/png',
    size_bytes: 245760,
  },
};

/** Video Agent, "Response (completed)" of GET /v3/videos/{video_id}. */
const VIDEO_COMPLETED_RESPONSE = {
  data: {
    id: 'vid_xyz789',
    title: 'Q3 Product Launch Explainer',
    status: 'completed',
    video_url: 'https://files.heygen.ai/video/vid_xyz789.mp4',
    thumbnail_url: 'https://files.heygen.ai/thumb/vid_xyz789.jpg',
    duration: 45.2,
    created_at: 1711382400,
    completed_at: 1711382680,
  },
};

const TRANSLATION_BATCH_RESPONSE = { data: { video_translation_ids: ['tr_abc123-en', 'tr_abc123-es', 'tr_abc123-fr'] } };

const wire = <S extends { parse: (v: unknown) => unknown }>(schema: S, v: unknown) => schema.parse(v) as ReturnType<S['parse']>;

describe('status words', () => {
  it.each([
    ['pending', 'pending'],
    ['processing', 'processing'],
    ['completed', 'completed'],
    ['failed', 'failed'],
    ['rendering', undefined],
    ['running', undefined],
    ['', undefined],
    ['constructor', undefined],
  ])('video %j -> %j', (w, v3) => {
    expect(t.videoStatusFromWire(w)).toBe(v3);
  });

  it.each([
    ['pending', 'pending'],
    ['running', 'running'],
    ['completed', 'completed'],
    ['failed', 'failed'],
    ['processing', undefined],
    ['success', undefined],
    ['__proto__', undefined],
  ])('translation %j -> %j', (w, v3) => {
    expect(t.translationStatusFromWire(w)).toBe(v3);
  });
});

describe('toWireVideoCreate', () => {
  it('sends the Digital Twin Avatar V body unchanged', () => {
    expect(t.toWireVideoCreate(DIGITAL_TWIN_AVATAR_V)).toStrictEqual({
      type: 'avatar',
      avatar_id: 'YOUR_DIGITAL_TWIN_LOOK_ID',
      script: 'Hello! I am your Digital Twin.',
      voice_id: 'YOUR_VOICE_ID',
      title: 'My Digital Twin — Avatar V',
      resolution: '1080p',
      aspect_ratio: 'auto',
      engine: { type: 'avatar_v' },
    });
  });

  it('sends the image-to-video bodies unchanged', () => {
    expect(t.toWireVideoCreate(IMAGE_TO_VIDEO)).toStrictEqual(IMAGE_TO_VIDEO);
    expect(t.toWireVideoCreate(IMAGE_TO_VIDEO_AUDIO)).toStrictEqual(IMAGE_TO_VIDEO_AUDIO);
  });

  it('removes callback_url (the gateway delivers callbacks) and keeps callback_id', () => {
    expect(t.toWireVideoCreate({ ...DIGITAL_TWIN_WEBHOOK, callback_id: 'order-42' })).toStrictEqual({
      type: 'avatar',
      avatar_id: 'YOUR_DIGITAL_TWIN_LOOK_ID',
      script: 'This video uses a webhook callback.',
      voice_id: 'YOUR_VOICE_ID',
      callback_id: 'order-42',
    });
  });

  it('drops null and undefined members at every depth', () => {
    const body: VideoCreate = {
      type: 'image',
      image: { type: 'asset_id', asset_id: 'RETURNED_ASSET_ID' },
      script: 'This video was created from an uploaded image asset.',
      voice_id: 'YOUR_VOICE_ID',
      title: null,
      resolution: undefined,
      callback_url: null,
      background: { type: 'color', value: '#FFFFFF', url: null, asset_id: null },
      voice_settings: { speed: 1.1, locale: null },
      engine: null,
    };
    expect(JSON.stringify(t.toWireVideoCreate(body))).toBe(
      '{"type":"image","image":{"type":"asset_id","asset_id":"RETURNED_ASSET_ID"},' +
        '"script":"This video was created from an uploaded image asset.","voice_id":"YOUR_VOICE_ID",' +
        '"background":{"type":"color","value":"#FFFFFF"},"voice_settings":{"speed":1.1}}',
    );
  });

  it('does not modify the client request', () => {
    const body: VideoCreate = { ...DIGITAL_TWIN_WEBHOOK, title: null };
    t.toWireVideoCreate(body);
    expect(body).toStrictEqual({ ...DIGITAL_TWIN_WEBHOOK, title: null });
  });
});

describe('video answers', () => {
  it.each([
    ['pending', 'pending'],
    ['processing', 'processing'],
    ['completed', 'completed'],
    ['failed', 'failed'],
    ['queued', 'pending'],
  ])('create answer status %j -> %j', (w, v3) => {
    const payload = { data: { video_id: 'vid_xyz789', status: w } };
    const sub = t.fromWireVideoCreated(wire(envelope(WireVideoCreated), payload).data, payload);
    expect(sub).toStrictEqual({ upstreamId: 'vid_xyz789', status: v3, payload });
  });

  it('normalizes the documented completed video, absent fields as null', () => {
    const d = wire(envelope(WireVideoDetail), VIDEO_COMPLETED_RESPONSE).data;
    expect(t.fromWireVideoDetail(d, VIDEO_COMPLETED_RESPONSE)).toStrictEqual({
      detail: {
        title: 'Q3 Product Launch Explainer',
        status: 'completed',
        created_at: 1711382400,
        completed_at: 1711382680,
        video_url: 'https://files.heygen.ai/video/vid_xyz789.mp4',
        thumbnail_url: 'https://files.heygen.ai/thumb/vid_xyz789.jpg',
        gif_url: null,
        captioned_video_url: null,
        subtitle_url: null,
        duration: 45.2,
        folder_id: null,
        output_language: null,
        failure_code: null,
        failure_message: null,
        video_page_url: null,
      },
      payload: VIDEO_COMPLETED_RESPONSE,
    });
  });

  it.each([
    ['pending', 'pending', undefined],
    ['processing', 'processing', undefined],
    ['completed', 'completed', undefined],
    ['failed', 'failed', undefined],
    ['rendering', 'processing', 'rendering'],
    ['success', 'processing', 'success'],
  ])('poll status %j -> %j (unknownStatus %j)', (w, v3, unknown) => {
    const payload = { data: { id: 'vid_1', status: w, failure_code: null } };
    const polled = t.fromWireVideoDetail(wire(envelope(WireVideoDetail), payload).data, payload);
    expect(polled.detail.status).toBe(v3);
    expect(polled.unknownStatus).toBe(unknown);
    expect('id' in polled.detail).toBe(false);
  });

  it('keeps failure_code and failure_message of a failed video', () => {
    const payload = { data: { id: 'v', status: 'failed', failure_code: 'RENDER_ERROR', failure_message: 'Avatar not usable' } };
    const polled = t.fromWireVideoDetail(wire(envelope(WireVideoDetail), payload).data, payload);
    expect(polled.detail).toMatchObject({ status: 'failed', failure_code: 'RENDER_ERROR', failure_message: 'Avatar not usable' });
  });

  it('rejects a detail without a status word or with a wrongly typed field', () => {
    expect(envelope(WireVideoDetail).safeParse({ data: { id: 'v' } }).success).toBe(false);
    expect(envelope(WireVideoDetail).safeParse({ data: { id: 'v', status: 'completed', duration: '45' } }).success).toBe(false);
    expect(envelope(WireVideoCreated).safeParse({ data: { status: 'pending' } }).success).toBe(false);
  });
});

describe('translations', () => {
  it('sends the documented batch body unchanged', () => {
    expect(t.toWireTranslationCreate(TRANSLATION_BATCH)).toStrictEqual({
      video: { type: 'url', url: '' },
      output_languages: ['English', 'Spanish', 'French'],
      mode: 'speed',
      title: 'Global Campaign',
    });
  });

  it('removes callback_url and nulls, keeps callback_id', () => {
    const body: TranslationCreate = {
      ...TRANSLATION_BATCH,
      callback_url: 'https://example.com/hook',
      callback_id: 'batch-7',
      audio: null,
      speaker_num: null,
      srt: { type: 'asset_id', asset_id: 'asset_srt' },
    };
    expect(t.toWireTranslationCreate(body)).toStrictEqual({
      video: { type: 'url', url: '' },
      output_languages: ['English', 'Spanish', 'French'],
      mode: 'speed',
      title: 'Global Campaign',
      callback_id: 'batch-7',
      srt: { type: 'asset_id', asset_id: 'asset_srt' },
    });
  });

  it('matches the documented ids to output_languages by index', () => {
    const d = wire(envelope(WireTranslationCreated), TRANSLATION_BATCH_RESPONSE).data;
    expect(t.fromWireTranslationCreated(d, TRANSLATION_BATCH.output_languages, TRANSLATION_BATCH_RESPONSE)).toStrictEqual({
      items: [
        { upstreamId: 'tr_abc123-en', outputLanguage: 'English' },
        { upstreamId: 'tr_abc123-es', outputLanguage: 'Spanish' },
        { upstreamId: 'tr_abc123-fr', outputLanguage: 'French' },
      ],
      payload: TRANSLATION_BATCH_RESPONSE,
    });
  });

  it('refuses to guess when the id count differs from the language count (502)', () => {
    const d = { video_translation_ids: ['trl_55f'] };
    let err: unknown;
    try {
      t.fromWireTranslationCreated(d, ['English', 'Spanish'], d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('upstream_error');
    expect((err as GatewayError).status).toBe(502);
  });

  it.each([
    ['pending', 'pending', undefined],
    ['running', 'running', undefined],
    ['completed', 'completed', undefined],
    ['failed', 'failed', undefined],
    ['success', 'running', 'success'],
    ['processing', 'running', 'processing'],
  ])('poll status %j -> %j (unknownStatus %j)', (w, v3, unknown) => {
    const payload = { data: { id: 'tr_abc123-es', status: w } };
    const polled = t.fromWireTranslationDetail(wire(envelope(WireTranslationDetail), payload).data, payload);
    expect(polled.detail.status).toBe(v3);
    expect(polled.unknownStatus).toBe(unknown);
  });

  it('normalizes a translation detail, absent fields as null', () => {
    const payload = {
      data: {
        id: 'tr_abc123-es',
        title: 'Global Campaign',
        status: 'completed',
        output_language: 'Spanish',
        duration: 42.5,
        video_url: 'https://files.heygen.ai/tr.mp4',
        callback_id: null,
        created_at: 1717000000,
      },
    };
    expect(t.fromWireTranslationDetail(wire(envelope(WireTranslationDetail), payload).data, payload)).toStrictEqual({
      detail: {
        title: 'Global Campaign',
        status: 'completed',
        output_language: 'Spanish',
        input_language: null,
        duration: 42.5,
        translate_audio_only: null,
        video_url: 'https://files.heygen.ai/tr.mp4',
        audio_url: null,
        callback_id: null,
        created_at: 1717000000,
        failure_message: null,
      },
      payload,
    });
  });

  it('reads the languages list', () => {
    expect(wire(envelope(WireLanguages), { data: { languages: ['English', 'Spanish'] } }).data.languages).toStrictEqual([
      'English',
      'Spanish',
    ]);
  });
});

describe('assets', () => {
  it('normalizes the documented upload answer', () => {
    expect(t.fromWireAsset(wire(envelope(WireAsset), ASSET_RESPONSE).data)).toStrictEqual(ASSET_RESPONSE.data);
  });
});

describe('avatars', () => {
  it('normalizes the documented look', () => {
    expect(t.fromWireAvatarLook(wire(envelope(WireAvatarLook), LOOK_RESPONSE).data)).toStrictEqual({
      id: 'look_def456',
      name: 'Monica - Business Casual',
      avatar_type: 'photo_avatar',
      group_id: 'group_abc123',
      gender: 'female',
      preview_image_url: 'https://files.heygen.ai/look/preview_def456.jpg',
      preview_video_url: 'https://files.heygen.ai/look/preview_def456.mp4',
      default_voice_id: 'voice_xyz789',
      tags: ['business', 'casual', 'female'],
      supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
      image_width: null,
      image_height: null,
      preferred_orientation: null,
      status: 'completed',
      error: null,
    });
  });

  it('normalizes the documented look list, token passed through', () => {
    const page = t.fromWirePage(wire(listEnvelope(WireAvatarLook), LOOK_LIST_RESPONSE), t.fromWireAvatarLook);
    expect(page.has_more).toBe(true);
    expect(page.next_token).toBe('eyJsYXN0X2lkIjoiNDU2In0');
    expect(page.data.map((l) => l.id)).toStrictEqual(['look_def456']);
  });

  it('normalizes the documented group', () => {
    expect(t.fromWireAvatarGroup(wire(envelope(WireAvatarGroup), GROUP_RESPONSE).data)).toStrictEqual({
      id: 'group_abc123',
      name: 'Monica',
      gender: 'female',
      preview_image_url: 'https://files.heygen.ai/avatar/preview_abc123.jpg',
      preview_video_url: 'https://files.heygen.ai/avatar/preview_abc123.mp4',
      looks_count: 3,
      default_voice_id: 'voice_xyz789',
      consent_status: null,
      status: 'completed',
      created_at: 1711382400,
      error: null,
    });
  });

  it('normalizes the documented create answer', () => {
    expect(t.fromWireAvatarCreated(wire(envelope(WireAvatarCreated), AVATAR_CREATED_RESPONSE).data)).toStrictEqual({
      avatar_item: {
        id: 'look_abc123',
        name: 'Space Commander',
        avatar_type: 'studio_avatar',
        group_id: 'group_xyz789',
        preview_image_url: 'https://files.heygen.ai/...',
        preview_video_url: null,
        gender: null,
        default_voice_id: null,
        supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
        tags: [],
        image_width: null,
        image_height: null,
        preferred_orientation: null,
        status: null,
        error: null,
      },
      avatar_group: {
        id: 'group_xyz789',
        name: 'Space Commander',
        preview_image_url: null,
        preview_video_url: null,
        gender: null,
        looks_count: 1,
        default_voice_id: null,
        consent_status: null,
        status: null,
        error: null,
        created_at: 1717000000,
      },
    });
  });

  it('keeps the error of a failed private avatar', () => {
    const g = wire(envelope(WireAvatarGroup), {
      data: {
        ...GROUP_RESPONSE.data,
        status: 'failed',
        error: { code: 'training_failed', message: 'Footage duration must be between 15s and 600s' },
      },
    }).data;
    expect(t.fromWireAvatarGroup(g)).toMatchObject({
      status: 'failed',
      error: { code: 'training_failed', message: 'Footage duration must be between 15s and 600s' },
    });
  });

  it('rejects a look without the fields v3 requires', () => {
    const { name: _name, ...noName } = LOOK_RESPONSE.data;
    expect(envelope(WireAvatarLook).safeParse({ data: noName }).success).toBe(false);
    expect(envelope(WireAvatarGroup).safeParse({ data: { id: 'g', name: 'n', created_at: 1 } }).success).toBe(false);
  });

  it('sends the documented create bodies unchanged, nulls removed', () => {
    expect(t.toWireAvatarCreate(AVATAR_DIGITAL_TWIN)).toStrictEqual(AVATAR_DIGITAL_TWIN);
    expect(t.toWireAvatarCreate(AVATAR_PROMPT_REFS)).toStrictEqual(AVATAR_PROMPT_REFS);
    expect(t.toWireAvatarCreate({ ...AVATAR_DIGITAL_TWIN, avatar_group_id: null })).toStrictEqual(AVATAR_DIGITAL_TWIN);
  });

  it('builds list queries with only the given parameters', () => {
    expect(t.avatarGroupQuery({ ownership: 'public', limit: 5 })).toStrictEqual({ ownership: 'public', limit: 5, token: undefined });
    expect(
      t.avatarLookQuery({ avatar_type: 'digital_twin', ownership: 'private', token: 'eyJsYXN0X2lkIjoiNDU2In0' }),
    ).toStrictEqual({
      group_id: undefined,
      avatar_type: 'digital_twin',
      ownership: 'private',
      limit: undefined,
      token: 'eyJsYXN0X2lkIjoiNDU2In0',
    });
  });
});

describe('voices', () => {
  it('normalizes the documented voice list', () => {
    const page = t.fromWirePage(wire(listEnvelope(WireVoice), VOICE_LIST_RESPONSE), t.fromWireVoice);
    expect(page).toStrictEqual(VOICE_LIST_RESPONSE);
  });

  it('maps an absent next_token and preview to null', () => {
    const { preview_audio_url: _p, ...noPreview } = VOICE_LIST_RESPONSE.data[0]!;
    const page = t.fromWirePage(wire(listEnvelope(WireVoice), { data: [noPreview], has_more: false }), t.fromWireVoice);
    expect(page.next_token).toBeNull();
    expect(page.data[0]!.preview_audio_url).toBeNull();
  });

  it('builds the list query', () => {
    expect(t.voiceQuery({ language: 'English', gender: 'female' })).toStrictEqual({
      type: undefined,
      engine: undefined,
      language: 'English',
      gender: 'female',
      limit: undefined,
      token: undefined,
    });
  });
});

describe('users/me', () => {
  it('normalizes the documented wallet answer (code-100 envelope)', () => {
    expect(t.fromWireUser(wire(envelope(WireUser), USER_WALLET_RESPONSE).data)).toStrictEqual({
      username: 'jane_doe',
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      billing_type: 'wallet',
      wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false, threshold_usd: null, amount_usd: null } },
      subscription: null,
      usage_based: null,
    });
  });

  it('normalizes the documented subscription answer', () => {
    expect(t.fromWireUser(wire(envelope(WireUser), USER_SUBSCRIPTION_RESPONSE).data)).toStrictEqual({
      username: 'jane_doe',
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      billing_type: 'subscription',
      wallet: null,
      subscription: {
        plan: 'enterprise',
        credits: {
          premium_credits: { remaining: 250, resets_at: '2026-05-01T00:00:00Z' },
          add_on_credits: { remaining: 50, resets_at: null },
        },
      },
      usage_based: null,
    });
  });

  it('accepts the plain {data} envelope too', () => {
    expect(wire(envelope(WireUser), { data: USER_WALLET_RESPONSE.data }).data.username).toBe('jane_doe');
  });
});

describe('errorInfoFromWire', () => {
  it.each([
    [
      'the documented insufficient_credit body',
      JSON.stringify({
        error: {
          code: 'insufficient_credit',
          message: 'Your account has 5 credits but this video requires 10 credits.',
          doc_url: 'https://developers.heygen.com/docs/error-codes#insufficient-credit',
        },
      }),
      { code: 'insufficient_credit', message: 'Your account has 5 credits but this video requires 10 credits.', param: null },
    ],
    [
      'the documented invalid_parameter body',
      JSON.stringify({
        error: { code: 'invalid_parameter', message: "'prompt' is required and must be 1-10000 characters.", param: 'prompt', doc_url: null },
      }),
      { code: 'invalid_parameter', message: "'prompt' is required and must be 1-10000 characters.", param: 'prompt' },
    ],
    [
      'a body with a wrongly typed member',
      JSON.stringify({ error: { code: 404, message: 'Video not found.' } }),
      { code: null, message: 'Video not found.', param: null },
    ],
    ['HTML from a proxy', '<html><body>502 Bad Gateway</body></html>', {}],
    ['an empty body', '', {}],
    ['JSON without an error object', '{"message":"nope"}', {}],
    ['a JSON string', '"error"', {}],
  ])('%s', (_name, text, info) => {
    expect(t.errorInfoFromWire(text)).toStrictEqual(info);
  });
});

describe('compact', () => {
  it('keeps falsy values that are not null or undefined, and array positions', () => {
    expect(t.compact({ a: 0, b: false, c: '', d: null, e: [1, null, { f: null, g: 2 }] })).toStrictEqual({
      a: 0,
      b: false,
      c: '',
      e: [1, null, { g: 2 }],
    });
  });
});
