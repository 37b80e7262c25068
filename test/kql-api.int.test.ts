/**
 * The Log Analytics query API end to end: records ingested through the ingest API, then queried
 * with KQL over HTTP (POST and GET) and with Microsoft's own `LogsQueryClient`.
 *
 * The client sends its token only to https URLs (core-rest-pipeline's bearer policy). The test
 * gives it a custom `httpClient` (a documented client option) that plays a TLS-terminating proxy:
 * it turns https://127.0.0.1 into http:// and adds `X-Forwarded-Proto: https`, then sends the
 * request with the SDK's default HTTP client. The token is one of our API keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/core-auth';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { interactiveSignIn } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const TENANT = '55555555-5555-5555-5555-555555555555';
const OTHER = '66666666-6666-6666-6666-666666666666';
const T0 = Date.UTC(2026, 9, 1, 8);

const USERS = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'];
const IPS = ['10.0.0.1', '10.0.0.2'];

/** 30 sign-ins: user i%3, IP i%2, failing when i%5==0, one every 10 minutes. */
const signIns: Rec[] = Array.from({ length: 30 }, (_, i) => ({
  ...interactiveSignIn,
  id: `kql-${String(i).padStart(3, '0')}-0000-0000-0000-000000000000`,
  createdDateTime: new Date(T0 + i * 600_000).toISOString().replace('.000Z', 'Z'),
  userPrincipalName: USERS[i % 3],
  userDisplayName: USERS[i % 3]!.split('@')[0],
  ipAddress: IPS[i % 2],
  status:
    i % 5 === 0 ? { errorCode: 50126, failureReason: 'Invalid username or password.' } : { errorCode: 0 },
}));

