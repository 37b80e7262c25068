/**
 * GET/POST /v1/workspaces/{id}/metadata — Log Analytics' metadata API, which the Logs page feeds
 * to the KQL editor: the caller's tables with their columns and Kusto types, in LA's error shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LA_TABLES } from '../src/registry/la-tables.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const TENANT = '44444444-4444-4444-8444-444444444444';
const OTHER = '33333333-3333-4333-8333-333333333333';

interface Metadata {
  tables: Array<{
    id: string;
    name: string;
    timespanColumn: string;
    columns: Array<{ name: string; type: string }>;
  }>;
  workspaces: Array<{ id: string; name: string; resourceId: string }>;
  queries: Array<{ id: string; displayName: string; body: string }>;
}

describe('workspace metadata API', () => {
  let server: TestServer;
  let reader: string;
  let attributeReader: string;

  const metadata = async (key: string, workspace = TENANT, method: 'GET' | 'POST' = 'GET') =>
    fetch(`${server.url}/v1/workspaces/${workspace}/metadata`, {
      method,
      headers: { authorization: `Bearer ${key}` },
    });

  before(async () => {
    server = await startTestServer();
    reader = await server.key(['Global Reader'], TENANT);
    attributeReader = await server.key(['Attribute Log Reader'], TENANT);
  });
  after(async () => {
    await server.close();
  });

  it("lists the reader's tables with the registry's columns and types, the workspace, and saved queries", async () => {
    const admin = await server.key(['Global Administrator'], TENANT);
    const put = await server.send(
      'PUT',
      '/api/v1/savedQueries/q1',
      { displayName: 'Sign-ins', query: 'SigninLogs | take 1' },
      admin,
    );
    assert.equal(put.status, 201);
    for (const method of ['GET', 'POST'] as const) {
      const res = await metadata(reader, TENANT, method);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Metadata;
      const names = body.tables.map((t) => t.name);
      assert.ok(names.includes('SigninLogs') && names.includes('AuditLogs'), names.join(','));
      assert.ok(!names.includes('AADCustomSecurityAttributeAuditLogs'), 'a Global Reader cannot read it');
      const signIns = body.tables.find((t) => t.name === 'SigninLogs')!;
      assert.equal(signIns.timespanColumn, 'TimeGenerated');
      assert.deepEqual(
        signIns.columns,
        LA_TABLES.SigninLogs!.map((c) => ({ name: c.name, type: c.type })),
      );
      assert.ok(signIns.columns.some((c) => c.name === 'LocationDetails' && c.type === 'dynamic'));
      assert.equal(body.workspaces[0]!.id, TENANT);
      assert.deepEqual(
        body.queries.map((q) => [q.id, q.displayName, q.body]),
        [['q1', 'Sign-ins', 'SigninLogs | take 1']],
      );
    }
  });

  it('gives the attribute-log roles only their table, as the query API does', async () => {
    const body = (await (await metadata(attributeReader)).json()) as Metadata;
    assert.deepEqual(
      body.tables.map((t) => t.name),
      ['AADCustomSecurityAttributeAuditLogs'],
    );
  });

  it("answers another tenant's workspace with LA's WorkspaceNotFoundError", async () => {
    const res = await metadata(reader, OTHER);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string; message: string; correlationId: string } };
    assert.equal(body.error.code, 'WorkspaceNotFoundError');
    assert.match(body.error.message, new RegExp(OTHER));
    assert.ok(body.error.correlationId);
  });

  it("refuses ingest keys (403) and requests without a key (401) in LA's shape", async () => {
    const ingest = await server.key(['ingest'], TENANT);
    const refused = await metadata(ingest);
    assert.equal(refused.status, 403);
    assert.equal(
      ((await refused.json()) as { error: { code: string } }).error.code,
      'InsufficientAccessError',
    );
    const anonymous = await fetch(`${server.url}/v1/workspaces/${TENANT}/metadata`);
    assert.equal(anonymous.status, 401);
    assert.equal(
      ((await anonymous.json()) as { error: { code: string } }).error.code,
      'AuthorizationRequiredError',
    );
  });
});
