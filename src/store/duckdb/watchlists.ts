/**
 * Watchlist rows on DuckDB, on a given connection: the store runs them on its settings connection
 * (duckdb-store.ts); the query tests run them on their in-memory database (query/sql/test-db.ts).
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { WATCHLIST_ITEMS_TABLE as ITEMS, WATCHLISTS_TABLE as LISTS } from '../sql/watchlists.ts';
import type { WatchlistItemRow, WatchlistRow, WatchlistStore } from '../store.ts';

type PutArgs = Parameters<WatchlistStore['putWatchlist']>;

const rows = async (conn: DuckDBConnection, sql: string, params: unknown[]) =>
  (await conn.runAndReadAll(sql, params as never)).getRowsJS() as unknown[][];

const iso = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%SZ')`;

/** Creates or replaces a watchlist and its items, in one transaction on `conn`. */
export async function putWatchlist(
  conn: DuckDBConnection,
  w: PutArgs[0],
  items: PutArgs[1],
): Promise<{ created: boolean }> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const existing = await rows(conn, `SELECT 1 FROM ${LISTS} WHERE tenant = $1 AND alias = $2`, [
      w.tenant,
      w.alias,
    ]);
    const now = new Date().toISOString();
    await conn.run(
      `INSERT INTO ${LISTS} (tenant, alias, watchlist_id, display_name, description, provider, source,
         items_search_key, content_type, number_of_lines_to_skip, labels, columns, item_count,
         created_at, created_by, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, from_json($15, '["VARCHAR"]'),
         from_json($11, '["VARCHAR"]'), $12, CAST($13 AS TIMESTAMP), $14, CAST($13 AS TIMESTAMP), $14)
       ON CONFLICT (tenant, alias) DO UPDATE SET display_name = excluded.display_name,
         description = excluded.description, provider = excluded.provider, source = excluded.source,
         items_search_key = excluded.items_search_key, content_type = excluded.content_type,
         number_of_lines_to_skip = excluded.number_of_lines_to_skip, labels = excluded.labels,
         columns = excluded.columns,
         item_count = excluded.item_count, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [
        w.tenant,
        w.alias,
        randomUUID(),
        w.displayName,
        w.description,
        w.provider,
        w.source,
        w.itemsSearchKey,
        w.contentType,
        w.numberOfLinesToSkip,
        JSON.stringify(w.columns),
        items.length,
        now,
        w.by,
        JSON.stringify(w.labels),
      ] as never,
    );
    await conn.run(`DELETE FROM ${ITEMS} WHERE tenant = $1 AND alias = $2`, [w.tenant, w.alias]);
    if (items.length) {
      // All items in one statement: DuckDB reads the JSON array in bulk (a row-by-row Appender
      // measured no faster for 100k items).
      const json = JSON.stringify(
        items.map((it, ord) => ({
          ord,
          id: it.itemId,
          key: it.searchKey,
          item: JSON.stringify(Object.fromEntries(w.columns.map((c, i) => [c, it.values[i] ?? '']))),
          vals: it.values,
        })),
      );
      await conn.run(
        `INSERT INTO ${ITEMS} (tenant, alias, ord, item_id, search_key, item, vals, updated_at)
         SELECT $1, $2, e.ord, e.id, e.key, e.item, e.vals, CAST($3 AS TIMESTAMP) FROM (
           SELECT unnest(from_json($4, '[{"ord":"INTEGER","id":"VARCHAR","key":"VARCHAR","item":"VARCHAR","vals":["VARCHAR"]}]')) AS e)`,
        [w.tenant, w.alias, now, json],
      );
    }
    await conn.run('COMMIT');
    return { created: existing.length === 0 };
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

export async function deleteWatchlist(
  conn: DuckDBConnection,
  tenant: string,
  alias: string,
): Promise<boolean> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DELETE FROM ${ITEMS} WHERE tenant = $1 AND alias = $2`, [tenant, alias]);
    const r = await conn.run(`DELETE FROM ${LISTS} WHERE tenant = $1 AND alias = $2`, [tenant, alias]);
    await conn.run('COMMIT');
    return r.rowsChanged > 0;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

type Read = (sql: string, params: unknown[]) => Promise<unknown[][]>;

export async function listWatchlists(read: Read, tenant: string, alias?: string): Promise<WatchlistRow[]> {
  const r = await read(
    `SELECT tenant, alias, watchlist_id, display_name, description, provider, source, items_search_key,
       content_type, number_of_lines_to_skip, to_json(columns)::VARCHAR, item_count, ${iso('created_at')},
       created_by, ${iso('updated_at')}, updated_by, to_json(labels)::VARCHAR
     FROM ${LISTS} WHERE tenant = $1 ${alias === undefined ? '' : 'AND alias = $2'} ORDER BY lower(alias), alias`,
    alias === undefined ? [tenant] : [tenant, alias],
  );
  return r.map((x) => ({
    tenant: String(x[0]),
    alias: String(x[1]),
    watchlistId: String(x[2]),
    displayName: String(x[3]),
    description: x[4] == null ? null : String(x[4]),
    provider: String(x[5]),
    source: String(x[6]),
    itemsSearchKey: String(x[7]),
    contentType: String(x[8]),
    numberOfLinesToSkip: Number(x[9]),
    columns: JSON.parse(String(x[10])) as string[],
    itemCount: Number(x[11]),
    createdAt: String(x[12]),
    createdBy: String(x[13]),
    updatedAt: String(x[14]),
    updatedBy: String(x[15]),
    labels: JSON.parse(String(x[16])) as string[],
  }));
}

export async function listWatchlistItems(
  read: Read,
  tenant: string,
  alias: string,
  from: number,
  limit: number,
): Promise<WatchlistItemRow[]> {
  const r = await read(
    `SELECT ord, item_id, search_key, to_json(vals)::VARCHAR, ${iso('updated_at')} FROM ${ITEMS}
     WHERE tenant = $1 AND alias = $2 AND ord >= $3 ORDER BY ord LIMIT $4`,
    [tenant, alias, from, limit],
  );
  return r.map((x) => ({
    ord: Number(x[0]),
    itemId: String(x[1]),
    searchKey: String(x[2]),
    values: JSON.parse(String(x[3])) as string[],
    updatedAt: String(x[4]),
  }));
}
