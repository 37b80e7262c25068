/**
 * Kusto's series decomposition and Tukey-fence outlier scores (series_decompose,
 * series_decompose_anomalies, series_outliers) as DuckDB list expressions, so they run per row
 * inside the query (their arrays feed mv-expand and where afterwards, as in Sentinel's rules).
 *
 * Series are DOUBLE lists here (1-based in SQL; indices below are 0-based). Every intermediate
 * value is bound once with the `list_transform([value], name -> body)[1]` idiom (SQL has no
 * per-row `let`), under a fresh lambda name so nested bodies never shadow each other.
 */

export type Trend = 'avg' | 'linefit' | 'none';

export interface DecomposeOptions {
  /** -1: detect; 0: none; p > 0: the period in bins. */
  seasonality: number;
  trend: Trend;
  /** Points at the end left out of learning (seasonal medians, trend fit, period detection). */
  testPoints: number;
  /** Smallest correlation score a detected period needs (Kusto's default 0.6). */
  seasonalityThreshold: number;
}

/** Kusto detects periods of at least 4 bins and at most half the series. */
const MIN_PERIOD = 4;
/** The largest double, standing for an infinite score (JSON has no infinity). */
export const MAX_SCORE = '1.7976931348623157e308';

/** Fresh lambda names for one function call's SQL (one Gen per call keeps names unique within it). */
export class Gen {
  private n = 0;
  fresh(base: string): string {
    return `__${base}${this.n++}`;
  }
  /** `body` with `value` bound to a fresh name (evaluated once). */
  bind(value: string, base: string, body: (name: string) => string): string {
    const v = this.fresh(base);
    return `list_transform([${value}], ${v} -> ${body(v)})[1]`;
  }
  /** list_transform over 0..len-1. */
  each(len: string, body: (i: string) => string): string {
    const i = this.fresh('i');
    return `list_transform(range(${len}), ${i} -> ${body(i)})`;
  }
}

/** Least-squares line {a, b} (y = a + b·i) through the non-null points of `v`; b = 0 for one point, null for none. */
function lineFit(g: Gen, v: string): string {
  const i = g.fresh('i');
  return g.bind(`list_filter(range(len(${v})), ${i} -> ${v}[${i} + 1] IS NOT NULL)`, 'ix', (ix) => {
    const sum = (f: (j: string) => string) => {
      const j = g.fresh('j');
      return `CAST(list_sum(list_transform(${ix}, ${j} -> ${f(j)})) AS DOUBLE)`;
    };
    const sums = `{'c': CAST(len(${ix}) AS DOUBLE), 'sx': ${sum((j) => j)}, 'sy': ${sum((j) => `${v}[${j} + 1]`)}, 'sxx': ${sum((j) => `${j} * ${j}`)}, 'sxy': ${sum((j) => `${j} * ${v}[${j} + 1]`)}}`;
    return g.bind(sums, 's', (s) => {
      const f = (k: string) => `struct_extract(${s}, '${k}')`;
      const den = `(${f('c')} * ${f('sxx')} - ${f('sx')} * ${f('sx')})`;
      const b = `CASE WHEN ${den} = 0 THEN 0.0 ELSE (${f('c')} * ${f('sxy')} - ${f('sx')} * ${f('sy')}) / ${den} END`;
      return g.bind(
        b,
        'b',
        (bb) =>
          `CASE WHEN ${f('c')} = 0 THEN NULL ELSE {'a': (${f('sy')} - ${bb} * ${f('sx')}) / ${f('c')}, 'b': ${bb}} END`,
      );
    });
  });
}

/**
 * Pearson correlation of the pairs (d[i], d[i + p]) of a list without nulls; null with fewer than
 * 3 pairs or without variance. Built from sums and dot products of two slices (native list
 * functions, no per-element lambda: this runs for every candidate period).
 */
function lagCorrelation(g: Gen, d: string, p: string): string {
  const a = `list_slice(${d}, 1, len(${d}) - ${p})`;
  const b = `list_slice(${d}, ${p} + 1, len(${d}))`;
  return g.bind(a, 'a', (av) =>
    g.bind(b, 'b', (bv) => {
      const sums = `{'k': CAST(len(${av}) AS DOUBLE), 'sa': list_sum(${av}), 'sb': list_sum(${bv}), 'saa': list_dot_product(${av}, ${av}), 'sbb': list_dot_product(${bv}, ${bv}), 'sab': list_dot_product(${av}, ${bv})}`;
      return g.bind(sums, 's', (s) => {
        const f = (k: string) => `struct_extract(${s}, '${k}')`;
        const va = `(${f('k')} * ${f('saa')} - ${f('sa')} * ${f('sa')})`;
        const vb = `(${f('k')} * ${f('sbb')} - ${f('sb')} * ${f('sb')})`;
        // A constant side has no correlation (and 0/0 would be NaN, which DuckDB orders above every number).
        return `CASE WHEN ${f('k')} < 3 OR ${va} <= 0 OR ${vb} <= 0 THEN NULL ELSE (${f('k')} * ${f('sab')} - ${f('sa')} * ${f('sb')}) / sqrt(${va} * ${vb}) END`;
      });
    }),
  );
}

