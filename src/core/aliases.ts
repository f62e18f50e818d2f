/**
 * Config aliases: a logical avatar or voice name mapped to each account's own id for it, so one
 * request renders the same presenter on whichever account serves it.
 *
 * A request names an alias explicitly as `alias:<name>` in `avatar_id` / `voice_id` (and, for a
 * legacy v2 body, in a scene's `character.avatar_id` / `character.talking_photo_id` /
 * `voice.voice_id`). The prefix keeps aliases from ever shadowing a real upstream id, and lets an
 * unknown alias be refused as such instead of reaching an upstream as a bogus id.
 */
import type { AliasesConfig } from '../config/schema.js';
import type { Unsupported, VideoRequest } from './adapter.js';
import { invalidParameter, type GatewayError } from './errors.js';

export const ALIAS_PREFIX = 'alias:';

export type AliasKind = 'avatar' | 'voice';

/** One place in a request that names an alias. */
export interface AliasRef {
  kind: AliasKind;
  name: string;
  /** Dotted path of the field, as the client wrote it (v2 paths for a legacy body). */
  param: string;
}

const aliasName = (value: string | null | undefined): string | undefined =>
  value?.startsWith(ALIAS_PREFIX) ? value.slice(ALIAS_PREFIX.length) : undefined;

/** Every alias a request names, legacy scenes first (that is the body the client sent). */
export function aliasRefs(req: VideoRequest): AliasRef[] {
  const refs: AliasRef[] = [];
  const add = (kind: AliasKind, value: string | null | undefined, param: string): void => {
    const name = aliasName(value);
    if (name !== undefined) refs.push({ kind, name, param });
  };
  req.legacy?.video_inputs.forEach((scene, i) => {
    const ch = scene.character;
    if (ch?.type === 'avatar') add('avatar', ch.avatar_id, `video_inputs[${i}].character.avatar_id`);
    if (ch?.type === 'talking_photo') add('avatar', ch.talking_photo_id, `video_inputs[${i}].character.talking_photo_id`);
    if (scene.voice.type === 'text') add('voice', scene.voice.voice_id, `video_inputs[${i}].voice.voice_id`);
  });
  if (!req.legacy) {
    if (req.type === 'avatar') add('avatar', req.avatar_id, 'avatar_id');
    add('voice', req.voice_id, 'voice_id');
  }
  return refs;
}

const table = (aliases: AliasesConfig | undefined, kind: AliasKind): Readonly<Record<string, Readonly<Record<string, string>>>> =>
  (kind === 'avatar' ? aliases?.avatars : aliases?.voices) ?? {};

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Refuses a request naming an alias that is not configured (400 invalid_parameter naming the
 * field); null when every alias it names exists. Run before routing: no account could serve it.
 */
export function unknownAlias(req: VideoRequest, aliases: AliasesConfig | undefined): GatewayError | null {
  for (const ref of aliasRefs(req)) {
    if (!has(table(aliases, ref.kind), ref.name)) {
      return invalidParameter(ref.param, `Unknown ${ref.kind} alias "${ref.name}": no such alias is configured on this gateway.`);
    }
  }
  return null;
}

/**
 * The request as `accountId` must receive it: every `alias:<name>` replaced by that account's id.
 * An alias without an id for the account (or not configured at all) makes the account ineligible,
 * naming the field. Returns the same object when the request names no alias; never mutates it.
 */
export function resolveAliases(
  req: VideoRequest,
  accountId: string,
  aliases: AliasesConfig | undefined,
): { req: VideoRequest } | { unsupported: Unsupported } {
  const refs = aliasRefs(req);
  if (refs.length === 0) return { req };
  const ids = new Map<string, string>();
  for (const ref of refs) {
    const perAccount = table(aliases, ref.kind);
    const entry = has(perAccount, ref.name) ? perAccount[ref.name] : undefined;
    const id = entry && has(entry, accountId) ? entry[accountId] : undefined;
    if (id === undefined) {
      const reason = entry
        ? `${ref.kind} alias "${ref.name}" has no ${ref.kind} on account "${accountId}"`
        : `${ref.kind} alias "${ref.name}" is not configured`;
      return { unsupported: { param: ref.param, reason } };
    }
    ids.set(`${ref.kind}:${ref.name}`, id);
  }
  const swap = (kind: AliasKind, value: string): string => {
    const name = aliasName(value);
    return name === undefined ? value : (ids.get(`${kind}:${name}`) ?? value);
  };

  const out: VideoRequest = { ...req };
  if (out.type === 'avatar') out.avatar_id = swap('avatar', out.avatar_id);
  if (out.voice_id != null) out.voice_id = swap('voice', out.voice_id);
  if (req.legacy) {
    out.legacy = {
      ...req.legacy,
      video_inputs: req.legacy.video_inputs.map((scene) => {
        const ch = scene.character;
        return {
          ...scene,
          ...(ch?.type === 'avatar' ? { character: { ...ch, avatar_id: swap('avatar', ch.avatar_id) } } : {}),
          ...(ch?.type === 'talking_photo' ? { character: { ...ch, talking_photo_id: swap('avatar', ch.talking_photo_id) } } : {}),
          ...(scene.voice.type === 'text' ? { voice: { ...scene.voice, voice_id: swap('voice', scene.voice.voice_id) } } : {}),
        };
      }),
    };
  }
  return { req: out };
}
