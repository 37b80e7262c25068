/** make-series without from/to and over numeric axes; series_stats and series_stats_dynamic. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

  it('series_decompose_anomalies is refused with a reason', async () => {
    await assert.rejects(
      db.kql('print series_decompose_anomalies(dynamic([1,2,3]))'),
      /seasonal decomposition/,
    );
  });
});
