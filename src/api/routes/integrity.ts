/**
 * /api/v1/integrity — tamper evidence. The public key is public (no key needed: anyone holding an
 * archive may check its checkpoints); checkpoints and purge records are the caller's tenant's.
 */
import type { FastifyPluginAsync } from 'fastify';
import { LOG_READER_ROLES } from '../../registry/roles.ts';
import { publicKeyInfo } from '../../security/signing-key.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';

export const integrityPublicRoute =
  (deps: Pick<AppDeps, 'integrity'>): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/v1/integrity/publicKey', async () => publicKeyInfo(deps.integrity.key));
  };

export const integrityRoutes =
  (deps: Pick<AppDeps, 'store' | 'integrity'>): FastifyPluginAsync =>
  async (app) => {
    const readers = { preHandler: requireRole(...LOG_READER_ROLES) };
    app.get<{ Querystring: { category?: string } }>('/api/v1/integrity/checkpoints', readers, async (req) => {
      const filter = {
        tenant: req.principal!.tenant,
        ...(req.query.category ? { category: req.query.category } : {}),
      };
      const [checkpoints, purges] = await Promise.all([
        deps.store.listCheckpoints(filter),
        deps.store.listPurges(filter),
      ]);
      return {
        publicKey: publicKeyInfo(deps.integrity.key),
        checkpoints: checkpoints.map(({ payload, signature }) => ({ ...JSON.parse(payload), signature })),
        purges: purges.map(({ payload, signature }) => ({ ...JSON.parse(payload), signature })),
      };
    });
  };
