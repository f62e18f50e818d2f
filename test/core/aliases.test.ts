import { describe, expect, it } from 'vitest';
import type { VideoCreate } from '../../src/api/schemas/videos.js';
import type { V2GenerateBody } from '../../src/api/schemas/legacy.js';
import { v2GenerateToVideoRequest } from '../../src/api/legacy/translate.js';
import { GatewayConfig, type AliasesConfig } from '../../src/config/schema.js';
import { aliasRefs, resolveAliases, unknownAlias } from '../../src/core/aliases.js';
import { GatewayError } from '../../src/core/errors.js';

const ALIASES: AliasesConfig = {
  avatars: {
    anna: { 'heygen-main': 'look_def456', 'cloudsway-main': 'cw_look_1' },
    photo: { 'heygen-main': 'tp_heygen', 'gmi-main': 'tp_gmi' },
  },
  voices: {
    narrator: { 'heygen-main': 'voice_xyz789', 'cloudsway-main': 'cw_voice_1', 'gmi-main': 'ff2ecc8fbdef4273a28bed7b5e35bb57' },
  },
};

/** HeyGen's "Avatar Video" example body (docs: POST /v3/videos) with aliases for look and voice. */
const VIDEO: VideoCreate = {
  type: 'avatar',
  avatar_id: 'alias:anna',
  voice_id: 'alias:narrator',
  script: 'Welcome to our product walkthrough.',
};

