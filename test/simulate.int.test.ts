/**
 * The simulator end to end: deterministic output, every log type and every catalog service in a
 * 30-day run, every record valid for ingest, and records entering through the real pipeline.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareItems } from '../src/ingest/prepare.ts';
import type { IngestService } from '../src/ingest/service.ts';
import { AuditCatalog } from '../src/registry/catalog/catalog.ts';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import { verifyChain } from '../src/security/verify.ts';
import { backfill } from '../src/simulate/backfill.ts';
import { follow, generateHour, run, type Sink, tenantFor } from '../src/simulate/engine.ts';
import { GENERATORS } from '../src/simulate/generators/index.ts';
import { departuresBetween, memoryDays, STALE_DAYS } from '../src/simulate/generators/lifecycle.ts';
import { type Joiner, lifecycleForDay } from '../src/simulate/generators/provisioning.ts';
import { startDemo } from '../src/simulate/run-demo.ts';
import { httpSink, ingestSink } from '../src/simulate/sinks.ts';
import { DAY, HOUR } from '../src/simulate/types.ts';
import { DuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import { RecordCodec } from '../src/store/record-codec.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
const UNTIL = Date.UTC(2026, 10, 2); // a Monday, 00:00 UTC

/** Collects records per category, and a digest of their exact JSON text in order. */
function collector() {
  const byCategory = new Map<string, Rec[]>();
  const hash = createHash('sha256');
  const sink: Sink = {
    async write(category, records) {
      const list = byCategory.get(category) ?? [];
      byCategory.set(category, list);
      for (const r of records) {
        hash.update(`${category}\n${JSON.stringify(r)}\n`);
        list.push(r);
      }
    },
  };
  let digest: string | undefined;
  return { sink, byCategory, digest: () => (digest ??= hash.digest('hex')) };
}

const simulate = async (seed: string, users: number, days: number) => {
  const c = collector();
  const result = await run(
    { seed, users, from: UNTIL - days * DAY, to: UNTIL, generators: GENERATORS },
    c.sink,
  );
  return { ...c, result };
};

