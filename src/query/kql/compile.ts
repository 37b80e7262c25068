/**
 * Binder and compiler: idtrail's KQL tree (ast.ts) → one SQL statement, bound against the LA table
 * schemas with Kusto types. Each tabular operator becomes one SELECT over the previous one (a
 * relational plan written straight as nested SQL: scan → filter → project → extend → aggregate →
 * sort → limit, plus union); every engine-specific fragment goes through the dialect seam
 * (sql/dialect.ts). Nothing is evaluated in JS except constants. See docs/kql.md.
 */
import type { Expr, KType, Operator, Script, Span, Tabular } from './ast.ts';
import { KqlError, unsupported } from './errors.ts';
import type { KqlDialect } from './sql/dialect.ts';

export interface Col {
  name: string;
  type: KType;
}

/** A relation: a SELECT statement and its columns. */
export interface Rel {
  sql: string;
  cols: Col[];
  /** The row order is meaningful (after sort, top, serialize, range): row_number/prev/next may run. */
  serialized?: boolean;
}

export interface CompileContext {
  dialect: KqlDialect;
  /** The query's `now()` (ISO 8601), fixed for the whole query as in Kusto. */
  now: string;
  /** Resolves a table name (as written; LA table names are case-sensitive) to a relation. */
  table(name: string): Rel | undefined;
  /** The names of the tables in scope, for `union` wildcards. */
  tableNames(): string[];
  /**
   * Rows of a discovery query the compiler needs before it can bind (bag_unpack's columns come
   * from the data); undefined when not yet run — the compiler then throws NeedsDiscovery and the
   * runner runs it and compiles again.
   */
  discovered?(sql: string): unknown[][] | undefined;
}

/** Thrown when the query's output schema depends on data: run `sql`, then compile again. */
export class NeedsDiscovery extends Error {
  constructor(readonly sql: string) {
    super('the query needs a discovery query first');
  }
}

export interface CompiledQuery {
  sql: string;
  cols: Col[];
  /** The `render` operator's chart and properties, passed to the client. */
  render?: { chart: string; properties: Record<string, unknown> };
}

/** A compiled scalar: SQL and its Kusto type; `value` when it is a compile-time constant. */
interface Sc {
  sql: string;
  type: KType;
  value?: unknown;
  /** For dynamic constants: the JS value (for `in (dynamic([...]))`). */
  dyn?: unknown;
}

type Lambda = Extract<Expr, { kind: 'lambda' }>;
type Let =
  | { kind: 'scalar'; value: Expr }
  | { kind: 'tabular'; value: Tabular }
  | { kind: 'function'; value: Lambda };

interface Scope {
  cols: Col[];
  /** The input row order is serialized (row_number, prev and next may be used). */
  serialized?: boolean;
}

/** Operators whose output keeps a serialized input's order (Kusto's list, plus the renames). */
const KEEPS_ORDER = new Set<Operator['kind']>([
  'where',
  'project',
  'project-away',
  'project-rename',
  'project-reorder',
  'extend',
  'take',
  'parse',
  'mv-expand',
  'as',
  'render',
]);

export function compileKql(script: Script, ctx: CompileContext): CompiledQuery {
  return new Compiler(ctx).script(script);
}

const NUMERIC = new Set<KType>(['int', 'long', 'real']);

export const AGGREGATE_NAMES = new Set([
  'count',
  'countif',
  'dcount',
  'dcountif',
  'count_distinct',
  'sum',
  'sumif',
  'avg',
  'avgif',
  'min',
  'max',
  'minif',
  'maxif',
  'make_set',
  'makeset',
  'make_list',
  'makelist',
  'make_set_if',
  'make_list_if',
  'make_bag',
  'percentile',
  'arg_max',
  'arg_min',
  'argmax',
  'argmin',
  'any',
  'take_any',
  'stdev',
  'stdevif',
  'stdevp',
  'variance',
  'varianceif',
  'variancep',
]);

class Compiler {
  private readonly d: KqlDialect;
  readonly lets = new Map<string, Let>();
  /** Set when a window function (row_number, prev, next) is compiled: `where` then uses QUALIFY. */
  usedWindow = false;
  private render: CompiledQuery['render'];
  private alias = 0;
  /** Inside a summarize aggregate expression: the input scope that aggregation calls read. */
  aggScope: Scope | undefined;

  constructor(private readonly ctx: CompileContext) {
    this.d = ctx.dialect;
  }

  script(s: Script): CompiledQuery {
    let last: Rel | undefined;
    for (const st of s.statements) {
      if (st.kind === 'let') this.bindLet(st.name, st.value);
      else {
        const q = st.query;
        this.render = undefined;
        if (q.kind === 'tabular') last = this.tabular(q.query);
        else if (q.kind === 'name')
          last = this.tabular({ kind: 'table', name: q.name, pos: q.pos, len: q.len });
        else if (q.kind === 'call')
          last = this.tabular({ kind: 'call', name: q.name, args: q.args, pos: q.pos, len: q.len });
        else throw new KqlError('A query must be a tabular expression', q.pos, q.len);
      }
    }
    if (!last) throw new KqlError('The query has no tabular expression to run', 0, 0);
    return { sql: last.sql, cols: last.cols, ...(this.render ? { render: this.render } : {}) };
  }

