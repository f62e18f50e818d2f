/**
 * buildApp(config) returns the gateway as a fastify instance: tests drive it with inject(),
 * `serve` listens with it. Everything stateful is created here and closed with the app.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type Options as AjvOptions } from 'ajv';
import type { Dispatcher } from 'undici';
import type { GatewayConfig } from './config/schema.js';
import { adapterFactories } from '../adapters/registry.js';
import { AccountSet } from './core/accounts.js';
import type { AdapterFactory } from './core/adapter.js';
import { ClientDirectory } from './core/clients.js';
import { JobService } from './core/jobs.js';
import { Metrics } from './core/metrics.js';
import { REDACT_PATHS, type Logger } from './core/logger.js';
import { Router } from './core/router.js';
import { CircuitRegistry } from './core/circuit.js';
import { SpendLedger } from './core/spend.js';
import { Refresher } from './core/refresher.js';
import { OutboxWorker } from './core/webhooks/outbox.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';
import { frameworkErrors, installErrorHandling } from './api/error-handler.js';
import { clientAuth } from './api/auth.js';
import type { GatewayServices } from './api/context.js';
import { ErrorEnvelope } from './api/schemas/common.js';
import { videoRoutes } from './api/routes/videos.js';
import { translationRoutes } from './api/routes/translations.js';
import { assetRoutes } from './api/routes/assets.js';
import { avatarRoutes } from './api/routes/avatars.js';
import { voiceAndUserRoutes } from './api/routes/voices.js';
import { healthRoutes } from './api/routes/health.js';
import { upstreamWebhookRoutes } from './api/routes/upstream-webhooks.js';
import { metricsRoutes } from './api/routes/metrics.js';
import { legacyRoutes } from './api/routes/legacy.js';
import { webhookRoutes } from './api/routes/webhooks.js';
import { adminRoutes } from './api/routes/admin.js';
import { V1ErrorEnvelope, V2ErrorEnvelope } from './api/legacy/schemas.js';
import { openApiInfo } from './api/openapi.js';

export interface BuildOptions {
  /** A store to use instead of opening `config.store.url` (tests). */
  store?: Store;
  /** Undici dispatcher for every adapter (tests: MockAgent). */
  dispatcher?: Dispatcher;
  /** Provider factories; defaults to adapters/registry.ts. */
  factories?: Readonly<Record<string, AdapterFactory | undefined>>;
  /** false silences logs (tests); otherwise pino options merged over the defaults. */
  logger?: FastifyServerOptions['logger'];
  now?: () => number;
  /**
   * Runs the background workers (job refresher, webhook outbox). `serve` turns them on; tests
   * that walk a job's status by polling leave them off so only their own GETs poll the upstream.
   */
  background?: boolean | BackgroundOptions;
}

