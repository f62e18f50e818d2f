/**
 * Every failure leaves the gateway in the v3 envelope: the gateway's own errors, fastify's
 * validation, body-limit and content-type errors, multipart limits, unknown routes, and anything
 * unexpected (logged with its stack, answered without it).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, envelope, isGatewayError, type ErrorCode } from '../core/errors.js';
import { legacyErrorBody, type LegacyEnvelope } from './legacy/envelopes.js';

interface AjvError {
  instancePath: string;
  /** Where in the schema the failed keyword sits, e.g. "#/properties/limit/maximum". */
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type SchemaNode = Record<string, unknown>;
const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const fmt = (n: unknown): string => (typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 20 }) : String(n));

/**
 * The schema object that holds the failed keyword. AJV's errors only carry the one bound that
 * failed; the node has both, so a message can state the whole allowed range.
 */
function schemaNodeAt(root: unknown, schemaPath: string | undefined): SchemaNode | null {
  if (!schemaPath?.startsWith('#/')) return null;
  const segs = schemaPath.slice(2).split('/').slice(0, -1);
  let node: unknown = root;
  try {
    for (const seg of segs) {
      if (!isNode(node)) return null;
      node = node[decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~')];
    }
  } catch {
    return null; // a message without the range beats failing inside the error handler
  }
  return isNode(node) ? node : null;
}

/** "must be between 1 and 100", from the node's bounds or, without a schema, from AJV's params. */
function rangeText(node: SchemaNode | null, err: AjvError): string {
  const min = num(node?.minimum);
  const max = num(node?.maximum);
  const xmin = num(node?.exclusiveMinimum);
  const xmax = num(node?.exclusiveMaximum);
  if (min !== undefined && max !== undefined) return `must be between ${fmt(min)} and ${fmt(max)}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`at least ${fmt(min)}`);
  if (xmin !== undefined) parts.push(`greater than ${fmt(xmin)}`);
  if (max !== undefined) parts.push(`at most ${fmt(max)}`);
  if (xmax !== undefined) parts.push(`less than ${fmt(xmax)}`);
  if (parts.length === 0) {
    const words: Record<string, string> = { '<=': 'at most', '>=': 'at least', '<': 'less than', '>': 'greater than' };
    parts.push(`${words[String(err.params.comparison)] ?? 'within'} ${fmt(err.params.limit)}`);
  }
  return `must be ${parts.join(' and ')}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};
const typeText = (t: unknown): string =>
  String(t)
    .split(',')
    .map((w) => TYPE_WORDS[w] ?? w)
    .join(' or ');

const plural = (n: unknown, word: string): string => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

/** The values a discriminated union accepts for its tag, read from its branches' `const`s. */
function tagValues(node: SchemaNode | null, tag: string): unknown[] {
  const branches = node?.oneOf ?? node?.anyOf;
  if (!Array.isArray(branches)) return [];
  return branches.flatMap((b: unknown) => {
    const prop = isNode(b) && isNode(b.properties) ? b.properties[tag] : undefined;
    if (!isNode(prop)) return [];
    if (prop.const !== undefined) return [prop.const];
    return Array.isArray(prop.enum) ? (prop.enum as unknown[]) : [];
  });
}
const oneOfText = (values: readonly unknown[]): string => `one of: ${values.map((v) => JSON.stringify(v)).join(', ')}`;

const joinPath = (base: string, key: unknown): string => (base ? `${base}.${String(key)}` : String(key));

/** "/voice_settings/speed" -> "voice_settings.speed"; "/output_languages/0" -> "output_languages[0]". */
export function ajvPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/**
 * Turns AJV's errors into one clear v3 error naming the field. `schema` is the route's schema for
 * the failing part (body, querystring, params); with it the message can state full ranges and the
 * accepted values of a `type` tag.
 */
export function validationToError(errors: readonly AjvError[], context: string | undefined, schema?: unknown): GatewayError {
  const first = errors[0];
  if (!first) return new GatewayError('invalid_parameter', 'The request is invalid.');
  const base = ajvPath(first.instancePath);
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  const node = schemaNodeAt(schema, first.schemaPath);
  const invalid = (param: string | null, message: string) => new GatewayError('invalid_parameter', message, { param });
  switch (first.keyword) {
    case 'required': {
      const param = joinPath(base, first.params.missingProperty);
      return invalid(param, `'${param}' is required.`);
    }
    case 'additionalProperties': {
      const param = joinPath(base, first.params.additionalProperty);
      return invalid(param, `'${param}' is not a recognized ${where}.`);
    }
    case 'discriminator': {
      const tag = String(first.params.tag ?? 'type');
      const param = joinPath(base, tag);
      const value = first.params.tagValue;
      const allowed = tagValues(node, tag);
      if (value === undefined) {
        return invalid(param, allowed.length ? `'${param}' is required and must be ${oneOfText(allowed)}.` : `'${param}' is required.`);
      }
      return invalid(param, allowed.length ? `'${param}' must be ${oneOfText(allowed)}.` : `'${param}' has an unsupported value ${JSON.stringify(value)}.`);
    }
    case 'const':
    case 'enum': {
      const allowed = errors
        .filter((e) => e.instancePath === first.instancePath && (e.keyword === 'const' || e.keyword === 'enum'))
        .flatMap((e) => (e.keyword === 'const' ? [e.params.allowedValue] : ((e.params.allowedValues as unknown[]) ?? [])));
      const param = base || 'body';
      return invalid(param, `'${param}' must be ${oneOfText(allowed)}.`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const param = base || 'body';
      return invalid(param, `'${param}' ${rangeText(node, first)}.`);
    }
    case 'minLength':
    case 'minItems': {
      const param = base || 'body';
      const limit = first.params.limit;
      if (limit === 1) return invalid(param, `'${param}' must not be empty.`);
      const bound = first.keyword === 'minLength' ? `be at least ${plural(limit, 'character')}` : `have at least ${plural(limit, 'item')}`;
      return invalid(param, `'${param}' must ${bound}.`);
    }
    case 'maxLength':
    case 'maxItems': {
      const param = base || 'body';
      const limit = first.params.limit;
      const bound = first.keyword === 'maxLength' ? `be at most ${plural(limit, 'character')}` : `have at most ${plural(limit, 'item')}`;
      return invalid(param, `'${param}' must ${bound}.`);
    }
    case 'type': {
      if (!base) return invalid(null, 'The request body must be a JSON object.');
      return invalid(base, `'${base}' must be ${typeText(first.params.type)}.`);
    }
    default: {
      const param = base || null;
      const msg = first.message ?? 'is invalid';
      return invalid(param, param ? `'${param}' ${msg}.` : `The request ${msg}.`);
    }
  }
}

/** "1 MB", "512 KB", "100 bytes": the body limit as a person would write it. */
function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${fmt(n / (1024 * 1024))} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${fmt(n / 1024)} KB`;
  return plural(n, 'byte');
}

const GENERIC_CLIENT_CODES: Record<number, ErrorCode> = {
  404: 'resource_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** Maps fastify's own error codes onto the envelope. */
function fromFastify(err: FastifyError, request: FastifyRequest): GatewayError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(request);
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new GatewayError('payload_too_large', 'The uploaded file is larger than 32 MB. Use a smaller file.', { status: 413, param: 'file' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const consumes = (request.routeOptions.schema as { consumes?: unknown } | undefined)?.consumes;
      const wanted = Array.isArray(consumes) && typeof consumes[0] === 'string' ? consumes[0] : 'application/json';
      const sent = request.headers['content-type']?.split(';')[0]?.trim().slice(0, 100);
      return new GatewayError(
        'unsupported_media_type',
        sent ? `Content-Type '${sent}' is not supported here; send ${wanted}.` : `The Content-Type header is missing; send ${wanted}.`,
        { status: 415 },
      );
    }
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
  if (err.statusCode === 413) return bodyTooLarge(request);
  // Any other client error fastify or a plugin raises is the client's, not a gateway failure.
  if (typeof err.code === 'string' && err.code.startsWith('FST_') && err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    const code = GENERIC_CLIENT_CODES[err.statusCode] ?? 'invalid_parameter';
    return new GatewayError(code, 'The request is malformed.', { status: err.statusCode });
  }
  return null;
}

function bodyTooLarge(request: FastifyRequest): GatewayError {
  const limit = request.routeOptions.bodyLimit;
  const message =
    typeof limit === 'number' && limit > 0
      ? `The request body is larger than the gateway's limit of ${formatBytes(limit)}.`
      : 'The request body is larger than the gateway accepts.';
  return new GatewayError('payload_too_large', message, { status: 413 });
}

/** `legacy` answers in a legacy route's envelope (v1/v2) instead of v3's. */
export function sendError(reply: FastifyReply, err: GatewayError, legacy?: LegacyEnvelope): FastifyReply {
  if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
  const body = legacy ? legacyErrorBody(legacy, err) : err.toEnvelope();
  return reply.code(err.status).type('application/json; charset=utf-8').send(body);
}

/** The route's schema for the part that failed validation. */
function partSchema(request: FastifyRequest, context: string | undefined): unknown {
  const schema = request.routeOptions.schema as (Record<string, unknown> & { query?: unknown }) | undefined;
  if (!schema || !context) return undefined;
  return context === 'querystring' ? (schema.querystring ?? schema.query) : schema[context];
}

/**
 * For fastify's `frameworkErrors` server option: failures the router answers before any hook or
 * error handler runs (a path that is not valid percent-encoding, an over-long path parameter).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const gw =
    error.code === 'FST_ERR_BAD_URL'
      ? new GatewayError('invalid_parameter', 'The request path is not valid percent-encoded UTF-8.')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new GatewayError('invalid_parameter', 'A path parameter is longer than the gateway accepts.')
        : null;
  reply.header('X-Request-Id', request.id);
  if (gw) {
    request.log.info({ code: gw.code, status: gw.status }, 'request rejected');
    void sendError(reply, gw);
    return;
  }
  request.log.error({ err: error }, 'router error');
  void reply.code(500).type('application/json; charset=utf-8').send(envelope('internal_error', 'An unexpected error occurred in the gateway.'));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // Legacy routes name their envelope in their config; every other route answers in v3's.
    const legacy = request.routeOptions.config?.envelope;
    let gw: GatewayError | null = null;
    if (isGatewayError(error)) gw = error;
    else if (error.validation) gw = validationToError(error.validation as AjvError[], error.validationContext, partSchema(request, error.validationContext));
    else gw = fromFastify(error, request);

    if (!gw) {
      request.log.error({ err: error }, 'unhandled error');
      if (legacy) return sendError(reply, new GatewayError('internal_error', 'An unexpected error occurred in the gateway.'), legacy);
      return reply.code(500).type('application/json; charset=utf-8').send(envelope('internal_error', 'An unexpected error occurred in the gateway.'));
    }
    if (gw.status >= 500) request.log.warn({ code: gw.code, status: gw.status, err: gw.cause ?? undefined }, gw.message);
    else request.log.info({ code: gw.code, status: gw.status, param: gw.param }, 'request rejected');
    return sendError(reply, gw, legacy);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(envelope('resource_not_found', `No route for ${request.method} ${path.slice(0, 200)}.`));
  });
}
