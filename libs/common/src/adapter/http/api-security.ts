/** Names of the OpenAPI security schemes, declared in apps/api and used by controllers. */
export const QUEUE_TOKEN_SCHEME = 'queue-token';
export const QUEUE_TOKEN_HEADER = 'x-reservation-token';
export const ADMIN_KEY_SCHEME = 'admin-key';
export const CALLER_JWT_SCHEME = 'caller-jwt';
