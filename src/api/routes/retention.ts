/**
 * /api/v1/retention — how long each category is kept for the caller's tenant, what retention
 * dropped (signed purge records) and its recent runs. Global Administrators change a category's
 * retention (`PUT /api/v1/retention/{category}` with `{"days":N}`) or run it now for their tenant.
 */
import type { FastifyPluginAsync } from 'fastify';
import { findLogType, LOG_TYPES } from '../../registry/log-types.ts';
import { ADMIN_ROLES, LOG_READER_ROLES } from '../../registry/roles.ts';
import { MAX_RETENTION_DAYS } from '../../security/retention.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';

export const retentionRoutes =
  (deps: Pick<AppDeps, 'store' | 'integrity'>): FastifyPluginAsync =>
  async (app) => {
    const readers = { preHandler: requireRole(...LOG_READER_ROLES) };
    const admin = { preHandler: requireRole(...ADMIN_ROLES) };

    app.get('/api/v1/retention', readers, async (req) => {
      const tenant = req.principal!.tenant;
      const overrides = new Map((await deps.store.listRetention(tenant)).map((p) => [p.category, p.days]));
      const purges = await deps.store.listPurges({ tenant });
      return {
        value: LOG_TYPES.map((t) => ({
          category: t.category,
          days: overrides.get(t.category) ?? deps.integrity.opts.retentionDays,
          isDefault: !overrides.has(t.category),
        })),
        purges: purges.map(({ payload }) => JSON.parse(payload)),
        runs: deps.integrity.retentionRuns.map((r) => ({
          ...r,
          purged: r.purged.filter((p) => p.tenant === tenant),
        })),
      };
    });

    app.put<{ Params: { category: string }; Body: string }>(
      '/api/v1/retention/:category',
      admin,
      async (req) => {
        const type = findLogType(req.params.category);
        if (!type) throw new ApiError(404, 'NotFound', `unknown category '${req.params.category}'`);
        let days: unknown;
        try {
          days = (JSON.parse(req.body || '{}') as { days?: unknown }).days;
        } catch {
          throw new ApiError(400, 'BadRequest', 'the body must be JSON: {"days":N}');
        }
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
          throw new ApiError(
            400,
            'BadRequest',
            `\`days\` must be a whole number from 1 to ${MAX_RETENTION_DAYS}`,
          );
        }
        await deps.store.setRetention(req.principal!.tenant, type.category, days);
        return { category: type.category, days, isDefault: false };
      },
    );

    app.post('/api/v1/retention/run', admin, async (req) => {
      const run = await deps.integrity.retention(req.principal!.tenant);
      return run;
    });
  };
