import { seatStatus } from '@app/booking/domain';
import { Concert, Performance } from '@app/catalog/domain/catalog';
import { NewPerformance } from '@app/catalog/domain/new-performance';
import { ConcertRepository } from '@app/catalog/application/port/out/concert.repository';
import {
  PerformanceRepository,
  SeatRecord,
} from '@app/catalog/application/port/out/performance.repository';

/**
 * The catalog's concerts port in memory: concerts in an array, ids counted up. Starts with
 * the given concerts (by default one, id 1), as the use cases' unit tests expect.
 */
export class FakeConcertRepository extends ConcertRepository {
  concerts: Concert[];
  constructor(concerts: Concert[] = [{ id: 1, name: 'Seoul Jazz Night' }]) {
    super();
    this.concerts = [...concerts];
  }
  async list() {
    return [...this.concerts].sort((a, b) => a.id - b.id);
  }
  async exists(id: number) {
    return this.concerts.some((concert) => concert.id === id);
  }
  async create(name: string) {
    const concert = { id: Math.max(0, ...this.concerts.map((c) => c.id)) + 1, name };
    this.concerts.push(concert);
    return concert;
  }
}

type StoredPerformance = Omit<Performance, 'availableSeats'>;

/**
 * The catalog's performances port in memory, with the seats booking keeps for it: a seat's
 * status comes from booking's rules (seatStatus), as the SQL adapter's count does. Records
 * the `now` of every listing and every creation, for the use cases' unit tests.
 */
export class FakePerformanceRepository extends PerformanceRepository {
  listedAt: Date[] = [];
  created: { concertId: number; input: NewPerformance }[] = [];
  performances: StoredPerformance[] = [];
  seats: SeatRecord[] = [];
  private nextPerformanceId = 10;
  private nextSeatId = 100;

  constructor(private readonly concerts: FakeConcertRepository) {
    super();
  }

  /** A performance as if created earlier (no seats: add them to `seats`). */
  addPerformance(performance: StoredPerformance): void {
    this.performances.push(performance);
    this.nextPerformanceId = Math.max(this.nextPerformanceId, performance.id + 1);
  }

  async listBookable(concertId: number, now: Date): Promise<Performance[]> {
    this.listedAt.push(now);
    return this.performances
      .filter((p) => p.concertId === concertId && p.performanceDatetime.getTime() > now.getTime())
      .sort(
        (a, b) => a.performanceDatetime.getTime() - b.performanceDatetime.getTime() || a.id - b.id,
      )
      .map((p) => ({
        ...p,
        availableSeats: this.seats.filter(
          (seat) => seat.performanceId === p.id && seatStatus(seat, now) === 'AVAILABLE',
        ).length,
      }))
      .filter((p) => p.availableSeats > 0);
  }

  async exists(id: number) {
    return this.performances.some((p) => p.id === id);
  }

  async listSeats(performanceId: number) {
    return this.seats
      .filter((seat) => seat.performanceId === performanceId)
      .sort((a, b) => a.seatNumber - b.seatNumber);
  }

  async createWithSeats(concertId: number, input: NewPerformance) {
    if (!(await this.concerts.exists(concertId))) return null;
    this.created.push({ concertId, input });
    const performance = { id: this.nextPerformanceId++, concertId, ...input };
    this.performances.push(performance);
    for (let seatNumber = 1; seatNumber <= input.maxSeats; seatNumber++) {
      this.seats.push({
        id: this.nextSeatId++,
        performanceId: performance.id,
        seatNumber,
        price: input.price,
        booked: false,
        holdToken: null,
        holdExpiresAt: null,
        bookSuccessAt: null,
      });
    }
    return { ...performance, availableSeats: input.maxSeats };
  }
}
