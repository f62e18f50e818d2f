/**
 * Cross-field rules of the v3 create bodies that a JSON schema cannot say clearly. Field types,
 * ranges and enums are checked by the route schemas before these run.
 */
import type { VideoCreate } from '../api/schemas/videos.js';
import type { TranslationCreate } from '../api/schemas/translations.js';
import { GatewayError, invalidParameter } from './errors.js';
import { checkCallbackUrl } from './ssrf.js';

const present = (v: unknown): boolean => v !== undefined && v !== null;

export function validateVideoCreate(body: VideoCreate, opts: { allowPrivateCallbacks: boolean }): void {
  // AJV's discriminator only judges objects, so an array, a string or a missing body arrives here.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_parameter', 'The request body must be a JSON object.');
  }
  const sources = (['script', 'audio_url', 'audio_asset_id'] as const).filter((k) => present(body[k]));
  if (sources.length === 0) {
    throw invalidParameter('script', "Provide exactly one of 'script', 'audio_url' or 'audio_asset_id'.");
  }
  if (sources.length > 1) {
    throw invalidParameter(sources[1]!, `'${sources[0]}' and '${sources[1]}' are mutually exclusive; provide exactly one.`);
  }
  // An image has no look whose default voice could speak the script.
  if (body.type === 'image' && present(body.script) && !present(body.voice_id)) {
    throw invalidParameter('voice_id', "A 'script' on an image video needs a 'voice_id'.");
  }
  if (body.script !== undefined && body.script !== null && body.script.trim() === '') {
    throw invalidParameter('script', "'script' must contain speakable text.");
  }
  if (body.engine?.type === 'avatar_v' && present(body.expressiveness)) {
    throw invalidParameter('expressiveness', "'expressiveness' is an Avatar IV parameter and cannot be used with engine avatar_v.");
  }
  const bg = body.background;
  if (bg) {
    if (bg.type === 'color' && !present(bg.value)) {
      throw invalidParameter('background.value', "A color background needs 'value' (e.g. \"#FFFFFF\").");
    }
    if (bg.type === 'color' && bg.value && !/^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(bg.value)) {
      throw invalidParameter('background.value', "'background.value' must be a hex color such as \"#FFFFFF\".");
    }
    if (bg.type === 'image' && present(bg.url) === present(bg.asset_id)) {
      throw invalidParameter('background.url', "An image background needs exactly one of 'url' or 'asset_id'.");
    }
    if (bg.type === 'image' && present(bg.url)) checkHttpUrl(bg.url!, 'background.url');
  }
  if (present(body.audio_url)) checkHttpUrl(body.audio_url!, 'audio_url');
  if (body.type === 'image' && body.image.type === 'url') checkHttpUrl(body.image.url, 'image.url');
  if (present(body.callback_url)) checkCallbackUrl(body.callback_url!, opts.allowPrivateCallbacks);
}

export function validateTranslationCreate(body: TranslationCreate, opts: { allowPrivateCallbacks: boolean }): void {
  const seen = new Set<string>();
  body.output_languages.forEach((lang, i) => {
    const key = lang.trim().toLowerCase();
    const param = `output_languages[${i}]`;
    if (!key) throw invalidParameter(param, `'${param}' must not be blank.`);
    if (seen.has(key)) throw invalidParameter(param, `'${param}' repeats ${JSON.stringify(lang)}; list each language once.`);
    seen.add(key);
  });
  if (body.video.type === 'url') checkHttpUrl(body.video.url, 'video.url');
  if (body.audio?.type === 'url') checkHttpUrl(body.audio.url, 'audio.url');
  if (body.srt?.type === 'url') checkHttpUrl(body.srt.url, 'srt.url');
  if (present(body.start_time) && present(body.end_time) && body.end_time! <= body.start_time!) {
    throw invalidParameter('end_time', "'end_time' must be after 'start_time'.");
  }
  if (present(body.srt_role) && !present(body.srt)) {
    throw invalidParameter('srt_role', "'srt_role' needs an 'srt' file.");
  }
  if (present(body.callback_url)) checkCallbackUrl(body.callback_url!, opts.allowPrivateCallbacks);
}

function checkHttpUrl(raw: string, param: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidParameter(param, `'${param}' must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidParameter(param, `'${param}' must use http or https.`);
  }
}
