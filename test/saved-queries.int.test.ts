/**
 * /api/v1/savedQueries: the Logs page's shared queries, on a real server and DuckDB. Each endpoint:
 * the happy path, bad input (Graph's error shape, nothing changed) and who may do what.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers/server.ts';

const TENANT = '88888888-8888-4888-8888-888888888888';
const OTHER = '99999999-9999-4999-8999-999999999999';

type SavedQuery = {
  id: string;
  displayName: string;
  query: string;
  description: string | null;
  category: string | null;
  savedBy: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
};

describe('saved queries API', () => {
  let server: TestServer;
  let admin: string;
  let secAdmin: string;
  let reader: string;
  let attributeReader: string;
  let ingest: string;
  let otherAdmin: string;

  const put = (id: string, body: unknown, key = admin) =>
    server.send('PUT', `/api/v1/savedQueries/${id}`, body, key);
  const list = async (key = reader) => {
    const res = await server.get('/api/v1/savedQueries', key);
    assert.equal(res.status, 200);
    return ((await res.json()) as { value: SavedQuery[] }).value;
  };
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

  before(async () => {
    server = await startTestServer();
    admin = await server.key(['Global Administrator'], TENANT);
    secAdmin = await server.key(['Security Administrator'], TENANT);
    reader = await server.key(['Security Reader'], TENANT);
    attributeReader = await server.key(['Attribute Log Reader'], TENANT);
    ingest = await server.key(['ingest'], TENANT);
    otherAdmin = await server.key(['Global Administrator'], OTHER);
  });
  after(async () => {
    await server.close();
  });

  it('saves a query (201), reads it back, lists it for readers, and replaces it (200)', async () => {
    const body = {
      displayName: 'Failed sign-ins by user',
      query: 'SigninLogs\n| where ResultType != "0"\n| summarize count() by UserPrincipalName',
      description: 'Who fails to sign in',
      category: 'Sign-ins',
    };
    const created = await put('failed-by-user', body);
    assert.equal(created.status, 201);
    const saved = (await created.json()) as SavedQuery;
    assert.equal(saved.id, 'failed-by-user');
    assert.equal(saved.displayName, body.displayName);
    assert.equal(saved.query, body.query, 'the query text is kept exactly, newlines included');
    assert.equal(saved.description, body.description);
    assert.equal(saved.category, body.category);
    assert.match(saved.createdDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const got = await server.get('/api/v1/savedQueries/failed-by-user', reader);
    assert.equal(got.status, 200);
    assert.deepEqual(await got.json(), saved);
    // Every reader of the workspace sees the tenant's shared queries, the attribute-log roles too.
    assert.deepEqual(
      (await list(reader)).map((q) => q.id),
      ['failed-by-user'],
    );
    assert.deepEqual(
      (await list(attributeReader)).map((q) => q.id),
      ['failed-by-user'],
    );

    const replaced = await put(
      'failed-by-user',
      { displayName: 'Failures', query: 'SigninLogs | take 5' },
      secAdmin,
    );
    assert.equal(replaced.status, 200);
    const after = (await replaced.json()) as SavedQuery;
    assert.equal(after.displayName, 'Failures');
    assert.equal(after.query, 'SigninLogs | take 5');
    assert.equal(after.description, null, 'a field left out is cleared, as PUT replaces');
    assert.equal(after.createdDateTime, saved.createdDateTime);
    assert.equal((await list()).length, 1);
  });

  it('lists by display name', async () => {
    await put('zz', { displayName: 'audit changes', query: 'AuditLogs | take 10' });
    await put('aa', { displayName: 'Zeta', query: 'AuditLogs | count' });
    assert.deepEqual(
      (await list()).map((q) => q.displayName),
      ['audit changes', 'Failures', 'Zeta'],
    );
  });

  it('refuses bad bodies and ids in Graph’s error shape, and changes nothing', async () => {
    const before = await list();
    const bad: Array<[string, unknown, RegExp]> = [
      ['x1', '{not json', /JSON object/],
      ['x2', { query: 'SigninLogs' }, /displayName/],
      ['x3', { displayName: 'No query' }, /query/],
      ['x4', { displayName: '   ', query: 'SigninLogs' }, /displayName' is blank/],
      ['x5', { displayName: 'Blank', query: ' \n ' }, /query' is blank/],
      ['x6', { displayName: 'Extra', query: 'SigninLogs', owner: 'me' }, /./],
      ['x7', { displayName: 7, query: 'SigninLogs' }, /displayName/],
      ['x8', { displayName: 'x'.repeat(257), query: 'SigninLogs' }, /displayName/],
      ['x9', [1, 2], /./],
      ['.hidden', { displayName: 'Bad id', query: 'SigninLogs' }, /saved query id/],
      ['bad%20id', { displayName: 'Bad id', query: 'SigninLogs' }, /saved query id/],
    ];
    for (const [id, body, message] of bad) {
      await assertGraphError(await put(id, body), 400, 'BadRequest', message);
    }
    // Longer than a path parameter may be: refused before routing, in the same shape.
    await assertGraphError(
      await put('a'.repeat(101), { displayName: 'Long', query: 'x' }),
      414,
      'RequestUriTooLong',
    );
    // An existing query is not touched by a bad replacement either.
    await assertGraphError(await put('aa', { displayName: '', query: 'x' }), 400, 'BadRequest');
    assert.deepEqual(await list(), before);
  });

  it('answers 404 for a query that does not exist (read and delete)', async () => {
    await assertGraphError(await server.get('/api/v1/savedQueries/nope', reader), 404, 'NotFound', /nope/);
    await assertGraphError(
      await server.send('DELETE', '/api/v1/savedQueries/nope', undefined, admin),
      404,
      'NotFound',
    );
    await assertGraphError(await server.get('/api/v1/savedQueries/bad%20id', reader), 400, 'BadRequest');
  });

  it('deletes a query (204) for writers only', async () => {
    await assertGraphError(
      await server.send('DELETE', '/api/v1/savedQueries/zz', undefined, reader),
      403,
      'Authorization_RequestDenied',
    );
    assert.ok(
      (await list()).some((q) => q.id === 'zz'),
      'a refused delete leaves it',
    );
    const res = await server.send('DELETE', '/api/v1/savedQueries/zz', undefined, secAdmin);
    assert.equal(res.status, 204);
    assert.ok(!(await list()).some((q) => q.id === 'zz'));
  });

  it('lets only Global and Security Administrators save; readers, ingest keys and no key are refused', async () => {
    const before = await list();
    const body = { displayName: 'Sneaky', query: 'SigninLogs' };
    await assertGraphError(await put('sneaky', body, reader), 403, 'Authorization_RequestDenied');
    await assertGraphError(await put('sneaky', body, attributeReader), 403, 'Authorization_RequestDenied');
    await assertGraphError(await put('sneaky', body, ingest), 403, 'Authorization_RequestDenied');
    await assertGraphError(
      await server.send('PUT', '/api/v1/savedQueries/sneaky', body, null),
      401,
      'InvalidAuthenticationToken',
    );
    await assertGraphError(
      await server.get('/api/v1/savedQueries', ingest),
      403,
      'Authorization_RequestDenied',
    );
    await assertGraphError(await server.get('/api/v1/savedQueries', null), 401, 'InvalidAuthenticationToken');
    assert.deepEqual(await list(), before);
  });

  it('keeps tenants apart: another tenant neither sees, reads, replaces nor deletes them', async () => {
    assert.deepEqual(await list(otherAdmin), []);
    await assertGraphError(await server.get('/api/v1/savedQueries/aa', otherAdmin), 404, 'NotFound');
    await assertGraphError(
      await server.send('DELETE', '/api/v1/savedQueries/aa', undefined, otherAdmin),
      404,
      'NotFound',
    );
    // The same id in another tenant is that tenant's own query.
    assert.equal((await put('aa', { displayName: 'Theirs', query: 'AuditLogs' }, otherAdmin)).status, 201);
    const mine = (await list()).find((q) => q.id === 'aa')!;
    assert.equal(mine.displayName, 'Zeta');
    assert.equal(mine.query, 'AuditLogs | count');
    assert.deepEqual(
      (await list(otherAdmin)).map((q) => q.displayName),
      ['Theirs'],
    );
  });
});
