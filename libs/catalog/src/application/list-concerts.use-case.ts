import { Injectable } from '@nestjs/common';
import { Concert } from '../domain/catalog';
import { ConcertRepository } from './port/out/concert.repository';

@Injectable()
export class ListConcertsUseCase {
  constructor(private readonly concerts: ConcertRepository) {}

  execute(): Promise<Concert[]> {
    return this.concerts.list();
  }
}
