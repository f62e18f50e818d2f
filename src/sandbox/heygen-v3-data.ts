/**
 * Seed data of the HeyGen v3 simulator. Objects that appear as examples in the v3 documents
 * (002_0ef26fb39557cb97.txt) are copied verbatim (group_abc123 "Monica", look_def456, voice "Sara",
 * the users/me answer); the rest are made up in the same style so every list has several pages.
 * Functions return fresh copies: a simulator mutates its state (new private looks, looks_count).
 */
import type { AvatarGroupItem, AvatarLookItem } from '../api/schemas/avatars.js';
import type { VoiceItem } from '../api/schemas/voices.js';
import type { UserInfo } from '../api/schemas/users.js';

export type Ownership = 'public' | 'private';

export interface SeedGroup {
  ownership: Ownership;
  item: AvatarGroupItem;
}
export interface SeedLook {
  ownership: Ownership;
  item: AvatarLookItem;
}
export interface SeedVoice {
  /** Voice engines this voice works with (the `engine` filter); not part of the wire object. */
  engines: string[];
  item: VoiceItem;
}

const FILES = 'https://files.heygen.ai';
const AVATAR_IV_ENGINES = ['avatar_4_quality', 'avatar_4_turbo'];

/** Docs, "Avatar Groups" quick example. */
const MONICA_GROUP: AvatarGroupItem = {
  id: 'group_abc123',
  name: 'Monica',
  gender: 'female',
  preview_image_url: 'https://files.heygen.ai/avatar/preview_abc123.jpg',
  preview_video_url: 'https://files.heygen.ai/avatar/preview_abc123.mp4',
  looks_count: 3,
  default_voice_id: 'voice_xyz789',
  consent_status: null,
  status: 'completed',
  created_at: 1711382400,
};

/** Docs, "Avatar Looks" quick example. */
const MONICA_BUSINESS_CASUAL: AvatarLookItem = {
  id: 'look_def456',
  name: 'Monica - Business Casual',
  avatar_type: 'photo_avatar',
  group_id: 'group_abc123',
  gender: 'female',
  preview_image_url: 'https://files.heygen.ai/look/preview_def456.jpg',
  preview_video_url: 'https://files.heygen.ai/look/preview_def456.mp4',
  default_voice_id: 'voice_xyz789',
  tags: ['business', 'casual', 'female'],
  supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
  status: 'completed',
};

/** Docs, "Browse Voices" / "Voices" example. */
const SARA: VoiceItem = {
  voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
  name: 'Sara',
  language: 'English',
  gender: 'female',
  preview_audio_url: 'https://files.heygen.ai/voice/preview/sara.mp3',
  support_pause: true,
  support_locale: true,
  type: 'public',
};

function group(
  id: string,
  name: string,
  gender: string,
  looksCount: number,
  defaultVoice: string | null,
  createdAt: number,
): AvatarGroupItem {
  const key = id.replace(/^group_/, '');
  return {
    id,
    name,
    gender,
    preview_image_url: `${FILES}/avatar/preview_${key}.jpg`,
    preview_video_url: `${FILES}/avatar/preview_${key}.mp4`,
    looks_count: looksCount,
    default_voice_id: defaultVoice,
    consent_status: null,
    status: 'completed',
    created_at: createdAt,
  };
}

function look(
  id: string,
  name: string,
  avatarType: AvatarLookItem['avatar_type'],
  groupId: string,
  gender: string,
  defaultVoice: string | null,
  tags: string[],
  engines: string[] = AVATAR_IV_ENGINES,
): AvatarLookItem {
  const key = id.replace(/^look_/, '');
  return {
    id,
    name,
    avatar_type: avatarType,
    group_id: groupId,
    gender,
    preview_image_url: `${FILES}/look/preview_${key}.jpg`,
    preview_video_url: `${FILES}/look/preview_${key}.mp4`,
    default_voice_id: defaultVoice,
    tags,
    supported_api_engines: engines,
    status: 'completed',
  };
}

