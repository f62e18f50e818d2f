/**
 * The catalog routes end to end over loopback: avatars (groups, looks, creation), voices,
 * users/me and translation languages, served by the HeyGen v3 simulator through the gateway.
 * Objects that appear in HeyGen's v3 docs (group_abc123, look_def456, the users/me answers, the
 * create-avatar bodies) are the fixtures, verbatim.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRANSLATION_LANGUAGES } from '../../src/sandbox/heygen-v3-data.js';
import type { HeygenV3Sandbox, RecordedRequest } from '../../src/sandbox/heygen-v3.js';
import { KEYS, UPSTREAM_KEYS, startHarness, type Answer, type Harness } from '../helpers/gateway.js';

// ---- fixtures from the v3 docs ----------------------------------------------------------------

/** "Avatar Groups", GET /v3/avatars/group_abc123 response. */
const DOC_GROUP_ABC123 = {
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

/** "Avatar Looks", GET /v3/avatars/looks/look_def456 response. */
const DOC_LOOK_DEF456 = {
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

/** The v3 schema's nullable fields the docs' examples leave out; the gateway states them as null. */
const GROUP_NULLS = { error: null };
const LOOK_NULLS = { image_width: null, image_height: null, preferred_orientation: null, error: null };

/** "Get User's Account Information": the upstream answer, code:100 envelope included. */
const DOC_USER_SUBSCRIPTION = {
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
        premium_credits: { remaining: 250, resets_at: '2026-05-01T00:00:00Z' },
        add_on_credits: { remaining: 50, resets_at: null },
      },
    },
  },
  message: null,
};

/** "Authentication" quick verification: a wallet account. */
const DOC_USER_WALLET = {
  code: 100,
  data: {
    username: 'jane_doe',
    email: 'jane@example.com',
    first_name: 'Jane',
    last_name: 'Doe',
    billing_type: 'wallet',
    wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false } },
  },
  message: null,
};

/** "Create Avatar" request bodies. */
const DOC_PHOTO_AVATAR = { type: 'photo', name: 'My Photo Avatar', file: { type: 'url', url: 'https://example.com/headshot.png' } };
const DOC_PROMPT_AVATAR = {
  type: 'prompt',
  name: 'Space Commander',
  prompt:
    'Young woman, early 30s, confident expression, short silver hair, warm brown eyes, wearing a dark blue space suit with mission patches, standing in a modern spacecraft bridge with holographic displays',
};
const DOC_SARAH_PHOTO = { type: 'photo', name: 'Sarah', file: { type: 'url', url: 'https://example.com/sarah-headshot.png' } };
const sarahNewLook = (avatarId: string) => ({
  type: 'prompt',
  name: 'Sarah — Navy Blazer Office',
  prompt: 'Wearing a navy blazer, modern office background with plants, warm natural light',
  avatar_id: avatarId,
});

/** The simulator's "Sara" voice (the voice of the README's create example). */
const SARA = {
  voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
  name: 'Sara',
  language: 'English',
  gender: 'female',
  preview_audio_url: 'https://files.heygen.ai/voice/preview/sara.mp3',
  support_pause: true,
  support_locale: true,
  type: 'public',
};

// ---- helpers ------------------------------------------------------------------------------

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.hg.reset();
  h.hg2.reset();
});

/** The request the gateway made upstream: exactly one per client call in these tests. */
function onlyUpstreamCall(sim: HeygenV3Sandbox, other: HeygenV3Sandbox): RecordedRequest {
  expect(other.requests).toStrictEqual([]);
  expect(sim.requests).toHaveLength(1);
  const req = sim.requests[0]!;
  sim.requests.length = 0;
  return req;
}

function expectUpstream(req: RecordedRequest, method: string, path: string, key: string = UPSTREAM_KEYS.hg): void {
  expect({ method: req.method, path: req.path }).toStrictEqual({ method, path });
  expect(req.headers['x-api-key']).toBe(key);
  // The client's key never travels upstream, in either header.
  expect(req.headers.authorization).toBeUndefined();
}

