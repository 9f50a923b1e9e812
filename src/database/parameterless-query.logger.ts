import { Logger as NestLogger } from '@nestjs/common';
import { type Logger } from 'typeorm';

/**
 * TypeORM's own loggers print the parameters of a failed query, and those can be a client
 * secret's hash or a signing key. This one reports the error and the SQL text only.
 */
export class ParameterlessQueryLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(`Query failed: ${error instanceof Error ? error.message : error} -- ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
