/** top-nested: levels, N per parent, asc/desc, names, no N, errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;
// Sign-ins: user, app, count of failures (distinct totals so no cut has a tie).
const ROWS: [string, string, number][] = [
  ['ann', 'Teams', 5],
  ['ann', 'Outlook', 3],
  ['ann', 'Teams', 4],
  ['ann', 'Azure', 1],
  ['bob', 'Teams', 2],
  ['bob', 'Azure', 7],
  ['bob', 'Outlook', 1],
  ['cid', 'Azure', 2],
  ['cid', 'Teams', 1],
  ['dan', 'Outlook', 6],
  ['dan', 'Outlook', 0.5],
  ['dan', 'Teams', 3],
];
const T = `datatable(user:string, app:string, n:real)[${ROWS.map(([u, a, n]) => `'${u}', '${a}', ${n}`).join(', ')}]`;

/** The expected rows computed directly: sums per user, then per (user, app). */
function expected(n1: number, n2: number, desc2 = true): [string, number, string, number][] {
  const sum = (f: (r: (typeof ROWS)[number]) => boolean) => ROWS.filter(f).reduce((s, r) => s + r[2], 0);
  const users = [...new Set(ROWS.map((r) => r[0]))]
    .map((u) => [u, sum((r) => r[0] === u)] as const)
    .sort((x, y) => y[1] - x[1])
    .slice(0, n1);
  return users.flatMap(([u, us]) =>
    [...new Set(ROWS.filter((r) => r[0] === u).map((r) => r[1]))]
      .map((app) => [app, sum((r) => r[0] === u && r[1] === app)] as const)
      .sort((x, y) => (desc2 ? y[1] - x[1] : x[1] - y[1]))
      .slice(0, n2)
      .map(([app, s]) => [u, us, app, s] as [string, number, string, number]),
  );
}

describe('KQL top-nested', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());

  it('two levels: the top users by total, then their top apps; default names aggregated_X', async () => {
    const r = await db.kql(
      `${T} | top-nested 2 of user by sum(n), top-nested 2 of app by sum(n) | sort by aggregated_user desc, aggregated_app desc`,
    );
    assert.deepEqual(
      r.tables[0]!.columns.map((c) => c.name),
      ['user', 'aggregated_user', 'app', 'aggregated_app'],
    );
    assert.deepEqual(r.tables[0]!.rows, expected(2, 2));
    // ann 13 (Teams 9, Outlook 3), bob 10 (Azure 7, Teams 2).
    assert.deepEqual(r.tables[0]!.rows, [
      ['ann', 13, 'Teams', 9],
      ['ann', 13, 'Outlook', 3],
      ['bob', 10, 'Azure', 7],
      ['bob', 10, 'Teams', 2],
    ]);
  });

  it('asc, no N (every value), named aggregates and keys', async () => {
    const rows = await db.rows(
      `${T} | top-nested 1 of U = user by Total = sum(n) desc, top-nested of app by Least = sum(n) asc | sort by Least asc`,
    );
    assert.deepEqual(rows, expected(1, 99, false));
    const r = await db.kql(`${T} | top-nested 1 of U = user by Total = count()`);
    assert.deepEqual(
      r.tables[0]!.columns.map((c) => [c.name, c.type]),
      [
        ['U', 'string'],
        ['Total', 'long'],
      ],
    );
    assert.deepEqual(r.tables[0]!.rows, [['ann', 4]]);
  });

  it('with others and multi-column aggregations are refused', async () => {
    await assert.rejects(
      db.kql(`${T} | top-nested 1 of user with others = 'x' by sum(n)`),
      /with others' is not supported/,
    );
    await assert.rejects(db.kql(`${T} | top-nested 1 of user by arg_max(n, app)`), /one result/);
    await assert.rejects(db.kql(`${T} | top-nested 1 of user by n`), /expected an aggregation/);
  });
});
