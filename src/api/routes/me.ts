/**
 * GET /api/v1/me — who the caller is: tenant, roles and key name. The portal reads it after
 * sign-in to show only what the key may read (the Custom Security tab needs an attribute-log role).
 */
import type { FastifyPluginAsync } from 'fastify';

export const meRoute = (): FastifyPluginAsync => async (app) => {
  app.get('/api/v1/me', async (req) => {
    const p = req.principal!;
    return { tenant: p.tenant, keyId: p.keyId, name: p.name, roles: p.roles };
  });
};