  private bindLet(name: string, v: Expr): void {
    if (v.kind === 'lambda') {
      this.lets.set(name, { kind: 'function', value: v });
      return;
    }
    const isTabular =
      v.kind === 'tabular' || (v.kind === 'name' && !this.isScalarName(v.name) && this.tableExists(v.name));
    this.lets.set(
      name,
      isTabular
        ? {
            kind: 'tabular',
            value:
              v.kind === 'tabular'
                ? v.query
                : { kind: 'table', name: (v as { name: string }).name, pos: v.pos, len: v.len },
          }
        : { kind: 'scalar', value: v },
    );
  }

  /**
   * Calls a `let` function: its parameters (then its own lets) are bound for the body, and the
   * names they shadow are restored afterwards. Constant arguments are bound as literals.
   */
  invoke<T>(name: string, args: Expr[], at: Span, run: (body: Expr) => T): T {
    const f = this.lets.get(name);
    if (f?.kind !== 'function') throw new KqlError(`'${name}' is not a function`, at.pos, at.len);
    const fn = f.value;
    const required = fn.params.filter((p) => !p.default).length;
    if (args.length < required || args.length > fn.params.length)
      throw new KqlError(
        `${name}(): expected ${required === fn.params.length ? required : `${required} to ${fn.params.length}`} arguments, got ${args.length}`,
        at.pos,
        at.len,
      );
    const bound = fn.params.map((p, i) => {
      // A missing trailing argument takes the parameter's default value.
      const a = args[i] ?? p.default!;
      if (p.type === 'table') {
        const t: Tabular =
          a.kind === 'tabular'
            ? a.query
            : a.kind === 'name'
              ? { kind: 'table', name: a.name, pos: a.pos, len: a.len }
              : (() => {
                  throw new KqlError(`${name}(): '${p.name}' expects a table`, a.pos, a.len);
                })();
        return [p.name, { kind: 'tabular', value: t }] as const;
      }
      let value: Expr = a;
      try {
        const c = this.scalar(a, { cols: [] });
        if (c.value !== undefined && c.type !== 'dynamic')
          value = { kind: 'literal', type: c.type, value: c.value, pos: a.pos, len: a.len } as Expr;
      } catch {
        // Not a constant: bound as written, evaluated where the body uses it.
      }
      return [p.name, { kind: 'scalar', value }] as const;
    });
    const names = [
      ...fn.params.map((p) => p.name),
      ...fn.lets.flatMap((l) => (l.kind === 'let' ? [l.name] : [])),
    ];
    const saved = new Map(names.map((n) => [n, this.lets.get(n)]));
    try {
      for (const [n, l] of bound) this.lets.set(n, l as Let);
      for (const l of fn.lets) if (l.kind === 'let') this.bindLet(l.name, l.value);
      return run(fn.body);
    } finally {
      for (const [n, l] of saved) {
        if (l) this.lets.set(n, l);
        else this.lets.delete(n);
      }
    }
  }

  private isScalarName(name: string): boolean {
    return this.lets.get(name)?.kind === 'scalar';
  }

  private tableExists(name: string): boolean {
    return this.lets.get(name)?.kind === 'tabular' || this.ctx.table(name) !== undefined;
  }

  a(): string {
    return `t${this.alias++}`;
  }

  // --- tabular ------------------------------------------------------------------------------

  tabular(t: Tabular): Rel {
    switch (t.kind) {
      case 'table': {
        const l = this.lets.get(t.name);
        if (l?.kind === 'tabular') return this.tabular(l.value);
        if (l?.kind === 'scalar') throw new KqlError(`'${t.name}' is a scalar, not a table`, t.pos, t.len);
        const rel = this.ctx.table(t.name);
        if (!rel)
          throw new KqlError(`Failed to resolve table or column expression named '${t.name}'`, t.pos, t.len);
        return rel;
      }
      case 'datatable':
        return this.datatable(t);
      case 'print': {
        const used = new Set<string>();
        const parts = t.exprs.map((e, i) => this.column(e, { cols: [] }, i, used));
        return {
          sql: `SELECT ${parts.map((p) => `${p.sql} AS ${this.d.quote(p.name)}`).join(', ')}`,
          cols: parts.map((p) => ({ name: p.name, type: p.type })),
        };
      }
      case 'union':
        return this.union(undefined, t.tables, t.withSource, t.isFuzzy, t, t.inner);
      case 'range': {
        const from = this.scalar(t.from, { cols: [] });
        const to = this.scalar(t.to, { cols: [] });
        const step = this.scalar(t.step, { cols: [] });
        const numeric =
          NUMERIC.has(from.type) && from.type !== 'real' && NUMERIC.has(to.type) && NUMERIC.has(step.type);
        const dates = from.type === 'datetime' && to.type === 'datetime' && step.type === 'timespan';
        if (!numeric && !dates) throw unsupported(`range of ${from.type} by ${step.type}`, t);
        const type: KType = dates ? 'datetime' : 'long';
        const cast = (x: string) => (dates ? x : `CAST(${x} AS BIGINT)`);
        return {
          sql: `SELECT unnest(generate_series(${cast(from.sql)}, ${cast(to.sql)}, ${cast(step.sql)})) AS ${this.d.quote(t.name)}`,
          cols: [{ name: t.name, type }],
          serialized: true,
        };
      }
      case 'call': {
        if (t.name.toLowerCase() === 'table') {
          const a = t.args[0];
          const v = a ? this.scalar(a, { cols: [] }) : undefined;
          if (!a || t.args.length !== 1 || typeof v?.value !== 'string')
            throw new KqlError('table(): expected one constant table name', t.pos, t.len);
          return this.tabular({ kind: 'table', name: v.value, pos: a.pos, len: a.len });
        }
        if (this.lets.get(t.name)?.kind === 'function')
          return this.invoke(t.name, t.args, t, (body) => {
            if (body.kind === 'tabular') return this.tabular(body.query);
            if (body.kind === 'name')
              return this.tabular({ kind: 'table', name: body.name, pos: body.pos, len: body.len });
            throw new KqlError(`${t.name}() does not return a table`, t.pos, t.len);
          });
        throw unsupported(`The tabular function '${t.name}'`, t);
      }
      case 'pipe': {
        const input = this.tabular(t.input);
        if (this.render && t.op.kind !== 'render')
          throw new KqlError('render must be the last operator of the query', t.op.pos, t.op.len);
        // `as`: the input, by name, for the rest of the query (as a `let` would bind it).
        if (t.op.kind === 'as') this.lets.set(t.op.name, { kind: 'tabular', value: t.input });
        return this.operator(input, t.op);
      }
    }
  }

