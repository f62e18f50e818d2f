import { describe, expect, it } from 'vitest';
import type { VideoCreate } from '../../src/api/schemas/videos.js';
import type { TranslationCreate } from '../../src/api/schemas/translations.js';
import { GatewayError } from '../../src/core/errors.js';
import { validateTranslationCreate, validateVideoCreate } from '../../src/core/validate.js';

const PUBLIC_ONLY = { allowPrivateCallbacks: false };

/** HeyGen's "Avatar Video" example body (docs: POST /v3/videos). */
const AVATAR: VideoCreate = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
};
const IMAGE: VideoCreate = {
  type: 'image',
  image: { type: 'url', url: 'https://example.com/portrait.png' },
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
};
/** HeyGen's translation example body (docs: POST /v3/video-translations), with a real URL. */
const TRANSLATION: TranslationCreate = {
  video: { type: 'url', url: 'https://example.com/source.mp4' },
  output_languages: ['Spanish'],
  mode: 'speed',
  title: 'My Translated Video',
};

function rejection(fn: () => void): { param: string | null; message: string; code: string; status: number } {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return { param: err.param, message: err.message, code: err.code, status: err.status };
    throw err;
  }
  throw new Error('expected the body to be rejected');
}
const video = (body: unknown, opts = PUBLIC_ONLY) => rejection(() => validateVideoCreate(body as VideoCreate, opts));
const translation = (body: unknown, opts = PUBLIC_ONLY) => rejection(() => validateTranslationCreate(body as TranslationCreate, opts));

describe('validateVideoCreate', () => {
  it('accepts the documented examples', () => {
    expect(() => validateVideoCreate(AVATAR, PUBLIC_ONLY)).not.toThrow();
    expect(() => validateVideoCreate(IMAGE, PUBLIC_ONLY)).not.toThrow();
    expect(() => validateVideoCreate({ ...AVATAR, callback_url: 'https://your-server.com/webhooks/heygen' }, PUBLIC_ONLY)).not.toThrow();
  });

  it.each([[[AVATAR]], ['type=avatar'], [undefined], [null]])('rejects a body that is not a JSON object (%j)', (body) => {
    expect(video(body)).toEqual({ code: 'invalid_parameter', status: 400, param: null, message: 'The request body must be a JSON object.' });
  });

  it('needs one of script, audio_url or audio_asset_id', () => {
    const { script: _script, ...silent } = AVATAR;
    expect(video(silent)).toMatchObject({ code: 'invalid_parameter', status: 400, param: 'script' });
    expect(video(silent).message).toBe("Provide exactly one of 'script', 'audio_url' or 'audio_asset_id'.");
    expect(video({ ...silent, script: null, audio_url: null })).toMatchObject({ param: 'script' });
  });

  it.each([
    [{ audio_url: 'https://example.com/a.mp3' }, 'audio_url', "'script' and 'audio_url' are mutually exclusive; provide exactly one."],
    [{ audio_asset_id: 'asset_1' }, 'audio_asset_id', "'script' and 'audio_asset_id' are mutually exclusive; provide exactly one."],
  ])('rejects script together with %j, naming the second source', (extra, param, message) => {
    expect(video({ ...AVATAR, ...extra })).toMatchObject({ param, message });
  });

  it('rejects audio_url together with audio_asset_id', () => {
    const { script: _script, ...silent } = AVATAR;
    expect(video({ ...silent, audio_url: 'https://example.com/a.mp3', audio_asset_id: 'asset_1' })).toMatchObject({ param: 'audio_asset_id' });
  });

  it('needs a voice_id for a script on an image video, but not for an avatar or for audio', () => {
    const { voice_id: _v, ...noVoice } = IMAGE;
    expect(video(noVoice)).toMatchObject({ param: 'voice_id', message: "A 'script' on an image video needs a 'voice_id'." });
    const { voice_id: _w, ...avatarNoVoice } = AVATAR;
    expect(() => validateVideoCreate(avatarNoVoice, PUBLIC_ONLY)).not.toThrow();
    const { script: _s, ...imageAudio } = noVoice;
    expect(() => validateVideoCreate({ ...imageAudio, audio_url: 'https://example.com/a.mp3' }, PUBLIC_ONLY)).not.toThrow();
  });

  it('rejects a script of only whitespace', () => {
    expect(video({ ...AVATAR, script: ' \n\t ' })).toMatchObject({ param: 'script', message: "'script' must contain speakable text." });
  });

  it('rejects expressiveness with engine avatar_v, and allows it with avatar_iv', () => {
    expect(video({ ...AVATAR, engine: { type: 'avatar_v' }, expressiveness: 'high' })).toMatchObject({ param: 'expressiveness' });
    expect(() => validateVideoCreate({ ...AVATAR, engine: { type: 'avatar_iv' }, expressiveness: 'high' }, PUBLIC_ONLY)).not.toThrow();
  });

  describe('background', () => {
    it('needs a value for a color background', () => {
      expect(video({ ...AVATAR, background: { type: 'color' } })).toMatchObject({ param: 'background.value' });
    });

    it.each(['white', '#FFFFF', '#GGGGGG', 'FFFFFF'])('rejects the color %j', (value) => {
      expect(video({ ...AVATAR, background: { type: 'color', value } })).toMatchObject({
        param: 'background.value',
        message: '\'background.value\' must be a hex color such as "#FFFFFF".',
      });
    });

    it.each(['#FFF', '#ffffff', '#FFFFFF80'])('accepts the color %j', (value) => {
      expect(() => validateVideoCreate({ ...AVATAR, background: { type: 'color', value } }, PUBLIC_ONLY)).not.toThrow();
    });

    it('needs exactly one of url or asset_id for an image background', () => {
      expect(video({ ...AVATAR, background: { type: 'image' } })).toMatchObject({ param: 'background.url' });
      expect(video({ ...AVATAR, background: { type: 'image', url: 'https://example.com/bg.png', asset_id: 'a1' } })).toMatchObject({
        param: 'background.url',
        message: "An image background needs exactly one of 'url' or 'asset_id'.",
      });
      expect(() => validateVideoCreate({ ...AVATAR, background: { type: 'image', asset_id: 'a1' } }, PUBLIC_ONLY)).not.toThrow();
    });

    it('needs an http(s) url for an image background', () => {
      expect(video({ ...AVATAR, background: { type: 'image', url: 'ftp://example.com/bg.png' } })).toMatchObject({
        param: 'background.url',
        message: "'background.url' must use http or https.",
      });
    });
  });

  it.each([
    ['not a url', "'audio_url' must be an absolute http(s) URL."],
    ['/relative/a.mp3', "'audio_url' must be an absolute http(s) URL."],
    ['file:///etc/passwd', "'audio_url' must use http or https."],
  ])('rejects the audio_url %j', (audio_url, message) => {
    const { script: _s, ...silent } = AVATAR;
    expect(video({ ...silent, audio_url })).toMatchObject({ param: 'audio_url', message });
  });

  it('needs an http(s) image.url', () => {
    expect(video({ ...IMAGE, image: { type: 'url', url: 'data:image/png;base64,AAAA' } })).toMatchObject({
      param: 'image.url',
      message: "'image.url' must use http or https.",
    });
  });

  it('refuses a callback_url on a private address unless private targets are allowed', () => {
    const body = { ...AVATAR, callback_url: 'http://127.0.0.1:9000/hook' };
    expect(video(body)).toMatchObject({ code: 'invalid_parameter', param: 'callback_url' });
    expect(() => validateVideoCreate(body, { allowPrivateCallbacks: true })).not.toThrow();
  });
});

