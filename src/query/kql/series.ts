/** make-series, and the series_* functions over its arrays. */
import type { Expr, KType, Operator } from './ast.ts';
import { AGGREGATE_NAMES, type Col, type Compiler, type Rel, type Sc, type Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';
import { NUMERIC } from './expressions.ts';
import { aggregate } from './summarize.ts';

/**
 * make-series: one row per group of the rows in range, each aggregate as an array with one value
 * per step (`default`, else 0, where a step has no rows), and the axis as an array of the steps'
 * starts. The axis is a datetime (timespan step) or a number (numeric step). Without `from`, the
 * range starts at the bin (from 0 or the epoch) of the smallest axis value of the whole input;
 * without `to`, it ends after the bin of the largest one — the same range for every group.
 */
export function makeSeries(
  cx: Compiler,
  input: Rel,
  op: Extract<Operator, { kind: 'make-series' }>,
  from: string,
): Rel {
  const d = cx.dialect;
  const q = d.quote;
  const scope: Scope = { cols: input.cols };
  const on = cx.scalar(op.on, scope);
  const step = cx.scalar(op.step, scope);
  const dates = on.type === 'datetime';
  if (dates ? step.type !== 'timespan' : !NUMERIC.has(on.type) || !NUMERIC.has(step.type))
    throw unsupported(`make-series over a ${on.type} axis with a ${step.type} step`, op);
  if (typeof step.value !== 'number' || step.value <= 0)
    throw new KqlError('make-series: the step must be a constant positive value', op.step.pos, op.step.len);
  // Axis values as numbers (microseconds for datetimes) so one arithmetic serves both kinds.
  const n = (sql: string) => (dates ? `CAST(${d.epochMicros(sql)} AS DOUBLE)` : `CAST(${sql} AS DOUBLE)`);
  const bound = (e: Expr | undefined, agg: 'min' | 'max'): string => {
    if (e) {
      const b = cx.scalar(e, scope);
      if (dates ? b.type !== 'datetime' : !NUMERIC.has(b.type))
        throw new KqlError(`make-series: expected a ${dates ? 'datetime' : 'number'}`, e.pos, e.len);
      return n(b.sql);
    }
    // From the data: the bin of the smallest (largest) axis value.
    return `(SELECT floor(${agg}(${n(on.sql)}) / ${step.value}) * ${step.value} FROM (${input.sql}) AS ${cx.a()})`;
  };
  const start = bound(op.from, 'min');
  const last = op.to ? undefined : bound(undefined, 'max');
  // Exclusive end: `to` as given, `in range(…, to, …)`'s last bin start + step, or the data's last bin + step.
  const end = op.to
    ? op.inclusiveTo
      ? `(${bound(op.to, 'max')} + ${step.value})`
      : bound(op.to, 'max')
    : `(${last} + ${step.value})`;
  const axis = cx.baseName(op.on) ?? (dates ? 'TimeGenerated' : 'x');
  const used = new Set<string>();
  const by = op.by.map((e, i) => cx.column(e, scope, i, used));
  const aggs = op.aggregates.map((a, i) => {
    const names = a.expr.kind === 'named' ? a.expr.names : undefined;
    const call = a.expr.kind === 'named' ? a.expr.expr : a.expr;
    if (call.kind !== 'call' || !AGGREGATE_NAMES.has(call.name.toLowerCase()))
      throw new KqlError('make-series: expected an aggregation function', call.pos, call.len);
    const agg = aggregate(cx, call.name.toLowerCase(), call, scope);
    const def = a.default ? cx.scalar(a.default, scope) : undefined;
    const name = names?.[0] ?? cx.unique(agg.name, used);
    used.add(name);
    return {
      name,
      sql: agg.sql,
      def: def ? def.sql : agg.type === 'real' || agg.type === 'long' || agg.type === 'int' ? '0' : 'NULL',
      i,
    };
  });
  const x = n(on.sql);
  const bucket = `CAST(floor((${x} - ${start}) / ${step.value}) AS BIGINT)`;
  const inRange = `SELECT *, ${bucket} AS ${q('__b')} ${from} WHERE ${x} >= ${start} AND ${x} < ${end}`;
  const keyList = by.map((b) => `${b.sql} AS ${q(b.name)}`);
  const grouped = `SELECT ${[...keyList, q('__b'), ...aggs.map((a) => `${a.sql} AS ${q(`__a${a.i}`)}`)].join(', ')} FROM (${inRange}) AS ${cx.a()} GROUP BY ${[...by.map((_, i) => i + 1), by.length + 1].join(', ')}`;
  const keys = by.length
    ? `SELECT DISTINCT ${keyList.join(', ')} FROM (${inRange}) AS ${cx.a()}`
    : `SELECT 1 AS ${q('__k')}`;
  const bins = `SELECT unnest(range(0, CAST(ceil((${end} - ${start}) / ${step.value}) AS BIGINT))) AS ${q('__b')}`;
  const match = [
    ...by.map((b) => `k.${q(b.name)} IS NOT DISTINCT FROM g.${q(b.name)}`),
    `g.${q('__b')} = b.${q('__b')}`,
  ].join(' AND ');
  const at = `(${start} + b.${q('__b')} * ${step.value})`;
  const axisValue = dates
    ? `strftime(${d.fromEpochMicros(at)}, '%Y-%m-%dT%H:%M:%S.%f0Z')`
    : on.type === 'real' || step.type === 'real'
      ? at
      : `CAST(${at} AS BIGINT)`;
  const list = [
    ...by.map((b) => `k.${q(b.name)} AS ${q(b.name)}`),
    ...aggs.map(
      (a) => `to_json(list(coalesce(g.${q(`__a${a.i}`)}, ${a.def}) ORDER BY b.${q('__b')})) AS ${q(a.name)}`,
    ),
    `to_json(list(${axisValue} ORDER BY b.${q('__b')})) AS ${q(axis)}`,
  ];
  const group = by.length ? ` GROUP BY ${by.map((b) => `k.${q(b.name)}`).join(', ')}` : '';
  const cols: Col[] = [
    ...by.map((b) => ({ name: b.name, type: b.type })),
    ...aggs.map((a) => ({ name: a.name, type: 'dynamic' as KType })),
    { name: axis, type: 'dynamic' },
  ];
  // No rows in range: no series (an empty input has no bounds either).
  return {
    sql: `SELECT ${list.join(', ')} FROM (${keys}) AS k CROSS JOIN (${bins}) AS b LEFT JOIN (${grouped}) AS g ON ${match}${group} HAVING count(g.${q('__b')}) > 0`,
    cols,
  };
}

/** The numbers of a dynamic array, as a SQL list of DOUBLE (non-numbers are null). */
function numbers(a: Sc): string {
  return `list_transform(CAST(json_extract(${a.sql}, '$[*]') AS JSON[]), v -> TRY_CAST(v AS DOUBLE))`;
}

/**
 * series_stats_dynamic(x): min, min_idx, max, max_idx, avg, stdev, variance of a numeric array
 * (sample stdev and variance, as Kusto computes them; non-numeric elements are skipped).
 */
export function seriesStats(a: Sc): { name: string; sql: string; type: KType }[] {
  const xs = numbers(a);
  const vals = `list_filter(${xs}, v -> v IS NOT NULL)`;
  const idx = (agg: 'min' | 'max') => `CAST(list_position(${xs}, list_${agg}(${vals})) - 1 AS BIGINT)`;
  return [
    { name: 'min', sql: `list_min(${vals})`, type: 'real' },
    { name: 'min_idx', sql: idx('min'), type: 'long' },
    { name: 'max', sql: `list_max(${vals})`, type: 'real' },
    { name: 'max_idx', sql: idx('max'), type: 'long' },
    { name: 'avg', sql: `list_avg(${vals})`, type: 'real' },
    { name: 'stdev', sql: `list_stddev_samp(${vals})`, type: 'real' },
    { name: 'variance', sql: `list_var_samp(${vals})`, type: 'real' },
  ];
}
