import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module';
import { buildOpenApiDocument, createFastifyAdapter } from '../configure-app';
import { serializeOpenApiDocument } from './serialize-openapi';

/**
 * `npm run openapi`: writes openapi.json at the repository root (or the path given), the
 * document /docs-json serves. Preview mode builds the module graph without instantiating a
 * provider, so no database is needed.
 */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    writeFileSync(target, serializeOpenApiDocument(buildOpenApiDocument(app)));
  } finally {
    await app.close();
  }
  process.stdout.write(`Wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
