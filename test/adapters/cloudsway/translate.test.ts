/**
 * The pure cloudsway translation, table-tested with the Cloudsway document's own examples
 * (seeds/000_b1da45572262cd95.txt, in ./fixtures.ts) passed through the wire schemas exactly as
 * the adapter does.
 */
import { describe, expect, it } from 'vitest';
import type { VideoRequest } from '../../../src/core/adapter.js';
import type { TranslationCreate } from '../../../src/api/schemas/translations.js';
import type { AvatarCreate } from '../../../src/api/schemas/avatars.js';
import { GatewayError } from '../../../src/core/errors.js';
import * as t from '../../../adapters/cloudsway/translate.js';
import {
  WireAsset,
  WireAvatarCreated,
  WireAvatarGroup,
  WireAvatarLook,
  WireLanguages,
  WireTranslationCreated,
  WireTranslationDetail,
  WireVideoCreated,
  WireVideoDetail,
  envelope,
  listEnvelope,
} from '../../../adapters/cloudsway/wire.js';
import {
  DOC_ASSET_RESPONSE,
  DOC_GROUP_LIST_RESPONSE,
  DOC_GROUP_RESPONSE,
  DOC_LANGUAGES_RESPONSE,
  DOC_LOOK_LIST_RESPONSE,
  DOC_LOOK_RESPONSE,
  DOC_PHOTO_AVATAR,
  DOC_PHOTO_AVATAR_RESPONSE,
  DOC_TRANSLATION_BY_ASSET,
  DOC_TRANSLATION_BY_URL,
  DOC_TRANSLATION_COMPLETED,
  DOC_TRANSLATION_CREATED,
  DOC_TRANSLATION_FAILED,
  DOC_TRANSLATION_PROCESSING,
  DOC_VIDEO_AUDIO,
  DOC_VIDEO_CREATED,
  DOC_VIDEO_EXAMPLE_A,
  DOC_VIDEO_EXAMPLE_B,
  DOC_VIDEO_STATUS,
  V3_GROUP,
  V3_LOOK,
  V3_VIDEO_EXAMPLE_A,
  V3_VIDEO_EXAMPLE_B,
} from './fixtures.js';

const asVideo = (b: unknown): VideoRequest => b as VideoRequest;
const asTranslation = (b: unknown): TranslationCreate => b as TranslationCreate;

