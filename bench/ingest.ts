/**
 * npm run bench:ingest — sign-in ingest through the HTTP API, end to end, against DuckDB's own
 * bulk load of the same records (DESIGN.md "Performance budgets": ≥ 100k records/s, and ≥ 50% of
 * the engine's bulk-load rate measured in the same run).
 *
 *   npm run bench:ingest -- [--records 300000] [--clients 8] [--batch 1000] [--seed 1]
 *                           [--mode child|inproc|both] [--cpu-prof DIR] [--skip-baseline] [--keep-temp]
 *
 * 1. Generates N sign-ins (the simulator, via bench/lib/signins.ts), pre-serialised as NDJSON batches, and writes the
 *    same lines to one file for the baseline; a sample goes through the real pipeline first.
 * 2. Starts the server as a child process (`bin/idtrail serve`, the headline) and/or in this
 *    process, and has C clients post the batches; measures records/s from the first send to the
 *    last acknowledgement and the per-request acknowledgement latency; after the server stops,
 *    opens its database file and checks every record is stored exactly once.
 * 3. Times DuckDB loading the same file into the same table DDL (bench/lib/duckdb-baseline.ts).
 *
 * It is a measurement: a missed budget is reported, not turned into a failing exit code. Refused
 * records, lost records or a crashed server do fail it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { IngestRefused } from '../src/ingest/service.ts';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { canonicalJson } from '../src/security/canonical-json.ts';
import { wirePipeline } from '../src/server.ts';
import { openStore } from '../src/store/open-store.ts';
import { type CpuUsage, snapshot, usage } from './lib/cpu.ts';
import { formatSummary, summarise } from './lib/cpuprofile.ts';
import { type BaselineResult, duckdbVersion, METHODS, runBaseline } from './lib/duckdb-baseline.ts';
import { type Batch, type LoadResult, runLoad } from './lib/load.ts';
import { fixed, int, percentile, progressBar, table } from './lib/report.ts';
import {
  killChildServers,
  ROOT,
  type ServerUnderTest,
  startChildServer,
  startInProcessServer,
} from './lib/server.ts';
import { signIns } from './lib/signins.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    clients: { type: 'string', default: '8' },
    batch: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'child' },
    'cpu-prof': { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    'keep-temp': { type: 'boolean', default: false },
  },
  strict: true,
});

const positive = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not '${v}'`);
  return n;
};
const N = positive('records', args.records);
const CLIENTS = positive('clients', args.clients);
const BATCH = positive('batch', args.batch);
const SEED = positive('seed', args.seed);
const MODE = args.mode!;
if (!['both', 'child', 'inproc'].includes(MODE)) throw new Error(`--mode must be both, child or inproc`);
const CPU_PROF = args['cpu-prof'] ? path.resolve(args['cpu-prof']) : undefined;

const KEY = 'bench-key';
const TYPE = logType('SignInLogs');
const SAMPLE = Math.min(N, 2000);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'idtrail-bench-'));
let cleaned = false;
const cleanup = () => {
  if (cleaned) return;
  cleaned = true;
  killChildServers();
  if (args['keep-temp']) process.stderr.write(`kept ${tmp}\n`);
  else rmSync(tmp, { recursive: true, force: true });
};
process.once('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    cleanup();
    process.exit(130);
  });

const log = (s = '') => process.stdout.write(`${s}\n`);

/** The commit measured, with "+dirty" when the working tree differs from it. */
function revision(): string {
  try {
    const git = (...a: string[]) =>
      execFileSync('git', a, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'bin') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Records: generate, pre-serialise as NDJSON batches, write the same bytes to the baseline file.

function generate(): { batches: Batch[]; file: string; sample: Record<string, unknown>[]; bytes: number } {
  const file = path.join(tmp, 'signins.ndjson');
  const fd = openSync(file, 'w');
  const batches: Batch[] = [];
  const sample: Record<string, unknown>[] = [];
  const bar = progressBar('generate', 'records');
  bar.start(N, 0, { rate: '' });
  let lines: string[] = [];
  let bytes = 0;
  let done = 0;
  const t0 = performance.now();
  const flush = () => {
    const body = Buffer.from(`${lines.join('\n')}\n`);
    writeSync(fd, body);
    batches.push({ body, records: lines.length });
    bytes += body.length;
    done += lines.length;
    lines = [];
    bar.update(done, { rate: `${int(done / ((performance.now() - t0) / 1000))} rec/s` });
  };
  for (const r of signIns(N, SEED)) {
    if (sample.length < SAMPLE) sample.push(r);
    lines.push(JSON.stringify(r));
    if (lines.length === BATCH) flush();
  }
  if (lines.length > 0) flush();
  closeSync(fd);
  bar.stop();
  return { batches, file, sample, bytes };
}

/** Runs a sample through the real pipeline (parse → normalise → validate → seal → commit). */
async function validateSample(sample: Record<string, unknown>[]): Promise<{ changed: number }> {
  const dir = path.join(tmp, 'validate');
  const store = await openStore('duckdb::memory:', dir);
  try {
    const { ingest } = wirePipeline(store, { catalogMode: 'strict', ingestWorkers: 0 });
    const body = sample.map((r) => JSON.stringify(r)).join('\n');
    let out: Awaited<ReturnType<typeof ingest.ingestText>>;
    try {
      out = await ingest.ingestText(DEFAULT_TENANT, TYPE, body, 'application/x-ndjson');
    } catch (err) {
      if (err instanceof IngestRefused) {
        throw new Error(
          `the pipeline refuses the generated sign-ins: ${err.message}\n${JSON.stringify(err.errors.slice(0, 10), null, 2)}`,
        );
      }
      throw err;
    }
    if (out.accepted !== sample.length) {
      throw new Error(`the pipeline stored ${out.accepted} of ${sample.length} sample sign-ins`);
    }
    // The stored text is the normalised record: count how many the normaliser had to change.
    const stored = await store.readChain(TYPE, DEFAULT_TENANT, 1, sample.length);
    let changed = 0;
    for (let i = 0; i < sample.length; i++) if (stored[i]!.record !== canonicalJson(sample[i])) changed++;
    return { changed };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Our ingest, end to end over HTTP.

interface Metrics {
  ingested: number;
  commitSeconds: number;
  commits: number;
  groupedBatches: number;
}

async function scrapeMetrics(url: string): Promise<Metrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
  return {
    ingested: value(/^idtrail_ingested_records_total\{category="SignInLogs"\} (\S+)$/m),
    commitSeconds: value(/^idtrail_commit_duration_seconds_sum (\S+)$/m),
    commits: value(/^idtrail_commit_duration_seconds_count (\S+)$/m),
    groupedBatches: value(/^idtrail_commit_group_batches_sum (\S+)$/m),
  };
}

/** Opens the database file after the server stopped and checks every record is there once. */
async function storedCounts(dbFile: string): Promise<{ rows: number; ids: number; maxSeq: number }> {
  const db = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  try {
    const r = (
      await c.runAndReadAll(`SELECT count(*), count(DISTINCT id), max(seq) FROM "${TYPE.table}"`)
    ).getRows()[0]!;
    return { rows: Number(r[0]), ids: Number(r[1]), maxSeq: Number(r[2]) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

interface RunResult {
  mode: 'child' | 'inproc';
  pid: number;
  load: LoadResult;
  cpu: CpuUsage;
  metrics: Metrics;
  stored: number;
}

async function runOurs(mode: 'child' | 'inproc', batches: Batch[]): Promise<RunResult> {
  const dataDir = path.join(tmp, `server-${mode}`);
  mkdirSync(dataDir, { recursive: true });
  let server: ServerUnderTest;
  if (mode === 'child') {
    if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
    const nodeFlags = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
    server = await startChildServer(dataDir, KEY, { nodeFlags });
  } else {
    server = await startInProcessServer(dataDir, KEY);
  }
  let load: LoadResult;
  let cpu: CpuUsage;
  let metrics: Metrics;
  try {
    const bar = progressBar(mode === 'child' ? 'load' : 'load (in)', 'records');
    bar.start(N, 0, { rate: '' });
    let acked = 0;
    const before = snapshot(mode === 'child' ? server.pid : null);
    const t0 = performance.now();
    load = await runLoad({
      url: server.url,
      category: TYPE.category,
      key: KEY,
      batches,
      clients: CLIENTS,
      onAck: (n) => {
        acked += n;
        bar.update(acked, { rate: `${int(acked / ((performance.now() - t0) / 1000))} rec/s` });
      },
    });
    cpu = usage(before, snapshot(mode === 'child' ? server.pid : null));
    bar.stop();
    metrics = await scrapeMetrics(server.url);
  } finally {
    await server.stop();
  }
  const counts = await storedCounts(server.dbFile);
  if (counts.rows !== N || counts.ids !== N || counts.maxSeq !== N || load.accepted !== N) {
    throw new Error(
      `${mode}: expected ${N} records stored once, found ${counts.rows} rows, ${counts.ids} distinct ids, max seq ${counts.maxSeq} (acknowledged ${load.accepted})`,
    );
  }
  if (metrics.ingested !== N) {
    throw new Error(`${mode}: /metrics counts ${metrics.ingested} ingested records, expected ${N}`);
  }
  rmSync(dataDir, { recursive: true, force: true });
  return { mode, pid: server.pid, load, cpu, metrics, stored: counts.rows };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const began = performance.now();
  const cpus = os.cpus();
  const version = await duckdbVersion();
  log(
    `bench:ingest — ${N} sign-ins, ${CLIENTS} clients, ${BATCH} records per request, seed ${SEED}; idtrail ${revision()}`,
  );
  log(
    `machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; DuckDB ${version}; load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  const gen = generate();
  log(
    `records: ${int(N)} in ${gen.batches.length} batches, ${fixed(gen.bytes / 2 ** 20)} MiB NDJSON, ${int(gen.bytes / N)} bytes/record`,
  );
  const v = await validateSample(gen.sample);
  log(
    `validation: ${gen.sample.length} sample records accepted by the real pipeline; the normaliser changed ${v.changed} of them`,
  );
  gen.sample.length = 0;

  const runs: RunResult[] = [];
  if (MODE !== 'inproc') runs.push(await runOurs('child', gen.batches));
  if (MODE !== 'child') runs.push(await runOurs('inproc', gen.batches));

  const baselines: BaselineResult[] = [];
  if (!args['skip-baseline']) {
    const bar = progressBar('baseline', 'methods');
    bar.start(METHODS.length, 0, { rate: '' });
    for (const m of METHODS) {
      const r = await runBaseline(m, gen.file, TYPE, tmp);
      if (r.rows !== N) throw new Error(`baseline ${m.key} stored ${r.rows} rows, expected ${N}`);
      baselines.push(r);
      bar.increment(1, { rate: `${m.key} ${int(N / r.seconds)} rec/s` });
      rmSync(path.join(tmp, `baseline-${m.key}.duckdb`), { force: true });
    }
    bar.stop();
  }

  // ---- results
  const head = runs[0]!;
  const ours = N / head.load.seconds;
  const raw = baselines.find((b) => b.method.key === 'read_json');
  const rawRate = raw ? N / raw.seconds : Number.NaN;
  const ratio = ours / rawRate;

  log('');
  log('Our ingest (HTTP API → parse → normalise → validate → canonical JSON → seal → DuckDB commit)');
  log(
    table(
      [
        'server',
        'seconds',
        'records/s',
        'MiB/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'commits',
        'batches/commit',
        'stored',
      ],
      runs.map((r) => [
        r.mode === 'child' ? 'child process (headline)' : 'in-process',
        fixed(r.load.seconds, 2),
        int(N / r.load.seconds),
        fixed(r.load.bytes / 2 ** 20 / r.load.seconds),
        fixed(percentile(r.load.latencies, 50)),
        fixed(percentile(r.load.latencies, 99)),
        fixed(r.load.latencies.at(-1)!),
        int(r.metrics.commits),
        fixed(r.metrics.groupedBatches / r.metrics.commits),
        int(r.stored),
      ]),
    ),
  );
  log('');
  log('CPU-seconds during the load (2 cores = 2 CPU-seconds per second of wall time)');
  log(
    table(
      [
        'server',
        'wall s',
        'server JS thread',
        'server other threads',
        'load generator',
        'other processes',
        'commit s (sum)',
      ],
      runs.map((r) => [
        r.mode === 'child' ? 'child process' : 'in-process',
        fixed(r.cpu.seconds, 2),
        r.mode === 'child' ? fixed(r.cpu.serverMain) : '(in bench)',
        r.mode === 'child'
          ? `${fixed(r.cpu.serverTotal - r.cpu.serverMain)} (${r.cpu.serverThreads
              .filter(([, s]) => s >= 0.05)
              .map(([k, s]) => `${k === 'node' ? 'DuckDB + libuv pool' : k} ${fixed(s)}`)
              .join(', ')})`
          : '(in bench)',
        r.mode === 'child' ? fixed(r.cpu.benchTotal) : `${fixed(r.cpu.benchTotal)} (server + load)`,
        fixed(r.cpu.others),
        fixed(r.metrics.commitSeconds),
      ]),
    ),
  );
  if (baselines.length > 0) {
    log('');
    log('DuckDB bulk load of the same NDJSON file into a fresh database (same table DDL)');
    log(
      table(
        ['method', 'seconds', 'records/s', 'ours / this'],
        baselines.map((b) => [
          `${b.method.key}: ${b.method.label}`,
          fixed(b.seconds, 2),
          int(N / b.seconds),
          fixed(ours / (N / b.seconds), 2),
        ]),
      ),
    );
  }
  log('');
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  log(`budget: ≥ 100,000 records/s through the API: ${int(ours)} records/s — ${met(ours >= 100_000)}`);
  if (raw)
    log(`budget: ≥ 0.5 of DuckDB's bulk-load rate (read_json): ${fixed(ratio, 2)} — ${met(ratio >= 0.5)}`);

  if (CPU_PROF && MODE !== 'inproc') {
    const pid = runs.find((r) => r.mode === 'child')!.pid;
    const name = readdirSync(CPU_PROF).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.0.`));
    const latest = name && path.join(CPU_PROF, name);
    if (latest) {
      log('');
      log(`CPU profile of the server process (${latest}):`);
      log(formatSummary(summarise(latest)));
    }
  }

  log('');
  log(`total benchmark time ${fixed((performance.now() - began) / 1000)} s`);
  log(
    `bench:ingest records=${N} clients=${CLIENTS} batch=${BATCH} ours=${Math.round(ours)}rec/s p50=${fixed(
      percentile(head.load.latencies, 50),
    )}ms p99=${fixed(percentile(head.load.latencies, 99))}ms duckdb_read_json=${raw ? Math.round(rawRate) : '-'}rec/s ratio=${raw ? fixed(ratio, 2) : '-'}`,
  );
}

main().then(
  () => cleanup(),
  (err: unknown) => {
    cleanup();
    process.stderr.write(
      `bench:ingest FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
