/**
 * Seed data of the Cloudsway simulator, in Cloudsway's wire shapes. Objects that appear as examples
 * in seeds/000_b1da45572262cd95.txt are copied verbatim (group grp_abc123, look lk_abc123def456,
 * the preset look lk_studio_preset_001 of "Example A", the asset of the asset_id translation
 * example, the languages list); the rest are made up in the same style so lists have several pages.
 * Functions return fresh copies: a simulator mutates its state (new looks, looks_count).
 */

export type Ownership = 'public' | 'private';

/** An avatar group as Cloudsway sends it (`created_at` in milliseconds, as its document says). */
export interface CsGroup {
  id: string;
  name: string;
  created_at: number;
  looks_count: number;
  preview_image_url: string | null;
  preview_video_url: string | null;
  gender: string | null;
  default_voice_id: string | null;
  consent_status: string | null;
  status: string | null;
  error: { code: string; message: string } | null;
}

export interface CsLook {
  id: string;
  name: string;
  avatar_type: string;
  group_id: string;
  preview_image_url: string | null;
  preview_video_url: string | null;
  gender: string | null;
  tags: string[];
  default_voice_id: string | null;
  supported_api_engines: string[];
  image_width: number | null;
  image_height: number | null;
  preferred_orientation: string | null;
  status: string | null;
  error: { code: string; message: string } | null;
}

export interface SeedGroup {
  ownership: Ownership;
  item: CsGroup;
}
export interface SeedLook {
  ownership: Ownership;
  item: CsLook;
}

/** "Get supported translation languages", response example. */
export const TRANSLATION_LANGUAGES: readonly string[] = ['English', 'Chinese (Simplified)', 'Spanish', 'French'];

/** The asset of "Request (in asset_id format)": an uploaded mp4 the translation example names. */
export const DOC_ASSET_ID = '06484665e55e45dcaf9e331e8ac258cc';

/**
 * "List Avatar groups" / "Get a single Avatar group", response example. Its looks_count (3) is the
 * document's; the simulator lists only the one look the document shows.
 */
const DOC_GROUP: CsGroup = {
  id: 'grp_abc123',
  name: 'My Photo Avatar',
  created_at: 1717843200000,
  looks_count: 3,
  preview_image_url: 'https://resource.heygen.com/preview/xxx.jpg',
  preview_video_url: 'https://resource.heygen.com/preview/xxx.mp4',
  gender: 'female',
  default_voice_id: 'voice_001',
  consent_status: 'approved',
  status: 'completed',
  error: null,
};

/** "List Avatar Looks" / "Get the appearance of a single Avatar", response example. */
const DOC_LOOK: CsLook = {
  id: 'lk_abc123def456',
  name: 'My Avatar',
  avatar_type: 'photo_avatar',
  group_id: 'grp_abc123',
  preview_image_url: 'https://resource.heygen.com/preview/xxx.jpg',
  preview_video_url: 'https://resource.heygen.com/preview/xxx.mp4',
  gender: 'female',
  tags: ['formal'],
  default_voice_id: 'voice_001',
  supported_api_engines: ['avatar_iv'],
  image_width: 1024,
  image_height: 1024,
  preferred_orientation: 'portrait',
  status: 'completed',
  error: null,
};

const RES = 'https://resource.heygen.com';

function studioGroup(key: string, name: string, gender: string, createdAt: number): CsGroup {
  return {
    id: `grp_studio_${key}`,
    name,
    created_at: createdAt,
    looks_count: 1,
    preview_image_url: `${RES}/preview/studio_${key}.jpg`,
    preview_video_url: `${RES}/preview/studio_${key}.mp4`,
    gender,
    default_voice_id: `voice_${key}_01`,
    consent_status: null,
    status: null,
    error: null,
  };
}

function studioLook(n: string, key: string, name: string, gender: string): CsLook {
  return {
    id: `lk_studio_preset_${n}`,
    name,
    avatar_type: 'studio_avatar',
    group_id: `grp_studio_${key}`,
    preview_image_url: `${RES}/preview/studio_${key}.jpg`,
    preview_video_url: `${RES}/preview/studio_${key}.mp4`,
    gender,
    tags: ['studio'],
    default_voice_id: `voice_${key}_01`,
    supported_api_engines: ['avatar_iv', 'avatar_v'],
    image_width: 1920,
    image_height: 1080,
    preferred_orientation: 'landscape',
    status: null,
    error: null,
  };
}

export function seedGroups(): SeedGroup[] {
  return [
    { ownership: 'private', item: { ...DOC_GROUP } },
    { ownership: 'public', item: studioGroup('ava', 'Ava', 'female', 1710000000000) },
    { ownership: 'public', item: studioGroup('ben', 'Ben', 'male', 1710000100000) },
    { ownership: 'public', item: studioGroup('chen', 'Chen', 'male', 1710000200000) },
  ];
}

export function seedLooks(): SeedLook[] {
  return [
    { ownership: 'private', item: { ...DOC_LOOK, tags: [...DOC_LOOK.tags], supported_api_engines: [...DOC_LOOK.supported_api_engines] } },
    // "Example A: Platform pre-set Avatar (default_voice_id has a value)"
    { ownership: 'public', item: studioLook('001', 'ava', 'Ava - Business', 'female') },
    { ownership: 'public', item: studioLook('002', 'ben', 'Ben - Casual', 'male') },
    { ownership: 'public', item: studioLook('003', 'chen', 'Chen - Formal', 'male') },
  ];
}
