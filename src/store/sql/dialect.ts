/**
 * The SQL dialect seam: what differs between engines when turning the registry into tables.
 * DuckDB is implemented here; the ClickHouse engine adds its own dialect.
 */
import type { ColumnType, LogType } from '../../registry/types.ts';

export interface Dialect {
  name: string;
  columnType(t: ColumnType): string;
  quote(ident: string): string;
  /** A storage clause for the canonical record text (its bulk), or '' for the engine default. */
  recordStorage: string;
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  columnType(t) {
    switch (t) {
      case 'string':
        return 'VARCHAR';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'int':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'bool':
        return 'BOOLEAN';
      case 'string[]':
        return 'VARCHAR[]';
    }
  },
  quote: (ident) => `"${ident.replaceAll('"', '""')}"`,
  // DuckDB stores strings over ~4 KB (most sign-ins) uncompressed in overflow blocks, about 7 KB
  // on disk per 3.9 KB record; ZSTD stores the same records in a twentieth of that
  // (docs/benchmarks.md). Needs a database file of storage version v1.2.0 or later (DuckDbStore
  // creates new files so); an older file ignores the clause and keeps its records uncompressed.
  recordStorage: 'USING COMPRESSION zstd',
};

/** The columns every log table has, before the type's own typed columns. */
export const BASE_COLUMNS: ReadonlyArray<{ name: string; type: ColumnType }> = [
  { name: 'tenant', type: 'string' },
  { name: 'seq', type: 'bigint' },
  { name: 'hash', type: 'string' },
  { name: 'id', type: 'string' },
  { name: 'time', type: 'timestamp' },
  { name: 'ingested_at', type: 'timestamp' },
  // Canonical JSON text. Kept as plain text, not DuckDB's JSON type, so that appends do not pay
  // for a second parse; queries cast where they need JSON functions.
  { name: 'record', type: 'string' },
];

export function tableColumns(type: LogType): Array<{ name: string; type: ColumnType }> {
  return [...BASE_COLUMNS, ...type.columns.map((c) => ({ name: c.name, type: c.type }))];
}

export function createTableSql(d: Dialect, type: LogType): string {
  const required = new Set(BASE_COLUMNS.map((c) => c.name));
  const cols = tableColumns(type).map(
    (c) =>
      `${d.quote(c.name)} ${d.columnType(c.type)}${c.name === 'record' && d.recordStorage ? ` ${d.recordStorage}` : ''}${required.has(c.name) ? ' NOT NULL' : ''}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${d.quote(type.table)} (${cols.join(', ')})`;
}
