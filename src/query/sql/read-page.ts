/**
 * Runs a page query (compileDuckDb) and gives its rows with each record's canonical UTF-8 bytes:
 * compact forms decoded by the store, and the rows stored before compact forms existed read from
 * `record` by key in one more statement.
 */
import type { Query } from '../plan.ts';
import { compileDuckDb, compileRecordsByKeyDuckDb } from './duckdb.ts';

/** What a page read needs from a store (Store has both; tests can pass a bare connection). */
export interface PageSource {
  readSql(sql: string, params: readonly unknown[], opts?: { compact?: boolean }): Promise<unknown[][]>;
  recordBytes(compact: unknown): Buffer | null;
}

export interface RawPage {
  rows: Array<{ id: string; t: string; value: unknown }>;
  compact: boolean;
}

export interface PageRow {
  id: string;
  t: string;
  /** Canonical JSON, UTF-8: Graph shapes the bytes (graph/shape-bytes.ts) without a string. */
  record: Buffer;
}

/** The page's keys and undecoded records (a caller may run several and keep one: see withRecords). */
export async function queryPage(src: PageSource, query: Query, tenant: string): Promise<RawPage> {
  const { sql, params, compact } = compileDuckDb(query, tenant);
  const rows = (await src.readSql(sql, params, { compact })).map((r) => ({
    id: String(r[0]),
    t: String(r[1]),
    value: r[2],
  }));
  return { rows, compact };
}

export async function withRecords(
  src: PageSource,
  query: Query,
  tenant: string,
  page: RawPage,
): Promise<PageRow[]> {
  if (!page.compact)
    return page.rows.map((r) => ({ id: r.id, t: r.t, record: Buffer.from(String(r.value)) }));
  const out = page.rows.map((r) => ({ id: r.id, t: r.t, record: src.recordBytes(r.value) }));
  const missing = out.filter((r) => r.record === null);
  if (missing.length > 0) {
    const { sql, params } = compileRecordsByKeyDuckDb(query, tenant, missing);
    const texts = new Map((await src.readSql(sql, params)).map((r) => [String(r[0]), String(r[1])]));
    for (const r of missing) {
      const text = texts.get(r.id);
      if (text === undefined) throw new Error(`record ${r.id} vanished between two reads`);
      r.record = Buffer.from(text);
    }
  }
  return out as PageRow[];
}

export async function readPage(src: PageSource, query: Query, tenant: string): Promise<PageRow[]> {
  return withRecords(src, query, tenant, await queryPage(src, query, tenant));
}