  private datatable(t: Extract<Tabular, { kind: 'datatable' }>): Rel {
    const n = t.columns.length;
    if (t.values.length % n !== 0)
      throw new KqlError(
        `datatable: ${t.values.length} values do not fill rows of ${n} columns`,
        t.pos,
        t.len,
      );
    const rows: string[] = [];
    for (let i = 0; i < t.values.length; i += n) {
      const cells = t.columns.map((c, j) =>
        this.cast(this.scalar(t.values[i + j]!, { cols: [] }), c.type, t.values[i + j]!),
      );
      rows.push(`(${cells.map((s, j) => `CAST(${s} AS ${this.d.sqlType(t.columns[j]!.type)})`).join(', ')})`);
    }
    const cols = t.columns.map((c) => ({ name: c.name, type: c.type }));
    if (!rows.length)
      return {
        sql: `SELECT ${cols.map((c) => `${this.d.nullOf(c.type)} AS ${this.d.quote(c.name)}`).join(', ')} WHERE false`,
        cols,
      };
    // One VALUES list keeps the rows in their written order, as Kusto does.
    const names = cols.map((c) => this.d.quote(c.name)).join(', ');
    return { sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS ${this.a()}(${names})`, cols };
  }

  private union(
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
      const re = new RegExp(`^${tb.name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
      return this.ctx
        .tableNames()
        .filter((n) => re.test(n))
        .sort()
        .map((name): Tabular => ({ kind: 'table', name, pos: tb.pos, len: tb.len }));
    });
    tables.forEach((tb, i) => {
      try {
        legs.push({
          rel: this.tabular(tb),
          // A leg named with `as` is named so in withsource's column.
          name:
            tb.kind === 'table'
              ? tb.name
              : tb.kind === 'pipe' && tb.op.kind === 'as'
                ? tb.op.name
                : `union_arg${i + (first ? 1 : 0)}`,
        });
      } catch (e) {
        if (!(fuzzy && e instanceof KqlError && tb.kind === 'table')) throw e;
      }
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
    const q = this.d.quote;
    const sql = legs
      .map((l) => {
        const own = new Map(l.rel.cols.map((c) => [outName(c), c.name]));
        const list = cols.map((c) => {
          const src = own.get(c.name);
          if (src !== undefined) return `${q(src)} AS ${q(c.name)}`;
          if (c.name === withSource) return `${this.d.string(l.name)} AS ${q(c.name)}`;
          return `${this.d.nullOf(c.type)} AS ${q(c.name)}`;
        });
        return `SELECT ${list.join(', ')} FROM (${l.rel.sql}) AS ${this.a()}`;
      })
      .join(' UNION ALL ');
    return { sql, cols };
  }

  operator(input: Rel, op: Operator): Rel {
    const out = this.operatorRel(input, op);
    const serialized =
      op.kind === 'sort' || op.kind === 'top' || op.kind === 'serialize'
        ? true
        : KEEPS_ORDER.has(op.kind) && !!input.serialized;
    return out.serialized === serialized ? out : { ...out, serialized };
  }

  private operatorRel(input: Rel, op: Operator): Rel {
    const q = this.d.quote;
    const from = `FROM (${input.sql}) AS ${this.a()}`;
    const scope: Scope = { cols: input.cols, serialized: !!input.serialized };
    switch (op.kind) {
      case 'where': {
        this.usedWindow = false;
        const c = this.scalar(op.predicate, scope);
        if (c.type !== 'bool')
          throw new KqlError('where: the predicate must be a bool', op.predicate.pos, op.predicate.len);
        // Window functions (prev, next, row_number) cannot be in WHERE: QUALIFY filters after them.
        const clause = this.usedWindow ? 'QUALIFY' : 'WHERE';
        return { sql: `SELECT * ${from} ${clause} ${c.sql}`, cols: input.cols };
      }
      case 'as':
        return input;
      case 'serialize':
        return op.exprs.length
          ? this.operatorRel({ ...input, serialized: true }, { ...op, kind: 'extend' })
          : input;
      case 'evaluate':
        return evaluate(this, input, op, from);
      case 'project': {
        const used = new Set<string>();
        const parts = op.exprs.flatMap((e, i) => this.columns(e, scope, i, used));
        return {
          sql: `SELECT ${parts.map((p) => `${p.sql} AS ${q(p.name)}`).join(', ')} ${from}`,
          cols: parts.map((p) => ({ name: p.name, type: p.type })),
        };
      }
      case 'project-away': {
        for (const n of op.names) this.col(scope, n, op);
        const keep = input.cols.filter((c) => !op.names.includes(c.name));
        return { sql: `SELECT ${keep.map((c) => q(c.name)).join(', ')} ${from}`, cols: keep };
      }
      case 'project-rename': {
        const map = new Map<string, string>();
        for (const r of op.renames) {
          this.col(scope, r.from, op);
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
          const s: Scope = { cols: rel.cols, serialized: !!input.serialized };
          const ps = this.columns(e, s, i + rel.cols.length, new Set(rel.cols.map((c) => c.name)), true);
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
          rel = { sql: `SELECT ${list.join(', ')} FROM (${rel.sql}) AS ${this.a()}`, cols };
        });
        return rel;
      }
      case 'summarize':
        return summarize(this, input, op, from);
      case 'make-series':
        return makeSeries(this, input, op, from);
      case 'sort': {
        const keys = op.by.map((e) => this.orderKey(e, scope, true));
        return { sql: `SELECT * ${from} ORDER BY ${keys.join(', ')}`, cols: input.cols };
      }
      case 'take': {
        const n = this.constInt(op.count, scope, 'take');
        return { sql: `SELECT * ${from} LIMIT ${n}`, cols: input.cols };
      }
      case 'top': {
        const n = this.constInt(op.count, scope, 'top');
        return {
          sql: `SELECT * ${from} ORDER BY ${this.orderKey(op.by, scope, true)} LIMIT ${n}`,
          cols: input.cols,
        };
      }
      case 'distinct': {
        if (op.exprs.length === 1 && op.exprs[0]!.kind === 'star')
          return { sql: `SELECT DISTINCT * ${from}`, cols: input.cols };
        const used = new Set<string>();
        const parts = op.exprs.map((e, i) => this.column(e, scope, i, used));
        return {
          sql: `SELECT DISTINCT ${parts.map((p) => `${p.sql} AS ${q(p.name)}`).join(', ')} ${from}`,
          cols: parts.map((p) => ({ name: p.name, type: p.type })),
        };
      }
      case 'count':
        return { sql: `SELECT count(*) AS ${q('Count')} ${from}`, cols: [{ name: 'Count', type: 'long' }] };
      case 'render':
        this.render = { chart: op.chart, properties: op.properties };
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
        const s = this.d.string;
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
          sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS ${this.a()}(${cols.map((c) => q(c.name)).join(', ')})`,
          cols,
        };
      }
      case 'union':
        return this.union(input, op.tables, op.withSource, op.isFuzzy, op, op.inner);
      case 'join':
        return join(this, input, op);
      case 'lookup':
        return join(this, input, { ...op, kind: 'join' }, true);
      case 'parse':
        return parseOp(this, input, op, from);
      case 'mv-expand':
        return mvExpand(this, input, op, from);
      case 'mv-apply':
        return mvApply(this, input, op);
      case 'project-reorder': {
        const first: Col[] = [];
        for (const n of op.names) {
          const re = new RegExp(`^${n.pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
          let hits = input.cols.filter((c) => re.test(c.name) && !first.includes(c));
          if (!hits.length && !n.pattern.includes('*')) this.col(scope, n.pattern, op);
          if (n.order)
            hits = [...hits].sort((a, b) => (a.name < b.name ? -1 : 1) * (n.order === 'desc' ? -1 : 1));
          first.push(...hits);
        }
        const cols = [...first, ...input.cols.filter((c) => !first.includes(c))];
        return { sql: `SELECT ${cols.map((c) => q(c.name)).join(', ')} ${from}`, cols };
      }
    }
  }

