export * from './queue.module';
export * from './domain/queue-token';
export * from './domain/admission-policy';
export * from './application/authorize-queue-token.use-case';
export * from './application/admit-queued-tokens.use-case';
export * from './application/get-queue-status.use-case';
export { CurrentQueueToken } from './adapter/in/http/queue-token.guard';
export * from './adapter/in/http/queue-token-required.decorator';
export * from './application/token-info-streams';
