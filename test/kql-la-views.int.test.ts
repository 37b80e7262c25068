/**
 * The LA tables as SQL views (src/query/kql/sql/la-views.ts) agree with the JS row builder
 * (src/records/la-row.ts, toLaRow) column for column, on a day of simulated records of every
 * category plus the hand-written samples, stored in a real DuckDB as ingest stores them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runKql } from '../src/query/kql/run.ts';
import { TestDb } from '../src/query/sql/test-db.ts';
import { recordTimeGenerated, toLaRow } from '../src/records/la-row.ts';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import type { LogType } from '../src/registry/types.ts';
import { canonicalJson } from '../src/security/canonical-json.ts';
import { run } from '../src/simulate/engine.ts';
import { GENERATORS } from '../src/simulate/generators/index.ts';
import { SAMPLES } from './fixtures/samples.ts';

type Rec = Record<string, unknown>;
const TENANT = '77777777-7777-7777-7777-777777777777';
const FROM = Date.UTC(2026, 5, 1);

/** One value in the API's form (run.ts outputValue) → comparable with toLaRow's. */
function norm(type: string, v: unknown): unknown {
  if (type === 'string') return v ?? '';
  if (v === null || v === undefined) return null;
  if (type === 'datetime') return new Date(String(v)).getTime();
  if (type === 'dynamic') return typeof v === 'string' ? JSON.parse(v) : v;
  return v;
}

describe('LA views over stored records', () => {
  let db: TestDb;
  const byType = new Map<LogType, Rec[]>();
  before(async () => {
    const records = new Map<string, Rec[]>();
    await run(
      {
        seed: 'la-views',
        users: 15,
        from: FROM,
        to: FROM + 24 * 3_600_000,
        tenantId: TENANT,
        generators: GENERATORS,
      },
      {
        write: async (category, batch) => {
          const list = records.get(category) ?? [];
          list.push(...(batch as unknown as Rec[]));
          records.set(category, list);
        },
      },
    );
    for (const [category, sample] of Object.entries(SAMPLES)) {
      const list = records.get(category) ?? [];
      list.push(sample);
      records.set(category, list);
    }
    db = await TestDb.open(LOG_TYPES);
    for (const [category, list] of records) {
      const type = logType(category);
      // Up to 150 records a category keep the test quick; distinct ids only.
      const seen = new Set<string>();
      const picked = list.filter((r) => {
        const id = JSON.stringify((type.keyFields ?? [type.idField]).map((k) => r[k]));
        if (seen.has(id)) return false;
        seen.add(id);
        return seen.size <= 150;
      });
      await db.insert(type, TENANT, picked);
      byType.set(type, picked);
    }
  });
  after(() => db.conn.closeSync());

  it('covers every category', () => {
    assert.equal(byType.size, LOG_TYPES.length);
  });

  for (const type of LOG_TYPES) {
    it(`${type.laTable}: every column equals toLaRow`, async () => {
      const records = byType.get(type)!;
      const read = async (sql: string, params: readonly unknown[]) =>
        (await db.conn.runAndReadAll(sql, params as never)).getRowsJS() as unknown[][];
      const result = await runKql(read, { query: type.laTable, tenant: TENANT, types: LOG_TYPES });
      const t = result.tables[0]!;
      // The store keeps the canonical JSON (sorted keys): the row builder gets that same record.
      const expected = records.map((raw) => {
        const r = JSON.parse(canonicalJson(raw)) as Rec;
        return toLaRow(type, { tenantId: TENANT, timeGenerated: recordTimeGenerated(type, r) }, r);
      });
      assert.equal(t.rows.length, expected.length);
      const key = (row: Rec) => JSON.stringify(row);
      const actual = t.rows
        .map((row) => Object.fromEntries(t.columns.map((c, i) => [c.name, norm(c.type, row[i])])))
        .sort((a, b) => key(a).localeCompare(key(b)));
      const wanted = expected
        .map((row) => Object.fromEntries(t.columns.map((c) => [c.name, norm(c.type, row[c.name])])))
        .sort((a, b) => key(a).localeCompare(key(b)));
      assert.deepEqual(
        t.columns.map((c) => c.name),
        Object.keys(expected[0]!),
      );
      for (let i = 0; i < wanted.length; i++) assert.deepEqual(actual[i], wanted[i]);
    });
  }

  it("never shows another tenant's rows", async () => {
    const type = logType('SignInLogs');
    const read = async (sql: string, params: readonly unknown[]) =>
      (await db.conn.runAndReadAll(sql, params as never)).getRowsJS() as unknown[][];
    const r = await runKql(read, { query: 'SigninLogs | count', tenant: 'someone-else', types: [type] });
    assert.deepEqual(r.tables[0]!.rows, [[0]]);
  });
});
