import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type DataSource, type QueryRunner } from 'typeorm';

/** The longest SQL text a database span carries: enough to recognise the statement. */
const QUERY_TEXT_LIMIT = 2000;

/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: one server span per HTTP
 * request, with a child span per database query made while handling it, exported over OTLP/HTTP.
 * Instrumented by hand rather than by the auto-instrumentations, which patch modules through
 * loader hooks that ESM applications must preload. What a span carries is chosen to hold no
 * secret: the method, the route pattern and path (never the query string, where codes and tokens
 * travel), the status and the request id; for a query, its parameterised SQL text, never its
 * parameters (secret hashes, key material).
 */
export class Tracing {
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;
  private readonly spans = new WeakMap<FastifyRequest, Span>();
  private readonly tracedRunners = new WeakSet<QueryRunner>();

  constructor(endpoint: string, serviceName: string) {
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }) })],
    });
    this.tracer = this.provider.getTracer('gatehouse');
    // Process-wide, and harmless to leave in place: without a span nothing is recorded. A second
    // registration (another app in the same process) is refused by the API and keeps the first.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }

  /** A span per request, from arrival to the last byte of the response; a caller's `traceparent` makes it a child of the caller's trace. */
  instrumentHttp(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, _reply, done) => {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const route = request.routeOptions.url;
      const span = this.tracer.startSpan(
        route === undefined ? request.method : `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            [ATTR_HTTP_REQUEST_METHOD]: request.method,
            [ATTR_URL_PATH]: request.url.split('?', 1)[0],
            ...(route !== undefined && { [ATTR_HTTP_ROUTE]: route }),
            'gatehouse.request_id': String(request.id),
          },
        },
        parent,
      );
      this.spans.set(request, span);
      done();
    });
    // Entered once the body is read (its stream's callbacks would lose an earlier context): the
    // guards, the handler and every query they make run inside the request's span.
    fastify.addHook('preHandler', (request, _reply, done) => {
      const span = this.spans.get(request);
      if (span === undefined) return done();
      context.with(trace.setSpan(context.active(), span), done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const span = this.spans.get(request);
      if (span !== undefined) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      done();
    });
  }

  /** A span per query, a child of whatever span is active (the request's). */
  instrumentDatabase(dataSource: DataSource): void {
    const system = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
    const driver = dataSource.driver;
    const createQueryRunner = driver.createQueryRunner.bind(driver);
    const wrap = (runner: QueryRunner): QueryRunner => {
      // SQLite hands out the same runner every time: wrap it once.
      if (this.tracedRunners.has(runner)) return runner;
      this.tracedRunners.add(runner);
      const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
      runner.query = ((sql: string, ...rest: unknown[]) => {
        if (trace.getSpan(context.active()) === undefined) return query(sql, ...rest);
        const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
        return this.tracer.startActiveSpan(operation, { kind: SpanKind.CLIENT, attributes: { [ATTR_DB_SYSTEM_NAME]: system, [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_QUERY_TEXT]: sql.slice(0, QUERY_TEXT_LIMIT) } }, async (span) => {
          try {
            return await query(sql, ...rest);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code ?? 'query failed' });
            throw error;
          } finally {
            span.end();
          }
        });
      }) as QueryRunner['query'];
      return runner;
    };
    driver.createQueryRunner = ((mode: 'master' | 'slave') => wrap(createQueryRunner(mode))) as typeof driver.createQueryRunner;
    // What TypeORM created before this (SQLite's single runner) goes through the same wrapper.
    wrap(createQueryRunner('master'));
  }

  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

let active: Tracing | undefined;

/** Starts tracing for this process when an OTLP endpoint is configured; the same instance for every caller until it is shut down. */
export function startTracing(endpoint: string | undefined, serviceName = 'gatehouse'): Tracing | undefined {
  if (!endpoint) return undefined;
  active ??= new Tracing(endpoint, serviceName);
  return active;
}

/** The tracing started for this process, if any (the database module instruments its DataSource with it). */
export function activeTracing(): Tracing | undefined {
  return active;
}

/** Stops and forgets the process's tracing, exporting what is buffered. */
export async function stopTracing(): Promise<void> {
  const tracing = active;
  active = undefined;
  await tracing?.shutdown();
}