/**
 * Rounding to 10 significant digits of the largest magnitude in `scale` (the original series):
 * floating-point noise of a fit (a line minus its own fit) becomes exact zeros, and equal values
 * stay equal through percentile interpolation, instead of making a pattern to detect or score.
 */
function withGrid(g: Gen, scale: string, body: (snap: (v: string) => string) => string): string {
  const v0 = g.fresh('v');
  const eps = `greatest(list_max(list_transform(${scale}, ${v0} -> abs(${v0}))), 1e-300) * 1e-10`;
  return g.bind(eps, 'eps', (e) => body((v) => `round(${v} / ${e}) * ${e}`));
}

function denoise(g: Gen, xs: string, scale: string): string {
  return withGrid(g, scale, (snap) => {
    const v = g.fresh('v');
    return `list_transform(${xs}, ${v} -> ${snap(v)})`;
  });
}

/**
 * The detected period of the training points `tr` (0 when none): the line fit is removed (a
 * missing point counts as on the line), then each candidate period p in [4, len/2] scores the
 * correlation of the series with itself shifted by p. The best-scoring candidate must reach the threshold; it is then replaced by its smallest
 * divisor that reaches the threshold too (a multiple of a period scores as well as the period,
 * and one spike can tip the balance toward the multiple).
 */
function detectPeriod(g: Gen, tr: string, threshold: number): string {
  return g.bind(lineFit(g, tr), 'f', (f) => {
    const detrended = g.each(
      `len(${tr})`,
      (i) =>
        `coalesce(${tr}[${i} + 1] - (struct_extract(${f}, 'a') + struct_extract(${f}, 'b') * ${i}), 0.0)`,
    );
    return g.bind(denoise(g, detrended, tr), 'd', (d) => {
      const p = g.fresh('p');
      const cands = `list_transform(range(${MIN_PERIOD}, len(${d}) // 2 + 1), ${p} -> {'p': ${p}, 'r': ${lagCorrelation(g, d, p)}})`;
      return g.bind(cands, 'cs', (cs) => {
        const c = g.fresh('c');
        const r = (x: string) => `struct_extract(${x}, 'r')`;
        const pp = (x: string) => `struct_extract(${x}, 'p')`;
        return g.bind(`list_max(list_transform(${cs}, ${c} -> ${r(c)}))`, 'best', (best) => {
          const k = g.fresh('c');
          const top = `${pp(`list_filter(${cs}, ${k} -> ${r(k)} = ${best})[1]`)}`;
          return g.bind(top, 'top', (t) => {
            const q = g.fresh('c');
            return `CASE WHEN ${best} IS NULL OR ${best} < ${threshold} THEN 0 ELSE ${pp(`list_filter(${cs}, ${q} -> ${t} % ${pp(q)} = 0 AND ${r(q)} >= ${threshold})[1]`)} END`;
          });
        });
      });
    });
  });
}

/**
 * series_decompose: a STRUCT of DOUBLE lists {baseline, seasonal, trend, residual} from a DOUBLE
 * list `xs`, in Kusto's documented order: the seasonal component (the median of the training
 * points of each phase) from x; the trend (average or line fit) from x − seasonal; baseline =
 * seasonal + trend; residual = x − baseline. Null points are left out of every fit.
 */
