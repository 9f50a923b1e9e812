import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { serializeSqliteTransactions } from './sqlite-transactions.js';
import { activeTracing } from '../common/telemetry/tracing.js';

/** One TypeORM DataSource for the app; pending migrations run before anything else starts. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [GatehouseConfig],
      useFactory: (config: GatehouseConfig) => ({
        ...dataSourceOptions(config.databaseUrl),
        migrationsRun: true,
        autoLoadEntities: true,
        // Fail the boot quickly instead of retrying for half a minute on a wrong DATABASE_URL.
        retryAttempts: 2,
        retryDelay: 1000,
      }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options as DataSourceOptions).initialize();
        serializeSqliteTransactions(dataSource);
        activeTracing()?.instrumentDatabase(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
