/** Tabular operators on `datatable` inputs: results as Kusto documents them, incl. nulls and empties. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;
const T = `datatable(name:string, n:long, r:real, ok:bool, t:datetime, d:dynamic)[
  'alice', 3, 1.5, true, datetime(2024-01-01T10:15:00Z), dynamic({"k": "x", "a": [1, 2]}),
  'Bob', 1, 2.5, false, datetime(2024-01-01T10:45:00Z), dynamic({"k": "y", "a": []}),
  'carol', long(null), real(null), bool(null), datetime(2024-01-01T12:05:00Z), dynamic(null),
  'alice', 7, 0.5, true, datetime(2024-01-02T00:00:00Z), dynamic({"k": "x"})
]`;

describe('KQL tabular operators', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  const rows = (q: string) => db.rows(q);
  const cols = async (q: string) => (await db.kql(q)).tables[0]!.columns;

  it('where / filter keeps rows whose predicate is true (null is not true)', async () => {
    assert.deepEqual(await rows(`${T} | where n > 2 | project name, n`), [
      ['alice', 3],
      ['alice', 7],
    ]);
    assert.deepEqual(await rows(`${T} | filter ok == false | project name`), [['Bob']]);
    assert.deepEqual(await rows(`${T} | where n != 3 | project name`), [['Bob'], ['alice']]);
  });

  it('project names columns as Kusto does and computes expressions', async () => {
    assert.deepEqual(await cols(`${T} | project name, x = n * 2, d.k, tolower(name) | take 1`), [
      { name: 'name', type: 'string' },
      { name: 'x', type: 'long' },
      { name: 'd_k', type: 'dynamic' },
      { name: 'Column1', type: 'string' },
    ]);
  });

  it('project-away, project-rename', async () => {
    assert.deepEqual(
      (await cols(`${T} | project-away r, ok, d | project-rename who = name`)).map((c) => c.name),
      ['who', 'n', 't'],
    );
    await assert.rejects(db.kql(`${T} | project-away nope`), /nope/);
  });

  it('extend adds or replaces columns; later expressions see earlier ones', async () => {
    assert.deepEqual(await rows(`${T} | take 1 | extend a = n + 1, b = a * 10, n = 0 | project n, a, b`), [
      [0, 4, 40],
    ]);
  });

  it('summarize with count, countif, dcount, sum, avg, min, max, make_set, make_list by keys', async () => {
    assert.deepEqual(
      await rows(
        `${T} | summarize c = count(), ci = countif(ok), dc = dcount(n), s = sum(n), a = avg(r), mn = min(n), mx = max(t), l = array_length(make_list(n)) by name | sort by name asc`,
      ),
      [
        ['Bob', 1, 0, 1, 1, 2.5, 1, '2024-01-01T10:45:00Z', 1],
        ['alice', 2, 2, 2, 10, 1, 3, '2024-01-02T00:00:00Z', 2],
        // Nulls: count counts the row, aggregates of values skip the null.
        ['carol', 1, 0, 0, null, null, null, '2024-01-01T12:05:00Z', 0],
      ],
    );
  });

  it('summarize without by over no rows gives one row; with by gives none', async () => {
    assert.deepEqual(await rows(`${T} | where n > 100 | summarize count(), sum(n)`), [[0, null]]);
    assert.deepEqual(await rows(`${T} | where n > 100 | summarize count() by name`), []);
  });

  it('summarize names aggregates as Kusto does', async () => {
    assert.deepEqual(
      (
        await cols(
          `${T} | summarize count(), countif(ok), dcount(name), sum(n), avg(r), make_set(name), sumif(n, ok), percentile(n, 50)`,
        )
      ).map((c) => c.name),
      ['count_', 'countif_', 'dcount_name', 'sum_n', 'avg_r', 'set_name', 'sumif_n', 'percentile_n_50'],
    );
  });

  it('bin() groups datetimes into fixed buckets from the epoch', async () => {
    assert.deepEqual(await rows(`${T} | summarize count() by bin(t, 1h) | sort by t asc`), [
      ['2024-01-01T10:00:00Z', 2],
      ['2024-01-01T12:00:00Z', 1],
      ['2024-01-02T00:00:00Z', 1],
    ]);
    assert.deepEqual(await rows(`${T} | summarize count() by bin(t, 1d) | sort by t asc`), [
      ['2024-01-01T00:00:00Z', 3],
      ['2024-01-02T00:00:00Z', 1],
    ]);
    assert.deepEqual(await rows('print bin(7, 5), bin(-1, 5), bin(7.5, 2.0)'), [[5, -5, 6]]);
  });

  it('arg_max(x, *) keeps the whole row with the largest x per group; arg_min the smallest', async () => {
    assert.deepEqual(
      await rows(`${T} | summarize arg_max(t, *) by name | project name, t, n | sort by name asc`),
      [
        ['Bob', '2024-01-01T10:45:00Z', 1],
        ['alice', '2024-01-02T00:00:00Z', 7],
        ['carol', '2024-01-01T12:05:00Z', null],
      ],
    );
    assert.deepEqual(await rows(`${T} | where name == 'alice' | summarize arg_min(n, r)`), [[3, 1.5]]);
  });

  it('make_set removes duplicates and skips nulls', async () => {
    const [[set]] = (await rows(`${T} | summarize make_set(name)`)) as [[string]];
    assert.deepEqual(JSON.parse(set).sort(), ['Bob', 'alice', 'carol']);
    assert.deepEqual(
      await rows(`${T} | summarize make_set(n) by name | where name == 'carol' | project set_n`),
      [['[]']],
    );
  });

  it('sort by: desc by default with nulls last; asc puts nulls first; nulls first/last override', async () => {
    assert.deepEqual(await rows(`${T} | sort by n | project n`), [[7], [3], [1], [null]]);
    assert.deepEqual(await rows(`${T} | order by n asc | project n`), [[null], [1], [3], [7]]);
    assert.deepEqual(await rows(`${T} | sort by n desc nulls first | project n`), [[null], [7], [3], [1]]);
    assert.deepEqual(await rows(`${T} | sort by name asc, n desc | project name, n`), [
      ['Bob', 1],
      ['alice', 7],
      ['alice', 3],
      ['carol', null],
    ]);
  });

  it('take / limit and top', async () => {
    assert.equal((await rows(`${T} | take 2`)).length, 2);
    assert.equal((await rows(`${T} | limit 0`)).length, 0);
    assert.deepEqual(await rows(`${T} | top 2 by n | project n`), [[7], [3]]);
    assert.deepEqual(await rows(`${T} | top 1 by n asc nulls last | project n`), [[1]]);
    await assert.rejects(db.kql(`${T} | take n`), /constant/);
  });

  it('distinct and count', async () => {
    assert.deepEqual(await rows(`${T} | distinct name | sort by name asc`), [['Bob'], ['alice'], ['carol']]);
    assert.deepEqual(await rows(`${T} | count`), [[4]]);
    assert.deepEqual(await cols(`${T} | count`), [{ name: 'Count', type: 'long' }]);
    assert.deepEqual(await rows(`${T} | where false | count`), [[0]]);
  });

  it('let binds scalars and tabular expressions', async () => {
    assert.deepEqual(await rows(`let min = 2; let t = ${T}; t | where n > min | count`), [[2]]);
    assert.deepEqual(await rows(`let t = ${T} | where ok; let names = t | distinct name; names | count`), [
      [1],
    ]);
  });

  it('union appends tables, fills missing columns with null, and names the source with withsource', async () => {
    assert.deepEqual(
      await rows(
        "union withsource=Src (datatable(a:long)[1]), (datatable(a:long, b:string)[2, 'x']) | sort by a asc",
      ),
      [
        // A missing string column reads as "" (Kusto strings are never null).
        ['union_arg0', 1, ''],
        ['union_arg1', 2, 'x'],
      ],
    );
    assert.deepEqual(await rows('datatable(a:long)[1] | union (datatable(a:long)[2]) | count'), [[2]]);
    // Same name, different types: one column per type, named name_type.
    assert.deepEqual(
      (await cols("union (datatable(a:long)[1]), (datatable(a:string)['x'])")).map(
        (c) => `${c.name}:${c.type}`,
      ),
      ['a_long:long', 'a_string:string'],
    );
    await assert.rejects(db.kql('union NoSuchTable, (datatable(a:long)[1])'), /NoSuchTable/);
    assert.deepEqual(await rows('union isfuzzy=true NoSuchTable, (datatable(a:long)[1])'), [[1]]);
  });

  it('datatable: typed columns, empty tables', async () => {
    assert.deepEqual(await cols('datatable(a:int, b:guid, c:timespan)[]'), [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'guid' },
      { name: 'c', type: 'timespan' },
    ]);
    assert.deepEqual(await rows('datatable(a:int)[] | count'), [[0]]);
    assert.deepEqual(await rows('datatable(c:timespan)[1d, 90m, 1.5s]'), [
      ['1.00:00:00'],
      ['01:30:00'],
      ['00:00:01.5000000'],
    ]);
  });

  it('render is passed to the client and must be last', async () => {
    const r = await db.kql(
      `${T} | summarize count() by bin(t, 1h) | render timechart with (title='Sign-ins')`,
    );
    assert.deepEqual(r.render, { chart: 'timechart', properties: { title: 'Sign-ins' } });
    await assert.rejects(db.kql(`${T} | render table | take 1`), /render must be the last/);
  });

  it('join: innerunique by default (one left row per key), every other kind as Kusto defines it', async () => {
    const L = "datatable(k:string, v:long)['a', 1, 'a', 2, 'b', 3, '', 4]";
    const R = "datatable(k:string, w:long)['a', 10, 'a', 11, 'c', 30]";
    const n = async (kind: string) => (await rows(`${L} | join kind=${kind} (${R}) on k | count`))[0]![0];
    // innerunique: left deduplicated on k, then inner: a×2.
    assert.equal((await rows(`${L} | join (${R}) on k | count`))[0]![0], 2);
    assert.equal(await n('innerunique'), 2);
    assert.equal(await n('inner'), 4);
    assert.equal(await n('leftouter'), 6);
    assert.equal(await n('rightouter'), 5);
    assert.equal(await n('fullouter'), 7);
    assert.deepEqual(await rows(`${L} | join kind=leftsemi (${R}) on k | project v | sort by v asc`), [
      [1],
      [2],
    ]);
    assert.deepEqual(await rows(`${L} | join kind=leftanti (${R}) on k | project v | sort by v asc`), [
      [3],
      [4],
    ]);
    assert.deepEqual(await rows(`${L} | join kind=rightanti (${R}) on k | project w`), [[30]]);
    assert.deepEqual(await rows(`${L} | join kind=rightsemi (${R}) on k | project w | sort by w asc`), [
      [10],
      [11],
    ]);
    // Both key columns are kept; the right one is renamed k1. $left/$right name different keys.
    assert.deepEqual(
      (await cols(`${L} | join kind=inner (${R}) on $left.k == $right.k`)).map((c) => c.name),
      ['k', 'v', 'k1', 'w'],
    );
    await assert.rejects(db.kql(`${L} | join (${R}) on nope`), /nope/);
  });

  it('mv-expand: one row per element, in parallel; empty gives none, null gives one', async () => {
    const D =
      "datatable(a:long, d:dynamic, e:dynamic)[1, dynamic([10, 20, 30]), dynamic(['x']), 2, dynamic([]), dynamic([]), 3, dynamic(null), dynamic(null)]";
    // Row order across input rows is not kept (see docs/kql.md): compare sorted.
    const sorted = async (q: string) =>
      (await rows(q)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(await sorted(`${D} | mv-expand d, e`), [
      [1, '10', '"x"'],
      [1, '20', null],
      [1, '30', null],
      [3, null, null],
    ]);
    assert.deepEqual(
      await rows(`${D} | mv-expand with_itemindex=i d to typeof(long) limit 2 | project a, d, i`),
      [
        [1, 10, 0],
        [1, 20, 1],
        [3, null, 0],
      ],
    );
    assert.deepEqual(await cols(`${D} | mv-expand d to typeof(long)`), [
      { name: 'a', type: 'long' },
      { name: 'd', type: 'long' },
      { name: 'e', type: 'dynamic' },
    ]);
    const B = "datatable(b:dynamic)[dynamic({'x': 1, 'y': 'z'})]";
    assert.deepEqual(await sorted(`${B} | mv-expand b`), [['{"x":1}'], ['{"y":"z"}']]);
    assert.deepEqual(await sorted(`${B} | mv-expand bagexpansion=array b`), [['["x",1]'], ['["y","z"]']]);
    assert.deepEqual(await sorted(`${B} | mv-expand k = bag_keys(b) | project k`), [['"x"'], ['"y"']]);
  });

  it('mv-apply: the subquery runs on the expanded values of each row; the other columns are added', async () => {
    const sorted = async (q: string) =>
      (await rows(q)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const M = 'datatable(a:long, m:dynamic)[1, dynamic([5, 1, 9]), 2, dynamic([]), 3, dynamic([7])]';
    assert.deepEqual(await sorted(`${M} | mv-apply m to typeof(long) on (top 2 by m desc)`), [
      [1, 5],
      [1, 9],
      [3, 7],
    ]);
    const P =
      "datatable(u:string, p:dynamic)['x', dynamic([{'r': 'failure'}, {'r': 'success'}, {'r': 'failure'}]), 'y', dynamic([{'r': 'success'}])]";
    assert.deepEqual(
      await sorted(`${P} | mv-apply q = p on (where q.r == 'failure' | summarize n = count())`),
      [
        ['x', 2],
        ['y', 0],
      ],
    );
    assert.deepEqual(
      (await cols(`${P} | mv-apply with_itemindex=i p on (project p, i)`)).map((c) => `${c.name}:${c.type}`),
      ['u:string', 'p:dynamic', 'i:long'],
    );
    await assert.rejects(db.kql(`${P} | mv-apply p on (where u == 'x')`), /'u'/);
  });

  it('project-reorder puts the named columns first', async () => {
    assert.deepEqual(
      (await cols(`${T} | project-reorder t, n`)).map((c) => c.name),
      ['t', 'n', 'name', 'r', 'ok', 'd'],
    );
    assert.deepEqual(
      (await cols(`${T} | project-reorder o*, d`)).map((c) => c.name),
      ['ok', 'd', 'name', 'n', 'r', 't'],
    );
  });

  it('lookup: leftouter by default, the right key not repeated', async () => {
    const L = "datatable(k:string, v:long)['a', 1, 'b', 2]";
    const R = "datatable(k:string, w:long)['a', 10]";
    assert.deepEqual(await rows(`${L} | lookup (${R}) on k`), [
      ['a', 1, 10],
      ['b', 2, null],
    ]);
    assert.deepEqual(await rows(`${L} | lookup kind=inner (${R}) on k`), [['a', 1, 10]]);
  });

  it('parse (simple): literals, *, typed columns; a failed match leaves the columns empty', async () => {
    const M = "datatable(m:string)['x user=bob ip=1.2.3.4 n=5', 'nothing', 'user=al ip=9 n=x']";
    assert.deepEqual(
      await rows(`${M} | parse m with * 'user=' User ' ip=' Ip ' n=' N:long | project User, Ip, N`),
      [
        ['bob', '1.2.3.4', 5],
        ['', '', null],
        ['', '', null],
      ],
    );
    assert.deepEqual(
      (await cols(`${M} | parse m with 'x ' Rest`)).map((c) => `${c.name}:${c.type}`),
      ['m:string', 'Rest:string'],
    );
  });

  it('let functions, table(name) and materialize()', async () => {
    assert.deepEqual(
      await rows(
        "let T = datatable(a:long)[1, 5, 9]; let f = (t:string, n:long) { table(t) | where a > n }; f('T', 3) | count",
      ),
      [[2]],
    );
    assert.deepEqual(await rows('let twice = (x:long) { x * 2 }; print twice(21)'), [[42]]);
    assert.deepEqual(await rows('let h = (T:(*)) { T | count }; h(datatable(a:long)[1, 2])'), [[2]]);
    assert.deepEqual(await rows('let m = materialize(datatable(a:long)[1, 2]); m | union m | count'), [[4]]);
    // Parameters do not leak out of the call.
    await assert.rejects(db.kql('let f = (n:long) { n }; print f(1), n'), /'n'/);
  });

  it('more aggregations: make_bag, make_set_if, make_list_if, count_distinct, argmax alias', async () => {
    const D =
      "datatable(g:string, b:dynamic, v:long)['a', dynamic({'x': 1}), 1, 'a', dynamic({'y': 2}), 2, 'b', dynamic(null), 3]";
    const r = await rows(
      `${D} | summarize bag = make_bag(b), s = make_set_if(v, v > 1), l = make_list_if(v, v < 3), c = count_distinct(v) by g | sort by g asc`,
    );
    assert.deepEqual(JSON.parse(r[0]![1] as string), { x: 1, y: 2 });
    assert.deepEqual(
      r.map((x) => [x[0], x[2], JSON.parse(x[3] as string).length, x[4]]),
      [
        ['a', '[2]', 2, 2],
        ['b', '[3]', 0, 1],
      ],
    );
    assert.equal(r[1]![1], '{}');
    assert.deepEqual(await rows(`${D} | summarize argmax(v, g)`), [[3, 'b']]);
  });

  it('range: numbers and datetimes, both ends included', async () => {
    assert.deepEqual(await rows('range x from 1 to 10 step 3'), [[1], [4], [7], [10]]);
    assert.deepEqual(
      await rows('range t from datetime(2024-01-01) to datetime(2024-01-01T02:00:00Z) step 1h | count'),
      [[3]],
    );
    await assert.rejects(db.kql("range x from 'a' to 'b' step 1"), /range of string/);
  });

  it('results stop at 500,000 rows, as in Log Analytics', async () => {
    assert.deepEqual(await rows('range x from 1 to 600000 step 1 | count'), [[600000]]);
    assert.equal((await rows('range x from 1 to 600000 step 1')).length, 500_000);
  });

  it('make-series: one array per aggregate and the axis, default where a step has no rows', async () => {
    const D =
      "datatable(u:string, t:datetime, x:long)['a', datetime(2024-01-01T00:10:00Z), 1, 'a', datetime(2024-01-01T02:30:00Z), 2, 'b', datetime(2024-01-01T01:00:00Z), 5, 'b', datetime(2024-01-02T01:00:00Z), 5]";
    const r = await rows(
      `${D} | make-series n = count(), s = sum(x) default = -1 on t from datetime(2024-01-01) to datetime(2024-01-01T04:00:00Z) step 1h by u | sort by u asc`,
    );
    assert.deepEqual(
      r.map((row) => [row[0], JSON.parse(row[1] as string), JSON.parse(row[2] as string)]),
      [
        ['a', [1, 0, 1, 0], [1, -1, 2, -1]],
        // b's row at 2024-01-02 is outside the range.
        ['b', [0, 1, 0, 0], [-1, 5, -1, -1]],
      ],
    );
    assert.deepEqual(JSON.parse(r[0]![3] as string), [
      '2024-01-01T00:00:00.0000000Z',
      '2024-01-01T01:00:00.0000000Z',
      '2024-01-01T02:00:00.0000000Z',
      '2024-01-01T03:00:00.0000000Z',
    ]);
  });

  it('as names its input for later in the query, and names union legs for withsource', async () => {
    assert.deepEqual(
      await rows(
        'range x from 1 to 3 step 1 | as R | join kind=inner (R | where x > 1 | project x, y = x * 10) on x | project x, y',
      ),
      [
        [2, 20],
        [3, 30],
      ],
    );
    assert.deepEqual(
      await rows(
        'union withsource=Src (datatable(a:long)[1] | as First), (datatable(a:long)[2] | as Second) | sort by a asc',
      ),
      [
        ['First', 1],
        ['Second', 2],
      ],
    );
  });

  it('union kind=inner keeps only the columns every leg has', async () => {
    const q =
      "union kind=inner (datatable(a:long, b:string)[1, 'x']), (datatable(a:long, c:bool)[2, true]) | sort by a asc";
    assert.deepEqual(
      (await cols(q)).map((c) => c.name),
      ['a'],
    );
    assert.deepEqual(await rows(q), [[1], [2]]);
    // Same name, different types: not common.
    assert.deepEqual(
      (
        await cols(
          "union kind=inner (datatable(a:long, k:long)[1, 1]), (datatable(a:string, k:long)['x', 2])",
        )
      ).map((c) => c.name),
      ['k'],
    );
  });

  it('let functions take default parameter values', async () => {
    const f = 'let f = (x:long, m:long = 10, s:string = "d") { x * m };';
    assert.deepEqual(await rows(`${f} print a = f(2), b = f(2, 3)`), [[20, 6]]);
    await assert.rejects(db.kql(`${f} print f()`), /expected 1 to 3 arguments, got 0/);
    assert.deepEqual(await rows('let T2 = (n:long = 2) { range x from 1 to n step 1 }; T2() | count'), [[2]]);
  });

  it('stdev, variance (sample), stdevp, variancep (population) and their if forms; nulls skipped', async () => {
    const R = 'range x from 1 to 5 step 1 | extend y = iff(x == 3, long(null), x)';
    const [[sd, v, sdp, vp, sdi, vi]] = (await rows(
      `${R} | summarize stdev(x), variance(x), stdevp(x), variancep(x), stdevif(x, x > 1), varianceif(x, x > 1)`,
    )) as number[][];
    // Kusto's documented example: stdev of 1..5 is 1.58113883008419, stdevp 1.4142135623731.
    assert.ok(Math.abs(sd! - 1.58113883008419) < 1e-12);
    assert.equal(v, 2.5);
    assert.ok(Math.abs(sdp! - Math.SQRT2) < 1e-12); // Kusto documents 1.4142135623731
    assert.equal(vp, 2);
    assert.equal(vi, 5 / 3);
    assert.ok(Math.abs(sdi! - Math.sqrt(5 / 3)) < 1e-12);
    assert.deepEqual(await rows(`${R} | summarize variance(y)`), [
      [((1 - 3) ** 2 + (2 - 3) ** 2 + 1 + 4) / 3],
    ]);
    assert.deepEqual(
      (await cols(`${R} | summarize stdev(x), variance(x), stdevif(x, true)`)).map(
        (c) => `${c.name}:${c.type}`,
      ),
      ['stdev_x:real', 'variance_x:real', 'stdevif_x:real'],
    );
    // One value: no sample deviation; no value: null.
    assert.deepEqual(await rows(`${R} | where x == 1 | summarize stdev(x), stdevp(x)`), [[null, 0]]);
    assert.deepEqual(await rows(`${R} | where x > 9 | summarize variance(x)`), [[null]]);
  });

  it('parse kind=regex: the literals are regexes, columns typed, flags apply', async () => {
    const P = `datatable(s:string)['Id=42; User=Alice ok', 'id=7; user=bob ok', 'nothing']`;
    assert.deepEqual(
      await rows(`${P} | parse kind=regex s with "Id=" id:long @";\\s+User=" who @"\\s" * | project id, who`),
      [
        [42, 'Alice'],
        [null, ''],
        [null, ''],
      ],
    );
    assert.deepEqual(
      await rows(
        `${P} | parse kind=regex flags=i s with "id=" id:long @";\\s+user=" who @"\\s" * | project id, who`,
      ),
      [
        [42, 'Alice'],
        [7, 'bob'],
        [null, ''],
      ],
    );
    await assert.rejects(db.kql(`${P} | parse kind=regex s with "(a)" x`), /capturing group/);
  });

  it('parse kind=relaxed: a column that does not convert is null, the others still set', async () => {
    const P = `datatable(s:string)['n=abc, m=5', 'n=3, m=4', 'no match']`;
    assert.deepEqual(
      await rows(`${P} | parse kind=relaxed s with "n=" n:long ", m=" m:long | project n, m`),
      [
        [null, 5],
        [3, 4],
        [null, null],
      ],
    );
    // simple: the same text fails the whole match.
    assert.deepEqual(await rows(`${P} | parse s with "n=" n:long ", m=" m:long | project n, m`), [
      [null, null],
      [3, 4],
      [null, null],
    ]);
  });

  it('parse-where keeps only the rows that match', async () => {
    const P = `datatable(s:string)['user=a@x.com', 'USER=B@Y.COM', '', 'other']`;
    assert.deepEqual(await rows(`${P} | parse-where s with "user=" name "@" domain`), [
      ['user=a@x.com', 'a', 'x.com'],
    ]);
    assert.deepEqual(
      await rows(`${P} | parse-where kind=regex flags=i s with "user=" name "@" domain | project name`),
      [['a'], ['B']],
    );
  });

  it('project-away and project-keep take names and wildcards', async () => {
    const J = `${T} | join kind=inner (${T} | project name, n) on name`;
    assert.deepEqual(
      (await cols(`${J} | project-away *1, d`)).map((c) => c.name),
      ['name', 'n', 'r', 'ok', 't'],
    );
    assert.deepEqual(
      (await cols(`${T} | project-keep n*, t`)).map((c) => c.name),
      ['name', 'n', 't'],
    );
    assert.deepEqual((await cols(`${T} | project-away nomatch*`)).length, 6);
    await assert.rejects(db.kql(`${T} | project-keep nope`), /nope/);
  });

  it('a view is called by its name as a table', async () => {
    assert.deepEqual(await rows(`let v = view () { ${T} | where ok }; v | count`), [[2]]);
    assert.deepEqual(await rows(`let f = () { ${T} }; union f, f | count`), [[8]]);
  });

  it('percentiles makes one column per percentile; percentiles_array one array', async () => {
    const R = 'range x from 1 to 10 step 1';
    assert.deepEqual(await rows(`${R} | summarize percentiles(x, 50, 90)`), [[5, 9]]);
    assert.deepEqual(
      (await cols(`${R} | summarize percentiles(x, 50, 90)`)).map((c) => c.name),
      ['percentile_x_50', 'percentile_x_90'],
    );
    assert.deepEqual(await rows(`${R} | summarize (p5, p9) = percentiles(x, 50, 90)`), [[5, 9]]);
    assert.deepEqual(await rows(`${R} | summarize percentiles_array(x, 10, 100)`), [['[1,10]']]);
    assert.deepEqual(await rows(`${R} | where x > 99 | summarize percentiles(x, 50)`), [[null]]);
  });

  it('union isfuzzy skips missing tables only: an error in an existing leg is reported', async () => {
    await assert.rejects(
      db.kql(`let t = ${T} | extend x = nosuchfunction(n); union isfuzzy=true t, NoSuchTable`),
      /nosuchfunction/,
    );
  });

  it('a let bound to a call of a tabular function is a table (the Sentinel aadFunc idiom)', async () => {
    const q = `let f = (t:string) { table(t) }; let g = (n:long) { ${T} | where n > n }; let a = g(2); let b = f("SigninLogs"); a | count`;
    assert.deepEqual(await rows(q.replace('where n > n', 'where n >= 3')), [[2]]);
  });

  it('mv-apply with Name = Column removes Column (Kusto: the expanded input column is removed)', async () => {
    const D = 'datatable(id:long, xs:dynamic)[1, dynamic([1, 2]), 2, dynamic([5])]';
    assert.deepEqual(await rows(`${D} | mv-apply x = xs on (summarize s = sum(toint(x))) | sort by id asc`), [
      [1, 3],
      [2, 5],
    ]);
    await assert.rejects(
      db.kql(`${D} | mv-apply x = xs on (summarize s = count()) | extend n = array_length(xs)`),
      /'xs'/,
    );
  });

  it('getschema lists the columns with their types', async () => {
    assert.deepEqual(await rows('datatable(a:string, b:long, c:dynamic)[] | getschema'), [
      ['a', 0, 'System.String', 'string'],
      ['b', 1, 'System.Int64', 'long'],
      ['c', 2, 'System.Object', 'dynamic'],
    ]);
  });

  it('names unsupported operators and functions with their position', async () => {
    await assert.rejects(
      db.kql(`${T} | evaluate autocluster()`),
      (e: Error & { pos: number }) => /autocluster/.test(e.message) && e.pos === T.length + 3,
    );
    await assert.rejects(db.kql('print geo_distance_2points(1, 2, 3, 4)'), /geo_distance_2points/);
    await assert.rejects(db.kql(`${T} | summarize hll(n)`), /'hll'/);
    await assert.rejects(db.kql(`${T} | where`), (e: Error & { code: string }) => e.code === 'SyntaxError');
  });
});
