/**
 * /api/v1/watchlists/{alias} — one watchlist (Sentinel's Watchlists - Create Or Update, Get,
 * Delete). PUT creates (201) or replaces (200) it with all its items in one transaction; a refused
 * request changes nothing. GET gives the properties and the item count, not the items.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../../store/store.ts';
import { buildWatchlist, WatchlistInputError } from '../../../watchlists/build.ts';
import { ApiError } from '../../errors.ts';
import { checkAlias, notFound, parseBody, readers, resource, writers } from './resource.ts';

export const watchlistRoutes =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    type ByAlias = { Params: { alias: string }; Body: string };

    app.get<ByAlias>('/api/v1/watchlists/:alias', readers, async (req) => {
      checkAlias(req.params.alias);
      const w = await deps.store.getWatchlist(req.principal!.tenant, req.params.alias);
      if (!w) throw notFound(req.params.alias);
      return resource(w);
    });

    app.put<ByAlias>('/api/v1/watchlists/:alias', writers, async (req, reply) => {
      checkAlias(req.params.alias);
      const { watchlistAlias, ...b } = parseBody(req.body);
      if (watchlistAlias !== undefined && watchlistAlias !== req.params.alias)
        throw new ApiError(
          400,
          'BadRequest',
          `invalid watchlist: 'watchlistAlias' '${watchlistAlias}' is not the alias of the URL ('${req.params.alias}')`,
        );
      const p = req.principal!;
      let args: ReturnType<typeof buildWatchlist>;
      try {
        args = buildWatchlist({ ...b, tenant: p.tenant, alias: req.params.alias, by: p.name || p.keyId });
      } catch (e) {
        if (e instanceof WatchlistInputError)
          throw new ApiError(400, 'BadRequest', `invalid watchlist: ${e.message}`);
        throw e;
      }
      const { created } = await deps.store.putWatchlist(...args);
      const saved = await deps.store.getWatchlist(p.tenant, req.params.alias);
      return reply.code(created ? 201 : 200).send(resource(saved!));
    });

    app.delete<ByAlias>('/api/v1/watchlists/:alias', writers, async (req, reply) => {
      checkAlias(req.params.alias);
      if (!(await deps.store.deleteWatchlist(req.principal!.tenant, req.params.alias)))
        throw notFound(req.params.alias);
      return reply.code(204).send();
    });
  };
