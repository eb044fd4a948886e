import { ADMIN_KEY_SCHEME, QUEUE_TOKEN_SCHEME } from '@app/common/adapter/http/api-security';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import {
  insertActiveToken,
  insertConcert,
  insertPerformance,
  insertQueuedToken,
  insertUser,
  newTokenValue,
} from '../support/fixtures';

/**
 * Every operation of the OpenAPI document, driven with malformed and hostile input: wrong
 * types, huge numbers, long strings, zero and negative ids, SQL and JSON injection, missing or
 * garbage credentials, broken bodies. Each request is invalid in at least one place, so the
 * API must refuse it: never a 5xx, never a stack trace, a `{"message"}` body, nothing written.
 * The test reads the document, so it covers every endpoint that exists, as it is added.
 */

type Schema = Record<string, any>;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  key: string;
  method: Method;
  path: string;
  parameters: Parameter[];
  security: string[];
  documented: string[];
  body?: { schema: Schema; required: string[] };
}

interface Variant {
  operation: string;
  label: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** The parameter or field a 400 message must name. */
  names?: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG = 'x'.repeat(10_000);
const SQL = ['1 OR 1=1', "1'; DROP TABLE users; --", "' OR '1'='1", '1; SELECT pg_sleep(5)'];

/** SQL-looking free text: quotes, comments, placeholders, dollar quoting, LIKE wildcards. */
const SQL_TEXT = [
  ...SQL,
  "Robert'); DROP TABLE concerts; --",
  '$1 $$ $tag$ \\\' " ` ; /* */ -- %_ \\',
  "' UNION SELECT id, balance::text FROM users --",
];

/** Hostile values of a path, query or header parameter (as sent, before URL encoding). */
const PARAMETER_VALUES = [
  'abc',
  '0',
  '-1',
  '1.5',
  '1e308',
  '1e-7',
  '5e-324',
  '1e21',
  '18446744073709551616',
  '9007199254740993',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '0x10',
  '-0',
  ' ',
  LONG,
  ...SQL,
  '{"__proto__":{"polluted":1}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'not-a-uuid',
  '11111111-1111-4111-8111-11111111111',
  "11111111-1111-4111-8111-111111111111' OR '1'='1",
  '\u0000',
  'ｓｅａｔ１',
];

/** Values Fastify has to refuse before any route runs: broken percent-encoding. */
const RAW_PATH_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%C0%AF'];

/** Hostile JSON values of a body field (raw JSON text, so that 1e400 and -0 survive). */
const FIELD_VALUES = [
  '"abc"',
  '""',
  '" "',
  'true',
  'false',
  '[]',
  '[1]',
  '{}',
  'null',
  '1e308',
  '1e400',
  '-1e400',
  '18446744073709551616',
  '-18446744073709551616',
  '123456789012345678901234567890.12',
  '-1',
  '0',
  '-0',
  '1.5',
  '0.001',
  '1.005',
  '9007199254740993',
  '"1"',
  '"100"',
  '"NaN"',
  '"Infinity"',
  JSON.stringify(LONG),
  ...SQL.map((value) => JSON.stringify(value)),
  '{"__proto__": {"polluted": 1}}',
  '{"constructor": {"prototype": {"polluted": 1}}}',
  '['.repeat(2000) + ']'.repeat(2000),
  '"\\u0000"',
  '"2024-13-45T25:61:00Z"',
  '"yesterday"',
  '"2024-04-01"',
  '"<script>alert(1)</script>"',
  '"00000000-0000-0000-0000-000000000000"',
  '"١٢٣"',
];

/**
 * Numbers in exponent form and other spellings, tried on every number field of every
 * operation as raw JSON text: JSON.stringify writes a number in one shortest form only
 * (0.0000001 as 1e-7, 1E-7 never, -0 as 0, 1e2 as 100). JavaScript prints tiny and huge
 * numbers in exponent form, which broke a digit-counting validator (a 500).
 */
const EXPONENT_VALUES = [
  '1e-7',
  '1E-7',
  '-1e-7',
  '0.0000001',
  '1.5e-7',
  '5e-324',
  '-5e-324',
  '1e21',
  '-1e21',
  '1.5e+21',
  '1e-2',
  '1e2',
  '-0',
  '-0.0',
  '0e0',
];

/** Garbage credentials (a queued token and no header at all are added per operation). */
const CREDENTIAL_VALUES = [
  '',
  'x',
  'a'.repeat(31),
  'a'.repeat(33),
  'A'.repeat(32),
  newTokenValue(),
  LONG,
  ...SQL,
  '{"__proto__":{"polluted":1}}',
  'null',
];

/** Broken bodies: each one Fastify or the validation must refuse, whatever the route. */
const BROKEN_BODIES: { label: string; payload: string; contentType?: string }[] = [
  { label: 'malformed JSON', payload: '{"a": ' },
  { label: 'trailing garbage', payload: '{} xyz' },
  { label: 'single quotes', payload: "{'a': 1}" },
  { label: 'empty JSON body', payload: '' },
  { label: '__proto__ key', payload: '{"__proto__": {"polluted": 1}}' },
  { label: 'constructor.prototype key', payload: '{"constructor": {"prototype": {"p": 1}}}' },
  { label: 'oversized body', payload: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) },
  { label: 'text/plain', payload: '{}', contentType: 'text/plain' },
  { label: 'form encoded', payload: 'a=1', contentType: 'application/x-www-form-urlencoded' },
  { label: 'multipart', payload: '--x--', contentType: 'multipart/form-data; boundary=x' },
  { label: 'xml', payload: '<a/>', contentType: 'application/xml' },
];

