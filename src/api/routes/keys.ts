/**
 * /api/v1/keys — API key administration for the caller's tenant (Global Administrator).
 * POST creates a key and returns its secret once; GET lists keys (never secrets); DELETE revokes.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ROLES, parseRole, type RoleName } from '../../registry/roles.ts';
import { createKey } from '../../security/api-keys.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';

export const keysRoutes =
  (deps: Pick<AppDeps, 'store' | 'keys'>): FastifyPluginAsync =>
  async (app) => {
    const admin = { preHandler: requireRole(...ADMIN_ROLES) };

    app.get('/api/v1/keys', admin, async (req) => ({
      value: (await deps.store.listKeys(req.principal!.tenant)).map(({ hash: _hash, ...k }) => k),
    }));

    app.post<{ Body: string }>('/api/v1/keys', admin, async (req, reply) => {
      let body: { roles?: unknown; name?: unknown };
      try {
        body = JSON.parse(req.body || '{}');
      } catch {
        throw new ApiError(400, 'BadRequest', 'the body must be JSON: {"roles":[…],"name":"…"}');
      }
      if (!Array.isArray(body.roles) || body.roles.length === 0) {
        throw new ApiError(400, 'BadRequest', '`roles` must be a non-empty array of role names');
      }
      const roles: RoleName[] = [];
      for (const r of body.roles) {
        const role = typeof r === 'string' ? parseRole(r) : undefined;
        if (!role) throw new ApiError(400, 'BadRequest', `unknown role ${JSON.stringify(r)}`);
        roles.push(role);
      }
      const name = typeof body.name === 'string' ? body.name : undefined;
      const key = await createKey(deps.store, {
        tenant: req.principal!.tenant,
        roles,
        ...(name ? { name } : {}),
      });
      return reply
        .code(201)
        .send({ key: key.secret, keyId: key.keyId, tenant: key.tenant, roles: key.roles });
    });

    app.delete<{ Params: { keyId: string } }>('/api/v1/keys/:keyId', admin, async (req, reply) => {
      const own = (await deps.store.listKeys(req.principal!.tenant)).some(
        (k) => k.keyId === req.params.keyId,
      );
      if (!own || !(await deps.store.revokeKey(req.params.keyId))) {
        throw new ApiError(404, 'NotFound', `no active key '${req.params.keyId}' in this tenant`);
      }
      deps.keys.forget();
      return reply.code(204).send();
    });
  };
