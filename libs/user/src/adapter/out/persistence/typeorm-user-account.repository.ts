import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueryFailedError } from 'typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import {
  PerformanceFacts,
  PerformanceLookup,
} from '../../../application/port/out/performance-lookup';
import { SoldSeatLookup } from '../../../application/port/out/sold-seat-lookup';
import { UserAccountRepository } from '../../../application/port/out/user-account.repository';
import { BalanceLimitExceededError, BookedSeat, UserAccount } from '../../../domain/user-account';
import { UserEntity } from './user.entity';

@Injectable()
export class TypeOrmUserAccountRepository extends UserAccountRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly soldSeats: SoldSeatLookup,
    private readonly performances: PerformanceLookup,
  ) {
    super();
  }

  async create(balance: Money): Promise<UserAccount> {
    const entity = this.txHost.tx.create(UserEntity, { balance });
    const saved = await this.txHost.tx.save(entity);
    return { id: saved.id, balance: saved.balance };
  }

  async findById(id: string): Promise<UserAccount | null> {
    const entity = await this.txHost.tx.findOneBy(UserEntity, { id });
    return entity ? { id: entity.id, balance: entity.balance } : null;
  }

  async credit(id: string, amount: Money): Promise<Money | null> {
    try {
      // One statement: concurrent charges queue on the row lock, none is lost.
      const rows = await queryRows<{ balance: string }>(
        this.txHost.tx,
        'UPDATE users SET balance = balance + $2 WHERE id = $1 RETURNING balance',
        [id, amount.toString()],
      );
      return rows.length === 0 ? null : Money.parse(rows[0].balance);
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === '22003'
      ) {
        throw new BalanceLimitExceededError();
      }
      throw error;
    }
  }

  /** The seats from booking, their performances from the catalog: the tables' owners. */
  async findPaidSeats(userId: string): Promise<BookedSeat[]> {
    const seats = await this.soldSeats.soldTo(userId);
    if (seats.length === 0) return [];
    const ids = [...new Set(seats.map((seat) => seat.performanceId))];
    const performances = new Map(
      (await this.performances.describe(ids)).map((performance) => [performance.id, performance]),
    );
    return seats.map((seat) => ({
      id: seat.id,
      seatNumber: seat.seatNumber,
      bookSuccessAt: seat.bookSuccessAt,
      performance: performances.get(seat.performanceId) as PerformanceFacts,
    }));
  }
}
