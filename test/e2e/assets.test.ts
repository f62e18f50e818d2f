/**
 * POST /v3/assets end to end: a real multipart upload over loopback through the gateway into the
 * HeyGen v3 simulator, which records what it received (field, filename, part type, size, sha256).
 * Files are generated lazily in 64 KiB chunks and hashed as they are produced, so no test holds a
 * whole file; the 32 MiB case also checks that the gateway does not hold it either.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { multipartFileBody } from '../../src/core/multipart-body.js';
import type { RecordedRequest } from '../../src/sandbox/heygen-v3.js';
import { KEYS, UPSTREAM_KEYS, startHarness, type Answer, type Harness } from '../helpers/gateway.js';

const MiB = 1024 * 1024;
const CAP = 32 * MiB;

// Leading bytes that make each file its type; the rest of a file is pseudo-random.
const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'); // signature + IHDR chunk header
const MP4_HEAD = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2')]);
const MP3_HEAD = Buffer.concat([Buffer.from('ID3'), Buffer.from([0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])]);
const GIF_HEAD = Buffer.from('GIF89a');

const TOO_LARGE = {
  error: {
    code: 'payload_too_large',
    message: 'The file is larger than 32 MB. Use the direct upload flow for larger files.',
    param: 'file',
    doc_url: null,
  },
};
const UNSUPPORTED = {
  error: {
    code: 'invalid_parameter',
    message: 'Unsupported file type. Supported: png, jpeg, mp4, webm, mp3, wav, pdf (detected from the file bytes).',
    param: 'file',
    doc_url: null,
  },
};
const FILE_REQUIRED = {
  error: { code: 'invalid_parameter', message: 'File is required. Upload a file using multipart/form-data.', param: 'file', doc_url: null },
};

interface LazyFile {
  stream: Readable;
  /** Hex SHA-256 of every byte produced; call after the stream was consumed. */
  sha256(): string;
  produced(): number;
}

/**
 * `size` bytes: `head`, then AES-CTR keystream (deterministic per seed, incompressible), made
 * 64 KiB at a time only when the consumer pulls.
 */
function lazyFile(size: number, head: Buffer, seed = 1): LazyFile {
  const hash = createHash('sha256');
  const keystream = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(64 * 1024);
  let produced = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    const first = head.subarray(0, Math.min(head.length, size));
    if (first.length > 0) {
      hash.update(first);
      produced += first.length;
      yield first;
    }
    while (produced < size) {
      const chunk = keystream.update(zeros.subarray(0, Math.min(zeros.length, size - produced)));
      hash.update(chunk);
      produced += chunk.length;
      yield chunk;
    }
  }
  let digest: string | undefined;
  return {
    stream: Readable.from(chunks(), { objectMode: false }),
    sha256: () => (digest ??= hash.digest('hex')),
    produced: () => produced,
  };
}

interface UploadOptions {
  size: number;
  head: Buffer;
  filename?: string;
  /** The part's Content-Type as the client claims it. */
  contentType?: string;
  field?: string;
  key?: string;
  headers?: Record<string, string>;
  /** Send Content-Length (as curl -F does) or stream it chunked. */
  chunked?: boolean;
  seed?: number;
}

type Uploaded = Answer & { file: LazyFile };

/** Streams a generated file to the gateway as multipart/form-data, the way `curl -F file=@...` does. */
async function upload(h: Harness, o: UploadOptions): Promise<Uploaded> {
  const file = lazyFile(o.size, o.head, o.seed);
  const mp = multipartFileBody({
    field: o.field ?? 'file',
    filename: o.filename ?? 'photo.png',
    contentType: o.contentType ?? 'image/png',
    stream: file.stream,
  });
  const headers: Record<string, string> = {
    'x-api-key': o.key ?? KEYS.acme,
    'content-type': mp.contentType,
    ...(o.chunked ? {} : { 'content-length': String(mp.overheadBytes + o.size) }),
    ...o.headers,
  };
  const res = await request(`${h.url}/v3/assets`, { method: 'POST', headers, body: mp.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: JSON.parse(text) as unknown, file };
}

const uploads = (reqs: RecordedRequest[]) => reqs.filter((r) => r.upload !== undefined);

/** `global.gc` for this process, without a command-line flag. */
function exposeGc(): (opts?: { type: 'minor' | 'major' }) => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as (opts?: { type: 'minor' | 'major' }) => void;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.hg.reset();
  h.hg2.reset();
});