function client(server: TestServer, key: string): LogsQueryClient {
  const inner = createDefaultHttpClient();
  const proxy: HttpClient = {
    sendRequest(request) {
      request.url = request.url.replace(/^https:/, 'http:');
      request.headers.set('X-Forwarded-Proto', 'https');
      request.allowInsecureConnection = true; // the hop behind the "proxy" is plain http
      return inner.sendRequest(request);
    },
  };
  const credential: TokenCredential = {
    getToken: async () => ({ token: key, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  return new LogsQueryClient(credential, {
    endpoint: `${server.url.replace(/^http:/, 'https:')}/v1`,
    httpClient: proxy,
    retryOptions: { maxRetries: 0 },
  });
}

describe('Log Analytics query API', () => {
  let server: TestServer;
  let reader: string;
  before(async () => {
    server = await startTestServer();
    const writer = await server.key(['ingest'], TENANT);
    const res = await server.post('/api/v1/ingest/SignInLogs', signIns, writer);
    assert.equal(res.status, 200, await res.text());
    const otherWriter = await server.key(['ingest'], OTHER);
    await server.post(
      '/api/v1/ingest/SignInLogs',
      signIns.slice(0, 3).map((r) => ({ ...r, id: `${r.id}-x` })),
      otherWriter,
    );
    reader = await server.key(['Security Reader'], TENANT);
  });
  after(() => server.close());

  const query = async (body: Rec, key = reader, ws = TENANT) => {
    const res = await server.post(`/v1/workspaces/${ws}/query`, body, key);
    return { status: res.status, body: (await res.json()) as Rec };
  };

  it('answers a summarize in the LA shape, with counts checked against the ingested data', async () => {
    const { status, body } = await query({
      query:
        'SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName | sort by UserPrincipalName asc',
    });
    assert.equal(status, 200, JSON.stringify(body));
    const expected = USERS.map((u) => [
      u,
      signIns.filter((r, i) => i % 5 === 0 && r.userPrincipalName === u).length,
    ]).filter(([, n]) => (n as number) > 0);
    assert.deepEqual(body, {
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'UserPrincipalName', type: 'string' },
            { name: 'Failures', type: 'long' },
          ],
          rows: expected,
        },
      ],
    });
  });

  it('scopes every query to the caller tenant', async () => {
    const { body } = await query({ query: 'SigninLogs | count' });
    assert.deepEqual((body.tables as Rec[])[0]!.rows, [[30]]);
    const otherReader = await server.key(['Global Reader'], OTHER);
    const other = await query({ query: 'SigninLogs | count' }, otherReader, OTHER);
    assert.deepEqual((other.body.tables as Rec[])[0]!.rows, [[3]]);
    const cross = await query({ query: 'SigninLogs | count' }, otherReader, TENANT);
    assert.equal(cross.status, 404);
    assert.equal((cross.body.error as Rec).code, 'WorkspaceNotFoundError');
  });

  it('applies the timespan to TimeGenerated', async () => {
    const start = new Date(T0).toISOString();
    const end = new Date(T0 + 3_600_000).toISOString();
    const { body } = await query({ query: 'SigninLogs | count', timespan: `${start}/${end}` });
    assert.deepEqual((body.tables as Rec[])[0]!.rows, [[6]]);
  });

  it('serves the GET form', async () => {
    const q = encodeURIComponent('SigninLogs | where UserPrincipalName has "alice" | count');
    const res = await server.get(`/v1/workspaces/${TENANT}/query?query=${q}`, reader);
    assert.deepEqual(((await res.json()) as { tables: Rec[] }).tables[0]!.rows, [[10]]);
  });

  it('reports syntax and semantic errors in the LA shape with positions', async () => {
    const bad = await query({ query: 'SigninLogs | where' });
    assert.equal(bad.status, 400);
    const err = bad.body.error as Rec;
    assert.equal(err.code, 'BadArgumentError');
    assert.equal((err.innererror as Rec).code, 'SyntaxError');
    const sem = await query({ query: 'SigninLogs | evaluate autocluster()' });
    assert.equal(sem.status, 400);
    const inner = ((sem.body.error as Rec).innererror as Rec).innererror as Rec;
    assert.match(String(inner.message), /plugin 'autocluster' is not supported/);
    assert.equal(inner.pos, 14);
    const missing = await query({ query: 'NoSuchTable | take 1' });
    assert.match(JSON.stringify(missing.body), /NoSuchTable/);
    const noAuth = await query({ query: 'SigninLogs | count' }, null as unknown as string);
    assert.equal(noAuth.status, 401);
    assert.ok((noAuth.body.error as Rec).code);
  });

  it('denies callers without a reader role and hides the attribute audit table from log readers', async () => {
    const writer = await server.key(['ingest'], TENANT);
    const denied = await query({ query: 'SigninLogs | count' }, writer);
    assert.equal(denied.status, 403);
    assert.equal((denied.body.error as Rec).code, 'InsufficientAccessError');
    const hidden = await query({ query: 'AADCustomSecurityAttributeAuditLogs | count' });
    assert.equal(hidden.status, 400);
    const attr = await server.key(['Attribute Log Reader'], TENANT);
    const seen = await query({ query: 'AADCustomSecurityAttributeAuditLogs | count' }, attr);
    assert.deepEqual((seen.body.tables as Rec[])[0]!.rows, [[0]]);
  });

  it('lists the tenant workspace', async () => {
    const res = await server.get('/api/v1/workspaces', reader);
    const body = (await res.json()) as { value: Rec[] };
    assert.equal(body.value.length, 1);
    assert.equal(body.value[0]!.customerId, TENANT);
    assert.ok((body.value[0]!.tables as string[]).includes('SigninLogs'));
    assert.ok(!(body.value[0]!.tables as string[]).includes('AADCustomSecurityAttributeAuditLogs'));
  });

  it('runs queries from the official LogsQueryClient and reads typed results', async () => {
    const c = client(server, reader);
    const res = await c.queryWorkspace(
      TENANT,
      'SigninLogs | summarize Attempts = count(), IPs = dcount(IPAddress), Last = max(TimeGenerated), Apps = make_set(AppDisplayName) by UserPrincipalName | sort by UserPrincipalName asc',
      { duration: 'P3650D' },
    );
    assert.equal(res.status, LogsQueryResultStatus.Success);
    if (res.status !== LogsQueryResultStatus.Success) return;
    const t = res.tables[0]!;
    assert.deepEqual(
      t.columnDescriptors.map((c) => [c.name, c.type]),
      [
        ['UserPrincipalName', 'string'],
        ['Attempts', 'long'],
        ['IPs', 'long'],
        ['Last', 'datetime'],
        ['Apps', 'dynamic'],
      ],
    );
    const alice = t.rows[0]!;
    assert.equal(alice[0], 'alice@contoso.com');
    assert.equal(alice[1], 10);
    // Alice signs in at i = 0, 3, …, 27: always IP i%2 of both parities.
    assert.equal(alice[2], 2);
    assert.ok(alice[3] instanceof Date);
    assert.equal((alice[3] as Date).toISOString(), new Date(T0 + 27 * 600_000).toISOString());
    assert.deepEqual(alice[4], ['Office 365 Exchange Online']);
  });

  it("runs a Sentinel watchlist join from the client: the watchlist's typed columns come through", async () => {
    const admin = await server.key(['Security Administrator'], TENANT);
    const put = await server.send(
      'PUT',
      '/api/v1/watchlists/VIPUsers',
      {
        properties: {
          displayName: 'VIP users',
          provider: 'Custom',
          source: 'vip.csv',
          itemsSearchKey: 'UserPrincipalName',
          rawContent: 'UserPrincipalName,Tier\nalice@contoso.com,1\ncarol@contoso.com,2\n',
          contentType: 'text/csv',
        },
      },
      admin,
    );
    assert.equal(put.status, 201);
    const res = await client(server, reader).queryWorkspace(
      TENANT,
      `SigninLogs | where ResultType != "0"
| join kind=inner (_GetWatchlist('VIPUsers')) on $left.UserPrincipalName == $right.SearchKey
| summarize Failures = count(), Listed = max(LastUpdatedTimeUTC), Item = take_any(WatchlistItem) by UserPrincipalName, Tier
| sort by UserPrincipalName asc`,
      { duration: 'P3650D' },
    );
    assert.equal(res.status, LogsQueryResultStatus.Success);
    if (res.status !== LogsQueryResultStatus.Success) return;
    const t = res.tables[0]!;
    assert.deepEqual(
      t.columnDescriptors.map((c) => [c.name, c.type]),
      [
        ['UserPrincipalName', 'string'],
        ['Tier', 'string'],
        ['Failures', 'long'],
        ['Listed', 'datetime'],
        ['Item', 'dynamic'],
      ],
    );
    // Failures are i % 5 == 0 (i = 0, 5, …, 25); alice is i % 3 == 0 (0, 15), carol i % 3 == 2 (5, 20).
    assert.deepEqual(
      t.rows.map((r) => [r[0], r[1], r[2]]),
      [
        ['alice@contoso.com', '1', 2],
        ['carol@contoso.com', '2', 2],
      ],
    );
    assert.ok(t.rows[0]![3] instanceof Date);
    assert.deepEqual(t.rows[0]![4], { UserPrincipalName: 'alice@contoso.com', Tier: '1' });
  });

  it('surfaces a query error through the client', async () => {
    const c = client(server, reader);
    await assert.rejects(
      c.queryWorkspace(TENANT, 'SigninLogs | evaluate autocluster()', { duration: 'P1D' }),
      (e: Error & { statusCode?: number; code?: string; details?: unknown }) => {
        return (
          e.statusCode === 400 && /plugin 'autocluster' is not supported/.test(JSON.stringify(e.details))
        );
      },
    );
  });
});
