import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, CommonModule, validateEnvironment } from '@app/common';
import { BookingModule } from '@app/booking';
import { CatalogModule } from '@app/catalog';
import { DatabaseModule } from '@app/database';
import { PaymentModule } from '@app/payment';
import { QueueModule } from '@app/queue';
import { UserModule } from '@app/user';
import { HealthModule } from './health/health.module';
import { loggerParams } from './logging/logger-params';
import { MetricsModule } from './metrics/metrics.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment }),
    CommonModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: loggerParams }),
    MetricsModule,
    ScheduleModule.forRoot(),
    DatabaseModule,
    HealthModule,
    UserModule,
    QueueModule,
    CatalogModule,
    BookingModule,
    PaymentModule,
  ],
})
export class AppModule {}