/** Timing of the background workers; the defaults are production's, tests shrink them. */
export interface BackgroundOptions {
  refreshTickMs?: number;
  outboxPollMs?: number;
  /** Every background poll this long (before jitter) after the last, instead of the 10-60 s age-based cadence. */
  refreshEveryMs?: number;
  /** First webhook retry after this long instead of 10 s (later ones still grow 3x). */
  firstRetryMs?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Bodies are validated strictly; query strings and path parameters are strings that may be coerced. */
function validators(): { body: Ajv; other: Ajv } {
  const base: AjvOptions = { allErrors: false, useDefaults: true, removeAdditional: false, discriminator: true, strict: false };
  const body = new Ajv({ ...base, coerceTypes: false });
  const other = new Ajv({ ...base, coerceTypes: 'array' });
  return { body, other };
}

export async function buildApp(config: GatewayConfig, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const loggerOpts: FastifyServerOptions['logger'] =
    opts.logger === false
      ? false
      : {
          level: config.log.level,
          redact: { paths: REDACT_PATHS, censor: '[redacted]' },
          ...(typeof opts.logger === 'object' ? opts.logger : {}),
        };

  const app = Fastify({
    logger: loggerOpts,
    bodyLimit: config.server.body_limit_bytes,
    requestTimeout: config.server.request_timeout_ms,
    return503OnClosing: true,
    // Ids in paths may be up to 256 characters (the schemas say so); fastify's default is 100.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      const v = Array.isArray(incoming) ? incoming[0] : incoming;
      return v && REQUEST_ID.test(v) ? v : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajv.body : ajv.other).compile(schema));

  installErrorHandling(app);
  // JSON is the only body most routes take; text/plain would otherwise reach handlers as a string.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  const logger = app.log as unknown as Logger;
  const store = opts.store ?? openStore(config.store.url);
  const metrics = new Metrics({ store, accounts: config.accounts, clients: config.clients, logger });
  // First, so its onResponse hook counts the requests of every route registered after it.
  await app.register(metricsRoutes, {
    metrics,
    adminKeys: config.admin.api_keys,
    isClientKey: (key) => app.gateway.clients.authenticate(key) !== null,
  });
  const accounts = new AccountSet(
    config.accounts,
    opts.factories ?? adapterFactories,
    { logger, ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) },
    { onCall: (call) => metrics.observeUpstream(call) },
  );
  // Breakers and the in-flight create count live in this process; the spend ledger in the store.
  const circuits = CircuitRegistry.fromAccounts(config.accounts, opts.now ? { now: opts.now } : {});
  metrics.setCircuitSource(() => circuits.snapshots());
  const spend = new SpendLedger({ store, accounts: config.accounts, logger, ...(opts.now ? { now: opts.now } : {}) });
  const router = new Router(accounts, { configs: config.accounts, circuits, aliases: config.aliases, store, spend, logger });
  const services: GatewayServices = {
    config,
    store,
    accounts,
    router,
    clients: new ClientDirectory(config.clients),
    jobs: new JobService({
      store,
      router,
      logger,
      ...(opts.now ? { now: opts.now } : {}),
      spend,
      onFinished: (job) => {
        outbox?.wake();
        // Book the job's actual cost (or release it when it failed); a ledger error must not fail the poll.
        spend.finish(job).catch((err: unknown) => logger.error({ err, job: job.id }, 'settling spend failed'));
      },
      onUnknownStatus: (provider, kind, word) => metrics.unknownStatus(provider, kind, word),
    }),
  };
  const bg = opts.background === true ? {} : opts.background || null;
  const outbox: OutboxWorker | null = bg
    ? new OutboxWorker({
        store,
        clients: services.clients,
        allowPrivateTargets: config.webhooks.allow_private_targets,
        logger: logger.child({ worker: 'outbox' }),
        ...(bg.outboxPollMs ? { pollIntervalMs: bg.outboxPollMs } : {}),
        ...(bg.firstRetryMs ? { firstRetryMs: bg.firstRetryMs } : {}),
        onAttempt: (outcome) => metrics.delivery(outcome),
      })
    : null;
  const refresher: Refresher | null = bg
    ? new Refresher({
        store,
        router,
        jobs: services.jobs,
        logger: logger.child({ worker: 'refresher' }),
        ...(bg.refreshTickMs ? { tickMs: bg.refreshTickMs } : {}),
        ...(bg.refreshEveryMs ? { cadence: () => bg.refreshEveryMs ?? 0 } : {}),
      })
    : null;
  app.decorate('gateway', services);
  app.decorateRequest('client', null);
  app.decorateRequest('idempotency', null);
  app.addHook('onReady', async () => {
    refresher?.start();
    outbox?.start();
  });
  // server.close() waits for every open socket, and a keep-alive client keeps the socket of a
  // request that was in flight when close() began open for up to 72 s after its answer: the
  // workers would not stop and `serve` would give up on its 30 s drain deadline (exit 1). Answers
  // sent while closing therefore say `Connection: close`, so each socket ends with its last answer.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('Connection', 'close');
  });
  // onClose runs after in-flight requests drained: stop the workers (letting a delivery or poll
  // in progress finish), then release connections and the store.
  app.addHook('onClose', async () => {
    await Promise.all([refresher?.stop(), outbox?.stop()]);
    await accounts.close();
    if (!opts.store) await store.close();
  });

  app.addSchema(ErrorEnvelope);
  app.addSchema(V2ErrorEnvelope);
  app.addSchema(V1ErrorEnvelope);
  await app.register(swagger, {
    openapi: openApiInfo(config),
    // Shared schemas keep their $id as the component name (ErrorEnvelope, not def-0).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(multipart, { limits: { files: 1, fields: 10, parts: 20, fieldSize: 64 * 1024 } });
  await app.register(healthRoutes);
  await app.register(upstreamWebhookRoutes);
  // Operators' API: its own admin-key auth, outside the client scope.
  await app.register(adminRoutes, { circuits, ...(opts.now ? { now: opts.now } : {}) });
  await app.register(async (v3) => {
    await v3.register(clientAuth);
    await v3.register(videoRoutes);
    await v3.register(translationRoutes);
    await v3.register(assetRoutes);
    await v3.register(avatarRoutes);
    await v3.register(voiceAndUserRoutes);
    await v3.register(webhookRoutes, opts.now ? { now: opts.now } : {});
    // v2/v1 clients, same auth and routing; encapsulated for its raw-body upload parser
    await v3.register(legacyRoutes);
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  return app;
}
