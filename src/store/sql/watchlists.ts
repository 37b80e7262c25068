/**
 * The watchlist tables (Microsoft Sentinel's watchlists: CSV reference lists joined in KQL through
 * `_GetWatchlist('alias')`). Shared by the DuckDB migration, the store and the query tests' DuckDB,
 * and named here so the KQL compiler reads them by the same names (src/query/kql/sql/watchlists.ts).
 */
export const WATCHLISTS_TABLE = 'watchlists';
export const WATCHLIST_ITEMS_TABLE = 'watchlist_items';

/** DDL of both tables (idempotent). */
export function watchlistTablesSql(): string[] {
  return [
    // One row per (tenant, alias). `columns` are the CSV header's names, in order: they are the
    // KQL columns of `_GetWatchlist`, so a query binds without reading any item.
    `CREATE TABLE IF NOT EXISTS ${WATCHLISTS_TABLE} (
       tenant VARCHAR NOT NULL, alias VARCHAR NOT NULL, watchlist_id VARCHAR NOT NULL,
       display_name VARCHAR NOT NULL, description VARCHAR, provider VARCHAR NOT NULL,
       source VARCHAR NOT NULL, items_search_key VARCHAR NOT NULL, content_type VARCHAR NOT NULL,
       number_of_lines_to_skip INTEGER NOT NULL, labels VARCHAR[] NOT NULL, columns VARCHAR[] NOT NULL,
       item_count BIGINT NOT NULL,
       created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL,
       updated_at TIMESTAMP NOT NULL, updated_by VARCHAR NOT NULL, PRIMARY KEY (tenant, alias))`,
    // No key constraint: a replace deletes and inserts the same (tenant, alias) rows in one
    // transaction, which DuckDB's eager unique checks would refuse. `vals` are the CSV fields in
    // header order (read positionally by KQL, so any header text works as a column name); `item`
    // the same as a JSON object (KQL's WatchlistItem).
    `CREATE TABLE IF NOT EXISTS ${WATCHLIST_ITEMS_TABLE} (
       tenant VARCHAR NOT NULL, alias VARCHAR NOT NULL, ord INTEGER NOT NULL, item_id VARCHAR NOT NULL,
       search_key VARCHAR NOT NULL, item VARCHAR NOT NULL, vals VARCHAR[] NOT NULL,
       updated_at TIMESTAMP NOT NULL)`,
  ];
}
