/**
 * A real in-memory DuckDB with log tables, for the query tests: tables made by the store's own
 * `createTableSql`, rows filled the way ingest fills them (`columnValue`, `recordKey`,
 * `canonicalJson`). Used by tests only.
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { columnValue, recordKey } from '../../ingest/prepare.ts';
import type { Json } from '../../records/envelope.ts';
import type { LogType } from '../../registry/types.ts';
import { canonicalJson } from '../../security/canonical-json.ts';
import { putWatchlist } from '../../store/duckdb/watchlists.ts';
import { createTableSql, duckdbDialect, tableColumns } from '../../store/sql/dialect.ts';
import { watchlistTablesSql } from '../../store/sql/watchlists.ts';
import type { WatchlistStore } from '../../store/store.ts';
import { pageOf } from '../cursor.ts';
import type { Query } from '../plan.ts';
import { compileCountDuckDb } from './duckdb.ts';
import { readPage } from './read-page.ts';

export interface Row {
  id: string;
  t: string;
  record: Record<string, unknown>;
}

export class TestDb {
  private seq = 0;
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(types: readonly LogType[]): Promise<TestDb> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    for (const t of types) {
      await conn.run(createTableSql(duckdbDialect, t));
      // As migration 5 leaves a table's older rows: no compact form, so pages read `record`.
      await conn.run(`ALTER TABLE ${duckdbDialect.quote(t.table)} ADD COLUMN record_z BLOB`);
    }
    for (const sql of watchlistTablesSql()) await conn.run(sql);
    return new TestDb(instance, conn);
  }

  async insert(type: LogType, tenant: string, records: readonly Record<string, unknown>[]): Promise<void> {
    const cols = tableColumns(type);
    const sql = `INSERT INTO ${duckdbDialect.quote(type.table)} (${cols.map((c) => duckdbDialect.quote(c.name)).join(', ')}) VALUES (${cols
      .map((c, i) =>
        c.type === 'timestamp'
          ? `CAST($${i + 1} AS TIMESTAMP)`
          : c.type === 'string[]'
            ? `from_json($${i + 1}, '["VARCHAR"]')`
            : `$${i + 1}`,
      )
      .join(', ')})`;
    for (const r of records) {
      const rec = r as Json;
      const base: DuckDBValue[] = [
        tenant,
        ++this.seq,
        `hash-${this.seq}`,
        recordKey(type, rec),
        String(rec[type.timeField]),
        new Date().toISOString(),
        canonicalJson(rec),
      ];
      const values = type.columns.map((c): DuckDBValue => {
        const v = columnValue(c, rec);
        if (v === null || v === undefined) return null;
        if (c.type === 'string[]') return JSON.stringify(v);
        return v as DuckDBValue;
      });
      await this.conn.run(sql, [...base, ...values]);
    }
  }

  /** Creates or replaces a watchlist, as the store does (src/watchlists/build.ts makes the arguments). */
  async putWatchlist(...args: Parameters<WatchlistStore['putWatchlist']>): Promise<void> {
    await putWatchlist(this.conn, ...args);
  }

  /** Runs a compiled page query; returns all rows (limit + 1 at most). */
  async rows(query: Query, tenant: string): Promise<Row[]> {
    const rows = await readPage(
      {
        readSql: async (sql, params) =>
          (await this.conn.runAndReadAll(sql, params as DuckDBValue[])).getRowsJS() as unknown[][],
        recordBytes: () => null,
      },
      query,
      tenant,
    );
    return rows.map((r) => ({
      id: r.id,
      t: r.t,
      record: JSON.parse(r.record.toString('utf8')) as Record<string, unknown>,
    }));
  }

  /** One page: the rows and the cursor of the next page. */
  async page(query: Query, tenant: string) {
    return pageOf(await this.rows(query, tenant), query.limit, query.orderBy[0]!.dir);
  }

  async count(query: Query, tenant: string): Promise<number> {
    const { sql, params } = compileCountDuckDb(query, tenant);
    const reader = await this.conn.runAndReadAll(sql, params as DuckDBValue[]);
    return Number((reader.getRowsJS() as unknown[][])[0]![0]);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
