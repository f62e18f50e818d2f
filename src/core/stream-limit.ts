/**
 * Look at the first bytes of an upload, then pass the whole of it on without holding it:
 * the asset route must check the file type before the upstream sees a byte, and must stop a
 * file over the size cap (413) without buffering up to 32 MB per request.
 */
import { Readable } from 'node:stream';
import { GatewayError } from './errors.js';

/** The upload is over the cap. A GatewayError so the route can rethrow it as the v3 413 envelope. */
export class PayloadTooLargeError extends GatewayError {
  readonly limit: number;

  constructor(limit: number) {
    super('payload_too_large', `File is larger than the ${limit}-byte upload limit.`, { param: 'file' });
    this.name = 'PayloadTooLargeError';
    this.limit = limit;
  }
}

export interface PeekedStream {
  /** The first `peekBytes` bytes (fewer when the source is shorter). */
  head: Buffer;
  /** Every byte of the source, head included, in order. Errors with PayloadTooLargeError past `maxBytes`. */
  stream: Readable;
  /** Bytes read from the source so far. */
  bytesSeen(): number;
}

/**
 * Reads `peekBytes` from `source`, then returns them with a stream that replays them and passes
 * the rest through. The returned stream pulls from the source only as it is read (backpressure).
 * Exceeding `maxBytes` (inclusive limit) destroys the source and errors the returned stream; if
 * the peek alone already exceeds it, the promise rejects instead. Source errors reject the promise
 * during the peek and error the returned stream afterwards.
 */
export async function peekAndLimit(
  source: Readable,
  opts: { peekBytes: number; maxBytes: number },
): Promise<PeekedStream> {
  const { peekBytes, maxBytes } = opts;
  const it: AsyncIterator<unknown> = source[Symbol.asyncIterator]();
  let seen = 0;
  let ended = false;
  const peeked: Buffer[] = [];

  while (seen < peekBytes) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const chunk = toBuffer(r.value);
    seen += chunk.length;
    peeked.push(chunk);
    if (seen > maxBytes) {
      source.destroy();
      throw new PayloadTooLargeError(maxBytes);
    }
  }

  const all = Buffer.concat(peeked);
  const head = all.subarray(0, peekBytes);

  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (all.length > 0) yield all;
      while (!ended) {
        const r = await it.next();
        if (r.done) {
          ended = true;
          return;
        }
        const chunk = toBuffer(r.value);
        seen += chunk.length;
        if (seen > maxBytes) throw new PayloadTooLargeError(maxBytes);
        yield chunk;
      }
    } finally {
      if (!ended) source.destroy();
    }
  }

  const stream = Readable.from(replay(), { objectMode: false });
  // A consumer that gives up while the generator waits on the source would otherwise leave the
  // source open until its next chunk arrives.
  stream.once('close', () => {
    if (!ended) source.destroy();
  });
  return { head, stream, bytesSeen: () => seen };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('peekAndLimit expects a byte stream');
}