/** Bodies that parse but have the wrong shape; refused by validation where a body is read. */
const WRONG_SHAPED_BODIES = ['[]', 'null', '"text"', '123', 'true', '[{}]'];

describe('bad input from the OpenAPI document: never a 5xx, never a stack, nothing written', () => {
  let t: TestApp;
  let document: Schema;
  let operations: Operation[];
  const fixture = { userId: '', activeToken: '', queuedToken: '', concertId: 0, seatId: 0 };

  beforeAll(async () => {
    t = await createTestApp();
    const now = t.clock.now();
    // Ids 1 on a fresh database: the concert, its performance and its first seat.
    fixture.concertId = await insertConcert(t.db, 'Bad Input Concert');
    const { seatIds } = await insertPerformance(t.db, fixture.concertId, {
      at: new Date(now.getTime() + 7 * 86_400_000),
      seats: 5,
    });
    fixture.seatId = seatIds[0];
    fixture.userId = await insertUser(t.db, '1000.00');
    fixture.activeToken = await insertActiveToken(t.db, fixture.userId, now);
    fixture.queuedToken = await insertQueuedToken(t.db, await insertUser(t.db, '10.00'), now);

    document = (await call(t.app, 'GET', '/docs-json')).body;
    operations = readOperations(document);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Everything a request could change, in one row. */
  async function databaseState(): Promise<Record<string, unknown>> {
    const [row] = await t.db.query(
      `SELECT
         (SELECT count(*)::int FROM users) AS users,
         (SELECT coalesce(sum(balance), 0)::text FROM users) AS balances,
         (SELECT count(*)::int FROM user_queue_tokens) AS tokens,
         (SELECT string_agg(status::text || ':' || coalesce(expires_at::text, '-'), ',' ORDER BY id)
            FROM user_queue_tokens) AS token_states,
         (SELECT count(*)::int FROM concerts) AS concerts,
         (SELECT count(*)::int FROM concert_performances) AS performances,
         (SELECT count(*)::int FROM performance_seats) AS seats,
         (SELECT count(*)::int FROM performance_seats WHERE booked) AS seats_booked,
         (SELECT count(*)::int FROM performance_seat_book_info) AS book_info,
         (SELECT count(*)::int FROM performance_seat_book_info WHERE token IS NOT NULL) AS holds,
         (SELECT count(*)::int FROM performance_seat_book_logs) AS book_logs,
         (SELECT count(*)::int FROM payments) AS payments,
         (SELECT count(*)::int FROM balance_ledger) AS ledger,
         (SELECT max_active::text || '/' || admit_per_minute::text || '/' || paused::text
            FROM queue_settings) AS settings`,
    );
    return row;
  }

  /** The value a valid request would send for a parameter or field (fixtures, examples). */
  function validValue(name: string, schema: Schema): unknown {
    if (schema.format === 'uuid') return fixture.userId;
    if (schema.type === 'integer' || schema.type === 'number') {
      if (/(^|_)id$/.test(name)) return 1;
      return schema.example ?? Math.max(1, schema.minimum ?? 1);
    }
    if (schema.format === 'date-time') return new Date(Date.now() + 30 * 86_400_000).toISOString();
    return schema.example ?? (schema.type === 'boolean' ? false : 'valid');
  }

  function credentialsFor(operation: Operation): Record<string, string> {
    const headers: Record<string, string> = {};
    if (operation.security.includes(QUEUE_TOKEN_SCHEME)) {
      headers['x-reservation-token'] = fixture.activeToken;
    }
    if (operation.security.includes(ADMIN_KEY_SCHEME)) headers['x-admin-key'] = ADMIN_KEY;
    return headers;
  }

  function validBody(operation: Operation): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(operation.body?.schema.properties ?? {})) {
      body[name] = validValue(name, resolve(document, schema as Schema));
    }
    return body;
  }

  function urlFor(
    operation: Operation,
    overrides: Record<string, string | undefined> = {},
  ): string {
    let path = operation.path;
    const query: string[] = [];
    for (const parameter of operation.parameters) {
      const raw = Object.prototype.hasOwnProperty.call(overrides, parameter.name)
        ? overrides[parameter.name]
        : String(validValue(parameter.name, parameter.schema));
      if (parameter.in === 'path') {
        path = path.replace(`{${parameter.name}}`, raw ?? '');
      } else if (parameter.in === 'query' && raw !== undefined) {
        query.push(`${parameter.name}=${raw}`);
      }
    }
    return query.length > 0 ? `${path}?${query.join('&')}` : path;
  }

  /**
   * A variant that might be valid (a hostile value that still fits the schema) is made
   * invalid elsewhere, so that no request of this test is entitled to write: without its
   * credentials, or with an unknown body field. Undefined when neither is possible.
   */
  function spoil(operation: Operation, variant: Variant): Variant | undefined {
    if (operation.security.length > 0) {
      const headers = { ...variant.headers };
      delete headers['x-reservation-token'];
      delete headers['x-admin-key'];
      return { ...variant, label: `${variant.label} (no credentials)`, headers, names: undefined };
    }
    if (operation.body && variant.payload !== undefined) {
      const body = JSON.parse(variant.payload);
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const payload =
          variant.payload === '{}'
            ? '{"unexpected_field": 1}'
            : variant.payload.replace(/^\{/, '{"unexpected_field": 1,');
        return { ...variant, label: `${variant.label} (unknown field)`, payload, names: undefined };
      }
    }
    return undefined;
  }

  function variantsOf(operation: Operation): Variant[] {
    const variants: Variant[] = [];
    const credentials = credentialsFor(operation);
    const body = operation.body ? JSON.stringify(validBody(operation)) : undefined;
    const jsonHeaders = (headers: Record<string, string>) =>
      body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
    const base = {
      operation: operation.key,
      method: operation.method,
      headers: jsonHeaders(credentials),
      payload: body,
    };
    const add = (variant: Variant, mightBeValid: boolean) => {
      const sent = mightBeValid ? spoil(operation, variant) : variant;
      if (sent) variants.push(sent);
    };

    // 1. Every parameter, one hostile value at a time, with valid credentials.
    for (const parameter of operation.parameters) {
      for (const value of PARAMETER_VALUES) {
        const encoded = encodeURIComponent(value);
        const label = `${parameter.in} ${parameter.name}=${JSON.stringify(value.slice(0, 40))}`;
        const mightBeValid = parameterMightAccept(parameter, value);
        if (parameter.in === 'header') {
          if (/[^\x20-\x7e]/.test(value)) continue;
          add(
            {
              ...base,
              label,
              url: urlFor(operation),
              headers: { ...base.headers, [parameter.name]: value },
            },
            mightBeValid,
          );
        } else {
          // A path segment longer than Fastify's maxParamLength (100) is simply not a route.
          add(
            {
              ...base,
              label,
              url: urlFor(operation, { [parameter.name]: encoded }),
              names: parameter.name,
            },
            mightBeValid,
          );
        }
      }
      if (parameter.in === 'path') {
        for (const raw of RAW_PATH_SEGMENTS) {
          add(
            {
              ...base,
              label: `path ${parameter.name}=${raw} (raw)`,
              url: urlFor(operation, { [parameter.name]: raw }),
            },
            false,
          );
        }
      }
      if (parameter.in === 'query') {
        add(
          {
            ...base,
            label: `query ${parameter.name} missing`,
            url: urlFor(operation, { [parameter.name]: undefined }),
            names: parameter.name,
          },
          !parameter.required,
        );
        add(
          {
            ...base,
            label: `query ${parameter.name} empty`,
            url: urlFor(operation, { [parameter.name]: '' }),
            names: parameter.name,
          },
          false,
        );
        add(
          {
            ...base,
            label: `query ${parameter.name} repeated`,
            url: `${urlFor(operation)}&${parameter.name}=2`,
            names: parameter.name,
          },
          false,
        );
        for (const raw of ['%', '%zz', '%E0%A4%A']) {
          add(
            {
              ...base,
              label: `query ${parameter.name}=${raw} (raw)`,
              url: urlFor(operation, { [parameter.name]: raw }),
            },
            false,
          );
        }
      }
    }

    // 2. Credentials: none, garbage, a token still in line.
    const url = urlFor(operation);
    for (const scheme of operation.security) {
      const header = scheme === QUEUE_TOKEN_SCHEME ? 'x-reservation-token' : 'x-admin-key';
      const without = { ...base.headers };
      delete without[header];
      variants.push({ ...base, label: `${header} missing`, url, headers: without });
      for (const value of CREDENTIAL_VALUES) {
        variants.push({
          ...base,
          label: `${header}=${JSON.stringify(value.slice(0, 40))}`,
          url,
          headers: { ...base.headers, [header]: value },
        });
      }
      if (scheme === QUEUE_TOKEN_SCHEME && operation.documented.includes('403')) {
        variants.push({
          ...base,
          label: 'token still in line',
          url,
          headers: { ...base.headers, [header]: fixture.queuedToken },
        });
      }
      if (scheme === QUEUE_TOKEN_SCHEME) {
        // The admin key is no queue token, and the other way round.
        variants.push({
          ...base,
          label: 'admin key as token',
          url,
          headers: { ...without, [header]: ADMIN_KEY },
        });
      } else {
        variants.push({
          ...base,
          label: 'token as admin key',
          url,
          headers: { ...without, [header]: fixture.activeToken },
        });
      }
    }

    // 3. Every body field, one hostile value at a time; missing required fields; unknown ones.
    if (operation.body) {
      const valid = validBody(operation);
      const properties = operation.body.schema.properties ?? {};
      for (const [name, raw] of Object.entries(properties)) {
        const schema = resolve(document, raw as Schema);
        const required = operation.body.required.includes(name);
        const numeric = schema.type === 'number' || schema.type === 'integer';
        for (const literal of [...FIELD_VALUES, ...(numeric ? EXPONENT_VALUES : [])]) {
          const payload = JSON.stringify({ ...valid, [name]: '__HOSTILE__' }).replace(
            '"__HOSTILE__"',
            literal,
          );
          // Refused while parsing, before validation names the field: a __proto__ or
          // constructor key, hostile nesting.
          const names = /__proto__|constructor|^\[\[\[/.test(literal) ? undefined : name;
          add(
            { ...base, label: `field ${name}=${literal.slice(0, 40)}`, url, payload, names },
            fieldMightAccept(schema, required, literal),
          );
        }
        const missing = { ...valid };
        delete missing[name];
        add(
          {
            ...base,
            label: `field ${name} missing`,
            url,
            payload: JSON.stringify(missing),
            names: name,
          },
          !required,
        );
      }
      add(
        {
          ...base,
          label: 'unknown field',
          url,
          payload: JSON.stringify({ ...valid, is_admin: true }),
          names: 'is_admin',
        },
        false,
      );
      for (const payload of WRONG_SHAPED_BODIES) {
        add({ ...base, label: `body ${payload}`, url, payload }, false);
      }
    }

    // 4. Bodies Fastify refuses before any route runs, on every operation that takes one
    //    (and on the body-less POSTs: a body there must not slip through either).
    if (operation.method !== 'GET') {
      for (const broken of BROKEN_BODIES) {
        // A body-less POST reads an empty JSON body as no body: that request may be valid.
        const noBody = !operation.body && broken.payload === '' && !broken.contentType;
        add(
          {
            ...base,
            label: broken.label,
            url,
            headers: {
              ...credentials,
              'content-type': broken.contentType ?? 'application/json',
            },
            payload: broken.payload,
          },
          noBody,
        );
      }
    }
    return variants;
  }

  it('reads a document with every endpoint of the contract', () => {
    const keys = operations.map((operation) => operation.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /users/{user_id}/charge',
        'GET /users/{user_id}',
        'POST /admin/users',
        'POST /user_queue_tokens',
        'GET /user_queue_tokens/token_info',
        'GET /concerts',
        'GET /concert_performances',
        'GET /performance_seats',
        'POST /performance_seats/{id}/book',
        'POST /performance_seats/{id}/pay',
        'POST /admin/concerts',
        'POST /admin/concerts/{id}/performances',
        'GET /admin/queue',
        'PATCH /admin/queue',
      ]),
    );
  });

  it('refuses every hostile request with a 4xx {"message"}, no stack, and writes nothing', async () => {
    const before = await databaseState();
    const problems: string[] = [];
    const covered = new Set<string>();
    const all = operations.flatMap((operation) => variantsOf(operation));
    expect(all.length).toBeGreaterThan(800);

    for (let index = 0; index < all.length; index += 16) {
      const batch = all.slice(index, index + 16);
      const responses = await Promise.all(
        batch.map((variant) =>
          t.app.inject({
            method: variant.method,
            url: variant.url,
            headers: variant.headers,
            payload: variant.payload,
          }),
        ),
      );
      responses.forEach((response, position) => {
        const variant = batch[position];
        covered.add(variant.operation);
        const where = `${variant.operation} [${variant.label}] → ${response.statusCode}`;
        const text = response.body;
        if (response.statusCode >= 500 || response.statusCode < 400) {
          problems.push(`${where}: ${text.slice(0, 200)}`);
          return;
        }
        if (/\n\s+at |node_modules|\/work\/|\/src\/|\.[jt]s:\d+|\w*Error:|QueryFailed/.test(text)) {
          problems.push(`${where}: leaks internals: ${text.slice(0, 200)}`);
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          problems.push(`${where}: not JSON: ${text.slice(0, 100)}`);
          return;
        }
        const keys = body && typeof body === 'object' ? Object.keys(body) : [];
        const message = (body as { message?: unknown })?.message;
        if (keys.length !== 1 || typeof message !== 'string' || message === '') {
          problems.push(`${where}: body is not {"message"}: ${text.slice(0, 200)}`);
          return;
        }
        if (!String(response.headers['content-type']).startsWith('application/json')) {
          problems.push(`${where}: content-type ${String(response.headers['content-type'])}`);
        }
        if (
          variant.names &&
          response.statusCode === 400 &&
          !message.toLowerCase().includes(variant.names.toLowerCase())
        ) {
          problems.push(`${where}: 400 message does not name ${variant.names}: ${message}`);
        }
      });
    }

    expect(problems).toEqual([]);
    expect(await databaseState()).toEqual(before);
    // JSON injection reached no prototype of this process (the app runs in it).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('p');
    const withInput = operations.filter(
      (operation) =>
        operation.parameters.length > 0 ||
        operation.security.length > 0 ||
        operation.body !== undefined ||
        operation.method !== 'GET',
    );
    expect([...covered].sort()).toEqual(withInput.map((operation) => operation.key).sort());
  });

  /**
   * Where each free-text body field is stored, read back from the answer of the request that
   * wrote it, and what that request adds to the database state. A free-text field missing here
   * fails the test below: add it.
   */
  const FREE_TEXT_FIELDS: Record<
    string,
    { stored(body: any): Promise<unknown>; adds: Record<string, number> }
  > = {
    'POST /admin/concerts name': {
      stored: async (body) =>
        (await t.db.query('SELECT name FROM concerts WHERE id = $1', [body.id]))[0]?.name,
      adds: { concerts: 1 },
    },
  };

  it('stores SQL-looking text as plain text in every free-text field, changing nothing else', async () => {
    const fields = operations.flatMap((operation) =>
      Object.entries(operation.body?.schema.properties ?? {})
        .filter(([, raw]) => {
          const schema = resolve(document, raw as Schema);
          return schema.type === 'string' && !schema.format && !schema.enum && !schema.pattern;
        })
        .map(([name]) => ({ operation, name, key: `${operation.key} ${name}` })),
    );
    expect(fields.map((field) => field.key).sort()).toEqual(Object.keys(FREE_TEXT_FIELDS).sort());
    for (const { operation, name, key } of fields) {
      const success = operation.documented.find((status) => /^2\d\d$/.test(status));
      for (const text of SQL_TEXT) {
        const before = await databaseState();
        const response = await call(t.app, operation.method, urlFor(operation), {
          headers: credentialsFor(operation),
          body: { ...validBody(operation), [name]: text },
        });
        expect([key, text, response.status]).toEqual([key, text, Number(success)]);
        expect(response.body[name]).toBe(text);
        expect(await FREE_TEXT_FIELDS[key].stored(response.body)).toBe(text);
        const expected = { ...before };
        for (const [column, added] of Object.entries(FREE_TEXT_FIELDS[key].adds)) {
          expected[column] = (before[column] as number) + added;
        }
        expect(await databaseState()).toEqual(expected);
      }
    }
  });
});

describe('bad input: Fastify-level refusals answer {"message"} with the right status', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    userId = await insertUser(t.db, '0.00');
  });
  afterAll(async () => {
    await t.close();
  });

  const charge = (payload: string, contentType = 'application/json') =>
    call(t.app, 'POST', `/users/${userId}/charge`, {
      payload,
      headers: { 'content-type': contentType },
    });

  it('400 for malformed JSON', async () => {
    const response = await charge('{"amount": ');
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['message']);
    expect(response.body.message).toMatch(/JSON/i);
  });

  it.each(['null', '[]', '"text"', '42'])(
    '400 for the JSON body %s: an object only',
    async (payload) => {
      const response = await charge(payload);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Request body must be a JSON object' });
    },
  );

  it('400, not a stack overflow, for hostile nesting', async () => {
    const response = await charge(`{"amount": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Request body is nested deeper than 16 levels' });
  });

  it('400 for a JSON body carrying __proto__', async () => {
    const response = await charge('{"amount": 1, "__proto__": {"polluted": true}}');
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['message']);
  });

  it.each([
    ['application/x-www-form-urlencoded', 'amount=1'],
    ['text/plain', '{"amount": 1}'],
    ['application/xml', '<amount>1</amount>'],
  ])('415 for a %s body: JSON only', async (contentType, payload) => {
    const response = await charge(payload, contentType);
    expect(response.status).toBe(415);
    expect(Object.keys(response.body)).toEqual(['message']);
    expect(response.body.message).toMatch(/Unsupported Media Type/i);
  });

  it('still reads JSON with a charset', async () => {
    const response = await charge('{"amount": 0}', 'application/json; charset=utf-8');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'amount must be greater than 0' });
  });

  it('413 for a body over 64 KiB', async () => {
    const response = await charge(JSON.stringify({ amount: 1, pad: 'x'.repeat(65 * 1024) }));
    expect(response.status).toBe(413);
    expect(Object.keys(response.body)).toEqual(['message']);
  });

  it('400 for a URL that is not valid percent-encoding, with a request id', async () => {
    const response = await call(t.app, 'GET', '/users/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['message']);
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('404 {"message"} for an unknown path', async () => {
    const response = await call(t.app, 'GET', '/no/such/endpoint');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Cannot GET /no/such/endpoint' });
  });

  it('charges nothing through any of these', async () => {
    const [{ entries, balance }] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1) AS entries,
              (SELECT balance::text FROM users WHERE id = $1) AS balance`,
      [userId],
    );
    expect({ entries, balance }).toEqual({ entries: 0, balance: '0.00' });
  });
});

