/**
 * The Cloudsway document's own examples (seeds/000_b1da45572262cd95.txt), verbatim: request bodies
 * of its curl examples and its response bodies. Shared by the cloudsway adapter, sandbox and
 * end-to-end tests.
 */

// ---- requests ----

/** "Create a video translation task", Request (URL format). */
export const DOC_TRANSLATION_BY_URL = {
  video: { type: 'url', url: 'https://example.com/video.mp4' },
  output_languages: ['Chinese (Simplified)', 'Spanish'],
  mode: 'speed',
  translate_audio_only: false,
} as const;

/** "Create a video translation task", Request (in asset_id format). */
export const DOC_TRANSLATION_BY_ASSET = {
  video: { type: 'asset_id', asset_id: '06484665e55e45dcaf9e331e8ac258cc' },
  output_languages: ['Chinese (Simplified)', 'Spanish'],
} as const;

/** "Create Photo Avatar", Request. */
export const DOC_PHOTO_AVATAR = {
  type: 'photo',
  name: 'My Avatar',
  file: {
    type: 'url',
    url: 'https://example.com/avatar-photo.jpg',
  },
} as const;

/** "Create an Avatar video", Example A: Platform pre-set Avatar (default_voice_id has a value). */
export const DOC_VIDEO_EXAMPLE_A = {
  type: 'avatar',
  avatar_id: 'lk_studio_preset_001',
  title: 'Product Introduction',
  resolution: '1080p',
  aspect_ratio: '16:9',
  script: 'Hello, welcome to our product demo.',
  voice_settings: {
    speed: 1.0,
    pitch: 1.0,
    volume: 1.0,
  },
} as const;

/** "Create an Avatar video", Example B: Self-built Photo Avatar. */
export const DOC_VIDEO_EXAMPLE_B = {
  type: 'avatar',
  avatar_id: 'lk_abc123def456',
  title: 'Product Introduction',
  resolution: '1080p',
  aspect_ratio: '16:9',
  fit: 'cover',
  background: {
    type: 'color',
    value: '#ffffff',
  },
  output_format: 'mp4',
  script: 'Hello, welcome to our product demo.',
  expressiveness: 'medium',
} as const;

/** "Create an Avatar video", "Or use pre-recorded audio". */
export const DOC_VIDEO_AUDIO = {
  type: 'avatar',
  avatar_id: 'lk_abc123def456',
  title: 'Product Introduction',
  resolution: '1080p',
  aspect_ratio: '16:9',
  audio_url: 'https://example.com/narration.mp3',
} as const;

/**
 * The v3 bodies closest to Examples A and B: v3 has no `voice_settings.volume` and no `fit`, so a
 * v3 client cannot ask for them; everything else is the example's.
 */
export const V3_VIDEO_EXAMPLE_A = {
  type: 'avatar',
  avatar_id: 'lk_studio_preset_001',
  title: 'Product Introduction',
  resolution: '1080p',
  aspect_ratio: '16:9',
  script: 'Hello, welcome to our product demo.',
  voice_settings: { speed: 1.0, pitch: 1.0 },
} as const;

export const V3_VIDEO_EXAMPLE_B = {
  type: 'avatar',
  avatar_id: 'lk_abc123def456',
  title: 'Product Introduction',
  resolution: '1080p',
  aspect_ratio: '16:9',
  background: { type: 'color', value: '#ffffff' },
  output_format: 'mp4',
  script: 'Hello, welcome to our product demo.',
  expressiveness: 'medium',
} as const;

// ---- responses ----

export const DOC_LANGUAGES_RESPONSE = {
  data: {
    languages: ['English', 'Chinese (Simplified)', 'Spanish', 'French'],
  },
};

export const DOC_ASSET_RESPONSE = {
  code: 100,
  data: {
    asset_id: 'asset-xyz789',
    url: 'https://resource2.heygen.ai/video/asset-xyz789/original.mp4',
    mime_type: 'video/mp4',
    size_bytes: 10485760,
  },
  message: 'success',
};

export const DOC_TRANSLATION_CREATED = {
  code: 100,
  data: {
    video_translation_ids: ['vtrans-001', 'vtrans-002'],
  },
  message: 'success',
};

export const DOC_TRANSLATION_PROCESSING = {
  data: {
    id: 'vtrans-001',
    status: 'running',
    output_language: 'Chinese (Simplified)',
    title: 'My Video',
  },
};

export const DOC_TRANSLATION_COMPLETED = {
  data: {
    id: 'vtrans-001',
    status: 'completed',
    output_language: 'Chinese (Simplified)',
    input_language: 'English',
    duration: 32.5,
    video_url: 'https://files.heygen.ai/output/vtrans-001.mp4',
    title: 'My Video',
  },
};

export const DOC_TRANSLATION_FAILED = {
  data: {
    id: 'vtrans-001',
    status: 'failed',
    output_language: 'Chinese (Simplified)',
    failure_message: 'Translation failed due to unsupported content.',
  },
};

export const DOC_GROUP = {
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

export const DOC_GROUP_LIST_RESPONSE = {
  data: [
    {
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
    },
  ],
  has_more: false,
  next_token: null,
};

export const DOC_GROUP_RESPONSE = { error: null, data: DOC_GROUP };

export const DOC_PHOTO_AVATAR_RESPONSE = {
  error: null,
  data: {
    avatar_item: {
      id: 'lk_abc123def456',
      name: 'My Avatar',
      avatar_type: 'photo_avatar',
      group_id: 'grp_abc123',
      preview_image_url: 'https://resource.heygen.com/preview/xxx.jpg',
      preview_video_url: null,
      gender: 'female',
      tags: [],
      default_voice_id: 'voice_001',
      supported_api_engines: ['avatar_iv'],
      image_width: 1024,
      image_height: 1024,
      preferred_orientation: 'portrait',
      status: 'completed',
      error: null,
    },
    avatar_group: {
      id: 'grp_abc123',
      name: 'My Avatar',
      created_at: 1717843200000,
      looks_count: 1,
      preview_image_url: 'https://resource.heygen.com/preview/xxx.jpg',
      preview_video_url: null,
      gender: 'female',
      default_voice_id: 'voice_001',
      consent_status: 'approved',
      status: 'completed',
      error: null,
    },
  },
};

export const DOC_LOOK = {
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

export const DOC_LOOK_LIST_RESPONSE = {
  data: [
    {
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
    },
  ],
  has_more: false,
  next_token: null,
};

export const DOC_LOOK_RESPONSE = { error: null, data: DOC_LOOK };

export const DOC_VIDEO_CREATED = {
  error: null,
  data: {
    video_id: 'vid_abc123def456',
    status: 'pending',
    output_format: 'mp4',
  },
};

export const DOC_VIDEO_STATUS = {
  error: null,
  data: {
    id: 'vid_abc123def456',
    status: 'completed',
    title: 'Product Introduction',
    created_at: 1717843200,
    completed_at: 1717843500,
    video_url: 'https://resource.heygen.com/videos/xxx.mp4',
    thumbnail_url: 'https://resource.heygen.com/videos/xxx_thumb.jpg',
    gif_url: 'https://resource.heygen.com/videos/xxx.gif',
    captioned_video_url: null,
    subtitle_url: null,
    duration: 12.5,
    folder_id: null,
    output_language: 'English',
    failure_code: null,
    failure_message: null,
    video_page_url: 'https://app.heygen.com/videos/xxx',
  },
};

/** The document's group/look in v3's shape: created_at in seconds, every other field as it came. */
export const V3_GROUP = { ...DOC_GROUP, created_at: 1717843200 };
export const V3_LOOK = DOC_LOOK;
