/**
 * GET/POST /v1/workspaces/{workspaceId}/metadata — Log Analytics' metadata API: the tables the
 * caller may query with their columns and Kusto types (from registry/la-tables.ts), the workspace,
 * and its saved queries. The Logs page feeds the tables to the KQL editor's IntelliSense.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readableTypes } from '../../../query/kql/run.ts';
import { LA_TABLES } from '../../../registry/la-tables.ts';
import { LOG_READER_ROLES } from '../../../registry/roles.ts';
import type { Store } from '../../../store/store.ts';
import { requireRole } from '../../auth.ts';
import { laErrorBody } from './la-errors.ts';
import { WORKSPACE_ROLES } from './roles.ts';

export const workspaceMetadataRoute =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    const metadata = async (
      req: FastifyRequest<{ Params: { workspaceId: string } }>,
      reply: FastifyReply,
    ) => {
      const p = req.principal!;
      const workspaceId = req.params.workspaceId;
      if (workspaceId.toLowerCase() !== p.tenant.toLowerCase()) {
        return reply
          .code(404)
          .send(
            laErrorBody(req, 'WorkspaceNotFoundError', `The workspace ${workspaceId} could not be found`),
          );
      }
      const tables = readableTypes(p.roles, LOG_READER_ROLES).flatMap((t) => {
        const cols = LA_TABLES[t.laTable];
        return cols ? [{ table: t.laTable, category: t.category, cols }] : [];
      });
      const saved = await deps.store.listSavedQueries(p.tenant);
      return {
        categories: [],
        resourceTypes: [],
        solutions: [],
        tables: tables.map(({ table, category, cols }) => ({
          id: `t/${table}`,
          name: table,
          timespanColumn: 'TimeGenerated',
          columns: cols.map((c) => ({ name: c.name, type: c.type })),
          related: { categories: [], solutions: [], workspaces: [p.tenant] },
          properties: { diagnosticCategory: category },
        })),
        functions: [],
        queries: saved.map((q) => ({
          id: q.id,
          displayName: q.displayName,
          description: q.description ?? undefined,
          body: q.query,
          related: { categories: q.category ? [q.category] : [], workspaces: [p.tenant] },
        })),
        applications: [],
        workspaces: [
          {
            id: p.tenant,
            resourceId: `/tenants/${p.tenant}/workspaces/${p.tenant}`,
            name: `idtrail-${p.tenant}`,
            region: 'local',
            related: { tables: tables.map((t) => t.table) },
          },
        ],
        resources: [],
        permissions: [{ workspaces: [{ resourceId: `/tenants/${p.tenant}/workspaces/${p.tenant}` }] }],
      };
    };
    const opts = { preHandler: requireRole(...WORKSPACE_ROLES) };
    app.get<{ Params: { workspaceId: string } }>('/v1/workspaces/:workspaceId/metadata', opts, metadata);
    app.post<{ Params: { workspaceId: string } }>('/v1/workspaces/:workspaceId/metadata', opts, metadata);
  };