function expectServedBy(res: Answer, account: 'hg' | 'hg2'): void {
  expect(res.headers['x-gateway-account']).toBe(account);
  expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

interface PageBody {
  data: Array<{ id?: string; voice_id?: string }>;
  has_more: boolean;
  next_token: string | null;
}

/** Follows next_token through every page, checking each upstream request on the way. */
async function allPages(path: string, upstreamPath: (token: string | null) => string, key: string = KEYS.acme): Promise<PageBody[]> {
  const pages: PageBody[] = [];
  let token: string | null = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await h.call('GET', token === null ? path : `${path}${sep}token=${encodeURIComponent(token)}`, { key });
    expect(res.status).toBe(200);
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', upstreamPath(token));
    const page = res.json as PageBody;
    expect(Object.keys(page).sort()).toStrictEqual(['data', 'has_more', 'next_token']);
    pages.push(page);
    if (!page.has_more) {
      expect(page.next_token).toBeNull();
      return pages;
    }
    expect(page.next_token).toEqual(expect.any(String));
    token = page.next_token;
  }
  throw new Error('pagination did not end');
}

const idsOf = (pages: PageBody[]) => pages.flatMap((p) => p.data.map((d) => d.id ?? d.voice_id));

// ---- avatars ------------------------------------------------------------------------------

describe('GET /v3/avatars (groups)', () => {
  const ALL_GROUPS = [
    'group_abc123', 'group_b7e210', 'group_c4a981', 'group_d93f02', 'group_e15c77', 'group_f0a3b4',
    'group_a2d6e8', 'group_b9c0d1', 'group_c8e4f5', 'group_d1f2a3', 'group_e7a8b9',
  ];

  it('pages through every group: no duplicates, next_token handed back untouched', async () => {
    const pages = await allPages('/v3/avatars?limit=4', (t) => (t === null ? '/v3/avatars?limit=4' : `/v3/avatars?limit=4&token=${t}`));
    expect(pages.map((p) => p.data.length)).toStrictEqual([4, 4, 3]);
    const ids = idsOf(pages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toStrictEqual(ALL_GROUPS);
    expect(pages[0]!.data[0]).toStrictEqual({ ...DOC_GROUP_ABC123, ...GROUP_NULLS });
  });

  it('sends the documented default limit (20) upstream when the client gives none', async () => {
    const res = await h.call('GET', '/v3/avatars');
    expect(res.status).toBe(200);
    expect(idsOf([res.json as PageBody])).toStrictEqual(ALL_GROUPS);
    expect((res.json as PageBody).has_more).toBe(false);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars?limit=20');
  });

  it('filters by ownership', async () => {
    const mine = await h.call('GET', '/v3/avatars?ownership=private');
    expect(mine.status).toBe(200);
    expect(idsOf([mine.json as PageBody])).toStrictEqual(['group_e7a8b9']);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars?ownership=private&limit=20');

    // The docs' quick example: ?ownership=public&limit=5
    const pages = await allPages('/v3/avatars?ownership=public&limit=5', (t) =>
      t === null ? '/v3/avatars?ownership=public&limit=5' : `/v3/avatars?ownership=public&limit=5&token=${t}`,
    );
    expect(pages[0]!.data[0]).toStrictEqual({ ...DOC_GROUP_ABC123, ...GROUP_NULLS });
    expect(idsOf(pages)).toStrictEqual(ALL_GROUPS.filter((g) => g !== 'group_e7a8b9'));
  });

  it('a client whose first account is hg2 is served by hg2 with hg2\'s key', async () => {
    const res = await h.call('GET', '/v3/avatars?limit=2', { key: KEYS.globex });
    expect(res.status).toBe(200);
    expectServedBy(res, 'hg2');
    expectUpstream(onlyUpstreamCall(h.hg2, h.hg), 'GET', '/v3/avatars?limit=2', UPSTREAM_KEYS.hg2);
  });

  it.each([
    ['/v3/avatars?limit=0', 'limit', "'limit' must be between 1 and 50."],
    ['/v3/avatars?limit=51', 'limit', "'limit' must be between 1 and 50."],
    ['/v3/avatars?ownership=mine', 'ownership', `'ownership' must be one of: "public", "private".`],
  ])('GET %s is 400 invalid_parameter and the upstream is not called', async (path, param, message) => {
    const res = await h.call('GET', path);
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message, param, doc_url: null } });
    expect(h.hg.requests).toStrictEqual([]);
  });
});

