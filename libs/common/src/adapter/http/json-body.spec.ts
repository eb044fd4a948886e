import { InvalidRequestError } from '../../domain/domain-error';
import { MAX_BODY_DEPTH, requireJsonObject } from './json-body';

describe('requireJsonObject', () => {
  it('accepts an object, nested objects and arrays within the depth limit', () => {
    const body = { amount: 1, nested: { list: [1, { deep: [true] }] } };
    expect(requireJsonObject(body)).toBe(body);
    expect(requireJsonObject({})).toEqual({});
  });

  it.each([null, [], [{}], 'text', 123, true])('refuses %p as a body', (value) => {
    expect(() => requireJsonObject(value)).toThrow(
      new InvalidRequestError('Request body must be a JSON object'),
    );
  });

  it('accepts exactly MAX_BODY_DEPTH levels and refuses one more', () => {
    const nest = (levels: number): unknown =>
      levels === 1 ? { leaf: 1 } : { child: nest(levels - 1) };
    expect(() => requireJsonObject(nest(MAX_BODY_DEPTH))).not.toThrow();
    expect(() => requireJsonObject(nest(MAX_BODY_DEPTH + 1))).toThrow(InvalidRequestError);
  });

  it('refuses hostile nesting without overflowing its own stack', () => {
    const hostile = JSON.parse(`{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => requireJsonObject(hostile)).toThrow(
      `Request body is nested deeper than ${MAX_BODY_DEPTH} levels`,
    );
  });
});
