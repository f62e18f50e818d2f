/**
 * How the v3-shaped simulators (HeyGen v3, Cloudsway) receive `POST .../assets`: the `file` part
 * is hashed while it streams, never held whole, and the whole request is read before answering,
 * so a client still sending an over-size file gets the 413 rather than a reset connection.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { SNIFF_BYTES } from '../core/magic.js';

export interface RecordedUpload {
  field: string;
  filename: string;
  /** The part's Content-Type as the client sent it. */
  contentType: string;
  bytes: number;
  /** Hex SHA-256 of the bytes received. */
  sha256: string;
}

export interface ReceivedFile {
  /** The `file` part, or undefined when there was none (or it was over the limit). */
  upload: RecordedUpload | undefined;
  /** Its first bytes, for type detection. */
  head: Buffer;
  tooLarge: boolean;
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

export async function receiveFilePart(request: FastifyRequest): Promise<ReceivedFile> {
  let upload: RecordedUpload | undefined;
  let head = Buffer.alloc(0);
  let tooLarge = false;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || upload || tooLarge) {
        await drain(part.file);
        continue;
      }
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
      }
      if (part.file.truncated) {
        tooLarge = true;
        continue;
      }
      upload = { field: part.fieldname, filename: part.filename, contentType: part.mimetype, bytes, sha256: hash.digest('hex') };
    }
  } catch (err) {
    if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
    tooLarge = true;
  }
  return { upload, head, tooLarge };
}
