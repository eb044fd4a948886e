import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../../domain/domain-error';

/** Deeper than any body of the API; deep enough nesting would overflow the validation's stack. */
export const MAX_BODY_DEPTH = 16;

/**
 * The one check every parsed JSON body passes before any route sees it: a JSON object (every
 * request body of the API is one; `null`, arrays and bare values are malformed input), nested
 * at most MAX_BODY_DEPTH levels. Iterative, so that hostile nesting cannot overflow it.
 */
export function requireJsonObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRequestError('Request body must be a JSON object');
  }
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) {
      throw new InvalidRequestError(`Request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    }
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return value as Record<string, unknown>;
}

/** The route config flag set by NoRequestBody(), read by the JSON body parser. */
const NO_REQUEST_BODY = 'noRequestBody';

/**
 * A route that takes no body: an empty body sent with `Content-Type: application/json` (as
 * many fetch wrappers send on every request) is read as no body rather than refused.
 */
export const NoRequestBody = () => RouteConfig({ [NO_REQUEST_BODY]: true });

export function takesNoBody(request: FastifyRequest): boolean {
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[NO_REQUEST_BODY] === true;
}
