/**
 * Tamper evidence end to end: records ingested through the API and checkpointed, then the DuckDB
 * file is edited directly — a changed field, a deleted row, an inserted row (with the chain
 * rewritten after it), two rows swapped, a forged checkpoint — and `bin/idtrail verify` must name
 * each, exiting non-zero. After a retention purge, verify passes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildODataQuery } from '../src/query/odata/query.ts';
import { readPage } from '../src/query/sql/read-page.ts';
import { logType } from '../src/registry/log-types.ts';
import { readDigests } from '../src/router/digests.ts';
import { chainHash } from '../src/security/hash-chain.ts';
import { openStore } from '../src/store/open-store.ts';
import { RecordCodec } from '../src/store/record-codec.ts';
import { interactiveSignIn } from './fixtures/samples.ts';
import { ADMIN_SECRET, startTestServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/idtrail');
const TENANT = '00000000-0000-0000-0000-000000000000'; // the admin key's tenant
const SignInLogs = logType('SignInLogs');
const TABLE = `"${SignInLogs.table}"`;
const DAY = 86_400_000;

async function verify(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [BIN, 'verify', '--data', dataDir, ...args]);
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

/** Runs SQL on a copy of the data folder's database, as someone with the file would. */
async function tamper(dataDir: string, edit: (sql: (q: string) => Promise<unknown[][]>) => Promise<void>) {
  const db = await DuckDBInstance.create(path.join(dataDir, 'idtrail.duckdb'));
  const conn = await db.connect();
  try {
    await edit(async (q) => (await conn.runAndReadAll(q)).getRows() as unknown[][]);
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('tamper evidence: bin/idtrail verify', () => {
  let server: TestServer;
  const copies: string[] = [];
  const copy = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-tamper-'));
    cpSync(server.dataDir, dir, { recursive: true });
    copies.push(dir);
    return dir;
  };

  before(async () => {
    server = await startTestServer();
    const now = Date.now();
    for (let b = 0; b < 3; b++) {
      const batch = Array.from({ length: 20 }, (_, i) => ({
        ...interactiveSignIn,
        id: `t-${b}-${i}`,
        createdDateTime: new Date(now - (60 - (b * 20 + i)) * 60_000).toISOString(),
      }));
      assert.equal((await server.post('/api/v1/ingest/SignInLogs', batch, ADMIN_SECRET)).status, 200);
    }
    const run = await server.running.integrity.checkpoint();
    assert.ok(run.signed >= 1);
    // Five more after the checkpoint: the unsealed tail (the shutdown signs them too).
    const tail = Array.from({ length: 5 }, (_, i) => ({ ...interactiveSignIn, id: `tail-${i}` }));
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', tail, ADMIN_SECRET)).status, 200);
    await server.running.close();
  });
  after(async () => {
    await server.close();
    for (const d of copies) rmSync(d, { recursive: true, force: true });
  });

  it('passes on untouched data, and the public key is served', async () => {
    const r = await verify(server.dataDir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ok {3}SignInLogs tenant 0{8}-0{4}-0{4}-0{4}-0{12}: 65 records, 2 checkpoints/);
    assert.match(r.out, /verified: every chain holds/);
  });

  it('names a changed field', async () => {
    const dir = copy();
    await tamper(dir, async (sql) => {
      await sql(`UPDATE ${TABLE} SET record = replace(record, 'Redmond', 'Seattle') WHERE seq = 10`);
    });
    const r = await verify(dir);
    assert.equal(r.code, 2, r.out);
    assert.match(
      r.out,
      /SignInLogs tenant \S+ seq 10: hash-mismatch: record t-0-9 at seq 10 does not match its hash/,
    );
  });

  it('names a compact copy (what Graph pages serve) that is not the hashed record', async () => {
    const dir = copy();
    await tamper(dir, async (sql) => {
      // Every row has its compact copy, compressed with the table's dictionary.
      const [[missing]] = (await sql(`SELECT count(*) FROM ${TABLE} WHERE record_z IS NULL`)) as [[bigint]];
      assert.equal(Number(missing), 0);
      const dicts = await sql('SELECT id, tbl, to_base64(dict) FROM record_dictionaries');
      assert.ok(dicts.some((d) => d[1] === SignInLogs.table));
      const codec = new RecordCodec(
        dicts.map(([id, tbl, b64]) => ({
          id: Number(id),
          table: String(tbl),
          dict: Buffer.from(String(b64), 'base64'),
        })),
      );
      // A well-formed copy of an edited record, and bytes that are no copy at all.
      const [[record]] = await sql(`SELECT record FROM ${TABLE} WHERE seq = 12`);
      const forged = codec.encode(SignInLogs.table, String(record).replace('Redmond', 'Seattle'));
      await sql(`UPDATE ${TABLE} SET record_z = from_base64('${forged.toString('base64')}') WHERE seq = 12`);
      await sql(`UPDATE ${TABLE} SET record_z = from_base64('AAEC') WHERE seq = 13`);
    });
    const r = await verify(dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /seq 12: compact-mismatch: record t-0-11 at seq 12: its compact copy/);
    assert.match(r.out, /seq 13: compact-mismatch/);
    assert.doesNotMatch(r.out, /hash-mismatch/);
  });

  it('bin/idtrail compact fills the compact copies of rows stored without one; pages read the same before and after', async () => {
    const dir = copy();
    // As rows stored by an idtrail before migration 5 look: no compact copy.
    await tamper(dir, async (sql) => {
      await sql(`UPDATE ${TABLE} SET record_z = NULL WHERE seq % 2 = 0`);
    });
    const page = async () => {
      const store = await openStore(`duckdb:${path.join(dir, 'idtrail.duckdb')}`, dir);
      try {
        const { query } = buildODataQuery(SignInLogs, { $top: '1000' }, { version: 'beta' });
        const rows = await readPage(store, query, TENANT);
        const texts = await store.readSql(`SELECT id, record FROM ${TABLE} ORDER BY time DESC, id DESC`, []);
        return { rows, texts: texts.map((r) => ({ id: String(r[0]), record: String(r[1]) })) };
      } finally {
        await store.close();
      }
    };
    const before = await page();
    assert.equal(before.rows.length, 65);
    assert.deepEqual(
      before.rows.map((r) => ({ id: r.id, record: r.record.toString('utf8') })),
      before.texts,
      'rows without a compact copy are read from record',
    );
    const { stdout } = await run(process.execPath, [BIN, 'compact', '--data', dir]);
    assert.match(stdout, /compact: 32 records given a compact copy/);
    await tamper(dir, async (sql) => {
      const [[missing]] = (await sql(`SELECT count(*) FROM ${TABLE} WHERE record_z IS NULL`)) as [[bigint]];
      assert.equal(Number(missing), 0);
    });
    const after = await page();
    assert.deepEqual(after.rows, before.rows);
    const r = await verify(dir);
    assert.equal(r.code, 0, r.out);
    // Nothing left to do the second time.
    assert.match((await run(process.execPath, [BIN, 'compact', '--data', dir])).stdout, /compact: 0 records/);
  });

  it('names a deleted row', async () => {
    const dir = copy();
    await tamper(dir, async (sql) => {
      await sql(`DELETE FROM ${TABLE} WHERE seq = 20`);
    });
    const r = await verify(dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /seq 20: gap: records 20\.\.20 are missing/);
  });

  it('names an inserted row even when the chain after it is rewritten with fresh hashes', async () => {
    const dir = copy();
    await tamper(dir, async (sql) => {
      // Make room at seq 31, insert a forged record there, and re-hash everything after it so that
      // every link holds: only the signed checkpoint can tell.
      const rows = await sql(`SELECT seq, hash, record FROM ${TABLE} WHERE seq >= 30 ORDER BY seq`);
      await sql(`UPDATE ${TABLE} SET seq = seq + 1000 WHERE seq >= 31`);
      await sql(`UPDATE ${TABLE} SET seq = seq - 999 WHERE seq >= 1031`);
      await sql(
        `INSERT INTO ${TABLE} (tenant, seq, hash, id, time, ingested_at, record)
         SELECT tenant, 31, hash, 'forged', time, ingested_at, replace(record, 't-1-9', 'forged') FROM ${TABLE} WHERE seq = 30`,
      );
      let prev = String(rows[0]![1]);
      const all = await sql(`SELECT seq, record FROM ${TABLE} WHERE seq >= 31 ORDER BY seq`);
      for (const [seq, record] of all) {
        prev = chainHash(prev, TENANT, 'SignInLogs', Number(seq), String(record));
        await sql(`UPDATE ${TABLE} SET hash = '${prev}' WHERE seq = ${Number(seq)}`);
      }
    });
    const r = await verify(dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /seq 60: checkpoint-mismatch: the chain's hash at seq 60 is not the one signed/);
    assert.doesNotMatch(r.out, /hash-mismatch/, 'every link holds: the checkpoint alone catches it');
  });

  it('names two swapped rows', async () => {
    const dir = copy();
    await tamper(dir, async (sql) => {
      await sql(`UPDATE ${TABLE} SET seq = -1 WHERE seq = 40`);
      await sql(`UPDATE ${TABLE} SET seq = 40 WHERE seq = 41`);
      await sql(`UPDATE ${TABLE} SET seq = 41 WHERE seq = -1`);
    });
    const r = await verify(dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /seq 40: hash-mismatch/);
    assert.match(r.out, /seq 41: hash-mismatch/);
  });

  it('names a forged checkpoint and records removed up to a checkpoint', async () => {
    const dir = copy();
    await tamper(dir, async (sql) => {
      await sql(
        `UPDATE checkpoints SET payload = replace(payload, '"count":60', '"count":61') WHERE seq = 60`,
      );
      await sql(`DELETE FROM ${TABLE} WHERE seq > 62`);
    });
    const r = await verify(dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /seq 60: bad-signature: checkpoint at seq 60: the signature does not hold/);
    assert.match(r.out, /seq 65: records-missing: checkpoint at seq 65 .* the chain ends at seq 62/);
  });

  it('trusts only the public keys it is given', async () => {
    const other = copy();
    // A key that did not sign these checkpoints: everything is unknown to it.
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    const file = path.join(other, 'other.pem');
    (await import('node:fs')).writeFileSync(file, pem);
    const r = await verify(other, '--public-key', file);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /unknown-key/);
  });
});

describe('retention', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('drops whole days past retention, leaves a signed purge record, and verify still passes', async () => {
    const now = Date.now();
    const at = (daysAgo: number, i: number) => new Date(now - daysAgo * DAY + i * 1000).toISOString();
    const old = Array.from({ length: 30 }, (_, i) => ({
      ...interactiveSignIn,
      id: `old-${i}`,
      createdDateTime: at(40, i),
    }));
    const recent = Array.from({ length: 10 }, (_, i) => ({
      ...interactiveSignIn,
      id: `new-${i}`,
      createdDateTime: at(1, i),
    }));
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', old)).status, 200);
    await server.running.integrity.checkpoint();
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', recent)).status, 200);
    // A category kept longer than the default keeps its old records.
    const keep = await fetch(`${server.url}/api/v1/retention/AuditLogs`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ days: 400 }),
    });
    assert.equal(keep.status, 200);
    const bad = await fetch(`${server.url}/api/v1/retention/AuditLogs`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ days: 0 }),
    });
    assert.equal(bad.status, 400);
    const reader = await server.key(['Security Reader'], TENANT);
    const denied = await fetch(`${server.url}/api/v1/retention/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(denied.status, 403);

    const res = await fetch(`${server.url}/api/v1/retention/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_SECRET}` },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const runBody = (await res.json()) as {
      purged: Array<{ category: string; records: number; lastSeq: number }>;
    };
    assert.deepEqual(
      runBody.purged.map((p) => [p.category, p.records, p.lastSeq]),
      [['SignInLogs', 30, 30]],
    );
    assert.equal(await server.running.store.count(SignInLogs, TENANT), 10);

    const listed = (await (await server.get('/api/v1/retention', reader)).json()) as {
      value: Array<{ category: string; days: number; isDefault: boolean }>;
      purges: Array<{ category: string; records: number; retentionDays: number }>;
      runs: unknown[];
    };
    assert.deepEqual(
      listed.value.find((v) => v.category === 'AuditLogs'),
      { category: 'AuditLogs', days: 400, isDefault: false },
    );
    assert.deepEqual(
      listed.value.find((v) => v.category === 'SignInLogs'),
      { category: 'SignInLogs', days: 30, isDefault: true },
    );
    assert.equal(listed.purges[0]!.records, 30);
    assert.equal(listed.runs.length, 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /idtrail_retention_purged_records_total\{category="SignInLogs"\} 30/);

    // New records continue the chain after the purge.
    assert.equal(
      (await server.post('/api/v1/ingest/SignInLogs', [{ ...interactiveSignIn, id: 'after' }])).status,
      200,
    );
    await server.running.close();
    const r = await verify(server.dataDir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ok {3}SignInLogs tenant \S+: 11 records, \d+ checkpoints, 1 purges/);

    // The purge record is signed too.
    await tamper(server.dataDir, async (sql) => {
      await sql(`UPDATE purges SET payload = replace(payload, '"records":30', '"records":3')`);
    });
    const forged = await verify(server.dataDir);
    assert.equal(forged.code, 2);
    assert.match(forged.out, /bad-signature: purge at seq 30/);
  });
});

describe('checkpoint digests beside a filesystem archive', () => {
  let server: TestServer;
  let archive: string;
  before(async () => {
    server = await startTestServer();
    archive = mkdtempSync(path.join(tmpdir(), 'idtrail-archive-'));
  });
  after(async () => {
    await server.close();
    rmSync(archive, { recursive: true, force: true });
  });

  it('are written like CloudTrail digests, and catch what the store alone cannot', async () => {
    const put = await server.send('PUT', '/api/v1/destinations/archive', {
      type: 'filesystem',
      path: archive,
    });
    assert.equal(put.status, 201, await put.text());
    const batch = (prefix: string) =>
      Array.from({ length: 10 }, (_, i) => ({ ...interactiveSignIn, id: `${prefix}-${i}` }));
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', batch('a'))).status, 200);
    await server.running.integrity.checkpoint();
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', batch('b'))).status, 200);
    await server.running.integrity.checkpoint();
    await server.running.close();

    const digests = await readDigests(archive);
    const seqs = digests
      .map((d) => JSON.parse(d.payload) as { category: string; seq: number })
      .filter((s) => s.category === 'SignInLogs')
      .map((s) => s.seq);
    assert.deepEqual(seqs, [10, 20]);
    const pem = path.join(archive, 'insights-integrity-checkpoints', 'publicKey.pem');
    assert.equal((await verify(server.dataDir, '--checkpoints', archive, '--public-key', pem)).code, 0);

    // Someone with the database drops the newest records and the checkpoint that covered them.
    await tamper(server.dataDir, async (sql) => {
      await sql(`DELETE FROM ${TABLE} WHERE seq > 10`);
      await sql(`DELETE FROM checkpoints WHERE category = 'SignInLogs' AND seq = 20`);
    });
    const alone = await verify(server.dataDir);
    assert.equal(alone.code, 0, 'the store alone cannot tell');
    const withArchive = await verify(server.dataDir, '--checkpoints', archive, '--public-key', pem);
    assert.equal(withArchive.code, 2, withArchive.out);
    assert.match(
      withArchive.out,
      /seq 20: checkpoint-missing: checkpoint at seq 20 .* is in the archive but not in the store/,
    );
    assert.match(withArchive.out, /seq 20: records-missing/);
  });
});
