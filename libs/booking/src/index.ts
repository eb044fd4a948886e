export * from './booking.module';
export * from './domain/seat-hold';
export * from './domain/book-attempt-result';
export * from './domain/booking-errors';
export * from './application/book-seat.use-case';
export * from './application/release-lapsed-holds.use-case';
export * from './adapter/out/persistence/hold-gauges.sql';
export * from './application/seat-sales.service';