describe('simulator', () => {
  it('the same seed gives byte-identical records; another seed does not', async () => {
    const a = await simulate('42', 60, 2);
    const b = await simulate('42', 60, 2);
    const c = await simulate('43', 60, 2);
    assert.ok(a.result.records > 1000);
    assert.equal(a.digest(), b.digest());
    assert.notEqual(a.digest(), c.digest());
  });

  describe('a 30-day run', () => {
    let month: Awaited<ReturnType<typeof simulate>>;
    before(async () => {
      month = await simulate('1', 150, 30);
    });

    it('has every log type', () => {
      const missing = LOG_TYPES.map((t) => t.category).filter((c) => !(month.byCategory.get(c)?.length ?? 0));
      assert.deepEqual(missing, []);
    });

    it('has every catalog service in the audit log', () => {
      const seen = new Set(month.byCategory.get('AuditLogs')!.map((r) => r.loggedByService));
      const missing = AuditCatalog.load()
        .services()
        .filter((s) => !seen.has(s));
      assert.deepEqual(missing, []);
    });

    it('has only records that ingest accepts (schema and strict catalog)', () => {
      const opts = { catalog: AuditCatalog.load(), catalogMode: 'strict' as const };
      for (const [category, records] of month.byCategory) {
        const { errors } = prepareItems(logType(category), structuredClone(records), opts);
        assert.deepEqual(errors.slice(0, 5), [], category);
      }
    });

    it('leavers stop at the disable: only their stale devices try on, failing with 50057', () => {
      const tenant = month.result.tenant;
      const from = UNTIL - 30 * DAY;
      const memory = memoryDays(tenant) * DAY;
      // Leavers of the window stay disabled to its end; those of before it for the model's memory.
      const inWindow = departuresBetween(tenant, '1', from, UNTIL);
      const earlier = departuresBetween(tenant, '1', from - memory, from);
      assert.ok(inWindow.size >= 2, `${inWindow.size} leavers in the window`);
      assert.ok(memory >= 30 * DAY);
      /** The departure that makes `userId` disabled at `t`, if any. */
      const disabled = (userId: string, t: number) => {
        const d = inWindow.get(userId);
        if (d && t >= d.disabledAt) return d;
        const e = earlier.get(userId);
        return e && t >= e.disabledAt && t < e.disabledAt + memory ? e : undefined;
      };
      const code = (r: Rec) => (r.status as { errorCode: number }).errorCode;
      let worked = 0;
      let stale = 0;
      for (const category of ['SignInLogs', 'NonInteractiveUserSignInLogs']) {
        for (const r of month.byCategory.get(category)!) {
          const t = Date.parse(String(r.createdDateTime));
          const d = disabled(String(r.userId), t);
          if (!d) {
            if (inWindow.has(String(r.userId))) worked++;
            continue;
          }
          assert.equal(
            code(r),
            50057,
            `${category} ${r.id}: ${(t - d.disabledAt) / 60_000} min after the disable`,
          );
          assert.ok(t - d.disabledAt < STALE_DAYS * DAY, `${r.id}: a stale attempt days later`);
          stale++;
        }
      }
      assert.ok(worked > 0, 'leavers signed in before they left');
      assert.ok(stale > 0, 'stale devices tried after the disable');
      // The code and text are Entra's (AADSTS50057).
      const failure = month.byCategory
        .get('NonInteractiveUserSignInLogs')!
        .find((r) => inWindow.has(String(r.userId)) && code(r) === 50057)!;
      assert.equal((failure.status as Rec).failureReason, 'User account is disabled.');
      // AD FS stops when Workday2AD disables the on-premises account.
      for (const r of month.byCategory.get('ADFSSignInLogs')!) {
        const t = Date.parse(String(r.createdDateTime));
        const d = disabled(String(r.userId), t + HOUR);
        assert.ok(!d || t < d.adTime, `AD FS sign-in ${r.id} after the AD disable`);
      }
      // No Graph calls, network traffic or Microsoft 365 activity of theirs after the disable.
      const ids = new Map(tenant.users.map((u) => [u.userPrincipalName, u.id]));
      for (const category of [
        'MicrosoftGraphActivityLogs',
        'NetworkAccessTrafficLogs',
        'EnrichedOffice365AuditLogs',
      ]) {
        for (const r of month.byCategory.get(category)!) {
          const id = String(r.userId ?? '');
          assert.ok(!disabled(ids.get(id) ?? id, Date.parse(String(r.timeGenerated))), `${category} ${r.id}`);
        }
      }
    });

    it('joiners sign in once their account exists, never before', () => {
      const tenant = month.result.tenant;
      const from = UNTIL - 30 * DAY;
      const joiners = new Map<string, Joiner>();
      for (let d = Math.floor(from / DAY) - 1; d < Math.floor(UNTIL / DAY); d++) {
        for (const j of lifecycleForDay({ tenant, seed: '1', from, to: UNTIL }, d).joiners) {
          if (j.entraTime >= from && j.entraTime < UNTIL) joiners.set(j.id, j);
        }
      }
      assert.ok(joiners.size >= 2, `${joiners.size} joiners`);
      const signedIn = new Set<string>();
      for (const category of ['SignInLogs', 'NonInteractiveUserSignInLogs']) {
        for (const r of month.byCategory.get(category)!) {
          const j = joiners.get(String(r.userId));
          if (!j) continue;
          signedIn.add(j.id);
          assert.ok(
            Date.parse(String(r.createdDateTime)) >= j.entraTime,
            `${r.id} before the account existed`,
          );
        }
      }
      const settled = [...joiners.values()].filter((j) => j.entraTime < UNTIL - DAY);
      for (const j of settled) assert.ok(signedIn.has(j.id), `${j.userPrincipalName} never signed in`);
    });

    it('non-interactive sign-ins outnumber interactive ones many times over', () => {
      const ratio =
        month.byCategory.get('NonInteractiveUserSignInLogs')!.length /
        month.byCategory.get('SignInLogs')!.length;
      assert.ok(ratio >= 5 && ratio <= 10, `ratio ${ratio.toFixed(1)}`);
    });
  });

  describe('through the real ingest pipeline', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(async () => {
      await server.close();
    });

    it('reaches a running server over HTTP with an ingest key', async () => {
      const tenant = '33333333-3333-3333-3333-333333333333';
      const key = await server.key(['ingest'], tenant);
      const sink = httpSink(server.url, key);
      const result = await run(
        { seed: 'http', users: 15, from: UNTIL - 6 * 3_600_000, to: UNTIL, generators: GENERATORS },
        sink,
      );
      await sink.close?.();
      for (const [category, n] of Object.entries(result.byCategory)) {
        assert.equal(await server.running.store.count(logType(category), tenant), n, category);
      }
      const denied = httpSink(server.url, await server.key(['Security Reader'], tenant));
      await assert.rejects(
        (async () => {
          await run(
            { seed: 'http', users: 15, from: UNTIL - 3_600_000, to: UNTIL, generators: GENERATORS },
            denied,
          );
          await denied.close?.();
        })(),
        /403/,
      );
    });

    it('stores what it generates, once, in verifiable chains; a rerun stores nothing new', async () => {
      const tenant = '00000000-0000-0000-0000-000000000000';
      const opts = {
        seed: '7',
        users: 40,
        from: UNTIL - DAY,
        to: UNTIL,
        tenantId: tenant,
        generators: GENERATORS,
      };
      const sink = ingestSink(server.running.ingest, tenant);
      const first = await run(opts, sink);
      await sink.close?.();
      for (const [category, n] of Object.entries(first.byCategory)) {
        const type = logType(category);
        const stored = await server.running.store.count(type, tenant);
        // Risky-principal snapshots are keyed by (id, time); everything else by id.
        assert.equal(stored, n, category);
        assert.equal((await verifyChain(server.running.store, type, tenant)).ok, true, category);
      }
      const again = ingestSink(server.running.ingest, tenant);
      await run(opts, again);
      await again.close?.();
      for (const [category, n] of Object.entries(first.byCategory)) {
        assert.equal(
          await server.running.store.count(logType(category), tenant),
          n,
          `${category} after rerun`,
        );
      }
    });
  });
});