  private orderKey(e: Expr, scope: Scope, defaultDesc: boolean): string {
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
    const s = this.scalar(inner, scope);
    if (s.type === 'dynamic')
      throw new KqlError('sort by a dynamic value is not supported', inner.pos, inner.len);
    return `${s.sql} ${desc ? 'DESC' : 'ASC'} NULLS ${nulls.toUpperCase()}`;
  }

  constInt(e: Expr, scope: Scope, what: string): number {
    const s = this.scalar(e, scope);
    if (typeof s.value !== 'number' || !Number.isInteger(s.value) || s.value < 0)
      throw new KqlError(`${what}: the row count must be a constant non-negative integer`, e.pos, e.len);
    return s.value;
  }

  // --- summarize ------------------------------------------------------------------------------

  col(scope: Scope, name: string, at: Span): Col {
    const c = scope.cols.find((x) => x.name === name);
    if (!c)
      throw new KqlError(`Failed to resolve column or scalar expression named '${name}'`, at.pos, at.len);
    return c;
  }

  /**
   * The columns of one project/extend expression: one, or several for a function that makes
   * several (series_stats(x) → series_stats_x_min, …, or `(a, b, …) = series_stats(x)`).
   */
  columns(
    e: Expr,
    scope: Scope,
    i: number,
    used: Set<string>,
    extend = false,
  ): { name: string; sql: string; type: KType }[] {
    const names = e.kind === 'named' ? e.names : undefined;
    const call = e.kind === 'named' ? e.expr : e;
    if (call.kind === 'call' && call.name.toLowerCase() === 'series_stats' && !this.lets.has(call.name)) {
      if (call.args.length !== 1)
        throw new KqlError('series_stats(): expected one argument', call.pos, call.len);
      const a = this.scalar(call.args[0]!, scope);
      if (a.type !== 'dynamic')
        throw new KqlError('series_stats(): expected a dynamic array', call.pos, call.len);
      const base = `series_stats_${this.baseName(call.args[0]!) ?? ''}`;
      return seriesStats(a).map((st, j) => {
        const name = names?.[j] ?? `${base}_${st.name}`;
        used.add(name);
        return { name, sql: st.sql, type: st.type };
      });
    }
    return [this.column(e, scope, i, used, extend)];
  }

