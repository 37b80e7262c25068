/**
 * KQL's `_GetWatchlist('alias')` on a real DuckDB: Sentinel's columns and types, the patterns rules
 * use it in (let, in, join on SearchKey, lookup, union), empty watchlists, replacement, errors with
 * positions, and tenant isolation. Watchlists are made from CSV text as the API makes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KqlError } from '../src/query/kql/errors.ts';
import { openKqlDb } from '../src/query/kql/test-kql.ts';
import { buildWatchlist, type WatchlistInput } from '../src/watchlists/build.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;

const SIGNINS = `datatable(UserPrincipalName:string, IPAddress:string, ResultType:string)[
  'ceo@contoso.com', '203.0.113.7', '50126',
  'ceo@contoso.com', '198.51.100.1', '0',
  'cfo@contoso.com', '203.0.113.7', '0',
  'dev@contoso.com', '192.0.2.10', '50126',
  'dev@contoso.com', '192.0.2.10', '50126'
]`;

const VIP_CSV =
  '\uFEFFUserPrincipalName,Department,"Risk, level"\r\nceo@contoso.com,Executive,high\r\ncfo@contoso.com,"Finance, EMEA",medium\r\n';

const input = (alias: string, rawContent: string, itemsSearchKey: string, tenant = 't1'): WatchlistInput => ({
  tenant,
  alias,
  displayName: alias,
  provider: 'Custom',
  source: `${alias}.csv`,
  itemsSearchKey,
  rawContent,
  contentType: 'text/csv',
  by: 'test',
});

describe("KQL _GetWatchlist('alias')", () => {
  let db: Db;
  const rows = (q: string, tenant = 't1') => db.kql(q, undefined, tenant).then((r) => r.tables[0]!.rows);
  const failure = async (q: string, tenant = 't1') => {
    try {
      await db.kql(q, undefined, tenant);
    } catch (e) {
      assert.ok(e instanceof KqlError, String(e));
      return e;
    }
    assert.fail(`expected an error for ${q}`);
  };

  before(async () => {
    db = await openKqlDb();
    await db.putWatchlist(...buildWatchlist(input('VIPUsers', VIP_CSV, 'UserPrincipalName')));
    // Replaced below: queries see only the second version.
    await db.putWatchlist(...buildWatchlist(input('BadIPs', 'IP,Note\n198.51.100.1,old entry\n', 'IP')));
    await db.putWatchlist(
      ...buildWatchlist({
        ...input('BadIPs', 'exported by the firewall\nIP,Note\n203.0.113.7,tor exit\n', 'IP'),
        numberOfLinesToSkip: 1,
      }),
    );
    await db.putWatchlist(
      ...buildWatchlist(input('Empty', 'UserPrincipalName,Reason\n', 'UserPrincipalName')),
    );
    await db.putWatchlist(
      ...buildWatchlist(
        input('OtherTenantOnly', 'UserPrincipalName\ndev@contoso.com\n', 'UserPrincipalName', 't2'),
      ),
    );
    await db.putWatchlist(
      ...buildWatchlist(
        input('VIPUsers', 'UserPrincipalName,Department\ndev@contoso.com,R&D\n', 'UserPrincipalName', 't2'),
      ),
    );
  });
  after(() => db.close());

  it("gives Sentinel's columns: _DTItemId, LastUpdatedTimeUTC, SearchKey, WatchlistItem, then the CSV's in header order", async () => {
    const r = (await db.kql("_GetWatchlist('VIPUsers')")).tables[0]!;
    assert.deepEqual(r.columns, [
      { name: '_DTItemId', type: 'string' },
      { name: 'LastUpdatedTimeUTC', type: 'datetime' },
      { name: 'SearchKey', type: 'string' },
      { name: 'WatchlistItem', type: 'dynamic' },
      { name: 'UserPrincipalName', type: 'string' },
      { name: 'Department', type: 'string' },
      { name: 'Risk, level', type: 'string' },
    ]);
    const sorted = [...r.rows].sort((a, b) => String(a[2]).localeCompare(String(b[2])));
    assert.equal(sorted.length, 2);
    for (const row of sorted) {
      assert.match(String(row[0]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(
        String(row[1]),
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/,
      );
    }
    assert.deepEqual(
      sorted.map((x) => x.slice(2)),
      [
        [
          'ceo@contoso.com',
          '{"UserPrincipalName":"ceo@contoso.com","Department":"Executive","Risk, level":"high"}',
          'ceo@contoso.com',
          'Executive',
          'high',
        ],
        [
          'cfo@contoso.com',
          '{"UserPrincipalName":"cfo@contoso.com","Department":"Finance, EMEA","Risk, level":"medium"}',
          'cfo@contoso.com',
          'Finance, EMEA',
          'medium',
        ],
      ],
    );
    assert.notEqual(sorted[0]![0], sorted[1]![0], 'each item has its own id');
  });

  it('WatchlistItem is a dynamic bag, and the CSV columns are strings usable by name', async () => {
    assert.deepEqual(
      await rows(
        `_GetWatchlist('VIPUsers') | extend d = tostring(WatchlistItem.Department), r = ['Risk, level']
| where Department startswith 'Fin' | project d, r, t = gettype(WatchlistItem), k = gettype(SearchKey)`,
      ),
      [['Finance, EMEA', 'medium', 'dictionary', 'string']],
    );
  });

  it("filters with `in` a let of the watchlist's SearchKey (the common rule pattern)", async () => {
    assert.deepEqual(
      await rows(`let vips = _GetWatchlist('VIPUsers') | project SearchKey;
${SIGNINS} | where ResultType != '0' and UserPrincipalName in (vips) | project UserPrincipalName, IPAddress`),
      [['ceo@contoso.com', '203.0.113.7']],
    );
    // Inline, and with !in.
    assert.deepEqual(
      await rows(
        `${SIGNINS} | where UserPrincipalName !in ((_GetWatchlist('VIPUsers') | project SearchKey)) | summarize n = count() by UserPrincipalName`,
      ),
      [['dev@contoso.com', 2]],
    );
  });

  it('joins on $right.SearchKey (inner and leftouter) and lookups, bringing the CSV columns along', async () => {
    assert.deepEqual(
      await rows(`${SIGNINS} | join kind=inner (_GetWatchlist('VIPUsers')) on $left.UserPrincipalName == $right.SearchKey
| summarize n = count() by UserPrincipalName, Department | sort by UserPrincipalName asc`),
      [
        ['ceo@contoso.com', 'Executive', 2],
        ['cfo@contoso.com', 'Finance, EMEA', 1],
      ],
    );
    assert.deepEqual(
      await rows(`${SIGNINS} | lookup kind=leftouter (_GetWatchlist('BadIPs') | project IPAddress = SearchKey, Note) on IPAddress
| summarize n = count() by IPAddress, Note | sort by IPAddress asc`),
      [
        ['192.0.2.10', '', 2],
        ['198.51.100.1', '', 1],
        ['203.0.113.7', 'tor exit', 2],
      ],
    );
    assert.deepEqual(
      await rows(`let wl = _GetWatchlist('VIPUsers');
${SIGNINS} | join kind=leftanti wl on $left.UserPrincipalName == $right.SearchKey | count`),
      [[2]],
    );
  });

  it('works in union and as the first operator of a pipeline', async () => {
    assert.deepEqual(
      await rows(`union (_GetWatchlist('VIPUsers') | project k = SearchKey), (_GetWatchlist('BadIPs') | project k = SearchKey)
| sort by k asc`),
      [['203.0.113.7'], ['ceo@contoso.com'], ['cfo@contoso.com']],
    );
    assert.deepEqual(await rows(`_GetWatchlist('VIPUsers') | count`), [[2]]);
  });

  it('numberOfLinesToSkip: lines before the header are not items; a replace is what queries see', async () => {
    assert.deepEqual(await rows(`_GetWatchlist('BadIPs') | project IP, Note`), [['203.0.113.7', 'tor exit']]);
  });

  it('an empty watchlist has its columns and no rows; joins against it give nothing', async () => {
    const r = (await db.kql(`_GetWatchlist('Empty')`)).tables[0]!;
    assert.deepEqual(
      r.columns.map((c) => c.name),
      ['_DTItemId', 'LastUpdatedTimeUTC', 'SearchKey', 'WatchlistItem', 'UserPrincipalName', 'Reason'],
    );
    assert.deepEqual(r.rows, []);
    assert.deepEqual(
      await rows(
        `${SIGNINS} | where UserPrincipalName in ((_GetWatchlist('Empty') | project SearchKey)) | count`,
      ),
      [[0]],
    );
  });

  it('an unknown alias is an error naming it, at the argument', async () => {
    const q = `${SIGNINS} | where UserPrincipalName in ((_GetWatchlist('VIPUser') | project SearchKey))`;
    const e = await failure(q);
    assert.match(e.message, /Watchlist 'VIPUser' was not found/);
    assert.equal(q.slice(e.pos, e.pos + e.len), "'VIPUser'");
    // Aliases are matched exactly (Sentinel's function compares with ==).
    assert.match((await failure(`_GetWatchlist('vipusers')`)).message, /'vipusers' was not found/);
  });

  it('the alias must be a constant string: a let scalar or a function parameter is, a column is not', async () => {
    assert.deepEqual(await rows(`let watchlistAlias = 'VIPUsers'; _GetWatchlist(watchlistAlias) | count`), [
      [2],
    ]);
    assert.deepEqual(
      await rows(`let keys = (alias:string) { _GetWatchlist(alias) | project SearchKey }; keys('BadIPs')`),
      [['203.0.113.7']],
    );
    const q = `${SIGNINS} | extend a = 'VIPUsers' | join (_GetWatchlist(a)) on $left.UserPrincipalName == $right.SearchKey`;
    const e = await failure(q);
    assert.match(e.message, /alias must be a constant string/);
    assert.equal(q.slice(e.pos, e.pos + e.len), 'a');
    assert.match((await failure(`_GetWatchlist()`)).message, /expected one argument/);
    assert.match((await failure(`_GetWatchlist(42)`)).message, /constant string/);
  });

  it("tenant isolation: a tenant sees its own watchlist of an alias, never another tenant's", async () => {
    assert.deepEqual(await rows(`_GetWatchlist('VIPUsers') | project SearchKey, Department`, 't2'), [
      ['dev@contoso.com', 'R&D'],
    ]);
    assert.match((await failure(`_GetWatchlist('OtherTenantOnly')`, 't1')).message, /not found/);
    assert.match((await failure(`_GetWatchlist('BadIPs')`, 't2')).message, /not found/);
    // A third tenant has none at all.
    assert.match((await failure(`_GetWatchlist('VIPUsers')`, 't3')).message, /not found/);
  });
});
