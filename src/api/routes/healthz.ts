/** GET /healthz — liveness and store reachability; no authentication. */
import type { FastifyPluginAsync } from 'fastify';
import { LOG_TYPES } from '../../registry/log-types.ts';
import type { AppDeps } from '../app.ts';

export const healthzRoute =
  (deps: Pick<AppDeps, 'store'>): FastifyPluginAsync =>
  async (app) => {
    app.get('/healthz', async (_req, reply) => {
      try {
        await deps.store.count(LOG_TYPES[0]!);
        return { status: 'ok', store: deps.store.engine };
      } catch (err) {
        return reply
          .code(503)
          .send({ status: 'unavailable', store: deps.store.engine, error: (err as Error).message });
      }
    });
  };
