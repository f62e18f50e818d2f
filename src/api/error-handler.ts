/**
 * Every failure leaves the gateway in the v3 envelope: the gateway's own errors, fastify's
 * validation, body-limit and content-type errors, multipart limits, unknown routes, and anything
 * unexpected (logged with its stack, answered without it).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, envelope, isGatewayError } from '../core/errors.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const joinPath = (base: string, key: unknown): string => (base ? `${base}.${String(key)}` : String(key));

/** "/voice_settings/speed" -> "voice_settings.speed"; "/output_languages/0" -> "output_languages[0]". */
export function ajvPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** Turns AJV's errors into one clear v3 error naming the field. */
export function validationToError(errors: readonly AjvError[], context: string | undefined): GatewayError {
  const first = errors[0];
  if (!first) return new GatewayError('invalid_parameter', 'The request is invalid.');
  const base = ajvPath(first.instancePath);
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  switch (first.keyword) {
    case 'required': {
      const param = joinPath(base, first.params.missingProperty);
      return new GatewayError('invalid_parameter', `'${param}' is required.`, { param });
    }
    case 'additionalProperties': {
      const param = joinPath(base, first.params.additionalProperty);
      return new GatewayError('invalid_parameter', `'${param}' is not a recognized ${where}.`, { param });
    }
    case 'discriminator': {
      const param = joinPath(base, first.params.tag ?? 'type');
      const value = first.params.tagValue;
      return new GatewayError(
        'invalid_parameter',
        value === undefined ? `'${param}' is required.` : `'${param}' has an unsupported value ${JSON.stringify(value)}.`,
        { param },
      );
    }
    case 'const':
    case 'enum': {
      const allowed = errors
        .filter((e) => e.instancePath === first.instancePath && (e.keyword === 'const' || e.keyword === 'enum'))
        .flatMap((e) => (e.keyword === 'const' ? [e.params.allowedValue] : ((e.params.allowedValues as unknown[]) ?? [])));
      const param = base || 'body';
      return new GatewayError('invalid_parameter', `'${param}' must be one of: ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`, { param });
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const param = base || 'body';
      return new GatewayError('invalid_parameter', `'${param}' ${first.message ?? 'is out of range'}.`, { param });
    }
    case 'type': {
      if (!base) return new GatewayError('invalid_parameter', 'The request body must be a JSON object.');
      return new GatewayError('invalid_parameter', `'${base}' ${first.message ?? 'has the wrong type'}.`, { param: base });
    }
    default: {
      const param = base || null;
      const msg = first.message ?? 'is invalid';
      return new GatewayError('invalid_parameter', param ? `'${param}' ${msg}.` : `The request ${msg}.`, { param });
    }
  }
}

/** Maps fastify's own error codes onto the envelope. */
function fromFastify(err: FastifyError): GatewayError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('payload_too_large', 'The request body is larger than the gateway accepts.', { status: 413 });
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new GatewayError('payload_too_large', 'The uploaded file is larger than 32 MB. Use a smaller file.', { status: 413, param: 'file' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('unsupported_media_type', 'This Content-Type is not supported here; send application/json.', { status: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_parameter', 'The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('invalid_parameter', 'The request body is not valid JSON.');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new GatewayError('invalid_parameter', 'File is required. Upload a file using multipart/form-data.', { param: 'file' });
    default:
      break;
  }
  // JSON.parse failures surface as SyntaxError with statusCode 400.
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new GatewayError('invalid_parameter', 'The request body is not valid JSON.');
  }
  if (err.statusCode === 413) return new GatewayError('payload_too_large', 'The request body is larger than the gateway accepts.', { status: 413 });
  return null;
}

export function sendError(reply: FastifyReply, err: GatewayError): FastifyReply {
  if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.toEnvelope());
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let gw: GatewayError | null = null;
    if (isGatewayError(error)) gw = error;
    else if (error.validation) gw = validationToError(error.validation as AjvError[], error.validationContext);
    else gw = fromFastify(error);

    if (!gw) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).type('application/json; charset=utf-8').send(envelope('internal_error', 'An unexpected error occurred in the gateway.'));
    }
    if (gw.status >= 500) request.log.warn({ code: gw.code, status: gw.status, err: gw.cause ?? undefined }, gw.message);
    else request.log.info({ code: gw.code, status: gw.status, param: gw.param }, 'request rejected');
    return sendError(reply, gw);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(envelope('resource_not_found', `No route for ${request.method} ${path.slice(0, 200)}.`));
  });
}
