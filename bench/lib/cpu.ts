/**
 * CPU accounting from /proc (Linux): where the machine's CPU time went during a measurement —
 * the server's JavaScript thread, its DuckDB and libuv worker threads, the load generator, and
 * everything else running on the machine (so a noisy neighbour shows up in the results).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ: clock ticks per second on Linux

function readStat(path: string): { comm: string; ticks: number } | null {
  try {
    const s = readFileSync(path, 'utf8');
    // pid (comm) state ... field 14 utime, 15 stime (1-based); comm may hold spaces or parentheses.
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    return { comm, ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/**
 * CPU ticks per thread of a process, keyed "main" (the JS thread) or the thread's name. DuckDB's
 * worker threads and libuv's thread pool are unnamed, so they share the process name ("node").
 */
export function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const st = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (!st) continue;
    const key = Number(tid) === pid ? 'main' : st.comm;
    out.set(key, (out.get(key) ?? 0) + st.ticks);
  }
  return out;
}

/** Busy ticks of the whole machine, summed over all CPUs. */
export function machineTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return total - idle;
}

export interface CpuSnapshot {
  at: number;
  machine: number;
  server: Map<string, number>;
  bench: Map<string, number>;
}

export function snapshot(serverPid: number | null): CpuSnapshot {
  return {
    at: performance.now(),
    machine: machineTicks(),
    server: serverPid ? threadTicks(serverPid) : new Map(),
    bench: threadTicks(process.pid),
  };
}

export interface CpuUsage {
  seconds: number;
  /** CPU-seconds of the server's JS thread, its other threads by name, and its total. */
  serverMain: number;
  serverThreads: Array<[string, number]>;
  serverTotal: number;
  /** CPU-seconds of this process (load generator; in-process mode: also the server). */
  benchMain: number;
  benchTotal: number;
  /** CPU-seconds used by everything else on the machine. */
  others: number;
  machineBusy: number;
}

function diff(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of b) out.set(k, (v - (a.get(k) ?? 0)) / TICK);
  return out;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

export function usage(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const server = diff(before.server, after.server);
  const bench = diff(before.bench, after.bench);
  const machineBusy = (after.machine - before.machine) / TICK;
  return {
    seconds: (after.at - before.at) / 1000,
    serverMain: server.get('main') ?? 0,
    serverThreads: [...server].filter(([k]) => k !== 'main').sort((x, y) => y[1] - x[1]),
    serverTotal: sum(server),
    benchMain: bench.get('main') ?? 0,
    benchTotal: sum(bench),
    others: Math.max(0, machineBusy - sum(server) - sum(bench)),
    machineBusy,
  };
}
