import { DataSource } from 'typeorm';
import { validateEnvironment } from './src/config/environment.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run`): the same DATABASE_URL and the
 * same migrations as the server, which also runs them itself at start.
 */
export default new DataSource(dataSourceOptions(validateEnvironment(process.env).DATABASE_URL));
