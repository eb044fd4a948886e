import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@app/common/config/app-config';
import { AppModule } from '../app.module';
import { buildOpenApiDocument, createFastifyAdapter } from '../configure-app';
import { serializeOpenApiDocument } from './serialize-openapi';

/**
 * openapi.json's text, as /docs-json serves it. Preview mode builds the module graph without
 * instantiating a provider: no database connection, no job, no port.
 */
export async function generateOpenApiJson(): Promise<string> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    // The document a service with the default settings serves (no database is reached).
    const config = AppConfig.fromRaw({ DATABASE_URL: 'postgres://openapi.invalid/none' });
    return serializeOpenApiDocument(buildOpenApiDocument(app, config));
  } finally {
    await app.close();
  }
}
