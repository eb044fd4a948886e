import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError, DomainErrorKind } from '../../domain/domain-error';

const STATUS_BY_KIND: Record<DomainErrorKind, HttpStatus> = {
  INVALID: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * A PostgreSQL server that is not there or not taking us: connection exceptions (class 08),
 * shutdown (57P01-3), too many connections (53300), database missing or closed to new
 * connections (3D000, 55000 on connect), authentication (28), and socket errors.
 */
const UNAVAILABLE_CODES = /^(08|57P0[1-3]|53300|3D000|28|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)/;

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * The one place where errors become HTTP answers: `{"message": "..."}` with the contract's
 * status. Unknown errors are logged and answered with a bare 500, never a stack trace.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const [status, body] = this.toResponse(exception);
    reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown): [number, unknown] {
    if (exception instanceof DomainError) {
      return [STATUS_BY_KIND[exception.kind], { message: exception.message }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return [status, { message: response }];
      const message = (response as { message?: unknown }).message;
      if (message === undefined) return [status, response];
      return [status, { message: Array.isArray(message) ? message.join('; ') : String(message) }];
    }
    const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
    if (
      typeof fastifyError?.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      // Fastify's own refusals (malformed JSON, body too large, bad content type).
      return [fastifyError.statusCode, { message: String(fastifyError.message) }];
    }
    const code = String((exception as { code?: unknown })?.code ?? '');
    if (UNAVAILABLE_CODES.test(code) || isConnectionFailure(exception)) {
      this.logger.warn(`database unavailable: ${String((exception as Error)?.message)}`);
      return [HttpStatus.SERVICE_UNAVAILABLE, { message: 'Service temporarily unavailable' }];
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return [HttpStatus.INTERNAL_SERVER_ERROR, { message: 'Internal server error' }];
  }
}

/**
 * TypeORM's errors when the connection under a transaction died mid-way (PostgreSQL stopped):
 * the pool released the query runner, so the next query or the COMMIT cannot be sent and
 * nothing was committed.
 */
const RELEASED_RUNNER_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

function isConnectionFailure(exception: unknown): boolean {
  if (exception instanceof Error && RELEASED_RUNNER_ERRORS.has(exception.name)) return true;
  const message = exception instanceof Error ? exception.message : '';
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|not currently accepting connections|the database system is (starting up|shutting down)/i.test(
    message,
  );
}
