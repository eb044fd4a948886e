import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AppConfig, CommonModule, validateEnvironment } from '@app/common';
import { DatabaseModule } from '@app/database';
import { QueueModule } from '@app/queue';
import { UserModule } from '@app/user';
import { HealthModule } from './health/health.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment }),
    CommonModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: (request, response) => {
            const given = request.headers['x-request-id'];
            const id =
              typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
            response.setHeader('x-request-id', id);
            return id;
          },
          autoLogging: {
            ignore: (request) => request.url === '/health' || request.url === '/metrics',
          },
          redact: ['req.headers["x-reservation-token"]', 'req.headers["x-admin-key"]'],
        },
      }),
    }),
    ScheduleModule.forRoot(),
    DatabaseModule,
    HealthModule,
    UserModule,
    QueueModule,
  ],
})
export class AppModule {}
