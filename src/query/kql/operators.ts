/**
 * The tabular operators, each one SELECT over the previous relation (where, project, extend,
 * summarize's and the relational operators' entry points, sort, take, top, distinct, union,
 * datatable, getschema, project-reorder, …), and the serialized-order rule of row_number/prev/next.
 */
import type { Expr, KType, Operator, Span, Tabular } from './ast.ts';
import type { Col, Compiler, Rel, Scope } from './compile.ts';
import { KqlError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { join, mvApply, mvExpand, parseOp } from './relational.ts';
import { makeSeries } from './series.ts';
import { summarize } from './summarize.ts';
import { topNested } from './top-nested.ts';

/** Operators whose output keeps a serialized input's order (Kusto's list, plus the renames). */
const KEEPS_ORDER = new Set<Operator['kind']>([
  'where',
  'project',
  'project-away',
  'project-keep',
  'project-rename',
  'project-reorder',
  'extend',
  'take',
  'parse',
  'mv-expand',
  'as',
  'render',
]);

/**
 * Compiles with window functions nested in window functions allowed: the inner ones become
 * columns of a SELECT over the input (which keeps its order), and `from` reads from it.
 */
function windowLayer<T>(cx: Compiler, input: Rel, compile: () => T): { value: T; from?: string } {
  const outer = cx.windowHoist;
  cx.windowHoist = [];
  try {
    const value = compile();
    const hoisted = cx.windowHoist;
    if (!hoisted.length) return { value };
    return {
      value,
      from: `FROM (SELECT *, ${hoisted.join(', ')} FROM (${input.sql}) AS ${cx.a()}) AS ${cx.a()}`,
    };
  } finally {
    cx.windowHoist = outer;
  }
}

/** A column-name pattern with `*` wildcards as an anchored regex. */
export function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
}

