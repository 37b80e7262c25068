/**
 * Downloads whose batches are shaped in worker threads (IDTRAIL_EXPORT_WORKERS), against a real
 * server and DuckDB: the JSON body is the Graph walk of the same filter (beta shape, same order),
 * the CSV holds the same records in the same order, and a caller without a Conditional Access role
 * gets no Conditional Access details from the workers either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { populate, walkGraph } from './portal/populate.ts';

describe('downloads shaped by worker threads', () => {
  let server: TestServer;
  before(async () => {
    // Default chunks (5,000 rows): DuckDB hands over vectors of up to 2,048 records, batches
    // large enough to go to the workers.
    server = await startTestServer({ exportWorkers: 2 });
    await populate(server, 200, 24);
  });
  after(async () => server?.close());

  const filter = "signInEventTypes/any(t: t eq 'nonInteractiveUser')";

  it('JSON is the Graph walk of the same filter, CSV the same records in order', async () => {
    const graph = await walkGraph(server, '/beta/auditLogs/signIns', filter);
    assert.ok(graph.length > 1000, `needs batches for the workers, got ${graph.length} records`);
    const json = await server.get(`/api/v1/export/signIns?format=json&$filter=${encodeURIComponent(filter)}`);
    assert.equal(json.status, 200);
    assert.deepEqual(
      await json.json(),
      graph.map(({ ['@odata.type']: _, ...r }) => r),
    );
    const csv = await server.get(`/api/v1/export/signIns?format=csv&$filter=${encodeURIComponent(filter)}`);
    const rows = parse(await csv.text(), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(
      rows.map((r) => r.id),
      graph.map((r) => r.id),
    );
  });

  it('merges the sign-in kinds a filter names, newest first, as the Graph walk does', async () => {
    const kinds = "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')";
    const graph = await walkGraph(server, '/beta/auditLogs/signIns', kinds);
    const res = await server.get(`/api/v1/export/signIns?format=json&$filter=${encodeURIComponent(kinds)}`);
    const body = (await res.json()) as Array<Record<string, unknown>>;
    assert.equal(Number(res.headers.get('idtrail-record-count')), graph.length);
    assert.deepEqual(
      body.map((r) => r.id),
      graph.map((r) => r.id),
    );
  });

  it('leaves Conditional Access details out for a Reports Reader', async () => {
    const reader = await server.key(['Reports Reader']);
    const graph = await walkGraph(server, '/beta/auditLogs/signIns', filter, reader);
    const res = await server.get(
      `/api/v1/export/signIns?format=json&$filter=${encodeURIComponent(filter)}`,
      reader,
    );
    const body = (await res.json()) as Array<Record<string, unknown>>;
    assert.equal(body.length, graph.length);
    assert.ok(body.every((r) => !('appliedConditionalAccessPolicies' in r)));
    assert.deepEqual(
      body,
      graph.map(({ ['@odata.type']: _, ...r }) => r),
    );
  });
});
