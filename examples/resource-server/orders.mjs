// A tiny orders API: the "protect your own API" example of issue 16 (orders:read, orders:write).
import { randomUUID } from 'node:crypto';

const CREATE_ORDER = {
  type: 'object',
  additionalProperties: false,
  required: ['item', 'quantity'],
  properties: {
    item: { type: 'string', minLength: 1, maxLength: 200 },
    quantity: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  },
};

/**
 * @param {import('fastify').FastifyInstance} app
 * @param {import('./app.mjs').Guard} guard
 * @param {{ read: string, write: string }} scopes
 */
export function registerOrders(app, guard, { read, write }) {
  /** @type {Map<string, { id: string, item: string, quantity: number, created_by: string, created_at: string }[]>} */
  const orders = new Map();

  /**
   * The orders of the token's organization. Orders belong to the organization, not to a project:
   * the hooks refuse a project-scoped token (organizationOnly), as Gatehouse's organization-wide routes refuse it.
   * @param {import('fastify').FastifyRequest} request
   */
  const organizationOrders = (request) => {
    const token = guard.tokenOf(request);
    if (!orders.has(token.organizationId)) orders.set(token.organizationId, []);
    return { token, list: orders.get(token.organizationId) ?? [] };
  };

  app.get('/v1/orders', { preValidation: guard.require({ scopes: [read], organizationOnly: true }) }, async (request) => ({ values: organizationOrders(request).list }));

  app.post('/v1/orders', { preValidation: guard.require({ scopes: [write], organizationOnly: true }), schema: { body: CREATE_ORDER } }, async (request, reply) => {
    const { token, list } = organizationOrders(request);
    const { item, quantity } = /** @type {{ item: string, quantity: number }} */ (request.body);
    const order = { id: randomUUID(), item, quantity, created_by: token.actor, created_at: new Date().toISOString() };
    list.push(order);
    return reply.status(201).send(order);
  });
}
