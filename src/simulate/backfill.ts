/**
 * Backfill into the in-process ingest pipeline with generation on worker threads: the workers
 * generate and prepare chunks of hours (backfill-worker.ts), this thread seals and commits them
 * through the same IngestService as every other write — so a batch that fails validation is
 * refused whole here as anywhere. Chunks are committed in time order (oldest or newest first)
 * whatever worker made them, so an interrupted backfill leaves a gap-free prefix (or suffix) of
 * the window, which startDemo resumes from.
 * The records are those of `run` on one thread: same generators, seeds and window.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CommitSequence, type PreparedRecord } from '../ingest/committer.ts';
import type { IngestService } from '../ingest/service.ts';
import type { CatalogMode, RecordError } from '../ingest/validate.ts';
import { logType } from '../registry/log-types.ts';
import type { RecordDictionary } from '../store/store.ts';
import { HOUR } from './types.ts';

export interface BackfillJob {
  seed: string;
  users: number;
  from: number;
  to: number;
  tenantId?: string;
  catalogMode: CatalogMode;
  /** Hours per chunk: the unit of generation, of commit and of resumption. */
  chunkHours: number;
  /** Commit the newest chunks first (the demo: recent days appear within seconds). */
  newestFirst: boolean;
  /** Chunks a worker may have prepared ahead of the commits. */
  inFlight: number;
  /** Records go to ingest as already normal, with shared immutable values (backfill-worker.ts). */
  normalized: boolean;
  /** Workers compress records with the store's dictionaries (then also sent as they appear). */
  compress: boolean;
  dictionaries: RecordDictionary[];
}

/**
 * Groups submitted and not yet committed. One: the next group fills while this one commits. Two
 * (the next sealed and staged meanwhile) held another group of several days in memory, ~0.8 GB
 * for the demo, and measured slower on two cores (bench:demo).
 */
const MAX_PENDING = 1;

/** See the Worker's resourceLimits below (bench:demo: 5–8 s less CPU in the demo start). */
const WORKER_YOUNG_MB = 192;

/**
 * One batch per category for a group of chunks, smallest first, and `last` (BackfillOptions.marker)
 * after all others: the committer may split a group's batches over several commits.
 */
function mergeBatches(group: readonly Chunk[], last?: string): PreparedCategory[] {
  const by = new Map<string, PreparedCategory>();
  for (const c of group)
    for (const b of c.batches) {
      const m = by.get(b.category);
      if (!m) by.set(b.category, { ...b, records: [...b.records], errors: [...b.errors] });
      else {
        m.received += b.received;
        for (const r of b.records) m.records.push(r);
        for (const e of b.errors) m.errors.push(e);
      }
    }
  const rank = (b: PreparedCategory) => (b.category === last ? Number.POSITIVE_INFINITY : b.records.length);
  return [...by.values()].sort((a, b) => rank(a) - rank(b));
}

export interface PreparedCategory {
  category: string;
  received: number;
  records: PreparedRecord[];
  errors: RecordError[];
}

type Chunk = Extract<ToMain, { kind: 'chunk' }>;

export type ToMain =
  | { kind: 'chunk'; index: number; hours: number; batches: PreparedCategory[] }
  | { kind: 'done' }
  | { kind: 'failed'; message: string };

export type FromMain =
  | { kind: 'ack' }
  | { kind: 'abort' }
  /** Dictionaries the store made since (a table's first commit makes its own). */
  | { kind: 'dictionaries'; list: RecordDictionary[] };

export interface BackfillOptions {
  seed: string;
  users: number;
  /** The window, ms since the epoch, on whole hours. */
  from: number;
  to: number;
  /** The tenant records are stored under (and the simulated tenant's id). */
  tenant: string;
  catalogMode: CatalogMode;
  /** Worker threads (default: the cores, at most 2 — the main thread seals and commits). */
  workers?: number;
  chunkHours?: number;
  /** Newest chunks first: what is stored at any moment is a suffix of the window, not a prefix. */
  newestFirst?: boolean;
  /**
   * Compress each record's compact form on the workers with the store's dictionaries (default
   * true); records of a table prepared before it had one are compressed by the store as always.
   */
  compress?: boolean;
  /**
   * Hand ingest the records as already normal, sharing immutable model values (default true);
   * false takes ingest's general path (normalise, canonicalise every value), for comparison.
   */
  normalized?: boolean;
  /**
   * Rows of one table per commit (default: the store's `bulkAppendRows`); after the first chunk,
   * chunks are committed in groups that reach it. Progress and aborts come at group boundaries.
   */
  bulkRows?: number;
  /**
   * A category whose stored time range is taken as what the backfill stored (the demo resumes from
   * its non-interactive sign-ins): in each group it commits after every other category, so that an
   * interrupted backfill never leaves it ahead of the rest.
   */
  marker?: string;
  onHour?(done: number, total: number, records: number): void;
  signal?: AbortSignal;
}

export interface BackfillResult {
  records: number;
  byCategory: Record<string, number>;
}

