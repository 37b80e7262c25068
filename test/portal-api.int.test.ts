/**
 * The APIs the portal adds, against a real server and DuckDB: /api/v1/me, the streamed export of
 * a whole filtered set (compared with a Graph walk of the same filter, across keyset chunks), its
 * role checks and errors, and the portal's static files with the SPA fallback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { portalAvailable } from '../src/api/routes/portal.ts';
import { logType } from '../src/registry/log-types.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { ensurePortalBuilt } from './portal/build.ts';
import { knownAudit, populate, walkGraph } from './portal/populate.ts';

const CHUNK = 97;

describe('portal APIs', () => {
  let server: TestServer;
  before(async () => {
    ensurePortalBuilt();
    // Small chunks: the export crosses many keyset chunk boundaries on a test-sized tenant.
    server = await startTestServer({ exportChunk: CHUNK });
    await populate(server, 60, 24);
  });
  after(async () => server?.close());

  it('GET /api/v1/me names the caller: tenant, roles, key', async () => {
    const res = await server.get('/api/v1/me');
    assert.equal(res.status, 200);
    const me = (await res.json()) as { tenant: string; roles: string[]; name: string; keyId: string };
    assert.deepEqual(me.roles.sort(), ['Global Administrator', 'ingest']);
    assert.equal(me.tenant, '00000000-0000-0000-0000-000000000000');
    assert.match(me.keyId, /^k_/);
    const anon = await server.get('/api/v1/me', null);
    assert.equal(anon.status, 401);
  });

  it('CSV export holds exactly the filtered set a Graph walk returns, across keyset chunks', async () => {
    const filter = "signInEventTypes/any(t: t eq 'nonInteractiveUser')";
    const graph = await walkGraph(server, '/beta/auditLogs/signIns', filter);
    assert.ok(graph.length > 3 * CHUNK, `needs more than one chunk, got ${graph.length} records`);
    const res = await server.get(`/api/v1/export/signIns?format=csv&$filter=${encodeURIComponent(filter)}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="signIns-.*\.csv"/);
    assert.equal(Number(res.headers.get('idtrail-record-count')), graph.length);
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, graph.length);
    assert.deepEqual(
      rows.map((r) => r.id),
      graph.map((r) => r.id),
      'same records, same order (newest first)',
    );
    const header = Object.keys(rows[0]!);
    assert.deepEqual(header, Object.keys(logType('NonInteractiveUserSignInLogs').schema.properties));
    assert.equal(
      JSON.parse(rows[0]!.status!).errorCode,
      (graph[0]!.status as { errorCode: number }).errorCode,
    );
  });

  it('JSON export is an array of the records in the Graph shape', async () => {
    const filter = "loggedByService eq 'Core Directory'";
    const graph = await walkGraph(server, '/beta/auditLogs/directoryAudits', filter);
    const res = await server.get(
      `/api/v1/export/directoryAudits?format=json&$filter=${encodeURIComponent(filter)}`,
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as Array<Record<string, unknown>>;
    assert.ok(body.length > 0);
    assert.deepEqual(
      body,
      graph.map(({ ['@odata.type']: _, ...r }) => r),
    );
    assert.ok(body.some((r) => r.id === knownAudit.id));
  });

  it('an empty set exports a header only / an empty array', async () => {
    const filter = "correlationId eq '00000000-0000-0000-0000-00000000dead'";
    const csv = await server.get(`/api/v1/export/directoryAudits?$filter=${encodeURIComponent(filter)}`);
    assert.equal(csv.headers.get('idtrail-record-count'), '0');
    assert.equal((await csv.text()).trim().split('\n').length, 1);
    const json = await server.get(
      `/api/v1/export/directoryAudits?format=json&$filter=${encodeURIComponent(filter)}`,
    );
    assert.deepEqual(await json.json(), []);
  });

  it('exports keep the roles of the list they mirror and answer bad input in Graph shape', async () => {
    const ga = await server.get('/api/v1/export/customSecurityAttributeAudits');
    assert.equal(ga.status, 403);
    assert.equal(
      ((await ga.json()) as { error: { code: string } }).error.code,
      'Authorization_RequestDenied',
    );
    const reader = await server.key(['Attribute Log Reader'], '00000000-0000-0000-0000-000000000000');
    const ok = await server.get('/api/v1/export/customSecurityAttributeAudits?format=json', reader);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as unknown[]).length, 1);
    const ingestOnly = await server.key(['ingest'], '00000000-0000-0000-0000-000000000000');
    assert.equal((await server.get('/api/v1/export/directoryAudits', ingestOnly)).status, 403);

    const badFilter = await server.get(
      `/api/v1/export/directoryAudits?$filter=${encodeURIComponent('nope eq 1')}`,
    );
    assert.equal(badFilter.status, 400);
    const err = (await badFilter.json()) as { error: { code: string; message: string; innerError: object } };
    assert.equal(err.error.code, 'BadRequest');
    assert.ok(err.error.innerError);
    assert.equal((await server.get('/api/v1/export/directoryAudits?format=xml')).status, 400);
    const unknown = await server.get('/api/v1/export/nothing');
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /directoryAudits/);
  });

  it('histogram counts the whole filtered set per time bucket and status, as a Graph walk finds it', async () => {
    const filter =
      "signInEventTypes/any(t: t eq 'nonInteractiveUser') or signInEventTypes/any(t: t eq 'interactiveUser')";
    const graph = await walkGraph(server, '/beta/auditLogs/signIns', filter);
    const res = await server.get(
      `/api/v1/histogram/signIns?interval=PT1H&$filter=${encodeURIComponent(filter)}`,
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      interval: string;
      total: number;
      buckets: Array<{ start: string; total: number; success: number; failure: number }>;
    };
    assert.equal(body.interval, 'PT1H');
    assert.equal(body.total, graph.length);
    const expected = new Map<string, { total: number; success: number }>();
    for (const r of graph) {
      const hour = new Date(Math.floor(Date.parse(String(r.createdDateTime)) / 3_600_000) * 3_600_000)
        .toISOString()
        .replace('.000Z', 'Z');
      const b = expected.get(hour) ?? { total: 0, success: 0 };
      b.total++;
      if ((r.status as { errorCode: number }).errorCode === 0) b.success++;
      expected.set(hour, b);
    }
    assert.deepEqual(
      body.buckets,
      [...expected.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([start, b]) => ({ start, total: b.total, success: b.success, failure: b.total - b.success })),
    );
    assert.ok(body.buckets.some((b) => b.failure > 0) && body.buckets.some((b) => b.success > 0));

    // Audits: success is `result`; a day bucket holds them all.
    const audits = await walkGraph(
      server,
      '/beta/auditLogs/directoryAudits',
      "loggedByService eq 'Core Directory'",
    );
    const day = (await (
      await server.get(
        `/api/v1/histogram/directoryAudits?interval=P1D&$filter=${encodeURIComponent("loggedByService eq 'Core Directory'")}`,
      )
    ).json()) as { total: number; buckets: Array<{ total: number; success: number }> };
    assert.equal(day.total, audits.length);
    assert.equal(
      day.buckets.reduce((n, b) => n + b.success, 0),
      audits.filter((a) => a.result === 'success').length,
    );
  });

  it('histogram refuses what it cannot answer, in Graph shape', async () => {
    const bad = await server.get('/api/v1/histogram/signIns?interval=PT7M');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /PT1H/);
    assert.equal(
      (await server.get(`/api/v1/histogram/signIns?$filter=${encodeURIComponent('nope eq 1')}`)).status,
      400,
    );
    assert.equal((await server.get('/api/v1/histogram/nothing')).status, 404);
    const reports = await server.key(['Reports Reader'], '00000000-0000-0000-0000-000000000000');
    const ca = await server.get(
      `/api/v1/histogram/signIns?$filter=${encodeURIComponent("appliedConditionalAccessPolicies/any(p: p/id eq 'de7e60eb-ed89-4d73-8205-2227def6b7c9')")}`,
      reports,
    );
    assert.equal(ca.status, 403);
    const risky = (await (await server.get('/api/v1/histogram/riskyUsers')).json()) as {
      total: number;
      buckets: Array<Record<string, unknown>>;
    };
    assert.ok(risky.total >= 1);
    assert.ok(!('success' in risky.buckets[0]!), 'no status for lists without one');
  });

  it('serves the portal at / without a key, and index.html for client routes only', async () => {
    assert.ok(portalAvailable());
    const root = await fetch(`${server.url}/`);
    assert.equal(root.status, 200);
    assert.match(await root.text(), /<div id="root">/);
    const route = await fetch(`${server.url}/sign-ins?tab=servicePrincipal`, {
      headers: { accept: 'text/html' },
    });
    assert.equal(route.status, 200);
    assert.match(await route.text(), /<div id="root">/);
    const api = await fetch(`${server.url}/api/v1/nothing`, { headers: { accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'NotFound');
    const graph = await fetch(`${server.url}/v1.0/auditLogs/directoryAudits`, {
      headers: { accept: 'text/html' },
    });
    assert.equal(graph.status, 401);
  });
});
