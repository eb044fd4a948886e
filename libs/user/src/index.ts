export * from './user.module';
export * from './application/balance-payments.service';
export * from './application/user-directory.service';