describe('live traffic (follow)', () => {
  it('releases the records whose time has come, from the start time on, and stops when asked', async () => {
    const since = Date.now() - 2 * 3_600_000;
    const abort = new AbortController();
    const got: Array<[string, Rec]> = [];
    const sink: Sink = {
      async write(category, records) {
        for (const r of records) got.push([category, r]);
        abort.abort(); // one tick is enough
      },
    };
    const released = await follow(
      { seed: 'live', users: 30, generators: GENERATORS, since, signal: abort.signal, tickMs: 10 },
      sink,
    );
    assert.equal(released, got.length);
    assert.ok(got.length > 0);
    const now = Date.now();
    for (const [category, r] of got) {
      const t = Date.parse(String(r[logType(category).timeField]));
      assert.ok(t >= since && t <= now, `${category} at ${new Date(t).toISOString()}`);
    }
  });
});

describe('the demo tenant', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('resumes an interrupted backfill and ends with exactly the history of an uninterrupted one', async () => {
    const tenant = '00000000-0000-0000-0000-000000000000';
    const base = {
      store: server.running.store,
      ingest: server.running.ingest,
      tenant,
      users: 25,
      days: 2,
      seed: 'demo-test',
      now: UNTIL,
      live: false,
    };
    const stop = new AbortController();
    const first = await startDemo({
      ...base,
      signal: stop.signal,
      onProgress: (done) => done === 12 && stop.abort(),
    });
    await first.stop();
    const partial = await server.running.store.count(logType('NonInteractiveUserSignInLogs'), tenant);
    const resumed = await startDemo(base);
    await resumed.stop();
    assert.ok(resumed.backfilled > 0 && partial > 0);
    const expected = await simulateWindow('demo-test', 25, UNTIL - 2 * DAY, UNTIL, tenant);
    for (const [category, n] of Object.entries(expected)) {
      assert.equal(await server.running.store.count(logType(category), tenant), n, category);
    }
  });
});

