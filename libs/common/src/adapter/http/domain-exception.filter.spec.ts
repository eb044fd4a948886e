import { ArgumentsHost } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { DomainExceptionFilter } from './domain-exception.filter';

function answer(exception: unknown): { status: number; body: unknown } {
  const sent = { status: 0, body: undefined as unknown };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header: () => reply,
    send(body: unknown) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  const filter = new DomainExceptionFilter();
  // Silence the filter's own log lines in the test output.
  (filter as unknown as { logger: { warn(): void; error(): void } }).logger = {
    warn: () => undefined,
    error: () => undefined,
  };
  filter.catch(exception, host);
  return sent;
}

describe('DomainExceptionFilter: a database lost mid-transaction', () => {
  // PostgreSQL stopped under a transaction: TypeORM releases the runner, and the next query or
  // the COMMIT fails with these. Nothing was committed: 503, as for a refused connection.
  it.each([
    ['QueryRunnerAlreadyReleasedError', new QueryRunnerAlreadyReleasedError()],
    ['QueryRunnerProviderAlreadyReleasedError', new QueryRunnerProviderAlreadyReleasedError()],
  ])('%s answers 503', (_name, error) => {
    expect(answer(error)).toEqual({
      status: 503,
      body: { message: 'Service temporarily unavailable' },
    });
  });

  it('still answers 500 for an unknown error', () => {
    expect(answer(new Error('boom'))).toEqual({
      status: 500,
      body: { message: 'Internal server error' },
    });
  });
});
