/**
 * The pure gmi translation, table-tested with GMI's own examples (seeds/004_125527b49f4e5a62.txt)
 * passed through the wire schemas exactly as the adapter does.
 */
import { describe, expect, it } from 'vitest';
import type { VideoRequest } from '../../../src/core/adapter.js';
import { GatewayError } from '../../../src/core/errors.js';
import * as t from '../../../adapters/gmi/translate.js';
import { WireRequest, WireSubmitted } from '../../../adapters/gmi/wire.js';

// ---- the document's examples ----

/** "Request Format", verbatim. */
const DOC_REQUEST = {
  model: 'heygen-avatar-4',
  payload: {
    video_inputs: [
      {
        character: {
          type: 'avatar',
          avatar_id: 'YOUR_AVATAR_ID',
          avatar_style: 'normal',
        },
        voice: {
          type: 'text',
          input_text: 'Hello, welcome to HeyGen avatar video generation.',
          voice_id: 'YOUR_VOICE_ID',
          speed: 1.0,
          pitch: 0,
        },
      },
    ],
    dimension: {
      width: 1920,
      height: 1080,
    },
    caption: false,
  },
} as const;

/** "Response" to the submit, verbatim. */
const DOC_SUBMITTED = `{
    "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "model": "heygen-avatar-4",
    "status": "queued",
    "created_at": 1762215580,
    "updated_at": 1762215580,
    "queued_at": 1762215580
}`;

/**
 * "Response (completed)", verbatim except for the document's elision `"video_inputs": [...]`,
 * which is filled with the scenes of the request it answers.
 */
const DOC_COMPLETED = `{
  "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  "org_id": "your-org-id",
  "model": "heygen-avatar-4",
  "status": "success",
  "is_public": false,
  "payload": {
    "video_inputs": [...],
    "dimension": {"width": 1920, "height": 1080},
    "caption": false
  },
  "outcome": {
    "media_urls": [
      {
        "id": "0",
        "url": "https://storage.googleapis.com/your_avatar_video.mp4"
      }
    ],
    "thumbnail_image_url": "https://storage.googleapis.com/your_thumbnail.jpg",
    "duration": 12.5
  },
  "created_at": 1762215580,
  "updated_at": 1762215640,
  "queued_at": 1762215580
}`.replace('[...]', JSON.stringify(DOC_REQUEST.payload.video_inputs));

const json = (text: string): unknown => JSON.parse(text);
const record = (over: Record<string, unknown>) => {
  const answer = { ...(json(DOC_COMPLETED) as Record<string, unknown>), ...over };
  return t.fromWireRequest(WireRequest.parse(answer), answer);
};

/** The v3 body that asks for what the document's request asks for. */
const V3_EQUIVALENT: VideoRequest = {
  type: 'avatar',
  avatar_id: 'YOUR_AVATAR_ID',
  script: 'Hello, welcome to HeyGen avatar video generation.',
  voice_id: 'YOUR_VOICE_ID',
  voice_settings: { speed: 1.0, pitch: 0 },
  resolution: '1080p',
  aspect_ratio: '16:9',
};

// ---- requests ----

