export * from './user.module';
