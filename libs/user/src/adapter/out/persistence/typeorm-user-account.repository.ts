import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueryFailedError } from 'typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import { UserAccountRepository } from '../../../application/port/out/user-account.repository';
import { BalanceLimitExceededError, BookedSeat, UserAccount } from '../../../domain/user-account';
import { UserEntity } from './user.entity';

interface BookedSeatRow {
  id: string;
  seat_number: number;
  book_success_at: Date;
  performance_id: string;
  performance_datetime: Date;
  concert_id: string;
  concert_name: string;
}

@Injectable()
export class TypeOrmUserAccountRepository extends UserAccountRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
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

  async findPaidSeats(userId: string): Promise<BookedSeat[]> {
    const rows = await queryRows<BookedSeatRow>(
      this.txHost.tx,
      `SELECT s.id, s.seat_number, i.book_success_at,
              p.id AS performance_id, p.performance_datetime,
              c.id AS concert_id, c.name AS concert_name
         FROM performance_seats s
         JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
         JOIN concert_performances p ON p.id = s.concert_performance_id
         JOIN concerts c ON c.id = p.concert_id
        WHERE s.user_id = $1 AND s.booked
        ORDER BY i.book_success_at, s.id`,
      [userId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      seatNumber: row.seat_number,
      bookSuccessAt: row.book_success_at,
      performance: {
        id: Number(row.performance_id),
        performanceDatetime: row.performance_datetime,
        concert: { id: Number(row.concert_id), name: row.concert_name },
      },
    }));
  }
}
