import { DataSource } from 'typeorm';
import { CREATE_SEATS_SQL } from '@app/booking';
import { ADVISORY_LOCKS } from '../advisory-locks';
import { dataSourceOptions } from '../data-source-options';

/** Fixed ids, so that the README can name them. */
export const DEMO_USER_IDS = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
] as const;

const DEMO_BALANCE = '500.00';
const SEATS_PER_PERFORMANCE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

const CONCERTS: { name: string; price: string; dayOffsets: number[] }[] = [
  { name: 'Seoul Jazz Night', price: '120.00', dayOffsets: [-7, 14, 30] },
  { name: 'Busan Rock Festival', price: '90.00', dayOffsets: [-30, 21, 45] },
  { name: 'Winter Symphony', price: '150.00', dayOffsets: [-1, 60] },
];

/**
 * Fills an empty database with demo concerts (past and future performances, 50 priced seats
 * each) and demo users with a charged balance. Does nothing when any concert exists.
 * Returns the demo user ids when it seeded, or an empty list.
 */
export async function seedDemoData(dataSource: DataSource, now = new Date()): Promise<string[]> {
  return dataSource.transaction(async (manager) => {
    // Two instances starting together must not both seed.
    await manager.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.demoSeed]);
    const [{ count }] = await manager.query('SELECT count(*)::int AS count FROM concerts');
    if (count > 0) return [];

    for (const id of DEMO_USER_IDS) {
      await manager.query(
        'INSERT INTO users (id, balance) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [id, DEMO_BALANCE],
      );
      await manager.query(
        `INSERT INTO balance_ledger (user_id, kind, amount)
         SELECT $1, 'CHARGE', $2 WHERE NOT EXISTS (SELECT 1 FROM balance_ledger WHERE user_id = $1)`,
        [id, DEMO_BALANCE],
      );
    }
    for (const concert of CONCERTS) {
      const [{ id: concertId }] = await manager.query(
        'INSERT INTO concerts (name) VALUES ($1) RETURNING id',
        [concert.name],
      );
      for (const offset of concert.dayOffsets) {
        const at = new Date(now.getTime() + offset * DAY_MS);
        at.setUTCHours(19, 0, 0, 0);
        const [{ id: performanceId }] = await manager.query(
          `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
           VALUES ($1, $2, $3, $4) RETURNING id`,
          [concertId, at, SEATS_PER_PERFORMANCE, concert.price],
        );
        await manager.query(CREATE_SEATS_SQL, [
          performanceId,
          concert.price,
          SEATS_PER_PERFORMANCE,
        ]);
      }
    }
    return [...DEMO_USER_IDS];
  });
}

/** seedDemoData on its own short-lived connection to `databaseUrl`; true when it seeded. */
export async function seedDemoDatabase(databaseUrl: string): Promise<boolean> {
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl, 1), logging: false });
  await dataSource.initialize();
  try {
    return (await seedDemoData(dataSource)).length > 0;
  } finally {
    await dataSource.destroy();
  }
}
