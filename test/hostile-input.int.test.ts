/**
 * Hostile input: injection through OData literals, identifiers and options; path traversal and
 * odd ids in paths; header tricks; prototype-polluting and oversized JSON; and cross-tenant access
 * through every Graph resource and the key routes. Each is refused cleanly (Graph's error shape)
 * and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GRAPH_RESOURCES } from '../src/api/routes/graph/resources.ts';
import { logType } from '../src/registry/log-types.ts';
import { interactiveSignIn, SAMPLES } from './fixtures/samples.ts';
import { ADMIN_SECRET, startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const A = 'a0000000-0000-4000-8000-00000000000a';
const B = 'b0000000-0000-4000-8000-00000000000b';

describe('hostile input', () => {
  let server: TestServer;
  const readers = new Map<string, string>();
  const admins = new Map<string, string>();
  const get = async (path: string, key: string | null, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    });
    const text = await res.text();
    let body: Rec = {};
    try {
      body = JSON.parse(text) as Rec;
    } catch {}
    return { res, body };
  };
  const signInCount = () => server.running.store.count(logType('SignInLogs'));

  before(async () => {
    server = await startTestServer({ bodyLimit: 1024 * 1024 });
    for (const tenant of [A, B]) {
      const writer = await server.key(['ingest'], tenant);
      for (const [category, record] of Object.entries(SAMPLES)) {
        const res = await server.post(`/api/v1/ingest/${category}`, [record], writer);
        assert.equal(res.status, 200, `${category}: ${await res.text()}`);
      }
      readers.set(tenant, await server.key(['Security Reader', 'Attribute Log Reader'], tenant));
      admins.set(tenant, await server.key(['Global Administrator'], tenant));
    }
  });
  after(async () => {
    await server.close();
  });

  const injections = [
    "x' OR 1=1 --",
    "x'); DROP TABLE sign_in_logs; --",
    "x'' OR ''1''=''1",
    'x" OR "1"="1',
    "x\\' OR 1=1",
    'x%27%20OR%201%3D1',
    "x' UNION SELECT record FROM api_keys --",
    'ﾟ\u0000x',
  ];

  it('OData literals carry injection attempts as plain values: no rows, no harm', async () => {
    const before = await signInCount();
    for (const value of injections) {
      const literal = `'${value.replaceAll("'", "''")}'`;
      for (const filter of [
        `userPrincipalName eq ${literal}`,
        `startswith(appDisplayName, ${literal})`,
        `status/errorCode eq 0 and ipAddress eq ${literal}`,
      ]) {
        const { res, body } = await get(
          `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`,
          readers.get(A)!,
        );
        assert.equal(res.status, 200, `${filter}: ${JSON.stringify(body)}`);
        assert.deepEqual(body.value, [], filter);
      }
    }
    assert.equal(await signInCount(), before);
    assert.ok((await server.running.store.listKeys()).length >= 4, 'keys intact');
  });

  it('malformed OData (identifiers, operators, options, cursors) is refused with 400 in Graph’s shape', async () => {
    const bad = [
      "$filter=userPrincipalName'); DROP TABLE x;-- eq 'a'",
      '$filter=record eq 1',
      "$filter=tenant eq 'b0000000-0000-4000-8000-00000000000b'",
      '$filter=1 eq 1; SELECT 1',
      "$filter=userPrincipalName eq 'unterminated",
      '$orderby=createdDateTime; DROP TABLE x',
      '$orderby=record desc',
      '$select=id,record',
      '$select=*,tenant',
      '$top=1; DROP TABLE x',
      '$top=-1',
      '$skiptoken=%27%20OR%201%3D1',
      '$skiptoken=eyJ0IjoiMjAyNi0wMS0wMSIsImlkIjoiJyBPUiAxPTEiLCJkaXIiOiJkZXNjIn0',
      '$expand=*',
    ];
    for (const q of bad) {
      const { res, body } = await get(`/v1.0/auditLogs/signIns?${q.replace(/ /g, '%20')}`, readers.get(A)!);
      assert.equal(res.status, 400, `${q}: ${res.status} ${JSON.stringify(body)}`);
      const error = body.error as Rec;
      assert.equal(typeof error.message, 'string');
      assert.ok((error.innerError as Rec)['request-id'], q);
    }
  });

  it('odd ids and traversal in paths answer 404, never another record or a file', async () => {
    for (const id of ["' OR 1=1 --", '..%2F..%2F..%2Fetc%2Fpasswd', '%00', '*', '%25', 'a'.repeat(5000)]) {
      const { res, body } = await get(`/v1.0/auditLogs/signIns/${encodeURIComponent(id)}`, readers.get(A)!);
      // 414 for the id longer than a path parameter may be.
      assert.ok(
        res.status === 404 || (res.status === 414 && id.length > 1000),
        `${id.slice(0, 40)}: ${res.status}`,
      );
      assert.ok((body.error as Rec).code);
    }
    const trav = await get('/v1.0/auditLogs/../../api/v1/keys', readers.get(A)!);
    assert.notEqual(trav.res.status, 200);
    const cat = await fetch(`${server.url}/api/v1/retention/..%2F..%2Fetc%2Fpasswd`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admins.get(A)}`, 'content-type': 'application/json' },
      body: '{"days":1}',
    });
    assert.equal(cat.status, 404);
  });

  it('headers: client-request-id is echoed only as itself; oversized headers are refused', async () => {
    const odd = 'id with spaces; and=signs, "quotes" <tags>';
    const { res } = await get('/v1.0/auditLogs/signIns?$top=1', readers.get(A)!, {
      'client-request-id': odd,
    });
    assert.equal(res.headers.get('client-request-id'), odd);
    assert.equal(res.headers.get('set-cookie'), null);
    const huge = await get('/v1.0/auditLogs/signIns', readers.get(A)!, { 'x-filler': 'a'.repeat(20_000) });
    assert.equal(huge.res.status, 431);
    assert.equal((huge.body.error as Rec).code, 'RequestHeaderFieldsTooLarge');
    for (const auth of [
      'Bearer',
      'Bearer  ',
      'Basic YWRtaW46YWRtaW4=',
      `Bearer ${ADMIN_SECRET} extra`,
      'Bearer a.b.c',
    ]) {
      const r = await fetch(`${server.url}/v1.0/auditLogs/signIns`, { headers: { authorization: auth } });
      assert.equal(r.status, 401, auth);
    }
  });

  it('JSON: prototype-polluting keys stay data, deep nesting and oversized bodies are refused, nothing stored', async () => {
    const writer = await server.key(['ingest'], 'c0000000-0000-4000-8000-00000000000c');
    const before = await signInCount();
    const polluted = `[{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(
      {
        ...interactiveSignIn,
        id: 'proto-1',
      },
    ).slice(1)}]`;
    const res = await server.post('/api/v1/ingest/SignInLogs', polluted, writer);
    assert.ok(res.status === 200 || res.status === 400, String(res.status));
    assert.equal(({} as Rec).polluted, undefined, 'Object.prototype untouched');
    const deep = `[${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`;
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', deep, writer)).status, 400);
    const big = JSON.stringify(
      Array.from({ length: 2000 }, (_, i) => ({ ...interactiveSignIn, id: `big-${i}` })),
    );
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', big, writer)).status, 413);
    assert.equal(await signInCount(), before + (res.status === 200 ? 1 : 0));
  });

  it('cross-tenant: every Graph resource hides the other tenant’s records, by list and by id', async () => {
    for (const r of GRAPH_RESOURCES) {
      const sample = SAMPLES[r.type.category]!;
      const id = encodeURIComponent(String(sample[r.type.idField]));
      for (const version of r.versions) {
        for (const mine of [A, B]) {
          // Both tenants hold a record with the same id: each sees exactly its own.
          const list = await get(`/${version}${r.path}`, readers.get(mine)!);
          assert.equal(list.res.status, 200, `${version}${r.path}`);
          assert.deepEqual(
            (list.body.value as Rec[]).map((x) => x[r.type.idField]),
            [sample[r.type.idField]],
            `${version}${r.path} for ${mine}`,
          );
          const one = await get(`/${version}${r.path}/${id}`, readers.get(mine)!);
          assert.equal(one.res.status, 200);
        }
      }
    }
    // A record only tenant B has is invisible to A.
    const writerB = await server.key(['ingest'], B);
    await server.post('/api/v1/ingest/SignInLogs', [{ ...interactiveSignIn, id: 'only-in-b' }], writerB);
    assert.equal((await get('/v1.0/auditLogs/signIns/only-in-b', readers.get(A)!)).res.status, 404);
    assert.equal((await get('/v1.0/auditLogs/signIns/only-in-b', readers.get(B)!)).res.status, 200);
    const filtered = await get(
      `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent("id eq 'only-in-b'")}`,
      readers.get(A)!,
    );
    assert.deepEqual(filtered.body.value, []);
  });

  it('cross-tenant: a Global Administrator cannot list or revoke another tenant’s keys', async () => {
    const keysB = (await server.running.store.listKeys(B)).map((k) => k.keyId);
    const listA = (await get('/api/v1/keys', admins.get(A)!)).body.value as Rec[];
    assert.ok(listA.every((k) => k.tenant === A));
    for (const keyId of keysB) {
      const res = await fetch(`${server.url}/api/v1/keys/${keyId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${admins.get(A)}` },
      });
      assert.equal(res.status, 404);
    }
    assert.ok(
      (await server.running.store.listKeys(B)).every((k) => k.revokedAt === null),
      'B’s keys intact',
    );
  });
});

describe('hostile input: KQL and the other doors', () => {
  let server: TestServer;
  const A2 = 'a2000000-0000-4000-8000-0000000000a2';
  const B2 = 'b2000000-0000-4000-8000-0000000000b2';
  const readers = new Map<string, string>();
  const admins = new Map<string, string>();
  const kql = async (tenant: string, query: string, workspace = tenant) => {
    const res = await fetch(`${server.url}/v1/workspaces/${workspace}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readers.get(tenant)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as Rec };
  };
  const rowsOf = (body: Rec) => ((body.tables as Rec[])[0]!.rows as unknown[][]) ?? [];

  before(async () => {
    server = await startTestServer();
    for (const tenant of [A2, B2]) {
      const writer = await server.key(['ingest'], tenant);
      const rec = {
        ...interactiveSignIn,
        id: `kql-${tenant.slice(0, 2)}`,
        userPrincipalName: `user@${tenant.slice(0, 2)}.example`,
      };
      assert.equal((await server.post('/api/v1/ingest/SignInLogs', [rec], writer)).status, 200);
      readers.set(tenant, await server.key(['Security Reader'], tenant));
      admins.set(tenant, await server.key(['Global Administrator', 'Attribute Log Administrator'], tenant));
      const dest = await server.send(
        'PUT',
        `/api/v1/destinations/archive-${tenant.slice(0, 2)}`,
        { type: 'webhook', url: 'http://127.0.0.1:9/x' },
        admins.get(tenant)!,
      );
      assert.equal(dest.status, 201, await dest.text());
    }
  });
  after(async () => {
    await server.close();
  });

  it('KQL string literals carry injection attempts as plain values', async () => {
    for (const v of [
      "x' OR 1=1 --",
      'x\\" OR \\"1\\"=\\"1',
      "'); DROP TABLE sign_in_logs; --",
      'x%27',
    ] as const) {
      for (const q of [
        `SigninLogs | where UserPrincipalName == "${v}"`,
        `SigninLogs | where UserPrincipalName has "${v}" or AppDisplayName startswith "${v}"`,
        `SigninLogs | where UserPrincipalName in ("${v}", "y")`,
      ]) {
        const r = await kql(A2, q);
        assert.ok(r.status === 200 || r.status === 400, `${q}: ${r.status}`);
        if (r.status === 200) assert.deepEqual(rowsOf(r.body), [], q);
      }
    }
    assert.equal(await server.running.store.count(logType('SignInLogs')), 2, 'nothing dropped');
  });

  it('KQL reaches only Log Analytics tables of the caller’s tenant, never the store’s own tables or files', async () => {
    for (const q of [
      'api_keys | take 1',
      'checkpoints | take 1',
      'table("api_keys") | take 1',
      "['api_keys'] | take 1",
      'sign_in_logs | take 1',
      "externaldata (x:string) [@'/etc/passwd'] | take 1",
      'SigninLogs | extend x = read_csv("/etc/passwd") | take 1',
      'SigninLogs | project ["tenant"]',
      'SigninLogs | where tenant != "" | take 1',
      'evaluate python(typeof(*), "print(1)")',
    ]) {
      const r = await kql(A2, q);
      assert.equal(r.status, 400, `${q}: ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.ok((r.body.error as Rec).message, q);
    }
    const mine = await kql(A2, 'SigninLogs | project Id');
    assert.deepEqual(rowsOf(mine.body), [[`kql-${A2.slice(0, 2)}`]]);
    const unioned = await kql(A2, 'union SigninLogs, AADNonInteractiveUserSignInLogs | summarize count()');
    assert.deepEqual(rowsOf(unioned.body), [[1]]);
  });

  it('cross-tenant: another tenant’s workspace, destinations, exports, checkpoints and retention stay out of reach', async () => {
    // The workspace of B with A's key.
    const other = await kql(A2, 'SigninLogs | take 10', B2);
    assert.ok(other.status === 403 || other.status === 404, String(other.status));
    // B's destination by name, with A's administrator.
    const dest = await server.get(`/api/v1/destinations/archive-${B2.slice(0, 2)}`, admins.get(A2)!);
    assert.equal(dest.status, 404);
    const del = await server.send(
      'DELETE',
      `/api/v1/destinations/archive-${B2.slice(0, 2)}`,
      undefined,
      admins.get(A2)!,
    );
    assert.equal(del.status, 404);
    const listed = (await (await server.get('/api/v1/destinations', admins.get(A2)!)).json()) as {
      value: Rec[];
    };
    assert.deepEqual(
      listed.value.map((d) => d.name),
      [`archive-${A2.slice(0, 2)}`],
    );
    // Exports hold only the caller's records.
    const csv = (await (
      await server.get('/api/v1/export/signIns?format=json', readers.get(A2)!)
    ).json()) as Rec[];
    assert.deepEqual(
      csv.map((r) => r.id),
      [`kql-${A2.slice(0, 2)}`],
    );
    // Checkpoints and retention are the caller's.
    await server.running.integrity.checkpoint();
    const cps = (await (await server.get('/api/v1/integrity/checkpoints', readers.get(A2)!)).json()) as {
      checkpoints: Rec[];
    };
    assert.ok(cps.checkpoints.length > 0 && cps.checkpoints.every((c) => c.tenant === A2));
    await server.send('PUT', '/api/v1/retention/SignInLogs', { days: 7 }, admins.get(B2)!);
    const ret = (await (await server.get('/api/v1/retention', readers.get(A2)!)).json()) as { value: Rec[] };
    assert.equal(
      ret.value.find((v) => v.category === 'SignInLogs')!.days,
      30,
      'B’s override does not touch A',
    );
  });
});
