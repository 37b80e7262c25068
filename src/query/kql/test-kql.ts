/** An in-memory DuckDB that runs KQL over `datatable`s and the given log tables, for tests. */
import { DuckDBInstance } from '@duckdb/node-api';
import { LOG_TYPES } from '../../registry/log-types.ts';
import type { LogType } from '../../registry/types.ts';
import { putWatchlist } from '../../store/duckdb/watchlists.ts';
import { watchlistTablesSql } from '../../store/sql/watchlists.ts';
import type { WatchlistStore } from '../../store/store.ts';
import { type KqlResult, runKql } from './run.ts';

export const TEST_NOW = new Date('2025-06-01T12:00:00Z');

export async function openKqlDb(): Promise<{
  kql(query: string, types?: readonly LogType[], tenant?: string): Promise<KqlResult>;
  rows(query: string): Promise<unknown[][]>;
  run(sql: string): Promise<void>;
  /** Creates or replaces a watchlist as the store does (src/watchlists/build.ts makes the arguments). */
  putWatchlist(...args: Parameters<WatchlistStore['putWatchlist']>): Promise<void>;
  close(): void;
}> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const sql of watchlistTablesSql()) await conn.run(sql);
  const read = async (sql: string, params: readonly unknown[]) =>
    (await conn.runAndReadAll(sql, params as never)).getRowsJS() as unknown[][];
  const kql = (query: string, types: readonly LogType[] = LOG_TYPES, tenant = 't1') =>
    runKql(read, { query, tenant, types, now: TEST_NOW });
  return {
    kql,
    rows: async (query) => (await kql(query)).tables[0]!.rows,
    run: async (sql) => {
      await conn.run(sql);
    },
    putWatchlist: async (...args) => {
      await putWatchlist(conn, ...args);
    },
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
