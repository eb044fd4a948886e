import { Concert } from '../../../domain/catalog';

export abstract class ConcertRepository {
  /** Every concert, by id. */
  abstract list(): Promise<Concert[]>;
  abstract exists(id: number): Promise<boolean>;
  abstract create(name: string): Promise<Concert>;
}
