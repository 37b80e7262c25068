/** Column names: resolving a column, naming projected expressions as Kusto names them. */
import type { Expr, KType, Span } from './ast.ts';
import type { Col, Compiler, Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';
import { multiColumn } from './series.ts';

export function col(scope: Scope, name: string, at: Span): Col {
  const c = scope.cols.find((x) => x.name === name);
  if (!c) throw new KqlError(`Failed to resolve column or scalar expression named '${name}'`, at.pos, at.len);
  return c;
}

/**
 * The columns of one project/extend expression: one, or several for a function that makes
 * several (series_stats(x) → series_stats_x_min, …, series_decompose_anomalies(x) → …_ad_flag,
 * …, or `(a, b, …) = f(x)`).
 */
export function columns(
  cx: Compiler,
  e: Expr,
  scope: Scope,
  i: number,
  used: Set<string>,
  extend = false,
): { name: string; sql: string; type: KType }[] {
  const names = e.kind === 'named' ? e.names : undefined;
  const call = e.kind === 'named' ? e.expr : e;
  const multi = call.kind === 'call' ? multiColumn(cx, call, scope) : undefined;
  if (multi)
    return multi.parts.map((part, j) => {
      const name = names?.[j] ?? `${multi.prefix}_${part.name}`;
      used.add(name);
      return { name, sql: part.sql, type: part.type };
    });
  return [column(cx, e, scope, i, used, extend)];
}

/** A projected column: `name = expr` or an expression named as Kusto names it. */
export function column(
  cx: Compiler,
  e: Expr,
  scope: Scope,
  i: number,
  used: Set<string>,
  extend = false,
  forced?: string,
): { name: string; sql: string; type: KType } {
  if (e.kind === 'named') {
    if (e.names.length !== 1) throw unsupported('a tuple of names here', e);
    const s = cx.scalar(e.expr, scope);
    used.add(e.names[0]!);
    return { name: e.names[0]!, ...s };
  }
  const s = cx.scalar(e, scope);
  const name = forced ?? autoName(cx, e, i, extend ? new Set() : used);
  used.add(name);
  return { name, sql: s.sql, type: s.type };
}

/** Kusto names an unnamed, non-column expression Column1, Column2, … (the first free one). */
export function autoName(cx: Compiler, e: Expr, _i: number, used: Set<string>, forced?: string): string {
  if (forced) return forced;
  const base = baseName(cx, e);
  if (base) return unique(base, used);
  let n = 1;
  while (used.has(`Column${n}`)) n++;
  return `Column${n}`;
}

export function unique(name: string, used: Set<string>): string {
  if (!used.has(name)) return name;
  let n = 1;
  while (used.has(`${name}${n}`)) n++;
  return `${name}${n}`;
}

/** Kusto's default column name for an expression: a column's, a path's (a_b), bin(x, …)'s x. */
export function baseName(cx: Compiler, e: Expr): string | undefined {
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'member': {
      const t = baseName(cx, e.target);
      return t ? `${t}_${e.member}` : undefined;
    }
    case 'index': {
      const t = baseName(cx, e.target);
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
        return e.name.toLowerCase().startsWith('to') ? undefined : baseName(cx, e.args[0]);
      return undefined;
    default:
      return undefined;
  }
}
