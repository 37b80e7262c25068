/**
 * GET /api/v1/watchlists/{alias}/items — a watchlist's items in CSV order, as Sentinel's
 * watchlistItems list: `{"value": [{name, properties: {watchlistItemId, itemsKeyValue, …}}],
 * "nextLink"}`. Paging: `$top` (default and most 1000) and the `$skipToken` of `nextLink`
 * (the next item's position: a keyset, stable while the watchlist is not replaced).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Store, WatchlistRow } from '../../../store/store.ts';
import { ApiError } from '../../errors.ts';
import { checkAlias, notFound, readers } from './resource.ts';

const MAX_TOP = 1000;

function intParam(v: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new ApiError(400, 'BadRequest', `${name} must be an integer from ${min} to ${max}`);
  return Number(v);
}

export const watchlistItemsRoute =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { alias: string }; Querystring: Record<string, string | undefined> }>(
      '/api/v1/watchlists/:alias/items',
      readers,
      async (req) => {
        checkAlias(req.params.alias);
        const top = intParam(req.query.$top, '$top', 1, MAX_TOP, MAX_TOP);
        const from = intParam(req.query.$skipToken, '$skipToken', 0, Number.MAX_SAFE_INTEGER, 0);
        const tenant = req.principal!.tenant;
        const w: WatchlistRow | undefined = await deps.store.getWatchlist(tenant, req.params.alias);
        if (!w) throw notFound(req.params.alias);
        const items = await deps.store.listWatchlistItems(tenant, w.alias, from, top + 1);
        const more = items.length > top;
        const page = items.slice(0, top);
        return {
          value: page.map((it) => ({
            name: it.itemId,
            type: 'Microsoft.SecurityInsights/Watchlists/WatchlistItems',
            properties: {
              watchlistItemId: it.itemId,
              searchKey: it.searchKey,
              itemsKeyValue: Object.fromEntries(w.columns.map((c, i) => [c, it.values[i] ?? ''])),
              updated: it.updatedAt,
            },
          })),
          ...(more
            ? {
                nextLink: `/api/v1/watchlists/${encodeURIComponent(w.alias)}/items?$top=${top}&$skipToken=${page.at(-1)!.ord + 1}`,
              }
            : {}),
        };
      },
    );
  };
