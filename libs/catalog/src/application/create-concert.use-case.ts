import { Injectable } from '@nestjs/common';
import { Concert } from '../domain/catalog';
import { assertValidConcertName } from '../domain/concert-name';
import { ConcertRepository } from './port/out/concert.repository';

/** Admin: a new concert, with no dates yet. */
@Injectable()
export class CreateConcertUseCase {
  constructor(private readonly concerts: ConcertRepository) {}

  async execute(name: string): Promise<Concert> {
    assertValidConcertName(name);
    return this.concerts.create(name);
  }
}
