/**
 * HeyGen's signature scheme: hex HMAC-SHA256 of the raw body, keyed with the secret. Checked
 * against RFC 4231's published vector and against node:crypto computing the docs' receiver code.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature, webhookHeaders } from '../../../src/core/webhooks/sign.js';

const BODY = '{"event_type":"avatar_video.success","event_data":{"video_id":"gv_abc","url":"https://files.heygen.com/video/vid_xyz789.mp4","callback_id":"crm-row-42"}}';
const SECRET = 'whsec_k7x9m2';

describe('signBody', () => {
  it('matches the RFC 4231 HMAC-SHA256 known answer (test case 2)', () => {
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('is what the documented Node.js receiver computes over the raw bytes', () => {
    const receiver = createHmac('sha256', SECRET).update(Buffer.from(BODY, 'utf8')).digest('hex');
    expect(signBody(BODY, SECRET)).toBe(receiver);
  });

  it('signs the UTF-8 bytes of non-ASCII text (titles and messages in every language)', () => {
    const body = '{"event_type":"video_translate.fail","event_data":{"message":"Übersetzung fehlgeschlagen — 失败"}}';
    expect(signBody(body, SECRET)).toBe(createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex'));
  });
});

describe('webhookHeaders', () => {
  it('carries the JSON content type, signature, timestamp, event id and user agent', () => {
    const h = webhookHeaders({ body: BODY, secret: SECRET, eventId: 'evt_abc123', timestamp: 1774440300 });
    expect(h).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'heygen-gateway',
      'Heygen-Signature': createHmac('sha256', SECRET).update(BODY).digest('hex'),
      'Heygen-Timestamp': '1774440300',
      'Heygen-Event-Id': 'evt_abc123',
    });
  });

  it('omits Heygen-Signature when there is no secret (a client without webhook_secret)', () => {
    for (const secret of [null, undefined, '']) {
      const h = webhookHeaders({ body: BODY, secret, eventId: 'evt_1', timestamp: 1 });
      expect(h).not.toHaveProperty('Heygen-Signature');
      expect(h['Heygen-Event-Id']).toBe('evt_1');
    }
  });
});

describe('verifySignature', () => {
  const signature = createHmac('sha256', SECRET).update(BODY).digest('hex');

  it('accepts the right signature over the body as text or bytes', () => {
    expect(verifySignature({ body: BODY, signature, secret: SECRET })).toBe(true);
    expect(verifySignature({ body: Buffer.from(BODY), signature: signature.toUpperCase(), secret: SECRET })).toBe(true);
  });

  it('rejects another secret, a changed body, a re-serialized body and malformed signatures', () => {
    expect(verifySignature({ body: BODY, signature, secret: 'whsec_other' })).toBe(false);
    expect(verifySignature({ body: BODY.replace('crm-row-42', 'crm-row-43'), signature, secret: SECRET })).toBe(false);
    expect(verifySignature({ body: JSON.stringify(JSON.parse(BODY), null, 1), signature, secret: SECRET })).toBe(false);
    for (const bad of [undefined, null, '', 'zz', signature.slice(2), `${signature}00`]) {
      expect(verifySignature({ body: BODY, signature: bad, secret: SECRET })).toBe(false);
    }
  });

  it('rejects a stale timestamp when asked to, as the documents advise (5 minutes)', () => {
    const base = { body: BODY, signature, secret: SECRET, maxSkewSeconds: 300, nowSeconds: 1_000_000 };
    expect(verifySignature({ ...base, timestamp: '999800' })).toBe(true);
    expect(verifySignature({ ...base, timestamp: '999600' })).toBe(false);
    expect(verifySignature({ ...base, timestamp: undefined })).toBe(false);
  });
});
