/**
 * The auditors are audited: reads through the Graph-compatible API are recorded as
 * MicrosoftGraphActivityLogs records of the caller's tenant; writes and other tenants are not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { logType } from '../src/registry/log-types.ts';
import { ROLES } from '../src/registry/roles.ts';
import { interactiveSignIn } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const TENANT = '55555555-5555-4555-8555-555555555555';
const OTHER = '66666666-6666-4666-8666-666666666666';
const GraphActivity = logType('MicrosoftGraphActivityLogs');

describe('reads are recorded as Graph activity', () => {
  let server: TestServer;
  let reader: string;
  const activity = async (tenant: string): Promise<Rec[]> => {
    const rows = await server.running.store.readChain(GraphActivity, tenant, 1, 1000);
    return rows.map((r) => JSON.parse(r.record) as Rec);
  };
  const waitFor = async (tenant: string, n: number) => {
    for (let i = 0; i < 100; i++) {
      const got = await activity(tenant);
      if (got.length >= n) return got;
      await new Promise((r) => setTimeout(r, 50));
    }
    return activity(tenant);
  };

  before(async () => {
    server = await startTestServer();
    const writer = await server.key(['ingest'], TENANT);
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', [interactiveSignIn], writer)).status, 200);
    reader = await server.key(['Security Reader'], TENANT);
  });
  after(async () => {
    await server.close();
  });

  it('records the request: URI, method, status, duration, caller, IP, user agent', async () => {
    const path = "/v1.0/auditLogs/signIns?$filter=userPrincipalName eq 'x@contoso.com'&$top=5";
    const res = await fetch(`${server.url}${path}`, {
      headers: {
        authorization: `Bearer ${reader}`,
        'user-agent': 'PowerShell/7.4',
        'client-request-id': 'c-42',
      },
    });
    assert.equal(res.status, 200);
    const denied = await fetch(`${server.url}/beta/auditLogs/customSecurityAttributeAudits`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(denied.status, 403);
    const got = await waitFor(TENANT, 2);
    assert.equal(got.length, 2, 'the ingest request is not recorded; the two reads are');
    const ok = got.find((r) => r.responseStatusCode === 200)!;
    assert.equal(ok.requestMethod, 'GET');
    assert.equal(ok.requestUri, new URL(`${server.url}${path}`).href, 'the URI as sent, percent-encoded');
    assert.equal(ok.apiVersion, 'v1.0');
    assert.equal(ok.userAgent, 'PowerShell/7.4');
    assert.equal(ok.clientRequestId, 'c-42');
    assert.equal(ok.ipAddress, '127.0.0.1');
    assert.equal(ok.tenantId, TENANT);
    assert.equal(ok.wids, ROLES['Security Reader']);
    assert.match(String(ok.servicePrincipalId), /^apikey:/);
    assert.equal(typeof ok.durationMs, 'number');
    assert.equal(res.headers.get('request-id'), ok.requestId);
    const no = got.find((r) => r.responseStatusCode === 403)!;
    assert.equal(no.apiVersion, 'beta');
    assert.deepEqual(await activity(OTHER), []);
  });
});
