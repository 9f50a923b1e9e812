// Polaris's Tables API (the seed's "API request example"), with the paths, bodies and status codes
// Gatehouse served in-process. Tables live in memory: this is an example, not a database.
import { randomUUID } from 'node:crypto';
import { HttpError } from './http-error.mjs';

/** What Nest's ParseUUIDPipe accepted: versions 1-8 with the RFC variant, or the nil and max UUIDs. */
const UUID = /^(?:[0-9A-F]{8}-[0-9A-F]{4}-[1-8][0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}|00000000-0000-0000-0000-000000000000|FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF)$/i;

const CREATE_TABLE = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { enum: ['detail', 'aggregate'] },
    description: { type: 'string', maxLength: 1000 },
    partitioningGranularity: { enum: ['hour', 'day', 'week', 'month', 'year', 'all'] },
    schemaMode: { enum: ['flexible', 'strict'] },
  },
};

/**
 * @typedef {{ name: string, type?: string, description?: string, partitioningGranularity?: string, schemaMode?: string }} CreateTable
 * @typedef {ReturnType<typeof tableOf>} Table
 */

/**
 * One table in the shape of the seed's sample response.
 * @param {CreateTable} body
 * @param {string} actor
 */
function tableOf(body, actor) {
  const user = { userId: actor, username: actor };
  const timestamp = new Date().toISOString();
  return {
    availability: 'available',
    createdByUser: user,
    createdOnTimestamp: timestamp,
    description: body.description ?? null,
    id: randomUUID(),
    modifiedByUser: user,
    modifiedOnTimestamp: timestamp,
    name: body.name,
    partitioningGranularity: body.partitioningGranularity ?? 'day',
    schemaMode: body.schemaMode ?? 'flexible',
    storagePolicy: null,
    totalDataSizeBytes: 0,
    totalRows: 0,
    type: body.type ?? 'detail',
    version: 0,
  };
}

/**
 * The project in the path, in its canonical form (lower case), for the hook to check the token
 * against: a project-scoped token reaches its own project only, and where project-scoped tokens are
 * required an organization token none (Gatehouse's rule, `checkProject` in src/access/access-policy.ts,
 * without the lookup of the project's organization).
 * @param {import('fastify').FastifyRequest} request
 */
const projectOf = (request) => /** @type {{ project_id: string }} */ (request.params).project_id.toLowerCase();

/**
 * @param {import('fastify').FastifyInstance} app
 * @param {import('./app.mjs').Guard} guard
 * @param {{ read: string, write: string }} scopes
 */
export function registerTables(app, guard, { read, write }) {
  /**
   * Tables by organization and project. The server knows no projects of its own, so any project
   * id is one; keying by the token's organization keeps one organization's tables out of
   * another's reach even where organization tokens are accepted.
   * @type {Map<string, Table[]>}
   */
  const tables = new Map();

  /**
   * The tables of the project in the path, which the hook has checked the token reaches.
   * @param {import('fastify').FastifyRequest} request
   */
  const projectTables = (request) => {
    const { project_id: raw } = /** @type {{ project_id: string }} */ (request.params);
    if (!UUID.test(raw)) throw new HttpError(400, { statusCode: 400, error: 'Bad Request', message: 'Validation failed (uuid is expected)' });
    const projectId = raw.toLowerCase();
    const token = guard.tokenOf(request);
    const key = `${token.organizationId}/${projectId}`;
    if (!tables.has(key)) tables.set(key, []);
    return { projectId, token, list: /** @type {Table[]} */ (tables.get(key)) };
  };

  app.get('/v1/projects/:project_id/tables', { preValidation: guard.require((request) => ({ scopes: [read], project: projectOf(request) })) }, async (request) => ({ values: projectTables(request).list }));

  app.post('/v1/projects/:project_id/tables', { preValidation: guard.require((request) => ({ scopes: [write], project: projectOf(request) })), schema: { body: CREATE_TABLE } }, async (request, reply) => {
    const { projectId, token, list } = projectTables(request);
    const body = /** @type {CreateTable} */ (request.body);
    if (list.some((table) => table.name === body.name)) throw new HttpError(409, { statusCode: 409, error: 'Conflict', message: `Project ${projectId} has a table named ${body.name} already` });
    const table = tableOf(body, token.actor);
    list.push(table);
    return reply.status(201).send(table);
  });
}
