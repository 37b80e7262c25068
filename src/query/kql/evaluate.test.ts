/** evaluate bag_unpack: columns from the data's keys, their types, prefix, conflicts, output schema. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;
const T = `datatable(id:long, d:dynamic)[
  1, dynamic({"Name": "John", "Age": 20, "Tags": ["x"]}),
  2, dynamic({"Name": "Dave", "Age": 40.5, "city": null}),
  3, dynamic(null),
  4, dynamic({})
]`;

describe('KQL evaluate bag_unpack', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  const rows = (q: string) => db.rows(q);
  const cols = async (q: string) => (await db.kql(q)).tables[0]!.columns;

  it('makes one column per top-level key (sorted), typed when every value has one type', async () => {
    const q = `${T} | evaluate bag_unpack(d) | sort by id asc`;
    assert.deepEqual(await cols(q), [
      { name: 'id', type: 'long' },
      // 20 and 40.5: mixed JSON number types → dynamic, as Kusto does for mixed types.
      { name: 'Age', type: 'dynamic' },
      { name: 'Name', type: 'string' },
      { name: 'Tags', type: 'dynamic' },
      // Only nulls: no type to pick.
      { name: 'city', type: 'dynamic' },
    ]);
    assert.deepEqual(await rows(q), [
      [1, '20', 'John', '["x"]', null],
      [2, '40.5', 'Dave', null, null],
      // A null or empty bag: its row stays, with empty columns ("" for strings).
      [3, null, '', null, null],
      [4, null, '', null, null],
    ]);
  });

  it('a prefix, ignored properties, and an empty input', async () => {
    assert.deepEqual(
      (await cols(`${T} | evaluate bag_unpack(d, 'p_', 'error', dynamic(['Tags', 'city']))`)).map(
        (c) => c.name,
      ),
      ['id', 'p_Age', 'p_Name'],
    );
    assert.deepEqual(await cols(`${T} | where id > 10 | evaluate bag_unpack(d)`), [
      { name: 'id', type: 'long' },
    ]);
  });

  it('typed columns from a key whose values share a type', async () => {
    const q = `datatable(d:dynamic)[dynamic({"n": 1, "ok": true}), dynamic({"n": 2, "ok": false})] | evaluate bag_unpack(d) | summarize sum(n), countif(ok)`;
    assert.deepEqual(await rows(q), [[3, 1]]);
  });

  it('a column that already exists: an error, or the source replaced or kept', async () => {
    const C = `datatable(Name:string, d:dynamic)['x', dynamic({"Name": "John"})]`;
    await assert.rejects(db.kql(`${C} | evaluate bag_unpack(d)`), /already exists/);
    assert.deepEqual(await rows(`${C} | evaluate bag_unpack(d, '', 'replace_source')`), [['John']]);
    assert.deepEqual(await rows(`${C} | evaluate bag_unpack(d, '', 'keep_source')`), [['x']]);
  });

  it('an output schema gives the columns without reading the data', async () => {
    assert.deepEqual(
      await rows(
        `${T} | evaluate bag_unpack(d) : (id:long, Name:string, Missing:long) | sort by id asc | take 2`,
      ),
      [
        [1, 'John', null],
        [2, 'Dave', null],
      ],
    );
    assert.deepEqual(
      (await cols(`${T} | evaluate bag_unpack(d) : (*, Age:real)`)).map((c) => `${c.name}:${c.type}`),
      ['id:long', 'Age:real'],
    );
  });

  it('refuses other plugins and non-dynamic columns', async () => {
    await assert.rejects(db.kql(`${T} | evaluate pivot(id)`), /plugin 'pivot' is not supported/);
    await assert.rejects(db.kql(`${T} | evaluate bag_unpack(id)`), /must be dynamic/);
  });
});
