import { FakeClock } from '@test/support/fake-clock';
import { FakeTransactionRunner } from '@test/support/fakes/fake-transaction-runner';
import {
  FakeConcertRepository,
  FakePerformanceRepository,
} from '@test/support/fakes/in-memory-catalog';
import { InvalidRequestError } from '@app/common/domain/domain-error';
import { Money } from '@app/common/domain/money';
import { ConcertNotFoundError, PerformanceNotFoundError } from '../domain/catalog-errors';
import { NewPerformance } from '../domain/new-performance';
import { CreateConcertUseCase } from './create-concert.use-case';
import { CreatePerformanceUseCase } from './create-performance.use-case';
import { ListBookablePerformancesUseCase } from './list-bookable-performances.use-case';
import { ListSeatsUseCase } from './list-seats.use-case';
import { SeatRecord } from './port/out/performance.repository';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('catalog use cases', () => {
  let concerts: FakeConcertRepository;
  let performances: FakePerformanceRepository;
  const clock = new FakeClock(NOW);

  beforeEach(() => {
    concerts = new FakeConcertRepository();
    performances = new FakePerformanceRepository(concerts);
  });

  describe('ListBookablePerformancesUseCase', () => {
    it("asks for the concert's dates as of the clock's now", async () => {
      const useCase = new ListBookablePerformancesUseCase(concerts, performances, clock);
      await expect(useCase.execute(1)).resolves.toEqual([]);
      expect(performances.listedAt).toEqual([NOW]);
    });

    it('answers ConcertNotFoundError for an unknown concert', async () => {
      const useCase = new ListBookablePerformancesUseCase(concerts, performances, clock);
      await expect(useCase.execute(2)).rejects.toBeInstanceOf(ConcertNotFoundError);
      expect(performances.listedAt).toEqual([]);
    });
  });

  describe('ListSeatsUseCase', () => {
    const seat = (seatNumber: number, facts: Partial<SeatRecord>): SeatRecord => ({
      id: 100 + seatNumber,
      performanceId: 10,
      seatNumber,
      price: Money.parse('50'),
      booked: false,
      holdToken: null,
      holdExpiresAt: null,
      bookSuccessAt: null,
      ...facts,
    });

    beforeEach(() => {
      performances.addPerformance({
        id: 10,
        concertId: 1,
        maxSeats: 4,
        price: Money.parse('50'),
        performanceDatetime: at(86_400),
      });
    });

    it("derives each seat's status at the clock's now", async () => {
      performances.seats = [
        seat(1, {}),
        seat(2, { holdToken: 'a'.repeat(32), holdExpiresAt: at(10) }),
        seat(3, { holdToken: 'b'.repeat(32), holdExpiresAt: NOW }),
        seat(4, {
          booked: true,
          holdToken: 'c'.repeat(32),
          holdExpiresAt: at(-9),
          bookSuccessAt: at(-99),
        }),
      ];
      const seats = await new ListSeatsUseCase(performances, clock).execute(10);
      expect(seats.map((s) => [s.seatNumber, s.booked, s.status])).toEqual([
        [1, false, 'AVAILABLE'],
        [2, false, 'HELD'],
        [3, false, 'AVAILABLE'],
        [4, true, 'BOOKED'],
      ]);
      expect(seats[0]).toEqual({
        id: 101,
        performanceId: 10,
        seatNumber: 1,
        price: Money.parse('50'),
        booked: false,
        status: 'AVAILABLE',
      });
    });

    it('answers PerformanceNotFoundError (Concert date not found) for an unknown date', async () => {
      const attempt = new ListSeatsUseCase(performances, clock).execute(11);
      await expect(attempt).rejects.toBeInstanceOf(PerformanceNotFoundError);
      await expect(attempt).rejects.toThrow('Concert date not found');
    });
  });

  describe('CreatePerformanceUseCase', () => {
    const input: NewPerformance = {
      performanceDatetime: at(86_400),
      maxSeats: 3,
      price: Money.parse('9.99'),
    };

    it('creates the performance and its seats inside one transaction', async () => {
      const transactions = new FakeTransactionRunner();
      const created = await new CreatePerformanceUseCase(transactions, performances).execute(
        1,
        input,
      );
      expect(created).toEqual({ id: 10, concertId: 1, availableSeats: 3, ...input });
      expect(transactions.runs).toBe(1);
      expect(performances.created).toEqual([{ concertId: 1, input }]);
    });

    it('answers ConcertNotFoundError when the concert does not exist', async () => {
      const useCase = new CreatePerformanceUseCase(new FakeTransactionRunner(), performances);
      await expect(useCase.execute(2, input)).rejects.toBeInstanceOf(ConcertNotFoundError);
      expect(performances.created).toEqual([]);
    });

    it('refuses invalid input before touching the database', async () => {
      const transactions = new FakeTransactionRunner();
      const useCase = new CreatePerformanceUseCase(transactions, performances);
      await expect(useCase.execute(1, { ...input, maxSeats: 0 })).rejects.toBeInstanceOf(
        InvalidRequestError,
      );
      expect(transactions.runs).toBe(0);
    });
  });

  describe('CreateConcertUseCase', () => {
    it('creates a concert', async () => {
      await expect(new CreateConcertUseCase(concerts).execute('Winter Symphony')).resolves.toEqual({
        id: 2,
        name: 'Winter Symphony',
      });
    });

    it('refuses a blank name and creates nothing', async () => {
      await expect(new CreateConcertUseCase(concerts).execute('  ')).rejects.toThrow(
        'name must not be blank',
      );
      expect(concerts.concerts).toHaveLength(1);
    });
  });
});