export function decomposeSql(g: Gen, xs: string, o: DecomposeOptions): string {
  return g.bind(xs, 'x', (x) =>
    g.bind(`list_slice(${x}, 1, greatest(len(${x}) - ${o.testPoints}, 0))`, 'tr', (tr) => {
      const period =
        o.seasonality === -1 ? detectPeriod(g, tr, o.seasonalityThreshold) : String(o.seasonality);
      return g.bind(period, 'p', (p) => {
        const v = g.fresh('v');
        const j = g.fresh('j');
        const k = g.fresh('k');
        const medians = `list_transform(range(${p}), ${k} -> coalesce(list_aggregate(list_filter(${tr}, (${v}, ${j}) -> (${j} - 1) % ${p} = ${k} AND ${v} IS NOT NULL), 'median'), 0.0))`;
        const seasonal = g.bind(medians, 'med', (med) =>
          g.each(`len(${x})`, (i) => `CASE WHEN ${p} = 0 THEN 0.0 ELSE ${med}[${i} % ${p} + 1] END`),
        );
        return g.bind(seasonal, 'se', (se) => {
          const ds = g.each(`len(${x})`, (i) => `${x}[${i} + 1] - ${se}[${i} + 1]`);
          return g.bind(ds, 'ds', (dsv) => {
            const train = `list_slice(${dsv}, 1, len(${tr}))`;
            const trend =
              o.trend === 'none'
                ? g.each(`len(${x})`, () => '0.0')
                : o.trend === 'avg'
                  ? g.bind(`list_avg(${train})`, 'av', (av) => g.each(`len(${x})`, () => av))
                  : g.bind(lineFit(g, train), 'lf', (lf) =>
                      g.each(
                        `len(${x})`,
                        (i) => `struct_extract(${lf}, 'a') + struct_extract(${lf}, 'b') * ${i}`,
                      ),
                    );
            return g.bind(trend, 'tn', (tn) =>
              g.bind(
                g.each(`len(${x})`, (i) => `${se}[${i} + 1] + ${tn}[${i} + 1]`),
                'bl',
                (bl) =>
                  `{'period': ${p}, 'baseline': ${bl}, 'seasonal': ${se}, 'trend': ${tn}, 'residual': ${g.each(`len(${x})`, (i) => `${x}[${i} + 1] - ${bl}[${i} + 1]`)}}`,
              ),
            );
          });
        });
      });
    }),
  );
}

/**
 * series_outliers: Tukey's fence scores of a DOUBLE list. Outside [P_lo, P_hi] (linear
 * interpolation over the non-null values) a point scores its distance from the nearer bound in
 * units of P_hi − P_lo (so 1.5 is Tukey's fence with k = 1.5), signed; inside, and null or
 * `ignore` points, 0. A zero range makes any point outside it an infinite score (MAX_SCORE).
 * Values are first rounded (see denoise; `scale` is the series a residual comes from) so that
 * floating-point noise from a decomposition is not scored.
 */
export function outliersSql(
  g: Gen,
  xs: string,
  lo: string,
  hi: string,
  opts: { ignore?: string; scale?: string } = {},
): string {
  const v1 = g.fresh('v');
  const skip = opts.ignore ? ` OR ${v1} = ${opts.ignore}` : '';
  const present = `list_transform(${xs}, ${v1} -> CASE WHEN ${v1} IS NULL OR isnan(${v1})${skip} THEN NULL ELSE ${v1} END)`;
  return withGrid(g, opts.scale ?? xs, (snap) => {
    const v0 = g.fresh('v');
    return g.bind(`list_transform(${present}, ${v0} -> ${snap(v0)})`, 'r', (x) => {
      const v2 = g.fresh('v');
      const vals = `list_filter(${x}, ${v2} -> ${v2} IS NOT NULL)`;
      // The percentiles on the same grid: an interpolation between equal values gives that value.
      const pct = (p: string) => snap(`list_aggregate(${vals}, 'quantile_cont', ${p})`);
      return g.bind(`{'lo': ${pct(lo)}, 'hi': ${pct(hi)}}`, 'q', (q) => {
        const L = `struct_extract(${q}, 'lo')`;
        const H = `struct_extract(${q}, 'hi')`;
        const v = g.fresh('v');
        const out = (dist: string, sign: string) =>
          `CASE WHEN ${H} > ${L} THEN ${dist} / (${H} - ${L}) ELSE ${sign}${MAX_SCORE} END`;
        return `list_transform(${x}, ${v} -> CASE WHEN ${v} IS NULL THEN 0.0 WHEN ${v} > ${H} THEN ${out(`(${v} - ${H})`, '')} WHEN ${v} < ${L} THEN ${out(`(${v} - ${L})`, '-')} ELSE 0.0 END)`;
      });
    });
  });
}

/** ad_flag from scores: +1 above k, −1 below −k, else 0. */
export function flagsSql(g: Gen, scores: string, k: string): string {
  const v = g.fresh('v');
  return `list_transform(${scores}, ${v} -> CASE WHEN ${v} > ${k} THEN 1 WHEN ${v} < -(${k}) THEN -1 ELSE 0 END)`;
}
