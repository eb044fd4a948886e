import { Concert, Performance } from '@app/catalog/domain/catalog';
import { NewPerformance } from '@app/catalog/domain/new-performance';
import { ConcertRepository } from '@app/catalog/application/port/out/concert.repository';
import {
  PerformanceRepository,
  SeatRecord,
} from '@app/catalog/application/port/out/performance.repository';

/**
 * The catalog's out-ports for the use cases' unit tests: concerts in an array; one known
 * performance (id 10) whose seats the test sets and whose creations are recorded.
 */
export class FakeConcertRepository extends ConcertRepository {
  concerts: Concert[] = [{ id: 1, name: 'Seoul Jazz Night' }];
  async list() {
    return this.concerts;
  }
  async exists(id: number) {
    return this.concerts.some((concert) => concert.id === id);
  }
  async create(name: string) {
    const concert = { id: this.concerts.length + 1, name };
    this.concerts.push(concert);
    return concert;
  }
}

export class FakePerformanceRepository extends PerformanceRepository {
  listedAt: Date[] = [];
  created: { concertId: number; input: NewPerformance }[] = [];
  seats: SeatRecord[] = [];
  constructor(private readonly concerts: FakeConcertRepository) {
    super();
  }
  async listBookable(concertId: number, now: Date): Promise<Performance[]> {
    this.listedAt.push(now);
    return [];
  }
  async exists(id: number) {
    return id === 10;
  }
  async listSeats() {
    return this.seats;
  }
  async createWithSeats(concertId: number, input: NewPerformance) {
    if (!(await this.concerts.exists(concertId))) return null;
    this.created.push({ concertId, input });
    return { id: 10, concertId, availableSeats: input.maxSeats, ...input };
  }
}
