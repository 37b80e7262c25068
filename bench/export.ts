/**
 * bench:export — a download of a whole set: GET /api/v1/export/signIns (CSV and JSON, no filter)
 * over many sign-ins, timed end to end by a client reading the stream, with the server's peak
 * memory (VmHWM) so the "bounded memory" claim is measured, not assumed. Budget: 1M rows < 10 s.
 *
 *   npm run bench:export -- [--records 1000000] [--data DIR] [--cpu-prof DIR]
 *
 * Records are the simulator's interactive sign-ins (3,000 users), loaded through the real ingest
 * pipeline in process, then served by `bin/idtrail serve` as a child process. `--data DIR` keeps
 * the loaded folder and reuses it on the next run (loading 1M takes minutes).
 *
 * Baseline, in the same run: DuckDB writing the same stored record texts, newest first, to a file
 * with its own COPY (no HTTP, no shaping, no JavaScript) — the engine's floor for getting these
 * rows out in this order. The ratio is download time / baseline time.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { logType } from '../src/registry/log-types.ts';
import { loadSignIns } from './lib/load-store.ts';
import { fixed, int, progressBar, table } from './lib/report.ts';
import { killChildServers, startChildServer } from './lib/server.ts';
import { signIns } from './lib/signins.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '5000' },
    data: { type: 'string' },
    'cpu-prof': { type: 'string' },
    formats: { type: 'string', default: 'csv,json' },
  },
});
const N = Number(values.records);
const KEY = 'bench-export-key';
const formats = values.formats.split(',') as Array<'csv' | 'json'>;
process.on('exit', killChildServers);

/** Peak resident memory of a process, MiB (Linux). */
const peakMiB = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** CPU seconds a process has used (user + system, all threads; Linux). */
const cpuSeconds = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** DuckDB's own COPY of the stored record texts, newest first, to a file: seconds and bytes. */
async function baseline(
  dbFile: string,
  scratch: string,
): Promise<{ seconds: number; cpu: number; bytes: number }> {
  const table = logType('SignInLogs').table;
  const out = path.join(scratch, 'baseline.ndjson');
  const instance = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    // A tab never occurs raw in canonical JSON, and no quote character is set: the lines are the
    // stored texts as they are.
    const sql = `COPY (SELECT record FROM "${table}" ORDER BY time DESC, id DESC) TO '${out}' (FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '', ESCAPE '')`;
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    await conn.run(sql);
    const seconds = (performance.now() - t) / 1000;
    const c = process.cpuUsage(cpu0);
    return { seconds, cpu: (c.user + c.system) / 1e6, bytes: statSync(out).size };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(out, { force: true });
  }
}

const dir = values.data ?? mkdtempSync(path.join(tmpdir(), 'idtrail-bench-export-'));
const dbFile = path.join(dir, 'idtrail.duckdb');
try {
  // 1. Load through the real pipeline (unless --data holds a previous run's N records).
  const reuse = values.data !== undefined && existsSync(path.join(dir, 'loaded.json'));
  if (reuse) {
    const loaded = JSON.parse(readFileSync(path.join(dir, 'loaded.json'), 'utf8')) as { records: number };
    if (loaded.records !== N) throw new Error(`${dir} holds ${loaded.records} records, not ${N}`);
    process.stdout.write(`reusing ${int(N)} sign-ins in ${dir}\n`);
  } else {
    mkdirSync(dir, { recursive: true });
    const { store } = await loadSignIns(dir, signIns(N, 7, 3000), N, Number(values.batch));
    await store.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'loaded.json'), JSON.stringify({ records: N }));
  }

  // 2. The baseline, with nothing else running.
  const base = await baseline(dbFile, dir);
  process.stdout.write(
    `baseline: DuckDB COPY of the stored records, newest first: ${fixed(base.seconds, 2)} s, ${fixed(base.cpu, 1)} CPU s (${int(N / base.seconds)} rec/s, ${fixed(base.bytes / 1024 / 1024, 0)} MiB)\n`,
  );

  // 3. Serve and download.
  const server = await startChildServer(dir, KEY, {
    ...(values['cpu-prof'] ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] } : {}),
  });
  const idleMiB = peakMiB(server.pid);
  const rows: string[][] = [];
  const heap: string[] = [];
  for (const format of formats) {
    const dl = progressBar(`export ${format}`, 'records');
    dl.start(N, 0, { rate: '' });
    const cpu0 = cpuSeconds(server.pid);
    const client0 = process.cpuUsage();
    const t = performance.now();
    const res = await fetch(`${server.url}/api/v1/export/signIns?format=${format}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    if (!res.ok || !res.body) throw new Error(`${res.status} ${await res.text()}`);
    const total = Number(res.headers.get('idtrail-record-count'));
    let bytes = 0;
    let lineCount = 0;
    let shown = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      // Native search for line breaks: a byte-by-byte JS loop would make the client the bottleneck.
      const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lineCount++;
      if (lineCount - shown >= 20_000) {
        shown = lineCount;
        dl.update(Math.min(lineCount, N), {
          rate: `${int(lineCount / ((performance.now() - t) / 1000))} rec/s`,
        });
      }
    }
    dl.update(Math.min(lineCount, N));
    dl.stop();
    const seconds = (performance.now() - t) / 1000;
    const serverCpu = cpuSeconds(server.pid) - cpu0;
    const c = process.cpuUsage(client0);
    const clientCpu = (c.user + c.system) / 1e6;
    // Where the server's memory is: V8 heap and external (buffers) versus the rest (DuckDB's buffer pool).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const metric = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1]) / 1024 / 1024;
    heap.push(
      `${format}: V8 heap ${fixed(metric('idtrail_nodejs_heap_size_total_bytes'), 0)} MiB (used ${fixed(metric('idtrail_nodejs_heap_size_used_bytes'), 0)}), external ${fixed(metric('idtrail_nodejs_external_memory_bytes'), 0)} MiB`,
    );
    // CSV: a header line, then a line per record (no field holds a raw line break in these
    // records); JSON: "[", "\n" before each record, "\n]\n".
    const records = format === 'csv' ? lineCount - 1 : lineCount - 2;
    if (records !== N || total !== N)
      throw new Error(`${format}: ${records} records streamed, ${total} announced, ${N} loaded`);
    rows.push([
      format,
      int(records),
      fixed(seconds, 2),
      int(records / seconds),
      fixed(bytes / 1024 / 1024, 0),
      fixed(serverCpu, 1),
      fixed(clientCpu, 1),
      fixed(peakMiB(server.pid), 0),
      fixed(seconds / base.seconds, 2),
      seconds < 10 * (N / 1_000_000) ? 'met' : 'MISSED',
    ]);
  }
  await server.stop();
  process.stdout.write(
    `\nbench:export — ${int(N)} sign-ins; server RSS before the downloads ${fixed(idleMiB, 0)} MiB; baseline (DuckDB COPY) ${fixed(base.seconds, 2)} s\n`,
  );
  process.stdout.write(
    `${table(['format', 'records', 'seconds', 'records/s', 'MiB', 'server CPU s', 'client CPU s', 'server peak RSS MiB', '/ baseline', 'budget (1M in 10 s)'], rows)}\n`,
  );
  process.stdout.write(`after each download: ${heap.join('; ')}\n`);
} finally {
  killChildServers();
  if (values.data === undefined) rmSync(dir, { recursive: true, force: true });
}
