/**
 * Binder and compiler: idtrail's KQL tree (ast.ts) → one SQL statement, bound against the LA table
 * schemas with Kusto types. Each tabular operator becomes one SELECT over the previous one (a
 * relational plan written straight as nested SQL: scan → filter → project → extend → aggregate →
 * sort → limit, plus union); every engine-specific fragment goes through the dialect seam
 * (sql/dialect.ts). Nothing is evaluated in JS except constants. See docs/kql.md.
 *
 * This module holds the Compiler (statements, lets and functions, table references); the rest is
 * split by concern: operators.ts (tabular operators), expressions.ts (scalar expressions),
 * names.ts (column naming), functions.ts, summarize.ts, series.ts, relational.ts, evaluate.ts.
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
  /**
   * `_GetWatchlist(alias)`: the caller's watchlist of that alias, or undefined when it has none.
   * May throw NeedsDiscovery (the tenant's watchlists are read first).
   */
  watchlist?(alias: string): Rel | undefined;
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
  /** The rows the expression is evaluated over, where an operator has them (for discovery queries). */
  rel?: Rel;
}

export function compileKql(script: Script, ctx: CompileContext): CompiledQuery {
  return new Compiler(ctx).script(script);
}

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
  'percentiles',
  'percentiles_array',
]);

class Compiler {
  private readonly d: KqlDialect;
  readonly lets = new Map<string, Let>();
  /** Set when a window function (row_number, prev, next) is compiled: `where` then uses QUALIFY. */
  usedWindow = false;
  /**
   * Window-function arguments that are window functions themselves (`row_cumsum(iff(prev(x) …))`):
   * SQL cannot nest them, so the inner ones are computed as columns of a SELECT before (see
   * operators.ts `windowLayer`). Undefined where no layer can be added.
   */
  windowHoist: string[] | undefined;
  render: CompiledQuery['render'];
  private alias = 0;
  /** Inside a summarize aggregate expression: the input scope that aggregation calls read. */
  aggScope: Scope | undefined;

  constructor(readonly ctx: CompileContext) {
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
    if (v.kind === 'call' && this.returnsTable(v.name)) {
      // `let t = f("SigninLogs")` or `let t = table("…")`: a table, compiled where it is used.
      this.lets.set(name, {
        kind: 'tabular',
        value: { kind: 'call', name: v.name, args: v.args, pos: v.pos, len: v.len },
      });
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

  /** Whether a call of `name` gives a table: `table()`, or a let function whose body is tabular. */
  private returnsTable(name: string): boolean {
    if (name.toLowerCase() === 'table' || name.toLowerCase() === '_getwatchlist') return true;
    const f = this.lets.get(name);
    if (f?.kind !== 'function') return false;
    const body = f.value.body;
    if (body.kind === 'tabular') return true;
    if (body.kind === 'call')
      return body.name.toLowerCase() === 'table' || body.name === name ? true : this.returnsTable(body.name);
    return (
      body.kind === 'name' &&
      (f.value.params.some((p) => p.name === body.name && p.type === 'table') || this.tableExists(body.name))
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
        // A view (`let v = view () { … }`) or a function without arguments, named as a table.
        if (l?.kind === 'function')
          return this.tabular({ kind: 'call', name: t.name, args: [], pos: t.pos, len: t.len });
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
        if (t.name.toLowerCase() === '_getwatchlist' && !this.lets.has(t.name)) return getWatchlist(this, t);
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

  call(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Sc {
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

  // The binder's parts, as methods for the modules that compile through the Compiler
  // (expressions.ts, names.ts, operators.ts and the operator modules).
  scalar(e: Expr, scope: Scope): Sc {
    return _scalar(this, e, scope);
  }
  num(s: Sc, at: Span, what: string): Sc {
    return _num(this, s, at, what);
  }
  unique(name: string, used: Set<string>): string {
    return _unique(name, used);
  }
  plain(s: Sc): string {
    return _plain(s);
  }
  column(
    e: Expr,
    scope: Scope,
    i: number,
    used: Set<string>,
    extend = false,
    forced?: string,
  ): { name: string; sql: string; type: KType } {
    return _column(this, e, scope, i, used, extend, forced);
  }
  columns(
    e: Expr,
    scope: Scope,
    i: number,
    used: Set<string>,
    extend = false,
  ): { name: string; sql: string; type: KType }[] {
    return _columns(this, e, scope, i, used, extend);
  }
  col(scope: Scope, name: string, at: Span): Col {
    return _col(scope, name, at);
  }
  baseName(e: Expr): string | undefined {
    return _baseName(this, e);
  }
  constInt(e: Expr, scope: Scope, what: string): number {
    return _constInt(this, e, scope, what);
  }
  autoName(e: Expr, i: number, used: Set<string>, forced?: string): string {
    return _autoName(this, e, i, used, forced);
  }
  str(s: Sc): string {
    return _str(s);
  }
  fromDynamic(s: Sc, t: KType): Sc {
    return _fromDynamic(this, s, t);
  }
  comparable(a: KType, b: KType): boolean {
    return _comparable(a, b);
  }
  operator(input: Rel, op: Operator): Rel {
    return _operator(this, input, op);
  }
  union(
    first: Rel | undefined,
    tables: Tabular[],
    withSource: string | undefined,
    fuzzy: boolean,
    at: Span,
    inner = false,
  ): Rel {
    return _union(this, first, tables, withSource, fuzzy, at, inner);
  }
  datatable(t: Extract<Tabular, { kind: 'datatable' }>): Rel {
    return _datatable(this, t);
  }
  cast(s: Sc, t: KType, at: Span): string {
    return _cast(this, s, t, at);
  }

  // Helpers used by functions.ts.
  get dialect(): KqlDialect {
    return this.d;
  }
  nowIso(): string {
    return this.ctx.now;
  }
  literal(type: KType, value: unknown): Sc {
    return _lit(this, type, value);
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

import {
  cast as _cast,
  comparable as _comparable,
  constInt as _constInt,
  fromDynamic as _fromDynamic,
  lit as _lit,
  num as _num,
  plain as _plain,
  scalar as _scalar,
  str as _str,
  NUMERIC,
} from './expressions.ts';
import { callScalar } from './functions.ts';
import {
  autoName as _autoName,
  baseName as _baseName,
  col as _col,
  column as _column,
  columns as _columns,
  unique as _unique,
} from './names.ts';
import { datatable as _datatable, operator as _operator, union as _union } from './operators.ts';
import { aggregate } from './summarize.ts';
import { getWatchlist } from './watchlist.ts';
