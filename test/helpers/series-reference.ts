/**
 * A plain JS implementation of series_decompose / series_outliers / series_decompose_anomalies as
 * docs/kql.md describes them, written independently of the SQL (loops, sorting), so tests can check
 * the SQL's values against it.
 */
export type Trend = 'avg' | 'linefit' | 'none';
type N = number | null;

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

/** Linear interpolation between closest ranks (DuckDB's quantile_cont, numpy's default). */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function lineFit(v: N[]): { a: number; b: number } | null {
  let c = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  v.forEach((y, i) => {
    if (y === null) return;
    c++;
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  });
  if (!c) return null;
  const den = c * sxx - sx * sx;
  const b = den === 0 ? 0 : (c * sxy - sx * sy) / den;
  return { a: (sy - b * sx) / c, b };
}

const maxAbs = (v: N[]) => Math.max(1e-300, ...v.map((x) => (x === null ? 0 : Math.abs(x))));
const roundTo = (x: number, eps: number) => Math.round(x / eps) * eps;

function pearsonAtLag(d: number[], p: number): number | null {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i + p < d.length; i++) {
    a.push(d[i]!);
    b.push(d[i + p]!);
  }
  if (a.length < 3) return null;
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return va <= 0 || vb <= 0 ? null : cov / Math.sqrt(va * vb);
}

/** The period docs/kql.md describes (a missing point counts as on the fitted line). */
export function detectPeriod(tr: N[], threshold = 0.6): number {
  const f = lineFit(tr);
  if (!f) return 0;
  const eps = maxAbs(tr) * 1e-10;
  const d = tr.map((y, i) => (y === null ? 0 : roundTo(y - (f.a + f.b * i), eps)));
  const scores = new Map<number, number>();
  for (let p = 4; p <= Math.floor(d.length / 2); p++) {
    const r = pearsonAtLag(d, p);
    if (r !== null) scores.set(p, r);
  }
  let best = 0;
  let bestR = Number.NEGATIVE_INFINITY;
  for (const [p, r] of scores)
    if (r > bestR) {
      best = p;
      bestR = r;
    }
  if (!best || bestR < threshold) return 0;
  for (const [p, r] of scores) if (best % p === 0 && r >= threshold) return p;
  return best;
}

export interface Decomposition {
  period: number;
  baseline: number[];
  seasonal: number[];
  trend: number[];
  residual: N[];
}

export function decompose(x: N[], seasonality = -1, trend: Trend = 'avg', testPoints = 0): Decomposition {
  const m = Math.max(x.length - testPoints, 0);
  const tr = x.slice(0, m);
  const period = seasonality === -1 ? detectPeriod(tr.filter((v): v is number => v !== null)) : seasonality;
  const seasonal = x.map((_, i) => {
    if (!period) return 0;
    const phase = tr.filter((v, j): v is number => v !== null && j % period === i % period);
    return phase.length ? median(phase) : 0;
  });
  const ds = x.map((v, i) => (v === null ? null : v - seasonal[i]!));
  const train = ds.slice(0, m);
  let tn: number[];
  if (trend === 'none') tn = x.map(() => 0);
  else if (trend === 'avg') {
    const vals = train.filter((v): v is number => v !== null);
    const avg = vals.reduce((s, v) => s + v, 0) / vals.length;
    tn = x.map(() => avg);
  } else {
    const f = lineFit(train)!;
    tn = x.map((_, i) => f.a + f.b * i);
  }
  const baseline = x.map((_, i) => seasonal[i]! + tn[i]!);
  return {
    period,
    baseline,
    seasonal,
    trend: tn,
    residual: x.map((v, i) => (v === null ? null : v - baseline[i]!)),
  };
}

export function outliers(x: N[], lo = 0.1, hi = 0.9, scale: N[] = x): number[] {
  const eps = maxAbs(scale) * 1e-10;
  const r = x.map((v) => (v === null ? null : roundTo(v, eps)));
  const vals = r.filter((v): v is number => v !== null);
  const L = roundTo(quantile(vals, lo), eps);
  const H = roundTo(quantile(vals, hi), eps);
  return r.map((v) => {
    if (v === null || (v >= L && v <= H)) return 0;
    if (H === L) return v > H ? Number.MAX_VALUE : -Number.MAX_VALUE;
    return v > H ? (v - H) / (H - L) : (v - L) / (H - L);
  });
}

export function anomalies(
  x: N[],
  k = 1.5,
  seasonality = -1,
  trend: Trend = 'avg',
): { flags: number[]; scores: number[]; baseline: number[] } {
  const d = decompose(x, seasonality, trend);
  const scores = outliers(d.residual, 0.1, 0.9, x);
  return { flags: scores.map((s) => (s > k ? 1 : s < -k ? -1 : 0)), scores, baseline: d.baseline };
}
