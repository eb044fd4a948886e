import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizeQueueTokenUseCase } from './application/authorize-queue-token.use-case';
import { QueueTokenRepository } from './application/port/out/queue-token.repository';
import { QueueTokenGuard } from './adapter/in/http/queue-token.guard';
import { QueueTokenEntity } from './adapter/out/persistence/queue-token.entity';
import { TypeOrmQueueTokenRepository } from './adapter/out/persistence/typeorm-queue-token.repository';

@Module({
  imports: [TypeOrmModule.forFeature([QueueTokenEntity])],
  controllers: [],
  providers: [
    AuthorizeQueueTokenUseCase,
    QueueTokenGuard,
    { provide: QueueTokenRepository, useClass: TypeOrmQueueTokenRepository },
  ],
  exports: [QueueTokenGuard, AuthorizeQueueTokenUseCase],
})
export class QueueModule {}
