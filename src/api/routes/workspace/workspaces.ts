/**
 * GET /api/v1/workspaces — the caller's Log Analytics workspaces: one per tenant, whose
 * `customerId` (the tenant id) is what /v1/workspaces/{id}/query takes, and the tables it may read.
 */
import type { FastifyPluginAsync } from 'fastify';
import { readableTypes } from '../../../query/kql/run.ts';
import { LOG_READER_ROLES } from '../../../registry/roles.ts';

export const workspacesRoute = (): FastifyPluginAsync => async (app) => {
  app.get('/api/v1/workspaces', async (req) => {
    const p = req.principal!;
    return {
      value: [
        {
          name: `idtrail-${p.tenant}`,
          customerId: p.tenant,
          id: `/tenants/${p.tenant}/workspaces/${p.tenant}`,
          tables: readableTypes(p.roles, LOG_READER_ROLES).map((t) => t.laTable),
        },
      ],
    };
  });
};
