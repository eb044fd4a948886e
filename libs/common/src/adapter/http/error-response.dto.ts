import { ApiProperty } from '@nestjs/swagger';

/** Every error of the API has this body. */
export class ErrorResponseDto {
  @ApiProperty({ example: 'User not found' })
  message: string;
}
