import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { QUEUE_TOKEN_SCHEME } from '@app/common/adapter/http/api-security';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { QueueTokenGuard, RequireQueueToken } from '@app/queue/adapter/in/http/queue-token.guard';

/** An endpoint for active tokens only, with its 401/403 answers in Swagger. */
export function ActiveQueueTokenRequired(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiSecurity(QUEUE_TOKEN_SCHEME),
    UseGuards(QueueTokenGuard),
    RequireQueueToken('ACTIVE'),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No token, an unknown token, or an expired one.',
      example: { message: 'Token is invalid' },
    }),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: 'The token is still waiting in line.',
      example: { message: 'Token is still in queue' },
    }),
  );
}
