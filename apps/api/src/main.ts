import 'reflect-metadata';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { validateEnvironment } from '@app/common/config/environment';
import { runMigrations } from '@app/database/migrate';
import { DEMO_USER_IDS, seedDemoDatabase } from '@app/database/seed/demo-seed';
import { RunningPostgres, startEmbeddedPostgres } from '@app/database/embedded/embedded-postgres';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter } from './configure-app';

const say = (line: string) => process.stdout.write(`${line}\n`);

const SHUTDOWN_TIMEOUT_MS = 15_000;

async function bootstrap(): Promise<void> {
  const env = validateEnvironment(process.env);

  let embedded: RunningPostgres | undefined;
  if (!env.DATABASE_URL) {
    const dataDir = env.EMBEDDED_POSTGRES_DIR ?? '.data/postgres';
    say(`No DATABASE_URL: starting the embedded PostgreSQL in ${dataDir}`);
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: env.EMBEDDED_POSTGRES_PORT,
      database: 'concert_ticketing',
      log: (line) => {
        if (line.startsWith('the postgres user cannot reach')) say(line);
      },
    });
    if (embedded.dataDir !== path.resolve(dataDir)) {
      say(`The embedded PostgreSQL's data lives in ${embedded.dataDir}`);
    }
    process.env.DATABASE_URL = embedded.url;
  }
  const databaseUrl = process.env.DATABASE_URL as string;

  const applied = await runMigrations(databaseUrl);
  if (applied.length > 0) say(`Applied migrations: ${applied.join(', ')}`);
  if (env.SEED_DEMO_DATA ?? embedded !== undefined) await seed(databaseUrl);

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    createFastifyAdapter({ trustProxy: env.TRUST_PROXY }),
    { bufferLogs: true },
  );
  await configureApp(app);
  await app.listen(env.PORT, '0.0.0.0');
  say(`Listening on http://localhost:${env.PORT}  (Swagger UI: /docs, OpenAPI: /docs-json)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: draining requests, stopping the job, closing the database`);
    // A request or a job that never ends must not keep the process from stopping.
    setTimeout(() => {
      process.stderr.write(`Shutdown took over ${SHUTDOWN_TIMEOUT_MS} ms: exiting anyway\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    let code = 0;
    try {
      // Stops the jobs, stops accepting, lets requests in flight finish, closes the pool.
      await app.close();
    } catch (error) {
      process.stderr.write(`Closing the app failed: ${String(error)}\n`);
      code = 1;
    }
    try {
      await embedded?.stop();
    } catch (error) {
      process.stderr.write(`Stopping the embedded PostgreSQL failed: ${String(error)}\n`);
      code = 1;
    }
    say('Stopped.');
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function seed(databaseUrl: string): Promise<void> {
  if (await seedDemoDatabase(databaseUrl)) say('Seeded demo concerts, performances and seats.');
  say(`Demo users (balance 500.00 when seeded): ${DEMO_USER_IDS.join(', ')}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
