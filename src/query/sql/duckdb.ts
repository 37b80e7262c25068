/**
 * The plan (../plan.ts) → DuckDB SQL over a log type's table (store/sql/dialect.ts).
 *
 * - Every literal from the query is a bound parameter ($1 is always the tenant); nothing a user
 *   typed is ever spliced into SQL text.
 * - Every identifier and JSON path in the SQL comes from the registry (columns, time/id fields) or
 *   from the record schema through validation, and is checked against a strict name pattern here
 *   as a second line of defence.
 * - A path with a typed column reads the column (`userPrincipalName` → user_principal_name,
 *   `status/errorCode` → error_code); any other path reads the canonical JSON record
 *   (`json_extract_string(record, '$."location"."city"')`).
 * - Lambdas: over a string list column, `list_contains` (exact eq) or `list_filter`; over arrays of
 *   objects, `list_filter` over `json_extract(record, '$."targetResources"[*]')`, or over the
 *   registry's list column when the predicate reads only the sub-field that column holds
 *   (targetResources/any(t: t/id eq …) → target_ids).
 * - Null semantics are OData's two-valued ones: `ne` is IS DISTINCT FROM, and under `not` every
 *   comparison is wrapped so that a null operand makes it false rather than unknown.
 * - Paging is keyset on (time, id): `time <= $t AND (time < $t OR id < $id)` for desc, and
 *   `LIMIT limit + 1` so the caller knows whether there is a next page.
 */
import type { ColumnDef, LogType } from '../../registry/types.ts';
import { duckdbDialect } from '../../store/sql/dialect.ts';
import type { Expr, FieldRef, FieldType, Literal, Operand, Query } from '../plan.ts';

export interface CompiledSql {
  sql: string;
  params: unknown[];
}

/** A page's SQL: its third column is the record's compact form (`record_z`) when `compact`, else text. */
export interface CompiledPageSql extends CompiledSql {
  compact: boolean;
}

const q = duckdbDialect.quote;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Output columns of compileDuckDb: the store id, the time as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the record JSON text. */
export const RESULT_COLUMNS = ['id', 't', 'record'] as const;

const TIME_TEXT = `strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ')`;

function jsonPath(path: readonly string[], suffix = ''): string {
  for (const seg of path) {
    if (!NAME.test(seg)) throw new Error(`invalid property name in plan: ${JSON.stringify(seg)}`);
  }
  return `'$${path.map((s) => `."${s}"`).join('')}${suffix}'`;
}

const samePath = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/** A datetime literal as DuckDB's TIMESTAMP text (UTC, microseconds). */
const timestampText = (v: string) => v.replace('T', ' ').replace(/Z$/, '');

interface Element {
  /** SQL name of the lambda parameter. */
  name: string;
  /** 'string': the element is a VARCHAR; 'json': the element is a JSON object. */
  kind: 'string' | 'json';
}

class Compiler {
  readonly params: unknown[];
  private lambdaNo = 0;
  private readonly elements = new Map<string, Element>();

  constructor(
    private readonly type: LogType,
    params: unknown[],
  ) {
    this.params = params;
  }