describe('POST /v3/assets: a file goes through', () => {
  it('uploads a small PNG: the v3 answer, and the upstream got the same bytes under its own key', async () => {
    const res = await upload(h, { size: 4096, head: PNG_HEAD, filename: 'product-screenshot.png' });

    expect(res.status).toBe(200);
    const assetId = (res.json as { data: { asset_id: string } }).data.asset_id;
    expect(assetId).toMatch(/^asset_[0-9a-f]{16}$/);
    expect(res.json).toStrictEqual({
      data: { asset_id: assetId, url: `https://files.heygen.ai/assets/${assetId}.png`, mime_type: 'image/png', size_bytes: 4096 },
    });
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(res.headers['x-gateway-provider']).toBe('heygen-v3');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));

    expect(h.hg.requests).toHaveLength(1);
    const up = h.hg.requests[0]!;
    expect(up.method).toBe('POST');
    expect(up.path).toBe('/v3/assets');
    expect(up.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg);
    expect(up.headers.authorization).toBeUndefined();
    expect(up.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(up.upload).toStrictEqual({
      field: 'file',
      filename: 'product-screenshot.png',
      contentType: 'image/png',
      bytes: 4096,
      sha256: res.file.sha256(),
    });
    expect(h.hg2.requests).toHaveLength(0);
  });

  it('streams a chunked upload (no Content-Length) the same way', async () => {
    const res = await upload(h, { size: 200_000, head: PNG_HEAD, chunked: true, seed: 3 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ data: { mime_type: 'image/png', size_bytes: 200_000 } });
    expect(uploads(h.hg.requests).map((r) => r.upload)).toStrictEqual([
      { field: 'file', filename: 'photo.png', contentType: 'image/png', bytes: 200_000, sha256: res.file.sha256() },
    ]);
  });

  it('types the file by its bytes: an MP4 the client calls image/png is sent upstream as video/mp4', async () => {
    const res = await upload(h, { size: 10_000, head: MP4_HEAD, filename: 'clip.png', contentType: 'image/png' });

    expect(res.status).toBe(200);
    const assetId = (res.json as { data: { asset_id: string } }).data.asset_id;
    expect(res.json).toStrictEqual({
      data: { asset_id: assetId, url: `https://files.heygen.ai/assets/${assetId}.mp4`, mime_type: 'video/mp4', size_bytes: 10_000 },
    });
    expect(h.hg.requests.map((r) => r.upload)).toStrictEqual([
      { field: 'file', filename: 'clip.png', contentType: 'video/mp4', bytes: 10_000, sha256: res.file.sha256() },
    ]);
  });

  it('streams exactly 32 MiB through unchanged without holding it in memory', async () => {
    const gc = exposeGc();
    // Warm-up: the first large transfer grows allocator arenas and V8's young generation once;
    // that one-off growth is not what this test is about.
    const warm = await upload(h, { size: 8 * MiB, head: PNG_HEAD, seed: 9 });
    expect(warm.status).toBe(200);
    h.hg.reset();

    gc();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakArrayBuffers = base.arrayBuffers;
    let samples = 0;
    // A minor GC per sample frees chunks already passed along, so the numbers show what the
    // pipeline holds rather than how lazily V8 collects: a gateway that buffered the file would
    // keep all 32 MiB alive and show up here however often garbage is collected.
    const sampler = setInterval(() => {
      gc({ type: 'minor' });
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
      samples++;
    }, 20);
    let res: Uploaded;
    try {
      res = await upload(h, { size: CAP, head: PNG_HEAD, filename: 'big.png', seed: 7 });
    } finally {
      clearInterval(sampler);
    }

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ data: { mime_type: 'image/png', size_bytes: CAP } });
    expect(h.hg.requests.map((r) => r.upload)).toStrictEqual([
      { field: 'file', filename: 'big.png', contentType: 'image/png', bytes: 33_554_432, sha256: res.file.sha256() },
    ]);
    // The client, the gateway and the simulator all run in this process: the bound covers all three.
    expect(samples).toBeGreaterThan(2);
    expect(peakRss - base.rss).toBeLessThan(24 * MiB);
    expect(peakArrayBuffers - base.arrayBuffers).toBeLessThan(24 * MiB);
  }, 60_000);
});

