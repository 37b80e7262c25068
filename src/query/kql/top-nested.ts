/** top-nested: hierarchical top-N (the top N1 values of a key, then the top N2 of the next key within each, …). */
import type { Operator } from './ast.ts';
import { AGGREGATE_NAMES, type Col, type Compiler, type Rel, type Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';
import { aggregate } from './summarize.ts';

/** Aggregations with one result (arg_max and percentiles make several columns). */
const MULTI = new Set(['arg_max', 'arg_min', 'argmax', 'argmin', 'percentiles']);

/**
 * Level i groups the input by the keys of levels 1..i, aggregates, and keeps the best Ni groups
 * within each group kept at level i − 1 (row_number over a window partitioned by the parent keys).
 * One row per kept leaf: every level's key and aggregate. Ties at a cut are broken arbitrarily, as
 * in Kusto. Rows come out ordered by level 1's aggregate, then level 2's, …. `with others` is not
 * supported.
 */
export function topNested(cx: Compiler, input: Rel, op: Extract<Operator, { kind: 'top-nested' }>): Rel {
  const q = cx.dialect.quote;
  const scope: Scope = { cols: input.cols, rel: input };
  const used = new Set<string>();
  const levels = op.clauses.map((c, i) => {
    if (c.others) throw unsupported("top-nested's 'with others'", c.others);
    const n = c.count ? cx.constInt(c.count, scope, 'top-nested') : undefined;
    const key = cx.column(c.of, scope, 0, used);
    const named = c.by.kind === 'named' ? c.by : undefined;
    const call = named ? named.expr : c.by;
    if (
      call.kind !== 'call' ||
      !AGGREGATE_NAMES.has(call.name.toLowerCase()) ||
      MULTI.has(call.name.toLowerCase())
    )
      throw new KqlError('top-nested: expected an aggregation with one result after by', c.by.pos, c.by.len);
    const agg = aggregate(cx, call.name.toLowerCase(), call, scope);
    const aggName = named?.names[0] ?? cx.unique(`aggregated_${key.name}`, used);
    used.add(aggName);
    return { i, n, key, agg, aggName, desc: c.desc };
  });
  const k = (i: number) => q(`__k${i}`);
  const a = (i: number) => q(`__a${i}`);
  const base = `SELECT *, ${levels.map((l) => `${l.key.sql} AS ${k(l.i)}`).join(', ')} FROM (${input.sql}) AS ${cx.a()}`;
  let sel = '';
  for (const l of levels) {
    const keys = levels.slice(0, l.i + 1).map((x) => k(x.i));
    const grouped = `SELECT ${keys.join(', ')}, ${l.agg.sql} AS ${a(l.i)} FROM (${base}) AS ${cx.a()} GROUP BY ${keys.join(', ')}`;
    const parents = keys.slice(0, -1);
    const rank = `row_number() OVER (${parents.length ? `PARTITION BY ${parents.map((p) => `g.${p}`).join(', ')} ` : ''}ORDER BY g.${a(l.i)} ${l.desc ? 'DESC' : 'ASC'} NULLS LAST)`;
    const keep = l.n === undefined ? '' : ` QUALIFY ${rank} <= ${l.n}`;
    if (!sel) {
      sel = `SELECT g.* FROM (${grouped}) AS g${keep}`;
      continue;
    }
    const on = parents.map((p) => `p.${p} IS NOT DISTINCT FROM g.${p}`).join(' AND ');
    const carried = levels.slice(0, l.i).map((x) => `p.${a(x.i)}`);
    sel = `SELECT ${[...keys.map((x) => `g.${x}`), ...carried, `g.${a(l.i)}`].join(', ')} FROM (${sel}) AS p JOIN (${grouped}) AS g ON ${on}${keep}`;
  }
  const cols: Col[] = levels.flatMap((l) => [
    { name: l.key.name, type: l.key.type },
    { name: l.aggName, type: l.agg.type },
  ]);
  const list = levels.flatMap((l) => [`${k(l.i)} AS ${q(l.key.name)}`, `${a(l.i)} AS ${q(l.aggName)}`]);
  // Kusto lists the result level by level, best first; the order is fixed here (ties by key) so
  // the same query always answers in the same order.
  const order = levels.flatMap((l) => [`${a(l.i)} ${l.desc ? 'DESC' : 'ASC'} NULLS LAST`, `${k(l.i)} ASC`]);
  return { sql: `SELECT ${list.join(', ')} FROM (${sel}) AS ${cx.a()} ORDER BY ${order.join(', ')}`, cols };
}
