/** GET /api/v1/categories — the log types this server keeps: category, table, Graph path, fields. */
import type { FastifyPluginAsync } from 'fastify';
import { LOG_TYPES } from '../../registry/log-types.ts';

export const categoriesRoute = (): FastifyPluginAsync => async (app) => {
  app.get('/api/v1/categories', async () => ({
    value: LOG_TYPES.map((t) => ({
      category: t.category,
      logAnalyticsTable: t.laTable,
      graph: t.graph,
      idField: t.idField,
      timeField: t.timeField,
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        path: [...c.path, ...(c.each ?? [])].join('/'),
      })),
    })),
  }));
};
