/**
 * A frontend team's client, typed only by what openapi-typescript generates from openapi.json
 * (`npx openapi-typescript openapi.json -o api.d.ts`). test/openapi/typed-client.spec.ts
 * generates the types into a temporary folder, maps 'concert-ticketing-api' to them and
 * type-checks this file: a change of the document that breaks these calls fails `npm test`.
 * It is not part of the project's own build (see tsconfig.json beside it).
 */
import type { components, paths } from 'concert-ticketing-api';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Parameters<O> = O extends { parameters: infer X } ? X : never;

/** path, query and body: required where the document requires them, refused where it has none. */
type PathOption<O> = Parameters<O> extends { path: infer X } ? { path: X } : { path?: never };
type QueryOption<O> =
  Parameters<O> extends { query: infer X }
    ? { query: X }
    : Parameters<O> extends { query?: infer X }
      ? { query?: X }
      : { query?: never };
type BodyOption<O> = O extends { requestBody?: never }
  ? { body?: never }
  : O extends { requestBody: { content: { 'application/json': infer B } } }
    ? { body: B }
    : O extends { requestBody?: { content: { 'application/json': infer B } } }
      ? { body?: B }
      : never;
type RequestOptions<O> = PathOption<O> &
  QueryOption<O> &
  BodyOption<O> & {
    /** The queue token, sent as X-Reservation-Token. */
    token?: string;
  };

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of the operation's 200 or 201 answer. */
type Success<O> = O extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201>]> : never;

export type ErrorBody = components['schemas']['ErrorResponseDto'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

export class TicketingClient {
  constructor(private readonly baseUrl: string) {}

  async request<P extends keyof paths, M extends Method>(
    method: M,
    path: P,
    options: RequestOptions<Operation<P, M>>,
  ): Promise<Success<Operation<P, M>>> {
    const {
      path: pathParameters,
      query,
      body,
      token,
    } = options as {
      path?: Record<string, string | number>;
      query?: Record<string, string | number | boolean>;
      body?: unknown;
      token?: string;
    };
    let url = String(path).replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(String(pathParameters?.[name])),
    );
    if (query) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) search.set(name, String(value));
      url += `?${search.toString()}`;
    }
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['X-Reservation-Token'] = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(this.baseUrl + url, {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (!response.ok) throw new ApiError(response.status, answer as ErrorBody);
    return answer as Success<Operation<P, M>>;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The buyer's whole flow: join the line, wait, browse, hold a seat, top up, pay, check. */
export async function buyFirstFreeSeat(
  api: TicketingClient,
  userId: string,
  onWait: (position: number | null, etaSeconds: number | null) => void,
): Promise<components['schemas']['BookedSeatDto']> {
  const joined = await api.request('post', '/user_queue_tokens', { body: { user_id: userId } });
  const token: string = joined.token;
  let position: number | null = joined.position;

  let info = await api.request('get', '/user_queue_tokens/token_info', { token });
  while (info.status === 'IN_QUEUE') {
    position = info.position;
    onWait(position, info.estimated_wait_seconds);
    await sleep(2000);
    info = await api.request('get', '/user_queue_tokens/token_info', { token });
  }
  if (info.status === 'EXPIRED') throw new Error('The token expired before a purchase');
  const admittedUntil: string | null = info.expires_at;
  const lastHold: number | undefined = info.performance_seat_book_info?.performance_seat_id;
  void admittedUntil;
  void lastHold;

  const concerts = await api.request('get', '/concerts', { token });
  for (const concert of concerts) {
    const performances = await api.request('get', '/concert_performances', {
      token,
      query: { concert_id: concert.id },
    });
    for (const performance of performances) {
      if (performance.available_seats === 0) continue;
      const seats = await api.request('get', '/performance_seats', {
        token,
        query: { concert_date_id: performance.id },
      });
      const seat = seats.find((candidate) => candidate.status === 'AVAILABLE');
      if (!seat) continue;

      const hold = await api.request('post', '/performance_seats/{id}/book', {
        token,
        path: { id: seat.id },
      });
      const holdEndsAt: Date = new Date(hold.expires_at);
      void holdEndsAt;

      const user = await api.request('get', '/users/{user_id}', { path: { user_id: userId } });
      const price: number = seat.price;
      if (user.balance < price) {
        const charged = await api.request('post', '/users/{user_id}/charge', {
          path: { user_id: userId },
          body: { amount: price - user.balance },
        });
        const ok: boolean = charged.result;
        void ok;
      }

      const paid = await api.request('post', '/performance_seats/{id}/pay', {
        token,
        path: { id: seat.id },
      });
      const booked: true = paid.booked;
      void booked;

      const profile = await api.request('get', '/users/{user_id}', { path: { user_id: userId } });
      const mine = profile.booked_performance_seats.find((bought) => bought.id === paid.id);
      if (!mine) throw new Error('The paid seat is not on the profile');
      const concertName: string = mine.concert_performance.concert.name;
      void concertName;
      return mine;
    }
  }
  throw new Error('No free seat');
}

/** Calls the document does not have must not compile: the checks of the checks. */
export function refusedByTheTypes(api: TicketingClient): void {
  // @ts-expect-error no such path
  void api.request('get', '/seats', {});
  // @ts-expect-error token_info takes no query
  void api.request('get', '/user_queue_tokens/token_info', { query: { token: 'x' } });
  // @ts-expect-error book needs the seat id
  void api.request('post', '/performance_seats/{id}/book', { token: 't' });
  // @ts-expect-error the body of POST /user_queue_tokens is {user_id}
  void api.request('post', '/user_queue_tokens', { body: { userId: 'x' } });
}
