export * from './catalog.module';
export * from './domain/catalog';
export * from './domain/catalog-errors';
