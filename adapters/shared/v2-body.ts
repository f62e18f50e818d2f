/**
 * The v3 video body as a legacy v2 `POST /v2/video/generate` body ("v3 body -> v2 scene" in
 * DESIGN.md), shared by every adapter whose upstream speaks the v2 shape (heygen-v2, gmi; the
 * heygen-v1 clip is built from the same pieces). Pure functions, no I/O.
 */
import type { V2Dimension, V2GenerateBody, V2VideoInput } from '../../src/api/schemas/legacy.js';
import type { Unsupported, VideoRequest } from '../../src/core/adapter.js';
import { GatewayError, invalidParameter } from '../../src/core/errors.js';

const present = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/**
 * The v3 fields a v2-shaped upstream cannot honour. The legacy engine (Avatar III) has no image
 * input, no motion prompt, no engine choice, no expressiveness, no 4:5/5:4 frames and renders mp4.
 */
export function v2Unsupported(req: VideoRequest): Unsupported[] {
  // A legacy client's own v2 body goes upstream as it came: the v3 fields derived from it
  // (e.g. an aspect ratio for an odd dimension) say nothing about what this account can render.
  if (req.legacy) return [];
  const out: Unsupported[] = [];
  if (req.type === 'image') {
    out.push({ param: 'type', reason: 'a v2 upstream animates registered avatars and talking photos only, not an arbitrary image' });
  }
  if (present(req.motion_prompt)) out.push({ param: 'motion_prompt', reason: 'the v2 engine has no motion prompt' });
  if (present(req.engine)) out.push({ param: 'engine', reason: 'a v2 upstream renders with its legacy engine only' });
  if (present(req.expressiveness)) out.push({ param: 'expressiveness', reason: 'the v2 engine has no expressiveness setting' });
  if (req.aspect_ratio === '4:5' || req.aspect_ratio === '5:4') {
    out.push({ param: 'aspect_ratio', reason: `a v2 upstream renders 16:9, 9:16 or 1:1, not ${req.aspect_ratio}` });
  }
  if (req.output_format === 'webm') out.push({ param: 'output_format', reason: 'a v2 upstream renders mp4 only' });
  return out;
}

const BASE: Record<string, V2Dimension> = {
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
  '4k': { width: 3840, height: 2160 },
};

/**
 * `resolution` x `aspect_ratio` as a v2 `dimension`: the resolution names the landscape frame
 * (1080p when absent), 9:16 swaps it, 1:1 is a square of its short side, auto is 16:9.
 */
export function dimensionFor(resolution?: string | null, aspect?: string | null): V2Dimension {
  const base = BASE[resolution ?? '1080p'];
  if (!base) throw invalidParameter('resolution', `'resolution' must be one of 720p, 1080p, 4k.`);
  switch (aspect ?? 'auto') {
    case 'auto':
    case '16:9':
      return { width: base.width, height: base.height };
    case '9:16':
      return { width: base.height, height: base.width };
    case '1:1':
      return { width: base.height, height: base.height };
    default:
      throw new GatewayError('provider_capability_unsupported', `A v2 upstream cannot render aspect_ratio ${String(aspect)}.`, {
        param: 'aspect_ratio',
      });
  }
}

export interface ToV2Options {
  /** The look's default voice, used when a script comes without `voice_id`. */
  defaultVoiceId?: string | null;
  /** The look is a talking photo (v2 `character.type: "talking_photo"`), not an avatar. */
  talkingPhoto?: boolean;
}

/**
 * The v2 generate body for a v3 request. A legacy client's own v2 body goes as it came (scenes and
 * v2-only settings intact); callback_url never goes upstream: the gateway delivers callbacks itself.
 */
export function toV2Generate(req: VideoRequest, opts: ToV2Options = {}): V2GenerateBody {
  if (req.legacy) {
    const { callback_url: _notForwarded, ...rest } = req.legacy;
    return rest;
  }
  if (req.type !== 'avatar') {
    throw new GatewayError('provider_capability_unsupported', 'A v2 upstream cannot animate an arbitrary image.', { param: 'type' });
  }
  const scene: V2VideoInput = { character: characterOf(req.avatar_id, req.remove_background, opts.talkingPhoto), voice: voiceOf(req, opts) };
  const background = backgroundOf(req);
  if (background) scene.background = background;

  const body: V2GenerateBody = { video_inputs: [scene], dimension: dimensionFor(req.resolution, req.aspect_ratio) };
  if (present(req.title)) body.title = req.title;
  if (present(req.callback_id)) body.callback_id = req.callback_id;
  return body;
}

function characterOf(id: string, removeBackground: boolean | null | undefined, talkingPhoto = false): NonNullable<V2VideoInput['character']> {
  const matting = removeBackground === true ? { matting: true } : {};
  if (talkingPhoto) return { type: 'talking_photo', talking_photo_id: id, ...matting };
  return { type: 'avatar', avatar_id: id, avatar_style: 'normal', ...matting };
}

function voiceOf(req: VideoRequest, opts: ToV2Options): V2VideoInput['voice'] {
  if (present(req.script)) {
    const voiceId = req.voice_id ?? opts.defaultVoiceId;
    if (!voiceId) {
      throw invalidParameter('voice_id', "'voice_id' is required with 'script': this account cannot find a default voice for the avatar.");
    }
    const { speed, pitch, locale } = req.voice_settings ?? {};
    return {
      type: 'text',
      input_text: req.script,
      voice_id: voiceId,
      ...(present(speed) ? { speed } : {}),
      ...(present(pitch) ? { pitch } : {}),
      ...(present(locale) ? { locale } : {}),
    };
  }
  if (present(req.audio_url)) return { type: 'audio', audio_url: req.audio_url };
  if (present(req.audio_asset_id)) return { type: 'audio', audio_asset_id: req.audio_asset_id };
  throw invalidParameter('script', "Provide exactly one of 'script', 'audio_url' or 'audio_asset_id'.");
}

function backgroundOf(req: VideoRequest): V2VideoInput['background'] | undefined {
  const bg = req.background;
  if (!bg) return undefined;
  if (bg.type === 'color') return present(bg.value) ? { type: 'color', value: bg.value } : { type: 'color' };
  if (present(bg.asset_id)) return { type: 'image', image_asset_id: bg.asset_id };
  if (present(bg.url)) return { type: 'image', url: bg.url };
  throw invalidParameter('background.url', "An image background needs exactly one of 'url' or 'asset_id'.");
}
