/** GET /metrics — Prometheus text format; no authentication (bind to a private interface). */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';

export const metricsRoute =
  (deps: Pick<AppDeps, 'metrics'>): FastifyPluginAsync =>
  async (app) => {
    app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
