import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from './config/app-config';
import { Clock, SystemClock } from './domain/clock';
import { AdminKeyGuard } from './adapter/http/admin-key.guard';
import { CallerAuthGuard } from './adapter/http/caller-auth.guard';

/** The shared kernel's providers: configuration, the clock, the admin and caller guards. */
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
    CallerAuthGuard,
  ],
  exports: [AppConfig, Clock, AdminKeyGuard, CallerAuthGuard],
})
export class CommonModule {}
