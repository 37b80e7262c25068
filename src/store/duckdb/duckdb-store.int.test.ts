import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logType } from '../../registry/log-types.ts';
import { openStore } from '../open-store.ts';
import type { SealedRow, Store } from '../store.ts';

const SignInLogs = logType('SignInLogs');
let seq = 0;
const row = (tenant: string, time: string): SealedRow => ({
  tenant,
  seq: ++seq,
  hash: `h${seq}`,
  id: `r${seq}`,
  time,
  record: JSON.stringify({ createdDateTime: time, id: `r${seq}`, note: 'x'.repeat(100) }),
  values: SignInLogs.columns.map(() => null),
});

describe('DuckDbStore', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'idtrail-store-'));
    store = await openStore(`duckdb:${path.join(dir, 'idtrail.duckdb')}`, dir);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maxTime follows commits once read (kept in memory), per tenant', async () => {
    assert.equal(await store.maxTime(SignInLogs, 'a'), null);
    await store.append([{ type: SignInLogs, rows: [row('a', '2026-11-20T10:00:00Z')] }]);
    assert.equal(await store.maxTime(SignInLogs, 'a'), '2026-11-20T10:00:00.000000Z');
    await store.append([
      { type: SignInLogs, rows: [row('a', '2026-11-19T10:00:00Z'), row('b', '2026-11-21T00:00:00Z')] },
    ]);
    assert.equal(
      await store.maxTime(SignInLogs, 'a'),
      '2026-11-20T10:00:00.000000Z',
      'an older record leaves it',
    );
    await store.append([{ type: SignInLogs, rows: [row('a', '2026-11-22T08:30:00.5Z')] }]);
    assert.equal(await store.maxTime(SignInLogs, 'a'), '2026-11-22T08:30:00.500000Z');
    assert.equal(await store.maxTime(SignInLogs, 'b'), '2026-11-21T00:00:00.000000Z');
  });

  it('every appended record gets its compact copy, which decodes to the stored text', async () => {
    const rows = await store.readSql('SELECT record, record_z FROM signin_logs', []);
    assert.ok(rows.length >= 4);
    for (const [record, z] of rows) assert.equal(store.recordText(z), record);
  });

  it('plans compact reads without late materialization and other reads with it, side by side', async () => {
    const setting = "SELECT current_setting('late_materialization_max_rows')";
    const plan = async (compact: boolean) => {
      const sql = 'EXPLAIN SELECT id, record_z FROM signin_logs ORDER BY time DESC LIMIT 101';
      return String((await store.readSql(sql, [], { compact }))[0]![1]);
    };
    // Interleaved and concurrent: each kind of read keeps its own connections.
    const [compactSetting, plainSetting, compactPlan, plainPlan] = await Promise.all([
      store.readSql(setting, [], { compact: true }),
      store.readSql(setting, []),
      plan(true),
      plan(false),
    ]);
    assert.equal(Number(compactSetting[0]![0]), 0);
    assert.equal(Number(plainSetting[0]![0]), 1000);
    assert.doesNotMatch(compactPlan, /SEMI/, 'the picked rows are read in the same scan');
    assert.match(plainPlan, /SEMI/, 'reads of `record` fetch the picked rows by row id');
    assert.equal(Number((await store.readSql(setting, []))[0]![0]), 1000);
  });

  it('writes an append of bulkAppendRows rows of a table without its WAL, and a smaller one through it', async () => {
    // The simulator's backfill sizes its commits by this (simulate/backfill.ts); if the engine
    // stopped writing such appends straight to the file, the demo start would lose its budget.
    const own = mkdtempSync(path.join(tmpdir(), 'idtrail-bulk-'));
    const file = path.join(own, 'idtrail.duckdb');
    const bulkStore = await openStore(`duckdb:${file}`, own);
    try {
      const wal = () => {
        try {
          return statSync(`${file}.wal`).size;
        } catch {
          return 0;
        }
      };
      const rows = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          row('bulk', new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString()),
        );
      await bulkStore.append([{ type: SignInLogs, rows: rows(1) }]); // the table is no longer empty
      const w0 = wal();
      await bulkStore.append([{ type: SignInLogs, rows: rows(10_000) }]);
      const small = wal() - w0;
      await bulkStore.append([{ type: SignInLogs, rows: rows(bulkStore.bulkAppendRows) }]);
      const bulk = wal() - w0 - small;
      assert.ok(small > 10_000 * 100, `10,000 rows put ${small} bytes in the WAL`);
      assert.ok(
        bulk < small / 10,
        `${bulkStore.bulkAppendRows} rows put ${bulk} bytes in the WAL (10,000: ${small})`,
      );
      assert.equal(await bulkStore.count(SignInLogs, 'bulk'), 10_001 + bulkStore.bulkAppendRows);
    } finally {
      await bulkStore.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