  /** A projected column: `name = expr` or an expression named as Kusto names it. */
  column(
    e: Expr,
    scope: Scope,
    i: number,
    used: Set<string>,
    extend = false,
    forced?: string,
  ): { name: string; sql: string; type: KType } {
    if (e.kind === 'named') {
      if (e.names.length !== 1) throw unsupported('a tuple of names here', e);
      const s = this.scalar(e.expr, scope);
      used.add(e.names[0]!);
      return { name: e.names[0]!, ...s };
    }
    const s = this.scalar(e, scope);
    const name = forced ?? this.autoName(e, i, extend ? new Set() : used);
    used.add(name);
    return { name, sql: s.sql, type: s.type };
  }

  /** Kusto names an unnamed, non-column expression Column1, Column2, … (the first free one). */
  autoName(e: Expr, _i: number, used: Set<string>, forced?: string): string {
    if (forced) return forced;
    const base = this.baseName(e);
    if (base) return this.unique(base, used);
    let n = 1;
    while (used.has(`Column${n}`)) n++;
    return `Column${n}`;
  }

  unique(name: string, used: Set<string>): string {
    if (!used.has(name)) return name;
    let n = 1;
    while (used.has(`${name}${n}`)) n++;
    return `${name}${n}`;
  }

  /** Kusto's default column name for an expression: a column's, a path's (a_b), bin(x, …)'s x. */
  baseName(e: Expr): string | undefined {
    switch (e.kind) {
      case 'name':
        return e.name;
      case 'member': {
        const t = this.baseName(e.target);
        return t ? `${t}_${e.member}` : undefined;
      }
      case 'index': {
        const t = this.baseName(e.target);
        const k = e.index.kind === 'literal' ? e.index.value : undefined;
        return t && k !== undefined && k !== null ? `${t}_${k}` : undefined;
      }
      case 'call':
        if (
          ['bin', 'floor', 'bin_at', 'tostring', 'todynamic', 'toint', 'tolong'].includes(
            e.name.toLowerCase(),
          ) &&
          e.args[0]
        )
          return e.name.toLowerCase().startsWith('to') ? undefined : this.baseName(e.args[0]);
        return undefined;
      default:
        return undefined;
    }
  }

  // --- scalars --------------------------------------------------------------------------------

  private lit(type: KType, value: unknown): Sc {
    const d = this.d;
    if (value === null || value === undefined) return { sql: d.nullOf(type), type, value: null };
    switch (type) {
      case 'string':
      case 'guid':
        return { sql: d.string(String(value)), type, value };
      case 'long':
      case 'int':
      case 'real': {
        const n = Number(value);
        const sql =
          type === 'real'
            ? `CAST(${n} AS DOUBLE)`
            : type === 'int'
              ? `CAST(${n} AS INTEGER)`
              : `CAST(${n} AS BIGINT)`;
        return { sql, type, value: n };
      }
      case 'bool':
        return { sql: value ? 'true' : 'false', type, value };
      case 'datetime':
        return { sql: d.timestamp(String(value)), type, value };
      case 'timespan':
        return { sql: d.intervalMicros(String(value)), type, value };
      case 'dynamic':
        return { sql: d.jsonLiteral(JSON.stringify(value)), type, dyn: value };
    }
  }

