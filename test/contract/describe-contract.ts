import { createTestApp, TestApp } from '../support/test-app';

/** How a contract's cases reach the two implementations of its ports. */
export interface ContractWorlds<W extends object> {
  /** The in-memory fakes the unit tests use, fresh for each case. */
  inMemory(): W;
  /** The TypeORM adapters of a real app on its own PostgreSQL database. */
  typeorm(t: TestApp): W;
  /** Run before each case on the database (e.g. to empty the tables a case counts). */
  resetDatabase?(t: TestApp): Promise<void>;
}

/**
 * One case list, run twice: against the in-memory fakes and against the TypeORM adapters on
 * PostgreSQL. `cases` gets the world of the case under way (a stand-in that forwards to it).
 */
export function describeContract<W extends object>(
  title: string,
  worlds: ContractWorlds<W>,
  cases: (world: W) => void,
): void {
  describe.each(['in-memory', 'typeorm'] as const)(`${title}: %s`, (kind) => {
    let app: TestApp | undefined;
    let current: W | undefined;

    beforeAll(async () => {
      if (kind === 'typeorm') app = await createTestApp();
    });
    afterAll(async () => {
      await app?.close();
    });
    beforeEach(async () => {
      if (app) await worlds.resetDatabase?.(app);
      current = app ? worlds.typeorm(app) : worlds.inMemory();
    });

    const world = new Proxy({} as W, {
      get(_target, key) {
        if (!current) throw new Error('the world is only there inside a case');
        return (current as Record<string | symbol, unknown>)[key];
      },
    });
    cases(world);
  });
}

/**
 * Empties every table the sale's ports write (users to payments), ids restarted: for the
 * contracts whose cases count or list what they wrote.
 */
export async function emptySaleTables(t: TestApp): Promise<void> {
  await t.db.query(
    `TRUNCATE payments, balance_ledger, performance_seat_book_logs, performance_seat_book_info,
              performance_seats, concert_performances, concerts, user_queue_tokens, users
              RESTART IDENTITY CASCADE`,
  );
}
