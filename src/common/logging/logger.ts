import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object a line, for a log collector. `pretty`: one short line an event, for a person at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Nest's start-up chatter: a line per module initialized and per route mapped (well over a hundred).
 * A person starting the server needs none of it, so in the pretty format it is logged at debug.
 */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

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
export function createLogger(level: LogLevel, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service: 'gatehouse' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (request: { id?: string; method?: string; url?: string; ip?: string }) => ({ id: request.id, method: request.method, path: request.url?.split('?')[0], remoteAddress: request.ip }),
    },
  };
  return format === 'pretty' ? pino(options, prettyStream(process.stdout)) : pino(options);
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '31' };
/** Fields every line has, or that the pretty line already shows in its own way. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'context', 'requestId', 'req', 'method', 'path', 'statusCode', 'responseTime', 'stack', 'err']);

/**
 * pino's destination for the pretty format: each JSON line pino writes becomes one line such as
 * `12:00:01 INFO  POST /api/v1/oauth/token 200 4 ms`. Written here rather than with pino-pretty:
 * it is a few lines, and the redaction above has already run, so nothing secret reaches it.
 */
export function prettyStream(out: NodeJS.WritableStream & { isTTY?: boolean }): { write(line: string): void } {
  const colour = out.isTTY === true && process.env.NO_COLOR === undefined;
  const paint = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const level = Number(entry.level);
      const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
      const parts = [paint('90', time), paint(LEVEL_COLOURS[level] ?? '0', (LEVEL_NAMES[level] ?? String(level)).padEnd(5))];
      if (typeof entry.method === 'string' && entry.statusCode !== undefined) {
        parts.push(`${entry.method} ${String(entry.path)} ${String(entry.statusCode)} ${Math.round(Number(entry.responseTime))} ms`);
      } else {
        if (typeof entry.context === 'string') parts.push(paint('90', `[${entry.context}]`));
        parts.push(String(entry.msg ?? ''));
      }
      const extra = Object.entries(entry).filter(([key]) => !SHOWN.has(key));
      if (extra.length > 0) parts.push(paint('90', extra.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ')));
      const err = entry.err as { stack?: string } | undefined;
      const stack = typeof entry.stack === 'string' ? entry.stack : err?.stack;
      out.write(`${parts.join(' ')}\n${stack ? `${stack.replace(/^/gm, '    ')}\n` : ''}`);
    },
  };
}

/** Nest's LoggerService on top of the same pino logger. */
export class PinoNestLogger implements LoggerService {
  /** `quietStartUp`: Nest's module and route lines at debug rather than info (the pretty format). */
  constructor(
    private readonly logger: Logger,
    private readonly quietStartUp = false,
  ) {}

  log(message: unknown, context?: string): void {
    if (this.quietStartUp && context !== undefined && START_UP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
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
