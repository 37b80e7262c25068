/**
 * Crash test: the real server (the `idtrail serve` CLI, as a child process) is killed with SIGKILL
 * while clients stream batches, restarted on the same data folder, and clients retry whatever was
 * not acknowledged. Afterwards every acknowledged record is stored exactly once, every record the
 * clients sent is stored, and every hash chain verifies.
 *
 * Kills happen at different moments: after ≥5,000 acknowledged records, after ≥7,500 more following
 * the first restart, and right after the second restart (as soon as one batch is acknowledged),
 * each while requests are in flight, so DuckDB replays its WAL on every restart.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { verifyType } from '../src/security/verify.ts';
import { openStore } from '../src/store/open-store.ts';
import { tempDataDir } from './helpers/server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'idtrail');
const KEY = 'crash-test-bootstrap-key';

const CLIENTS = 4;
const BATCHES_PER_CLIENT = 48;
const BATCH_SIZE = 250;
const CATEGORIES = ['SignInLogs', 'AuditLogs'] as const;
type Category = (typeof CATEGORIES)[number];

/** When to kill, counted from the previous (re)start: acknowledged records since then. */
const KILLS: readonly { label: string; ackedSinceStart: number }[] = [
  { label: 'after >= 5000 acknowledged records', ackedSinceStart: 5_000 },
  { label: 'after >= 7500 more acknowledged records following restart 1', ackedSinceStart: 7_500 },
  { label: 'right after restart 2 (first acknowledged batch)', ackedSinceStart: 1 },
];

const TEST_TIMEOUT_MS = 180_000;
const DEADLINE_MS = 160_000; // clients and waits give up here, before the runner's timeout
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS_PER_CLIENT = 6_000;
const MAX_FAILURES_PER_BATCH = 800;

// ---------------------------------------------------------------------------------------------
// The server as a child process.

class ServerProcess {
  child: ChildProcess | null = null;
  url = 'http://127.0.0.1:1'; // nothing listens there until start()
  starts = 0;
  /** Everything the children wrote, for the failure message. */
  log = '';

