/**
 * The Graph-compatible read API through Microsoft's own client library
 * (@microsoft/microsoft-graph-client): paging with PageIterator while records keep arriving,
 * entity reads, Graph errors, beta sign-in kinds and role separation.
 *
 * The client only treats https URLs as absolute (its nextLink handling) and only sends tokens to
 * Graph hosts, while this server runs on plain-http loopback. So the client is built with a custom
 * middleware chain (a documented client feature) that plays a TLS-terminating proxy: it sets the
 * Authorization header, turns https://127.0.0.1 into http:// with `X-Forwarded-Proto: https`
 * (the server trusts loopback proxies, so its links come back as https), and hands the request
 * to the client's own HTTPMessageHandler.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  type Context,
  type GraphError,
  HTTPMessageHandler,
  type Middleware,
  PageIterator,
} from '@microsoft/microsoft-graph-client';
import { GRAPH_RESOURCES } from '../src/api/routes/graph/resources.ts';
import {
  customSecurityAttributeAudit,
  directoryAudit,
  interactiveSignIn,
  nonInteractiveSignIn,
  SAMPLES,
} from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const TENANT = '44444444-4444-4444-4444-444444444444';
const T0 = Date.UTC(2026, 9, 1);

function graphClient(server: TestServer, key: string, version = 'v1.0'): Client {
  class BearerKey implements Middleware {
    private next?: Middleware;
    async execute(context: Context): Promise<void> {
      const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set('Authorization', `Bearer ${key}`);
      headers.set('X-Forwarded-Proto', 'https');
      context.options = { ...context.options, headers };
      if (typeof context.request === 'string') context.request = context.request.replace(/^https:/, 'http:');
      await this.next!.execute(context);
    }
    setNext(next: Middleware): void {
      this.next = next;
    }
  }
  const auth = new BearerKey();
  auth.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: server.url.replace(/^http:/, 'https:'),
    defaultVersion: version,
  });
}

const signIn = (n: number, app: string): Rec => ({
  ...interactiveSignIn,
  id: `sg-${String(n).padStart(6, '0')}`,
  originalRequestId: `sg-${n}`,
  createdDateTime: new Date(T0 + n * 60_000).toISOString(),
  appDisplayName: app,
});

describe('Graph API with the official client', () => {
  let server: TestServer;
  let writer: string;
  let reader: string;
  const post = async (category: string, records: Rec[]) => {
    const res = await server.post(`/api/v1/ingest/${category}`, records, writer);
    assert.equal(res.status, 200, await res.clone().text());
  };

  before(async () => {
    server = await startTestServer();
    writer = await server.key(['ingest'], TENANT);
    reader = await server.key(['Security Reader'], TENANT);
    for (let b = 0; b < 15; b++) {
      const batch = Array.from({ length: 1000 }, (_, i) => {
        const n = b * 1000 + i;
        return signIn(n, n % 3 === 0 ? 'Office 365 Exchange Online' : 'Microsoft Teams');
      });
      await post('SignInLogs', batch);
    }
    await post('NonInteractiveUserSignInLogs', [{ ...nonInteractiveSignIn, id: 'ni-1' }]);
    await post('AuditLogs', [directoryAudit]);
    await post('CustomSecurityAttributeAuditLogs', [customSecurityAttributeAudit]);
  });
  after(async () => {
    await server.close();
  });

  it('pages through 10,000+ records with filter().top() and PageIterator while new ones arrive', async () => {
    const client = graphClient(server, reader);
    const expected = Array.from({ length: 15_000 }, (_, n) => n)
      .filter((n) => n % 3 !== 0)
      .map((n) => `sg-${String(n).padStart(6, '0')}`)
      .reverse(); // newest first, as Graph orders sign-ins
    const first = await client
      .api('/auditLogs/signIns')
      .filter("startswith(appDisplayName,'Microsoft')")
      .top(500)
      .get();
    assert.equal(first['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns');
    const seen: string[] = [];
    let pages = 0;
    const iterator = new PageIterator(client, first, (item: Rec) => {
      seen.push(String(item.id));
      return true;
    });
    // Records keep arriving between pages: newer than the first page, so not part of this listing.
    let arriving = 15_000;
    const originalNext = (iterator as unknown as { fetchAndUpdateNextPageData: () => Promise<void> })
      .fetchAndUpdateNextPageData;
    (iterator as unknown as { fetchAndUpdateNextPageData: () => Promise<void> }).fetchAndUpdateNextPageData =
      async function () {
        pages++;
        await post('SignInLogs', [signIn(arriving++, 'Microsoft Teams')]);
        return originalNext.call(this);
      };
    await iterator.iterate();
    assert.ok(expected.length >= 10_000 && pages >= 19, `${pages} pages`);
    assert.equal(seen.length, expected.length);
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.deepEqual(seen, expected, 'exactly the expected set, in order');
  });

  it('reads one entity, and answers 404 in Graph’s shape for a missing id', async () => {
    const client = graphClient(server, reader);
    const one = await client.api('/auditLogs/signIns/sg-000042').get();
    assert.equal(one.id, 'sg-000042');
    assert.equal(
      one['@odata.context'],
      'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns/$entity',
    );
    await assert.rejects(client.api('/auditLogs/signIns/nope').get(), (err: GraphError) => {
      assert.equal(err.statusCode, 404);
      assert.equal(err.code, 'Request_ResourceNotFound');
      return true;
    });
  });

  it('rows stored without a compact copy (before migration 5) read the same, in pages and by id', async () => {
    const client = graphClient(server, reader);
    const page = () =>
      client.api('/auditLogs/signIns').filter("appDisplayName eq 'Microsoft Teams'").top(200).get();
    const one = () => client.api('/auditLogs/signIns/sg-000043').get();
    const [pageBefore, oneBefore] = [await page(), await one()];
    const [[blob]] = await server.running.store.readSql(
      `SELECT record_z FROM signin_logs WHERE id = 'sg-000043'`,
      [],
    );
    assert.ok(blob instanceof Uint8Array && blob.length > 2, 'ingest stores the compact copy');
    // Every other row of the page, and the entity, as an older idtrail stored them.
    await server.running.store.readSql(
      `UPDATE signin_logs SET record_z = NULL WHERE id = 'sg-000043' OR (id >= 'sg-014700' AND id LIKE '%1')`,
      [],
    );
    const [[left]] = await server.running.store.readSql(
      `SELECT count(*) FROM signin_logs WHERE record_z IS NULL`,
      [],
    );
    assert.ok(Number(left) > 20);
    assert.deepEqual(await page(), pageBefore);
    assert.deepEqual(await one(), oneBefore);
  });

  it('v1.0 bodies carry v1.0 properties with nulls; beta adds the beta ones', async () => {
    const v1 = await graphClient(server, reader).api('/auditLogs/signIns/sg-000042').get();
    assert.equal('authenticationDetails' in v1, false, 'authenticationDetails is beta-only');
    assert.equal('signInEventTypes' in v1, false);
    assert.equal(v1.riskEventTypes, null, 'absent v1.0 properties come back as null');
    assert.equal(v1.status.errorCode, 0);
    const beta = await graphClient(server, reader, 'beta').api('/auditLogs/signIns/sg-000042').get();
    assert.deepEqual(beta.signInEventTypes, ['interactiveUser']);
    assert.ok(Array.isArray(beta.authenticationDetails));
    const selected = await graphClient(server, reader)
      .api('/auditLogs/signIns')
      .select(['id', 'userPrincipalName'])
      .top(1)
      .get();
    assert.deepEqual(Object.keys(selected.value[0]).sort(), ['id', 'userPrincipalName']);
  });

  it('refuses what Entra refuses, with a message', async () => {
    const client = graphClient(server, reader);
    await assert.rejects(
      client.api('/auditLogs/signIns').filter('ipAddress gt 5').get(),
      (err: GraphError) => {
        assert.equal(err.statusCode, 400);
        assert.equal(err.code, 'BadRequest');
        assert.match(err.message, /ipAddress/);
        return true;
      },
    );
    await assert.rejects(
      client.api('/auditLogs/signIns').skip(10).get(),
      (err: GraphError) => err.statusCode === 400,
    );
  });

  it('v1.0 lists interactive sign-ins only; beta adds a kind by signInEventTypes', async () => {
    const v1 = await graphClient(server, reader).api('/auditLogs/signIns').filter("id eq 'ni-1'").get();
    assert.deepEqual(v1.value, []);
    const beta = await graphClient(server, reader, 'beta')
      .api('/auditLogs/signIns')
      .filter("signInEventTypes/any(t: t eq 'nonInteractiveUser')")
      .get();
    assert.deepEqual(
      beta.value.map((r: Rec) => r.id),
      ['ni-1'],
    );
  });

  it('roles: readers read, writers do not; attribute-log audits only for attribute-log roles', async () => {
    await assert.rejects(
      graphClient(server, writer).api('/auditLogs/directoryAudits').get(),
      (err: GraphError) => err.statusCode === 403,
    );
    const audits = await graphClient(server, reader).api('/auditLogs/directoryAudits').get();
    assert.deepEqual(
      audits.value.map((r: Rec) => r.id),
      [directoryAudit.id],
      'custom security attribute audits are not directory audits',
    );
    const admin = await server.key(['Global Administrator'], TENANT);
    await assert.rejects(
      graphClient(server, admin, 'beta').api('/auditLogs/customSecurityAttributeAudits').get(),
      (err: GraphError) => err.statusCode === 403,
    );
    const attr = await server.key(['Attribute Log Reader'], TENANT);
    const csa = await graphClient(server, attr, 'beta').api('/auditLogs/customSecurityAttributeAudits').get();
    assert.deepEqual(
      csa.value.map((r: Rec) => r.id),
      [customSecurityAttributeAudit.id],
    );
  });

  it('another tenant’s key sees none of these records', async () => {
    const other = await server.key(['Security Reader'], '55555555-5555-5555-5555-555555555555');
    const res = await graphClient(server, other).api('/auditLogs/signIns').top(5).get();
    assert.deepEqual(res.value, []);
    await assert.rejects(
      graphClient(server, other).api('/auditLogs/signIns/sg-000042').get(),
      (err: GraphError) => err.statusCode === 404,
    );
  });
});

describe('every Graph resource', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const writer = await server.key(['ingest'], TENANT);
    for (const [category, record] of Object.entries(SAMPLES)) {
      const res = await server.post(`/api/v1/ingest/${category}`, [record], writer);
      assert.equal(res.status, 200);
    }
  });
  after(async () => {
    await server.close();
  });

  for (const r of GRAPH_RESOURCES) {
    for (const version of r.versions) {
      it(`${version}${r.path}: lists its records for its roles, 401 without a key, 403 for others`, async () => {
        const allowed = await server.key([r.roles[0]!], TENANT);
        const res = await server.get(`/${version}${r.path}?$top=5`, allowed);
        assert.equal(res.status, 200);
        const body = (await res.json()) as { '@odata.context': string; value: Rec[] };
        assert.equal(body['@odata.context'], `https://graph.microsoft.com/${version}/$metadata#${r.context}`);
        const sample = SAMPLES[r.type.category]!;
        assert.deepEqual(
          body.value.map((x) => x[r.type.idField]),
          [sample[r.type.idField]],
        );
        const one = await server.get(
          `/${version}${r.path}/${encodeURIComponent(String(sample[r.type.idField]))}`,
          allowed,
        );
        assert.equal(one.status, 200);
        assert.equal(((await one.json()) as Rec)[r.type.idField], sample[r.type.idField]);
        assert.equal((await server.get(`/${version}${r.path}`, null)).status, 401);
        assert.equal(
          (await server.get(`/${version}${r.path}`, await server.key(['ingest'], TENANT))).status,
          403,
        );
      });
    }
  }
});

describe('risky users: state snapshots', () => {
  it('lists each principal once, in its latest state; the entity is the latest state too', async () => {
    const server = await startTestServer();
    try {
      const writer = await server.key(['ingest'], TENANT);
      const reader = await server.key(['Security Reader'], TENANT);
      const base = SAMPLES.RiskyUsers!;
      const snapshots = [
        { ...base, riskState: 'atRisk', riskLevel: 'high', riskLastUpdatedDateTime: '2026-10-01T10:00:00Z' },
        {
          ...base,
          riskState: 'remediated',
          riskLevel: 'none',
          riskLastUpdatedDateTime: '2026-10-02T10:00:00Z',
        },
        {
          ...base,
          id: 'other-user',
          riskState: 'atRisk',
          riskLevel: 'medium',
          riskLastUpdatedDateTime: '2026-10-01T12:00:00Z',
        },
      ];
      assert.equal((await server.post('/api/v1/ingest/RiskyUsers', snapshots, writer)).status, 200);
      const list = (await (await server.get('/v1.0/identityProtection/riskyUsers', reader)).json()) as {
        value: Rec[];
      };
      assert.deepEqual(
        list.value.map((r) => [r.id, r.riskState]),
        [
          [base.id, 'remediated'],
          ['other-user', 'atRisk'],
        ],
      );
      const atRisk = (await (
        await server.get(
          `/v1.0/identityProtection/riskyUsers?$filter=${encodeURIComponent("riskState eq 'atRisk'")}`,
          reader,
        )
      ).json()) as { value: Rec[] };
      assert.deepEqual(
        atRisk.value.map((r) => r.id),
        ['other-user'],
        'filters apply to the current state',
      );
      const one = (await (
        await server.get(`/v1.0/identityProtection/riskyUsers/${base.id}`, reader)
      ).json()) as Rec;
      assert.equal(one.riskState, 'remediated');
    } finally {
      await server.close();
    }
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After and Graph’s TooManyRequests body past the per-key rate', async () => {
    const server = await startTestServer({ graphRate: 3 });
    try {
      const key = await server.key(['Reports Reader'], TENANT);
      for (let i = 0; i < 3; i++)
        assert.equal((await server.get('/v1.0/auditLogs/signIns', key)).status, 200);
      const res = await server.get('/v1.0/auditLogs/signIns', key);
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      const body = (await res.json()) as { error: Rec & { innerError: Rec } };
      assert.equal(body.error.code, 'TooManyRequests');
      assert.equal(body.error.innerError.status, '429');
      // Another key of the same tenant has its own bucket.
      assert.equal(
        (await server.get('/v1.0/auditLogs/signIns', await server.key(['Reports Reader'], TENANT))).status,
        200,
      );
    } finally {
      await server.close();
    }
  });
});

describe('Graph bodies: nested nulls, evolvable enums, Conditional Access data', () => {
  let server: TestServer;
  let securityReader: string;
  let reportsReader: string;
  const record: Rec = {
    ...interactiveSignIn,
    id: 'evolve-1',
    riskDetail: 'userChangedPasswordOnPremises', // after unknownFutureValue in riskDetail
    location: { city: 'Oslo', countryOrRegion: 'NO' }, // no state, no geoCoordinates
    appliedConditionalAccessPolicies: [
      {
        id: 'de7e60eb-ed89-4d73-8205-2227def6b7c9',
        displayName: 'Block legacy authentication (report-only)',
        enforcedGrantControls: ['Block'],
        enforcedSessionControls: [],
        result: 'reportOnlyFailure',
      },
    ],
  };
  const get = async (path: string, key: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${key}`, ...headers },
    });
    return { res, body: (await res.json()) as Rec };
  };

  before(async () => {
    server = await startTestServer();
    const writer = await server.key(['ingest'], TENANT);
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', [record], writer)).status, 200);
    securityReader = await server.key(['Security Reader'], TENANT);
    reportsReader = await server.key(['Reports Reader'], TENANT);
  });
  after(async () => {
    await server.close();
  });

  it('writes every property of nested complex types, null when the record lacks it', async () => {
    const { body } = await get('/v1.0/auditLogs/signIns/evolve-1', securityReader);
    assert.deepEqual(body.location, {
      city: 'Oslo',
      state: null,
      countryOrRegion: 'NO',
      geoCoordinates: null,
    });
    const status = body.status as Rec;
    assert.deepEqual(Object.keys(status).sort(), ['additionalDetails', 'errorCode', 'failureReason']);
  });

  it('evolvable enum members come out as unknownFutureValue unless the client prefers them', async () => {
    for (const path of [
      '/v1.0/auditLogs/signIns/evolve-1',
      "/v1.0/auditLogs/signIns?$filter=id eq 'evolve-1'",
    ]) {
      const plain = await get(path, securityReader);
      const one = (plain.body.value as Rec[] | undefined)?.[0] ?? plain.body;
      assert.equal(one.riskDetail, 'unknownFutureValue', path);
      assert.equal((one.appliedConditionalAccessPolicies as Rec[])[0]!.result, 'unknownFutureValue', path);
      assert.equal(plain.res.headers.get('preference-applied'), null);
      const opted = await get(path, securityReader, { prefer: 'include-unknown-enum-members' });
      const two = (opted.body.value as Rec[] | undefined)?.[0] ?? opted.body;
      assert.equal(two.riskDetail, 'userChangedPasswordOnPremises', path);
      assert.equal((two.appliedConditionalAccessPolicies as Rec[])[0]!.result, 'reportOnlyFailure', path);
      assert.equal(opted.res.headers.get('preference-applied'), 'include-unknown-enum-members');
    }
    // Members before the sentinel pass unchanged.
    const { body } = await get('/v1.0/auditLogs/signIns/evolve-1', securityReader);
    assert.equal(body.riskState, 'none');
  });

  it('leaves appliedConditionalAccessPolicies out for readers without Conditional Access roles', async () => {
    for (const version of ['v1.0', 'beta']) {
      const entity = await get(`/${version}/auditLogs/signIns/evolve-1`, reportsReader);
      assert.equal(entity.res.status, 200);
      assert.equal('appliedConditionalAccessPolicies' in entity.body, false, version);
      assert.equal(entity.body.conditionalAccessStatus, 'success', 'the overall status stays');
      const list = await get(`/${version}/auditLogs/signIns`, reportsReader);
      assert.equal('appliedConditionalAccessPolicies' in (list.body.value as Rec[])[0]!, false, version);
      const full = await get(`/${version}/auditLogs/signIns/evolve-1`, securityReader);
      assert.equal((full.body.appliedConditionalAccessPolicies as Rec[]).length, 1, version);
    }
    const filtered = await get(
      "/v1.0/auditLogs/signIns?$filter=appliedConditionalAccessPolicies/any(p: p/id eq 'de7e60eb-ed89-4d73-8205-2227def6b7c9')",
      reportsReader,
    );
    assert.equal(filtered.res.status, 403);
    assert.equal((filtered.body.error as Rec).code, 'Authorization_RequestDenied');
    const allowed = await get(
      "/v1.0/auditLogs/signIns?$filter=appliedConditionalAccessPolicies/any(p: p/id eq 'de7e60eb-ed89-4d73-8205-2227def6b7c9')",
      securityReader,
    );
    assert.equal((allowed.body.value as Rec[]).length, 1);
  });
});
