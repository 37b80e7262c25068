/** serialize, row_number, prev and next: row order, defaults, nulls and the serialized-input rule. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;
const T = `datatable(u:string, t:datetime, n:long)[
  'a', datetime(2024-01-01T10:00:00Z), 1,
  'b', datetime(2024-01-01T10:05:00Z), long(null),
  'a', datetime(2024-01-01T10:30:00Z), 3,
  'a', datetime(2024-01-01T09:00:00Z), 4
]`;

describe('KQL serialize, row_number, prev, next', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  const rows = (q: string) => db.rows(q);

  it('row_number numbers the rows in their sorted order, from 1 or a given start', async () => {
    assert.deepEqual(await rows(`${T} | sort by t asc | extend r = row_number() | project n, r`), [
      [4, 1],
      [1, 2],
      [null, 3],
      [3, 4],
    ]);
    assert.deepEqual(await rows(`${T} | sort by t desc | extend r = row_number(0) | project r`), [
      [0],
      [1],
      [2],
      [3],
    ]);
    assert.deepEqual(await rows(`${T} | serialize r = row_number() | where r > 3 | count`), [[1]]);
  });

  it('prev and next read neighbouring rows, with an offset and a default; strings are never null', async () => {
    assert.deepEqual(
      await rows(
        `${T} | sort by t asc | extend p = prev(n), nx = next(n), p2 = prev(n, 2, -1), pu = prev(u) | project n, p, nx, p2, pu`,
      ),
      [
        [4, null, 1, -1, ''],
        [1, 4, null, -1, 'a'],
        [null, 1, 3, 4, 'a'],
        [3, null, null, 1, 'b'],
      ],
    );
  });

  it('time between consecutive sign-ins of a user (the common session idiom)', async () => {
    assert.deepEqual(
      await rows(
        `${T} | where u == 'a' | sort by t asc | extend Gap = t - prev(t) | where isnotnull(Gap) | project Gap`,
      ),
      [['01:00:00'], ['00:30:00']],
    );
  });

  it('serialize keeps the order of the input and adds its columns', async () => {
    assert.deepEqual(
      await rows(`${T} | sort by n asc nulls last | serialize i = row_number() | project n, i`),
      [
        [1, 1],
        [3, 2],
        [4, 3],
        [null, 4],
      ],
    );
    assert.deepEqual(await rows('range x from 1 to 3 step 1 | extend p = prev(x)'), [
      [1, null],
      [2, 1],
      [3, 2],
    ]);
  });

  it('refuses row_number/prev/next on an input that is not serialized', async () => {
    await assert.rejects(db.kql(`${T} | extend r = row_number()`), /serialized/);
    await assert.rejects(db.kql(`${T} | summarize count() by u | extend p = prev(u)`), /serialized/);
    // summarize loses the order even after a sort.
    await assert.rejects(
      db.kql(`${T} | sort by t | summarize count() by u | extend r = row_number()`),
      /serialized/,
    );
  });
  it('row_cumsum: the running sum in the serialized order (nulls add nothing)', async () => {
    assert.deepEqual(
      await rows(`${T} | sort by t asc | extend c = row_cumsum(n), k = row_cumsum(1) | project n, c, k`),
      [
        [4, 4, 1],
        [1, 5, 2],
        [null, 5, 3],
        [3, 8, 4],
      ],
    );
    await assert.rejects(db.kql(`${T} | extend c = row_cumsum(n)`), /serialized/);
  });
  it('window functions nested in window functions (row_cumsum over prev), in extend, project and where', async () => {
    const S = `${T} | sort by u asc, t asc`;
    // The user's number in the sorted order: add 1 where the user changes.
    assert.deepEqual(await rows(`${S} | extend k = row_cumsum(iff(prev(u) == u, 0, 1)) | project u, k`), [
      ['a', 1],
      ['a', 1],
      ['a', 1],
      ['b', 2],
    ]);
    assert.deepEqual(await rows(`${S} | project c = row_cumsum(iff(isnull(prev(n)), 0, 1))`), [
      [0],
      [1],
      [2],
      [3],
    ]);
    assert.deepEqual(await rows(`${S} | where row_cumsum(iff(prev(u) == u, 0, 1)) == 2 | project u`), [
      ['b'],
    ]);
  });

  it("row_number and row_cumsum restart where their restart argument is true (Kusto's ranking example)", async () => {
    const A = `datatable (Airport:string, Airline:string, Departures:long)
      ["TLV", "LH", 1, "TLV", "LY", 100, "SEA", "LH", 1, "SEA", "BA", 2, "SEA", "LY", 0]`;
    assert.deepEqual(
      await rows(
        `${A} | sort by Airport asc, Departures desc | extend Rank = row_number(1, prev(Airport) != Airport)`,
      ),
      [
        ['SEA', 'BA', 2, 1],
        ['SEA', 'LH', 1, 2],
        ['SEA', 'LY', 0, 3],
        ['TLV', 'LY', 100, 1],
        ['TLV', 'LH', 1, 2],
      ],
    );
    const B = 'datatable (a:long, b:string) [1,"A",2,"A",3,"B",4,"B",5,"C"]';
    // A running sum per group of consecutive b, and a rank from 10 per group.
    assert.deepEqual(
      await rows(
        `${B} | order by a asc | extend cs = row_cumsum(a, b != prev(b)), rn = row_number(10, b != prev(b))`,
      ),
      [
        [1, 'A', 1, 10],
        [2, 'A', 3, 11],
        [3, 'B', 3, 10],
        [4, 'B', 7, 11],
        [5, 'C', 5, 10],
      ],
    );
    // A restart only at a = 3 (reals): 1.5, 3.5, then 3, 7, 12.
    assert.deepEqual(
      await rows(
        `${B} | order by a asc | extend cs = row_cumsum(toreal(a) + iff(a == 1, 0.5, 0.0), a == 3) | project cs`,
      ),
      [[1.5], [3.5], [3], [7], [12]],
    );
    await assert.rejects(
      db.kql(`${B} | order by a asc | extend cs = row_cumsum(a, 1)`),
      /restart argument must be a bool/,
    );
    await assert.rejects(
      db.kql(`${B} | order by a asc | extend cs = row_cumsum(iff(prev(b) == b, 1, 0), a == 3)`),
      /window function with a restart argument is not supported/,
    );
  });
});
