/**
 * Upstream webhooks: HeyGen v3 accounts can tell the gateway a job has ended instead of waiting
 * for the next poll. The operator registers `{public_url}/upstream/heygen/{account id}/webhook`
 * as a webhook endpoint on the HeyGen account and puts that endpoint's secret in the account's
 * `webhook_secret`. A delivery is verified against the raw body (HeyGen's signature scheme), then
 * used only as a hint: the job is re-read from the upstream, never finished from the payload,
 * and polling stays the safety net.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { verifySignature } from '../../core/webhooks/sign.js';

/** What the gateway reads from an upstream event: the upstream id of the job it is about. */
const UpstreamEvent = z.object({
  event_type: z.string(),
  event_data: z
    .object({ video_id: z.string().optional(), video_translate_id: z.string().optional(), id: z.string().optional() })
    .passthrough(),
});

/** Deliveries older than this are refused as replays (HeyGen's docs suggest ~5 minutes). */
const MAX_SKEW_SECONDS = 300;

export const upstreamWebhookRoutes: FastifyPluginAsync = async (app) => {
  const { config, store, jobs, router } = app.gateway;
  const secrets = new Map<string, string>();
  for (const a of config.accounts) {
    if ('webhook_secret' in a && a.webhook_secret) secrets.set(a.id, a.webhook_secret);
  }

  // The signature covers the exact bytes: keep the body as a string in this scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  app.post<{ Params: { account_id: string } }>(
    '/upstream/heygen/:account_id/webhook',
    { schema: { hide: true } },
    async (request, reply) => {
      const secret = secrets.get(request.params.account_id);
      if (!secret) throw new GatewayError('resource_not_found', 'No upstream webhook is configured at this address.');
      const raw = typeof request.body === 'string' ? request.body : '';
      const header = (name: string) => {
        const v = request.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const ok = verifySignature({
        body: raw,
        signature: header('heygen-signature') ?? '',
        secret,
        timestamp: header('heygen-timestamp'),
        maxSkewSeconds: MAX_SKEW_SECONDS,
      });
      if (!ok) throw new GatewayError('unauthorized', 'The webhook signature does not verify.');

      let parsed: z.infer<typeof UpstreamEvent>;
      try {
        parsed = UpstreamEvent.parse(JSON.parse(raw));
      } catch {
        throw new GatewayError('invalid_parameter', 'The webhook body is not a HeyGen event.');
      }
      const d = parsed.event_data;
      const upstreamId = d.video_id ?? d.video_translate_id ?? d.id;
      const accountId = request.params.account_id;
      const job = upstreamId ? await store.findJobByUpstream(accountId, upstreamId) : null;
      if (job) {
        // Answer at once (HeyGen wants a 2xx within 10 s); the re-read runs behind the answer.
        jobs.refresh(job, router.forJob(accountId)).catch((err: unknown) => {
          request.log.warn({ job: job.id, err: err instanceof Error ? err.message : String(err) }, 'refresh after upstream webhook failed');
        });
      }
      request.log.info({ account: accountId, event: parsed.event_type, matched: Boolean(job) }, 'upstream webhook');
      return reply.code(200).send({ received: true });
    },
  );
};
