import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminKeyGuard } from '@app/common/adapter/http/admin-key.guard';
import { ADMIN_KEY_SCHEME } from '@app/common/adapter/http/api-security';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { GetQueueStatusUseCase, QueueStatus } from '../../../application/get-queue-status.use-case';
import { UpdateQueueSettingsUseCase } from '../../../application/update-queue-settings.use-case';
import {
  parseOpeningTime,
  QueueStatusDto,
  UpdateQueueSettingsRequestDto,
} from './dto/queue-settings.dto';

const STATUS_EXAMPLE = {
  waiting: 1234,
  active: 100,
  max_active: 100,
  admit_per_minute: 600,
  paused: false,
  opens_at: null,
  prequeue: 0,
};

@ApiTags('admin')
@ApiSecurity(ADMIN_KEY_SCHEME)
@UseGuards(AdminKeyGuard)
@ApiUnauthorizedResponse({ type: ErrorResponseDto, example: { message: 'Admin key is invalid' } })
@Controller('admin/queue')
export class AdminQueueController {
  constructor(
    private readonly getStatus: GetQueueStatusUseCase,
    private readonly updateSettings: UpdateQueueSettingsUseCase,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The line and the settings every instance obeys',
    description:
      '`max_active` and `admit_per_minute` are the effective values: the stored override, else QUEUE_MAX_ACTIVE_TOKENS / QUEUE_ADMIT_PER_MINUTE.',
  })
  @ApiOkResponse({ type: QueueStatusDto, example: STATUS_EXAMPLE })
  async get(): Promise<QueueStatusDto> {
    return toStatusDto(await this.getStatus.execute());
  }

  @Patch()
  @ApiOperation({
    summary: 'Change the admission settings live',
    description:
      'Stored in the database: every instance follows on its next tick. Absent fields are unchanged (an empty body changes nothing); null for a number restores the environment value.',
  })
  @ApiBody({ type: UpdateQueueSettingsRequestDto, required: false })
  @ApiOkResponse({ type: QueueStatusDto, example: { ...STATUS_EXAMPLE, paused: true } })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A value out of range or of the wrong type, or an unknown field; nothing changes.',
    examples: {
      'bad number': {
        summary: 'Not an integer in 0..1000000',
        value: { message: 'max_active must be a non-negative integer (at most 1000000)' },
      },
      'bad paused': { summary: 'Not a boolean', value: { message: 'paused must be a boolean' } },
      'bad opens_at': {
        summary: 'Not an ISO 8601 date-time with an offset',
        value: { message: 'opens_at must be an ISO 8601 date-time with an offset, or null' },
      },
      'unknown field': {
        summary: 'A field the endpoint does not take',
        value: { message: 'property waiting should not exist' },
      },
    },
  })
  async patch(@Body() body: UpdateQueueSettingsRequestDto = {}): Promise<QueueStatusDto> {
    return toStatusDto(
      await this.updateSettings.execute({
        maxActive: body.max_active,
        admitPerMinute: body.admit_per_minute,
        paused: body.paused,
        opensAt:
          body.opens_at === undefined
            ? undefined
            : body.opens_at === null
              ? null
              : parseOpeningTime(body.opens_at),
      }),
    );
  }
}

function toStatusDto(status: QueueStatus): QueueStatusDto {
  return {
    waiting: status.waiting,
    active: status.active,
    max_active: status.maxActive,
    admit_per_minute: status.admitPerMinute,
    paused: status.paused,
    opens_at: status.opensAt ? status.opensAt.toISOString() : null,
    prequeue: status.prequeue,
  };
}