function thrown(f: () => unknown): GatewayError {
  try {
    f();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('video create bodies', () => {
  const { voice_settings: _a, ...exampleAWithoutSettings } = DOC_VIDEO_EXAMPLE_A;
  const { fit: _b, ...exampleBWithoutFit } = DOC_VIDEO_EXAMPLE_B;

  it.each([
    ['the pre-recorded audio example, verbatim', DOC_VIDEO_AUDIO, DOC_VIDEO_AUDIO],
    // v3 has no voice_settings.volume: the example as a v3 client can write it.
    ['Example A (without volume)', V3_VIDEO_EXAMPLE_A, { ...exampleAWithoutSettings, voice_settings: { speed: 1.0, pitch: 1.0 } }],
    // v3 has no fit: the example as a v3 client can write it.
    ['Example B (without fit)', V3_VIDEO_EXAMPLE_B, exampleBWithoutFit],
  ])('%s becomes the document body', (_name, v3, wire) => {
    expect(t.toWireVideoCreate(asVideo(v3))).toStrictEqual(wire);
  });

  it('keeps the document member order and drops nulls, callback_url and the legacy body', () => {
    const body = t.toWireVideoCreate(
      asVideo({
        engine: { type: 'avatar_v' },
        callback_url: 'https://client.example.com/hook',
        callback_id: 'order-42',
        voice_settings: { speed: 1.2, pitch: -3, locale: null },
        background: { type: 'image', url: null, asset_id: 'asset-bg1', value: null },
        audio_asset_id: null,
        script: 'Hi.',
        motion_prompt: 'wave hello',
        remove_background: true,
        aspect_ratio: '9:16',
        avatar_id: 'lk_abc123def456',
        type: 'avatar',
        title: null,
        legacy: { video_inputs: [] },
      }),
    );
    expect(JSON.stringify(body)).toBe(
      '{"type":"avatar","avatar_id":"lk_abc123def456","aspect_ratio":"9:16",' +
        '"background":{"type":"image","asset_id":"asset-bg1"},"remove_background":true,"callback_id":"order-42",' +
        '"script":"Hi.","voice_settings":{"speed":1.2,"pitch":-3},"motion_prompt":"wave hello","engine":{"type":"avatar_v"}}',
    );
  });

  it('refuses, defensively, a body the capability check rejects', () => {
    const err = thrown(() => t.toWireVideoCreate(asVideo({ ...DOC_VIDEO_AUDIO, aspect_ratio: '1:1' })));
    expect([err.status, err.code, err.param]).toStrictEqual([400, 'provider_capability_unsupported', 'aspect_ratio']);
  });
});

describe('video capability checks', () => {
  const base = { type: 'avatar', avatar_id: 'lk_abc123def456', script: 'Hello.' };
  it.each([
    ['the audio example', DOC_VIDEO_AUDIO, []],
    ['Example A as v3', V3_VIDEO_EXAMPLE_A, []],
    ['Example B as v3', V3_VIDEO_EXAMPLE_B, []],
    ['aspect_ratio 9:16', { ...base, aspect_ratio: '9:16' }, []],
    ['aspect_ratio null', { ...base, aspect_ratio: null }, []],
    ['aspect_ratio auto', { ...base, aspect_ratio: 'auto' }, ['aspect_ratio']],
    ['aspect_ratio 1:1', { ...base, aspect_ratio: '1:1' }, ['aspect_ratio']],
    ['aspect_ratio 4:5', { ...base, aspect_ratio: '4:5' }, ['aspect_ratio']],
    ['aspect_ratio 5:4', { ...base, aspect_ratio: '5:4' }, ['aspect_ratio']],
    ['a voice_id', { ...base, voice_id: 'voice_001' }, ['voice_id']],
    ['a voice locale', { ...base, voice_settings: { speed: 1, pitch: 0, locale: 'en-US' } }, ['voice_settings.locale']],
    ['an image video', { type: 'image', image: { type: 'url', url: 'https://example.com/p.jpg' }, script: 'Hi', voice_id: 'v' }, ['type', 'voice_id']],
    ['every v3 field Cloudsway lists', { ...base, engine: { type: 'avatar_v' }, motion_prompt: 'nod', expressiveness: 'high', output_format: 'webm', remove_background: true, resolution: '4k', callback_id: 'c', callback_url: 'https://x.example/h' }, []],
  ])('%s', (_name, body, params) => {
    expect(t.unsupportedVideoFields(asVideo(body)).map((u) => u.param)).toStrictEqual(params);
  });

  it('says why', () => {
    expect(t.unsupportedVideoFields(asVideo({ ...base, aspect_ratio: '1:1' }))).toStrictEqual([
      { param: 'aspect_ratio', reason: 'Cloudsway renders 16:9 or 9:16 only' },
    ]);
  });
});

describe('translation create bodies', () => {
  it.each([
    ['the URL example', DOC_TRANSLATION_BY_URL],
    ['the asset_id example', DOC_TRANSLATION_BY_ASSET],
  ])('%s goes up verbatim', (_name, body) => {
    expect(t.toWireTranslationCreate(asTranslation(body))).toStrictEqual(body);
  });

  it('sends every field the document lists, and neither callback_url nor callback_id nor v3 defaults it lacks', () => {
    const body = t.toWireTranslationCreate(
      asTranslation({
        ...DOC_TRANSLATION_BY_URL,
        title: 'My Video',
        input_language: 'English',
        speaker_num: 2,
        mode: 'precision',
        enable_dynamic_duration: true,
        keep_the_same_format: true,
        enable_caption: true,
        disable_music_track: false,
        enable_speech_enhancement: true,
        enable_watermark: false,
        callback_url: 'https://client.example.com/hook',
        callback_id: 'batch-1',
        folder_id: null,
      }),
    );
    expect(body).toStrictEqual({
      video: { type: 'url', url: 'https://example.com/video.mp4' },
      output_languages: ['Chinese (Simplified)', 'Spanish'],
      input_language: 'English',
      title: 'My Video',
      translate_audio_only: false,
      speaker_num: 2,
      mode: 'precision',
      enable_dynamic_duration: true,
      keep_the_same_format: true,
      enable_caption: true,
      disable_music_track: false,
      enable_speech_enhancement: true,
    });
  });

  it.each([
    ['audio', { audio: { type: 'url', url: 'https://example.com/a.mp3' } }],
    ['start_time', { start_time: 1 }],
    ['end_time', { end_time: 2 }],
    ['brand_voice_id', { brand_voice_id: 'bv' }],
    ['srt', { srt: { type: 'asset_id', asset_id: 'a' } }],
    ['srt_role', { srt_role: 'input' }],
    ['fps_mode', { fps_mode: 'vfr' }],
    ['folder_id', { folder_id: 'f1' }],
    ['enable_watermark', { enable_watermark: true }],
  ])('cannot honour %s', (param, extra) => {
    const req = asTranslation({ ...DOC_TRANSLATION_BY_URL, ...extra });
    expect(t.unsupportedTranslationFields(req).map((u) => u.param)).toStrictEqual([param]);
    expect(thrown(() => t.toWireTranslationCreate(req)).param).toBe(param);
  });

  it('honours the v3 defaults it does not list (enable_watermark false) and callbacks', () => {
    const req = asTranslation({ ...DOC_TRANSLATION_BY_ASSET, enable_watermark: false, callback_id: 'c', callback_url: 'https://x.example/h' });
    expect(t.unsupportedTranslationFields(req)).toStrictEqual([]);
  });
});

describe('photo avatar bodies', () => {
  it('the document example goes up verbatim', () => {
    expect(t.toWireAvatarCreate(DOC_PHOTO_AVATAR as AvatarCreate)).toStrictEqual(DOC_PHOTO_AVATAR);
  });

  it('base64 and asset files and a group id are passed on', () => {
    const req: AvatarCreate = { type: 'photo', name: 'B64', file: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }, avatar_group_id: 'grp_abc123' };
    expect(t.toWireAvatarCreate(req)).toStrictEqual(req);
    expect(t.toWireAvatarCreate({ type: 'photo', name: 'A', file: { type: 'asset_id', asset_id: 'asset-1' }, avatar_group_id: null })).toStrictEqual({
      type: 'photo',
      name: 'A',
      file: { type: 'asset_id', asset_id: 'asset-1' },
    });
  });

  it.each(['digital_twin', 'video'] as const)('cannot create a %s avatar', (type) => {
    const req = { type, name: 'X', file: { type: 'url', url: 'https://example.com/v.mp4' } } as AvatarCreate;
    expect(t.unsupportedAvatarFields(req)).toStrictEqual([{ param: 'type', reason: 'Cloudsway creates photo avatars only (type "photo")' }]);
    expect(thrown(() => t.toWireAvatarCreate(req)).code).toBe('provider_capability_unsupported');
  });

  it('cannot create a prompt avatar', () => {
    expect(t.unsupportedAvatarFields({ type: 'prompt', name: 'P', prompt: 'a person' }).map((u) => u.param)).toStrictEqual(['type']);
  });
});

describe('status words (DESIGN status table, cloudsway rows)', () => {
  it.each([
    ['pending', 'pending'],
    ['processing', 'processing'],
    ['completed', 'completed'],
    ['failed', 'failed'],
    [' Completed ', 'completed'],
    ['running', undefined],
    ['success', undefined],
  ])('video %j -> %s', (w, v3) => {
    expect(t.videoStatusFromWire(w)).toBe(v3);
  });

  it.each([
    ['pending', 'pending'],
    ['running', 'running'],
    ['completed', 'completed'],
    ['success', 'completed'],
    ['SUCCESS', 'completed'],
    ['failed', 'failed'],
    ['processing', undefined],
  ])('translation %j -> %s', (w, v3) => {
    expect(t.translationStatusFromWire(w)).toBe(v3);
  });
});

describe('video answers', () => {
  it('the create example', () => {
    const wire = envelope(WireVideoCreated).parse(DOC_VIDEO_CREATED);
    expect(t.fromWireVideoCreated(wire.data, DOC_VIDEO_CREATED)).toStrictEqual({
      upstreamId: 'vid_abc123def456',
      status: 'pending',
      payload: DOC_VIDEO_CREATED,
    });
  });

  it('a create answer without a status, or with an unknown word, is pending', () => {
    expect(t.fromWireVideoCreated({ video_id: 'v' }, {}).status).toBe('pending');
    expect(t.fromWireVideoCreated({ video_id: 'v', status: 'queued' }, {}).status).toBe('pending');
  });

  it('the status example', () => {
    const wire = envelope(WireVideoDetail).parse(DOC_VIDEO_STATUS);
    const { id: _id, ...detail } = DOC_VIDEO_STATUS.data;
    expect(t.fromWireVideoDetail(wire.data, DOC_VIDEO_STATUS)).toStrictEqual({ detail, payload: DOC_VIDEO_STATUS });
  });

  it('a failure keeps failure_code and failure_message', () => {
    const polled = t.fromWireVideoDetail(
      { id: 'v', status: 'failed', failure_code: 'tts_text_invalid', failure_message: 'Bad script.' },
      {},
    );
    expect(polled.detail).toMatchObject({ status: 'failed', failure_code: 'tts_text_invalid', failure_message: 'Bad script.', video_url: null });
    expect(polled.unknownStatus).toBeUndefined();
  });

  it('an unknown word is processing, and reported', () => {
    const polled = t.fromWireVideoDetail({ status: 'rendering' }, {});
    expect([polled.detail.status, polled.unknownStatus]).toStrictEqual(['processing', 'rendering']);
  });
});

describe('translation answers', () => {
  it('the create example: one id per output language, in order', () => {
    const wire = envelope(WireTranslationCreated).parse(DOC_TRANSLATION_CREATED);
    expect(t.fromWireTranslationCreated(wire.data, DOC_TRANSLATION_BY_URL.output_languages, DOC_TRANSLATION_CREATED)).toStrictEqual({
      items: [
        { upstreamId: 'vtrans-001', outputLanguage: 'Chinese (Simplified)' },
        { upstreamId: 'vtrans-002', outputLanguage: 'Spanish' },
      ],
      payload: DOC_TRANSLATION_CREATED,
    });
  });

  it('a count mismatch is a 502', () => {
    const err = thrown(() => t.fromWireTranslationCreated({ video_translation_ids: ['vtrans-001'] }, ['Spanish', 'French'], {}));
    expect([err.status, err.code]).toStrictEqual([502, 'upstream_error']);
  });

  const nulls = {
    title: null,
    output_language: null,
    input_language: null,
    duration: null,
    translate_audio_only: null,
    video_url: null,
    audio_url: null,
    callback_id: null,
    created_at: null,
    failure_message: null,
  };

  it.each([
    ['Processing', DOC_TRANSLATION_PROCESSING, { ...nulls, status: 'running', output_language: 'Chinese (Simplified)', title: 'My Video' }],
    [
      'Completed',
      DOC_TRANSLATION_COMPLETED,
      {
        ...nulls,
        status: 'completed',
        output_language: 'Chinese (Simplified)',
        input_language: 'English',
        duration: 32.5,
        video_url: 'https://files.heygen.ai/output/vtrans-001.mp4',
        title: 'My Video',
      },
    ],
    [
      'Completed, said as "success"',
      { data: { ...DOC_TRANSLATION_COMPLETED.data, status: 'success' } },
      {
        ...nulls,
        status: 'completed',
        output_language: 'Chinese (Simplified)',
        input_language: 'English',
        duration: 32.5,
        video_url: 'https://files.heygen.ai/output/vtrans-001.mp4',
        title: 'My Video',
      },
    ],
    [
      'Failure',
      DOC_TRANSLATION_FAILED,
      { ...nulls, status: 'failed', output_language: 'Chinese (Simplified)', failure_message: 'Translation failed due to unsupported content.' },
    ],
  ])('the status example (%s)', (_name, answer, detail) => {
    const wire = envelope(WireTranslationDetail).parse(answer);
    const polled = t.fromWireTranslationDetail(wire.data, answer);
    expect(polled).toStrictEqual({ detail, payload: answer });
  });

  it('an unknown word is running, and reported', () => {
    const polled = t.fromWireTranslationDetail({ status: 'translating' }, {});
    expect([polled.detail.status, polled.unknownStatus]).toStrictEqual(['running', 'translating']);
  });

  it('the languages example', () => {
    expect(envelope(WireLanguages).parse(DOC_LANGUAGES_RESPONSE).data.languages).toStrictEqual(['English', 'Chinese (Simplified)', 'Spanish', 'French']);
  });
});

describe('asset answers', () => {
  it('the upload example (code 100 envelope)', () => {
    expect(t.fromWireAsset(envelope(WireAsset).parse(DOC_ASSET_RESPONSE).data)).toStrictEqual(DOC_ASSET_RESPONSE.data);
    expect(t.failureInSuccess(DOC_ASSET_RESPONSE)).toBeNull();
  });
});

describe('avatar answers', () => {
  it('the group list example: created_at in ms becomes seconds, page kept', () => {
    const wire = listEnvelope(WireAvatarGroup).parse(DOC_GROUP_LIST_RESPONSE);
    expect(t.fromWirePage(wire, t.fromWireAvatarGroup)).toStrictEqual({ data: [V3_GROUP], has_more: false, next_token: null });
  });

  it('the single group example', () => {
    expect(t.fromWireAvatarGroup(envelope(WireAvatarGroup).parse(DOC_GROUP_RESPONSE).data)).toStrictEqual(V3_GROUP);
  });

  it('the look list example', () => {
    const wire = listEnvelope(WireAvatarLook).parse(DOC_LOOK_LIST_RESPONSE);
    expect(t.fromWirePage(wire, t.fromWireAvatarLook)).toStrictEqual({ data: [V3_LOOK], has_more: false, next_token: null });
  });

  it('the single look example', () => {
    expect(t.fromWireAvatarLook(envelope(WireAvatarLook).parse(DOC_LOOK_RESPONSE).data)).toStrictEqual(V3_LOOK);
  });

  it('the photo avatar example', () => {
    const wire = envelope(WireAvatarCreated).parse(DOC_PHOTO_AVATAR_RESPONSE);
    const { avatar_item, avatar_group } = DOC_PHOTO_AVATAR_RESPONSE.data;
    expect(t.fromWireAvatarCreated(wire.data)).toStrictEqual({
      avatar_item,
      avatar_group: { ...avatar_group, created_at: 1717843200 },
    });
  });

  it.each([
    [1717843200000, 1717843200],
    [1717843200999, 1717843200],
    [1717843200, 1717843200],
    [0, 0],
  ])('epochSeconds(%d) = %d', (input, out) => {
    expect(t.epochSeconds(input)).toBe(out);
  });

  it('a page without has_more ends where next_token does', () => {
    expect(t.fromWirePage({ data: [], next_token: 'abc' }, (x) => x)).toStrictEqual({ data: [], has_more: true, next_token: 'abc' });
    expect(t.fromWirePage({ data: [] }, (x) => x)).toStrictEqual({ data: [], has_more: false, next_token: null });
  });

  it('look queries: filters and cursor passed through, video_avatar said as digital_twin', () => {
    expect(t.avatarLookQuery({ group_id: 'grp_abc123', avatar_type: 'photo_avatar', limit: 20, token: 'eyJhIjoxfQ' })).toStrictEqual({
      group_id: 'grp_abc123',
      avatar_type: 'photo_avatar',
      ownership: undefined,
      limit: 20,
      token: 'eyJhIjoxfQ',
    });
    expect(t.avatarLookQuery({ avatar_type: 'video_avatar' }).avatar_type).toBe('digital_twin');
    expect(t.avatarGroupQuery({ ownership: 'private', limit: 20 })).toStrictEqual({ ownership: 'private', limit: 20, token: undefined });
  });
});

describe('failure bodies', () => {
  it.each([
    ['error as a string (assets, translations)', { code: 400, data: null, error: 'output_languages is required', message: 'failed' }, { code: null, message: 'output_languages is required', param: null }],
    ['error as an object (avatars, videos)', { error: { code: 'avatar_not_found', message: 'Avatar look not found.' }, data: null }, { code: 'avatar_not_found', message: 'Avatar look not found.', param: null }],
    ['an object error with a param', { error: { code: 'invalid_parameter', message: "'aspect_ratio' is invalid.", param: 'aspect_ratio' } }, { code: 'invalid_parameter', message: "'aspect_ratio' is invalid.", param: 'aspect_ratio' }],
    ['an object error with a numeric code', { error: { code: 40004, message: 'Not found' } }, { code: null, message: 'Not found', param: null }],
    ['a message only', { code: 'forbidden', message: 'No access.' }, { code: 'forbidden', message: 'No access.', param: null }],
    ['an empty string error', { error: '', message: 'Bad request' }, { code: null, message: 'Bad request', param: null }],
    ['members of the wrong type', { error: { code: ['x'], message: 7 } }, { code: null, message: null, param: null }],
  ])('%s', (_name, body, info) => {
    expect(t.errorInfoFromWire(JSON.stringify(body))).toStrictEqual(info);
  });

  it.each([['<html>502 Bad Gateway</html>'], [''], ['[1,2]'], ['"text"']])('no info from %j', (text) => {
    expect(t.errorInfoFromWire(text)).toStrictEqual({});
  });

  it.each([
    ['the {error:null,data} success', DOC_VIDEO_CREATED, null],
    ['the {code:100,data,message} success', DOC_TRANSLATION_CREATED, null],
    ['a bare {data} success', DOC_LANGUAGES_RESPONSE, null],
    ['a list', DOC_GROUP_LIST_RESPONSE, null],
    ['code "100" as text', { code: '100', data: { languages: [] } }, null],
    ['a string error in a 2xx', { code: 400, data: null, error: 'Unsupported output language', message: 'failed' }, { info: { code: null, message: 'Unsupported output language', param: null }, status: 400 }],
    ['an object error in a 2xx', { error: { code: 'avatar_not_found', message: 'Avatar look not found.' }, data: null }, { info: { code: 'avatar_not_found', message: 'Avatar look not found.', param: null } }],
    ['a non-100 code without data', { code: 500, data: null, message: 'internal error' }, { info: { code: null, message: 'internal error', param: null }, status: 500 }],
    ['a code that is no HTTP status', { code: 1001, message: 'quota' }, { info: { code: null, message: 'quota', param: null } }],
  ])('failureInSuccess: %s', (_name, body, failure) => {
    expect(t.failureInSuccess(body)).toStrictEqual(failure);
  });

  it.each([
    [{ info: { code: null, message: 'x' }, status: 401 }, 401],
    [{ info: { code: 'avatar_not_found', message: 'x' } }, 404],
    [{ info: { code: 'INVALID_PARAMETER', message: 'x' } }, 400],
    [{ info: { code: 'upstream_error', message: 'x' } }, undefined],
    [{ info: { code: 'something_else', message: 'x' } }, undefined],
    [{ info: { code: null, message: 'x' } }, undefined],
  ])('statusOfFailure(%j) = %s', (failure, status) => {
    expect(t.statusOfFailure(failure)).toBe(status);
  });
});
