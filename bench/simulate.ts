/**
 * bench:simulate — how fast the simulator produces sign-ins as NDJSON. Generates hours of a
 * tenant's sign-in traffic (all four Entra kinds and AD FS) until N records, serialises each
 * record to a line and writes the lines to W NDJSON shard files (`FILE.0` … `FILE.W-1`), one worker
 * thread per shard taking every W-th simulated hour (hours are independent, so the records are
 * the same for any W). Prints records/s and MB/s
 * next to a single-thread run of the same hours in the same process, as a ratio.
 *
 *   npm run bench:simulate -- [--records 10000000] [--users 10000] [--workers 2] [--out FILE]
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { SingleBar } from 'cli-progress';
import { tenantFor, writeHour } from '../src/simulate/engine.ts';
import { signInGenerators } from '../src/simulate/generators/signins.ts';
import { JsonWriter } from '../src/simulate/json.ts';
import { NdjsonFile } from '../src/simulate/ndjson-file.ts';
import { DAY, HOUR, type SimContext } from '../src/simulate/types.ts';

interface Job {
  seed: string;
  users: number;
  from: number;
}

function context(job: Job): SimContext {
  return { tenant: tenantFor(job.seed, job.users), seed: job.seed, from: job.from, to: job.from + 365 * DAY };
}

/** Lines accumulate in a buffer handed on every few MiB (no large allocation per hour). */
const CHUNK = 4 << 20;

/**
 * One hour of sign-ins as NDJSON bytes, every category into one writer; `flush` receives the
 * buffered bytes whenever a chunk is full and at the end of the hour. Returns records and bytes.
 */
function hourBytes(
  ctx: SimContext,
  hourStart: number,
  w: JsonWriter,
  flush: (bytes: Uint8Array) => void,
): { records: number; bytes: number } {
  let bytes = 0;
  const drain = () => {
    bytes += w.pos;
    flush(w.buf.subarray(0, w.pos));
    w.pos = 0;
  };
  const records = writeHour(ctx, signInGenerators, hourStart, () => {
    if (w.pos >= CHUNK) drain();
    return w;
  });
  drain();
  return { records, bytes };
}

