/**
 * The engine's own bulk-load rate: DuckDB loading the same Graph-shaped NDJSON file into the same
 * sign-in table DDL as the store uses, with nothing of ours in the way (no HTTP, validation,
 * canonical JSON or hash chain). Each method gets a fresh database file; the time is that of the
 * one auto-committed statement (so it includes DuckDB's durable commit, as ours does).
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LogType } from '../../src/registry/types.ts';
import { createTableSql, duckdbDialect, tableColumns } from '../../src/store/sql/dialect.ts';

const q = duckdbDialect.quote;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

export interface BaselineMethod {
  key: string;
  label: string;
  /** True when the result holds what our table holds (typed columns and the full record text). */
  complete: boolean;
  sql(file: string, type: LogType): string;
}

/** A read_json `columns` spec that reads just the typed columns (nested paths as STRUCTs). */
function typedSpec(type: LogType): { spec: string; exprs: string[] } {
  type Node = { [k: string]: Node | string };
  const root: Node = {
    [type.idField]: 'VARCHAR',
    [type.timeField]: 'TIMESTAMP',
  };
  const exprs: string[] = [];
  for (const c of type.columns) {
    if (c.each) throw new Error(`column ${c.name}: per-item paths are not supported by the baseline`);
    let node = root;
    for (const p of c.path.slice(0, -1)) {
      let child = node[p];
      if (typeof child === 'string') throw new Error(`column ${c.name}: ${p} is both a leaf and a parent`);
      if (!child) {
        child = {};
        node[p] = child;
      }
      node = child;
    }
    node[c.path.at(-1)!] = duckdbDialect.columnType(c.type);
    exprs.push(c.path.map(q).join('.'));
  }
  const render = (n: Node | string): string =>
    typeof n === 'string'
      ? n
      : `STRUCT(${Object.entries(n)
          .map(([k, v]) => `${q(k)} ${render(v)}`)
          .join(', ')})`;
  const spec = Object.entries(root)
    .map(([k, v]) => `${lit(k)}: ${lit(render(v))}`)
    .join(', ');
  return { spec, exprs };
}

const insertInto = (type: LogType) =>
  `INSERT INTO ${q(type.table)} (${tableColumns(type)
    .map((c) => q(c.name))
    .join(', ')})`;

/** tenant, seq, hash, id, time, ingested_at — the hash is left empty (DuckDB has no chain to compute). */
const base = (id: string, time: string) =>
  `'00000000-0000-0000-0000-000000000000', row_number() OVER (), '', ${id}, ${time}, now()`;

export const METHODS: readonly BaselineMethod[] = [
  {
    key: 'read_json',
    label: 'read_json typed columns ⨝ read_json record text (POSITIONAL JOIN)',
    complete: true,
    sql(file, type) {
      const { spec, exprs } = typedSpec(type);
      return `${insertInto(type)} SELECT ${base(q(type.idField), q(type.timeField))}, rec, ${exprs.join(', ')}
        FROM read_json(${lit(file)}, format = 'newline_delimited', columns = {${spec}})
        POSITIONAL JOIN read_json(${lit(file)}, format = 'newline_delimited', records = false, columns = {'rec': 'JSON'})`;
    },
  },
  {
    key: 'json_extract',
    label: 'read_json record text + one multi-path json_extract_string per row',
    complete: true,
    sql(file, type) {
      const paths = [type.idField, type.timeField, ...type.columns.map((c) => c.path.join('.'))].map((p) =>
        lit(`$.${p}`),
      );
      const cols = type.columns.map((c, i) =>
        c.type === 'string' ? `j[${i + 3}]` : `CAST(j[${i + 3}] AS ${duckdbDialect.columnType(c.type)})`,
      );
      return `${insertInto(type)} SELECT ${base('j[1]', 'CAST(j[2] AS TIMESTAMP)')}, rec, ${cols.join(', ')}
        FROM (SELECT rec, json_extract_string(rec, [${paths.join(', ')}]) AS j
              FROM read_json(${lit(file)}, format = 'newline_delimited', records = false, columns = {'rec': 'JSON'}))`;
    },
  },
  {
    key: 'typed_only',
    label: 'read_json typed columns only, no record text (not comparable: an upper bound)',
    complete: false,
    sql(file, type) {
      const { spec, exprs } = typedSpec(type);
      return `${insertInto(type)} SELECT ${base(q(type.idField), q(type.timeField))}, '', ${exprs.join(', ')}
        FROM read_json(${lit(file)}, format = 'newline_delimited', columns = {${spec}})`;
    },
  },
  {
    key: 'read_json_auto',
    label: 'CREATE TABLE AS SELECT * FROM read_json_auto (inferred nested schema)',
    complete: false,
    sql: (file) => `CREATE TABLE auto_signins AS SELECT * FROM read_json_auto(${lit(file)})`,
  },
];

export interface BaselineResult {
  method: BaselineMethod;
  seconds: number;
  rows: number;
}

export async function duckdbVersion(): Promise<string> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const v = String((await c.runAndReadAll('SELECT version()')).getRows()[0]![0]);
  c.closeSync();
  db.closeSync();
  return v;
}

/** Runs one method on a fresh database file in `dir`; returns its time and the rows it stored. */
export async function runBaseline(
  method: BaselineMethod,
  file: string,
  type: LogType,
  dir: string,
): Promise<BaselineResult> {
  const db = await DuckDBInstance.create(path.join(dir, `baseline-${method.key}.duckdb`));
  const c = await db.connect();
  try {
    await c.run(createTableSql(duckdbDialect, type));
    const t0 = performance.now();
    await c.run(method.sql(file, type));
    const seconds = (performance.now() - t0) / 1000;
    const table = method.key === 'read_json_auto' ? 'auto_signins' : type.table;
    const rows = Number((await c.runAndReadAll(`SELECT count(*) FROM ${q(table)}`)).getRows()[0]![0]);
    return { method, seconds, rows };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