/** The operations of an OpenAPI document, with their $refs resolved. */
function readOperations(document: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(document.paths)) {
    for (const [method, operation] of Object.entries<Schema>(item)) {
      // A stream never ends for inject; its refusals are in queue-events.e2e-spec.ts.
      if (operation.responses?.['200']?.content?.['text/event-stream']) continue;
      const content = operation.requestBody?.content?.['application/json'];
      const bodySchema = content ? resolve(document, content.schema) : undefined;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as Method,
        path,
        parameters: (operation.parameters ?? []).map((parameter: Schema) => ({
          ...parameter,
          schema: resolve(document, parameter.schema ?? {}),
        })),
        security: (operation.security ?? []).flatMap((entry: Schema) => Object.keys(entry)),
        documented: Object.keys(operation.responses ?? {}),
        body: bodySchema ? { schema: bodySchema, required: bodySchema.required ?? [] } : undefined,
      });
    }
  }
  return operations;
}

function resolve(document: Schema, schema: Schema): Schema {
  if (schema?.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    return resolve(document, document.components.schemas[name]);
  }
  if (schema?.allOf?.length === 1 && !schema.type) return resolve(document, schema.allOf[0]);
  return schema ?? {};
}

/**
 * Whether a path/query/header value could pass validation. Conservative: when in doubt, yes
 * (the variant is then made invalid elsewhere). Numeric parameters are ids: positive integers.
 */
