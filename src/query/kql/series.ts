/** make-series, and the series_* functions over its arrays. */
import type { Expr, KType, Operator } from './ast.ts';
import { AGGREGATE_NAMES, type Col, type Compiler, type Rel, type Sc, type Scope } from './compile.ts';
import { type DecomposeOptions, decomposeSql, flagsSql, Gen, outliersSql } from './decompose.ts';
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

type Call = Extract<Expr, { kind: 'call' }>;

/** A constant argument of a series function (its parameters shape the SQL), or its default. */
function constArg<T extends string | number>(
  cx: Compiler,
  call: Call,
  scope: Scope,
  i: number,
  kind: 'number' | 'string',
  def: T,
): T {
  const e = call.args[i];
  if (!e) return def;
  const s = cx.scalar(e, scope);
  const v = s.value;
  if (kind === 'number' ? typeof v !== 'number' : typeof v !== 'string')
    throw new KqlError(
      `${call.name}(): argument ${i + 1} must be a constant ${kind === 'number' ? 'number' : 'string'}`,
      e.pos,
      e.len,
    );
  return v as T;
}

/**
 * An argument of a series function. DuckDB cannot bind these nested lambdas inside the one-row
 * subquery that lambdaArgs would wrap a subquery argument (toscalar) in: such an argument is refused.
 */
function plainArg(cx: Compiler, call: Call, scope: Scope, i: number): Sc {
  const a = cx.scalar(call.args[i]!, scope);
  if (a.sql.includes('(SELECT'))
    throw unsupported(`${call.name}() of a subquery (toscalar) argument`, call.args[i]!);
  return a;
}

function seriesArg(cx: Compiler, call: Call, scope: Scope): string {
  if (!call.args.length) throw new KqlError(`${call.name}(): expected a series`, call.pos, call.len);
  const a = plainArg(cx, call, scope, 0);
  if (a.type !== 'dynamic')
    throw new KqlError(`${call.name}(): expected a dynamic array`, call.args[0]!.pos, call.args[0]!.len);
  return numbers(a);
}

function decomposeOptions(cx: Compiler, call: Call, scope: Scope, at: number): DecomposeOptions {
  const seasonality = constArg(cx, call, scope, at, 'number', -1);
  if (!Number.isInteger(seasonality) || seasonality < -1)
    throw new KqlError(
      `${call.name}(): seasonality must be -1 (detect), 0 (none) or a positive number of bins`,
      call.args[at]!.pos,
      call.args[at]!.len,
    );
  const trend: string = constArg(cx, call, scope, at + 1, 'string', 'avg');
  if (trend !== 'avg' && trend !== 'linefit' && trend !== 'none')
    throw new KqlError(
      `${call.name}(): trend must be 'avg', 'linefit' or 'none'`,
      call.args[at + 1]!.pos,
      call.args[at + 1]!.len,
    );
  const testPoints = constArg(cx, call, scope, at + 2, 'number', 0);
  if (!Number.isInteger(testPoints) || testPoints < 0)
    throw new KqlError(
      `${call.name}(): test_points must be a non-negative integer`,
      call.args[at + 2]!.pos,
      call.args[at + 2]!.len,
    );
  const th = at === 1 ? at + 3 : at + 4; // series_decompose_anomalies has AD_method before it
  const seasonalityThreshold = constArg(cx, call, scope, th, 'number', 0.6);
  return { seasonality, trend, testPoints, seasonalityThreshold };
}

/** Tukey's percentile range of series_outliers' kind (and ctukey's custom percentiles). */
function tukeyRange(
  cx: Compiler,
  call: Call,
  scope: Scope,
  kindAt: number,
  customAt?: number,
): [number, number] {
  const kind: string = constArg(cx, call, scope, kindAt, 'string', 'ctukey');
  if (kind === 'tukey') return [0.25, 0.75];
  if (kind !== 'ctukey')
    throw new KqlError(
      `${call.name}(): the outlier method must be 'ctukey' or 'tukey'`,
      call.args[kindAt]!.pos,
      call.args[kindAt]!.len,
    );
  if (customAt === undefined) return [0.1, 0.9];
  const lo = constArg(cx, call, scope, customAt, 'number', 10);
  const hi = constArg(cx, call, scope, customAt + 1, 'number', 90);
  if (!(lo >= 2 && lo <= 98 && hi >= 2 && hi <= 98 && lo < hi))
    throw new KqlError(
      `${call.name}(): min_percentile and max_percentile must be in [2, 98], the first below the second`,
      call.pos,
      call.len,
    );
  return [lo / 100, hi / 100];
}