describe('GET /v3/avatars/{group_id}', () => {
  it('answers the docs\' group_abc123 verbatim', async () => {
    const res = await h.call('GET', '/v3/avatars/group_abc123');
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ data: { ...DOC_GROUP_ABC123, ...GROUP_NULLS } });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars/group_abc123');
  });

  it('an unknown group is 404 avatar_not_found, naming the account that answered', async () => {
    const res = await h.call('GET', '/v3/avatars/group_nope');
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: { code: 'avatar_not_found', message: 'Avatar group not found.', param: null, doc_url: null } });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars/group_nope');
  });
});

describe('GET /v3/avatars/looks', () => {
  it('filters by group_id (the docs\' group_abc123)', async () => {
    const res = await h.call('GET', '/v3/avatars/looks?group_id=group_abc123');
    expect(res.status).toBe(200);
    expectServedBy(res, 'hg');
    const body = res.json as PageBody;
    expect(idsOf([body])).toStrictEqual(['look_def456', 'look_def457', 'look_def458']);
    expect(body.data[0]).toStrictEqual({ ...DOC_LOOK_DEF456, ...LOOK_NULLS });
    expect(body.has_more).toBe(false);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars/looks?group_id=group_abc123&limit=20');
  });

  it('filters by avatar_type', async () => {
    const res = await h.call('GET', '/v3/avatars/looks?avatar_type=digital_twin');
    expect(res.status).toBe(200);
    expect(idsOf([res.json as PageBody])).toStrictEqual(['look_e7a8ba', 'look_e7a8bb']);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars/looks?avatar_type=digital_twin&limit=20');
  });

  it('pages through the docs\' quick example query (?avatar_type=photo_avatar&ownership=public&limit=5)', async () => {
    const q = 'avatar_type=photo_avatar&ownership=public&limit=5';
    const pages = await allPages(`/v3/avatars/looks?${q}`, (t) => (t === null ? `/v3/avatars/looks?${q}` : `/v3/avatars/looks?${q}&token=${t}`));
    expect(pages[0]!.data[0]).toStrictEqual({ ...DOC_LOOK_DEF456, ...LOOK_NULLS });
    expect(pages[0]!.has_more).toBe(true);
    const ids = idsOf(pages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toStrictEqual([
      'look_def456', 'look_def458', 'look_b7e213', 'look_c4a984', 'look_d93f04',
      'look_e15c79', 'look_f0a3b6', 'look_a2d6ea', 'look_c8e4f7', 'look_d1f2a5',
    ]);
    for (const page of pages) for (const look of page.data) expect(look).toMatchObject({ avatar_type: 'photo_avatar' });
  });

  it.each([
    ['limit=51', 'limit', "'limit' must be between 1 and 50."],
    ['avatar_type=cartoon', 'avatar_type', expect.stringMatching(/^'avatar_type' must be one of: /)],
  ])('?%s is 400 invalid_parameter naming the parameter, and the upstream is not called', async (q, param, message) => {
    const res = await h.call('GET', `/v3/avatars/looks?${q}`);
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message, param, doc_url: null } });
    expect(h.hg.requests).toStrictEqual([]);
    expect(h.hg2.requests).toStrictEqual([]);
  });
});

describe('GET /v3/avatars/looks/{look_id}', () => {
  it('answers the docs\' look_def456 verbatim', async () => {
    const res = await h.call('GET', '/v3/avatars/looks/look_def456');
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ data: { ...DOC_LOOK_DEF456, ...LOOK_NULLS } });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars/looks/look_def456');
  });

  it('an unknown look is 404 avatar_not_found', async () => {
    const res = await h.call('GET', '/v3/avatars/looks/look_doesnotexist');
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: { code: 'avatar_not_found', message: 'Avatar look not found.', param: null, doc_url: null } });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/avatars/looks/look_doesnotexist');
  });
});

