import type { SwaggerOptions } from '@fastify/swagger';
import type { GatewayConfig } from '../config/schema.js';

type OpenApiOptions = NonNullable<Extract<SwaggerOptions, { openapi?: unknown }>['openapi']>;

/** The document header. The paths come from the route schemas; nothing here depends on config
 * values that differ between deployments, so the checked-in openapi/openapi.json stays stable. */
export function openApiInfo(_config?: GatewayConfig): OpenApiOptions {
  return {
    openapi: '3.1.0',
    info: {
      title: 'heygen-gateway',
      version: '0.1.0',
      description:
        'HeyGen v3-shaped API for AI avatar video, routed across HeyGen, Cloudsway and GMI accounts. ' +
        'Authenticate with `X-Api-Key` or `Authorization: Bearer`. Responses to routed calls carry ' +
        '`X-Gateway-Account`, `X-Gateway-Provider` and `X-Request-Id`; `X-Gateway-Account` on a request pins it to one account.',
    },
    components: {
      securitySchemes: {
        ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        BearerAuth: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ ApiKeyAuth: [] }, { BearerAuth: [] }],
  };
}
