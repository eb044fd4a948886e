import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp, createFastifyAdapter } from '../../apps/api/src/configure-app';
import { FakeClock } from './fake-clock';
import { createTestDatabase, dropTestDatabase } from './test-database';

export const ADMIN_KEY = 'test-admin-key';

export interface TestApp {
  app: NestFastifyApplication;
  /** A direct connection to the same database, to check outcomes in the tables. */
  db: DataSource;
  clock: FakeClock;
  config: AppConfig;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Share a database created by another TestApp (a second instance); default: a new one. */
  databaseUrl?: string;
  env?: Record<string, string>;
  clock?: FakeClock;
  /** Adjusts the module before it is compiled, e.g. to override a provider. */
  configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * The real application (every module, the real PostgreSQL, the real HTTP stack through
 * Fastify's inject) with a fake clock and the scheduler off: tests run the job by hand.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = options.databaseUrl === undefined;
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = AppConfig.fromRaw({
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: ADMIN_KEY,
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '20',
    // Many requests from one address at once: the rate limit has its own tests.
    RATE_LIMIT_PER_SECOND: '0',
    ...options.env,
  });
  const clock = options.clock ?? new FakeClock();
  const builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock);
  const moduleRef = await (options.configure?.(builder) ?? builder).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter({ trustProxy: config.trustProxy }),
    { logger: false },
  );
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = app.get(DataSource);

  return {
    app,
    db,
    clock,
    config,
    databaseUrl,
    async close() {
      await app.close();
      if (ownsDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}

/** Another instance of the app on `first`'s database (and, unless told, on its clock). */
export function createOtherInstance(
  first: TestApp,
  options: Omit<TestAppOptions, 'databaseUrl'> = {},
): Promise<TestApp> {
  return createTestApp({ clock: first.clock, ...options, databaseUrl: first.databaseUrl });
}

/** Two instances of the app on one database and one clock, as behind a load balancer. */
export async function createTwoInstances(): Promise<{ first: TestApp; second: TestApp }> {
  const first = await createTestApp();
  return { first, second: await createOtherInstance(first) };
}
