import { DataSource } from 'typeorm';
import { dataSourceOptions } from './libs/database/src/data-source-options';

/**
 * The data source of the TypeORM CLI (`npm run migration:run`, `typeorm migration:generate`).
 * The app itself applies migrations at start. Needs DATABASE_URL.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('Set DATABASE_URL to use the TypeORM CLI');
}

export default new DataSource(dataSourceOptions(url));
