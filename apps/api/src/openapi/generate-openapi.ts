import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
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
    return serializeOpenApiDocument(buildOpenApiDocument(app));
  } finally {
    await app.close();
  }
}
