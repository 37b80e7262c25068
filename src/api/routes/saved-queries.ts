/**
 * /api/v1/savedQueries[/{id}] — the tenant's shared Logs queries (Log Analytics' saved searches):
 * `{displayName, query, description?, category?}`. Readers of the workspace list and read them;
 * Global and Security Administrators save and delete them (registry/roles.ts). Graph-shaped errors;
 * a refused request changes nothing.
 */
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyPluginAsync } from 'fastify';
import { SAVED_QUERY_WRITER_ROLES } from '../../registry/roles.ts';
import type { SavedQueryRow, Store } from '../../store/store.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { WORKSPACE_ROLES } from './workspace/roles.ts';

/**
 * Ids are chosen by the client (the portal makes UUIDs): URL-safe, like LA's saved-search ids, and
 * at most 100 characters (Fastify's path-parameter limit: longer ones get 414 before routing).
 */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const Body = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 256 }),
    query: Type.String({ minLength: 1, maxLength: 100_000 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
    category: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const checkBody = TypeCompiler.Compile(Body);

function parseBody(text: string | undefined): Static<typeof Body> {
  let body: unknown;
  try {
    body = JSON.parse(text || '');
  } catch {
    throw new ApiError(
      400,
      'BadRequest',
      'the body must be a JSON object: {displayName, query, description?, category?}',
    );
  }
  const first = checkBody.Errors(body).First();
  if (first) {
    const where = first.path ? `'${first.path.slice(1) || 'body'}'` : 'body';
    throw new ApiError(400, 'BadRequest', `invalid saved query: ${where} ${first.message.toLowerCase()}`);
  }
  const b = body as Static<typeof Body>;
  if (!b.displayName.trim())
    throw new ApiError(400, 'BadRequest', "invalid saved query: 'displayName' is blank");
  if (!b.query.trim()) throw new ApiError(400, 'BadRequest', "invalid saved query: 'query' is blank");
  return b;
}

function checkId(id: string): void {
  if (!ID.test(id)) {
    throw new ApiError(
      400,
      'BadRequest',
      'a saved query id is 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit',
    );
  }
}

const resource = (q: SavedQueryRow) => ({
  id: q.id,
  displayName: q.displayName,
  query: q.query,
  description: q.description,
  category: q.category,
  savedBy: q.savedBy,
  createdDateTime: q.createdAt,
  lastModifiedDateTime: q.updatedAt,
});

export const savedQueriesRoutes =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    const readers = { preHandler: requireRole(...WORKSPACE_ROLES) };
    const writers = { preHandler: requireRole(...SAVED_QUERY_WRITER_ROLES) };
    type ById = { Params: { id: string }; Body: string };
    const notFound = (id: string) => new ApiError(404, 'NotFound', `no saved query with id '${id}'`);

    app.get('/api/v1/savedQueries', readers, async (req) => ({
      value: (await deps.store.listSavedQueries(req.principal!.tenant)).map(resource),
    }));

    app.get<ById>('/api/v1/savedQueries/:id', readers, async (req) => {
      checkId(req.params.id);
      const q = await deps.store.getSavedQuery(req.principal!.tenant, req.params.id);
      if (!q) throw notFound(req.params.id);
      return resource(q);
    });

    app.put<ById>('/api/v1/savedQueries/:id', writers, async (req, reply) => {
      checkId(req.params.id);
      const b = parseBody(req.body);
      const p = req.principal!;
      const { created } = await deps.store.putSavedQuery({
        tenant: p.tenant,
        id: req.params.id,
        displayName: b.displayName.trim(),
        query: b.query,
        description: b.description?.trim() || null,
        category: b.category?.trim() || null,
        savedBy: p.name || p.keyId,
      });
      const saved = await deps.store.getSavedQuery(p.tenant, req.params.id);
      return reply.code(created ? 201 : 200).send(resource(saved!));
    });

    app.delete<ById>('/api/v1/savedQueries/:id', writers, async (req, reply) => {
      checkId(req.params.id);
      if (!(await deps.store.deleteSavedQuery(req.principal!.tenant, req.params.id)))
        throw notFound(req.params.id);
      return reply.code(204).send();
    });
  };
