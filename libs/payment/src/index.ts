export * from './payment.module';
export * from './domain/seat-payment';
export * from './domain/payment-errors';
export * from './application/pay-for-seat.use-case';
export * from './adapter/out/persistence/payment-gauges.sql';