  scalar(e: Expr, scope: Scope): Sc {
    const d = this.d;
    switch (e.kind) {
      case 'literal':
        return this.lit(e.type, e.value);
      case 'dynamic':
        return this.lit('dynamic', e.value);
      case 'name': {
        const c = scope.cols.find((x) => x.name === e.name);
        if (c) return { sql: d.quote(c.name), type: c.type };
        const l = this.lets.get(e.name);
        if (l?.kind === 'scalar') return this.scalar(l.value, scope);
        throw new KqlError(`Failed to resolve scalar expression named '${e.name}'`, e.pos, e.len);
      }
      case 'star':
        throw new KqlError("'*' is not allowed here", e.pos, e.len);
      case 'named':
        throw new KqlError('A named expression is not allowed here', e.pos, e.len);
      case 'ordered':
        throw new KqlError('asc/desc is not allowed here', e.pos, e.len);
      case 'tabular':
        throw new KqlError('A tabular expression is not allowed here (use toscalar())', e.pos, e.len);
      case 'lambda':
        throw new KqlError('A function is only allowed in a let statement', e.pos, e.len);
      case 'typeof':
        throw new KqlError('typeof() is only allowed as a type argument', e.pos, e.len);
      case 'member': {
        if (e.member.includes('"')) throw unsupported('a property name with a double quote', e);
        const t = this.scalar(e.target, scope);
        if (t.type !== 'dynamic')
          throw new KqlError(`'.${e.member}' needs a dynamic value, not ${t.type}`, e.pos, e.len);
        return { sql: d.jsonPath(t.sql, [e.member]), type: 'dynamic' };
      }
      case 'index': {
        const t = this.scalar(e.target, scope);
        if (t.type !== 'dynamic')
          throw new KqlError(`'[...]' needs a dynamic value, not ${t.type}`, e.pos, e.len);
        const i = this.scalar(e.index, scope);
        if (typeof i.value === 'string') {
          if (i.value.includes('"')) throw unsupported('a property name with a double quote', e.index);
          return { sql: d.jsonPath(t.sql, [i.value]), type: 'dynamic' };
        }
        if (typeof i.value === 'number' && Number.isInteger(i.value))
          return {
            sql: `json_extract(${t.sql}, ${d.string(i.value < 0 ? `$[#${i.value}]` : `$[${i.value}]`)})`,
            type: 'dynamic',
          };
        throw unsupported('a non-constant index', e.index);
      }
      case 'unary': {
        const o = this.scalar(e.operand, scope);
        if (e.op === '-')
          return {
            sql: `(-${o.sql})`,
            type: o.type,
            value: typeof o.value === 'number' ? -o.value : undefined,
          };
        if (e.op === '+') return o;
        throw unsupported(`The operator '${e.op}'`, e);
      }
      case 'binary':
        return this.binary(e, scope);
      case 'in':
        return this.inList(e, scope);
      case 'between': {
        const l = this.scalar(e.left, scope);
        let lo = this.scalar(e.low, scope);
        let hi = this.scalar(e.high, scope);
        // datetime between (t .. 1h): the upper bound is t + 1h.
        if (l.type === 'datetime' && hi.type === 'timespan')
          hi = { sql: `(${lo.sql} + ${hi.sql})`, type: 'datetime' };
        ({ a: lo } = this.align(l, lo));
        ({ a: hi } = this.align(l, hi));
        const sql = `(${this.cmpSide(l, lo)} BETWEEN ${lo.sql} AND ${hi.sql})`;
        return { sql: e.negated ? `(NOT ${sql})` : sql, type: 'bool' };
      }
      case 'call':
        return this.call(e, scope);
    }
  }

  /** A value made comparable to another: dynamic vs typed → the dynamic one converted. */
  private align(x: Sc, y: Sc): { a: Sc; b: Sc } {
    if (x.type === 'dynamic' && y.type !== 'dynamic') return { a: y, b: x };
    if (y.type === 'dynamic' && x.type !== 'dynamic') return { a: this.fromDynamic(y, x.type), b: x };
    return { a: y, b: x };
  }

  private cmpSide(l: Sc, other: Sc): string {
    return l.type === 'dynamic' && other.type !== 'dynamic' ? this.fromDynamic(l, other.type).sql : l.sql;
  }

  fromDynamic(s: Sc, t: KType): Sc {
    if (s.type !== 'dynamic') return s;
    return { sql: this.d.fromJsonText(`(${s.sql} ->> '$')`, t), type: t };
  }

  /** A value as Kusto's string: dynamic strings unquoted, other values as text; null → "". */
  str(s: Sc): string {
    switch (s.type) {
      case 'string':
      case 'guid':
        return s.sql;
      case 'dynamic':
        return `coalesce(${s.sql} ->> '$', '')`;
      case 'datetime':
        return `coalesce(strftime(${s.sql}, '%Y-%m-%dT%H:%M:%S.%fZ'), '')`;
      case 'bool':
        return `coalesce(CASE WHEN ${s.sql} THEN 'true' ELSE 'false' END, '')`;
      case 'timespan':
        return `coalesce(CAST(${s.sql} AS VARCHAR), '')`;
      default:
        return `coalesce(CAST(${s.sql} AS VARCHAR), '')`;
    }
  }

  /** The value for equality/distinct: dynamic kept as JSON text. */
  plain(s: Sc): string {
    return s.type === 'dynamic' ? `CAST(${s.sql} AS VARCHAR)` : s.sql;
  }

  num(s: Sc, at: Span, what: string): Sc {
    if (NUMERIC.has(s.type) || s.type === 'timespan') return s;
    if (s.type === 'dynamic') return this.fromDynamic(s, 'real');
    if (s.type === 'bool') return { sql: `CAST(${s.sql} AS BIGINT)`, type: 'long' };
    throw new KqlError(`${what}: expected a number, got ${s.type}`, at.pos, at.len);
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): Sc {
    const op = e.op;
    const l = this.scalar(e.left, scope);
    const r = this.scalar(e.right, scope);
    const bool = (sql: string): Sc => ({ sql, type: 'bool' });
    switch (op) {
      case 'and':
      case 'or':
        if (l.type !== 'bool' || r.type !== 'bool')
          throw new KqlError(`'${op}' needs bool operands`, e.pos, e.len);
        return bool(`(${l.sql} ${op.toUpperCase()} ${r.sql})`);
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '<>': {
        const sqlOp = op === '==' ? '=' : op === '!=' ? '<>' : op;
        if (l.type === 'dynamic' && r.type === 'dynamic')
          return bool(`(${this.plain(l)} ${sqlOp} ${this.plain(r)})`);
        const ls = this.cmpSide(l, r);
        const rs = this.cmpSide(r, l);
        if (l.type !== 'dynamic' && r.type !== 'dynamic' && !this.comparable(l.type, r.type))
          throw new KqlError(`Cannot compare ${l.type} with ${r.type} using '${op}'`, e.pos, e.len);
        return bool(`(${ls} ${sqlOp} ${rs})`);
      }
      case '=~':
        return bool(`(lower(${this.str(l)}) = lower(${this.str(r)}))`);
      case '!~':
        return bool(`(lower(${this.str(l)}) <> lower(${this.str(r)}))`);
      case 'has':
      case '!has':
      case 'has_cs':
      case '!has_cs': {
        const m = this.has(this.str(l), r, !op.endsWith('_cs'));
        return bool(op.startsWith('!') ? `(NOT ${m})` : m);
      }
      case 'contains':
      case '!contains':
      case 'contains_cs':
      case '!contains_cs': {
        const cs = op.endsWith('_cs');
        const a = cs ? this.str(l) : `lower(${this.str(l)})`;
        const b = cs ? this.str(r) : `lower(${this.str(r)})`;
        const m = `contains(${a}, ${b})`;
        return bool(op.startsWith('!') ? `(NOT ${m})` : m);
      }
      case 'startswith':
      case '!startswith':
      case 'startswith_cs':
      case '!startswith_cs':
      case 'endswith':
      case '!endswith':
      case 'endswith_cs':
      case '!endswith_cs':
      case 'hasprefix':
      case '!hasprefix':
      case 'hassuffix':
      case '!hassuffix': {
        const cs = op.endsWith('_cs');
        const a = cs ? this.str(l) : `lower(${this.str(l)})`;
        const b = cs ? this.str(r) : `lower(${this.str(r)})`;
        const base = op.replace('!', '').replace('_cs', '');
        let m: string;
        if (base === 'startswith') m = `starts_with(${a}, ${b})`;
        else if (base === 'endswith') m = `suffix(${a}, ${b})`;
        else {
          // hasprefix/hassuffix: a term starting/ending with the needle.
          const pat =
            base === 'hasprefix'
              ? `'(^|[^[:alnum:]])' || ${this.d.regexEscape(b)}`
              : `${this.d.regexEscape(b)} || '($|[^[:alnum:]])'`;
          m = this.d.regexMatch(a, pat, false);
        }
        return bool(op.startsWith('!') ? `(NOT ${m})` : m);
      }
      case 'matches regex':
        return bool(this.d.regexMatch(this.str(l), this.str(r), false));
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arith(op, l, r, e);
      default:
        throw unsupported(`The operator '${op}'`, e);
    }
  }

  comparable(a: KType, b: KType): boolean {
    if (a === b) return true;
    if (NUMERIC.has(a) && NUMERIC.has(b)) return true;
    const s = new Set(['string', 'guid']);
    return s.has(a) && s.has(b);
  }

  /**
   * `has`: the needle is a whole term of the text — bounded by the ends or by non-alphanumeric
   * characters on each side (Kusto's term index rule), as a regex with explicit boundaries.
   */
  private has(text: string, needle: Sc, ci: boolean): string {
    const n = this.str(needle);
    if (typeof needle.value === 'string') {
      const esc = needle.value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      const pat = this.d.string(`(^|[^[:alnum:]])${esc}($|[^[:alnum:]])`);
      return needle.value === '' ? 'true' : this.d.regexMatch(text, pat, ci);
    }
    return this.d.regexMatch(
      text,
      `'(^|[^[:alnum:]])' || ${this.d.regexEscape(n)} || '($|[^[:alnum:]])'`,
      ci,
    );
  }

  private arith(op: string, l: Sc, r: Sc, e: Span): Sc {
    const d = this.d;
    const lt = l.type;
    const rt = r.type;
    if (lt === 'datetime' && rt === 'datetime' && op === '-')
      return { sql: `(${l.sql} - ${r.sql})`, type: 'timespan' };
    if (lt === 'datetime' && rt === 'timespan' && (op === '+' || op === '-'))
      return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'datetime' };
    if (lt === 'timespan' && rt === 'datetime' && op === '+')
      return { sql: `(${r.sql} + ${l.sql})`, type: 'datetime' };
    if (lt === 'timespan' && rt === 'timespan') {
      if (op === '+' || op === '-') return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'timespan' };
      if (op === '/')
        return { sql: `(CAST(${d.micros(l.sql)} AS DOUBLE) / ${d.micros(r.sql)})`, type: 'real' };
    }
    if (lt === 'timespan' && NUMERIC.has(rt) && (op === '*' || op === '/'))
      return { sql: d.intervalMicros(`${d.micros(l.sql)} ${op} ${r.sql}`), type: 'timespan' };
    if (NUMERIC.has(lt) && rt === 'timespan' && op === '*')
      return { sql: d.intervalMicros(`${l.sql} * ${d.micros(r.sql)}`), type: 'timespan' };
    const a = lt === 'dynamic' ? this.fromDynamic(l, 'real') : l;
    const b = rt === 'dynamic' ? this.fromDynamic(r, 'real') : r;
    if (!NUMERIC.has(a.type) || !NUMERIC.has(b.type))
      throw new KqlError(`Cannot apply '${op}' to ${lt} and ${rt}`, e.pos, e.len);
    const type: KType =
      a.type === 'real' || b.type === 'real'
        ? 'real'
        : a.type === 'long' || b.type === 'long'
          ? 'long'
          : 'int';
    const value =
      typeof a.value === 'number' && typeof b.value === 'number'
        ? op === '+'
          ? a.value + b.value
          : op === '-'
            ? a.value - b.value
            : op === '*'
              ? a.value * b.value
              : undefined
        : undefined;
    if (op === '/' && type !== 'real') return { sql: d.intDiv(a.sql, `NULLIF(${b.sql}, 0)`), type };
    if (op === '/') return { sql: `(CAST(${a.sql} AS DOUBLE) / ${b.sql})`, type };
    if (op === '%') return { sql: `(${a.sql} % NULLIF(${b.sql}, 0))`, type };
    return { sql: `(${a.sql} ${op} ${b.sql})`, type, ...(value !== undefined ? { value } : {}) };
  }

  /** The items of an in-list: scalars, dynamic arrays (expanded), or one tabular expression's first column. */
  private listItems(list: Expr[], scope: Scope): { items: Sc[]; subquery?: Rel } {
    const items: Sc[] = [];
    for (const x of list) {
      if (
        x.kind === 'tabular' ||
        (x.kind === 'name' &&
          !scope.cols.some((c) => c.name === x.name) &&
          this.lets.get(x.name)?.kind === 'tabular')
      ) {
        if (list.length !== 1) throw unsupported('a tabular expression among other values in a list', x);
        const rel = this.tabular(
          x.kind === 'tabular' ? x.query : { kind: 'table', name: x.name, pos: x.pos, len: x.len },
        );
        return { items, subquery: rel };
      }
      const s = this.scalar(x, scope);
      if (s.type === 'dynamic' && Array.isArray(s.dyn)) {
        for (const v of s.dyn)
          items.push(
            this.lit(
              typeof v === 'number'
                ? Number.isInteger(v)
                  ? 'long'
                  : 'real'
                : typeof v === 'boolean'
                  ? 'bool'
                  : 'string',
              v,
            ),
          );
      } else items.push(s);
    }
    return { items };
  }

  private inList(e: Extract<Expr, { kind: 'in' }>, scope: Scope): Sc {
    const l = this.scalar(e.left, scope);
    const { items, subquery } = this.listItems(e.list, scope);
    const op = e.op;
    const bool = (sql: string): Sc => ({ sql, type: 'bool' });
    if (op === 'has_any' || op === 'has_all') {
      if (subquery) throw unsupported(`${op} with a tabular expression`, e);
      if (!items.length) return bool(op === 'has_any' ? 'false' : 'true');
      const parts = items.map((i) => this.has(this.str(l), i, true));
      return bool(`(${parts.join(op === 'has_any' ? ' OR ' : ' AND ')})`);
    }
    const negated = op.startsWith('!');
    const ci = op.endsWith('~');
    if (subquery) {
      const c = subquery.cols[0];
      if (!c) throw new KqlError('in: the tabular expression has no columns', e.pos, e.len);
      const col = `${this.d.quote(c.name)}`;
      const right = ci ? `lower(${col})` : col;
      const left = ci
        ? `lower(${this.str(l)})`
        : l.type === 'dynamic'
          ? this.fromDynamic(l, c.type).sql
          : l.sql;
      const m = `(${left} IN (SELECT ${right} FROM (${subquery.sql}) AS ${this.a()}))`;
      return bool(negated ? `(NOT coalesce(${m}, false))` : m);
    }
    if (!items.length) return bool(negated ? 'true' : 'false');
    if (ci) {
      const m = `(lower(${this.str(l)}) IN (${items.map((i) => `lower(${this.str(i)})`).join(', ')}))`;
      return bool(negated ? `(NOT ${m})` : m);
    }
    const left = l.type === 'dynamic' ? this.fromDynamic(l, items[0]!.type).sql : l.sql;
    const m = `(${left} IN (${items.map((i) => i.sql).join(', ')}))`;
    return bool(negated ? `(NOT ${m})` : m);
  }

  private cast(s: Sc, t: KType, at: Span): string {
    if (s.type === t) return s.sql;
    if (s.value === null) return this.d.nullOf(t);
    if (NUMERIC.has(s.type) && NUMERIC.has(t)) return `CAST(${s.sql} AS ${this.d.sqlType(t)})`;
    if (t === 'dynamic') return this.d.toJson(s.sql);
    if ((t === 'string' || t === 'guid') && (s.type === 'string' || s.type === 'guid')) return s.sql;
    throw new KqlError(`Expected a ${t} value, got ${s.type}`, at.pos, at.len);
  }

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Sc {
    if (this.lets.get(e.name)?.kind === 'function')
      return this.invoke(e.name, e.args, e, (body) => this.scalar(body, scope));
    const fn = e.name.toLowerCase();
    if (this.aggScope && AGGREGATE_NAMES.has(fn) && fn !== 'arg_max' && fn !== 'arg_min') {
      const input = this.aggScope;
      this.aggScope = undefined;
      try {
        const a = aggregate(this, fn, e, input);
        return { sql: a.sql, type: a.type };
      } finally {
        this.aggScope = input;
      }
    }
    return callScalar(this, e, scope);
  }

  // Helpers used by functions.ts.
  get dialect(): KqlDialect {
    return this.d;
  }
  nowIso(): string {
    return this.ctx.now;
  }
  literal(type: KType, value: unknown): Sc {
    return this.lit(type, value);
  }
  asString(s: Sc): string {
    return this.str(s);
  }
  asNumber(s: Sc, at: Span, what: string): Sc {
    return this.num(s, at, what);
  }
  asType(s: Sc, t: KType): Sc {
    return this.fromDynamic(s, t);
  }
  subquery(t: Tabular): Rel {
    return this.tabular(t);
  }
  freshAlias(): string {
    return this.a();
  }
  discovered(sql: string): unknown[][] | undefined {
    return this.ctx.discovered?.(sql);
  }
}

export type { Compiler, Sc, Scope };

import { evaluate } from './evaluate.ts';
import { callScalar } from './functions.ts';
import { join, mvApply, mvExpand, parseOp } from './relational.ts';
import { makeSeries, seriesStats } from './series.ts';
import { aggregate, summarize } from './summarize.ts';