describe('POST /v3/avatars', () => {
  interface Created {
    data: { avatar_item: Record<string, unknown> & { id: string; group_id: string }; avatar_group: Record<string, unknown> & { id: string } };
  }

  it('creates a photo avatar (the docs\' body), which is then readable through the gateway', async () => {
    const res = await h.call('POST', '/v3/avatars', { body: DOC_PHOTO_AVATAR });
    expect(res.status).toBe(200);
    expectServedBy(res, 'hg');
    const up = onlyUpstreamCall(h.hg, h.hg2);
    expectUpstream(up, 'POST', '/v3/avatars');
    expect(up.body).toStrictEqual(DOC_PHOTO_AVATAR);
    expect(up.headers['content-type']).toBe('application/json');

    const { avatar_item: look, avatar_group: group } = (res.json as Created).data;
    expect(look).toStrictEqual({
      id: expect.stringMatching(/^look_/),
      name: 'My Photo Avatar',
      avatar_type: 'photo_avatar',
      group_id: group.id,
      gender: null,
      preview_image_url: expect.stringMatching(/^https:\/\/files\.heygen\.ai\/look\//),
      preview_video_url: null,
      default_voice_id: null,
      tags: [],
      supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'],
      status: 'completed',
      ...LOOK_NULLS,
    });
    expect(group).toStrictEqual({
      id: expect.stringMatching(/^group_/),
      name: 'My Photo Avatar',
      gender: null,
      preview_image_url: expect.any(String),
      preview_video_url: null,
      looks_count: 1,
      default_voice_id: null,
      consent_status: null,
      status: 'completed',
      created_at: expect.any(Number),
      ...GROUP_NULLS,
    });

    const readLook = await h.call('GET', `/v3/avatars/looks/${look.id}`);
    expect(readLook.status).toBe(200);
    expect(readLook.json).toStrictEqual({ data: look });
    expectServedBy(readLook, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', `/v3/avatars/looks/${look.id}`);

    const readGroup = await h.call('GET', `/v3/avatars/${group.id}`);
    expect(readGroup.status).toBe(200);
    expect(readGroup.json).toStrictEqual({ data: group });

    const mine = await h.call('GET', '/v3/avatars/looks?ownership=private&avatar_type=photo_avatar');
    expect(idsOf([mine.json as PageBody])).toStrictEqual([look.id]);
  });

  it('creates a prompt avatar (the docs\' Space Commander), a studio_avatar look in a new group', async () => {
    const res = await h.call('POST', '/v3/avatars', { body: DOC_PROMPT_AVATAR });
    expect(res.status).toBe(200);
    const up = onlyUpstreamCall(h.hg, h.hg2);
    expectUpstream(up, 'POST', '/v3/avatars');
    expect(up.body).toStrictEqual(DOC_PROMPT_AVATAR);
    const { avatar_item: look, avatar_group: group } = (res.json as Created).data;
    // The docs' response example for this body.
    expect(look).toMatchObject({ name: 'Space Commander', avatar_type: 'studio_avatar', group_id: group.id, tags: [], supported_api_engines: ['avatar_4_quality', 'avatar_4_turbo'] });
    expect(group).toMatchObject({ name: 'Space Commander', looks_count: 1, consent_status: null });

    const read = await h.call('GET', `/v3/avatars/looks/${look.id}`);
    expect(read.json).toStrictEqual({ data: look });
  });

  it('the docs\' Sarah sequence: a prompt with avatar_id adds a look to that avatar\'s group', async () => {
    const photo = await h.call('POST', '/v3/avatars', { body: DOC_SARAH_PHOTO });
    expect(photo.status).toBe(200);
    const base = (photo.json as Created).data.avatar_item;

    const variant = await h.call('POST', '/v3/avatars', { body: sarahNewLook(base.id) });
    expect(variant.status).toBe(200);
    expect(h.hg.requests.map((r) => r.body)).toStrictEqual([DOC_SARAH_PHOTO, sarahNewLook(base.id)]);
    h.hg.requests.length = 0;
    const { avatar_item: look, avatar_group: group } = (variant.json as Created).data;
    expect(look.id).not.toBe(base.id);
    expect(group).toMatchObject({ id: base.group_id, name: 'Sarah', looks_count: 2 });

    const looks = await h.call('GET', `/v3/avatars/looks?group_id=${base.group_id}`);
    expect(looks.status).toBe(200);
    expect(idsOf([looks.json as PageBody])).toStrictEqual([base.id, look.id]);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', `/v3/avatars/looks?group_id=${base.group_id}&limit=20`);
  });

  it('a look created by globex lives on hg2: reads go there, and pinning them to hg is refused', async () => {
    const res = await h.call('POST', '/v3/avatars', { key: KEYS.globex, body: DOC_PHOTO_AVATAR });
    expect(res.status).toBe(200);
    expectServedBy(res, 'hg2');
    expectUpstream(onlyUpstreamCall(h.hg2, h.hg), 'POST', '/v3/avatars', UPSTREAM_KEYS.hg2);
    const { avatar_item: look } = (res.json as Created).data;

    const read = await h.call('GET', `/v3/avatars/looks/${look.id}`, { key: KEYS.globex });
    expect(read.status).toBe(200);
    expect(read.json).toStrictEqual({ data: look });
    expectServedBy(read, 'hg2');
    expectUpstream(onlyUpstreamCall(h.hg2, h.hg), 'GET', `/v3/avatars/looks/${look.id}`, UPSTREAM_KEYS.hg2);

    const pinned = await h.call('GET', `/v3/avatars/looks/${look.id}`, { key: KEYS.globex, headers: { 'x-gateway-account': 'hg' } });
    expect(pinned.status).toBe(400);
    expect(pinned.json).toStrictEqual({
      error: {
        code: 'provider_capability_unsupported',
        message: `'look_id' belongs to account "hg2", but the request is pinned to "hg".`,
        param: 'look_id',
        doc_url: null,
      },
    });
    expect(h.hg.requests).toStrictEqual([]);
    expect(h.hg2.requests).toStrictEqual([]);
  });

  it('an invalid body is 400 naming the field, and the upstream is not called', async () => {
    const res = await h.call('POST', '/v3/avatars', { body: { type: 'photo', name: 'No file' } });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message: "'file' is required.", param: 'file', doc_url: null } });
    expect(h.hg.requests).toStrictEqual([]);
  });
});

