/**
 * `_GetWatchlist('alias')` as SQL: the tenant's watchlist items (src/store/sql/watchlists.ts) with
 * Sentinel's columns — `_DTItemId`, `LastUpdatedTimeUTC`, `SearchKey`, `WatchlistItem` (dynamic),
 * then each CSV column as a string, in header order. The column set depends on the watchlist, so
 * the compiler first reads the tenant's watchlists' headers (one discovery query, run.ts).
 */
import { WATCHLIST_ITEMS_TABLE, WATCHLISTS_TABLE } from '../../../store/sql/watchlists.ts';
import type { Col, Rel } from '../compile.ts';
import type { KqlDialect } from './dialect.ts';

/** Every watchlist of the tenant bound to `tenantParam`: [alias, header columns as JSON text]. */
export function watchlistHeadersSql(d: KqlDialect, tenantParam: string): string {
  return `SELECT alias, CAST(to_json(columns) AS VARCHAR) FROM ${d.quote(WATCHLISTS_TABLE)} WHERE tenant = ${tenantParam}`;
}

export function watchlistRel(
  d: KqlDialect,
  alias: string,
  columns: readonly string[],
  tenantParam: string,
): Rel {
  const q = d.quote;
  const cols: Col[] = [
    { name: '_DTItemId', type: 'string' },
    { name: 'LastUpdatedTimeUTC', type: 'datetime' },
    { name: 'SearchKey', type: 'string' },
    { name: 'WatchlistItem', type: 'dynamic' },
    ...columns.map((name) => ({ name, type: 'string' as const })),
  ];
  const exprs = [
    'item_id',
    'updated_at',
    'search_key',
    d.parseJson('item'),
    // Fields by position (1-based lists): any header text is a valid column name this way.
    ...columns.map((_, i) => `vals[${i + 1}]`),
  ];
  return {
    sql: `SELECT ${exprs.map((e, i) => `${e} AS ${q(cols[i]!.name)}`).join(', ')} FROM ${q(WATCHLIST_ITEMS_TABLE)} WHERE tenant = ${tenantParam} AND alias = ${d.string(alias)}`,
    cols,
  };
}
