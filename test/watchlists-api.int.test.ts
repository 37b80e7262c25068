/**
 * /api/v1/watchlists on a real server and DuckDB: create, read, list, items, replace and delete
 * with Sentinel's property names; bad input (Graph's error shape, nothing changed); who may do
 * what; tenant isolation; and `_GetWatchlist` over HTTP on ingested sign-ins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WATCHLIST_LIMITS } from '../src/watchlists/csv.ts';
import { interactiveSignIn } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const TENANT = '44444444-4444-4444-8444-444444444444';
const OTHER = '45454545-4545-4545-8545-454545454545';

type Watchlist = {
  id: string;
  name: string;
  type: string;
  properties: {
    watchlistId: string;
    watchlistAlias: string;
    displayName: string;
    description: string | null;
    provider: string;
    source: string;
    itemsSearchKey: string;
    contentType: string;
    numberOfLinesToSkip: number;
    watchlistItemsCount: number;
    created: string;
    updated: string;
    createdBy: { name: string };
    updatedBy: { name: string };
    columns: string[];
    labels: string[];
    sourceType: string;
  };
};
type Item = {
  name: string;
  properties: {
    watchlistItemId: string;
    searchKey: string;
    itemsKeyValue: Record<string, string>;
    updated: string;
  };
};

const VIP_CSV =
  'UserPrincipalName,Department,Tier\r\nalice@contoso.com,Finance,1\r\n"bob@contoso.com","R&D, Lab ""B""",2\r\n';
const vip = (extra: Rec = {}) => ({
  properties: {
    displayName: 'VIP users',
    provider: 'Custom',
    source: 'vip.csv',
    itemsSearchKey: 'UserPrincipalName',
    rawContent: VIP_CSV,
    contentType: 'text/csv',
    description: 'Executives and admins',
    ...extra,
  },
});

describe('watchlists API', () => {
  let server: TestServer;
  let admin: string;
  let secAdmin: string;
  let reader: string;
  let ingest: string;
  let otherAdmin: string;

  const put = (alias: string, body: unknown, key = admin) =>
    server.send('PUT', `/api/v1/watchlists/${alias}`, body, key);
  const getJson = async <T>(path: string, key = reader) => {
    const res = await server.get(path, key);
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  };
  const list = async (key = reader) =>
    (await getJson<{ value: Watchlist[] }>('/api/v1/watchlists', key)).value;
  const items = async (alias: string, qs = '', key = reader) =>
    getJson<{ value: Item[]; nextLink?: string }>(`/api/v1/watchlists/${alias}/items${qs}`, key);
  async function assertGraphError(res: Response, status: number, code: string, message?: RegExp) {
    assert.equal(res.status, status);
    const body = (await res.json()) as {
      error: { code: string; message: string; innerError: { date: string; 'request-id': string } };
    };
    assert.equal(body.error.code, code);
    assert.ok(body.error.innerError['request-id'], 'request-id');
    assert.ok(body.error.innerError.date, 'date');
    if (message) assert.match(body.error.message, message);
  }
  const kql = async (query: string, key = reader, ws = TENANT) => {
    const res = await server.post(`/v1/workspaces/${ws}/query`, { query }, key);
    return { status: res.status, body: (await res.json()) as Rec };
  };

  before(async () => {
    server = await startTestServer();
    admin = await server.key(['Global Administrator'], TENANT);
    secAdmin = await server.key(['Security Administrator'], TENANT);
    reader = await server.key(['Security Reader'], TENANT);
    ingest = await server.key(['ingest'], TENANT);
    otherAdmin = await server.key(['Global Administrator'], OTHER);
  });
  after(() => server.close());

  it("creates a watchlist (201) from Sentinel's body, reads it with its item count, lists it, and pages its items", async () => {
    const res = await put('VIPUsers', vip());
    assert.equal(res.status, 201);
    const w = (await res.json()) as Watchlist;
    assert.equal(w.name, 'VIPUsers');
    assert.equal(w.type, 'Microsoft.SecurityInsights/Watchlists');
    assert.equal(w.properties.watchlistAlias, 'VIPUsers');
    assert.equal(w.properties.displayName, 'VIP users');
    assert.equal(w.properties.description, 'Executives and admins');
    assert.equal(w.properties.provider, 'Custom');
    assert.equal(w.properties.source, 'vip.csv');
    assert.equal(w.properties.itemsSearchKey, 'UserPrincipalName');
    assert.equal(w.properties.contentType, 'text/csv');
    assert.equal(w.properties.numberOfLinesToSkip, 0);
    assert.equal(w.properties.watchlistItemsCount, 2);
    assert.deepEqual(w.properties.columns, ['UserPrincipalName', 'Department', 'Tier']);
    assert.match(w.properties.watchlistId, /^[0-9a-f-]{36}$/);
    assert.match(w.properties.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(w.properties.createdBy.name);
    assert.equal('rawContent' in w.properties, false, 'the CSV is not echoed back');

    assert.deepEqual(await getJson<Watchlist>('/api/v1/watchlists/VIPUsers'), w);
    assert.deepEqual(
      (await list()).map((x) => x.name),
      ['VIPUsers'],
    );

    const page = await items('VIPUsers');
    assert.equal(page.nextLink, undefined);
    assert.deepEqual(
      page.value.map((i) => [i.properties.searchKey, i.properties.itemsKeyValue]),
      [
        ['alice@contoso.com', { UserPrincipalName: 'alice@contoso.com', Department: 'Finance', Tier: '1' }],
        ['bob@contoso.com', { UserPrincipalName: 'bob@contoso.com', Department: 'R&D, Lab "B"', Tier: '2' }],
      ],
    );
    for (const i of page.value) assert.equal(i.name, i.properties.watchlistItemId);
  });

  it('pages items with $top and the nextLink, in CSV order, and accepts the properties at the top level', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => `10.0.0.${i},host${i}`);
    const res = await put('Hosts', {
      displayName: 'Hosts',
      provider: 'Custom',
      source: 'hosts.csv',
      itemsSearchKey: 'ip',
      rawContent: `generated 2026-01-01\n\nip,host\n${rows.join('\n')}`,
      contentType: 'text/csv',
      numberOfLinesToSkip: 2,
    });
    assert.equal(res.status, 201);
    const seen: string[] = [];
    let next: string | undefined = '/api/v1/watchlists/Hosts/items?$top=3';
    let pages = 0;
    while (next) {
      const page: { value: Item[]; nextLink?: string } = await getJson(next);
      seen.push(...page.value.map((i) => i.properties.searchKey));
      next = page.nextLink;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      rows.map((r) => r.split(',')[0]),
    );
    await assertGraphError(
      await server.get('/api/v1/watchlists/Hosts/items?$top=0', reader),
      400,
      'BadRequest',
      /\$top/,
    );
    await assertGraphError(
      await server.get('/api/v1/watchlists/Hosts/items?$skipToken=abc', reader),
      400,
      'BadRequest',
      /\$skipToken/,
    );
  });

  it("takes Sentinel's optional properties: labels, sourceType 'Local file', the alias repeated, and TSV content", async () => {
    const res = await put('Tsv', {
      properties: {
        watchlistAlias: 'Tsv',
        displayName: 'Service accounts',
        provider: 'Microsoft',
        source: 'accounts.tsv',
        sourceType: 'Local file',
        labels: ['Identity', 'Tier 0'],
        itemsSearchKey: 'Account',
        rawContent: 'Account\tOwner, team\nsvc-backup@contoso.com\tops, "infra"\n',
        contentType: 'Text/TSV',
      },
    });
    assert.equal(res.status, 201);
    const w = (await res.json()) as Watchlist;
    assert.deepEqual(w.properties.labels, ['Identity', 'Tier 0']);
    assert.equal(w.properties.sourceType, 'Local file');
    assert.equal(w.properties.contentType, 'text/tsv');
    assert.deepEqual(w.properties.columns, ['Account', 'Owner, team']);
    assert.deepEqual(
      (await items('Tsv')).value.map((i) => i.properties.itemsKeyValue),
      [{ Account: 'svc-backup@contoso.com', 'Owner, team': 'ops, "infra"' }],
    );
    await assertGraphError(
      await put('Tsv', vip({ watchlistAlias: 'Other' })),
      400,
      'BadRequest',
      /'watchlistAlias' 'Other' is not the alias of the URL \('Tsv'\)/,
    );
    await assertGraphError(
      await put('Tsv', vip({ sourceType: 'Remote storage' })),
      400,
      'BadRequest',
      /'sourceType' 'Remote storage' is not supported/,
    );
    assert.equal((await getJson<Watchlist>('/api/v1/watchlists/Tsv')).properties.watchlistItemsCount, 1);
    assert.equal((await server.send('DELETE', '/api/v1/watchlists/Tsv', undefined, admin)).status, 204);
  });

  it('replaces a watchlist (200) atomically: new items, same id and creation, queries see the new CSV', async () => {
    const before = await getJson<Watchlist>('/api/v1/watchlists/VIPUsers');
    const oldIds = (await items('VIPUsers')).value.map((i) => i.name);
    const res = await put(
      'VIPUsers',
      vip({ rawContent: 'UserPrincipalName,Department\ncarol@contoso.com,Legal\n', description: null }),
      secAdmin,
    );
    assert.equal(res.status, 200);
    const w = (await res.json()) as Watchlist;
    assert.equal(w.properties.watchlistId, before.properties.watchlistId);
    assert.equal(w.properties.created, before.properties.created);
    assert.equal(w.properties.description, null);
    assert.equal(w.properties.watchlistItemsCount, 1);
    assert.deepEqual(w.properties.columns, ['UserPrincipalName', 'Department']);
    const now = (await items('VIPUsers')).value;
    assert.deepEqual(
      now.map((i) => i.properties.itemsKeyValue),
      [{ UserPrincipalName: 'carol@contoso.com', Department: 'Legal' }],
    );
    assert.ok(!oldIds.includes(now[0]!.name));
    const { body } = await kql("_GetWatchlist('VIPUsers') | project SearchKey, Department");
    assert.deepEqual((body.tables as Rec[])[0]!.rows, [['carol@contoso.com', 'Legal']]);
    // Back to the first version for the tests below.
    assert.equal((await put('VIPUsers', vip())).status, 200);
  });

  it('refuses bad input with a clear Graph-shaped error, and changes nothing', async () => {
    const snapshot = async () => ({
      list: await list(),
      items: (await items('VIPUsers')).value,
    });
    const was = await snapshot();
    const cases: [string, unknown, RegExp][] = [
      ['VIPUsers', 'not json', /JSON object/],
      ['VIPUsers', [], /JSON object/],
      ['VIPUsers', { properties: { ...vip().properties, displayName: undefined } }, /displayName/],
      [
        'VIPUsers',
        vip({ itemsSearchKey: 'Email' }),
        /'Email' is not a column of the CSV header \(UserPrincipalName, Department, Tier\)/,
      ],
      ['VIPUsers', vip({ contentType: 'application/json' }), /contentType.*text\/csv/],
      ['VIPUsers', vip({ labels: ['ok', ' '] }), /'labels' has a blank label/],
      ['VIPUsers', vip({ labels: 'Identity' }), /labels/],
      [
        'VIPUsers',
        vip({ rawContent: 'UserPrincipalName,Department\nalice@contoso.com\n' }),
        /not valid CSV.*line 2/,
      ],
      [
        'VIPUsers',
        vip({ rawContent: 'UserPrincipalName,Department\n"alice@contoso.com,x\n' }),
        /not valid CSV/,
      ],
      ['VIPUsers', vip({ rawContent: '' }), /empty/],
      ['VIPUsers', vip({ rawContent: 'UserPrincipalName,UserPrincipalName\na,b\n' }), /appears twice/],
      ['VIPUsers', vip({ rawContent: 'UserPrincipalName,,x\na,b,c\n' }), /column 2 has no name/],
      [
        'VIPUsers',
        vip({ rawContent: 'UserPrincipalName,SearchKey\na,b\n' }),
        /clashes with a column _GetWatchlist adds/,
      ],
      ['VIPUsers', vip({ numberOfLinesToSkip: 5 }), /no header line after skipping 5 lines/],
      ['VIPUsers', vip({ numberOfLinesToSkip: -1 }), /numberOfLinesToSkip/],
      ['VIPUsers', vip({ watchlistId: 'x' }), /watchlistId/],
      ['VIPUsers', vip({ displayName: '   ' }), /'displayName' is blank/],
      ['VIPUsers', { properties: vip().properties, extra: 1 }, /JSON object/],
      ['bad alias!', vip(), /alias is 1 to 100/],
    ];
    for (const [alias, body, message] of cases) {
      const res = await put(encodeURIComponent(alias), body);
      await assertGraphError(res, 400, 'BadRequest', message);
    }
    const big = `UserPrincipalName\n${'x'.repeat(WATCHLIST_LIMITS.bytes)}\n`;
    await assertGraphError(
      await put('VIPUsers', vip({ rawContent: big })),
      400,
      'BadRequest',
      /at most 3800000 bytes/,
    );
    const many = `UserPrincipalName\n${Array.from({ length: WATCHLIST_LIMITS.rows + 1 }, (_, i) => `u${i}`).join('\n')}`;
    await assertGraphError(
      await put('VIPUsers', vip({ rawContent: many })),
      400,
      'BadRequest',
      /at most 100000 items/,
    );
    await assertGraphError(await put('NewOne', vip({ itemsSearchKey: 'nope' })), 400, 'BadRequest');
    assert.deepEqual(await snapshot(), was, 'nothing changed');
    await assertGraphError(
      await server.get('/api/v1/watchlists/NewOne', reader),
      404,
      'NotFound',
      /'NewOne'/,
    );
  });

  it('readers read; only Global and Security Administrators write; ingest keys and anonymous callers get nothing', async () => {
    await assertGraphError(await put('ReaderTry', vip(), reader), 403, 'Authorization_RequestDenied');
    await assertGraphError(
      await server.send('DELETE', '/api/v1/watchlists/VIPUsers', undefined, reader),
      403,
      'Authorization_RequestDenied',
    );
    await assertGraphError(
      await server.get('/api/v1/watchlists', ingest),
      403,
      'Authorization_RequestDenied',
    );
    await assertGraphError(
      await server.get('/api/v1/watchlists/VIPUsers/items', ingest),
      403,
      'Authorization_RequestDenied',
    );
    await assertGraphError(await server.get('/api/v1/watchlists', null), 401, 'InvalidAuthenticationToken');
    await assertGraphError(await server.get('/api/v1/watchlists/ReaderTry', admin), 404, 'NotFound');
  });

  it("keeps tenants apart: another tenant neither lists, reads, deletes nor queries this tenant's watchlists", async () => {
    assert.deepEqual(await list(otherAdmin), []);
    await assertGraphError(await server.get('/api/v1/watchlists/VIPUsers', otherAdmin), 404, 'NotFound');
    await assertGraphError(
      await server.get('/api/v1/watchlists/VIPUsers/items', otherAdmin),
      404,
      'NotFound',
    );
    await assertGraphError(
      await server.send('DELETE', '/api/v1/watchlists/VIPUsers', undefined, otherAdmin),
      404,
      'NotFound',
    );
    // The other tenant's own watchlist of the same alias is its own.
    assert.equal(
      (await put('VIPUsers', vip({ rawContent: 'UserPrincipalName\nzed@fabrikam.com\n' }), otherAdmin))
        .status,
      201,
    );
    const mine = await kql("_GetWatchlist('VIPUsers') | project SearchKey | sort by SearchKey asc");
    assert.deepEqual((mine.body.tables as Rec[])[0]!.rows, [['alice@contoso.com'], ['bob@contoso.com']]);
    const theirs = await kql("_GetWatchlist('VIPUsers') | project SearchKey", otherAdmin, OTHER);
    assert.deepEqual((theirs.body.tables as Rec[])[0]!.rows, [['zed@fabrikam.com']]);
    assert.equal((await items('VIPUsers')).value.length, 2);
  });

  it("joins ingested sign-ins with a watchlist over the query API; an unknown alias is LA's semantic error", async () => {
    const writer = await server.key(['ingest'], TENANT);
    const signIns = ['alice@contoso.com', 'bob@contoso.com', 'eve@contoso.com', 'alice@contoso.com'].map(
      (upn, i) => ({
        ...interactiveSignIn,
        id: `wl-${i}-0000-0000-0000-000000000000`,
        createdDateTime: new Date(Date.now() - (i + 1) * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        userPrincipalName: upn,
        status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
      }),
    );
    const res = await server.post('/api/v1/ingest/SignInLogs', signIns, writer);
    assert.equal(res.status, 200, await res.text());
    const { status, body } = await kql(`SigninLogs
| join kind=inner (_GetWatchlist('VIPUsers')) on $left.UserPrincipalName == $right.SearchKey
| summarize Failures = count() by UserPrincipalName, Department | sort by UserPrincipalName asc`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual((body.tables as Rec[])[0]!.rows, [
      ['alice@contoso.com', 'Finance', 2],
      ['bob@contoso.com', 'R&D, Lab "B"', 1],
    ]);
    const q = "SigninLogs | where UserPrincipalName in ((_GetWatchlist('NoSuchList') | project SearchKey))";
    const bad = await kql(q);
    assert.equal(bad.status, 400);
    const inner = (((bad.body.error as Rec).innererror as Rec).innererror ?? {}) as Rec;
    assert.equal(((bad.body.error as Rec).innererror as Rec).code, 'SemanticError');
    assert.match(String(inner.message), /Watchlist 'NoSuchList' was not found/);
    // LA's positions are 1-based.
    assert.equal(inner.pos, q.indexOf("'NoSuchList'") + 1);
  });

  it('deletes a watchlist (204) with its items; queries then report it unknown; a second delete is 404', async () => {
    const res = await server.send('DELETE', '/api/v1/watchlists/Hosts', undefined, secAdmin);
    assert.equal(res.status, 204);
    await assertGraphError(await server.get('/api/v1/watchlists/Hosts', reader), 404, 'NotFound');
    await assertGraphError(await server.get('/api/v1/watchlists/Hosts/items', reader), 404, 'NotFound');
    assert.equal((await kql("_GetWatchlist('Hosts')")).status, 400);
    await assertGraphError(
      await server.send('DELETE', '/api/v1/watchlists/Hosts', undefined, admin),
      404,
      'NotFound',
    );
    assert.deepEqual(
      (await list()).map((w) => w.name),
      ['VIPUsers'],
    );
    // Recreating starts afresh: a new id.
    const again = (await (await put('Hosts', vip())).json()) as Watchlist;
    assert.equal(again.properties.watchlistItemsCount, 2);
  });
});
