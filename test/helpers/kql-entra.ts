/**
 * The fixed dataset of the realistic Entra KQL queries: one simulated tenant over two days, stored
 * in a real DuckDB as ingest stores it, and the plain-JS helpers the expectations are computed with
 * (from the Graph-shaped records themselves, never from idtrail's LA rows or SQL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runKql } from '../../src/query/kql/run.ts';
import { TestDb } from '../../src/query/sql/test-db.ts';
import { LOG_TYPES, logType } from '../../src/registry/log-types.ts';
import { run } from '../../src/simulate/engine.ts';
import { GENERATORS } from '../../src/simulate/generators/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: raw simulated records, read field by field
export type R = any;
export const TENANT = '88888888-8888-8888-8888-888888888888';
export const FROM = Date.UTC(2026, 5, 1);
export const TO = FROM + 2 * 86_400_000;
export const NOW = new Date(TO);

const data = new Map<string, R[]>();
export const recs = (category: string): R[] => data.get(category) ?? [];
export const signIns = () => recs('SignInLogs');
export const failed = (r: R) => (r.status?.errorCode ?? 0) !== 0;

/** Counts by key, as [key, count] sorted by count desc then key asc. */
export function countBy<T>(rows: T[], key: (r: T) => unknown): [unknown, number][] {
  const m = new Map<unknown, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return [...m].sort(
    (a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0),
  );
}
export const byKey = (a: unknown[], b: unknown[]) =>
  String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0;
/** Rows sorted by every column in turn (as strings). */
export const byAll = (a: unknown[], b: unknown[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
export const binTime = (t: string, ms: number) => iso(Math.floor(Date.parse(t) / ms) * ms);
export const hour = (t: string) => binTime(t, 3_600_000);
export const day = (t: string) => binTime(t, 86_400_000);
export const distinct = <T>(xs: T[]) => [...new Set(xs)];
export const isoTime = iso;

export interface Case {
  name: string;
  kql: string;
  expect: () => unknown[][];
  /** Maps each result row before comparing (e.g. keeps the counts where ties make keys arbitrary). */
  pick?: (row: unknown[]) => unknown[];
  /** The dataset may legitimately give no row (a rare category). */
  mayBeEmpty?: boolean;
}

/**
 * Loads the dataset once and runs each case as a test, comparing with its JS expectation.
 * `setup` runs after the records are stored (e.g. to create watchlists from them).
 */
export function describeCases(title: string, cases: Case[], setup?: (db: TestDb) => Promise<void>): void {
  describe(title, () => {
    let db: TestDb;
    before(async () => {
      if (!data.size)
        await run(
          { seed: 'entra-queries', users: 25, from: FROM, to: TO, tenantId: TENANT, generators: GENERATORS },
          {
            write: async (category, batch) => {
              data.set(category, [...(data.get(category) ?? []), ...batch]);
            },
          },
        );
      db = await TestDb.open(LOG_TYPES);
      for (const [category, list] of data) await db.insert(logType(category), TENANT, list);
      await setup?.(db);
    });
    after(() => db.conn.closeSync());

    const kql = async (query: string) =>
      runKql(
        async (sql, params) => (await db.conn.runAndReadAll(sql, params as never)).getRowsJS() as unknown[][],
        { query, tenant: TENANT, types: LOG_TYPES, now: NOW },
      );

    for (const c of cases) {
      it(c.name, async () => {
        const r = await kql(c.kql);
        let rows = r.tables[0]!.rows;
        if (c.pick) rows = rows.map(c.pick);
        const expected = c.expect();
        assert.ok(expected.length > 0 || c.mayBeEmpty, `the dataset gives "${c.name}" something to find`);
        // A query without sort/order/top leaves its row order unspecified (in Kusto as in DuckDB):
        // compare such results as multisets.
        if (!/\b(sort|order|top)\b/.test(c.kql)) {
          const canon = (xs: unknown[][]) => xs.map((x) => JSON.stringify(x)).sort();
          assert.deepEqual(canon(rows), canon(expected));
        } else assert.deepEqual(rows, expected);
      });
    }
  });
}
