import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { ConcertRepository } from '../../../application/port/out/concert.repository';
import { Concert } from '../../../domain/catalog';

@Injectable()
export class TypeOrmConcertRepository extends ConcertRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async list(): Promise<Concert[]> {
    const rows = await queryRows<{ id: string; name: string }>(
      this.txHost.tx,
      'SELECT id, name FROM concerts ORDER BY id',
    );
    return rows.map((row) => ({ id: Number(row.id), name: row.name }));
  }

  async exists(id: number): Promise<boolean> {
    const rows = await queryRows(this.txHost.tx, 'SELECT 1 FROM concerts WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async create(name: string): Promise<Concert> {
    const [row] = await queryRows<{ id: string; name: string }>(
      this.txHost.tx,
      'INSERT INTO concerts (name) VALUES ($1) RETURNING id, name',
      [name],
    );
    return { id: Number(row.id), name: row.name };
  }
}
