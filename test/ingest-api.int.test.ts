/** POST /api/v1/ingest/{category}, the keys API and the catalog: happy paths, errors and security. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { verifyChain } from '../src/security/verify.ts';
import { directoryAudit, interactiveSignIn } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const signIns = (prefix: string, n: number): Rec[] =>
  Array.from({ length: n }, (_, i) => ({ ...interactiveSignIn, id: `${prefix}-${i}` }));

function assertGraphError(body: Rec, code: string) {
  const error = body.error as Rec;
  assert.ok(error, `not a Graph error: ${JSON.stringify(body)}`);
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  const inner = error.innerError as Rec;
  assert.match(String(inner.date), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.equal(typeof inner['request-id'], 'string');
}

describe('ingest API', () => {
  let server: TestServer;
  const SignInLogs = logType('SignInLogs');
  before(async () => {
    server = await startTestServer({ bodyLimit: 2 * 1024 * 1024 });
  });
  after(async () => {
    await server.close();
  });

  describe('happy path', () => {
    it('stores a batch and answers with sequence numbers after the commit', async () => {
      const res = await server.post('/api/v1/ingest/SignInLogs', signIns('happy', 3));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { accepted: 3, duplicates: 0, firstSeq: 1, lastSeq: 3 });
      assert.ok(res.headers.get('request-id'));
      assert.equal(await server.running.store.count(SignInLogs, DEFAULT_TENANT), 3);
    });

    it('a replayed batch stores nothing twice', async () => {
      const batch = signIns('replay', 4);
      const first = await (await server.post('/api/v1/ingest/SignInLogs', batch)).json();
      const again = await (await server.post('/api/v1/ingest/SignInLogs', batch)).json();
      assert.equal((first as Rec).accepted, 4);
      assert.deepEqual(again, { accepted: 0, duplicates: 4, firstSeq: null, lastSeq: null });
      // Half old, half new, plus a duplicate inside the batch itself.
      const mixed = [...batch.slice(0, 2), ...signIns('replay-new', 2), signIns('replay-new', 1)[0]!];
      assert.deepEqual(await (await server.post('/api/v1/ingest/signinlogs', mixed)).json(), {
        accepted: 2,
        duplicates: 3,
        firstSeq: 8,
        lastSeq: 9,
      });
    });

    it('concurrent requests are grouped and every chain still verifies', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, c) =>
          server.post('/api/v1/ingest/SignInLogs', signIns(`conc-${c}`, 50)),
        ),
      );
      for (const r of results) assert.equal(r.status, 200);
      const seqs = (await Promise.all(results.map((r) => r.json() as Promise<Rec>))).map((b) => [
        b.firstSeq,
        b.lastSeq,
      ]);
      const flat = seqs.flatMap(([a, b]) => [a as number, b as number]).sort((a, b) => a - b);
      // Twelve disjoint runs of 50.
      for (const [a, b] of seqs) assert.equal((b as number) - (a as number), 49);
      assert.equal(new Set(flat).size, 24);
      const report = await verifyChain(server.running.store, SignInLogs, DEFAULT_TENANT);
      assert.equal(report.ok, true);
      assert.equal(report.records, await server.running.store.count(SignInLogs, DEFAULT_TENANT));
    });

    it('counts stored records in /metrics', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const m = /idtrail_ingested_records_total\{category="SignInLogs"\} (\d+)/.exec(text);
      assert.ok(m);
      assert.equal(Number(m[1]), await server.running.store.count(SignInLogs));
      assert.match(text, /idtrail_commit_duration_seconds_count \d+/);
    });

    it('serves the catalog and the categories', async () => {
      const catalog = (await (await server.get('/api/v1/catalog?service=Core%20Directory')).json()) as Rec;
      const rows = catalog.value as Rec[];
      assert.ok(rows.length > 100);
      assert.ok(rows.every((r) => r.service === 'Core Directory'));
      assert.ok(rows.some((r) => r.activity === 'Add user' && r.category === 'UserManagement'));
      const cats = (await (await server.get('/api/v1/categories')).json()) as { value: Rec[] };
      assert.equal(cats.value.length, 16);
    });

    it('reports healthy', async () => {
      const res = await fetch(`${server.url}/healthz`);
      assert.deepEqual(await res.json(), { status: 'ok', store: 'duckdb' });
    });
  });

  describe('errors', () => {
    it('an invalid batch is refused whole with pointers, and nothing is stored', async () => {
      const before = await server.running.store.count(SignInLogs);
      const batch = [
        ...signIns('bad', 2),
        { ...interactiveSignIn, id: 'bad-x', status: { errorCode: 'no' } },
      ];
      const res = await server.post('/api/v1/ingest/SignInLogs', batch);
      assert.equal(res.status, 400);
      const body = (await res.json()) as Rec;
      assertGraphError(body, 'BadRequest');
      assert.deepEqual((body.error as Rec).details, [
        { index: 2, pointer: '/status/errorCode', message: 'must be an integer or null' },
      ]);
      assert.equal(await server.running.store.count(SignInLogs), before);
      // The valid records of the refused batch were not half-stored: sending them now stores them.
      const ok = (await (await server.post('/api/v1/ingest/SignInLogs', signIns('bad', 2))).json()) as Rec;
      assert.equal(ok.accepted, 2);
    });

    it('large bodies, prepared on a worker thread, are refused and accepted exactly as small ones', async () => {
      const batch = signIns('big-worker', 40); // ~100 KB: above the worker threshold
      const bad = [
        ...batch.slice(0, 39),
        { ...batch[39]!, location: { geoCoordinates: { latitude: 'north' } } },
      ];
      const res = await server.post('/api/v1/ingest/SignInLogs', bad);
      assert.equal(res.status, 400);
      assert.deepEqual(((await res.json()) as { error: { details: Rec[] } }).error.details, [
        { index: 39, pointer: '/location/geoCoordinates/latitude', message: 'must be a number or null' },
      ]);
      const garbage = await server.post('/api/v1/ingest/SignInLogs', `[${'{"id":"x"},'.repeat(5000)}`);
      assert.equal(garbage.status, 400);
      const ok = (await (await server.post('/api/v1/ingest/SignInLogs', batch)).json()) as Rec;
      assert.equal(ok.accepted, 40);
    });

    it('unparseable bodies, empty batches and unknown categories', async () => {
      const garbage = await server.post('/api/v1/ingest/SignInLogs', '{"id":', server.adminKey);
      assert.equal(garbage.status, 400);
      assertGraphError((await garbage.json()) as Rec, 'BadRequest');
      const empty = await server.post('/api/v1/ingest/SignInLogs', []);
      assert.equal(empty.status, 400);
      const unknown = await server.post('/api/v1/ingest/NoSuchLogs', signIns('u', 1));
      assert.equal(unknown.status, 404);
      assertGraphError((await unknown.json()) as Rec, 'NotFound');
    });

    it('an audit record outside the catalog is refused in strict mode', async () => {
      const res = await server.post('/api/v1/ingest/AuditLogs', [
        { ...directoryAudit, activityDisplayName: 'Summon dragons' },
      ]);
      assert.equal(res.status, 400);
      const details = ((await res.json()) as { error: { details: Rec[] } }).error.details;
      assert.equal(details[0]!.pointer, '/activityDisplayName');
    });

    it('bodies over the size limit answer 413', async () => {
      const big = signIns('big', 1200); // ~2.6 MB > 2 MiB limit
      const res = await server.post('/api/v1/ingest/SignInLogs', big);
      assert.equal(res.status, 413);
      assertGraphError((await res.json()) as Rec, 'RequestEntityTooLarge');
    });
  });

  describe('security', () => {
    it('no key or a bad key is 401', async () => {
      const none = await server.post('/api/v1/ingest/SignInLogs', signIns('sec', 1), null);
      assert.equal(none.status, 401);
      assertGraphError((await none.json()) as Rec, 'InvalidAuthenticationToken');
      const bad = await server.post('/api/v1/ingest/SignInLogs', signIns('sec', 1), 'idt_not-a-key');
      assert.equal(bad.status, 401);
      const catalog = await server.get('/api/v1/catalog', null);
      assert.equal(catalog.status, 401);
    });

    it('a reader cannot ingest, an ingest key cannot manage keys: 403', async () => {
      const reader = await server.key(['Security Reader']);
      const res = await server.post('/api/v1/ingest/SignInLogs', signIns('sec', 1), reader);
      assert.equal(res.status, 403);
      assertGraphError((await res.json()) as Rec, 'Authorization_RequestDenied');
      const writer = await server.key(['ingest']);
      const keys = await server.post('/api/v1/keys', { roles: ['Global Reader'] }, writer);
      assert.equal(keys.status, 403);
    });

    it("a key's tenant decides where records go; tenants have separate chains", async () => {
      const other = await server.key(['ingest'], '22222222-2222-2222-2222-222222222222');
      const res = await server.post('/api/v1/ingest/SignInLogs', signIns('tenant2', 2), other);
      assert.deepEqual(await res.json(), { accepted: 2, duplicates: 0, firstSeq: 1, lastSeq: 2 });
      assert.equal(await server.running.store.count(SignInLogs, '22222222-2222-2222-2222-222222222222'), 2);
      // The same ids in another tenant are not duplicates of these.
      const again = (await (
        await server.post('/api/v1/ingest/SignInLogs', signIns('tenant2', 2))
      ).json()) as Rec;
      assert.equal(again.accepted, 2);
    });

    it('keys: create, use, list without secrets, revoke', async () => {
      const created = await server.post('/api/v1/keys', { roles: ['ingest'], name: 'collector' });
      assert.equal(created.status, 201);
      const { key, keyId } = (await created.json()) as { key: string; keyId: string };
      assert.equal((await server.post('/api/v1/ingest/SignInLogs', signIns('k', 1), key)).status, 200);
      const list = (await (await server.get('/api/v1/keys')).json()) as { value: Rec[] };
      const row = list.value.find((k) => k.keyId === keyId)!;
      assert.equal(row.name, 'collector');
      assert.ok(!JSON.stringify(list).includes(key), 'secrets are never listed');
      assert.equal('hash' in row, false);
      const del = await fetch(`${server.url}/api/v1/keys/${keyId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${server.adminKey}` },
      });
      assert.equal(del.status, 204);
      assert.equal((await server.post('/api/v1/ingest/SignInLogs', signIns('k2', 1), key)).status, 401);
      const badRole = await server.post('/api/v1/keys', { roles: ['Supreme Leader'] });
      assert.equal(badRole.status, 400);
    });
  });
});