describe('validateTranslationCreate', () => {
  it('accepts the documented examples', () => {
    expect(() => validateTranslationCreate(TRANSLATION, PUBLIC_ONLY)).not.toThrow();
    expect(() => validateTranslationCreate({ ...TRANSLATION, output_languages: ['English', 'Spanish', 'French'] }, PUBLIC_ONLY)).not.toThrow();
  });

  it('rejects a blank output language, naming its index', () => {
    expect(translation({ ...TRANSLATION, output_languages: ['Spanish', '  '] })).toMatchObject({
      param: 'output_languages[1]',
      message: "'output_languages[1]' must not be blank.",
    });
  });

  it('rejects a language listed twice, ignoring case and spaces', () => {
    expect(translation({ ...TRANSLATION, output_languages: ['Spanish', 'French', ' spanish '] })).toMatchObject({
      param: 'output_languages[2]',
      message: `'output_languages[2]' repeats " spanish "; list each language once.`,
    });
  });

  it.each([
    ['video', 'video.url'],
    ['audio', 'audio.url'],
    ['srt', 'srt.url'],
  ] as const)('needs an http(s) %s url', (field, param) => {
    expect(translation({ ...TRANSLATION, [field]: { type: 'url', url: 'ftp://example.com/file' } })).toMatchObject({
      param,
      message: `'${param}' must use http or https.`,
    });
  });

  it('needs end_time after start_time', () => {
    expect(translation({ ...TRANSLATION, start_time: 10, end_time: 10 })).toMatchObject({ param: 'end_time', message: "'end_time' must be after 'start_time'." });
    expect(translation({ ...TRANSLATION, start_time: 10, end_time: 5 })).toMatchObject({ param: 'end_time' });
    expect(() => validateTranslationCreate({ ...TRANSLATION, start_time: 10, end_time: 10.5 }, PUBLIC_ONLY)).not.toThrow();
  });

  it('needs an srt for srt_role', () => {
    expect(translation({ ...TRANSLATION, srt_role: 'input' })).toMatchObject({ param: 'srt_role', message: "'srt_role' needs an 'srt' file." });
    expect(() =>
      validateTranslationCreate({ ...TRANSLATION, srt_role: 'input', srt: { type: 'asset_id', asset_id: 'a1' } }, PUBLIC_ONLY),
    ).not.toThrow();
  });

  it('refuses a callback_url on a private address unless private targets are allowed', () => {
    const body = { ...TRANSLATION, callback_url: 'http://10.0.0.5/hook' };
    expect(translation(body)).toMatchObject({ code: 'invalid_parameter', param: 'callback_url' });
    expect(() => validateTranslationCreate(body, { allowPrivateCallbacks: true })).not.toThrow();
  });
});
