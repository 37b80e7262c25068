/**
 * GET /api/v1/catalog — the audit catalog (service, category, activity), for validation clients
 * and filter drop-downs. Optional ?service= and ?category= narrow it.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';

export const catalogRoute =
  (deps: Pick<AppDeps, 'catalog'>): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: { service?: string; category?: string } }>('/api/v1/catalog', async (req) => {
      const { service, category } = req.query;
      const rows = deps.catalog.rows.filter(
        (r) => (!service || r.service === service) && (!category || r.category === category),
      );
      return {
        summary: deps.catalog.summary(),
        services: deps.catalog.services(),
        categories: deps.catalog.categories(service),
        value: rows,
      };
    });
  };