  constructor(private readonly dataDir: string) {}

  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (k.startsWith('IDTRAIL_') || k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS') continue;
      env[k] = v;
    }
    env.IDTRAIL_BOOTSTRAP_KEY = KEY;
    env.IDTRAIL_LOG_LEVEL = 'warn';
    const n = ++this.starts;
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--data', this.dataDir, '--host', '127.0.0.1', '--port', '0'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      stdout += s;
      this.log += `[server ${n} stdout] ${s}`;
    });
    child.stderr!.on('data', (s: string) => {
      stderr += s;
      this.log += `[server ${n} stderr] ${s}`;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`server ${n} printed no "listening on" line within 60 s; stderr: ${stderr}`));
      }, 60_000);
      const onData = () => {
        const m = /idtrail listening on (http:\/\/\S+)/.exec(stdout);
        if (m) {
          cleanup();
          resolve(m[1]!);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(
          new Error(
            `server ${n} exited during start-up (code ${code}, signal ${signal}); stderr: ${stderr}; stdout: ${stdout}`,
          ),
        );
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
      };
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) break;
        await res.body?.cancel();
      } catch {
        // not ready yet
      }
      if (i >= 200) throw new Error(`server ${n} at ${url} never answered GET /healthz with 200`);
      await sleep(50);
    }
    this.url = url;
  }

  private exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
    if (child.exitCode !== null || child.signalCode !== null) {
      return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    }
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    const { signal } = await this.exited(child);
    assert.equal(signal, 'SIGKILL', 'the server died of the SIGKILL');
    this.child = null;
  }

  /** SIGTERM and wait for a clean exit. */
  async stop(): Promise<{ code: number | null; signal: string | null }> {
    const child = this.child;
    if (!child) return { code: null, signal: null };
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const out = await Promise.race([
      this.exited(child),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), 60_000);
      }),
    ]);
    clearTimeout(timer);
    if (!out) {
      child.kill('SIGKILL');
      await this.exited(child);
      this.child = null;
      throw new Error('the server did not exit within 60 s of SIGTERM');
    }
    this.child = null;
    return out;
  }

  /** Last resort in `after`: never leave a server behind. */
  forceKill(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    this.child = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Records and batches.

interface Batch {
  client: number;
  index: number;
  category: Category;
  ids: string[];
  body: string;
  /** The first 200 answer. */
  ack: { accepted: number; duplicates: number; firstSeq: number | null; lastSeq: number | null } | null;
  /** Server generation (0 = first start) whose answer acknowledged the batch. */
  ackedIn: number;
  failures: number;
  replays: number;
}

const T0 = Date.UTC(2024, 0, 1);

function signIn(id: string, n: number): Record<string, unknown> {
  return {
    id,
    createdDateTime: new Date(T0 + n * 1000).toISOString(),
    userPrincipalName: `user${n % 97}@crash.example`,
    userDisplayName: `Crash User ${n % 97}`,
    appDisplayName: 'idtrail crash test',
    ipAddress: `10.0.${n % 250}.${(n * 7) % 250}`,
    status: { errorCode: n % 5 === 0 ? 50126 : 0 },
    isInteractive: true,
  };
}

function directoryAudit(id: string, n: number): Record<string, unknown> {
  return {
    id,
    activityDateTime: new Date(T0 + n * 1000).toISOString(),
    activityDisplayName: 'Crash test write',
    category: 'Other',
    // Not an Entra service, so the audit catalog does not constrain the activity.
    loggedByService: 'idtrail crash test',
    operationType: 'Add',
    result: 'success',
    initiatedBy: { app: { displayName: 'idtrail crash test', appId: `app-${n % 13}` } },
    targetResources: [{ id: `target-${n}`, displayName: `Target ${n}` }],
  };
}

function makeBatches(client: number): Batch[] {
  const out: Batch[] = [];
  let n = 0;
  for (let index = 0; index < BATCHES_PER_CLIENT; index++) {
    const category = CATEGORIES[(index + client) % CATEGORIES.length]!;
    const ids: string[] = [];
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < BATCH_SIZE; i++, n++) {
      const id = `crash-${client}-${n}`;
      ids.push(id);
      records.push(category === 'SignInLogs' ? signIn(id, n) : directoryAudit(id, n));
    }
    out.push({
      client,
      index,
      category,
      ids,
      body: JSON.stringify(records),
      ack: null,
      ackedIn: -1,
      failures: 0,
      replays: 0,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The test.

/** An answer no crash explains (400, 401, 404…): the test stops. */
class Unexpected extends Error {}

let server: ServerProcess | null = null;
let data: { dir: string; remove(): void } | null = null;

after(() => {
  server?.forceKill();
  data?.remove();
});

test('SIGKILL while clients stream: every acknowledged record stored once, chains verify', {
  timeout: TEST_TIMEOUT_MS,
}, async (t) => {
  const started = Date.now();
  const deadline = started + DEADLINE_MS;
  data = tempDataDir('idtrail-crash-');
  const srv = new ServerProcess(data.dir);
  server = srv;
  const say = (msg: string) => t.diagnostic(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);

  try {
    await srv.start();
    say(`server 1 listening at ${srv.url}`);

    const batches = Array.from({ length: CLIENTS }, (_, c) => makeBatches(c));
    const stats = {
      ackedRecords: 0,
      ackedBatches: 0,
      inFlight: 0,
      generation: 0,
      failuresByKind: new Map<string, number>(),
      replayOk: 0,
      retriedBatches: 0,
      /** Retried after a failure; the retry found them all stored (the answer was lost, not the commit). */
      lostAcks: 0,
      /** Retried after a failure; the retry stored them (the commit had not happened). */
      retryAccepted: 0,
      problems: [] as string[],
    };
    let fatal: Error | null = null;
    const failure = (kind: string) =>
      stats.failuresByKind.set(kind, (stats.failuresByKind.get(kind) ?? 0) + 1);

    type Outcome =
      | {
          ok: true;
          body: { accepted: number; duplicates: number; firstSeq: number | null; lastSeq: number | null };
        }
      | { ok: false; kind: string };

    const post = async (b: Batch): Promise<Outcome> => {
      stats.inFlight++;
      try {
        const res = await fetch(`${srv.url}/api/v1/ingest/${b.category}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: b.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        if (res.status === 200) return { ok: true, body: JSON.parse(text) };
        if (res.status >= 500) return { ok: false, kind: `HTTP ${res.status}` };
        throw new Unexpected(
          `batch ${b.client}/${b.index} (${b.category}) got HTTP ${res.status}: ${text.slice(0, 500)}`,
        );
      } catch (err) {
        if (err instanceof Unexpected) throw err;
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const kind = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.cause?.message ?? e.message);
        return { ok: false, kind };
      } finally {
        stats.inFlight--;
      }
    };

    const runClient = async (client: number): Promise<void> => {
      const mine = batches[client]!;
      // Work queue: unacknowledged batches (retries go back to the front) and replays.
      const queue: { batch: Batch; replay: boolean }[] = mine.map((batch) => ({ batch, replay: false }));
      const acked: Batch[] = [];
      let seenGeneration = 0;
      let attempts = 0;
      while (queue.length > 0) {
        if (fatal) return;
        if (Date.now() > deadline)
          throw new Error(`client ${client}: deadline passed with ${queue.length} items left`);
        if (stats.generation !== seenGeneration) {
          seenGeneration = stats.generation;
          // After a restart, send the first and the latest acknowledged batch again: nothing new may be stored.
          const again = [...new Set([acked[0], acked[acked.length - 1]])].filter((b): b is Batch => !!b);
          for (const b of again) queue.unshift({ batch: b, replay: true });
        }
        const item = queue[0]!;
        const b = item.batch;
        if (++attempts > MAX_ATTEMPTS_PER_CLIENT)
          throw new Error(`client ${client}: more than ${MAX_ATTEMPTS_PER_CLIENT} requests`);
        const out = await post(b);
        if (!out.ok) {
          failure(out.kind);
          b.failures++;
          if (b.failures > MAX_FAILURES_PER_BATCH) {
            throw new Error(
              `client ${client}: batch ${b.index} failed ${b.failures} times (last: ${out.kind})`,
            );
          }
          await sleep(40 + Math.floor(Math.random() * 80));
          continue;
        }
        queue.shift();
        const r = out.body;
        const where = `client ${client} batch ${b.index} (${b.category})`;
        if (r.accepted + r.duplicates !== BATCH_SIZE) {
          stats.problems.push(
            `${where}: accepted ${r.accepted} + duplicates ${r.duplicates} != ${BATCH_SIZE}`,
          );
        }
        if (item.replay) {
          b.replays++;
          if (r.accepted !== 0 || r.duplicates !== BATCH_SIZE) {
            stats.problems.push(
              `${where}: replay of an acknowledged batch answered accepted ${r.accepted}, duplicates ${r.duplicates}`,
            );
          } else stats.replayOk++;
          continue;
        }
        // The group commit is atomic: a batch is stored whole or not at all.
        if (r.accepted !== 0 && r.accepted !== BATCH_SIZE) {
          stats.problems.push(`${where}: partly stored (accepted ${r.accepted}, duplicates ${r.duplicates})`);
        }
        if (
          r.accepted > 0 &&
          (r.firstSeq === null || r.lastSeq === null || r.lastSeq - r.firstSeq + 1 !== r.accepted)
        ) {
          stats.problems.push(`${where}: seq range ${r.firstSeq}..${r.lastSeq} for ${r.accepted} accepted`);
        }
        if (b.failures > 0) {
          stats.retriedBatches++;
          if (r.accepted === 0) stats.lostAcks++;
          else stats.retryAccepted++;
        } else if (r.accepted !== BATCH_SIZE) {
          stats.problems.push(`${where}: first attempt answered duplicates ${r.duplicates}`);
        }
        b.ack = r;
        b.ackedIn = stats.generation;
        acked.push(b);
        stats.ackedBatches++;
        stats.ackedRecords += BATCH_SIZE;
      }
    };

    const clients = Promise.all(
      Array.from({ length: CLIENTS }, (_, c) =>
        runClient(c).catch((err: unknown) => {
          fatal ??= err instanceof Error ? err : new Error(String(err));
          throw err;
        }),
      ),
    );
    clients.catch(() => {}); // awaited below; the failure is also kept in `fatal`
    let clientsDone = false;
    void clients.then(
      () => (clientsDone = true),
      () => (clientsDone = true),
    );

    const waitFor = async (what: string, ready: () => boolean) => {
      while (!ready()) {
        if (fatal) throw fatal;
        if (clientsDone) throw new Error(`the clients finished before ${what}: stream more batches`);
        if (Date.now() > deadline) throw new Error(`deadline passed waiting for ${what}`);
        await sleep(1);
      }
    };

    const kills: { label: string; ackedBefore: number; inFlight: number; down: number; wal: string }[] = [];
    for (const [i, plan] of KILLS.entries()) {
      const base = stats.ackedRecords;
      await waitFor(
        `kill ${i + 1}`,
        () => stats.ackedRecords - base >= plan.ackedSinceStart && stats.inFlight >= 2,
      );
      // A little jitter, so the kill lands at a different point of a commit from run to run.
      const jitter = Math.floor(Math.random() * 20);
      await sleep(jitter);
      await waitFor(`kill ${i + 1} (in flight)`, () => stats.inFlight >= 2);
      const ackedBefore = stats.ackedRecords;
      const inFlight = stats.inFlight;
      const killedAt = Date.now();
      await srv.kill();
      const walFile = path.join(data.dir, 'idtrail.duckdb.wal');
      const wal = existsSync(walFile) ? `${statSync(walFile).size} bytes of WAL to replay` : 'no WAL file';
      say(
        `kill ${i + 1} (${plan.label}): SIGKILL with ${ackedBefore} records acknowledged in total ` +
          `(${ackedBefore - base} since the last start), ${inFlight} requests in flight, jitter ${jitter} ms; ${wal}`,
      );
      await sleep(200); // clients see refused / reset connections meanwhile
      await srv.start(); // the lock of the killed process must be gone, the WAL replayed
      const down = Date.now() - killedAt;
      stats.generation++;
      kills.push({ label: plan.label, ackedBefore, inFlight, down, wal });
      say(`server ${i + 2} listening at ${srv.url} (down ${down} ms)`);
    }

    await clients;
    say(
      `clients done: ${stats.ackedBatches} batches / ${stats.ackedRecords} records acknowledged; ` +
        `${stats.retriedBatches} batches retried after failures (${stats.lostAcks} had been stored before ` +
        `the kill — the answer was lost —, ${stats.retryAccepted} stored by the retry); ` +
        `${stats.replayOk} replays of acknowledged batches stored nothing`,
    );
    say(`failed requests by kind: ${JSON.stringify(Object.fromEntries(stats.failuresByKind))}`);

    const stopped = await srv.stop();
    assert.deepEqual(stopped, { code: 0, signal: null }, `graceful stop; server output:\n${srv.log}`);
    const scratch = readdirSync(path.join(data.dir, 'scratch'));
    // Killed commits leave scratch files; each restart must clear them.
    assert.deepEqual(scratch, [], 'scratch files left behind by killed servers');

    assert.deepEqual(stats.problems, [], 'every answer was consistent');
    assert.ok(stats.retriedBatches > 0, 'some batches failed and were retried');
    assert.ok(stats.replayOk > 0, 'acknowledged batches were replayed');

    // ---- Check the store directly.
    const store = await openStore(`duckdb:${path.join(data.dir, 'idtrail.duckdb')}`, data.dir);
    try {
      for (const category of CATEGORIES) {
        const type = logType(category);
        const sent = batches.flat().filter((b) => b.category === category);
        const expected = new Set(sent.flatMap((b) => b.ids));
        assert.equal(expected.size, sent.length * BATCH_SIZE);

        const count = await store.count(type);
        const countTenant = await store.count(type, DEFAULT_TENANT);
        assert.equal(countTenant, count, `${category}: every record is in the default tenant`);

        const idAt = new Map<number, string>();
        const times = new Map<string, number>();
        for (let from = 1; ; ) {
          const page = await store.readChain(type, DEFAULT_TENANT, from, 20_000);
          for (const r of page) {
            idAt.set(r.seq, r.id);
            times.set(r.id, (times.get(r.id) ?? 0) + 1);
            assert.equal((JSON.parse(r.record) as { id: string }).id, r.id);
          }
          if (page.length < 20_000) break;
          from = page[page.length - 1]!.seq + 1;
        }
        const twice = [...times].filter(([, n]) => n > 1);
        assert.deepEqual(twice.slice(0, 10), [], `${category}: no id is stored more than once`);
        const missing = [...expected].filter((id) => !times.has(id));
        const extra = [...times.keys()].filter((id) => !expected.has(id));
        assert.deepEqual(
          missing.slice(0, 10),
          [],
          `${category}: ${missing.length} acknowledged records are missing`,
        );
        assert.deepEqual(extra.slice(0, 10), [], `${category}: records nobody sent`);
        assert.equal(count, expected.size, `${category}: count equals the distinct ids sent`);
        assert.equal(idAt.size, count, `${category}: every row is reachable in seq order`);

        // The seqs an answer gave belong to that batch's records.
        for (const b of sent) {
          const a = b.ack!;
          if (a.accepted === 0) continue;
          const got = [];
          for (let s = a.firstSeq!; s <= a.lastSeq!; s++) got.push(idAt.get(s));
          assert.deepEqual(
            got,
            b.ids,
            `${category}: seqs ${a.firstSeq}..${a.lastSeq} of client ${b.client} batch ${b.index}`,
          );
        }

        const reports = await verifyType(store, type);
        assert.equal(reports.length, 1, `${category}: one chain (the default tenant)`);
        const [report] = reports;
        assert.equal(report!.tenant, DEFAULT_TENANT);
        assert.ok(report!.ok, `${category}: chain verifies: ${JSON.stringify(report!.break)}`);
        assert.equal(report!.records, count, `${category}: the chain covers every record`);
        say(
          `${category}: ${count} records, ${expected.size} distinct ids sent, chain ok up to seq ${report!.head.seq}`,
        );
      }
    } finally {
      await store.close();
    }
    say(`kills: ${JSON.stringify(kills)}`);
  } catch (err) {
    t.diagnostic(`server output:\n${srv.log}`);
    throw err;
  } finally {
    srv.forceKill();
  }
});
