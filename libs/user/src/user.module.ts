import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChargeBalanceUseCase } from './application/charge-balance.use-case';
import { CreateUserUseCase } from './application/create-user.use-case';
import { GetUserProfileUseCase } from './application/get-user-profile.use-case';
import { UserDirectory } from './application/user-directory.service';
import { BalanceLedgerRepository } from './application/port/out/balance-ledger.repository';
import { UserAccountRepository } from './application/port/out/user-account.repository';
import { AdminUsersController } from './adapter/in/http/admin-users.controller';
import { UsersController } from './adapter/in/http/users.controller';
import { BalanceLedgerEntity } from './adapter/out/persistence/balance-ledger.entity';
import { TypeOrmBalanceLedgerRepository } from './adapter/out/persistence/typeorm-balance-ledger.repository';
import { TypeOrmUserAccountRepository } from './adapter/out/persistence/typeorm-user-account.repository';
import { UserEntity } from './adapter/out/persistence/user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, BalanceLedgerEntity])],
  controllers: [UsersController, AdminUsersController],
  providers: [
    ChargeBalanceUseCase,
    GetUserProfileUseCase,
    CreateUserUseCase,
    { provide: UserAccountRepository, useClass: TypeOrmUserAccountRepository },
    { provide: BalanceLedgerRepository, useClass: TypeOrmBalanceLedgerRepository },
    UserDirectory,
  ],
  exports: [UserDirectory],
})
export class UserModule {}