describe('POST /v3/assets: refusals', () => {
  it('refuses 32 MiB + 1 byte with 413 payload_too_large, and the upstream got no complete upload', async () => {
    const res = await upload(h, { size: CAP + 1, head: PNG_HEAD, seed: 5 });

    expect(res.status).toBe(413);
    expect(res.json).toStrictEqual(TOO_LARGE);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(uploads(h.hg.requests)).toStrictEqual([]);
    // The whole file was offered: the cap is enforced on the bytes, not on a header.
    expect(res.file.produced()).toBe(CAP + 1);
  }, 60_000);

  it('refuses a chunked 32 MiB + 1 byte (no Content-Length to judge by) the same way', async () => {
    const res = await upload(h, { size: CAP + 1, head: PNG_HEAD, chunked: true, seed: 6 });
    expect(res.status).toBe(413);
    expect(res.json).toStrictEqual(TOO_LARGE);
    expect(uploads(h.hg.requests)).toStrictEqual([]);
  }, 60_000);

  it('refuses a declared Content-Length far over the cap before the upstream sees anything', async () => {
    // A raw socket: the request announces 200 MiB but only its start is ever sent.
    const url = new URL(h.url);
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      'POST /v3/assets HTTP/1.1\r\n' +
        `Host: ${url.host}\r\n` +
        `X-Api-Key: ${KEYS.acme}\r\n` +
        'Content-Type: multipart/form-data; boundary=XyZ\r\n' +
        `Content-Length: ${200 * MiB}\r\n` +
        'Connection: close\r\n\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n',
    );
    socket.write(PNG_HEAD);
    // The answer must come without the client sending the rest.
    const answer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer; got ${JSON.stringify(Buffer.concat(received).toString())}`)), 10_000);
      const check = () => {
        const text = Buffer.concat(received).toString('utf8');
        const sep = text.indexOf('\r\n\r\n');
        const len = /content-length: (\d+)/i.exec(text);
        if (sep >= 0 && len && text.length >= sep + 4 + Number(len[1])) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      socket.on('data', check);
    });
    socket.destroy();
    await closed;

    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(JSON.parse(body)).toStrictEqual(TOO_LARGE);
    expect(h.hg.requests).toStrictEqual([]);
  });

  it.each([
    ['a GIF', GIF_HEAD],
    ['random bytes', Buffer.alloc(0)],
  ])('refuses %s with 400 invalid_parameter (file) and never calls the upstream', async (_name, head) => {
    const res = await upload(h, { size: 5000, head, filename: 'image.png', contentType: 'image/png', seed: 11 });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual(UNSUPPORTED);
    expect(h.hg.requests).toStrictEqual([]);
  });

  it('refuses an empty file with 400 invalid_parameter (file)', async () => {
    const res = await upload(h, { size: 0, head: PNG_HEAD, filename: 'empty.png' });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: { code: 'invalid_parameter', message: 'The uploaded file is empty.', param: 'file', doc_url: null },
    });
    expect(h.hg.requests).toStrictEqual([]);
  });

  it('refuses a file sent in another field than `file`', async () => {
    const res = await upload(h, { size: 1000, head: PNG_HEAD, field: 'upload' });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: {
        code: 'invalid_parameter',
        message: 'File is required. Upload a file using multipart/form-data in the `file` field.',
        param: 'file',
        doc_url: null,
      },
    });
    expect(h.hg.requests).toStrictEqual([]);
  });

  it.each([
    ['JSON', 'application/json', '{"file":"photo.png"}'],
    ['JSON that does not parse', 'application/json', '{"file":'],
    ['form-urlencoded (curl -d)', 'application/x-www-form-urlencoded', 'file=photo.png'],
    ['raw bytes', 'application/octet-stream', PNG_HEAD],
    ['plain text', 'text/plain', 'photo.png'],
  ])('refuses a non-multipart body (%s) with 400 invalid_parameter (file)', async (_name, contentType, body) => {
    const res = await h.call('POST', '/v3/assets', { headers: { 'content-type': contentType }, rawBody: body });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual(FILE_REQUIRED);
    expect(h.hg.requests).toStrictEqual([]);
  });

  it('refuses a request without a body with 400 invalid_parameter (file)', async () => {
    const res = await h.call('POST', '/v3/assets');
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual(FILE_REQUIRED);
    expect(h.hg.requests).toStrictEqual([]);
  });

  it('refuses an upload without a client key before reading it (401)', async () => {
    const res = await upload(h, { size: 1000, head: PNG_HEAD, headers: { 'x-api-key': 'not-a-key' } });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'unauthorized', param: null } });
    expect(h.hg.requests).toStrictEqual([]);
  });

  it('answers an upstream refusal in the v3 envelope and names the account that refused', async () => {
    h.hg.faults.add({
      method: 'POST',
      path: '/v3/assets',
      status: 429,
      body: JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Too many requests.' } }),
      headers: { 'retry-after': '7' },
    });
    const res = await upload(h, { size: 3000, head: PNG_HEAD });
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(res.text).not.toContain(UPSTREAM_KEYS.hg);
  });
});

describe('asset affinity: later requests naming an asset go to the account that holds it', () => {
  const videoWithAudio = (assetId: string) => ({
    type: 'avatar',
    avatar_id: 'look_def456',
    audio_asset_id: assetId,
    title: 'Affinity (audio)',
  });
  const videoFromImage = (assetId: string) => ({
    type: 'image',
    image: { type: 'asset_id', asset_id: assetId },
    script: 'Hello from an uploaded photo.',
    voice_id: '1bd001e7e50f421d891986aad5c8bbd2',
    title: 'Affinity (image)',
  });
  const assetIdOf = (res: Answer): string => (res.json as { data: { asset_id: string } }).data.asset_id;

  it('an upload by globex lands on hg2 (its first account), with hg2\'s key', async () => {
    const res = await upload(h, { size: 2048, head: PNG_HEAD, key: KEYS.globex, filename: 'globex.png' });
    expect(res.status).toBe(200);
    expect(res.headers['x-gateway-account']).toBe('hg2');
    expect(h.hg.requests).toStrictEqual([]);
    expect(h.hg2.requests).toHaveLength(1);
    expect(h.hg2.requests[0]!.headers['x-api-key']).toBe(UPSTREAM_KEYS.hg2);
    expect(h.hg2.requests[0]!.upload).toStrictEqual({
      field: 'file',
      filename: 'globex.png',
      contentType: 'image/png',
      bytes: 2048,
      sha256: res.file.sha256(),
    });
  });

  it('videos referencing the asset (audio_asset_id, image.asset_id) are created on hg2', async () => {
    const audio = await upload(h, { size: 4000, head: MP3_HEAD, key: KEYS.globex, filename: 'voice.mp3', contentType: 'audio/mpeg' });
    const image = await upload(h, { size: 4000, head: PNG_HEAD, key: KEYS.globex, filename: 'face.png' });
    expect([audio.status, image.status]).toStrictEqual([200, 200]);
    expect(audio.json).toMatchObject({ data: { mime_type: 'audio/mpeg' } });
    h.hg2.requests.length = 0;

    const byAudio = await h.call('POST', '/v3/videos', { key: KEYS.globex, body: videoWithAudio(assetIdOf(audio)) });
    expect(byAudio.status).toBe(200);
    expect(byAudio.json).toMatchObject({ data: { video_id: expect.stringMatching(/^gv_/), status: 'pending' } });
    expect(byAudio.headers['x-gateway-account']).toBe('hg2');

    const byImage = await h.call('POST', '/v3/videos', { key: KEYS.globex, body: videoFromImage(assetIdOf(image)) });
    expect(byImage.status).toBe(200);
    expect(byImage.headers['x-gateway-account']).toBe('hg2');

    expect(h.hg.requests).toStrictEqual([]);
    expect(h.hg2.requests.map((r) => [r.method, r.path, r.body])).toStrictEqual([
      ['POST', '/v3/videos', videoWithAudio(assetIdOf(audio))],
      ['POST', '/v3/videos', videoFromImage(assetIdOf(image))],
    ]);
  });

  it('routes to the holder even when another account comes first: an asset put on hg by pin', async () => {
    const res = await upload(h, { size: 4000, head: PNG_HEAD, key: KEYS.globex, headers: { 'x-gateway-account': 'hg' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-gateway-account']).toBe('hg');
    expect(uploads(h.hg.requests)).toHaveLength(1);
    expect(h.hg2.requests).toStrictEqual([]);

    // globex lists hg2 first, but only hg has this asset.
    const video = await h.call('POST', '/v3/videos', { key: KEYS.globex, body: videoFromImage(assetIdOf(res)) });
    expect(video.status).toBe(200);
    expect(video.headers['x-gateway-account']).toBe('hg');
    expect(h.hg2.requests).toStrictEqual([]);
    expect(h.hg.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v3/videos', body: videoFromImage(assetIdOf(res)) });
  });

  it.each([
    ['audio_asset_id', MP3_HEAD, videoWithAudio],
    ['image.asset_id', PNG_HEAD, videoFromImage],
  ] as const)('pinning a video that names %s to the other account is 400 provider_capability_unsupported', async (param, head, body) => {
    const asset = await upload(h, { size: 4000, head, key: KEYS.globex });
    expect(asset.headers['x-gateway-account']).toBe('hg2');
    h.hg2.requests.length = 0;

    const res = await h.call('POST', '/v3/videos', { key: KEYS.globex, body: body(assetIdOf(asset)), headers: { 'x-gateway-account': 'hg' } });
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual({
      error: {
        code: 'provider_capability_unsupported',
        message: `'${param}' belongs to account "hg2", but the request is pinned to "hg".`,
        param,
        doc_url: null,
      },
    });
    expect(h.hg.requests).toStrictEqual([]);
    expect(h.hg2.requests).toStrictEqual([]);
  });

  it('another client naming the asset gets no affinity to it: acme is served by its own account, which does not have it', async () => {
    const asset = await upload(h, { size: 4000, head: MP3_HEAD, key: KEYS.globex });
    expect(asset.headers['x-gateway-account']).toBe('hg2');
    h.hg2.requests.length = 0;

    const res = await h.call('POST', '/v3/videos', { body: videoWithAudio(assetIdOf(asset)) });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'asset_not_found' } });
    expect(h.hg2.requests).toStrictEqual([]);
    expect(h.hg.requests.map((r) => [r.method, r.path])).toStrictEqual([['POST', '/v3/videos']]);
  });
});
