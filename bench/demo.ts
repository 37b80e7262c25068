/**
 * The demo start (`bin/idtrail serve --demo`) on an empty data folder, measured from outside: the
 * server runs as a child process; when it prints that the backfill is done, its CPU time per
 * thread is read from /proc (JS thread, the two backfill workers, DuckDB's and libuv's threads)
 * and it is stopped. CPU time is the figure to compare on a shared machine; wall time and the
 * load average are printed beside it.
 *
 *   npm run bench:demo -- [--days 30] [--users 1000] [--runs 1] [--cpu-prof DIR] [--keep]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    users: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
    threads: { type: 'boolean', default: false },
    /** V8/Node flags for the server, space-separated (e.g. GC settings to compare). */
    'node-flags': { type: 'string', default: '' },
  },
});

const TICK = 100;
const root = path.resolve(import.meta.dirname, '..');

interface Run {
  records: number;
  wall: number;
  serverSeconds: number;
  cpu: Map<string, number>;
  load: number[];
  /** Resident memory now and at its peak, MB. */
  rss: number;
  peakRss: number;
}

function memory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peakRss: kb('VmHWM') / 1024 };
}

/** CPU ticks of each thread (Node names none of its threads: DuckDB's, libuv's and the workers' are told apart by size). */
function perThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  // The process's own line counts the threads that ended too (the backfill workers end before the
  // line this waits for): what the live threads do not account for is theirs.
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const pf = st.slice(st.lastIndexOf(')') + 2).split(' ');
  let rest = Number(pf[11]) + Number(pf[12]);
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      // Keyed by start time (field 22) so that threads sort in creation order.
      out.set(Number(tid) === pid ? 'main' : `${f[19]}:${tid}`, Number(f[11]) + Number(f[12]));
      rest -= Number(f[11]) + Number(f[12]);
    } catch {
      // the thread ended
    }
  }
  out.set('ended', rest);
  return out;
}

async function once(port: number): Promise<Run> {
  const data = mkdtempSync(path.join(tmpdir(), 'idtrail-demo-'));
  const nodeArgs = [
    ...args['node-flags'].split(' ').filter(Boolean),
    ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : []),
  ];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(root, 'bin/idtrail'),
      'serve',
      '--demo',
      '--demo-days',
      args.days,
      '--demo-users',
      args.users,
      '--data',
      data,
      '--port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDTRAIL_LOG_LEVEL: 'warn' } },
  );
  const t0 = performance.now();
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    err = (err + s).slice(-20_000);
  });
  try {
    const run = await new Promise<Run>((resolve, reject) => {
      child.on('exit', (code) =>
        reject(new Error(`server exited (${code}) before the backfill ended:\n${out}\n${err}`)),
      );
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (s: string) => {
        out += s;
        const m = /demo tenant: (\d+) records in ([\d.]+) s/.exec(out);
        if (!m) return;
        // Read at once: live traffic starts right after this line.
        const ticks = perThread(child.pid!);
        resolve({
          ...memory(child.pid!),
          records: Number(m[1]),
          wall: (performance.now() - t0) / 1000,
          serverSeconds: Number(m[2]),
          cpu: new Map([...ticks].map(([k, v]) => [k, v / TICK])),
          load: loadavg(),
        });
      });
    });
    return run;
  } finally {
    child.removeAllListeners('exit');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    if (!args.keep) rmSync(data, { recursive: true, force: true });
    else console.log(`data kept in ${data}`);
  }
}

const runs = Number(args.runs);
for (let i = 0; i < runs; i++) {
  const r = await once(18_000 + Math.floor(Math.random() * 2_000));
  const total = [...r.cpu.values()].reduce((a, b) => a + b, 0);
  if (args.threads) {
    const byStart = [...r.cpu]
      .filter(([k]) => k !== 'main' && k !== 'ended')
      .sort((a, b) => Number(a[0].split(':')[0]) - Number(b[0].split(':')[0]));
    console.log(
      `threads in creation order: ${byStart.map(([k, v]) => `${k.split(':')[0]} ${v.toFixed(1)}`).join(', ')}`,
    );
  }
  const sorted = [...r.cpu].sort((a, b) => b[1] - a[1]);
  const rest = sorted.slice(8).reduce((a, [, v]) => a + v, 0);
  const threads = [
    ...sorted.slice(0, 8).map(([k, v]) => `${k === 'main' || k === 'ended' ? k : 't'} ${v.toFixed(1)}`),
    `others ${rest.toFixed(1)}`,
  ].join(', ');
  console.log(
    `run ${i + 1}: ${r.records} records, backfill ${r.serverSeconds.toFixed(1)} s (process ${r.wall.toFixed(1)} s), ` +
      `CPU ${total.toFixed(1)} s (${((total / r.records) * 1e6).toFixed(0)} µs/record) [${threads}], ` +
      `RSS ${r.rss.toFixed(0)} MB (peak ${r.peakRss.toFixed(0)}), load ${r.load.map((l) => l.toFixed(2)).join(' ')}`,
  );
}
