/**
 * Idempotency-Key over loopback: the real gateway in front of the HeyGen v3 simulator, whose
 * request log says exactly how many jobs were made upstream. Slow upstream answers come from the
 * simulator's delay fault, so retries genuinely overlap the first request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, VIDEO, startLifecycleHarness, waitFor, type Answer, type LifecycleHarness } from '../helpers/lifecycle-harness.js';

let h: LifecycleHarness;
beforeAll(async () => {
  h = await startLifecycleHarness({ background: false });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.hg.reset());

const upstreamCreates = () => h.hg.requests.filter((r) => r.method === 'POST' && r.path === '/v3/videos');
const create = (idempotencyKey: string, body: unknown = VIDEO, key: string = KEYS.acme): Promise<Answer> =>
  h.call('POST', '/v3/videos', { key, body, headers: { 'idempotency-key': idempotencyKey } });

const IN_PROGRESS = {
  error: {
    code: 'request_in_progress',
    message: 'A request with this Idempotency-Key is still in progress; retry when it has finished.',
    param: 'Idempotency-Key',
    doc_url: null,
  },
};

describe('Idempotency-Key over loopback', () => {
  it('same key and body: the first answer is replayed (same video_id, Idempotent-Replayed: true), one upstream job', async () => {
    const first = await create('e2e-replay');
    expect(first.status, first.text).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await create('e2e-replay');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toStrictEqual(first.json);
    expect(again.headers['x-gateway-account']).toBe('hg');
    expect(upstreamCreates()).toHaveLength(1);
    // The replayed id is the job that exists.
    const got = await h.call('GET', `/v3/videos/${first.json.data.video_id as string}`);
    expect(got.status).toBe(200);
    expect(got.json.data.id).toBe(first.json.data.video_id);
  });

  it('same key, different body: 409 conflict', async () => {
    expect((await create('e2e-conflict')).status).toBe(200);
    const other = await create('e2e-conflict', { ...VIDEO, title: 'Another video' });
    expect(other.status).toBe(409);
    expect(other.json).toStrictEqual({
      error: { code: 'conflict', message: 'This Idempotency-Key was used with a different request body.', param: 'Idempotency-Key', doc_url: null },
    });
    expect(upstreamCreates()).toHaveLength(1);
  });

  it('while the first is in flight (slow upstream): 409 request_in_progress; then the first answer replays', async () => {
    h.hg.faults.add({ method: 'POST', path: '/v3/videos', delayMs: 800 });
    const first = create('e2e-flight');
    await waitFor('the upstream to receive the create', () => (upstreamCreates().length === 1 ? true : undefined));
    const during = await create('e2e-flight');
    expect(during.status).toBe(409);
    expect(during.json).toStrictEqual(IN_PROGRESS);
    const done = await first;
    expect(done.status, done.text).toBe(200);
    const after = await create('e2e-flight');
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.json).toStrictEqual(done.json);
    expect(upstreamCreates()).toHaveLength(1);
  });

  it('100 concurrent identical creates: one upstream job; every answer is that video_id or 409 request_in_progress', async () => {
    h.hg.faults.add({ method: 'POST', path: '/v3/videos', delayMs: 300 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => create('e2e-burst')));
    expect(upstreamCreates()).toHaveLength(1);
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(ok.map((a) => a.json.data.video_id as string));
    expect(ids.size).toBe(1);
    for (const a of answers) if (a.status !== 200) expect({ status: a.status, body: a.json }).toStrictEqual({ status: 409, body: IN_PROGRESS });
    // A late retry gets the one answer.
    const late = await create('e2e-burst');
    expect(late.headers['idempotent-replayed']).toBe('true');
    expect(late.json.data.video_id).toBe([...ids][0]);
    // And the client has exactly one such video.
    const list = await h.call('GET', '/v3/videos?limit=100');
    expect((list.json.data as Array<{ id: string }>).filter((v) => ids.has(v.id))).toHaveLength(1);
  });

  it('keys are per client', async () => {
    const a = await create('e2e-shared', VIDEO, KEYS.acme);
    const b = await create('e2e-shared', VIDEO, KEYS.globex);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json.data.video_id).not.toBe(a.json.data.video_id);
    expect(upstreamCreates()).toHaveLength(2);
    // Each client's job is its own: the other one's id is not found.
    expect((await h.call('GET', `/v3/videos/${a.json.data.video_id as string}`, { key: KEYS.globex })).status).toBe(404);
  });

  it('a 5xx first answer is not replayed: the retry with the same key goes through', async () => {
    // globex has one account, so the failure reaches the client instead of falling back.
    h.hg.faults.add({ method: 'POST', path: '/v3/videos', status: 500, body: JSON.stringify({ error: { code: 'internal_error', message: 'boom' } }) });
    const failed = await create('e2e-5xx', VIDEO, KEYS.globex);
    expect(failed.status, failed.text).toBeGreaterThanOrEqual(500);
    const retried = await create('e2e-5xx', VIDEO, KEYS.globex);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(upstreamCreates()).toHaveLength(2);
    const replay = await create('e2e-5xx', VIDEO, KEYS.globex);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json).toStrictEqual(retried.json);
    expect(upstreamCreates()).toHaveLength(2);
  });
});
