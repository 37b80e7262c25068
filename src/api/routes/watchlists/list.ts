/** GET /api/v1/watchlists — the tenant's watchlists (without items), as `{"value": [...]}`. */
import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../../store/store.ts';
import { readers, resource } from './resource.ts';

export const watchlistsRoute =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/v1/watchlists', readers, async (req) => ({
      value: (await deps.store.listWatchlists(req.principal!.tenant)).map(resource),
    }));
  };
