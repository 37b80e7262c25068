/**
 * POST/GET /v1/workspaces/{workspaceId}/query — the Log Analytics query API: `{query, timespan}`
 * → `{"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[…]}]}`. The workspace
 * id is the tenant's (its `customerId` in /api/v1/workspaces); a caller only sees its own tenant.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { KqlError } from '../../../query/kql/errors.ts';
import { readableTypes, runKql } from '../../../query/kql/run.ts';
import { LOG_READER_ROLES } from '../../../registry/roles.ts';
import type { Store } from '../../../store/store.ts';
import { requireRole } from '../../auth.ts';
import { kqlErrorBody, laErrorBody } from './la-errors.ts';
import { WORKSPACE_ROLES as QUERY_ROLES } from './roles.ts';

export const workspaceQueryRoute =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    const run = async (
      req: FastifyRequest,
      reply: FastifyReply,
      workspaceId: string,
      query: unknown,
      timespan: unknown,
    ) => {
      const principal = req.principal!;
      if (workspaceId.toLowerCase() !== principal.tenant.toLowerCase()) {
        return reply
          .code(404)
          .send(
            laErrorBody(req, 'WorkspaceNotFoundError', `The workspace ${workspaceId} could not be found`),
          );
      }
      if (typeof query !== 'string' || query.trim() === '') {
        return reply
          .code(400)
          .send(
            laErrorBody(
              req,
              'BadArgumentError',
              "The request had some invalid properties: 'query' is required",
            ),
          );
      }
      if (timespan !== undefined && typeof timespan !== 'string') {
        return reply
          .code(400)
          .send(laErrorBody(req, 'BadArgumentError', "'timespan' must be an ISO 8601 string"));
      }
      try {
        const result = await runKql((sql, params) => deps.store.readSql(sql, params), {
          query,
          tenant: principal.tenant,
          types: readableTypes(principal.roles, LOG_READER_ROLES),
          ...(timespan ? { timespan } : {}),
        });
        const tables = result.tables.map((t) => ({ name: t.name, columns: t.columns, rows: t.rows }));
        return {
          tables,
          // LA's visualization hint for `render`.
          ...(result.render
            ? { render: { visualization: result.render.chart, ...result.render.properties } }
            : {}),
        };
      } catch (e) {
        if (e instanceof KqlError) return reply.code(400).send(kqlErrorBody(req, query, e));
        throw e;
      }
    };

    app.post<{ Params: { workspaceId: string } }>(
      '/v1/workspaces/:workspaceId/query',
      { preHandler: requireRole(...QUERY_ROLES) },
      async (req, reply) => {
        let body: { query?: unknown; timespan?: unknown };
        try {
          const raw = req.body;
          body =
            typeof raw === 'string' ? (JSON.parse(raw || '{}') as typeof body) : ((raw ?? {}) as typeof body);
        } catch {
          return reply
            .code(400)
            .send(laErrorBody(req, 'BadArgumentError', 'The request body is not valid JSON'));
        }
        if (body === null || typeof body !== 'object')
          return reply
            .code(400)
            .send(laErrorBody(req, 'BadArgumentError', 'The request body must be a JSON object'));
        return run(req, reply, req.params.workspaceId, body.query, body.timespan);
      },
    );

    app.get<{ Params: { workspaceId: string }; Querystring: { query?: string; timespan?: string } }>(
      '/v1/workspaces/:workspaceId/query',
      { preHandler: requireRole(...QUERY_ROLES) },
      async (req, reply) => run(req, reply, req.params.workspaceId, req.query.query, req.query.timespan),
    );
  };
