import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { QUEUE_TOKEN_SCHEME } from '@app/common/adapter/http/api-security';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { QueueTokenAccess } from '../../../application/authorize-queue-token.use-case';
import { QueueTokenGuard, RequireQueueToken } from './queue-token.guard';

export interface QueueTokenRequiredOptions {
  /**
   * Whether to document the guard's 401 and 403 answers with the generic wording (default);
   * false for a route that documents them itself, in its own words.
   */
  documentAnswers?: boolean;
}

/**
 * The one way to require a queue token (`X-Reservation-Token`) on a route or a controller:
 * the guard, what the token must allow (ACTIVE by default), the Swagger security scheme and,
 * unless the route words them itself, the guard's 401/403 answers. Read the accepted token
 * with `@CurrentQueueToken()` (with ACTIVE_AT_WRITE, the presented one with
 * `@PresentedQueueToken()`).
 */
export function QueueTokenRequired(
  access: QueueTokenAccess = 'ACTIVE',
  options: QueueTokenRequiredOptions = {},
): ClassDecorator & MethodDecorator {
  const decorators = [
    ApiSecurity(QUEUE_TOKEN_SCHEME),
    UseGuards(QueueTokenGuard),
    RequireQueueToken(access),
  ];
  if (options.documentAnswers !== false) {
    decorators.push(
      ApiUnauthorizedResponse({
        type: ErrorResponseDto,
        description: 'No token, an unknown token, or an expired one.',
        example: { message: 'Token is invalid' },
      }),
    );
    if (access !== 'ANY') {
      decorators.push(
        ApiForbiddenResponse({
          type: ErrorResponseDto,
          description: 'The token is still waiting in line.',
          example: { message: 'Token is still in queue' },
        }),
      );
    }
  }
  return applyDecorators(...decorators);
}
