/** Array, set and bag functions and JSON text paths, on dynamic literals incl. null and empty. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;

describe('KQL dynamic functions', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  const one = async (expr: string) => (await db.rows(`print x = ${expr}`))[0]![0];
  const json = async (expr: string) => {
    const v = await one(expr);
    return v === null ? null : JSON.parse(String(v));
  };

  it('array_sort_asc / array_sort_desc: numbers or strings, nulls last unless asked', async () => {
    assert.deepEqual(await json('array_sort_asc(dynamic([3, 1, null, 2]))'), [1, 2, 3, null]);
    assert.deepEqual(await json('array_sort_desc(dynamic([3, 1, null, 2]))'), [3, 2, 1, null]);
    assert.deepEqual(await json('array_sort_asc(dynamic(["b", "a", "C"]))'), ['C', 'a', 'b']);
    assert.deepEqual(await json('array_sort_asc(dynamic([2, null, 1]), false)'), [null, 1, 2]);
    assert.deepEqual(await json('array_sort_asc(dynamic([]))'), []);
    assert.equal(await one('array_sort_asc(dynamic({"a": 1}))'), null);
  });

  it('array_reverse and array_sum', async () => {
    assert.deepEqual(await json('array_reverse(dynamic([1, "a", null]))'), [null, 'a', 1]);
    assert.equal(await one('array_sum(dynamic([1, 2.5, 3]))'), 6.5);
    assert.equal(await one('array_sum(dynamic([]))'), null);
    assert.equal(await one('array_sum(dynamic("x"))'), null);
  });

  it('set_union, set_intersect, set_difference: distinct values, case-sensitive', async () => {
    assert.deepEqual(
      ((await json('set_union(dynamic([1, 2, 2]), dynamic([3, 1]), dynamic(null))')) as number[]).sort(),
      [1, 2, 3],
    );
    assert.deepEqual(await json('set_intersect(dynamic(["a", "B", "b"]), dynamic(["b", "c"]))'), ['b']);
    assert.deepEqual(await json('set_difference(dynamic([1, 2, 3, 3]), dynamic([2]), dynamic([9, 1]))'), [3]);
    assert.deepEqual(await json('set_intersect(dynamic([1]), dynamic([]))'), []);
  });

  it('extract_json / extractjson read a path of JSON text, optionally typed', async () => {
    const J = `'{"a": {"b": "c", "n": 5, "l": [10, 20]}, "x y": true}'`;
    assert.equal(await one(`extract_json("$.a.b", ${J})`), 'c');
    assert.equal(await one(`extractjson("$.a.l[1]", ${J})`), '20');
    assert.equal(await one(`extract_json("$.a.n", ${J}, typeof(long))`), 5);
    assert.equal(await one(`extract_json("$['x y']", ${J}, typeof(bool))`), true);
    assert.equal(await one(`extract_json("$.missing", ${J})`), '');
    assert.equal(await one(`extract_json("$.a", 'not json', typeof(long))`), null);
    assert.deepEqual(await json(`extract_json("$.a.l", ${J}, typeof(dynamic))`), [10, 20]);
    await assert.rejects(db.kql(`print extract_json("$..b", ${J})`), /only \$\.a/);
  });
  it('arguments computed by toscalar() work where the SQL needs lambdas', async () => {
    const L = 'let a = toscalar(print x = dynamic([1, 2, 3])); let b = toscalar(print x = dynamic([2]));';
    assert.deepEqual(await db.rows(`${L} print set_difference(a, b), zip(a, b), array_sort_desc(a)`), [
      ['[1,3]', '[[1,2],[2,null],[3,null]]', '[3,2,1]'],
    ]);
    assert.deepEqual(await db.rows("let n = toscalar(print 3); print strrep('ab', n, '.')"), [['ab.ab.ab']]);
  });
});
