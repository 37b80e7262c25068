/**
 * Runs generators over simulated time, hour by hour, and hands their records to a sink in
 * batches per category. Deterministic: each generator gets an Rng forked from the seed, the
 * generator's name and the hour, so output depends only on (seed, users, window).
 */
import { findLogType } from '../registry/log-types.ts';
import type { JsonWriter } from './json.ts';
import { Rng } from './rng.ts';
import { buildTenant, type Tenant } from './tenant.ts';
import { type Emit, type Generator, HOUR, type SimContext, type SimRecord } from './types.ts';

export interface Sink {
  /** Stores one batch of one category; resolves when it is safe to send more. */
  write(category: string, records: SimRecord[]): Promise<void>;
  /**
   * A sink that takes NDJSON text may offer writers: `run` then writes each hour's lines into them
   * (`writeHour`, from fragments) and awaits `flush` after the hour, instead of building objects.
   */
  lines?: { writer(category: string): JsonWriter; flush(): Promise<void> };
  close?(): Promise<void>;
}

export interface RunOptions {
  seed: string;
  users: number;
  /** Window start and end, ms since the epoch; both are rounded down to the hour. */
  from: number;
  to: number;
  tenantId?: string;
  batchSize?: number;
  generators: readonly Generator[];
  onHour?(done: number, total: number, records: number): void;
  /** Stops the run between hours (what was handed to the sink stays handed). */
  signal?: AbortSignal;
}

export interface RunResult {
  records: number;
  byCategory: Record<string, number>;
  tenant: Tenant;
}

export function tenantFor(seed: string, users: number, tenantId?: string): Tenant {
  return buildTenant({ seed, users, ...(tenantId ? { tenantId } : {}) });
}

/**
 * Generates one hour of every generator, in generator order. `immutable`: the caller neither
 * mutates nor normalises the records, which may then share deep-frozen model values (Emit).
 */
export function generateHour(
  ctx: SimContext,
  generators: readonly Generator[],
  hourStart: number,
  immutable = false,
): Array<[string, SimRecord]> {
  const out: Array<[string, SimRecord]> = [];
  const emit: Emit = Object.assign(
    (category: string, record: SimRecord) => {
      out.push([category, record]);
    },
    { immutable },
  );
  for (const g of generators) g.hour(ctx, hourStart, new Rng(`${ctx.seed}:${g.name}:${hourStart}`), emit);
  return out;
}

/**
 * One hour of every generator as NDJSON, in generator order, into a writer per category: the hot
 * generators write their lines from fragments (simulate/json.ts), the others hand objects
 * serialised here. Each line is what `JSON.stringify` of the record from `generateHour` gives.
 * Returns the number of records.
 */
export function writeHour(
  ctx: SimContext,
  generators: readonly Generator[],
  hourStart: number,
  out: (category: string) => JsonWriter,
): number {
  let n = 0;
  const counting = (category: string) => {
    n++;
    return out(category);
  };
  const emit: Emit = Object.assign(
    (category: string, record: SimRecord) => {
      const w = counting(category);
      w.json(JSON.stringify(record));
      w.newline();
    },
    { out: counting },
  );
  for (const g of generators) g.hour(ctx, hourStart, new Rng(`${ctx.seed}:${g.name}:${hourStart}`), emit);
  return n;
}

export async function run(opts: RunOptions, sink: Sink): Promise<RunResult> {
  const from = Math.floor(opts.from / HOUR) * HOUR;
  const to = Math.floor(opts.to / HOUR) * HOUR;
  const tenant = tenantFor(opts.seed, opts.users, opts.tenantId);
  const ctx: SimContext = { tenant, seed: opts.seed, from, to };
  const batchSize = opts.batchSize ?? 5000;
  const buffers = new Map<string, SimRecord[]>();
  const byCategory: Record<string, number> = {};
  let records = 0;
  const total = Math.max(0, (to - from) / HOUR);
  const lines = sink.lines;
  for (let h = 0; h < total && !opts.signal?.aborted; h++) {
    if (lines) {
      records += writeHour(ctx, opts.generators, from + h * HOUR, (category) => {
        byCategory[category] = (byCategory[category] ?? 0) + 1;
        return lines.writer(category);
      });
      await lines.flush();
      opts.onHour?.(h + 1, total, records);
      continue;
    }
    for (const [category, record] of generateHour(ctx, opts.generators, from + h * HOUR)) {
      let buf = buffers.get(category);
      if (!buf) {
        buf = [];
        buffers.set(category, buf);
      }
      buf.push(record);
      records++;
      byCategory[category] = (byCategory[category] ?? 0) + 1;
      if (buf.length >= batchSize) {
        buffers.set(category, []);
        await sink.write(category, buf);
      }
    }
    opts.onHour?.(h + 1, total, records);
  }
  for (const [category, buf] of buffers) if (buf.length > 0) await sink.write(category, buf);
  return { records, byCategory, tenant };
}

/**
 * Live traffic: generates each hour as it begins and releases its records as the wall clock
 * passes their times, until `signal` aborts. Hours already covered (before `since`) are skipped.
 */
export async function follow(
  opts: Omit<RunOptions, 'from' | 'to' | 'onHour'> & { since: number; signal: AbortSignal; tickMs?: number },
  sink: Sink,
  onTick?: (records: number) => void,
): Promise<number> {
  const tenant = tenantFor(opts.seed, opts.users, opts.tenantId);
  let hour = Math.floor(opts.since / HOUR) * HOUR;
  let pending: Array<{ t: number; category: string; record: SimRecord }> = [];
  let released = 0;
  const timeOf = (category: string, r: SimRecord) =>
    Date.parse(String(r[findLogType(category)?.timeField ?? 'time']));
  while (!opts.signal.aborted) {
    const now = Date.now();
    while (hour <= now) {
      const ctx: SimContext = { tenant, seed: opts.seed, from: hour, to: hour + HOUR };
      for (const [category, record] of generateHour(ctx, opts.generators, hour)) {
        const t = timeOf(category, record);
        if (t >= opts.since) pending.push({ t, category, record });
      }
      hour += HOUR;
    }
    const due = pending.filter((p) => p.t <= now);
    pending = pending.filter((p) => p.t > now);
    const byCat = new Map<string, SimRecord[]>();
    for (const p of due) {
      let list = byCat.get(p.category);
      if (!list) {
        list = [];
        byCat.set(p.category, list);
      }
      list.push(p.record);
    }
    for (const [category, list] of byCat) await sink.write(category, list);
    released += due.length;
    onTick?.(released);
    await new Promise((r) => setTimeout(r, opts.tickMs ?? 1000));
  }
  return released;
}
