import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { insertBuyer, insertConcert, insertPerformance, insertUser } from '../support/fixtures';

/**
 * Many fetch wrappers send `Content-Type: application/json` on every request. On the POSTs that
 * take no body (book, pay), an empty body with that header is no body; everywhere a body is
 * read, an empty or broken one is refused as before.
 */
describe('an empty JSON body on the body-less POSTs', () => {
  let t: TestApp;
  let seatIds: number[];

  const post = (url: string, payload: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, payload, headers }).then((response) => ({
      status: response.statusCode,
      body: response.body === '' ? undefined : JSON.parse(response.body),
    }));

  beforeAll(async () => {
    t = await createTestApp();
    const concertId = await insertConcert(t.db, 'Lenient Concert');
    ({ seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(t.clock.now().getTime() + 7 * 86_400_000),
      seats: 4,
    }));
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['application/json', 'application/json; charset=utf-8'])(
    'books and pays with Content-Type %s and an empty body',
    async (contentType) => {
      const buyer = await insertBuyer(t.db, t.clock.now());
      const seatId = contentType === 'application/json' ? seatIds[0] : seatIds[1];
      const headers = { 'content-type': contentType, 'x-reservation-token': buyer.token };
      const booked = await post(`/performance_seats/${seatId}/book`, '', headers);
      expect(booked.status).toBe(201);
      expect(booked.body.performance_seat_id).toBe(seatId);
      const paid = await post(`/performance_seats/${seatId}/pay`, '', headers);
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ id: seatId, user_id: buyer.userId, booked: true });
      const [{ booked: stored }] = await t.db.query(
        'SELECT booked FROM performance_seats WHERE id = $1',
        [seatId],
      );
      expect(stored).toBe(true);
    },
  );

  it('still refuses a broken JSON body there', async () => {
    const buyer = await insertBuyer(t.db, t.clock.now());
    const headers = { 'content-type': 'application/json', 'x-reservation-token': buyer.token };
    for (const payload of [' ', '{"a": ', 'null']) {
      const response = await post(`/performance_seats/${seatIds[2]}/book`, payload, headers);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['message']);
    }
    const [{ holds }] = await t.db.query(
      'SELECT count(*)::int AS holds FROM performance_seat_book_info WHERE performance_seat_id = $1 AND token IS NOT NULL',
      [seatIds[2]],
    );
    expect(holds).toBe(0);
  });

  it('still refuses an empty JSON body where a body is read, and writes nothing', async () => {
    const userId = await insertUser(t.db);
    const [{ users: before }] = await t.db.query('SELECT count(*)::int AS users FROM users');
    const json = { 'content-type': 'application/json' };
    for (const [url, headers] of [
      [`/users/${userId}/charge`, json],
      ['/user_queue_tokens', json],
      ['/admin/users', { ...json, 'x-admin-key': ADMIN_KEY }],
    ] as const) {
      const response = await post(url, '', headers);
      expect({ url, ...response }).toEqual({
        url,
        status: 400,
        body: { message: "Body cannot be empty when content-type is set to 'application/json'" },
      });
    }
    const [{ users: after }] = await t.db.query('SELECT count(*)::int AS users FROM users');
    expect(after).toBe(before);
  });
});
