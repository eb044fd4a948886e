import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  PerformanceFactsRepository,
  PerformanceWithConcert,
} from '../../../application/port/out/performance-facts.repository';

@Injectable()
export class TypeOrmPerformanceFactsRepository extends PerformanceFactsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async describe(ids: number[]): Promise<PerformanceWithConcert[]> {
    const rows = await queryRows<{
      id: string;
      performance_datetime: Date;
      concert_id: string;
      concert_name: string;
    }>(
      this.txHost.tx,
      `SELECT p.id, p.performance_datetime, c.id AS concert_id, c.name AS concert_name
         FROM concert_performances p
         JOIN concerts c ON c.id = p.concert_id
        WHERE p.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      performanceDatetime: row.performance_datetime,
      concert: { id: Number(row.concert_id), name: row.concert_name },
    }));
  }
}