function voice(
  voiceId: string,
  name: string,
  language: string,
  gender: 'male' | 'female',
  engines: string[] = ['starfish'],
  type: 'public' | 'private' = 'public',
): SeedVoice {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return {
    engines,
    item: {
      voice_id: voiceId,
      name,
      language,
      gender,
      preview_audio_url: `${FILES}/voice/preview/${slug}.mp3`,
      support_pause: true,
      support_locale: language === 'English' || language === 'Spanish' || language === 'Portuguese',
      type,
    },
  };
}

// Voice ids referenced by looks and groups below.
const V = {
  sara: '1bd001e7e50f421d891986aad5c8bbd2',
  monica: 'voice_xyz789',
  daniel: '079c749d939464dfc71be37f5d733591',
  olivia: '71c71e29a2f88bd6024d47bce5dcc048',
  marcus: '7e95db9ab617e46dc3bd0f9cb37f5d7f',
  lucia: 'ba927e3f72b5b8bf184cfefe9f0b2ef8',
  kenji: 'c595eaa42ea0388a768411736253820c',
  amelie: '43a3a7f6d4534d9f4db1b3fe69e37d3d',
  jonas: 'fb87e9d864a079f7ae8cecdc9bcdbc01',
  mei: 'd966533d8b888df0a5f554d7ce99b76c',
  myTwin: '25c4a4b850e4d13f8f6f5064f648beae',
} as const;

export function seedVoices(): SeedVoice[] {
  return [
    { engines: ['starfish', 'multilingual'], item: { ...SARA } },
    voice(V.monica, 'Monica', 'English', 'female'),
    voice(V.daniel, 'Daniel', 'English', 'male'),
    voice(V.olivia, 'Olivia', 'English', 'female'),
    voice(V.marcus, 'Marcus', 'English', 'male', ['multilingual']),
    voice('091e9e3ff18eee440b94999144ac4827', 'Hannah', 'English', 'female', ['multilingual']),
    voice('96ff7b8d9496596eb34e6f41cb432531', 'Ethan', 'English', 'male'),
    voice('8964e4cd7cd8ff631bbbd19ef3ee3a50', 'Grace', 'English', 'female'),
    voice('630249f5e36f252c17e5f25dff29ebbf', 'Oliver', 'English', 'male', ['multilingual']),
    voice(V.lucia, 'Lucía', 'Spanish', 'female'),
    voice('65d254108d1810253a30fb6004cb03e4', 'Mateo', 'Spanish', 'male'),
    voice('2271cceb8cb5a913144b12875c47d195', 'Valentina', 'Spanish', 'female', ['multilingual']),
    voice(V.amelie, 'Amélie', 'French', 'female'),
    voice('166b561ee77752577bfcb879d3cbec7b', 'Louis', 'French', 'male'),
    voice(V.jonas, 'Jonas', 'German', 'male'),
    voice('44ca39bd9b999d71b3cb87f05ca4c193', 'Lena', 'German', 'female'),
    voice(V.kenji, 'Kenji', 'Japanese', 'male'),
    voice('c4fb8af5e315641ce78f8ea3a2c28507', 'Yuki', 'Japanese', 'female'),
    voice(V.mei, 'Mei', 'Chinese', 'female'),
    voice('f78908a934e1b45bf4c065e88b429ba2', 'Wei', 'Chinese', 'male'),
    voice('e324b343a9badbaac4ce120b438b1d88', 'Camila', 'Portuguese', 'female'),
    voice('8fc5713e2eca8f6e4ddd73f617d89a0e', 'Thiago', 'Portuguese', 'male'),
    voice('2681d0c2a7d56617537fb106098a5ee5', 'Giulia', 'Italian', 'female'),
    voice('772a97ee7addcba3a92b6d7d97565251', 'Marco', 'Italian', 'male', ['multilingual']),
    voice('a44fb57648bd1f9ef285a0d05cebd8ac', 'Ji-woo', 'Korean', 'female'),
    voice('b509450163b396b7bbffdc19d60d5296', 'Aarav', 'Hindi', 'male'),
    voice('155cbd1bed407440bfe904c47168c368', 'Layla', 'Arabic', 'female'),
    voice('5fd81887dea69fb834bd18f45c7c30ca', 'Daan', 'Dutch', 'male'),
    voice('a65a8b7a8ae5678440f264780109c5c9', 'Zofia', 'Polish', 'female'),
    voice('91b69aaa3b0e8c2f8c38e67e6991b653', 'Emre', 'Turkish', 'male'),
    voice('a5f93b3c28905d3edaeb2288a238c8c8', 'Sofia', 'Russian', 'female', ['multilingual']),
    // the account's own cloned voices
    voice(V.myTwin, 'My Voice Clone', 'English', 'male', ['starfish'], 'private'),
    voice('266157fccec8763a974dec4ff32af7d9', 'Brand Narrator', 'English', 'female', ['starfish'], 'private'),
  ];
}

