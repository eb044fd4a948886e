export * from './user.module';
export * from './application/balance-payments.service';
export * from './application/user-directory.service';
export * from './application/port/out/sold-seat-lookup';
export * from './application/port/out/performance-lookup';
