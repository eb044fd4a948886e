export * from './user.module';
export * from './adapter/out/persistence/balance-payment.sql';
export * from './application/user-directory.service';
export * from './application/port/out/sold-seat-lookup';
export * from './application/port/out/performance-lookup';
