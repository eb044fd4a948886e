import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Money } from '@app/common/domain/money';
import { ConcertRepository } from '@app/catalog/application/port/out/concert.repository';
import { PerformanceRepository } from '@app/catalog/application/port/out/performance.repository';
import { FakeTransactionRunner } from '../support/fakes/fake-transaction-runner';
import {
  FakeConcertRepository,
  FakePerformanceRepository,
} from '../support/fakes/in-memory-catalog';
import { insertUser, newTokenValue, setBookInfo, setSeatOwner } from '../support/fixtures';
import { TestApp } from '../support/test-app';
import { describeContract, emptySaleTables } from './describe-contract';

/**
 * The catalog's out-ports: the in-memory fakes and the TypeORM adapters (with booking's seat
 * inventory behind them) answer the same cases the same way.
 */
interface CatalogWorld {
  concerts: ConcertRepository;
  performances: PerformanceRepository;
  tx<T>(work: () => Promise<T>): Promise<T>;
  /** A live or lapsed hold on the seat until `expiresAt` (written by booking). */
  hold(seatId: number, expiresAt: Date): Promise<void>;
  /** The seat sold (written by booking for payment). */
  sell(seatId: number, at: Date): Promise<void>;
}

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const DAY = 86_400;

function inMemoryWorld(): CatalogWorld {
  const concerts = new FakeConcertRepository([]);
  const performances = new FakePerformanceRepository(concerts);
  const transactions = new FakeTransactionRunner();
  const seat = (id: number) => {
    const found = performances.seats.find((s) => s.id === id);
    if (!found) throw new Error(`no seat ${id}`);
    return found;
  };
  return {
    concerts,
    performances,
    tx: (work) => transactions.run(work),
    async hold(seatId, expiresAt) {
      Object.assign(seat(seatId), { holdToken: newTokenValue(), holdExpiresAt: expiresAt });
    },
    async sell(seatId, soldAt) {
      Object.assign(seat(seatId), {
        booked: true,
        holdToken: newTokenValue(),
        holdExpiresAt: soldAt,
        bookSuccessAt: soldAt,
      });
    },
  };
}

function sqlWorld(t: TestApp): CatalogWorld {
  const runner = t.app.get(TransactionRunner);
  return {
    concerts: t.app.get(ConcertRepository),
    performances: t.app.get(PerformanceRepository),
    tx: (work) => runner.run(work),
    async hold(seatId, expiresAt) {
      const userId = await insertUser(t.db);
      const token = newTokenValue();
      await setBookInfo(t.db, seatId, { token, userId, bookAttemptAt: at(-60), expiresAt });
    },
    async sell(seatId, soldAt) {
      const userId = await insertUser(t.db);
      const token = newTokenValue();
      await setBookInfo(t.db, seatId, {
        token,
        userId,
        bookAttemptAt: at(-60),
        expiresAt: soldAt,
        bookSuccessAt: soldAt,
      });
      await setSeatOwner(t.db, seatId, userId);
    },
  };
}

