import { Global, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { dataSourceOptions } from './data-source-options';
import { ClsTransactionRunner } from './cls-transaction-runner';

/** The TypeORM data source and the ambient transaction every repository joins. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.databaseUrl, config.databasePoolSize),
        autoLoadEntities: true,
        // Fail fast at boot; /health reports outages after that.
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
    ClsModule.forRoot({
      global: true,
      plugins: [
        new ClsPluginTransactional({
          imports: [TypeOrmModule],
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
        }),
      ],
    }),
  ],
  providers: [{ provide: TransactionRunner, useClass: ClsTransactionRunner }],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
