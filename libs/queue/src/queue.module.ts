import { Module } from '@nestjs/common';
import { UserModule } from '@app/user';
import { AdmitQueuedTokensUseCase } from './application/admit-queued-tokens.use-case';
import { AuthorizeQueueTokenUseCase } from './application/authorize-queue-token.use-case';
import { GetQueueStatusUseCase } from './application/get-queue-status.use-case';
import { GetTokenInfoUseCase } from './application/get-token-info.use-case';
import { IssueQueueTokenUseCase } from './application/issue-queue-token.use-case';
import { QueueLineRepository } from './application/port/out/queue-line.repository';
import { QueueSettingsRepository } from './application/port/out/queue-settings.repository';
import { QueueTokenRepository } from './application/port/out/queue-token.repository';
import { UserDirectoryRepository } from './application/port/out/user-directory.repository';
import { QueueTokenSessions } from './application/queue-token-sessions.service';
import { TokenSessionRepository } from './application/port/out/token-session.repository';
import { TypeOrmTokenSessionRepository } from './adapter/out/persistence/typeorm-token-session.repository';
import { UpdateQueueSettingsUseCase } from './application/update-queue-settings.use-case';
import { LineSnapshotService } from './application/line-snapshot.service';
import { WaitingTokenCache } from './application/waiting-token-cache';
import { LineChanges } from './application/port/out/line-changes';
import { LineSnapshotRepository } from './application/port/out/line-snapshot.repository';
import { PgLineChanges } from './adapter/out/notification/pg-line-changes';
import { TypeOrmLineSnapshotRepository } from './adapter/out/persistence/typeorm-line-snapshot.repository';
import {
  DEFAULT_TOKEN_INFO_STREAM_OPTIONS,
  TOKEN_INFO_STREAM_OPTIONS,
  TokenInfoStreamHub,
} from './application/token-info-streams';
import { AdminQueueController } from './adapter/in/http/admin-queue.controller';
import { QueueEventsController } from './adapter/in/http/queue-events.controller';
import { QueueTokenGuard } from './adapter/in/http/queue-token.guard';
import { QueueTokensController } from './adapter/in/http/queue-tokens.controller';
import { QueueAdmissionJob } from './adapter/in/schedule/queue-admission.job';
import { TypeOrmQueueLineRepository } from './adapter/out/persistence/typeorm-queue-line.repository';
import { TypeOrmQueueSettingsRepository } from './adapter/out/persistence/typeorm-queue-settings.repository';
import { TypeOrmQueueTokenRepository } from './adapter/out/persistence/typeorm-queue-token.repository';
import { UserDirectoryAdapter } from './adapter/out/user/user-directory.adapter';

@Module({
  imports: [UserModule],
  controllers: [QueueTokensController, QueueEventsController, AdminQueueController],
  providers: [
    AuthorizeQueueTokenUseCase,
    IssueQueueTokenUseCase,
    GetTokenInfoUseCase,
    AdmitQueuedTokensUseCase,
    GetQueueStatusUseCase,
    UpdateQueueSettingsUseCase,
    QueueTokenGuard,
    QueueAdmissionJob,
    LineSnapshotService,
    WaitingTokenCache,
    { provide: LineChanges, useClass: PgLineChanges },
    { provide: LineSnapshotRepository, useClass: TypeOrmLineSnapshotRepository },
    TokenInfoStreamHub,
    { provide: TOKEN_INFO_STREAM_OPTIONS, useValue: DEFAULT_TOKEN_INFO_STREAM_OPTIONS },
    { provide: QueueTokenRepository, useClass: TypeOrmQueueTokenRepository },
    { provide: QueueLineRepository, useClass: TypeOrmQueueLineRepository },
    { provide: QueueSettingsRepository, useClass: TypeOrmQueueSettingsRepository },
    { provide: UserDirectoryRepository, useClass: UserDirectoryAdapter },
    QueueTokenSessions,
    { provide: TokenSessionRepository, useClass: TypeOrmTokenSessionRepository },
  ],
  exports: [
    QueueTokenGuard,
    AuthorizeQueueTokenUseCase,
    GetQueueStatusUseCase,
    GetTokenInfoUseCase,
    LineSnapshotService,
    TokenInfoStreamHub,
    QueueTokenSessions,
  ],
})
export class QueueModule {}
