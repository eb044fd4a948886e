import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The ownership table of the README (Design, "Who owns which table"). */
const OWNER: Record<string, string> = {
  users: 'user',
  balance_ledger: 'user',
  user_queue_tokens: 'queue',
  queue_settings: 'queue',
  queue_zone_marks: 'queue',
  concerts: 'catalog',
  concert_performances: 'catalog',
  performance_seats: 'booking',
  performance_seat_book_info: 'booking',
  performance_seat_book_logs: 'booking',
  payments: 'payment',
};

/**
 * The README's written-down exceptions: a context's SQL that names another context's table
 * (each a read joined into a statement of the reader's own, on a hot path), and the demo seed.
 */
const EXCEPTIONS = [
  'libs/booking/src/adapter/out/persistence/typeorm-seat-hold.repository.ts → concert_performances',
  'libs/booking/src/adapter/out/persistence/seat-sale.sql.ts → concert_performances',
  'libs/queue/src/adapter/out/persistence/typeorm-queue-token.repository.ts → users',
  'libs/database/src/seed/demo-seed.ts → balance_ledger',
  'libs/database/src/seed/demo-seed.ts → concert_performances',
  'libs/database/src/seed/demo-seed.ts → concerts',
  'libs/database/src/seed/demo-seed.ts → users',
];

const TABLE_IN_SQL = new RegExp(
  `\\b(?:FROM|JOIN|INTO|UPDATE)\\s+(${Object.keys(OWNER)
    .sort((a, b) => b.length - a.length)
    .join('|')})\\b`,
  'g',
);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative] : [];
  });
}

const files = [...sourceFiles('libs'), ...sourceFiles('apps')];

describe('table ownership', () => {
  it("names another context's table in SQL only where the README says so", () => {
    const found = new Set<string>();
    for (const file of files) {
      const context = /^libs\/([^/]+)\//.exec(file)?.[1] ?? 'apps';
      for (const [, table] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(TABLE_IN_SQL)) {
        if (OWNER[table] !== context) found.add(`${file} → ${table}`);
      }
    }
    expect([...found].sort()).toEqual([...EXCEPTIONS].sort());
  });

  it('runs every adapter statement through queryRows, never tx.query directly', () => {
    const direct = files.filter(
      (file) =>
        file.includes('/adapter/') &&
        /\.tx\.query\(/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(direct).toEqual([]);
  });
});