describe('backfill on worker threads', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('stores exactly the records of a one-thread run, each category in the same order', async () => {
    const tenant = '00000000-0000-0000-0000-0000000000b1';
    const from = UNTIL - DAY;
    const expected = collector();
    await run(
      { seed: 'bf', users: 40, from, to: UNTIL, tenantId: tenant, generators: GENERATORS },
      expected.sink,
    );
    const hours: number[] = [];
    const result = await backfill(server.running.ingest, {
      seed: 'bf',
      users: 40,
      from,
      to: UNTIL,
      tenant,
      catalogMode: 'strict',
      workers: 2,
      chunkHours: 5, // 24 hours: an uneven last chunk
      onHour: (done) => hours.push(done),
    });
    assert.equal(hours.at(-1), 24);
    assert.deepEqual(
      hours,
      [...hours].sort((a, b) => a - b),
    );
    for (const [category, records] of expected.byCategory) {
      const type = logType(category);
      assert.equal(result.byCategory[category], records.length, category);
      const stored = await server.running.store.readChain(type, tenant, 1, records.length + 1);
      assert.deepEqual(
        stored.map((r) => r.id),
        records.map((r) => String(r[type.idField])),
        `${category}: ids in seq order`,
      );
    }
  });

  it('commits the first chunk alone, then groups of chunks that reach bulkRows rows of one table', async () => {
    // The demo's DuckDB writes an append of a row group's worth of one table without its WAL
    // (Store.bulkAppendRows): the backfill groups chunks until one table has that many rows.
    const tenant = '00000000-0000-0000-0000-0000000000b6';
    const [seed, users, chunkHours, bulkRows] = ['groups', 40, 2, 600];
    const marker = 'NonInteractiveUserSignInLogs';
    const from = UNTIL - DAY;
    // The expected groups and their batches, from the same generators hour by hour: one batch per
    // category, smallest first, the marker last.
    const ctx = { tenant: tenantFor(seed, users, tenant), seed, from, to: UNTIL };
    const chunks = Array.from({ length: 24 / chunkHours }, () => new Map<string, number>());
    for (let h = 0; h < 24; h++) {
      const counts = chunks[Math.floor(h / chunkHours)]!;
      for (const [category] of generateHour(ctx, GENERATORS, from + h * HOUR, true))
        counts.set(category, (counts.get(category) ?? 0) + 1);
    }
    const expectedEnds: number[] = [];
    const expectedBatches: Array<{ category: string; records: number }> = [];
    let group = new Map<string, number>();
    chunks.forEach((counts, c) => {
      for (const [k, n] of counts) group.set(k, (group.get(k) ?? 0) + n);
      const total = [...group.values()].reduce((a, b) => a + b, 0);
      if (
        c === 0 ||
        c === chunks.length - 1 ||
        total >= bulkRows * 4 ||
        Math.max(...group.values()) >= bulkRows
      ) {
        expectedEnds.push((c + 1) * chunkHours);
        const rank = ([k, n]: [string, number]) => (k === marker ? Number.POSITIVE_INFINITY : n);
        for (const [category, records] of [...group].sort((a, b) => rank(a) - rank(b)))
          expectedBatches.push({ category, records });
        group = new Map();
      }
    });
    assert.ok(expectedEnds.length >= 4 && expectedEnds.length < 12, `groups end at ${expectedEnds}`);

    const batches: Array<{ category: string; records: number }> = [];
    const counting = {
      submitPrepared: (...args: Parameters<IngestService['submitPrepared']>) => {
        batches.push({ category: args[1].category, records: args[3].length });
        return server.running.ingest.submitPrepared(...args);
      },
      recordDictionaries: () => server.running.ingest.recordDictionaries(),
      bulkAppendRows: () => server.running.ingest.bulkAppendRows(),
    } as IngestService;
    const hours: number[] = [];
    const result = await backfill(counting, {
      seed,
      users,
      from,
      to: UNTIL,
      tenant,
      catalogMode: 'strict',
      workers: 2,
      chunkHours,
      bulkRows,
      marker,
      onHour: (done) => hours.push(done),
    });
    assert.deepEqual(hours, expectedEnds);
    assert.deepEqual(batches, expectedBatches);
    assert.deepEqual(result.byCategory, await simulateWindow(seed, users, from, UNTIL, tenant));
    for (const category of Object.keys(result.byCategory)) {
      const type = logType(category);
      assert.equal(await server.running.store.count(type, tenant), result.byCategory[category], category);
      assert.equal((await verifyChain(server.running.store, type, tenant)).ok, true, category);
    }
  });

  it('the shortcut for already-normal records stores the same records and hash chain as the general path', async () => {
    // Same tenant, seed and window into two stores: the default backfill (records handed to ingest
    // as normal, shared immutable values, canonical text spliced) and ingest's general path.
    const tenant = '00000000-0000-0000-0000-0000000000b4';
    const other = await startTestServer();
    try {
      const opts = {
        seed: 'same-chain',
        users: 60,
        from: UNTIL - DAY,
        to: UNTIL,
        tenant,
        catalogMode: 'strict' as const,
        workers: 2,
        chunkHours: 6,
      };
      const fast = await backfill(server.running.ingest, opts);
      const general = await backfill(other.running.ingest, { ...opts, normalized: false });
      assert.deepEqual(fast.byCategory, general.byCategory);
      assert.ok(fast.records > 5000, `${fast.records} records`);
      for (const [category, n] of Object.entries(fast.byCategory)) {
        const type = logType(category);
        const a = await server.running.store.readChain(type, tenant, 1, n + 1);
        const b = await other.running.store.readChain(type, tenant, 1, n + 1);
        assert.equal(a.length, n, category);
        // Everything but the ingestion time; typed columns are read from these same records.
        const chain = (rows: typeof a) => rows.map(({ ingestedAt: _, ...r }) => r);
        assert.deepEqual(chain(a), chain(b), `${category}: records, seqs and hashes`);
        assert.equal((await verifyChain(server.running.store, type, tenant)).ok, true, category);
      }
    } finally {
      await other.close();
    }
  });

  it('compact forms and typed columns made on the workers are what the store makes itself', async () => {
    // The workers compress with the store's dictionaries once a table has one; every stored
    // compact form must be what the store's own codec makes of the record with that dictionary.
    const tenant = '00000000-0000-0000-0000-0000000000b5';
    let precompressed = 0;
    const counting = {
      submitPrepared: (...args: Parameters<IngestService['submitPrepared']>) => {
        precompressed += args[3].filter((r) => r.compact).length;
        return server.running.ingest.submitPrepared(...args);
      },
      recordDictionaries: () => server.running.ingest.recordDictionaries(),
      bulkAppendRows: () => server.running.ingest.bulkAppendRows(),
    } as IngestService;
    const result = await backfill(counting, {
      seed: 'same-compact',
      users: 60,
      from: UNTIL - DAY,
      to: UNTIL,
      tenant,
      catalogMode: 'strict',
      workers: 2,
      chunkHours: 1, // the first chunks are prepared before any table has a dictionary
    });
    // Most records came compressed: all but those of the chunks prepared before the first commit.
    assert.ok(precompressed > result.records / 2, `${precompressed} of ${result.records}`);
    const codec = new RecordCodec(server.running.store.recordDictionaries());
    const catalog = AuditCatalog.load();
    const plain = await DuckDbStore.open({
      file: ':memory:',
      scratchDir: mkdtempSync(path.join(tmpdir(), 'idtrail-typed-')),
    });
    for (const [category, n] of Object.entries(result.byCategory)) {
      const type = logType(category);
      const rows = await server.running.store.readChain(type, tenant, 1, n + 1, { withCompact: true });
      assert.equal(rows.length, n, category);
      for (const r of rows) {
        const z = Buffer.from(r.compact as Uint8Array);
        if (z.readUInt16BE(0) === 0) continue; // the table had no dictionary yet: made on main
        assert.deepEqual(z, codec.encode(type.table, r.record), `${category} seq ${r.seq}: compact bytes`);
      }
      // The typed columns the workers serialised (row-json.ts) against the same rows appended with
      // plain values, serialised by the store itself.
      const prepared = prepareItems(
        type,
        rows.map((r) => JSON.parse(r.record)),
        { catalog, catalogMode: 'strict' },
      );
      assert.equal(prepared.errors.length, 0, category);
      await plain.append([
        {
          type,
          rows: rows.map((r, i) => ({
            tenant,
            seq: r.seq,
            hash: r.hash,
            id: r.id,
            time: r.time,
            record: r.record,
            values: prepared.records[i]!.values,
          })),
        },
      ]);
      const typed = `SELECT * EXCLUDE (ingested_at, record_z) FROM "${type.table}" WHERE tenant = $1 ORDER BY seq`;
      assert.deepEqual(
        await server.running.store.readSql(typed, [tenant]),
        await plain.readSql(typed, [tenant]),
        `${category}: typed columns`,
      );
    }
    await plain.close();
  });

  it('stops between chunks when aborted; what it reports is what the store holds, a prefix of the window', async () => {
    const tenant = '00000000-0000-0000-0000-0000000000b2';
    const abort = new AbortController();
    let hoursDone = 0;
    const result = await backfill(server.running.ingest, {
      seed: 'bf',
      users: 40,
      from: UNTIL - DAY,
      to: UNTIL,
      tenant,
      catalogMode: 'strict',
      workers: 2,
      chunkHours: 4,
      bulkRows: 1, // a commit per chunk: the abort comes between chunks
      signal: abort.signal,
      onHour: (done) => {
        hoursDone = done;
        if (done >= 8) abort.abort();
      },
    });
    assert.ok(hoursDone >= 8 && hoursDone < 24, `stopped after ${hoursDone} hours`);
    const type = logType('NonInteractiveUserSignInLogs');
    assert.equal(
      await server.running.store.count(type, tenant),
      result.byCategory.NonInteractiveUserSignInLogs,
    );
    const latest = Date.parse((await server.running.store.maxTime(type, tenant))!);
    assert.ok(latest < UNTIL - DAY + hoursDone * 3_600_000);
  });

  it('fails with the first commit error', async () => {
    let calls = 0;
    const failing = {
      submitPrepared: async (...args: Parameters<IngestService['submitPrepared']>) => {
        if (++calls === 5) throw new Error('disk full');
        return server.running.ingest.submitPrepared(...args);
      },
      recordDictionaries: () => server.running.ingest.recordDictionaries(),
      bulkAppendRows: () => server.running.ingest.bulkAppendRows(),
    } as IngestService;
    await assert.rejects(
      backfill(failing, {
        seed: 'bf',
        users: 40,
        from: UNTIL - DAY,
        to: UNTIL,
        tenant: '00000000-0000-0000-0000-0000000000b3',
        catalogMode: 'strict',
        workers: 2,
        chunkHours: 2,
      }),
      /disk full/,
    );
  });
});

async function simulateWindow(seed: string, users: number, from: number, to: number, tenantId: string) {
  const c = collector();
  const result = await run({ seed, users, from, to, tenantId, generators: GENERATORS }, c.sink);
  return result.byCategory;
}