export function backfill(ingest: IngestService, opts: BackfillOptions): Promise<BackfillResult> {
  const job: BackfillJob = {
    seed: opts.seed,
    users: opts.users,
    from: opts.from,
    to: opts.to,
    tenantId: opts.tenant,
    catalogMode: opts.catalogMode,
    chunkHours: opts.chunkHours ?? 6,
    newestFirst: opts.newestFirst ?? false,
    inFlight: 3,
    normalized: opts.normalized ?? true,
    compress: opts.compress ?? true,
    dictionaries: [],
  };
  // Dictionaries the workers have: the store makes one per table from its first commit.
  const sent = new Set<number>();
  const newDictionaries = () => {
    if (!job.compress) return [];
    const fresh = ingest.recordDictionaries().filter((d) => !sent.has(d.id));
    for (const d of fresh) sent.add(d.id);
    return fresh;
  };
  job.dictionaries = newDictionaries();
  const bulk = opts.bulkRows ?? ingest.bulkAppendRows();
  const totalHours = Math.max(0, (opts.to - opts.from) / HOUR);
  const chunks = Math.ceil(totalHours / job.chunkHours);
  const shards = Math.max(1, Math.min(opts.workers ?? Math.min(2, availableParallelism()), chunks));
  const workers = Array.from(
    { length: shards },
    (_, shard) =>
      new Worker(new URL('./backfill-worker-entry.mjs', import.meta.url), {
        workerData: { job, shard, shards },
        // A young generation of 3 × 64 MB semi-spaces: a chunk's records live until it is prepared,
        // which with V8's default (16 MB) promoted most of them to the old generation first.
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      }),
  );
  const byCategory: Record<string, number> = {};
  let records = 0;
  let hoursDone = 0;
  const onAbort = () => {
    for (const w of workers) w.postMessage({ kind: 'abort' } satisfies FromMain);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise<BackfillResult>((resolve, reject) => {
    const ready = new Map<number, Chunk>();
    // Chunks are committed in groups, in order: the first chunk alone (the newest hours show at
    // once), then consecutive chunks until one table holds `bulk` rows — the size at which the store
    // writes an append most cheaply (DuckDB: whole compressed row groups, without its WAL). One
    // group commits while the next fills (MAX_PENDING). The sequence makes them land as a prefix:
    // after a failed commit, nothing later of this backfill is stored.
    const sequence = new CommitSequence();
    let next = 0; // the next chunk index to take into the group
    let group: Chunk[] = [];
    const groupRows = new Map<string, number>();
    let pending = 0; // groups submitted, not yet committed
    let failed = false;
    let finished = 0;
    let settled = false;
    let reported = Promise.resolve();
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve({ records, byCategory });
    };
    const fail = (err: unknown) => {
      failed = true;
      onAbort();
      settle(err);
    };
    const maybeSettle = () => {
      if (pending > 0 || failed) return;
      if (next >= chunks || (opts.signal?.aborted && finished === shards)) settle();
    };
    // A group closes at `bulk` rows of one table, or at four times that in all (many tables, none
    // large), so that what waits here is bounded: at most MAX_PENDING groups and the open one, and
    // the chunks the workers made ahead (`inFlight` each, acked when taken into a group).
    let groupTotal = 0;
    const closed = () =>
      group.length > 0 &&
      (group[0]!.index === 0 || groupTotal >= bulk * 4 || Math.max(0, ...groupRows.values()) >= bulk);
    const submit = (chunksOfGroup: Chunk[]) => {
      pending++;
      const merged = mergeBatches(chunksOfGroup, opts.marker);
      const hours = chunksOfGroup.reduce((n, c) => n + c.hours, 0);
      const committed = Promise.all(
        merged.map((b) =>
          ingest.submitPrepared(opts.tenant, logType(b.category), b.received, b.records, b.errors, {
            sequence,
            // A request's bound does not apply: the groups are bounded here (`closed`).
            maxRecords: Number.POSITIVE_INFINITY,
          }),
        ),
      );
      // A group refused before it was queued (invalid records) must stop the groups after it too.
      if (merged.some((b) => b.errors.length > 0)) failed = true;
      // Only the counts are kept: the records may go once the committer has staged them.
      const counts = merged.map((b) => [b.category, b.received] as const);
      // Commits land in submission order; progress is reported in the same order.
      reported = reported.then(() =>
        committed.then(
          () => {
            if (failed) return;
            for (const [category, received] of counts) {
              byCategory[category] = (byCategory[category] ?? 0) + received;
              records += received;
            }
            hoursDone += hours;
            pending--;
            opts.onHour?.(hoursDone, totalHours, records);
            const list = newDictionaries();
            if (list.length > 0)
              for (const w of workers) w.postMessage({ kind: 'dictionaries', list } satisfies FromMain);
            drain();
            maybeSettle();
          },
          (err: unknown) => fail(err),
        ),
      );
    };
    const drain = () => {
      while (!failed && !opts.signal?.aborted) {
        for (let c = ready.get(next); c && !closed(); c = ready.get(next)) {
          ready.delete(next);
          workers[next++ % shards]!.postMessage({ kind: 'ack' } satisfies FromMain);
          group.push(c);
          for (const b of c.batches) {
            groupRows.set(b.category, (groupRows.get(b.category) ?? 0) + b.records.length);
            groupTotal += b.records.length;
          }
        }
        if (!(closed() || (group.length > 0 && next >= chunks)) || pending >= MAX_PENDING) return;
        const g = group;
        group = [];
        groupRows.clear();
        groupTotal = 0;
        submit(g);
      }
    };
    workers.forEach((w) => {
      w.on('message', (m: ToMain) => {
        if (m.kind === 'chunk') {
          ready.set(m.index, m);
          drain();
        } else if (m.kind === 'done') {
          finished++;
          maybeSettle();
        } else {
          fail(new Error(`simulator worker failed: ${m.message}`));
        }
      });
      w.on('error', (err) => fail(err));
    });
    if (chunks === 0) settle();
  });
}
