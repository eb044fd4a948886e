import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from './config/app-config';
import { Clock, SystemClock } from './domain/clock';
import { AdminKeyGuard } from './adapter/http/admin-key.guard';

/** The shared kernel's providers: configuration, the clock and the admin guard. */
@Global()
@Module({
  providers: [
    {
      provide: AppConfig,
      inject: [ConfigService],
      // ConfigModule has validated the environment and loaded any .env file by now.
      useFactory: () => AppConfig.fromRaw(process.env),
    },
    { provide: Clock, useClass: SystemClock },
    AdminKeyGuard,
  ],
  exports: [AppConfig, Clock, AdminKeyGuard],
})
export class CommonModule {}