// ---- voices -------------------------------------------------------------------------------

describe('GET /v3/voices', () => {
  it('the README\'s ?language=English&limit=3, paged to the end', async () => {
    const pages = await allPages('/v3/voices?language=English&limit=3', (t) =>
      t === null ? '/v3/voices?type=public&language=English&limit=3' : `/v3/voices?type=public&language=English&limit=3&token=${t}`,
    );
    expect(pages.map((p) => p.data.length)).toStrictEqual([3, 3, 3]);
    expect(pages[0]!.data[0]).toStrictEqual(SARA);
    const ids = idsOf(pages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.flatMap((p) => p.data.map((v) => (v as { name?: string }).name))).toStrictEqual([
      'Sara', 'Monica', 'Daniel', 'Olivia', 'Marcus', 'Hannah', 'Ethan', 'Grace', 'Oliver',
    ]);
  });

  it('filters by type, gender and engine', async () => {
    const mine = await h.call('GET', '/v3/voices?type=private');
    expect(mine.status).toBe(200);
    expect((mine.json as PageBody).data.map((v) => (v as { name?: string }).name)).toStrictEqual(['My Voice Clone', 'Brand Narrator']);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/voices?type=private&limit=20');

    const women = await h.call('GET', '/v3/voices?language=German&gender=female');
    expect((women.json as PageBody).data.map((v) => (v as { name?: string }).name)).toStrictEqual(['Lena']);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/voices?type=public&language=German&gender=female&limit=20');

    const multi = await h.call('GET', '/v3/voices?engine=multilingual&language=English');
    expect((multi.json as PageBody).data.map((v) => (v as { name?: string }).name)).toStrictEqual(['Sara', 'Marcus', 'Hannah', 'Oliver']);
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/voices?type=public&engine=multilingual&language=English&limit=20');
  });

  it('?limit=101 is 400 invalid_parameter (limit) without an upstream call', async () => {
    const res = await h.call('GET', '/v3/voices?limit=101');
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({ error: { code: 'invalid_parameter', message: "'limit' must be between 1 and 100.", param: 'limit', doc_url: null } });
    expect(h.hg.requests).toStrictEqual([]);
  });
});

