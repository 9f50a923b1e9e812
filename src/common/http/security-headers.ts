import helmet from '@fastify/helmet';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatehouseConfig } from '../../config/gatehouse-config.js';

/**
 * helmet's headers on every response, with a Content-Security-Policy that Swagger UI at /docs
 * still works under (its own scripts, inline styles, data: images, calls to this origin only),
 * and CORS for the origins in CORS_ORIGINS only (off by default).
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
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
  });
  const origins = app.get(GatehouseConfig).corsOrigins;
  if (origins.length > 0) {
    app.enableCors({ origin: [...origins], methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'], maxAge: 600 });
  }
}
