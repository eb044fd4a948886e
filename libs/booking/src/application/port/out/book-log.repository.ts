import { BookAttemptResult } from '../../../domain/book-attempt-result';

export interface BookAttempt {
  performanceSeatId: number;
  token: string;
  userId: string;
  result: BookAttemptResult;
  at: Date;
}

/** The append-only record of booking attempts (performance_seat_book_logs). */
export abstract class BookLogRepository {
  abstract append(attempt: BookAttempt): Promise<void>;
}
