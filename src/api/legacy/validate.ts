/**
 * Cross-field rules of the legacy bodies that their JSON schemas cannot say, checked before
 * anything is routed. Errors name the field by its v2 path, as the legacy client wrote it.
 */
import { invalidParameter } from '../../core/errors.js';
import { checkCallbackUrl } from '../../core/ssrf.js';
import type { V2GenerateBody } from '../schemas/legacy.js';
import type { V2TranslateBody } from './schemas.js';

const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

function checkHttpUrl(raw: string, param: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidParameter(param, `'${param}' must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParameter(param, `'${param}' must use http or https.`);
}

/** Exactly one of two alternative fields, as v2 documents them ("either ... or ... must be provided"). */
function oneOf(p: string, a: [string, string | undefined], b: [string, string | undefined], what: string): void {
  const [aName, aVal] = a;
  const [bName, bVal] = b;
  if (aVal === undefined && bVal === undefined) throw invalidParameter(`${p}.${aName}`, `${what} needs '${aName}' or '${bName}'.`);
  if (aVal !== undefined && bVal !== undefined) {
    throw invalidParameter(`${p}.${bName}`, `'${p}.${aName}' and '${p}.${bName}' are mutually exclusive; provide one.`);
  }
}

export function validateV2Generate(body: V2GenerateBody, opts: { allowPrivateCallbacks: boolean }): void {
  body.video_inputs.forEach((scene, i) => {
    const p = `video_inputs[${i}]`;
    const v = scene.voice;
    if (v.type === 'text' && v.input_text.trim() === '') {
      throw invalidParameter(`${p}.voice.input_text`, `'${p}.voice.input_text' must contain speakable text.`);
    }
    if (v.type === 'audio') {
      oneOf(`${p}.voice`, ['audio_url', v.audio_url], ['audio_asset_id', v.audio_asset_id], 'An audio voice');
      if (v.audio_url !== undefined) checkHttpUrl(v.audio_url, `${p}.voice.audio_url`);
    }
    const bg = scene.background;
    if (bg?.type === 'color' && bg.value !== undefined && !HEX_COLOR.test(bg.value)) {
      throw invalidParameter(`${p}.background.value`, `'${p}.background.value' must be a hex color such as "#FFFFFF".`);
    }
    if (bg?.type === 'image') {
      oneOf(`${p}.background`, ['url', bg.url], ['image_asset_id', bg.image_asset_id], 'An image background');
      if (bg.url !== undefined) checkHttpUrl(bg.url, `${p}.background.url`);
    }
    if (bg?.type === 'video') {
      oneOf(`${p}.background`, ['url', bg.url], ['video_asset_id', bg.video_asset_id], 'A video background');
      if (bg.url !== undefined) checkHttpUrl(bg.url, `${p}.background.url`);
    }
  });
  if (body.callback_url !== undefined) checkCallbackUrl(body.callback_url, opts.allowPrivateCallbacks);
}

export function validateV2Translate(body: V2TranslateBody, opts: { allowPrivateCallbacks: boolean }): void {
  checkHttpUrl(body.video_url, 'video_url');
  if (body.output_language.trim() === '') throw invalidParameter('output_language', "'output_language' must not be blank.");
  if (body.callback_url != null) checkCallbackUrl(body.callback_url, opts.allowPrivateCallbacks);
}