if (!isMainThread) {
  // Each worker takes every W-th hour and appends its lines to its own shard file: nothing large
  // crosses threads, the main thread only counts. The file is the one `simulate --out` writes
  // (NdjsonFile: 4 MiB chunks in the background, direct to the disk where the filesystem allows),
  // with buffers for an hour of chunks: they come back only between hours, when the loop turns.
  const {
    job,
    shard,
    shards,
    file: shardFile,
  } = workerData as { job: Job; shard: number; shards: number; file: string };
  const ctx = context(job);
  const file = new NdjsonFile(shardFile, { chunk: CHUNK, buffers: 20 });
  let stop = false;
  parentPort!.on('message', () => {
    stop = true;
  });
  void (async () => {
    for (let h = shard; !stop; h += shards) {
      const sent = file.sent + file.writer.pos;
      const records = writeHour(ctx, signInGenerators, job.from + h * HOUR, () => {
        file.spill();
        return file.writer;
      });
      parentPort!.postMessage({ records, bytes: file.sent + file.writer.pos - sent });
      await file.drain(); // and lets a stop message in
      await new Promise((r) => setImmediate(r));
    }
    await file.close();
    parentPort!.postMessage({ done: true, direct: file.direct });
  })();
} else {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000000' },
      users: { type: 'string', default: '10000' },
      workers: { type: 'string', default: '2' },
      seed: { type: 'string', default: 'bench' },
      out: { type: 'string' },
      'baseline-hours': { type: 'string', default: '24' },
    },
  });
  const target = Number(values.records);
  const nWorkers = Math.max(1, Number(values.workers));
  const job: Job = { seed: values.seed!, users: Number(values.users), from: Date.UTC(2026, 0, 5) }; // a Monday
  const out = values.out ?? path.join(tmpdir(), `idtrail-bench-simulate-${process.pid}.ndjson`);

  // Baseline in the same run: the same generator on this thread, for a day of hours.
  const ctx = context(job);
  const baseHours = Number(values['baseline-hours']);
  let t0 = performance.now();
  let baseRecords = 0;
  let baseBytes = 0;
  const w = new JsonWriter(CHUNK + (1 << 20));
  for (let h = 0; h < baseHours; h++) {
    const { bytes, records } = hourBytes(ctx, job.from + h * HOUR, w, () => {});
    baseRecords += records;
    baseBytes += bytes;
  }
  const baseSeconds = (performance.now() - t0) / 1000;
  const baseRate = baseRecords / baseSeconds;

  const bar = new SingleBar({
    format: 'simulate {bar} {percentage}% | {value}/{total} sign-ins | {rate} rec/s',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  bar.start(target, 0, { rate: 0 });
  t0 = performance.now();
  // CPU of the whole process (every thread, GC included): steadier than wall time on a busy machine.
  const cpu0 = process.cpuUsage();
  let written = 0;
  let bytes = 0;
  let direct = false;
  const files = Array.from({ length: nWorkers }, (_, i) => `${out}.${i}`);
  await new Promise<void>((resolve, reject) => {
    let open = nWorkers;
    let stopped = false;
    const workers = files.map(
      (file, shard) =>
        new Worker(new URL('./lib/ts-worker.mjs', import.meta.url), {
          workerData: { module: import.meta.url, job, shard, shards: nWorkers, file },
        }),
    );
    for (const w of workers) {
      w.on('error', reject);
      w.on('message', (m: { records?: number; bytes?: number; done?: boolean; direct?: boolean }) => {
        if (m.done) {
          direct = m.direct!;
          void w.terminate();
          if (--open === 0) resolve();
          return;
        }
        written += m.records!;
        bytes += m.bytes!;
        bar.update(Math.min(written, target), {
          rate: Math.round(written / ((performance.now() - t0) / 1000)),
        });
        if (written >= target && !stopped) {
          stopped = true;
          for (const x of workers) x.postMessage('stop');
        }
      });
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  bar.stop();
  const size = files.reduce((n, f) => n + statSync(f).size, 0);
  if (!values.out) for (const f of files) rmSync(f, { force: true });
  const rate = written / seconds;
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(34)}${v}\n`);
  process.stdout.write(
    '\nbench:simulate — sign-ins (interactive, non-interactive, service principal, managed identity, AD FS) to NDJSON\n',
  );
  line('users / seed', `${job.users} / ${job.seed}`);
  line('output', `${out}.0…${nWorkers - 1} (${direct ? 'direct I/O' : 'through the page cache'})`);
  line(
    'records',
    `${written.toLocaleString('en-US')} (${(size / 2 ** 30).toFixed(2)} GiB, ${Math.round(bytes / written)} B/record)`,
  );
  line(
    `workers (${nWorkers}) records/s`,
    `${Math.round(rate).toLocaleString('en-US')}  (${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s, ${seconds.toFixed(1)} s)`,
  );
  line(
    'single thread, same run, records/s',
    `${Math.round(baseRate).toLocaleString('en-US')}  (${baseHours} h: ${baseRecords} records, ${(baseBytes / 2 ** 20 / baseSeconds).toFixed(0)} MiB/s)`,
  );
  line('ratio workers / single thread', (rate / baseRate).toFixed(2));
  line(
    'CPU (all threads)',
    `${cpuSeconds.toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s), ${((cpuSeconds * 1e6) / written).toFixed(2)} µs/record`,
  );
  line('budget ≥ 200,000 records/s', rate >= 200_000 ? 'met' : 'MISSED');
  process.stdout.write(
    `bench:simulate records=${written} workers=${nWorkers} rate=${Math.round(rate)}rec/s single=${Math.round(baseRate)}rec/s ratio=${(rate / baseRate).toFixed(2)} cpu=${((cpuSeconds * 1e6) / written).toFixed(2)}us/rec\n`,
  );
}
