/**
 * Seed data of the legacy HeyGen (v1/v2) simulator. The avatar and voice ids that appear in the
 * legacy documents are used verbatim (Brent_sitting_office_front with voice ff2ecc8f... from
 * 001_f1de937382e1c461.txt, Daisy-inskirt-20220818 with voice 2d5b0e6c... from
 * 003_37465d87d070bf7f.txt); the rest are made up in the same style so that the gateway's own
 * pagination of these unpaginated lists has several pages to walk. Functions return fresh copies.
 */

export interface LegacyAvatar {
  avatar_id: string;
  avatar_name: string;
  gender: string;
  preview_image_url: string;
  preview_video_url: string;
  premium: boolean;
  default_voice_id: string | null;
}

export interface LegacyTalkingPhoto {
  talking_photo_id: string;
  talking_photo_name: string;
  preview_image_url: string;
}

export interface LegacyVoice {
  voice_id: string;
  language: string;
  gender: string;
  name: string;
  preview_audio: string;
  support_pause: boolean;
  emotion_support: boolean;
}

const FILES = 'https://files2.heygen.ai';

const avatar = (avatar_id: string, avatar_name: string, gender: string, default_voice_id: string | null, premium = false): LegacyAvatar => ({
  avatar_id,
  avatar_name,
  gender,
  preview_image_url: `${FILES}/avatar/v3/${avatar_id}/preview.webp`,
  preview_video_url: `${FILES}/avatar/v3/${avatar_id}/preview.mp4`,
  premium,
  default_voice_id,
});

export const BRENT_VOICE = 'ff2ecc8fbdef4273a28bed7b5e35bb57';
export const DAISY_VOICE = '2d5b0e6cf36f460aa7fc47e3eee4ba54';

export function seedAvatars(): LegacyAvatar[] {
  return [
    avatar('Brent_sitting_office_front', 'Brent Sitting Office Front', 'male', BRENT_VOICE),
    avatar('Daisy-inskirt-20220818', 'Daisy in Skirt', 'female', DAISY_VOICE),
    avatar('Angela-inblackskirt-20220820', 'Angela in Black Skirt', 'female', '1bd001e7e50f421d891986aad5c8bbd2'),
    avatar('Tyler-incasualsuit-20220721', 'Tyler in Casual Suit', 'male', '077ab11b14f04ce0b49b5f6e5cc20979'),
    // A custom avatar without a default voice: a script for it needs an explicit voice_id.
    avatar('Kayla-incasualsuit-20220818', 'Kayla in Casual Suit', 'female', null, true),
  ];
}

export function seedTalkingPhotos(): LegacyTalkingPhoto[] {
  return [
    { talking_photo_id: '7a1c4b2e9f0d4e3a8b6c5d4e3f2a1b0c', talking_photo_name: 'Founder headshot', preview_image_url: `${FILES}/talking_photo/7a1c4b2e/preview.jpg` },
    { talking_photo_id: 'c0b1a2f3e4d54c6b7a8f9e0d1c2b3a4f', talking_photo_name: 'Support agent', preview_image_url: `${FILES}/talking_photo/c0b1a2f3/preview.jpg` },
  ];
}

const voice = (voice_id: string, name: string, language: string, gender: string, emotion = false): LegacyVoice => ({
  voice_id,
  language,
  gender,
  name,
  preview_audio: `${FILES}/voice/${voice_id}/preview.mp3`,
  support_pause: true,
  emotion_support: emotion,
});

export function seedVoices(): LegacyVoice[] {
  return [
    voice(BRENT_VOICE, 'Brent - Professional', 'English', 'male'),
    voice(DAISY_VOICE, 'Daisy - Friendly', 'English', 'female', true),
    voice('1bd001e7e50f421d891986aad5c8bbd2', 'Sara', 'English', 'female', true),
    voice('077ab11b14f04ce0b49b5f6e5cc20979', 'Tyler - Casual', 'English', 'male'),
    voice('9a3f6a1cbd1b4bd68f0b5d3c1e2f7a8b', 'Lucía', 'Spanish', 'female'),
    voice('5e2d8c7b6a594f3e8d1c0b9a8f7e6d5c', 'Hans', 'German', 'male'),
  ];
}

/** `GET /v2/video_translate/target_languages`: the OpenAPI file's example list. */
export const TARGET_LANGUAGES = ['en', 'es', 'fr', 'de', 'ja', 'zh'] as const;

/** `GET /v1/user/me` as the legacy API answers it: the name fields only, no billing objects. */
export const LEGACY_USER = { username: 'legacy_studio', email: 'studio@example.com', first_name: 'Lee', last_name: 'Gacy' } as const;

/** `GET /v2/user/remaining_quota`: seconds of video left (3600 s = 60 credits). */
export const REMAINING_QUOTA = 3600;

/** 003_37465d87d070bf7f.txt, the failed status example's error object, verbatim. */
export const VIDEO_TOO_LONG = {
  code: 40119,
  detail: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos',
  message: 'Video is too long',
} as const;

export const TRANSLATE_FAILURE_MESSAGE = 'No speech was detected in the source video.';