export function seedGroups(): SeedGroup[] {
  const pub = (item: AvatarGroupItem): SeedGroup => ({ ownership: 'public', item });
  return [
    pub({ ...MONICA_GROUP }),
    pub(group('group_b7e210', 'Daniel', 'male', 3, V.daniel, 1711468800)),
    pub(group('group_c4a981', 'Olivia', 'female', 3, V.olivia, 1711555200)),
    pub(group('group_d93f02', 'Marcus', 'male', 2, V.marcus, 1711641600)),
    pub(group('group_e15c77', 'Lucía', 'female', 2, V.lucia, 1711728000)),
    pub(group('group_f0a3b4', 'Kenji', 'male', 2, V.kenji, 1711814400)),
    pub(group('group_a2d6e8', 'Amélie', 'female', 2, V.amelie, 1711900800)),
    pub(group('group_b9c0d1', 'Jonas', 'male', 2, V.jonas, 1711987200)),
    pub(group('group_c8e4f5', 'Mei', 'female', 2, V.mei, 1712073600)),
    pub(group('group_d1f2a3', 'Noah', 'male', 2, V.daniel, 1712160000)),
    { ownership: 'private', item: group('group_e7a8b9', 'My Digital Twin', 'male', 2, V.myTwin, 1717000000) },
  ];
}