function parameterMightAccept(parameter: Parameter, value: string): boolean {
  const schema = parameter.schema;
  if (schema.format === 'uuid') return UUID.test(value.trim());
  if (schema.type === 'integer' || schema.type === 'number') {
    const number = Number(value.trim());
    return (
      value.trim() !== '' &&
      Number.isInteger(number) &&
      number >= Math.max(1, schema.minimum ?? 1) &&
      number <= Math.min(MAX_SAFE, schema.maximum ?? MAX_SAFE)
    );
  }
  if (schema.enum) return schema.enum.includes(value);
  return true;
}

/** Whether a JSON literal could be accepted for a body field. Conservative, as above. */
function fieldMightAccept(schema: Schema, required: boolean, literal: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    return true;
  }
  if (value === null) return schema.nullable === true || !required;
  if (typeof value === 'string' && schema.type !== 'string') {
    // A numeric or boolean string might be converted by the DTO: treat it as its value.
    if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) value = Number(value);
    else if (value === 'true' || value === 'false') value = value === 'true';
    else return false;
  }
  switch (schema.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (schema.type === 'integer' && !Number.isInteger(value)) return false;
      if (schema.minimum !== undefined && value < schema.minimum) return false;
      if (schema.maximum !== undefined && value > schema.maximum) return false;
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
      if (schema.multipleOf !== undefined) {
        const ratio = value / schema.multipleOf;
        if (Math.abs(ratio - Math.round(ratio)) > 1e-9) return false;
        // 5e-324 / 0.01 is within any tolerance of 0: count the decimals of the text instead.
        const step = literalDecimals(String(schema.multipleOf));
        const decimals = literalDecimals(literal.trim());
        if (step !== undefined && decimals !== undefined && decimals > step) return false;
      }
      return true;
    }
    case 'string': {
      if (typeof value !== 'string') return false;
      if (schema.format === 'uuid') return UUID.test(value);
      if (schema.format === 'date-time') return !Number.isNaN(Date.parse(value));
      if (schema.enum) return schema.enum.includes(value);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
      return true;
    }
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Digits after the point of a JSON number literal, exponent included (1e-7 → 7), exactly. */
function literalDecimals(literal: string): number | undefined {
  const match = /^-?\d+(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!match) return undefined;
  const fraction = (match[1] ?? '').replace(/0+$/, '');
  return Math.max(0, fraction.length - Number(match[2] ?? 0));
}
