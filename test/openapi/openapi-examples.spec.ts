import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkExamples, Json } from './example-checker';

type Doc = { [key: string]: Json };

const document = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'),
) as Doc;

describe('openapi.json examples', () => {
  const checked = checkExamples(document);

  it('finds the examples of responses, request bodies, parameters and schemas', () => {
    const places = checked.map(({ where }) => where);
    expect(places.some((where) => where.includes('/responses/'))).toBe(true);
    expect(places.some((where) => where.includes('/parameters/'))).toBe(true);
    expect(places.some((where) => where.startsWith('#/components/schemas/'))).toBe(true);
    expect(places).toContain(
      '#/paths/~1user_queue_tokens~1token_info/get/responses/200/content/application~1json/example',
    );
  });

  it('every example matches its own schema', () => {
    const wrong = checked
      .filter(({ errors }) => errors.length > 0)
      .map(({ where, errors }) => `${where}: ${errors.join('; ')}`);
    expect(wrong).toEqual([]);
  });
});

describe('the example checker', () => {
  const doc = (paths: Json, schemas: Json = {}): Doc => ({
    openapi: '3.0.0',
    paths,
    components: { schemas },
  });
  const response = (media: Json): Json => ({
    '/x': {
      get: { responses: { '200': { description: '', content: { 'application/json': media } } } },
    },
  });
  const errorsOf = (document: Doc) =>
    checkExamples(document).filter(({ errors }) => errors.length > 0);

  it('follows $refs, and reads nullable as OpenAPI 3.0 does', () => {
    const schemas = {
      Hold: {
        type: 'object',
        properties: { id: { type: 'integer' }, at: { type: 'string', nullable: true } },
        required: ['id'],
      },
    };
    const good = { schema: { $ref: '#/components/schemas/Hold' }, example: { id: 1, at: null } };
    expect(errorsOf(doc(response(good), schemas))).toEqual([]);
    const bad = { schema: { $ref: '#/components/schemas/Hold' }, example: { id: 'one' } };
    expect(errorsOf(doc(response(bad), schemas))).toEqual([
      expect.objectContaining({ errors: ['/id must be integer'] }),
    ]);
  });

  it('refuses a null for a $ref that only an allOf makes nullable (the OpenAPI 3.0 rule)', () => {
    const schemas = {
      Hold: { type: 'object', properties: { id: { type: 'integer' } } },
      Info: {
        type: 'object',
        properties: {
          hold: { type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/Hold' }] },
        },
      },
    };
    const media = { schema: { $ref: '#/components/schemas/Info' }, example: { hold: null } };
    expect(errorsOf(doc(response(media), schemas))).toHaveLength(1);
  });

  it('catches a misspelt field, a wrong property example, named examples and a missing schema', () => {
    const schemas = {
      User: {
        type: 'object',
        properties: { balance: { type: 'number', minimum: 0, example: -1 } },
      },
    };
    const media = {
      schema: { $ref: '#/components/schemas/User' },
      examples: { typo: { value: { balanse: 1 } } },
    };
    const paths = {
      ...(response(media) as Doc),
      '/y': {
        get: {
          responses: { '200': { description: '', content: { 'text/plain': { example: 'x' } } } },
        },
      },
    };
    expect(errorsOf(doc(paths, schemas)).map(({ where }) => where)).toEqual([
      '#/paths/~1x/get/responses/200/content/application~1json/examples/typo',
      '#/paths/~1y/get/responses/200/content/text~1plain/example',
      '#/components/schemas/User/properties/balance/example',
    ]);
  });

  it('reports a schema it cannot compile (an unknown format) as a failure, not a crash', () => {
    const media = { schema: { type: 'string', format: 'no-such-format' }, example: 'x' };
    expect(errorsOf(doc(response(media)))).toEqual([
      expect.objectContaining({
        errors: [expect.stringMatching(/does not compile.*no-such-format/)],
      }),
    ]);
  });

  it('checks parameter examples against the parameter schema', () => {
    const paths = {
      '/x/{id}': {
        get: {
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'integer', minimum: 1, example: 0 },
            },
          ],
          responses: {},
        },
      },
    };
    expect(errorsOf(doc(paths)).map(({ where }) => where)).toEqual([
      '#/paths/~1x~1{id}/get/parameters/0/schema/example',
    ]);
  });
});
