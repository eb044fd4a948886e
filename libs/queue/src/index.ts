export * from './queue.module';
export * from './domain/queue-token';
export * from './application/authorize-queue-token.use-case';
export * from './adapter/in/http/queue-token.guard';
