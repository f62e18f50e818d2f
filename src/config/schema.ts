import { z } from 'zod';

export const PROVIDERS = ['heygen-v3', 'heygen-v2', 'heygen-v1', 'cloudsway', 'gmi'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'ids are 1-64 of A-Z a-z 0-9 _ . - starting alphanumeric');
const secret = z.string().min(1, 'must not be empty');
const httpUrl = z
  .string()
  .refine((u) => {
    try {
      return ['http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const usd = z.number().nonnegative();
/** USD per output second for one avatar type; a number is one rate for every resolution. */
const VideoRate = z.union([usd, z.strictObject({ '720p': usd.optional(), '1080p': usd.optional(), '4k': usd.optional() })], {
  error: 'expected a USD rate per second, or a map of 720p / 1080p / 4k to rates',
});

/**
 * An account's cost model (src/core/pricing.ts). Everything is optional: anything left out takes
 * the provider's default, HeyGen's published self-serve rate. A number at `video` or `translation`
 * is one rate for every avatar type / mode.
 */
export const Pricing = z.strictObject({
  /** USD per second of output video, by avatar type (and resolution). */
  video: z
    .union(
      [
        usd,
        z.strictObject({ studio_avatar: VideoRate.optional(), digital_twin: VideoRate.optional(), photo_avatar: VideoRate.optional() }),
      ],
      { error: 'expected a USD rate per second, or a map of studio_avatar / digital_twin / photo_avatar to rates' },
    )
    .optional(),
  /** USD per second of output video, per output language, by mode. */
  translation: z
    .union([usd, z.strictObject({ speed: usd.optional(), speed_audio_only: usd.optional(), precision: usd.optional() })], {
      error: 'expected a USD rate per second, or a map of speed / speed_audio_only / precision to rates',
    })
    .optional(),
  /** USD per call, added to the per-second cost (translation: per output language). */
  per_call: z
    .strictObject({
      video: usd.optional(),
      translation: usd.optional(),
      avatar_creation: z
        .union([usd, z.strictObject({ digital_twin: usd.optional(), photo_avatar: usd.optional() })], {
          error: 'expected a USD amount, or a map of digital_twin / photo_avatar to amounts',
        })
        .optional(),
    })
    .optional(),
});
export type PricingConfig = z.infer<typeof Pricing>;

/** Circuit breaker settings (src/core/circuit.ts); defaults there: 5 failures, 30000 ms. */
export const CircuitSettingsConfig = z.strictObject({
  failure_threshold: z.number().int().min(1).max(1000).optional(),
  cooldown_ms: z.number().int().min(0).max(86_400_000).optional(),
});
export type CircuitSettingsConfig = z.infer<typeof CircuitSettingsConfig>;

const accountBase = {
  id,
  base_url: httpUrl,
  api_key: secret,
  pricing: Pricing.optional(),
  timeout_ms: z.number().int().min(100).max(600_000).optional(),
  max_concurrent_jobs: z.number().int().positive().optional(),
  circuit: CircuitSettingsConfig.optional(),
};

export const AccountConfig = z.discriminatedUnion('provider', [
  z.strictObject({
    ...accountBase,
    provider: z.literal('heygen-v3'),
    /**
     * Secret of a webhook endpoint registered on this HeyGen account that points at
     * {server.public_url}/upstream/heygen/{account id}/webhook: verified events finish jobs early.
     */
    webhook_secret: secret.optional(),
  }),
  z.strictObject({ ...accountBase, provider: z.literal('heygen-v2'), upload_url: httpUrl.optional() }),
  z.strictObject({ ...accountBase, provider: z.literal('heygen-v1'), upload_url: httpUrl.optional() }),
  z.strictObject({
    ...accountBase,
    provider: z.literal('cloudsway'),
    endpoint_paths: z
      .strictObject({ video: z.string().min(1).optional(), translation: z.string().min(1).optional() })
      .optional(),
    endpoint_path: z.string().min(1).optional(),
  }),
  z.strictObject({ ...accountBase, provider: z.literal('gmi'), model: z.string().min(1).default('heygen-avatar-4') }),
]);
export type AccountConfig = z.infer<typeof AccountConfig>;

export const ClientConfig = z.strictObject({
  id,
  api_keys: z.array(secret).min(1),
  accounts: z.array(id).min(1),
  routing: z.enum(['priority', 'cheapest']).default('priority'),
  monthly_budget_usd: z.number().positive().optional(),
  webhook_secret: secret.optional(),
});
export type ClientConfig = z.infer<typeof ClientConfig>;

/** Logical name -> account id -> that account's id for the same thing. */
const AliasMap = z.record(id, z.record(id, z.string().min(1).max(256)));
/** Logical avatar (look) and voice names a request may use as `alias:<name>` (src/core/aliases.ts). */
export const AliasesConfig = z.strictObject({ avatars: AliasMap.optional(), voices: AliasMap.optional() });
export type AliasesConfig = z.infer<typeof AliasesConfig>;

export const GatewayConfig = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        public_url: httpUrl.optional(),
        body_limit_bytes: z.number().int().positive().default(1_048_576),
        request_timeout_ms: z.number().int().positive().default(120_000),
      })
      .prefault({}),
    store: z.strictObject({ url: z.string().min(1).default('sqlite:./data/gateway.db') }).prefault({}),
    admin: z.strictObject({ api_keys: z.array(secret).default([]) }).prefault({}),
    webhooks: z.strictObject({ allow_private_targets: z.boolean().default(false) }).prefault({}),
    clients: z.array(ClientConfig).min(1),
    accounts: z.array(AccountConfig).min(1),
    aliases: AliasesConfig.optional(),
    log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const accountIds = new Set<string>();
    cfg.accounts.forEach((a, i) => {
      if (accountIds.has(a.id)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `duplicate account id "${a.id}"` });
      accountIds.add(a.id);
      // endpoint_paths names a path per product; endpoint_path serves every product it does not name.
      if (a.provider === 'cloudsway' && !a.endpoint_path && !a.endpoint_paths?.video && !a.endpoint_paths?.translation) {
        ctx.addIssue({ code: 'custom', path: ['accounts', i], message: 'cloudsway accounts need endpoint_paths or endpoint_path' });
      }
    });
    for (const kind of ['avatars', 'voices'] as const) {
      for (const [name, perAccount] of Object.entries(cfg.aliases?.[kind] ?? {})) {
        for (const account of Object.keys(perAccount)) {
          if (!accountIds.has(account)) ctx.addIssue({ code: 'custom', path: ['aliases', kind, name, account], message: `unknown account "${account}"` });
        }
      }
    }
    const clientIds = new Set<string>();
    const keys = new Set<string>();
    cfg.clients.forEach((c, i) => {
      if (clientIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['clients', i, 'id'], message: `duplicate client id "${c.id}"` });
      clientIds.add(c.id);
      c.accounts.forEach((a, j) => {
        if (!accountIds.has(a)) ctx.addIssue({ code: 'custom', path: ['clients', i, 'accounts', j], message: `unknown account "${a}"` });
      });
      c.api_keys.forEach((k, j) => {
        // The message must not echo the key itself.
        if (keys.has(k)) ctx.addIssue({ code: 'custom', path: ['clients', i, 'api_keys', j], message: 'api key is used twice' });
        keys.add(k);
      });
    });
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;
export type GatewayConfigInput = z.input<typeof GatewayConfig>;
