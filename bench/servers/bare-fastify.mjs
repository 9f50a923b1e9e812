// The ceiling: a bare Fastify route that returns a token-sized JSON body and does nothing else.
import formBody from '@fastify/formbody';
import Fastify from 'fastify';

const port = Number(process.env.PORT);
const app = Fastify();
await app.register(formBody);
const body = JSON.stringify({
  access_token: `eyJ${'x'.repeat(560)}`,
  token_type: 'Bearer',
  expires_in: 3600,
  expires_at: Math.floor(Date.now() / 1000) + 3600,
  scope: 'scope:read',
  refresh_expires_in: 0,
  'not-before-policy': 0,
});
app.post('/token', async (_request, reply) => reply.type('application/json').send(body));
app.get('/resource', async (_request, reply) => reply.type('application/json').send(body));
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare fastify listening on port ${port}\n`);