  bind(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  private column(path: readonly string[], list: boolean): ColumnDef | undefined {
    return this.type.columns.find(
      (c) => !c.each && samePath(c.path, path) && (c.type === 'string[]') === list,
    );
  }

  /** SQL for a scalar field. */
  private field(f: FieldRef): string {
    if (f.variable !== undefined) {
      const el = this.elements.get(f.variable);
      if (!el) throw new Error(`unbound lambda variable '${f.variable}'`);
      if (el.kind === 'string' || f.path.length === 0) return el.name;
      return this.fromJson(el.name, f.path, f.type);
    }
    const key = f.path.join('/');
    if (key === this.type.timeField) return 'time';
    if (key === this.type.idField && !this.type.keyFields) return 'id';
    const col = this.column(f.path, false);
    if (col) return q(col.name);
    return this.fromJson('record', f.path, f.type);
  }

  private fromJson(source: string, path: readonly string[], type: FieldType): string {
    const text = `json_extract_string(${source}, ${jsonPath(path)})`;
    switch (type) {
      case 'number':
        return `TRY_CAST(${text} AS DOUBLE)`;
      case 'boolean':
        return `TRY_CAST(${text} AS BOOLEAN)`;
      case 'datetime':
        return `TRY_CAST(${text} AS TIMESTAMP)`;
      default:
        return text;
    }
  }

  private operand(o: Operand): string {
    switch (o.kind) {
      case 'field':
        return this.field(o);
      case 'literal':
        return this.literal(o);
      case 'valueCall':
        return `${o.fn === 'tolower' ? 'lower' : 'upper'}(${this.operand(o.arg)})`;
    }
  }

  private literal(l: Literal): string {
    switch (l.type) {
      case 'null':
        return 'NULL';
      case 'datetime':
        return `CAST(${this.bind(timestampText(String(l.value)))} AS TIMESTAMP)`;
      default:
        return this.bind(l.value);
    }
  }

  /**
   * Compiles a boolean expression. With `total`, the result is never NULL (false instead): needed
   * under NOT, where SQL's unknown would otherwise drop rows OData keeps.
   */
  expr(e: Expr, total = false): string {
    const t = (s: string) => (total ? `coalesce(${s}, false)` : s);
    switch (e.kind) {
      case 'and':
        return `(${this.expr(e.left, total)} AND ${this.expr(e.right, total)})`;
      case 'or':
        return `(${this.expr(e.left, total)} OR ${this.expr(e.right, total)})`;
      case 'not':
        return `(NOT ${this.expr(e.arg, true)})`;
      case 'bool':
        return t(this.operand(e.operand));
      case 'compare': {
        const ci = e.caseInsensitive === true;
        const wrap = (s: string) => (ci ? `lower(${s})` : s);
        const left = this.operand(e.left);
        if (e.right.kind === 'literal' && e.right.type === 'null') {
          return `(${left} IS ${e.op === 'eq' ? '' : 'NOT '}NULL)`;
        }
        const right = this.operand(e.right);
        if (e.op === 'ne') return `(${wrap(left)} IS DISTINCT FROM ${wrap(right)})`;
        const op = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' }[e.op];
        return t(`(${wrap(left)} ${op} ${wrap(right)})`);
      }
      case 'call': {
        const ci = e.caseInsensitive === true;
        const wrap = (s: string) => (ci ? `lower(${s})` : s);
        const fn = { startswith: 'starts_with', endswith: 'ends_with', contains: 'contains' }[e.fn];
        return t(`${fn}(${wrap(this.operand(e.args[0]))}, ${wrap(this.operand(e.args[1]))})`);
      }
      case 'in': {
        const ci = e.caseInsensitive === true;
        const wrap = (s: string) => (ci ? `lower(${s})` : s);
        const left = this.operand(e.operand);
        const values = e.values.filter((v) => v.type !== 'null');
        const parts: string[] = [];
        if (values.length > 0)
          parts.push(`${wrap(left)} IN (${values.map((v) => wrap(this.literal(v))).join(', ')})`);
        if (values.length < e.values.length) parts.push(`${left} IS NULL`);
        return t(`(${parts.join(' OR ')})`);
      }
      case 'lambda':
        return this.lambda(e, total);
    }
  }

  /** The list a lambda iterates, and what its elements are. */
  private collection(e: Expr & { kind: 'lambda' }): { sql: string; kind: 'string' | 'json' } {
    const c = e.collection;
    if (c.variable !== undefined) throw new Error('nested lambdas are not supported');
    if (c.type === 'string[]') {
      const col = this.column(c.path, true);
      if (col) {
        // Sign-in kinds: a record without signInEventTypes is of its table's kind.
        const kind = this.type.graph?.signInEventType;
        if (kind && samePath(c.path, ['signInEventTypes'])) {
          return {
            sql: `(CASE WHEN coalesce(len(${q(col.name)}), 0) = 0 THEN [${this.bind(kind)}]::VARCHAR[] ELSE ${q(col.name)} END)`,
            kind: 'string',
          };
        }
        return { sql: q(col.name), kind: 'string' };
      }
      return { sql: `json_extract_string(record, ${jsonPath(c.path, '[*]')})`, kind: 'string' };
    }
    // An array of objects. A list column holding one sub-field of every element serves a
    // predicate that reads only that sub-field (for `any`; `all` must see elements without it).
    if (e.op === 'any' && e.predicate && e.variable !== undefined) {
      const sub = singleSubPath(e.predicate, e.variable);
      if (sub) {
        const col = this.type.columns.find(
          (x) => x.type === 'string[]' && x.each && samePath(x.path, c.path) && samePath(x.each, sub),
        );
        if (col) return { sql: q(col.name), kind: 'string' };
      }
    }
    return { sql: `json_extract(record, ${jsonPath(c.path, '[*]')})`, kind: 'json' };
  }

  private lambda(e: Expr & { kind: 'lambda' }, total: boolean): string {
    const coll = this.collection(e);
    if (!e.predicate || e.variable === undefined) return `(coalesce(len(${coll.sql}), 0) > 0)`;
    // any(t: t eq 'v') over a string list: list_contains.
    const p = e.predicate;
    if (
      e.op === 'any' &&
      coll.kind === 'string' &&
      p.kind === 'compare' &&
      p.op === 'eq' &&
      !p.caseInsensitive &&
      p.left.kind === 'field' &&
      p.left.variable === e.variable &&
      (p.left.path.length === 0 || this.isElementColumn(coll.sql)) &&
      p.right.kind === 'literal' &&
      p.right.type !== 'null'
    ) {
      const s = `list_contains(${coll.sql}, ${this.literal(p.right)})`;
      return total ? `coalesce(${s}, false)` : s;
    }
    const name = `_v${++this.lambdaNo}`;
    this.elements.set(e.variable, { name, kind: coll.kind });
    try {
      if (e.op === 'any') {
        return `(coalesce(len(list_filter(${coll.sql}, lambda ${name}: ${this.expr(p)})), 0) > 0)`;
      }
      return `(coalesce(len(list_filter(${coll.sql}, lambda ${name}: NOT ${this.expr(p, true)})), 0) = 0)`;
    } finally {
      this.elements.delete(e.variable);
    }
  }

  private isElementColumn(sql: string): boolean {
    return this.type.columns.some((c) => c.each && q(c.name) === sql);
  }
}

/** The one sub-path (t/id → ['id']) a lambda predicate reads through its variable, if only one. */
function singleSubPath(e: Expr, variable: string): readonly string[] | undefined {
  const paths: (readonly string[])[] = [];
  const visit = (o: Operand) => {
    if (o.kind === 'field' && o.variable === variable) paths.push(o.path);
    if (o.kind === 'valueCall') visit(o.arg);
  };
  const walk = (x: Expr): boolean => {
    switch (x.kind) {
      case 'and':
      case 'or':
        return walk(x.left) && walk(x.right);
      case 'not':
        return walk(x.arg);
      case 'compare':
        visit(x.left);
        visit(x.right);
        return true;
      case 'call':
        visit(x.args[0]);
        visit(x.args[1]);
        return true;
      case 'in':
        visit(x.operand);
        return true;
      case 'bool':
        visit(x.operand);
        return true;
      case 'lambda':
        return false;
    }
  };
  if (!walk(e) || paths.length === 0) return undefined;
  const first = paths[0]!;
  if (first.length === 0 || !paths.every((p) => samePath(p, first))) return undefined;
  return first;
}

function checkQuery(query: Query): void {
  const [first, ...rest] = query.orderBy;
  if (!first || first.path.join('/') !== query.type.timeField) {
    throw new Error(
      `the DuckDB engine pages by (time, id): the first sort key must be '${query.type.timeField}'`,
    );
  }
  for (const o of rest) {
    if (o.path.join('/') !== query.type.idField || o.dir !== first.dir) {
      throw new Error('only the id, in the same direction, may follow the time in the sort');
    }
  }
  if (query.after && query.after.dir !== first.dir) throw new Error('the cursor runs in the other direction');
  if (!Number.isSafeInteger(query.limit) || query.limit < 0) throw new Error(`invalid limit ${query.limit}`);
  for (const t of query.union ?? []) {
    const same =
      t.columns.length === query.type.columns.length &&
      t.columns.every(
        (c, i) => c.name === query.type.columns[i]!.name && c.type === query.type.columns[i]!.type,
      );
    if (!same || t.timeField !== query.type.timeField || t.idField !== query.type.idField) {
      throw new Error(`cannot union '${t.category}' with '${query.type.category}': different shapes`);
    }
  }
}

function whereClause(
  type: LogType,
  query: Query,
  params: unknown[],
  withCursor: boolean,
  through?: { t: string; id: string },
): string {
  const c = new Compiler(type, params);
  const parts = ['tenant = $1'];
  if (query.filter) parts.push(c.expr(query.filter));
  if (withCursor && query.notBefore) {
    parts.push(`time >= CAST(${c.bind(timestampText(query.notBefore))} AS TIMESTAMP)`);
  }
  if (withCursor && query.after) {
    const t = c.bind(timestampText(query.after.t));
    const id = c.bind(query.after.id);
    const [lt, le] = query.after.dir === 'desc' ? ['<', '<='] : ['>', '>='];
    parts.push(
      `time ${le} CAST(${t} AS TIMESTAMP) AND (time ${lt} CAST(${t} AS TIMESTAMP) OR id ${lt} ${id})`,
    );
  }
  if (through) {
    // The other end of a range, inclusive: rows up to and including `through` in the sort order.
    const t = c.bind(timestampText(through.t));
    const id = c.bind(through.id);
    const [gt, ge] = query.orderBy[0]!.dir === 'desc' ? ['>', '>='] : ['<', '<='];
    parts.push(
      `time ${ge} CAST(${t} AS TIMESTAMP) AND (time ${gt} CAST(${t} AS TIMESTAMP) OR id ${ge} ${id})`,
    );
  }
  return parts.join('\n  AND ');
}

function recordSql(select: readonly string[] | undefined): string {
  if (!select || select.length === 0) return 'record';
  const pairs = select.map((name) => {
    if (!NAME.test(name)) throw new Error(`invalid property name in $select: ${JSON.stringify(name)}`);
    return `'${name}', json_extract(record, ${jsonPath([name])})`;
  });
  return `CAST(json_object(${pairs.join(', ')}) AS VARCHAR)`;
}

/**
 * What a query reads from a table. Snapshot types (keyFields: risky users and risky service
 * principals) keep every state change; Graph shows each principal's current state, so they read
 * the latest snapshot per principal (the key's first part is the Graph id). Filters and paging
 * then apply to those, so a principal never reappears with an older state on a later page.
 */
function source(type: LogType): string {
  if (!type.keyFields) return q(type.table);
  return `(SELECT * FROM ${q(type.table)} WHERE tenant = $1 QUALIFY row_number() OVER (PARTITION BY split_part(id, '|', 1) ORDER BY time DESC, id DESC) = 1)`;
}

/**
 * A page of a query for one tenant: rows of (id, t, record) in order, at most `limit + 1` of them
 * (the extra row only says that a next page exists; see cursor.ts `pageOf`). Without `$select`
 * the record comes in its compact form (`compact`: decode with Store.recordText; see
 * store/record-codec.ts for why), null for rows stored before that form existed: read those with
 * compileRecordsByKeyDuckDb.
 */
export function compileDuckDb(query: Query, tenant: string): CompiledPageSql {
  checkQuery(query);
  const params: unknown[] = [tenant];
  const dir = query.orderBy[0]!.dir === 'desc' ? 'DESC' : 'ASC';
  const order = `ORDER BY time ${dir}, id ${dir}`;
  const types = [query.type, ...(query.union ?? [])];
  const limit = `$${params.push(query.limit + 1)}`;
  const compact = !query.select || query.select.length === 0;
  const record = compact ? 'record_z' : recordSql(query.select);
  if (types.length === 1) {
    return {
      sql: `SELECT id, ${TIME_TEXT} AS t, ${record} AS record\nFROM ${source(query.type)}\nWHERE ${whereClause(query.type, query, params, true)}\n${order}\nLIMIT ${limit}`,
      params,
      compact,
    };
  }
  // Each table sorts and limits its own rows (a top-N each), then the pages are merged.
  const branches = types.map(
    (t) =>
      `(SELECT id, time, ${record} AS record FROM ${source(t)}\n WHERE ${whereClause(t, query, params, true)}\n ${order} LIMIT ${limit})`,
  );
  return {
    sql: `SELECT id, ${TIME_TEXT} AS t, record FROM (\n${branches.join('\nUNION ALL\n')}\n)\n${order}\nLIMIT ${limit}`,
    params,
    compact,
  };
}

/**
 * The canonical text of some of a query's rows, by their keys (id and time as a page gave them):
 * rows of (id, record), in no particular order. For rows whose compact form is missing; bounded by
 * the keys' time range so the engine reads only the row groups that hold them.
 */
export function compileRecordsByKeyDuckDb(
  query: Query,
  tenant: string,
  keys: ReadonlyArray<{ id: string; t: string }>,
): CompiledSql {
  if (keys.length === 0) throw new Error('no keys');
  const params: unknown[] = [tenant];
  const times = keys.map((k) => k.t).sort();
  const from = `$${params.push(timestampText(times[0]!))}`;
  const to = `$${params.push(timestampText(times[times.length - 1]!))}`;
  const ids = keys.map((k) => `$${params.push(k.id)}`).join(', ');
  const types = [query.type, ...(query.union ?? [])];
  const branches = types.map(
    (t) =>
      `SELECT id, record FROM ${source(t)}\nWHERE tenant = $1 AND time BETWEEN CAST(${from} AS TIMESTAMP) AND CAST(${to} AS TIMESTAMP) AND id IN (${ids})`,
  );
  return { sql: branches.join('\nUNION ALL\n'), params };
}

/**
 * Where a chunk of `query.limit` rows ends: the keys (id, t) of its last row and of the row after
 * it, i.e. at most 2 rows (none: the query has fewer rows than the limit; one: exactly the
 * limit; two: more follow). Only keys are sorted, never the record texts, and only the boundary
 * crosses into JavaScript; compileRangeDuckDb then reads the chunk's records.
 */
export function compileChunkEndDuckDb(query: Query, tenant: string): CompiledSql {
  checkQuery(query);
  if (query.limit < 1) throw new Error(`invalid chunk size ${query.limit}`);
  const params: unknown[] = [tenant];
  const dir = query.orderBy[0]!.dir === 'desc' ? 'DESC' : 'ASC';
  const order = `ORDER BY time ${dir}, id ${dir}`;
  const types = [query.type, ...(query.union ?? [])];
  if (types.length === 1) {
    const where = whereClause(query.type, query, params, true);
    return {
      sql: `SELECT id, ${TIME_TEXT} AS t\nFROM ${source(query.type)}\nWHERE ${where}\n${order}\nLIMIT 2 OFFSET $${params.push(query.limit - 1)}`,
      params,
    };
  }
  // Each table's own first limit + 1 keys, then the merged order.
  const limit = `$${params.push(query.limit + 1)}`;
  const branches = types.map(
    (t) =>
      `(SELECT id, time FROM ${source(t)}\n WHERE ${whereClause(t, query, params, true)}\n ${order} LIMIT ${limit})`,
  );
  return {
    sql: `SELECT id, ${TIME_TEXT} AS t FROM (\n${branches.join('\nUNION ALL\n')}\n)\n${order}\nLIMIT 2 OFFSET $${params.push(query.limit - 1)}`,
    params,
  };
}

/**
 * The records of the query's rows from its cursor (exclusive) through `through` (inclusive; to
 * the end of the query's window when undefined), in the query's order, joined by line breaks into
 * one BLOB per time bucket of `bucketMicros` (buckets in order too): the stored UTF-8 bytes as
 * they are (`encode` reinterprets; a cast would parse escapes). Canonical JSON holds no raw line
 * break, so the caller splits them again. A few hundred records per value instead of one: each
 * value handed to JavaScript costs allocations and garbage collection, which were a large part of
 * a download's time (docs/benchmarks.md). Rows with the same time share a bucket, so the order
 * across buckets is the query's order.
 */
export function compileRangeDuckDb(
  query: Query,
  tenant: string,
  through: { t: string; id: string } | undefined,
  bucketMicros: number,
): CompiledSql {
  checkQuery(query);
  if (!Number.isSafeInteger(bucketMicros) || bucketMicros < 1)
    throw new Error(`invalid bucket ${bucketMicros}`);
  const params: unknown[] = [tenant];
  const dir = query.orderBy[0]!.dir === 'desc' ? 'DESC' : 'ASC';
  const types = [query.type, ...(query.union ?? [])];
  const record = recordSql(query.select);
  const branches = types.map(
    (t) =>
      `SELECT id, time, ${record} AS record FROM ${source(t)}\nWHERE ${whereClause(t, query, params, true, through)}`,
  );
  const bucket = `epoch_us(time) // CAST($${params.push(bucketMicros)} AS BIGINT)`;
  return {
    sql: `SELECT encode(string_agg(record, chr(10) ORDER BY time ${dir}, id ${dir})) AS records FROM (\n${branches.join('\nUNION ALL\n')}\n)\nGROUP BY ${bucket}\nORDER BY ${bucket} ${dir}`,
    params,
  };
}

/**
 * Records matching the query's filter per time bucket of `seconds`, oldest first: rows of
 * (bucket start as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, records, records matching `success`). Cursor and
 * limit are ignored; at most `maxBuckets + 1` rows, so the caller can refuse too fine a bucket.
 */
export function compileHistogramDuckDb(
  query: Query,
  tenant: string,
  seconds: number,
  success: Expr | undefined,
  maxBuckets: number,
): CompiledSql {
  checkQuery(query);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new Error(`invalid bucket ${seconds}`);
  const params: unknown[] = [tenant];
  const types = [query.type, ...(query.union ?? [])];
  const branches = types.map((t) => {
    const ok = success ? `coalesce(${compileFilterDuckDb(t, success, params)}, false)` : 'false';
    return `SELECT time, ${ok} AS ok FROM ${source(t)} WHERE ${whereClause(t, query, params, false)}`;
  });
  const bucket = `time_bucket(INTERVAL '${seconds} seconds', time, TIMESTAMP '1970-01-01')`;
  const limit = `$${params.push(maxBuckets + 1)}`;
  return {
    sql: `SELECT strftime(${bucket}, '%Y-%m-%dT%H:%M:%S.%fZ') AS b, count(*) AS n, count(*) FILTER (WHERE ok) AS ok\nFROM (\n${branches.join('\nUNION ALL\n')}\n)\nGROUP BY ALL\nORDER BY b\nLIMIT ${limit}`,
    params,
  };
}

/** The number of records matching the query's filter for one tenant (`$count`; cursor and limit ignored). */
export function compileCountDuckDb(query: Query, tenant: string): CompiledSql {
  checkQuery(query);
  const params: unknown[] = [tenant];
  const types = [query.type, ...(query.union ?? [])];
  const counts = types.map(
    (t) => `(SELECT count(*) FROM ${source(t)} WHERE ${whereClause(t, query, params, false)})`,
  );
  return { sql: `SELECT ${counts.join(' + ')} AS count`, params };
}

/** The WHERE condition of a filter alone (without tenant), for callers that build their own SQL. */
export function compileFilterDuckDb(type: LogType, filter: Expr, params: unknown[]): string {
  return new Compiler(type, params).expr(filter);
}

/**
 * One record by its Graph id, for GET /{resource}/{id}: the row itself, or — for snapshot types
 * keyed by (id, time) — the principal's latest snapshot. Its compact form by default (decode with
 * Store.recordText); `record` for a row stored without one.
 */
export function compileByIdDuckDb(
  type: LogType,
  tenant: string,
  id: string,
  column: 'record_z' | 'record' = 'record_z',
): CompiledSql {
  const match = type.keyFields ? `starts_with(id, $2 || '|')` : 'id = $2';
  return {
    sql: `SELECT ${column} FROM ${q(type.table)} WHERE tenant = $1 AND ${match} ORDER BY time DESC LIMIT 1`,
    params: [tenant, id],
  };
}
