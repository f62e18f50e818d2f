import { describe, expect, it } from 'vitest';
import type { VideoCreate } from '../../src/api/schemas/videos.js';
import { GatewayConfig, type ClientConfig } from '../../src/config/schema.js';
import { AccountSet } from '../../src/core/accounts.js';
import { OPERATIONS } from '../../src/core/adapter.js';
import { GatewayError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { Router, type RouteRequest } from '../../src/core/router.js';
import { fakeProvider } from '../helpers/fake-adapter.js';

/** HeyGen's "Avatar Video" example body (docs: POST /v3/videos). */
const VIDEO: VideoCreate = {
  type: 'avatar',
  avatar_id: 'look_def456',
  voice_id: 'voice_xyz789',
  script: 'Welcome to our product walkthrough.',
};
const WITH_MOTION: VideoCreate = { ...VIDEO, motion_prompt: 'waves at the camera' };

// full: everything; nomotion: no motion_prompt; novideo: no video.create; other: not the client's.
const config = GatewayConfig.parse({
  clients: [
    { id: 'acme', api_keys: ['acme-key'], accounts: ['novideo', 'nomotion', 'full'] },
    { id: 'globex', api_keys: ['globex-key'], accounts: ['other'] },
  ],
  accounts: ['full', 'nomotion', 'novideo', 'other'].map((id) => ({
    id,
    provider: 'heygen-v3',
    base_url: 'https://api.heygen.example',
    api_key: `upstream-${id}`,
  })),
});
const fake = fakeProvider({
  nomotion: {
    fields: {
      'video.create': (v) => (v.motion_prompt ? [{ param: 'motion_prompt', reason: 'this provider has no motion prompts' }] : []),
    },
  },
  novideo: { operations: OPERATIONS.filter((op) => op !== 'video.create') },
});
const router = new Router(new AccountSet(config.accounts, { 'heygen-v3': fake.factory }, { logger: silentLogger }));

const client = (accounts: string[]): ClientConfig => ({ ...config.clients[0]!, accounts });

function refused(req: RouteRequest<'video.create'>): GatewayError {
  try {
    router.pick(req);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the router to refuse');
}

describe('automatic routing', () => {
  it('takes the first of the client accounts, in the order the client lists them', () => {
    expect(router.pick({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO }).accountId).toBe('nomotion');
    expect(router.pick({ client: client(['full', 'nomotion']), op: 'video.create', input: VIDEO }).accountId).toBe('full');
    expect(router.candidates({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO }).map((a) => a.accountId)).toEqual([
      'nomotion',
      'full',
    ]);
  });

  it('skips an account whose provider lacks the operation', () => {
    expect(router.pick({ client: client(['novideo', 'full']), op: 'video.create', input: VIDEO }).accountId).toBe('full');
  });

  it('skips an account that cannot honour a field present in the body and uses the next', () => {
    expect(router.pick({ client: client(['nomotion', 'full']), op: 'video.create', input: WITH_MOTION }).accountId).toBe('full');
  });

  it('answers 400 no_eligible_account naming the field when no account can honour it', () => {
    const err = refused({ client: client(['novideo', 'nomotion']), op: 'video.create', input: WITH_MOTION });
    expect(err.status).toBe(400);
    expect(err.code).toBe('no_eligible_account');
    expect(err.param).toBe('motion_prompt');
    expect(err.message).toBe(
      `None of this client's accounts can serve this request: account "novideo": heygen-v3 does not support video.create; ` +
        `account "nomotion" cannot honour 'motion_prompt' (this provider has no motion prompts).`,
    );
  });

  it('answers 400 no_eligible_account without a param when no account has the operation', () => {
    const err = refused({ client: client(['novideo']), op: 'video.create', input: VIDEO });
    expect(err.status).toBe(400);
    expect(err.code).toBe('no_eligible_account');
    expect(err.param).toBeNull();
    expect(err.message).toContain('video.create');
  });
});

describe('pinning with X-Gateway-Account', () => {
  it('serves a pin to one of the client accounts even when it is not the first', () => {
    expect(router.pick({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO, pin: 'full' }).accountId).toBe('full');
  });

  it.each(['other', 'no-such-account'])('refuses a pin to %s, which is not the client account, with 403 forbidden', (pin) => {
    const err = refused({ client: client(['full']), op: 'video.create', input: VIDEO, pin });
    expect(err.status).toBe(403);
    expect(err.code).toBe('forbidden');
    expect(err.param).toBe('X-Gateway-Account');
    expect(err.message).toContain(pin);
  });

  it('refuses a pin to an account lacking the operation with 400 provider_capability_unsupported', () => {
    const err = refused({ client: client(['novideo', 'full']), op: 'video.create', input: VIDEO, pin: 'novideo' });
    expect(err.status).toBe(400);
    expect(err.code).toBe('provider_capability_unsupported');
    expect(err.param).toBe('X-Gateway-Account');
    expect(err.message).toContain('video.create');
  });

  it('refuses a pin to an account that cannot honour a field, naming the field, and does not fall back', () => {
    const err = refused({ client: client(['nomotion', 'full']), op: 'video.create', input: WITH_MOTION, pin: 'nomotion' });
    expect(err.status).toBe(400);
    expect(err.code).toBe('provider_capability_unsupported');
    expect(err.param).toBe('motion_prompt');
    expect(err.message).toBe(`Account "nomotion" (heygen-v3) cannot honour 'motion_prompt' (this provider has no motion prompts).`);
  });
});

describe('resource affinity', () => {
  const affinity = { accountId: 'full', param: 'avatar_id' };

  it('sends a request naming a resource to the account that owns it, ahead of priority order', () => {
    expect(router.pick({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO, affinity }).accountId).toBe('full');
    expect(router.candidates({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO, affinity }).map((a) => a.accountId)).toEqual([
      'full',
    ]);
  });

  it('accepts a pin to the owning account', () => {
    expect(router.pick({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO, affinity, pin: 'full' }).accountId).toBe('full');
  });

  it('refuses a pin to another account with 400 naming the referencing field', () => {
    const err = refused({ client: client(['nomotion', 'full']), op: 'video.create', input: VIDEO, affinity, pin: 'nomotion' });
    expect(err.status).toBe(400);
    expect(err.code).toBe('provider_capability_unsupported');
    expect(err.param).toBe('avatar_id');
    expect(err.message).toBe(`'avatar_id' belongs to account "full", but the request is pinned to "nomotion".`);
  });

  it('does not move to another account when the owner cannot honour a field', () => {
    const err = refused({
      client: client(['full', 'nomotion']),
      op: 'video.create',
      input: WITH_MOTION,
      affinity: { accountId: 'nomotion', param: 'avatar_id' },
    });
    expect(err.code).toBe('no_eligible_account');
    expect(err.param).toBe('motion_prompt');
  });

  it('answers no_eligible_account naming the field when the owner is no longer one of the client accounts', () => {
    const err = refused({ client: client(['nomotion']), op: 'video.create', input: VIDEO, affinity });
    expect(err.status).toBe(400);
    expect(err.code).toBe('no_eligible_account');
    expect(err.param).toBe('avatar_id');
    expect(err.message).toContain("'avatar_id'");
  });
});

describe('reads of a stored job', () => {
  it('go to the account that made the job', () => {
    expect(router.forJob('nomotion').accountId).toBe('nomotion');
  });

  it('fail with 503 upstream_error when that account is no longer configured', () => {
    let err: unknown;
    try {
      router.forJob('retired');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(503);
    expect((err as GatewayError).code).toBe('upstream_error');
  });
});

it('routing decisions never call an adapter', () => {
  expect(fake.calls()).toEqual([]);
});
