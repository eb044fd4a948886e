export * from './user.module';
export * from './application/balance-payments.service';