describe('resolveAliases (v3 body)', () => {
  it('replaces each alias with the serving account\'s ids', () => {
    expect(resolveAliases(VIDEO, 'heygen-main', ALIASES)).toEqual({
      req: { type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789', script: 'Welcome to our product walkthrough.' },
    });
    expect(resolveAliases(VIDEO, 'cloudsway-main', ALIASES)).toEqual({
      req: { type: 'avatar', avatar_id: 'cw_look_1', voice_id: 'cw_voice_1', script: 'Welcome to our product walkthrough.' },
    });
  });

  it('an alias with no id for the account makes it ineligible, naming the field', () => {
    expect(resolveAliases(VIDEO, 'gmi-main', ALIASES)).toEqual({
      unsupported: { param: 'avatar_id', reason: 'avatar alias "anna" has no avatar on account "gmi-main"' },
    });
    expect(resolveAliases({ ...VIDEO, avatar_id: 'alias:photo' }, 'cloudsway-main', ALIASES)).toEqual({
      unsupported: { param: 'avatar_id', reason: 'avatar alias "photo" has no avatar on account "cloudsway-main"' },
    });
    expect(resolveAliases({ ...VIDEO, avatar_id: 'look_real' }, 'heygen-legacy', ALIASES)).toEqual({
      unsupported: { param: 'voice_id', reason: 'voice alias "narrator" has no voice on account "heygen-legacy"' },
    });
  });

  it('mixes aliases with plain ids; plain ids (even equal to an alias name) pass untouched', () => {
    const r = resolveAliases({ ...VIDEO, avatar_id: 'anna' }, 'gmi-main', ALIASES);
    expect(r).toEqual({ req: { ...VIDEO, avatar_id: 'anna', voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' } });
  });

  it('a request without aliases comes back as the same object; the input is never mutated', () => {
    const plain: VideoCreate = { ...VIDEO, avatar_id: 'look_def456', voice_id: 'voice_xyz789' };
    const r = resolveAliases(plain, 'any', undefined);
    expect('req' in r && r.req).toBe(plain);
    const copy = structuredClone(VIDEO);
    resolveAliases(VIDEO, 'heygen-main', ALIASES);
    expect(VIDEO).toEqual(copy);
  });

  it('an image video has no avatar_id; its voice alias resolves', () => {
    const image: VideoCreate = { type: 'image', image: { type: 'url', url: 'https://example.com/face.png' }, script: 'Hi there.', voice_id: 'alias:narrator' };
    expect(resolveAliases(image, 'gmi-main', ALIASES)).toEqual({ req: { ...image, voice_id: 'ff2ecc8fbdef4273a28bed7b5e35bb57' } });
  });

  it('an alias that is not configured is unsupported everywhere', () => {
    expect(resolveAliases({ ...VIDEO, avatar_id: 'alias:bob' }, 'heygen-main', ALIASES)).toEqual({
      unsupported: { param: 'avatar_id', reason: 'avatar alias "bob" is not configured' },
    });
    expect(resolveAliases(VIDEO, 'heygen-main', undefined)).toEqual({
      unsupported: { param: 'avatar_id', reason: 'avatar alias "anna" is not configured' },
    });
  });

  it('alias names are looked up as own keys only', () => {
    expect(resolveAliases({ ...VIDEO, avatar_id: 'alias:constructor' }, 'heygen-main', ALIASES)).toEqual({
      unsupported: { param: 'avatar_id', reason: 'avatar alias "constructor" is not configured' },
    });
    expect(resolveAliases(VIDEO, 'toString', ALIASES)).toEqual({
      unsupported: { param: 'avatar_id', reason: 'avatar alias "anna" has no avatar on account "toString"' },
    });
  });
});

describe('resolveAliases (legacy v2 body)', () => {
  /** 001's v2 example, with aliases in place of the avatar and voice, plus a talking-photo scene. */
  const BODY: V2GenerateBody = {
    video_inputs: [
      {
        character: { type: 'avatar', avatar_id: 'alias:anna', avatar_style: 'normal' },
        voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'alias:narrator' },
      },
      {
        character: { type: 'talking_photo', talking_photo_id: 'alias:photo' },
        voice: { type: 'text', input_text: 'And goodbye.', voice_id: 'alias:narrator' },
      },
    ],
    caption: false,
    dimension: { width: 1920, height: 1080 },
  };

  it('rewrites every scene and the v3 fields that mirror the first one', () => {
    const r = resolveAliases(v2GenerateToVideoRequest(BODY), 'heygen-main', ALIASES);
    if (!('req' in r)) throw new Error('expected a request');
    expect(r.req).toMatchObject({ type: 'avatar', avatar_id: 'look_def456', voice_id: 'voice_xyz789' });
    expect(r.req.legacy?.video_inputs).toEqual([
      {
        character: { type: 'avatar', avatar_id: 'look_def456', avatar_style: 'normal' },
        voice: { type: 'text', input_text: 'Welcome to HeyGen API', voice_id: 'voice_xyz789' },
      },
      {
        character: { type: 'talking_photo', talking_photo_id: 'tp_heygen' },
        voice: { type: 'text', input_text: 'And goodbye.', voice_id: 'voice_xyz789' },
      },
    ]);
    expect(r.req.legacy).toMatchObject({ caption: false, dimension: { width: 1920, height: 1080 } });
    // The original body is untouched.
    expect(BODY.video_inputs[0]!.character).toEqual({ type: 'avatar', avatar_id: 'alias:anna', avatar_style: 'normal' });
  });

  it('names the v2 path of the first field the account has no id for', () => {
    expect(resolveAliases(v2GenerateToVideoRequest(BODY), 'gmi-main', ALIASES)).toEqual({
      unsupported: { param: 'video_inputs[0].character.avatar_id', reason: 'avatar alias "anna" has no avatar on account "gmi-main"' },
    });
    expect(resolveAliases(v2GenerateToVideoRequest(BODY), 'cloudsway-main', ALIASES)).toEqual({
      unsupported: { param: 'video_inputs[1].character.talking_photo_id', reason: 'avatar alias "photo" has no avatar on account "cloudsway-main"' },
    });
  });

  it('aliasRefs lists the v2 paths', () => {
    expect(aliasRefs(v2GenerateToVideoRequest(BODY))).toEqual([
      { kind: 'avatar', name: 'anna', param: 'video_inputs[0].character.avatar_id' },
      { kind: 'voice', name: 'narrator', param: 'video_inputs[0].voice.voice_id' },
      { kind: 'avatar', name: 'photo', param: 'video_inputs[1].character.talking_photo_id' },
      { kind: 'voice', name: 'narrator', param: 'video_inputs[1].voice.voice_id' },
    ]);
  });
});

describe('unknownAlias', () => {
  it('is null when every named alias exists (or none is named)', () => {
    expect(unknownAlias(VIDEO, ALIASES)).toBeNull();
    expect(unknownAlias({ ...VIDEO, avatar_id: 'look_1', voice_id: 'v_1' }, undefined)).toBeNull();
  });

  it('is a 400 invalid_parameter naming the field', () => {
    const err = unknownAlias({ ...VIDEO, voice_id: 'alias:narator' }, ALIASES);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err?.status).toBe(400);
    expect(err?.toEnvelope()).toEqual({
      error: {
        code: 'invalid_parameter',
        message: 'Unknown voice alias "narator": no such alias is configured on this gateway.',
        param: 'voice_id',
        doc_url: null,
      },
    });
    // A voice alias name is not an avatar alias.
    expect(unknownAlias({ ...VIDEO, avatar_id: 'alias:narrator' }, ALIASES)?.param).toBe('avatar_id');
  });
});

describe('aliases in the config', () => {
  const base = {
    clients: [{ id: 'acme', api_keys: ['k'], accounts: ['heygen-main'] }],
    accounts: [{ id: 'heygen-main', provider: 'heygen-v3', base_url: 'https://api.heygen.com', api_key: 'x' }],
  };

  it('is optional and parses as written', () => {
    expect(GatewayConfig.parse(base).aliases).toBeUndefined();
    expect(GatewayConfig.parse({ ...base, aliases: { avatars: { anna: { 'heygen-main': 'look_def456' } } } }).aliases).toEqual({
      avatars: { anna: { 'heygen-main': 'look_def456' } },
    });
  });

  it('names an unknown account and refuses unknown keys', () => {
    const r = GatewayConfig.safeParse({ ...base, aliases: { voices: { narrator: { 'nope-main': 'v1' } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['aliases.voices.narrator.nope-main', 'unknown account "nope-main"']]);
    expect(GatewayConfig.safeParse({ ...base, aliases: { looks: {} } }).success).toBe(false);
  });
});
