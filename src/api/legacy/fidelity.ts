/**
 * What in a legacy v2 generate body has no place in the v3 fields. An account that works from the
 * v3 fields (anything without `capabilities.legacyV2Body`) would render such a request without
 * these settings; the router uses this list to refuse it instead, naming the field, so a v2
 * client is never handed a video that silently differs from what it asked for.
 */
import type { Unsupported } from '../../core/adapter.js';
import type { V2GenerateBody, V2VideoInput } from '../schemas/legacy.js';

const only = (param: string, what: string): Unsupported => ({ param, reason: `${what} exists only in the v2 body` });

function sceneFields(scene: V2VideoInput, p: string): Unsupported[] {
  const out: Unsupported[] = [];
  const ch = scene.character;
  if (!ch) {
    out.push(only(`${p}.character`, 'a scene without a character'));
  } else {
    const c = `${p}.character`;
    if (ch.type === 'avatar' && ch.avatar_style !== undefined && ch.avatar_style !== 'normal') {
      out.push(only(`${c}.avatar_style`, `avatar_style "${ch.avatar_style}"`));
    }
    if (ch.type === 'talking_photo') {
      if (ch.talking_photo_style !== undefined) out.push(only(`${c}.talking_photo_style`, `talking_photo_style "${ch.talking_photo_style}"`));
      if (ch.talking_style === 'expressive') out.push(only(`${c}.talking_style`, 'talking_style "expressive"'));
      if (ch.expression === 'happy') out.push(only(`${c}.expression`, 'expression "happy"'));
      if (ch.super_resolution === true) out.push(only(`${c}.super_resolution`, 'super_resolution'));
    }
    if (ch.scale !== undefined && ch.scale !== 1) out.push(only(`${c}.scale`, `scale ${ch.scale}`));
    if (ch.offset && (ch.offset.x !== 0 || ch.offset.y !== 0)) out.push(only(`${c}.offset`, 'a character offset'));
  }
  const v = scene.voice;
  if (v.type === 'silence') out.push(only(`${p}.voice.type`, 'a silence voice'));
  if (v.type === 'text' && v.emotion !== undefined) out.push(only(`${p}.voice.emotion`, `voice emotion "${v.emotion}"`));
  const bg = scene.background;
  if (bg?.type === 'video') out.push(only(`${p}.background.type`, 'a video background'));
  if (bg?.type === 'image' && bg.fit !== undefined && bg.fit !== 'cover') out.push(only(`${p}.background.fit`, `background fit "${bg.fit}"`));
  return out;
}

/** Every v2-only setting in the body, as `Unsupported` entries with dotted v2 paths; empty when the v3 fields say it all. */
export function legacyOnlyFields(legacy: V2GenerateBody): Unsupported[] {
  const out: Unsupported[] = [];
  if (legacy.video_inputs.length > 1) {
    out.push({ param: 'video_inputs', reason: `a video of ${legacy.video_inputs.length} scenes exists only in the v2 body` });
  }
  legacy.video_inputs.forEach((scene, i) => out.push(...sceneFields(scene, `video_inputs[${i}]`)));
  if (legacy.caption === true) out.push(only('caption', 'burnt-in captions (caption: true)'));
  if (legacy.test === true) out.push(only('test', 'test mode'));
  if (legacy.folder_id !== undefined) out.push(only('folder_id', 'folder_id'));
  return out;
}
