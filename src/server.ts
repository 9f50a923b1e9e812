import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Environment, InvalidConfigurationError, validateEnvironment } from './config/environment.js';
import { GatehouseConfig } from './config/gatehouse-config.js';

/**
 * METRICS_PORT: GET /metrics without a token, and nothing else, on a port of its own (on HOST),
 * for a scraper on a private network. A bare node:http server: it has one route and no body.
 */
async function serveMetrics(app: NestFastifyApplication, config: GatehouseConfig, port: number): Promise<Server> {
  const [{ MetricsService }, { METRICS_CONTENT_TYPE }] = await Promise.all([import('./metrics/metrics.service.js'), import('./metrics/metrics.controller.js')]);
  const { registry } = app.get(MetricsService);
  const log = app.getHttpAdapter().getInstance().log;
  const server = createServer((request, response) => {
    if (request.url?.split('?', 1)[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    } else {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text),
        (error: unknown) => {
          log.error({ err: error }, 'Collecting the metrics failed');
          response.writeHead(500).end();
        },
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, () => resolve());
  });
  return server;
}

async function serve(environment: Environment): Promise<void> {
  // Loaded only once the configuration is known good: a misconfigured start then fails in a
  // fraction of the time, and a GATEHOUSE_WORKERS primary, which serves nothing, never loads it.
  const [{ createApp }, { ensureDatabase }] = await Promise.all([import('./app.factory.js'), import('./database/ensure-database.js')]);
  const createdDatabase = await ensureDatabase(environment.DATABASE_URL);
  const logFormat = environment.LOG_FORMAT ?? (environment.NODE_ENV === 'development' ? 'pretty' : 'json');
  const app = await createApp({ logLevel: environment.LOG_LEVEL, logFormat });
  const config = app.get(GatehouseConfig);
  if (createdDatabase !== undefined) app.getHttpAdapter().getInstance().log.info({ database: createdDatabase }, `Created the database ${createdDatabase}, which did not exist`);
  let metricsServer: Server | undefined;
  // Our own signal handling rather than enableShutdownHooks(), which re-raises the signal after
  // closing and so exits with 143: a graceful stop should exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // NestApplicationContext.close(signal) hands the signal to the shutdown hooks (Readiness
      // waits only for a real signal); the application interface's type leaves the argument out.
      metricsServer?.close();
      (app as unknown as { close(signal: string): Promise<void> })
        .close(signal)
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          process.stderr.write(`Gatehouse did not stop cleanly: ${String(error)}\n`);
          process.exit(1);
        });
    });
  }
  await app.listen({ port: config.port, host: config.host });
  const { address: host, port } = app.getHttpServer().address() as AddressInfo;
  if (config.metricsPort !== undefined) {
    metricsServer = await serveMetrics(app, config, config.metricsPort);
    app.getHttpAdapter().getInstance().log.info({ host, metricsPort: config.metricsPort }, `Metrics without a token on port ${config.metricsPort}`);
  }
  app.getHttpAdapter().getInstance().log.info({ host, port, issuer: config.issuer }, `Gatehouse listening on port ${port}; API docs at ${config.issuer}/docs`);
  // For a person at a terminal, where to go next, last and apart from the log lines (once, not per worker).
  if (logFormat === 'pretty' && (cluster.worker === undefined || cluster.worker.id === 1)) process.stdout.write(readyBanner(config.issuer, host, port));
}

function readyBanner(issuer: string, host: string, port: number): string {
  const everywhere = host === '0.0.0.0' || host === '::';
  return [
    '',
    `Gatehouse is ready at ${issuer}`,
    `  Console   ${issuer}/console   (sign in as the administrator printed on first start)`,
    `  API docs  ${issuer}/docs`,
    `  Tokens    ${issuer}/api/v1/oauth/token   (the root client's curl line is printed on first start)`,
    everywhere ? `  Listening on every address of this machine, port ${port}; HOST=127.0.0.1 keeps it to this machine.` : `  Listening on ${host}, port ${port}.`,
    'Stop it with Ctrl-C.',
    '',
    '',
  ].join('\n');
}

/**
 * GATEHOUSE_WORKERS > 1: a node:cluster primary forks that many workers sharing the port. The
 * first worker starts alone, so that on a fresh database the migrations, the signing key and the
 * root client are made once; the others start when it listens. A worker that dies is replaced.
 */
function superviseWorkers(workers: number): void {
  let stopping = false;
  let firstListening = false;
  cluster.fork().once('listening', () => {
    firstListening = true;
    for (let index = 1; index < workers; index += 1) cluster.fork();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!firstListening) {
      process.stderr.write(`The first Gatehouse worker failed to start (exit ${code}); giving up\n`);
      process.exit(1);
    }
    process.stderr.write(`Gatehouse worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    cluster.fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
      let alive = Object.keys(cluster.workers ?? {}).length;
      if (alive === 0) process.exit(0);
      cluster.on('exit', () => {
        alive -= 1;
        if (alive === 0) process.exit(0);
      });
    });
  }
}

// Checked before Nest boots as well as inside it, so that a configuration mistake is reported
// as one plain message for the operator rather than a framework stack trace.
let environment: Environment;
try {
  environment = validateEnvironment(process.env);
} catch (error) {
  if (!(error instanceof InvalidConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

if (cluster.isPrimary && environment.GATEHOUSE_WORKERS > 1) {
  superviseWorkers(environment.GATEHOUSE_WORKERS);
} else {
  serve(environment).catch((error: unknown) => {
    if (error instanceof Error && error.name === 'DatabaseSetupError') {
      process.stderr.write(`Gatehouse cannot start: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Gatehouse failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
