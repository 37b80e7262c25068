import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { interactiveSignIn } from '../../../../test/fixtures/samples.ts';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.ts';
import { pageOf } from '../../../query/cursor.ts';
import { buildODataQuery } from '../../../query/odata/query.ts';
import type { Query } from '../../../query/plan.ts';
import { readPage } from '../../../query/sql/read-page.ts';
import { logType } from '../../../registry/log-types.ts';
import { DEFAULT_TENANT } from '../../../security/api-keys.ts';
import { newestFirst, windowsFor } from './newest-first.ts';

const HOUR = 3_600_000;
const NEWEST = Date.UTC(2026, 9, 1, 12);
const SignInLogs = logType('SignInLogs');

/** Every page of a query, walked by keyset with `read`: the ids in order. */
async function walk(read: (q: Query) => Promise<Array<{ id: string; t: string }>>, query: Query) {
  const ids: string[] = [];
  let q = query;
  for (;;) {
    const page = pageOf(await read(q), q.limit, 'desc');
    ids.push(...page.rows.map((r) => r.id));
    if (!page.next) return ids;
    q = { ...query, after: page.next };
  }
}

describe('newest-first pages in learned time windows', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    // A dense minute at the newest end, then one sign-in an hour for 300 hours: a span learned
    // in the dense part is far too small for the sparse part.
    const records = [
      ...Array.from({ length: 400 }, (_, i) => NEWEST - i * 150),
      ...Array.from({ length: 300 }, (_, i) => NEWEST - 60_000 - i * HOUR - (i % 7) * 1000),
    ].map((t, i) => ({
      ...interactiveSignIn,
      id: `nf-${String(i).padStart(4, '0')}`,
      createdDateTime: new Date(t).toISOString(),
      appDisplayName: i % 4 === 0 ? 'Salesforce' : 'Microsoft Teams',
    }));
    const res = await server.post('/api/v1/ingest/SignInLogs', records);
    assert.equal(res.status, 200, await res.text());
  });
  after(async () => {
    await server.close();
  });

  it('gives the pages of a plain keyset read, the first time and once windows are learned', async () => {
    const store = server.running.store;
    for (const filter of [undefined, "startswith(appDisplayName,'Sales')", "appDisplayName eq 'nobody'"]) {
      const params: Record<string, string> = { $top: '25' };
      if (filter) params.$filter = filter;
      const { query } = buildODataQuery(SignInLogs, params, { version: 'v1.0' });
      const expected = await walk((q) => readPage(store, q, DEFAULT_TENANT), query);
      // Twice: the second walk starts every page from the span the first walk learned.
      for (let round = 0; round < 2; round++) {
        const got = await walk((q) => newestFirst(store, q, DEFAULT_TENANT), query);
        assert.deepEqual(got, expected, `${filter ?? 'no filter'}, walk ${round + 1}`);
      }
    }
  });

  it('starts from twice the learned span, never below 10 s, and widens by 8 up to the defaults', () => {
    assert.deepEqual(
      windowsFor(undefined).map((w) => w / HOUR),
      [1, 8, 64, 512, 4096],
    );
    const w = windowsFor(30_000);
    assert.equal(w[0], 60_000);
    assert.equal(w[1], 480_000);
    assert.ok(w[w.length - 1]! >= 512 * HOUR, 'reaches the default widest bounded window');
    assert.equal(windowsFor(0)[0], 10_000);
  });
});