export function datatable(cx: Compiler, t: Extract<Tabular, { kind: 'datatable' }>): Rel {
  const n = t.columns.length;
  if (t.values.length % n !== 0)
    throw new KqlError(`datatable: ${t.values.length} values do not fill rows of ${n} columns`, t.pos, t.len);
  const rows: string[] = [];
  for (let i = 0; i < t.values.length; i += n) {
    const cells = t.columns.map((c, j) =>
      cx.cast(cx.scalar(t.values[i + j]!, { cols: [] }), c.type, t.values[i + j]!),
    );
    rows.push(
      `(${cells.map((s, j) => `CAST(${s} AS ${cx.dialect.sqlType(t.columns[j]!.type)})`).join(', ')})`,
    );
  }
  const cols = t.columns.map((c) => ({ name: c.name, type: c.type }));
  if (!rows.length)
    return {
      sql: `SELECT ${cols.map((c) => `${cx.dialect.nullOf(c.type)} AS ${cx.dialect.quote(c.name)}`).join(', ')} WHERE false`,
      cols,
    };
  // One VALUES list keeps the rows in their written order, as Kusto does.
  const names = cols.map((c) => cx.dialect.quote(c.name)).join(', ');
  return { sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS ${cx.a()}(${names})`, cols };
}

export function union(
  cx: Compiler,
  first: Rel | undefined,
  tables: Tabular[],
  withSource: string | undefined,
  fuzzy: boolean,
  at: Span,
  inner = false,
): Rel {
  const legs: { rel: Rel; name: string }[] = [];
  if (first) legs.push({ rel: first, name: 'union_arg0' });
  // Wildcards (`union Signin*`, `union *`) name every table in scope that matches.
  tables = tables.flatMap((tb) => {
    if (tb.kind !== 'table' || !tb.name.includes('*')) return [tb];
    const re = wildcard(tb.name);
    return cx.ctx
      .tableNames()
      .filter((n) => re.test(n))
      .sort()
      .map((name): Tabular => ({ kind: 'table', name, pos: tb.pos, len: tb.len }));
  });
  tables.forEach((tb, i) => {
    // isfuzzy tolerates a table that does not exist, not an error in a leg that does.
    if (fuzzy && tb.kind === 'table' && !cx.lets.has(tb.name) && !cx.ctx.table(tb.name)) return;
    legs.push({
      rel: cx.tabular(tb),
      // A leg named with `as` is named so in withsource's column.
      name:
        tb.kind === 'table'
          ? tb.name
          : tb.kind === 'pipe' && tb.op.kind === 'as'
            ? tb.op.name
            : `union_arg${i + (first ? 1 : 0)}`,
    });
  });
  if (!legs.length) throw new KqlError('union: no table to read', at.pos, at.len);
  // Kusto: a column name with different types in the legs becomes name_type, one per type.
  const types = new Map<string, Set<KType>>();
  for (const l of legs)
    for (const c of l.rel.cols) types.set(c.name, (types.get(c.name) ?? new Set()).add(c.type));
  const outName = (c: Col) => (types.get(c.name)!.size > 1 ? `${c.name}_${c.type}` : c.name);
  const cols: Col[] = [];
  if (withSource) cols.push({ name: withSource, type: 'string' });
  for (const l of legs)
    for (const c of l.rel.cols) {
      const name = outName(c);
      // kind=inner: only the columns every leg has.
      if (inner && !legs.every((o) => o.rel.cols.some((x) => outName(x) === name))) continue;
      if (!cols.some((x) => x.name === name)) cols.push({ name, type: c.type });
    }
  const q = cx.dialect.quote;
  const sql = legs
    .map((l) => {
      const own = new Map(l.rel.cols.map((c) => [outName(c), c.name]));
      const list = cols.map((c) => {
        const src = own.get(c.name);
        if (src !== undefined) return `${q(src)} AS ${q(c.name)}`;
        if (c.name === withSource) return `${cx.dialect.string(l.name)} AS ${q(c.name)}`;
        return `${cx.dialect.nullOf(c.type)} AS ${q(c.name)}`;
      });
      return `SELECT ${list.join(', ')} FROM (${l.rel.sql}) AS ${cx.a()}`;
    })
    .join(' UNION ALL ');
  return { sql, cols };
}

export function operator(cx: Compiler, input: Rel, op: Operator): Rel {
  const out = operatorRel(cx, input, op);
  const serialized =
    op.kind === 'sort' || op.kind === 'top' || op.kind === 'serialize'
      ? true
      : KEEPS_ORDER.has(op.kind) && !!input.serialized;
  return out.serialized === serialized ? out : { ...out, serialized };
}

export function operatorRel(cx: Compiler, input: Rel, op: Operator): Rel {
  const q = cx.dialect.quote;
  const from = `FROM (${input.sql}) AS ${cx.a()}`;
  const scope: Scope = { cols: input.cols, serialized: !!input.serialized, rel: input };
  switch (op.kind) {
    case 'where': {
      cx.usedWindow = false;
      const { value: c, from: src } = windowLayer(cx, input, () => cx.scalar(op.predicate, scope));
      if (c.type !== 'bool')
        throw new KqlError('where: the predicate must be a bool', op.predicate.pos, op.predicate.len);
      // Window functions (prev, next, row_number) cannot be in WHERE: QUALIFY filters after them.
      const clause = cx.usedWindow ? 'QUALIFY' : 'WHERE';
      const list = src === undefined ? '*' : input.cols.map((x) => q(x.name)).join(', ');
      return { sql: `SELECT ${list} ${src ?? from} ${clause} ${c.sql}`, cols: input.cols };
    }
    case 'as':
      return input;
    case 'serialize':
      return op.exprs.length
        ? operatorRel(cx, { ...input, serialized: true }, { ...op, kind: 'extend' })
        : input;
    case 'evaluate':
      return evaluate(cx, input, op, from);
    case 'project': {
      const used = new Set<string>();
      const { value: parts, from: src } = windowLayer(cx, input, () =>
        op.exprs.flatMap((e, i) => cx.columns(e, scope, i, used)),
      );
      return {
        sql: `SELECT ${parts.map((p) => `${p.sql} AS ${q(p.name)}`).join(', ')} ${src ?? from}`,
        cols: parts.map((p) => ({ name: p.name, type: p.type })),
      };
    }
    case 'project-away':
    case 'project-keep': {
      const hit = new Set<string>();
      for (const n of op.names) {
        const re = wildcard(n);
        const found = input.cols.filter((c) => re.test(c.name));
        // A plain name must exist; a wildcard may match nothing (as in Kusto).
        if (!found.length && !n.includes('*')) cx.col(scope, n, op);
        for (const c of found) hit.add(c.name);
      }
      const away = op.kind === 'project-away';
      const keep = input.cols.filter((c) => hit.has(c.name) !== away);
      return {
        sql: `SELECT ${keep.map((c) => q(c.name)).join(', ') || 'NULL AS "__empty"'} ${from}`,
        cols: keep,
      };
    }
    case 'project-rename': {
      const map = new Map<string, string>();
      for (const r of op.renames) {
        cx.col(scope, r.from, op);
        map.set(r.from, r.to);
      }
      const cols = input.cols.map((c) => ({ name: map.get(c.name) ?? c.name, type: c.type }));
      return {
        sql: `SELECT ${input.cols.map((c) => `${q(c.name)} AS ${q(map.get(c.name) ?? c.name)}`).join(', ')} ${from}`,
        cols,
      };
    }
    case 'extend': {
      // One SELECT per expression: a later one may use an earlier one's column.
      let rel = input;
      op.exprs.forEach((e, i) => {
        const s: Scope = { cols: rel.cols, serialized: !!input.serialized, rel };
        const { value: ps, from: src } = windowLayer(cx, rel, () =>
          cx.columns(e, s, i + rel.cols.length, new Set(rel.cols.map((c) => c.name)), true),
        );
        const cols = [...rel.cols];
        for (const p of ps) {
          const at = cols.findIndex((c) => c.name === p.name);
          if (at >= 0) cols[at] = { name: p.name, type: p.type };
          else cols.push({ name: p.name, type: p.type });
        }
        const list = cols.map((c) => {
          const p = ps.find((x) => x.name === c.name);
          return p ? `${p.sql} AS ${q(p.name)}` : q(c.name);
        });
        rel = { sql: `SELECT ${list.join(', ')} ${src ?? `FROM (${rel.sql}) AS ${cx.a()}`}`, cols };
      });
      return rel;
    }
    case 'summarize':
      return summarize(cx, input, op, from);
    case 'make-series':
      return makeSeries(cx, input, op, from);
    case 'sort': {
      const keys = op.by.map((e) => orderKey(cx, e, scope, true));
      return { sql: `SELECT * ${from} ORDER BY ${keys.join(', ')}`, cols: input.cols };
    }
    case 'take': {
      const n = cx.constInt(op.count, scope, 'take');
      return { sql: `SELECT * ${from} LIMIT ${n}`, cols: input.cols };
    }
    case 'top-nested':
      return topNested(cx, input, op);
    case 'top': {
      const n = cx.constInt(op.count, scope, 'top');
      return {
        sql: `SELECT * ${from} ORDER BY ${orderKey(cx, op.by, scope, true)} LIMIT ${n}`,
        cols: input.cols,
      };
    }
    case 'distinct': {
      if (op.exprs.length === 1 && op.exprs[0]!.kind === 'star')
        return { sql: `SELECT DISTINCT * ${from}`, cols: input.cols };
      const used = new Set<string>();
      const parts = op.exprs.map((e, i) => cx.column(e, scope, i, used));
      return {
        sql: `SELECT DISTINCT ${parts.map((p) => `${p.sql} AS ${q(p.name)}`).join(', ')} ${from}`,
        cols: parts.map((p) => ({ name: p.name, type: p.type })),
      };
    }
    case 'count':
      return { sql: `SELECT count(*) AS ${q('Count')} ${from}`, cols: [{ name: 'Count', type: 'long' }] };
    case 'render':
      cx.render = { chart: op.chart, properties: op.properties };
      return input;
    case 'getschema': {
      // The input's columns as rows; its SQL is not run. DataType as .NET names it, ColumnType as Kusto.
      const net: Record<KType, string> = {
        string: 'System.String',
        long: 'System.Int64',
        int: 'System.Int32',
        real: 'System.Double',
        bool: 'System.SByte',
        datetime: 'System.DateTime',
        timespan: 'System.TimeSpan',
        dynamic: 'System.Object',
        guid: 'System.Guid',
      };
      const s = cx.dialect.string;
      const rows = input.cols.map(
        (c, i) => `(${s(c.name)}, CAST(${i} AS INTEGER), ${s(net[c.type])}, ${s(c.type)})`,
      );
      const cols: Col[] = [
        { name: 'ColumnName', type: 'string' },
        { name: 'ColumnOrdinal', type: 'int' },
        { name: 'DataType', type: 'string' },
        { name: 'ColumnType', type: 'string' },
      ];
      return {
        sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS ${cx.a()}(${cols.map((c) => q(c.name)).join(', ')})`,
        cols,
      };
    }
    case 'union':
      return union(cx, input, op.tables, op.withSource, op.isFuzzy, op, op.inner);
    case 'join':
      return join(cx, input, op);
    case 'lookup':
      return join(cx, input, { ...op, kind: 'join' }, true);
    case 'parse':
      return parseOp(cx, input, op, from);
    case 'mv-expand':
      return mvExpand(cx, input, op, from);
    case 'mv-apply':
      return mvApply(cx, input, op);
    case 'project-reorder': {
      const first: Col[] = [];
      for (const n of op.names) {
        const re = wildcard(n.pattern);
        let hits = input.cols.filter((c) => re.test(c.name) && !first.includes(c));
        if (!hits.length && !n.pattern.includes('*')) cx.col(scope, n.pattern, op);
        if (n.order)
          hits = [...hits].sort((a, b) => (a.name < b.name ? -1 : 1) * (n.order === 'desc' ? -1 : 1));
        first.push(...hits);
      }
      const cols = [...first, ...input.cols.filter((c) => !first.includes(c))];
      return { sql: `SELECT ${cols.map((c) => q(c.name)).join(', ')} ${from}`, cols };
    }
  }
}

export function orderKey(cx: Compiler, e: Expr, scope: Scope, defaultDesc: boolean): string {
  let desc = defaultDesc;
  let nulls: 'first' | 'last' | undefined;
  let inner = e;
  if (e.kind === 'ordered') {
    desc = e.desc ?? defaultDesc;
    nulls = e.nulls;
    inner = e.expr;
  }
  // Kusto: nulls last when descending, first when ascending, unless said.
  nulls ??= desc ? 'last' : 'first';
  const s = cx.scalar(inner, scope);
  if (s.type === 'dynamic')
    throw new KqlError('sort by a dynamic value is not supported', inner.pos, inner.len);
  return `${s.sql} ${desc ? 'DESC' : 'ASC'} NULLS ${nulls.toUpperCase()}`;
}