/** A list of numbers as a dynamic array. */
const json = (list: string) => `to_json(${list})`;

/**
 * The functions that make several columns (series_stats, series_decompose,
 * series_decompose_anomalies), or undefined for any other call: each part's name suffix and SQL.
 */
export function multiColumn(
  cx: Compiler,
  call: Call,
  scope: Scope,
): { prefix: string; parts: { name: string; sql: string; type: KType }[] } | undefined {
  const fn = call.name.toLowerCase();
  if (cx.lets.has(call.name)) return undefined;
  const prefix = `${fn}_${cx.baseName(call.args[0] ?? call) ?? ''}`;
  if (fn === 'series_stats') {
    if (call.args.length !== 1)
      throw new KqlError('series_stats(): expected one argument', call.pos, call.len);
    const a = cx.scalar(call.args[0]!, scope);
    if (a.type !== 'dynamic')
      throw new KqlError('series_stats(): expected a dynamic array', call.pos, call.len);
    return { prefix, parts: seriesStats(a) };
  }
  if (fn !== 'series_decompose' && fn !== 'series_decompose_anomalies') return undefined;
  const anomalies = fn === 'series_decompose_anomalies';
  const max = anomalies ? 7 : 5;
  if (call.args.length < 1 || call.args.length > max)
    throw new KqlError(`${call.name}(): expected 1 to ${max} arguments`, call.pos, call.len);
  const xs = seriesArg(cx, call, scope);
  const g = new Gen();
  if (!anomalies) {
    const o = decomposeOptions(cx, call, scope, 1);
    const st = decomposeSql(g, xs, o);
    return {
      prefix,
      parts: ['baseline', 'seasonal', 'trend', 'residual'].map((k) => ({
        name: k,
        sql: json(`struct_extract(${st}, '${k}')`),
        type: 'dynamic' as KType,
      })),
    };
  }
  const k = call.args[1] ? cx.asNumber(plainArg(cx, call, scope, 1), call.args[1], call.name).sql : '1.5';
  const o = decomposeOptions(cx, call, scope, 2);
  const [lo, hi] = tukeyRange(cx, call, scope, 5);
  const body = g.bind(xs, 'xs', (x) =>
    g.bind(decomposeSql(g, x, o), 'dc', (dc) =>
      g.bind(
        outliersSql(g, `struct_extract(${dc}, 'residual')`, String(lo), String(hi), { scale: x }),
        'sc',
        (sc) =>
          `{'ad_flag': ${flagsSql(g, sc, k)}, 'ad_score': ${sc}, 'baseline': struct_extract(${dc}, 'baseline')}`,
      ),
    ),
  );
  const st = body;
  return {
    prefix,
    parts: ['ad_flag', 'ad_score', 'baseline'].map((p) => ({
      name: p,
      sql: json(`struct_extract(${st}, '${p}')`),
      type: 'dynamic' as KType,
    })),
  };
}

/** series_outliers(series [, kind, ignore_val, min_percentile, max_percentile]) as a dynamic array. */
export function seriesOutliers(cx: Compiler, call: Call, scope: Scope): Sc {
  if (call.args.length < 1 || call.args.length > 5)
    throw new KqlError(`${call.name}(): expected 1 to 5 arguments`, call.pos, call.len);
  const xs = seriesArg(cx, call, scope);
  const [lo, hi] = tukeyRange(cx, call, scope, 1, 3);
  const ignoreArg = call.args[2];
  const ignore = ignoreArg ? plainArg(cx, call, scope, 2) : undefined;
  const opts =
    ignore && ignore.value !== null ? { ignore: cx.asNumber(ignore, ignoreArg!, call.name).sql } : {};
  return { sql: json(outliersSql(new Gen(), xs, String(lo), String(hi), opts)), type: 'dynamic' };
}
