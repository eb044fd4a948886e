import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminKeyGuard } from '@app/common/adapter/http/admin-key.guard';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { Money } from '@app/common/domain/money';
import { CreateUserUseCase } from '../../../application/create-user.use-case';
import { CreatedUserDto, CreateUserRequestDto } from './dto/user-response.dto';

@ApiTags('admin')
@ApiSecurity('admin-key')
@UseGuards(AdminKeyGuard)
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly createUser: CreateUserUseCase) {}

  @Post()
  @ApiOperation({ summary: 'Create a user with an optional opening balance' })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    example: { message: 'balance must not be negative' },
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, example: { message: 'Admin key is invalid' } })
  async create(@Body() body: CreateUserRequestDto): Promise<CreatedUserDto> {
    const account = await this.createUser.execute(
      body.balance === undefined ? Money.ZERO : Money.parse(body.balance),
    );
    return { id: account.id, balance: account.balance.toJSON() };
  }
}