describe('GET /v3/voices/{voice_id}', () => {
  it('answers one voice', async () => {
    const res = await h.call('GET', '/v3/voices/1bd001e7e50f421d891986aad5c8bbd2');
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ data: SARA });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/voices/1bd001e7e50f421d891986aad5c8bbd2');
  });

  it('an unknown voice is 404 voice_not_found', async () => {
    const res = await h.call('GET', '/v3/voices/voice_nope');
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ error: { code: 'voice_not_found', message: 'Voice not found.', param: null, doc_url: null } });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/voices/voice_nope');
  });
});

// ---- users/me and languages ---------------------------------------------------------------

describe('GET /v3/users/me', () => {
  it('unwraps the upstream\'s code:100 envelope into {"data":{...}} (the docs\' subscription account)', async () => {
    const res = await h.call('GET', '/v3/users/me');
    expect(res.status).toBe(200);
    // Only the billing object billing_type names is populated; the others are null ("Billing Type").
    expect(res.json).toStrictEqual({ data: { ...DOC_USER_SUBSCRIPTION.data, wallet: null, usage_based: null } });
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/users/me');
  });

  it('the docs\' wallet account', async () => {
    h.hg.faults.add({ method: 'GET', path: '/v3/users/me', status: 200, body: JSON.stringify(DOC_USER_WALLET) });
    const res = await h.call('GET', '/v3/users/me');
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({
      data: {
        ...DOC_USER_WALLET.data,
        wallet: { currency: 'usd', remaining_balance: 42.5, auto_reload: { enabled: false, threshold_usd: null, amount_usd: null } },
        subscription: null,
        usage_based: null,
      },
    });
  });

  it('is the serving account\'s user: globex sees hg2\'s, or hg\'s when pinned', async () => {
    const first = await h.call('GET', '/v3/users/me', { key: KEYS.globex });
    expectServedBy(first, 'hg2');
    expectUpstream(onlyUpstreamCall(h.hg2, h.hg), 'GET', '/v3/users/me', UPSTREAM_KEYS.hg2);

    const pinned = await h.call('GET', '/v3/users/me', { key: KEYS.globex, headers: { 'x-gateway-account': 'hg' } });
    expect(pinned.status).toBe(200);
    expectServedBy(pinned, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/users/me');

    const foreign = await h.call('GET', '/v3/users/me', { headers: { 'x-gateway-account': 'hg2' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ error: { code: 'forbidden', param: 'X-Gateway-Account' } });
    expect(h.hg2.requests).toStrictEqual([]);
  });
});

describe('GET /v3/video-translations/languages', () => {
  it('answers the upstream\'s list', async () => {
    const res = await h.call('GET', '/v3/video-translations/languages');
    expect(res.status).toBe(200);
    expect(res.json).toStrictEqual({ data: { languages: [...TRANSLATION_LANGUAGES] } });
    expect((res.json as { data: { languages: string[] } }).data.languages).toContain('Portuguese (Brazil)');
    expectServedBy(res, 'hg');
    expectUpstream(onlyUpstreamCall(h.hg, h.hg2), 'GET', '/v3/video-translations/languages');
  });
});
