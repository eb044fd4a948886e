import { createTestApp, TestApp } from '../support/test-app';
import {
  insertActiveToken,
  insertBuyer,
  insertConcert,
  insertPerformance,
  insertQueuedToken,
  insertUser,
} from '../support/fixtures';

/**
 * The per-IP rate limit of the contract ("Protection"): a token bucket per client IP and
 * instance. The tests run on the app's fake clock, so that the bucket refills only when the
 * test moves time: every count below is exact.
 */

interface Sent {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function send(
  t: TestApp,
  url: string,
  options: { ip?: string; headers?: Record<string, string>; method?: 'GET' | 'POST' } = {},
): Promise<Sent> {
  return t.app
    .inject({
      method: options.method ?? 'GET',
      url,
      headers: options.headers,
      remoteAddress: options.ip ?? '198.51.100.1',
    })
    .then((response) => ({
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
    }));
}

async function statuses(
  t: TestApp,
  count: number,
  url: string,
  options: Parameters<typeof send>[2] = {},
): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: count }, () => send(t, url, options)));
  return responses.map((response) => response.status);
}

const tally = (list: number[]) =>
  list.reduce<Record<number, number>>((counts, status) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

describe('rate limit, defaults (20 per second, bursts of 40)', () => {
  let t: TestApp;
  let userUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_SECOND: '20' } });
    expect(t.config.rateLimitBurst).toBe(40);
    userUrl = `/users/${await insertUser(t.db)}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a burst of 40 through, then answers 429 "Too many requests" with Retry-After', async () => {
    const ip = '198.51.100.10';
    expect(tally(await statuses(t, 40, userUrl, { ip }))).toEqual({ 200: 40 });

    const refused = await send(t, userUrl, { ip, headers: { 'x-request-id': 'req-429' } });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Too many requests' });
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-request-id']).toBe('req-429');

    // Refused requests take no token: 49 ms later still none, at 50 ms (1/20 s) exactly one.
    t.clock.advanceSeconds(0.049);
    expect((await send(t, userUrl, { ip })).status).toBe(429);
    t.clock.advanceSeconds(0.001);
    expect(tally(await statuses(t, 2, userUrl, { ip }))).toEqual({ 200: 1, 429: 1 });

    // A second refills 20 tokens; a long pause refills the bucket to 40, never more.
    t.clock.advanceSeconds(1);
    expect(tally(await statuses(t, 25, userUrl, { ip }))).toEqual({ 200: 20, 429: 5 });
    t.clock.advanceSeconds(3600);
    expect(tally(await statuses(t, 45, userUrl, { ip }))).toEqual({ 200: 40, 429: 5 });
  });

  it('limits every endpoint, with a token or without, whatever their answer', async () => {
    const ip = '198.51.100.11';
    const token = await insertActiveToken(t.db, await insertUser(t.db), t.clock.now());
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () =>
        send(t, '/concerts', { ip, headers: { 'x-reservation-token': token } }),
      ),
      ...Array.from({ length: 10 }, () => send(t, '/user_queue_tokens/token_info', { ip })),
      ...Array.from({ length: 10 }, () => send(t, '/users/not-a-uuid', { ip })),
    ]);
    expect(tally(answers.map((answer) => answer.status))).toEqual({ 200: 20, 401: 10, 400: 10 });
    for (const url of ['/concerts', '/user_queue_tokens/token_info', '/users/not-a-uuid']) {
      expect((await send(t, url, { ip })).status).toBe(429);
    }
    const post = await send(t, '/user_queue_tokens', { ip, method: 'POST' });
    expect(post.status).toBe(429);
  });

  it('never limits /health, /metrics and the API document, nor counts them', async () => {
    const ip = '198.51.100.12';
    const exempt = ['/health', '/metrics', '/docs-json', '/docs', '/docs/swagger-ui.css'];
    for (const url of exempt) {
      const answers = await statuses(t, 60, url, { ip });
      expect(answers.filter((status) => status === 429)).toEqual([]);
      expect(answers.filter((status) => status >= 400)).toEqual([]);
    }
    // The bucket of this address is still full.
    expect(tally(await statuses(t, 41, userUrl, { ip }))).toEqual({ 200: 40, 429: 1 });
  });

  it('keeps one bucket per socket address, and ignores X-Forwarded-For without TRUST_PROXY', async () => {
    expect(tally(await statuses(t, 41, userUrl, { ip: '198.51.100.13' }))).toEqual({
      200: 40,
      429: 1,
    });
    // The same socket address, claiming to be someone else: still the same bucket.
    const spoofed = await send(t, userUrl, {
      ip: '198.51.100.13',
      headers: { 'x-forwarded-for': '203.0.113.99' },
    });
    expect(spoofed.status).toBe(429);
    // Another address has its own bucket.
    expect(tally(await statuses(t, 40, userUrl, { ip: '198.51.100.14' }))).toEqual({ 200: 40 });
  });

  it('counts its 429s in the metrics, by route', async () => {
    const ip = '198.51.100.15';
    const token = await insertActiveToken(t.db, await insertUser(t.db), t.clock.now());
    await statuses(t, 45, '/user_queue_tokens/token_info', {
      ip,
      headers: { 'x-reservation-token': token },
    });
    const metrics = (await send(t, '/metrics', { ip })).body;
    const line = metrics
      .split('\n')
      .find(
        (candidate) =>
          candidate.startsWith('http_requests_total{') &&
          candidate.includes('route="/user_queue_tokens/token_info"') &&
          candidate.includes('status="429"'),
      );
    expect(line).toBeDefined();
    expect(Number(line!.split(' ').pop())).toBeGreaterThanOrEqual(5);
  });

  it('declares the 429 with its Retry-After header on every limited operation', async () => {
    const document = JSON.parse((await send(t, '/docs-json', { ip: '198.51.100.16' })).body);
    let limited = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const operation of Object.values<Record<string, any>>(item)) {
        const answer = operation.responses['429'];
        if (path === '/health' || path === '/metrics') {
          expect(answer).toBeUndefined();
          continue;
        }
        limited += 1;
        expect(answer.headers['Retry-After'].schema.type).toBe('integer');
        expect(answer.content['application/json'].example).toEqual({
          message: 'Too many requests',
        });
      }
    }
    expect(limited).toBeGreaterThanOrEqual(14);
  });

  it('never stops a buyer who polls every second for 10 minutes, then browses, books and pays', async () => {
    const ip = '198.51.100.17';
    const waiting = await insertQueuedToken(t.db, await insertUser(t.db), t.clock.now());
    const concertId = await insertConcert(t.db, 'Polling Concert');
    const { performanceId, seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(t.clock.now().getTime() + 30 * 86_400_000),
      seats: 10,
    });
    const answers: number[] = [];
    for (let second = 0; second < 600; second += 1) {
      const poll = await send(t, '/user_queue_tokens/token_info', {
        ip,
        headers: { 'x-reservation-token': waiting },
      });
      answers.push(poll.status);
      t.clock.advanceSeconds(1);
    }
    // Admitted: the pages of the flow, as fast as a script clicks through them.
    const buyer = await insertBuyer(t.db, t.clock.now());
    const headers = { 'x-reservation-token': buyer.token };
    for (const url of [
      '/user_queue_tokens/token_info',
      '/concerts',
      `/concert_performances?concert_id=${concertId}`,
      `/performance_seats?concert_date_id=${performanceId}`,
      `/users/${buyer.userId}`,
    ]) {
      answers.push((await send(t, url, { ip, headers })).status);
    }
    answers.push(
      (await send(t, `/performance_seats/${seatIds[0]}/book`, { ip, headers, method: 'POST' }))
        .status,
    );
    answers.push(
      (await send(t, `/performance_seats/${seatIds[0]}/pay`, { ip, headers, method: 'POST' }))
        .status,
    );
    expect(tally(answers)).toEqual({ 200: 606, 201: 1 });
  });
});

describe('rate limit behind a proxy (TRUST_PROXY=true)', () => {
  let t: TestApp;
  let userUrl: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '10', TRUST_PROXY: 'true' },
    });
    userUrl = `/users/${await insertUser(t.db)}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('keys the bucket on the first X-Forwarded-For address', async () => {
    const proxy = '10.0.0.2';
    const from = (client: string) => ({ ip: proxy, headers: { 'x-forwarded-for': client } });
    expect(tally(await statuses(t, 11, userUrl, from('203.0.113.1')))).toEqual({
      200: 10,
      429: 1,
    });
    // Same client through a second proxy hop: the first address decides.
    expect((await send(t, userUrl, from('203.0.113.1, 10.0.0.7'))).status).toBe(429);
    // Other clients behind the same proxy are not affected.
    expect(tally(await statuses(t, 10, userUrl, from('203.0.113.2')))).toEqual({ 200: 10 });
    expect(tally(await statuses(t, 10, userUrl, from('203.0.113.3, 203.0.113.1')))).toEqual({
      200: 10,
    });
    // Without the header, the socket address is the client.
    expect(tally(await statuses(t, 10, userUrl, { ip: proxy }))).toEqual({ 200: 10 });
  });
});

describe('rate limit off (RATE_LIMIT_PER_SECOND=0)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_SECOND: '0', RATE_LIMIT_BURST: '1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('never answers 429, sends no rate-limit headers and documents no 429', async () => {
    const url = `/users/${await insertUser(t.db)}`;
    const answers = await Promise.all(Array.from({ length: 200 }, () => send(t, url)));
    expect(tally(answers.map((answer) => answer.status))).toEqual({ 200: 200 });
    expect(answers[0].headers['x-ratelimit-limit']).toBeUndefined();
    const document = JSON.parse((await send(t, '/docs-json')).body);
    expect(document.paths['/users/{user_id}'].get.responses['429']).toBeUndefined();
  });
});