export function seedLooks(): SeedLook[] {
  const pub = (item: AvatarLookItem): SeedLook => ({ ownership: 'public', item });
  const withV = [...AVATAR_IV_ENGINES, 'avatar_v'];
  return [
    pub({ ...MONICA_BUSINESS_CASUAL, tags: [...(MONICA_BUSINESS_CASUAL.tags ?? [])] }),
    pub(look('look_def457', 'Monica - Studio Blue', 'studio_avatar', 'group_abc123', 'female', V.monica, ['studio', 'business', 'female'])),
    pub(look('look_def458', 'Monica - Outdoor Café', 'photo_avatar', 'group_abc123', 'female', V.monica, ['casual', 'outdoor', 'female'])),
    pub(look('look_b7e211', 'Daniel - Office Suit', 'studio_avatar', 'group_b7e210', 'male', V.daniel, ['business', 'male'])),
    pub(look('look_b7e212', 'Daniel - Sweater', 'studio_avatar', 'group_b7e210', 'male', V.daniel, ['casual', 'male'])),
    pub(look('look_b7e213', 'Daniel - Podcast', 'photo_avatar', 'group_b7e210', 'male', V.daniel, ['podcast', 'male'])),
    pub(look('look_c4a982', 'Olivia - Newsroom', 'studio_avatar', 'group_c4a981', 'female', V.olivia, ['news', 'female'])),
    pub(look('look_c4a983', 'Olivia - Classroom', 'studio_avatar', 'group_c4a981', 'female', V.olivia, ['education', 'female'])),
    pub(look('look_c4a984', 'Olivia - Home Office', 'photo_avatar', 'group_c4a981', 'female', V.olivia, ['casual', 'female'])),
    pub(look('look_d93f03', 'Marcus - Keynote', 'studio_avatar', 'group_d93f02', 'male', V.marcus, ['business', 'male'])),
    pub(look('look_d93f04', 'Marcus - Warehouse', 'photo_avatar', 'group_d93f02', 'male', V.marcus, ['industrial', 'male'])),
    pub(look('look_e15c78', 'Lucía - Reception', 'studio_avatar', 'group_e15c77', 'female', V.lucia, ['business', 'female'])),
    pub(look('look_e15c79', 'Lucía - Street', 'photo_avatar', 'group_e15c77', 'female', V.lucia, ['casual', 'female'])),
    pub(look('look_f0a3b5', 'Kenji - Lab Coat', 'studio_avatar', 'group_f0a3b4', 'male', V.kenji, ['healthcare', 'male'])),
    pub(look('look_f0a3b6', 'Kenji - Tokyo Night', 'photo_avatar', 'group_f0a3b4', 'male', V.kenji, ['casual', 'male'])),
    pub(look('look_a2d6e9', 'Amélie - Boutique', 'studio_avatar', 'group_a2d6e8', 'female', V.amelie, ['retail', 'female'])),
    pub(look('look_a2d6ea', 'Amélie - Atelier', 'photo_avatar', 'group_a2d6e8', 'female', V.amelie, ['creative', 'female'])),
    pub(look('look_b9c0d2', 'Jonas - Workshop', 'studio_avatar', 'group_b9c0d1', 'male', V.jonas, ['industrial', 'male'])),
    pub(look('look_b9c0d3', 'Jonas - Lecture Hall', 'studio_avatar', 'group_b9c0d1', 'male', V.jonas, ['education', 'male'])),
    pub(look('look_c8e4f6', 'Mei - Studio White', 'studio_avatar', 'group_c8e4f5', 'female', V.mei, ['studio', 'female'])),
    pub(look('look_c8e4f7', 'Mei - Tea House', 'photo_avatar', 'group_c8e4f5', 'female', V.mei, ['casual', 'female'])),
    pub(look('look_d1f2a4', 'Noah - Startup Loft', 'studio_avatar', 'group_d1f2a3', 'male', V.daniel, ['business', 'male'])),
    pub(look('look_d1f2a5', 'Noah - Gym', 'photo_avatar', 'group_d1f2a3', 'male', V.daniel, ['fitness', 'male'])),
    // the account's own digital twin; the only looks that can render with Avatar V
    {
      ownership: 'private',
      item: look('look_e7a8ba', 'My Digital Twin - Office', 'digital_twin', 'group_e7a8b9', 'male', V.myTwin, [], withV),
    },
    {
      ownership: 'private',
      item: look('look_e7a8bb', 'My Digital Twin - Green Screen', 'digital_twin', 'group_e7a8b9', 'male', V.myTwin, [], withV),
    },
  ];
}

/** Target languages of video translation (GET /v3/video-translations/languages). */
export const TRANSLATION_LANGUAGES: readonly string[] = [
  'English',
  'English (United States)',
  'English (United Kingdom)',
  'English (Australia)',
  'Spanish',
  'Spanish (Spain)',
  'Spanish (Mexico)',
  'French',
  'French (Canada)',
  'German',
  'Italian',
  'Portuguese',
  'Portuguese (Brazil)',
  'Dutch',
  'Polish',
  'Swedish',
  'Danish',
  'Norwegian',
  'Finnish',
  'Czech',
  'Greek',
  'Romanian',
  'Hungarian',
  'Turkish',
  'Russian',
  'Ukrainian',
  'Arabic',
  'Hebrew',
  'Hindi',
  'Bengali',
  'Tamil',
  'Indonesian',
  'Malay',
  'Filipino',
  'Thai',
  'Vietnamese',
  'Japanese',
  'Korean',
  'Chinese',
  'Chinese (Mandarin, Simplified)',
  'Chinese (Cantonese, Traditional)',
];

/**
 * Docs, "Get User's Account Information": the answer of GET /v3/users/me, envelope included
 * (this endpoint answers `{code, data, message}`, not the plain `{data}` of other v3 endpoints).
 */
export function userMeAnswer(): { code: number; data: UserInfo; message: null } {
  return {
    code: 100,
    data: {
      username: 'jane_doe',
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      billing_type: 'subscription',
      subscription: {
        plan: 'enterprise',
        credits: {
          premium_credits: {
            remaining: 250,
            resets_at: '2026-05-01T00:00:00Z',
          },
          add_on_credits: {
            remaining: 50,
            resets_at: null,
          },
        },
      },
    },
    message: null,
  };
}
