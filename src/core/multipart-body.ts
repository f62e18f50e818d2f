/**
 * A one-file multipart/form-data request body built as a stream, for upstreams that take
 * uploads as multipart (HeyGen `POST /v3/assets` field `file`, Cloudsway). The file is piped
 * through as the upstream reads, never held in memory.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartFileBodyOptions {
  /** Form field name, e.g. `file`. */
  field: string;
  filename: string;
  /** The part's Content-Type, e.g. the sniffed `image/png`. */
  contentType: string;
  stream: Readable;
  /** Defaults to a random one. 1-70 characters of `[0-9A-Za-z'+_.-]`. */
  boundary?: string;
}

export interface MultipartFileBody {
  body: Readable;
  /** `multipart/form-data; boundary=...` for the request's Content-Type header. */
  contentType: string;
  /** Bytes the body adds around the file: Content-Length is `overheadBytes + file size`. */
  overheadBytes: number;
}

// A token-only subset of RFC 2046 bchars, so the boundary never needs quoting in the header.
const BOUNDARY = /^[0-9A-Za-z'+_.-]{1,70}$/;

export function multipartFileBody(opts: MultipartFileBodyOptions): MultipartFileBody {
  const boundary = opts.boundary ?? `----heygen-gateway-${randomBytes(16).toString('hex')}`;
  if (!BOUNDARY.test(boundary)) throw new TypeError(`invalid multipart boundary: ${JSON.stringify(boundary)}`);
  // A CR or LF here would end the part headers early and let the value inject its own.
  if (/[\r\n]/.test(opts.contentType)) throw new TypeError('part Content-Type must not contain CR or LF');

  const preamble = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${escapeQuoted(opts.field)}"; filename="${escapeQuoted(opts.filename)}"\r\n` +
      `Content-Type: ${opts.contentType}\r\n` +
      `\r\n`,
    'utf8',
  );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const file = opts.stream;
  let fileDone = false;

  async function* parts(): AsyncGenerator<Buffer> {
    yield preamble;
    for await (const chunk of file) yield toBuffer(chunk);
    fileDone = true;
    yield closing;
  }

  const body = Readable.from(parts(), { objectMode: false });
  // An upstream that hangs up mid-upload must release the client's file stream even while the
  // generator is parked waiting for the file's next chunk.
  body.once('close', () => {
    if (!fileDone) file.destroy();
  });

  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    overheadBytes: preamble.length + closing.length,
  };
}

/**
 * RFC 7578 section 4.2 / the WHATWG form encoding: inside the quoted name and filename, `"` is
 * sent as %22 and CR, LF as %0D, %0A; everything else, non-ASCII included, goes as UTF-8.
 */
export function escapeQuoted(value: string): string {
  return value.replace(/["\r\n]/g, (c) => (c === '"' ? '%22' : c === '\r' ? '%0D' : '%0A'));
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('multipartFileBody expects a byte stream');
}