describe('submit body', () => {
  it('maps a v3 body onto the document request: {model, payload} with the v2 scene', () => {
    const { caption: _defaultsToFalse, ...payload } = DOC_REQUEST.payload;
    expect(t.toWireSubmit(V3_EQUIVALENT, 'heygen-avatar-4')).toStrictEqual({ model: DOC_REQUEST.model, payload });
  });

  it('uses the account model', () => {
    expect(t.toWireSubmit(V3_EQUIVALENT, 'heygen-avatar-4-eu').model).toBe('heygen-avatar-4-eu');
  });

  it("sends a legacy client's v2 body as it came (the document payload verbatim), callback_url removed", () => {
    const legacy = { ...DOC_REQUEST.payload, callback_url: 'https://client.example.com/hook', callback_id: 'cb-1' };
    const req: VideoRequest = { ...V3_EQUIVALENT, legacy: legacy as unknown as NonNullable<VideoRequest['legacy']> };
    expect(t.toWireSubmit(req, 'heygen-avatar-4')).toStrictEqual({ model: 'heygen-avatar-4', payload: { ...DOC_REQUEST.payload, callback_id: 'cb-1' } });
  });

  it('keeps title and callback_id, never callback_url', () => {
    const body = t.toWirePayload({ ...V3_EQUIVALENT, title: 'Welcome', callback_id: 'order-42', callback_url: 'https://client.example.com/hook' });
    expect(body.title).toBe('Welcome');
    expect(body.callback_id).toBe('order-42');
    expect(body).not.toHaveProperty('callback_url');
  });

  it('refuses a script without voice_id: GMI cannot look up a default voice', () => {
    const { voice_id: _none, ...noVoice } = V3_EQUIVALENT;
    let caught: unknown;
    try {
      t.toWirePayload(noVoice as VideoRequest);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).toEnvelope().error).toMatchObject({ code: 'invalid_parameter', param: 'voice_id' });
    expect((caught as GatewayError).status).toBe(400);
  });

  it.each<[string, Partial<VideoRequest>, string[]]>([
    ['the document request', {}, []],
    ['an image video', { type: 'image', image: { type: 'url', url: 'https://example.com/person.jpg' } } as Partial<VideoRequest>, ['type']],
    ['engine', { engine: { type: 'avatar_v' } }, ['engine']],
    ['motion_prompt', { motion_prompt: 'waves' }, ['motion_prompt']],
    ['expressiveness', { expressiveness: 'high' }, ['expressiveness']],
    ['aspect_ratio 4:5', { aspect_ratio: '4:5' }, ['aspect_ratio']],
    ['output_format webm', { output_format: 'webm' }, ['output_format']],
  ])('reports what it cannot honour: %s', (_name, over, params) => {
    const req = { ...V3_EQUIVALENT, ...over } as VideoRequest;
    expect(t.unsupportedVideoFields(req).map((u) => u.param)).toStrictEqual(params);
  });
});

// ---- answers ----

describe('submit answer', () => {
  it('reads the document response: request_id is the upstream id, queued is pending', () => {
    const payload = json(DOC_SUBMITTED);
    expect(t.fromWireSubmitted(WireSubmitted.parse(payload), payload)).toStrictEqual({
      upstreamId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
      status: 'pending',
      payload,
    });
  });

  it.each<[string | null, string]>([
    ['created', 'pending'],
    ['processing', 'processing'],
    ['something-new', 'pending'],
    [null, 'pending'],
  ])('a submit answering %s is %s', (word, status) => {
    const wire = WireSubmitted.parse({ request_id: 'r1', status: word });
    expect(t.fromWireSubmitted(wire, null).status).toBe(status);
  });

  it('refuses an answer without request_id', () => {
    expect(WireSubmitted.safeParse({ model: 'heygen-avatar-4', status: 'queued' }).success).toBe(false);
  });
});

