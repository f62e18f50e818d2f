/** A multipart/form-data upload of one file, as a HeyGen client sends POST /v3/assets. */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A body of `size` file bytes that sniff as PNG (the signature, then noise that does not compress). */
export function multipartPng(size: number): { body: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const file = randomBytes(size);
  PNG_SIGNATURE.copy(file, 0);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, file, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Sends the upload; resolves with the status and the milliseconds it took. */
export async function upload(url: string, body: { body: Buffer; contentType: string }, headers: Record<string, string>): Promise<{ status: number; ms: number; text: string }> {
  const started = process.hrtime.bigint();
  const res = await request(`${url}/v3/assets`, {
    method: 'POST',
    headers: { ...headers, 'content-type': body.contentType },
    body: body.body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, text };
}
