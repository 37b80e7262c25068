/**
 * bench:export — a download of a whole set: GET /api/v1/export/signIns (CSV and JSON, no filter)
 * over many sign-ins, timed end to end by a client reading the stream, with the server's peak
 * memory (VmHWM) so the "bounded memory" claim is measured, not assumed. Budget: 1M rows < 10 s.
 *
 *   npm run bench:export -- [--records 1000000]
 *
 * Records are the simulator's interactive sign-ins (3,000 users), loaded through the real ingest
 * pipeline in process, then served by `bin/idtrail serve` as a child process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSignIns } from './lib/load-store.ts';
import { fixed, int, progressBar, table } from './lib/report.ts';
import { killChildServers, startChildServer } from './lib/server.ts';
import { signIns } from './lib/signins.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '5000' },
  },
});
const N = Number(values.records);
const KEY = 'bench-export-key';
process.on('exit', killChildServers);

/** Peak resident memory of a process, MiB (Linux). */
const peakMiB = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-bench-export-'));
try {
  // 1. Load through the real pipeline.
  const { store } = await loadSignIns(dir, signIns(N, 7, 3000), N, Number(values.batch));
  await store.close();

  // 2. Serve and download.
  const server = await startChildServer(dir, KEY);
  const idleMiB = peakMiB(server.pid);
  const rows: string[][] = [];
  const heap: string[] = [];
  for (const format of ['csv', 'json'] as const) {
    const dl = progressBar(`export ${format}`, 'records');
    dl.start(N, 0, { rate: '' });
    const t = performance.now();
    const res = await fetch(`${server.url}/api/v1/export/signIns?format=${format}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    if (!res.ok || !res.body) throw new Error(`${res.status} ${await res.text()}`);
    const total = Number(res.headers.get('idtrail-record-count'));
    let bytes = 0;
    let lineCount = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (const b of value) if (b === 10) lineCount++;
      dl.update(Math.min(lineCount, N), {
        rate: `${int(lineCount / ((performance.now() - t) / 1000))} rec/s`,
      });
    }
    dl.stop();
    const seconds = (performance.now() - t) / 1000;
    // Where the server's memory is: V8 heap and external (buffers) versus the rest (DuckDB's buffer pool).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const metric = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1]) / 1024 / 1024;
    heap.push(
      `${format}: V8 heap ${fixed(metric('idtrail_nodejs_heap_size_total_bytes'), 0)} MiB (used ${fixed(metric('idtrail_nodejs_heap_size_used_bytes'), 0)}), external ${fixed(metric('idtrail_nodejs_external_memory_bytes'), 0)} MiB`,
    );
    // CSV: a header line, then a line per record; JSON: "[", "\n" before each record, "\n]\n".
    const records = format === 'csv' ? lineCount - 1 : lineCount - 2;
    if (records !== N || total !== N)
      throw new Error(`${format}: ${records} records streamed, ${total} announced, ${N} loaded`);
    rows.push([
      format,
      int(records),
      fixed(seconds, 2),
      int(records / seconds),
      fixed(bytes / 1024 / 1024, 0),
      fixed(peakMiB(server.pid), 0),
      seconds < 10 ? 'met' : 'MISSED',
    ]);
  }
  await server.stop();
  process.stdout.write(
    `\nbench:export — ${int(N)} sign-ins; server RSS before the downloads ${fixed(idleMiB, 0)} MiB\n`,
  );
  process.stdout.write(
    `${table(['format', 'records', 'seconds', 'records/s', 'MiB', 'server peak RSS MiB', '< 10 s'], rows)}\n`,
  );
  process.stdout.write(`after each download: ${heap.join('; ')}\n`);
} finally {
  killChildServers();
  rmSync(dir, { recursive: true, force: true });
}
