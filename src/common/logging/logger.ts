import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An incoming `x-request-id` is kept when it looks like one, so a request can be followed across services. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One JSON logger for Fastify's request logs and Nest's own messages. Credentials never reach
 * it: Authorization and Cookie headers are redacted, URLs are logged without their query string
 * (a careless client may put a secret there), and bodies are never logged at all.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'gatehouse' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (request: { id?: string; method?: string; url?: string; ip?: string }) => ({ id: request.id, method: request.method, path: request.url?.split('?')[0], remoteAddress: request.ip }),
    },
  });
}

/** Nest's LoggerService on top of the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, stack?: string, context?: string): void {
    this.logger.error({ context, stack }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
