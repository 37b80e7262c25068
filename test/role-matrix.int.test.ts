/**
 * docs/role-matrix.md is the specification: every cell is checked against a running server with a
 * key holding just that role (or no key), and every route the server registers must have a row.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseRole, type RoleName } from '../src/registry/roles.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const TENANT = '77777777-7777-4777-8777-777777777777';

interface Row {
  method: string;
  path: string;
  /** Column header → allowed. */
  cells: Map<string, boolean>;
}

function readMatrix(): { columns: string[]; rows: Row[] } {
  const lines = readFileSync(new URL('../docs/role-matrix.md', import.meta.url), 'utf8').split('\n');
  const split = (l: string) =>
    l
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  const header = lines.findIndex((l) => l.startsWith('| Endpoint |'));
  assert.ok(header >= 0, 'the matrix table');
  const columns = split(lines[header]!).slice(1);
  const rows: Row[] = [];
  for (const l of lines.slice(header + 2)) {
    if (!l.startsWith('|')) break;
    const [endpoint, ...cells] = split(l);
    const m = /^`(GET|POST|PUT|DELETE|PATCH) (\S+)`$/.exec(endpoint!);
    assert.ok(m, `an endpoint cell: ${endpoint}`);
    assert.equal(cells.length, columns.length, `${endpoint}: one cell per column`);
    rows.push({ method: m[1]!, path: m[2]!, cells: new Map(columns.map((c, i) => [c, cells[i] === '✓'])) });
  }
  return { columns, rows };
}

const SAMPLES: Record<string, string> = {
  id: 'no-such-id',
  category: 'SignInLogs',
  keyId: 'no-such-key',
  workspaceId: TENANT,
  name: 'matrix',
  file: 'index.html',
  alias: 'no-such-watchlist',
};
const BODIES: Record<string, string> = {
  'POST /api/v1/keys': JSON.stringify({ roles: ['Reports Reader'], name: 'matrix' }),
  'PUT /api/v1/retention/{category}': JSON.stringify({ days: 90 }),
  'POST /api/v1/ingest/{category}': '[]',
  'PUT /api/v1/destinations/{name}': JSON.stringify({ type: 'webhook', url: 'http://127.0.0.1:9/hook' }),
  'PUT /api/v1/diagnosticSettings/{name}': JSON.stringify({ properties: { logs: [] } }),
  'PUT /api/v1/watchlists/{alias}': JSON.stringify({
    properties: {
      displayName: 'Matrix',
      provider: 'Custom',
      source: 'matrix.csv',
      itemsSearchKey: 'UserPrincipalName',
      rawContent: 'UserPrincipalName\nceo@contoso.com\n',
      contentType: 'text/csv',
    },
  }),
  'POST /v1/workspaces/{workspaceId}/query': JSON.stringify({ query: 'datatable(x:long)[1] | take 1' }),
};
const pattern = (p: string) => p.replace(/\{[^}]+\}|:[A-Za-z]+/g, ':p');

describe('role matrix (docs/role-matrix.md)', () => {
  const { columns, rows } = readMatrix();
  let server: TestServer;
  const keys = new Map<string, string | null>();

  before(async () => {
    server = await startTestServer();
    for (const c of columns) {
      if (c === 'no key') keys.set(c, null);
      else {
        const role = parseRole(c);
        assert.ok(role, `column ${c} names a role`);
        keys.set(c, await server.key([role as RoleName], TENANT));
      }
    }
  });
  after(async () => {
    await server.close();
  });

  it('lists every route the server registers', () => {
    const documented = new Set(rows.map((r) => `${r.method} ${pattern(r.path)}`));
    // A parameterised route is covered by its pattern, or by rows for each value it takes.
    const concrete = rows.map((r) => `${r.method} ${r.path}`);
    const covered = (method: string, url: string) =>
      documented.has(`${method} ${pattern(url)}`) ||
      concrete.some((c) => new RegExp(`^${method} ${url.replace(/:[A-Za-z]+/g, '[^/{}]+')}$`).test(c)) ||
      // The portal's built files (hashed names): the `{file}` row.
      (method === 'GET' && /^\/(index\.html|assets\/.+)$/.test(url) && documented.has('GET /:p'));
    const missing = server.running.app.idtrailRoutes
      .map((r) => [r.method, r.url] as const)
      .filter(([m, u]) => !covered(m, u))
      .map(([m, u]) => `${m} ${u}`);
    assert.deepEqual(missing, [], 'routes without a row in docs/role-matrix.md');
  });

  for (const row of rows) {
    it(`${row.method} ${row.path}`, async () => {
      let url = row.path.replace(/\{([^}]+)\}/g, (_, name: string) => SAMPLES[name] ?? 'x');
      if (row.method === 'GET' && url.endsWith('/query'))
        url += `?query=${encodeURIComponent('datatable(x:long)[1]')}`;
      const body = BODIES[`${row.method} ${row.path}`];
      for (const [column, allowed] of row.cells) {
        const key = keys.get(column)!;
        const res = await fetch(`${server.url}${url}`, {
          method: row.method,
          headers: {
            ...(key ? { authorization: `Bearer ${key}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body } : {}),
        });
        await res.arrayBuffer();
        if (allowed) {
          assert.ok(res.status !== 401 && res.status !== 403, `${column}: allowed, got ${res.status}`);
        } else {
          assert.equal(res.status, key ? 403 : 401, `${column}: refused`);
        }
      }
    });
  }
});
