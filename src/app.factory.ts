import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { AppModule } from './app.module.js';
import { trustedProxies } from './config/environment.js';
import { GatehouseConfig } from './config/gatehouse-config.js';
import { MetricsService } from './metrics/metrics.service.js';
import { registerBodyParsers } from './common/http/body-parsers.js';
import { createLogger, type LogFormat, type LogLevel, PinoNestLogger, requestId } from './common/logging/logger.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { registerRequestMetrics } from './common/http/request-metrics.js';
import { registerSecurityHeaders } from './common/http/security-headers.js';
import { type BrowserCorsRoute, registerCors } from './common/http/cors.js';
import { ScopeRegistry } from './access/scope-registry.js';
import { type AuthenticatedRequest } from './access/auth-context.js';
import { WebOriginDirectory } from './clients/web-origin-directory.js';
import { clientCallOf } from './tokens/authenticated-client.js';
import { setupOpenApi } from './openapi.js';
import { startTracing, stopTracing } from './common/telemetry/tracing.js';
import { TokenRequestLabels } from './tokens/token-request-labels.js';

/**
 * For a person (the pretty format): one line per request, once it is answered, naming the method,
 * path, status and time, instead of Fastify's two ("incoming request", then "request completed").
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, path: request.url.split('?', 1)[0], statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** Largest request body accepted anywhere. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Builds the whole application, ready to listen: used by server.ts and by the e2e tests, so the
 * tests run exactly what production runs. On Fastify, not Express, for throughput.
 */
export async function createApp(options: { logLevel?: LogLevel; logFormat?: LogFormat } = {}): Promise<NestFastifyApplication> {
  const pretty = options.logFormat === 'pretty';
  const logger = createLogger(options.logLevel ?? 'info', options.logFormat);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestId,
    logController: pretty ? new OneLinePerRequest({ requestIdLogLabel: 'requestId' }) : new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: BODY_LIMIT_BYTES,
    // JSON with "__proto__" or "constructor.prototype" is refused with 400 rather than parsed.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 256 },
    // request.ip: the connection's address, or the caller that a trusted proxy names in X-Forwarded-For.
    trustProxy: trustedProxies(process.env.TRUST_PROXY),
  });
  // Before the application is built: the database module instruments its DataSource with it.
  const tracing = startTracing(process.env.OTEL_EXPORTER_OTLP_ENDPOINT, process.env.OTEL_SERVICE_NAME);
  if (tracing) {
    tracing.instrumentHttp(adapter.getInstance());
    adapter.getInstance().addHook('onClose', () => stopTracing());
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(), adapter, {
    logger: new PinoNestLogger(logger, pretty),
    abortOnError: false,
    // Our own parsers instead of Nest's: see registerBodyParsers.
    bodyParser: false,
  });
  // Every response names its request id, so a caller can quote it and an operator find the log lines.
  // Set on arrival (a synchronous hook costs less than an async onSend one), and kept on error responses.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerBodyParsers(app);
  const config = app.get(GatehouseConfig);
  registerSecurityHeaders(app);
  registerCors(app, {
    globalOrigins: config.corsOrigins,
    routes: () => app.get(ScopeRegistry).declaredRoutes().flatMap(({ method, paths, cors }): BrowserCorsRoute[] => (cors ? [{ method, paths, rule: cors }] : [])),
    origins: () => app.get(WebOriginDirectory),
    // The client of the token or revocation call (its guard), or of the access token (userinfo).
    callerOf: (request) => clientCallOf(request).client?.id ?? (request as AuthenticatedRequest).auth?.clientId,
  });
  await registerRateLimit(app, config);
  registerRequestMetrics(app, app.get(MetricsService), app.get(TokenRequestLabels));
  try {
    await app.init();
  } catch (error) {
    // A boot that fails after the database pool opened must not leave it open.
    await app.close().catch(() => undefined);
    throw error;
  }
  setupOpenApi(app);
  return app;
}