describeContract(
  'catalog ports',
  { inMemory: inMemoryWorld, typeorm: sqlWorld, resetDatabase: emptySaleTables },
  (w) => {
    const newPerformance = (inSeconds: number, maxSeats = 3, price = '9.99') => ({
      performanceDatetime: at(inSeconds),
      maxSeats,
      price: Money.parse(price),
    });

    it('concerts: created with the next id, listed by id, known by exists', async () => {
      const first = await w.tx(() => w.concerts.create('Winter Symphony'));
      const second = await w.tx(() => w.concerts.create("Robert '); DROP TABLE concerts; --"));
      expect(first.name).toBe('Winter Symphony');
      expect(second.id).toBeGreaterThan(first.id);
      expect(await w.concerts.list()).toEqual([first, second]);
      expect(await w.concerts.exists(first.id)).toBe(true);
      expect(await w.concerts.exists(second.id + 1)).toBe(false);
    });

    it('createWithSeats: the performance with seats 1..max at its price, all available', async () => {
      const concert = await w.concerts.create('Seoul Jazz Night');
      const input = newPerformance(DAY, 3, '12.50');
      const created = await w.tx(() => w.performances.createWithSeats(concert.id, input));
      expect(created).toEqual({
        id: expect.any(Number),
        concertId: concert.id,
        availableSeats: 3,
        ...input,
      });
      expect(await w.performances.exists(created!.id)).toBe(true);
      const seats = await w.performances.listSeats(created!.id);
      expect(seats.map((s) => [s.seatNumber, s.price.toString(), s.booked])).toEqual([
        [1, '12.50', false],
        [2, '12.50', false],
        [3, '12.50', false],
      ]);
      expect(seats.every((s) => s.performanceId === created!.id)).toBe(true);
      expect(seats.every((s) => s.holdToken === null && s.bookSuccessAt === null)).toBe(true);
      expect(new Set(seats.map((s) => s.id)).size).toBe(3);
    });

    it('createWithSeats: null for an unknown concert, and nothing written', async () => {
      const concert = await w.concerts.create('Seoul Jazz Night');
      expect(
        await w.tx(() => w.performances.createWithSeats(concert.id + 1, newPerformance(DAY))),
      ).toBeNull();
      expect(await w.performances.listBookable(concert.id + 1, NOW)).toEqual([]);
      expect(await w.performances.exists(1)).toBe(false);
    });

    it('listSeats: by seat number, with the facts of holds and sales; [] for an unknown date', async () => {
      const concert = await w.concerts.create('Seoul Jazz Night');
      const created = await w.performances.createWithSeats(concert.id, newPerformance(DAY));
      const [one, two] = await w.performances.listSeats(created!.id);
      await w.hold(one.id, at(60));
      await w.sell(two.id, at(-10));
      const seats = await w.performances.listSeats(created!.id);
      expect(seats.map((s) => s.seatNumber)).toEqual([1, 2, 3]);
      expect(seats[0]).toMatchObject({ booked: false, holdExpiresAt: at(60), bookSuccessAt: null });
      expect(seats[0].holdToken).toMatch(/^[0-9a-f]{32}$/);
      expect(seats[1]).toMatchObject({ booked: true, bookSuccessAt: at(-10) });
      expect(await w.performances.listSeats(created!.id + 1)).toEqual([]);
    });

    it('listBookable: later dates with an available seat, by date, counting neither sold nor live-held seats', async () => {
      const concert = await w.concerts.create('Seoul Jazz Night');
      const other = await w.concerts.create('Winter Symphony');
      const create = (inSeconds: number, maxSeats: number, concertId = concert.id) =>
        w.performances.createWithSeats(concertId, newPerformance(inSeconds, maxSeats));
      const later = await create(2 * DAY, 3);
      const sooner = await create(DAY, 2);
      const past = await create(-DAY, 2);
      const soldOut = await create(3 * DAY, 1);
      await create(DAY, 2, other.id);
      const [held, lapsed, sold] = await w.performances.listSeats(later!.id);
      await w.hold(held.id, at(1));
      await w.hold(lapsed.id, NOW);
      await w.sell(sold.id, at(-5));
      await w.hold((await w.performances.listSeats(soldOut!.id))[0].id, at(300));

      const bookable = await w.performances.listBookable(concert.id, NOW);
      expect(bookable.map((p) => [p.id, p.availableSeats])).toEqual([
        [sooner!.id, 2],
        [later!.id, 1],
      ]);
      expect(bookable[0]).toEqual(sooner);
      expect(bookable.some((p) => p.id === past!.id)).toBe(false);
      // A second later the hold on `held` has lapsed too: it counts as available again.
      expect(
        (await w.performances.listBookable(concert.id, at(1))).map((p) => p.availableSeats),
      ).toEqual([2, 2]);
    });

    it('listBookable: two dates at the same instant come by id', async () => {
      const concert = await w.concerts.create('Seoul Jazz Night');
      const a = await w.performances.createWithSeats(concert.id, newPerformance(DAY, 1));
      const b = await w.performances.createWithSeats(concert.id, newPerformance(DAY, 1));
      expect((await w.performances.listBookable(concert.id, NOW)).map((p) => p.id)).toEqual([
        a!.id,
        b!.id,
      ]);
    });
  },
);
