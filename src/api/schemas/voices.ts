import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Opt, page, pageQuery, single } from './common.js';

export const VoiceItem = Type.Object(
  {
    voice_id: Type.String(),
    name: Type.String(),
    language: Type.String(),
    gender: Type.String(),
    preview_audio_url: Opt(Type.String()),
    support_pause: Type.Boolean(),
    support_locale: Type.Boolean(),
    type: Type.String({ description: 'public | private' }),
  },
  { title: 'AudioVoiceItem' },
);
export type VoiceItem = Static<typeof VoiceItem>;

export const VoiceListQuery = pageQuery(20, 100, {
  type: Type.Optional(StringEnum(['public', 'private'], { default: 'public' })),
  engine: Type.Optional(Type.String({ maxLength: 64 })),
  language: Type.Optional(Type.String({ maxLength: 64 })),
  gender: Type.Optional(Type.String({ maxLength: 32 })),
});
export type VoiceListQuery = Static<typeof VoiceListQuery>;
export const VoiceListResponse = page(VoiceItem);
export const VoiceGetResponse = single(VoiceItem);
export const VoiceIdParams = Type.Object({ voice_id: Type.String({ minLength: 1, maxLength: 256 }) });
