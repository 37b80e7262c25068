/** make-series without from/to and over numeric axes; series_stats and series_stats_dynamic. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { anomalies, decompose, outliers } from '../../../test/helpers/series-reference.ts';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;
const D = `datatable(k:string, t:datetime, x:long, v:real)[
  'a', datetime(2024-01-01T00:10:00Z), 1, 1.0,
  'a', datetime(2024-01-01T02:20:00Z), 5, 3.0,
  'b', datetime(2024-01-01T01:00:00Z), 2, 5.0,
  'b', datetime(2024-01-01T01:59:00Z), 2, real(null)
]`;

describe('KQL make-series and series functions', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  const rows = (q: string) => db.rows(q);
  const parsed = async (q: string) =>
    (await rows(q)).map((r) => r.map((v) => (typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v) : v)));

  it('without from and to: the bins from the first to the last with data, shared by every group', async () => {
    assert.deepEqual(await parsed(`${D} | make-series c = count() on t step 1h by k | sort by k asc`), [
      [
        'a',
        [1, 0, 1],
        ['2024-01-01T00:00:00.0000000Z', '2024-01-01T01:00:00.0000000Z', '2024-01-01T02:00:00.0000000Z'],
      ],
      [
        'b',
        [0, 2, 0],
        ['2024-01-01T00:00:00.0000000Z', '2024-01-01T01:00:00.0000000Z', '2024-01-01T02:00:00.0000000Z'],
      ],
    ]);
    // Only from: up to the last bin with data.
    assert.deepEqual(
      await parsed(
        `${D} | make-series c = count() default = -1 on t from datetime(2024-01-01T01:00:00Z) step 1h`,
      ),
      [
        [
          [2, 1],
          ['2024-01-01T01:00:00.0000000Z', '2024-01-01T02:00:00.0000000Z'],
        ],
      ],
    );
  });

  it('over a numeric axis, with from/to/step and with in range()', async () => {
    assert.deepEqual(await parsed(`${D} | make-series s = sum(v) on x from 0 to 6 step 2`), [
      [
        [1, 5, 3],
        [0, 2, 4],
      ],
    ]);
    assert.deepEqual(await parsed(`${D} | make-series c = count() on x step 2`), [
      [
        [1, 2, 1],
        [0, 2, 4],
      ],
    ]);
    assert.deepEqual(await parsed(`${D} | make-series c = count() on x in range(1, 3, 1)`), [
      [
        [1, 2, 0],
        [1, 2, 3],
      ],
    ]);
  });

  it('no rows: no series', async () => {
    assert.deepEqual(await rows(`${D} | where k == 'z' | make-series count() on t step 1h`), []);
  });

  it('series_stats makes seven columns; series_stats_dynamic one bag', async () => {
    const q = 'print a = dynamic([4, 1, 3, "x", 1]) | extend series_stats(a) | project-away a';
    const r = await db.kql(q);
    assert.deepEqual(
      r.tables[0]!.columns.map((c) => c.name),
      [
        'series_stats_a_min',
        'series_stats_a_min_idx',
        'series_stats_a_max',
        'series_stats_a_max_idx',
        'series_stats_a_avg',
        'series_stats_a_stdev',
        'series_stats_a_variance',
      ],
    );
    const [row] = r.tables[0]!.rows as number[][];
    assert.deepEqual(row!.slice(0, 5), [1, 1, 4, 0, 2.25]);
    // Sample variance of 4, 1, 3, 1 (the non-number skipped): mean 2.25, Σd² = 6.75, / 3.
    assert.equal(row![6], 2.25);
    assert.equal(row![5], 1.5);
    assert.deepEqual(await parsed('print s = series_stats_dynamic(dynamic([2, 2]))'), [
      [{ min: 2, min_idx: 0, max: 2, max_idx: 0, avg: 2, stdev: 0, variance: 0 }],
    ]);
    // Named with a tuple; one value has no sample deviation (null, see docs/kql.md).
    const one = await db.kql('print a = dynamic([7]) | project (lo, at) = series_stats(a)');
    assert.deepEqual(
      one.tables[0]!.columns.slice(0, 3).map((c) => c.name),
      ['lo', 'at', 'series_stats_a_max'],
    );
    assert.deepEqual(one.tables[0]!.rows, [[7, 0, 7, 0, 7, null, null]]);
  });

  // A weekly pattern over 4 weeks of daily bins, a little deterministic noise, one spike at day 17.
  const WEEK = [50, 60, 70, 80, 90, 20, 10];
  const weekly = (i: number) => WEEK[i % 7]! + ((i * 7919) % 5) + (i === 17 ? 60 : 0);
  const WEEKLY = `range i from 0 to 27 step 1
    | extend y = case(i % 7 == 0, 50, i % 7 == 1, 60, i % 7 == 2, 70, i % 7 == 3, 80, i % 7 == 4, 90, i % 7 == 5, 20, 10)
        + (i * 7919) % 5 + iff(i == 17, 60, 0)
    | make-series y = sum(y) on i from 0 to 28 step 1`;
  const close = (a: number[], b: number[]) => {
    assert.equal(a.length, b.length);
    for (const [i, x] of a.entries())
      assert.ok(Math.abs(x - b[i]!) < 1e-6 * Math.max(1, Math.abs(b[i]!)), `${i}: ${x} vs ${b[i]}`);
  };

  it('series_decompose_anomalies: a weekly series with one spike is flagged exactly at the spike', async () => {
    const xs = Array.from({ length: 28 }, (_, i) => weekly(i));
    const ref = anomalies(xs);
    assert.equal(decompose(xs).period, 7);
    const [row] = await parsed(
      `${WEEKLY} | extend (Anomalies, score, baseline) = series_decompose_anomalies(y) | project y, Anomalies, score, baseline`,
    );
    assert.deepEqual(row![0], xs);
    assert.deepEqual(row![1], ref.flags);
    assert.deepEqual(
      (row![1] as number[]).flatMap((f, i) => (f ? [[i, f]] : [])),
      [[17, 1]],
    );
    close(row![2] as number[], ref.scores);
    close(row![3] as number[], ref.baseline);
    // The baseline of a non-spike day is the median of its weekday plus the average deseasonalized level.
    assert.ok(Math.abs((row![3] as number[])[3]! - ref.baseline[3]!) < 1e-9);
  });

  it('series_decompose_anomalies then mv-expand and where flag == 1 (the Sentinel pattern)', async () => {
    const q = `${WEEKLY}
      | extend (Anomalies, score, baseline) = series_decompose_anomalies(y, 1.5, -1, 'linefit')
      | mv-expand i to typeof(long), y to typeof(real), Anomalies to typeof(int), score to typeof(real)
      | where Anomalies == 1
      | project i, y, score = round(score, 3)`;
    const xs = Array.from({ length: 28 }, (_, i) => weekly(i));
    const ref = anomalies(xs, 1.5, -1, 'linefit');
    assert.deepEqual(await rows(q), [[17, xs[17], Math.round(ref.scores[17]! * 1000) / 1000]]);
    // A higher threshold flags nothing that scores below it.
    const high = `${WEEKLY} | extend (f, s, b) = series_decompose_anomalies(y, ${Math.ceil(ref.scores[17]! + 1)}, -1, 'linefit') | mv-expand f to typeof(int) | where f != 0 | count`;
    assert.deepEqual(await rows(high), [[0]]);
  });

  it('series_decompose_anomalies: a linear trend is not flagged (linefit), its baseline is the line', async () => {
    const line = Array.from({ length: 30 }, (_, i) => 3 + 2.5 * i);
    const [row] = await parsed(
      `range i from 0 to 29 step 1 | extend y = 3 + 2.5 * i | make-series y = sum(y) on i from 0 to 30 step 1
       | extend (Anomalies, score, baseline) = series_decompose_anomalies(y, 1.5, -1, 'linefit') | project Anomalies, score, baseline`,
    );
    assert.deepEqual(
      row![0],
      line.map(() => 0),
    );
    assert.deepEqual(
      row![1],
      line.map(() => 0),
    );
    close(row![2] as number[], line);
    // The same line with trend 'avg' and no seasonality: its ends are far from the average, but
    // spread evenly (the 10th-90th percentile range is wide), so nothing passes the 1.5 fence.
    assert.deepEqual(
      anomalies(line, 1.5, 0, 'avg').flags,
      line.map(() => 0),
    );
    const [avg] = await parsed(
      `print y = dynamic([${line.join(',')}]) | extend (f, s, b) = series_decompose_anomalies(y, 1.5, 0, 'avg') | project f, b`,
    );
    assert.deepEqual(
      avg![0],
      line.map(() => 0),
    );
    close(
      avg![1] as number[],
      line.map(() => line.reduce((s, v) => s + v, 0) / line.length),
    );
  });

  it('series_decompose_anomalies: a sparse count series (mostly 0) is flagged only at its counts', async () => {
    // The residual is −avg everywhere but at the counts: a zero 10–90 range, so any point outside
    // it is an infinite score (reported as the largest real).
    const xs = Array.from({ length: 48 }, (_, i) => (i === 14 ? 3 : 0));
    const [row] = await parsed(
      `print y = dynamic([${xs.join(',')}]) | extend (f, s, b) = series_decompose_anomalies(y, 2.0, 0, 'avg') | project f, s, b`,
    );
    assert.deepEqual(row![0], anomalies(xs, 2.0, 0, 'avg').flags);
    assert.deepEqual(
      (row![0] as number[]).flatMap((f, i) => (f ? [i] : [])),
      [14],
    );
    assert.equal((row![1] as number[])[14], Number.MAX_VALUE);
    assert.deepEqual(
      row![2],
      xs.map(() => 3 / 48),
    );
  });

  it('series_decompose_anomalies: default column names, empty and null series, null points', async () => {
    const r = await db.kql(
      'print y = dynamic([1, 2, 3]) | extend series_decompose_anomalies(y) | project-away y',
    );
    assert.deepEqual(
      r.tables[0]!.columns.map((c) => c.name),
      [
        'series_decompose_anomalies_y_ad_flag',
        'series_decompose_anomalies_y_ad_score',
        'series_decompose_anomalies_y_baseline',
      ],
    );
    assert.deepEqual(
      await parsed(
        'print y = dynamic([]) | extend (f, s, b) = series_decompose_anomalies(y) | project f, s, b',
      ),
      [[[], [], []]],
    );
    assert.deepEqual(
      await rows(
        'print y = dynamic(null) | extend (f, s, b) = series_decompose_anomalies(y) | project f, s, b',
      ),
      [[null, null, null]],
    );
    // A missing point: left out of the fit; its flag and score are 0, its baseline is still predicted.
    const xs = [10, 11, null, 10, 12, 11, 10, 50, 11, 10];
    const ref = anomalies(xs, 1.5, 0, 'avg');
    const [row] = await parsed(
      `print y = dynamic([10, 11, null, 10, 12, 11, 10, 50, 11, 10]) | extend (f, s, b) = series_decompose_anomalies(y, 1.5, 0) | project f, s, b`,
    );
    assert.deepEqual(row![0], ref.flags);
    assert.equal((row![0] as number[])[7], 1);
    assert.equal((row![0] as number[])[2], 0);
    close(row![1] as number[], ref.scores);
    close(row![2] as number[], ref.baseline);
  });

  it('series_decompose: baseline, seasonal, trend and residual with a given period', async () => {
    const xs = Array.from({ length: 28 }, (_, i) => weekly(i));
    const ref = decompose(xs, 7, 'linefit');
    const r = await db.kql(`${WEEKLY} | extend series_decompose(y, 7, 'linefit') | project-away i, y`);
    assert.deepEqual(
      r.tables[0]!.columns.map((c) => c.name),
      [
        'series_decompose_y_baseline',
        'series_decompose_y_seasonal',
        'series_decompose_y_trend',
        'series_decompose_y_residual',
      ],
    );
    const row = (r.tables[0]!.rows[0] as string[]).map((v) => JSON.parse(v) as number[]);
    close(row[0]!, ref.baseline);
    close(row[1]!, ref.seasonal);
    close(row[2]!, ref.trend);
    close(row[3]!, ref.residual as number[]);
    // The seasonal component is the median of each weekday: day 3's values are 82, 80, 143, 81.
    assert.equal(row[1]![3], 81.5);
    // test_points: the last points are left out of the learning (a spike there moves nothing).
    const [tp] = await parsed(
      `print y = dynamic([5, 5, 5, 5, 5, 5, 100]) | extend (b, s, t, r) = series_decompose(y, 0, 'avg', 1) | project b, r`,
    );
    assert.deepEqual(tp, [
      [5, 5, 5, 5, 5, 5, 5],
      [0, 0, 0, 0, 0, 0, 95],
    ]);
  });

  it('series_outliers: Tukey fence scores (ctukey 10-90 by default, tukey 25-75, custom percentiles)', async () => {
    // Hand-computed: sorted 1, 2, 3, 4, 100; P10 = 1.4, P90 = 4 + 0.6 · 96 = 61.6, range 60.2.
    const [[hand]] = (await parsed('print series_outliers(dynamic([1, 2, 3, 4, 100]))')) as number[][][];
    close(hand!, [(1 - 1.4) / 60.2, 0, 0, 0, (100 - 61.6) / 60.2]);
    const xs = [30, 28, 5, 27, 31, 38, 29, 80, 25, 37, 30];
    const [[c]] = (await parsed(`print series_outliers(dynamic([${xs.join(',')}]))`)) as number[][][];
    close(c!, outliers(xs));
    const [[t]] = (await parsed(
      `print series_outliers(dynamic([${xs.join(',')}]), 'tukey')`,
    )) as number[][][];
    close(t!, outliers(xs, 0.25, 0.75));
    // Tukey's quartiles 27.5 and 34: 80 is (80 - 34) / 6.5 above, 5 is (5 - 27.5) / 6.5 below.
    assert.ok(Math.abs(t![7]! - 46 / 6.5) < 1e-9 && Math.abs(t![2]! + 22.5 / 6.5) < 1e-9);
    const [[cu]] = (await parsed(
      `print series_outliers(dynamic([${xs.join(',')}]), 'ctukey', double(null), 20, 80)`,
    )) as number[][][];
    close(cu!, outliers(xs, 0.2, 0.8));
    // ignore_val and nulls score 0.
    const [[ig]] = (await parsed(
      'print series_outliers(dynamic([1, 2, -1, 3, 2, 1, 2, 3, 2, 40]), "ctukey", -1)',
    )) as number[][][];
    close(ig!, outliers([1, 2, null, 3, 2, 1, 2, 3, 2, 40]));
    assert.equal(ig![2], 0);
  });

  it('series decomposition errors name the argument', async () => {
    await assert.rejects(
      db.kql("print y = dynamic([1]) | extend (a, b, c) = series_decompose_anomalies(y, 1.5, -1, 'cubic')"),
      /trend must be 'avg', 'linefit' or 'none'/,
    );
    await assert.rejects(
      db.kql('print y = dynamic([1]), p = 7 | extend (a, b, c) = series_decompose_anomalies(y, 1.5, p)'),
      /argument 3 must be a constant number/,
    );
    await assert.rejects(
      db.kql(
        "print y = dynamic([1]) | extend (a, b, c) = series_decompose_anomalies(y, 1.5, -1, 'avg', 0, 'zscore')",
      ),
      /'ctukey' or 'tukey'/,
    );
    await assert.rejects(
      db.kql('print y = dynamic([1]) | where array_length(series_decompose_anomalies(y)) > 0'),
      /makes several columns/,
    );
    await assert.rejects(
      db.kql('print series_outliers(dynamic([1]), "ctukey", double(null), 1, 90)'),
      /\[2, 98\]/,
    );
    await assert.rejects(
      db.kql('print series_decompose_forecast(dynamic([1, 2, 3]), 1)'),
      /series_decompose_forecast.*not supported/,
    );
    await assert.rejects(
      db.kql(
        'print y = dynamic([1, 2, 30]) | extend (a, b, c) = series_decompose_anomalies(y, toscalar(print 1.5))',
      ),
      /subquery \(toscalar\) argument is not supported/,
    );
    // A threshold from a column is fine (it is not a constant of the SQL's shape).
    assert.deepEqual(
      await parsed(
        'datatable(k:real)[1.5, 100.0] | extend y = dynamic([1, 2, 1, 2, 1, 2, 1, 2, 30]) | extend (a, b, c) = series_decompose_anomalies(y, k, 0) | project a',
      ),
      [[[0, 0, 0, 0, 0, 0, 0, 0, 1]], [[0, 0, 0, 0, 0, 0, 0, 0, 0]]],
    );
  });
});