describe('status answer', () => {
  it('maps the document completed response onto a v3 video detail', () => {
    const answer = json(DOC_COMPLETED);
    const polled = t.fromWireRequest(WireRequest.parse(answer), answer);
    expect(polled.detail).toStrictEqual({
      title: null,
      status: 'completed',
      created_at: 1762215580,
      completed_at: 1762215640,
      video_url: 'https://storage.googleapis.com/your_avatar_video.mp4',
      thumbnail_url: 'https://storage.googleapis.com/your_thumbnail.jpg',
      gif_url: null,
      captioned_video_url: null,
      subtitle_url: null,
      duration: 12.5,
      folder_id: null,
      output_language: null,
      failure_code: null,
      failure_message: null,
      video_page_url: null,
    });
    expect(polled.unknownStatus).toBeUndefined();
  });

  it('parses only the mapped fields of the answer: the echoed payload keeps just its title', () => {
    const parsed = WireRequest.parse({ ...(json(DOC_COMPLETED) as object), payload: { ...DOC_REQUEST.payload, title: 'Welcome' } });
    expect(parsed.payload).toStrictEqual({ title: 'Welcome' });
    expect(parsed).not.toHaveProperty('org_id');
    expect(parsed).not.toHaveProperty('is_public');
  });

  it('stores the answer without the echo of the submitted payload', () => {
    const stored = t.storedPayload(json(DOC_COMPLETED)) as Record<string, unknown>;
    expect(Object.keys(stored)).toStrictEqual([
      'request_id',
      'org_id',
      'model',
      'status',
      'is_public',
      'outcome',
      'created_at',
      'updated_at',
      'queued_at',
    ]);
    expect(t.storedPayload('not an object')).toBe('not an object');
  });

  it.each<[string, string, string | null]>([
    ['created', 'pending', null],
    ['queued', 'pending', null],
    ['dispatched', 'pending', null],
    ['processing', 'processing', null],
    ['success', 'completed', null],
    ['failed', 'failed', null],
    ['cancelled', 'failed', 'cancelled'],
    [' SUCCESS ', 'completed', null],
  ])('GMI %j -> %s (failure_code %s)', (word, status, failureCode) => {
    const polled = record({ status: word, outcome: null });
    expect(polled.detail.status).toBe(status);
    expect(polled.detail.failure_code).toBe(failureCode);
    expect(polled.unknownStatus).toBeUndefined();
  });

  it('in progress: no completed_at, no failure', () => {
    const polled = record({ status: 'dispatched', outcome: null });
    expect(polled.detail).toMatchObject({ status: 'pending', created_at: 1762215580, completed_at: null, video_url: null, failure_message: null });
  });

  it('an undocumented word is processing, reported as unknown', () => {
    const polled = record({ status: 'rendering', outcome: null });
    expect([polled.detail.status, polled.unknownStatus, polled.detail.completed_at]).toStrictEqual(['processing', 'rendering', null]);
  });

  it('failed: GMI reason as failure_message, else a message saying GMI gave none', () => {
    expect(record({ status: 'failed', outcome: null, error: 'avatar not found' }).detail).toMatchObject({
      status: 'failed',
      failure_code: null,
      failure_message: 'avatar not found',
      completed_at: 1762215640,
      video_url: null,
    });
    expect(record({ status: 'failed', outcome: null }).detail.failure_message).toBe(t.FAILED_MESSAGE);
  });

  it('cancelled: failed with failure_code "cancelled"', () => {
    expect(record({ status: 'cancelled', outcome: null }).detail).toMatchObject({
      status: 'failed',
      failure_code: 'cancelled',
      failure_message: t.CANCELLED_MESSAGE,
      completed_at: 1762215640,
    });
  });

  it('reads the title from the echoed payload', () => {
    expect(record({ payload: { ...DOC_REQUEST.payload, title: 'Q3 update' } }).detail.title).toBe('Q3 update');
  });

  it('reads millisecond timestamps as seconds', () => {
    const polled = record({ created_at: 1762215580123, updated_at: 1762215640999 });
    expect([polled.detail.created_at, polled.detail.completed_at]).toStrictEqual([1762215580, 1762215640]);
  });

  it('a success without media has no video_url rather than an invented one', () => {
    expect(record({ outcome: { media_urls: [], duration: 3 } }).detail).toMatchObject({ status: 'completed', video_url: null, thumbnail_url: null, duration: 3 });
  });

  it('refuses an answer without a status or with media lacking a url', () => {
    const base = json(DOC_COMPLETED) as Record<string, unknown>;
    expect(WireRequest.safeParse({ ...base, status: undefined }).success).toBe(false);
    expect(WireRequest.safeParse({ ...base, outcome: { media_urls: [{ id: '0' }] } }).success).toBe(false);
  });
});

describe('error bodies', () => {
  it.each<[string, string, object]>([
    ['GMI error body', '{"error":"model heygen-avatar-9 not found"}', { message: 'model heygen-avatar-9 not found' }],
    ['an empty error text', '{"error":""}', {}],
    ['a v3-shaped body', '{"error":{"code":"invalid_parameter","message":"x"}}', {}],
    ['HTML', '<html>502 Bad Gateway</html>', {}],
    ['nothing', '', {}],
  ])('%s', (_name, text, info) => {
    expect(t.errorInfoFromWire(text)).toStrictEqual(info);
  });
});
