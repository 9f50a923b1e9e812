import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { activeTracing } from '../src/common/telemetry/tracing.js';
import { ROOT, tokenFor } from './support/oauth.js';
import { ROOT_CLIENT_SECRET, startApp, type TestApp } from './support/test-app.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}

/** An OTLP/HTTP receiver inside the test: it keeps every body the exporter posts to /v1/traces. */
async function otlpReceiver(): Promise<{ server: Server; endpoint: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

const spansOf = (bodies: string[]): OtlpSpan[] =>
  bodies.flatMap((body) => (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let spans: OtlpSpan[];
  let tokenRequestId: string;
  let issuedToken: string;
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  beforeAll(async () => {
    receiver = await otlpReceiver();
    const gatehouse: TestApp = await startApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'gatehouse-test' } });
    try {
      const response = await gatehouse.http().post('/api/v1/oauth/token?probe=secret-in-query').set('traceparent', traceparent).type('form').send({ grant_type: 'client_credentials', ...ROOT });
      expect(response.status).toBe(200);
      tokenRequestId = response.headers['x-request-id'] as string;
      issuedToken = response.body.access_token as string;
      const bearer = await tokenFor(gatehouse, ROOT);
      expect((await gatehouse.http().get('/api/v1/oauth/client').set('authorization', `Bearer ${bearer}`)).status).toBe(200);
    } finally {
      // Closing exports what the batch processor still holds.
      await gatehouse.close();
    }
    spans = spansOf(receiver.bodies);
    // Booting, two requests and an export on close: more than one test's time on a loaded machine.
  }, 60_000);
  afterAll(() => new Promise((resolve) => receiver.server.close(resolve)));

  it('exports one server span per request, named by route, with the request id and status, continuing the caller\'s trace', () => {
    const token = spans.filter((span) => span.kind === 2 && attribute(span, 'gatehouse.request_id') === tokenRequestId);
    expect(token).toHaveLength(1);
    expect(token[0]!.name).toBe('POST /api/v1/oauth/token');
    expect(attribute(token[0]!, 'http.route')).toBe('/api/v1/oauth/token');
    expect(attribute(token[0]!, 'url.path')).toBe('/api/v1/oauth/token');
    expect(attribute(token[0]!, 'http.response.status_code')).toBe(200);
    expect(token[0]!.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(token[0]!.parentSpanId).toBe('b7ad6b7169203331');
    expect(spans.some((span) => span.kind === 2 && span.name === 'GET /api/v1/oauth/client')).toBe(true);
  });

  it('nests the database queries a request makes inside its span', () => {
    const list = spans.find((span) => span.kind === 2 && span.name === 'GET /api/v1/oauth/client')!;
    const queries = spans.filter((span) => span.kind === 3 && span.parentSpanId === list.spanId);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((span) => span.traceId === list.traceId)).toBe(true);
    expect(queries.some((span) => attribute(span, 'db.operation.name') === 'SELECT' && String(attribute(span, 'db.query.text')).includes('oauth_client'))).toBe(true);
  });

  it('puts no secret in what it exports: no client secret, token, query string or query parameter', () => {
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(ROOT_CLIENT_SECRET);
    expect(exported).not.toContain(issuedToken);
    expect(exported).not.toContain(issuedToken.split('.')[1]!);
    expect(exported).not.toContain('secret-in-query');
    // A query's parameters (here the client id it looked up) are left out; only its SQL text goes.
    const clientQueries = spansOf(receiver.bodies).filter((span) => span.kind === 3 && String(attribute(span, 'db.query.text')).includes('oauth_client'));
    expect(clientQueries.length).toBeGreaterThan(0);
    expect(JSON.stringify(clientQueries)).not.toContain(ROOT.client_id);
  });
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('starts no tracing, so requests and queries go uninstrumented', async () => {
    const gatehouse = await startApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: undefined } });
    try {
      expect(activeTracing()).toBeUndefined();
      expect((await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...ROOT })).status).toBe(200);
    } finally {
      await gatehouse.close();
    }
  });
});
