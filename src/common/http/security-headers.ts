import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { GatehouseConfig } from '../../config/gatehouse-config.js';

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
      },
    },
};

/**
 * The headers helmet sets, worked out once. They do not depend on the request, and
 * `@fastify/helmet` rebuilds helmet (parsing the CSP directives) on every request: that cost 7% of
 * a bearer request's CPU in the benchmark's profile.
 */
function helmetHeaders(): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    removeHeader: (name: string) => delete headers[name],
  };
  return new Promise((resolve, reject) =>
    helmet(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => (error ? reject(error as Error) : resolve(headers))),
  );
}

/**
 * helmet's headers on every response, with a Content-Security-Policy that Swagger UI at /docs
 * still works under (its own scripts, inline styles, data: images, calls to this origin only),
 * and CORS for the origins in CORS_ORIGINS only (off by default).
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const headers = await helmetHeaders();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  const origins = app.get(GatehouseConfig).corsOrigins;
  if (origins.length > 0) {
    app.enableCors({ origin: [...origins], methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'], maxAge: 600 });
  }
}
