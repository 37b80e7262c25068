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
import type { PreparedRecord } from '../ingest/committer.ts';
import type { IngestService } from '../ingest/service.ts';
import type { CatalogMode, RecordError } from '../ingest/validate.ts';
import { logType } from '../registry/log-types.ts';
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
}

export interface PreparedCategory {
  category: string;
  received: number;
  records: PreparedRecord[];
  errors: RecordError[];
}

export type ToMain =
  | { kind: 'chunk'; index: number; hours: number; batches: PreparedCategory[] }
  | { kind: 'done' }
  | { kind: 'failed'; message: string };

export type FromMain = { kind: 'ack' } | { kind: 'abort' };

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
   * Hand ingest the records as already normal, sharing immutable model values (default true);
   * false takes ingest's general path (normalise, canonicalise every value), for comparison.
   */
  normalized?: boolean;
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
    inFlight: 2,
    normalized: opts.normalized ?? true,
  };
  const totalHours = Math.max(0, (opts.to - opts.from) / HOUR);
  const chunks = Math.ceil(totalHours / job.chunkHours);
  const shards = Math.max(1, Math.min(opts.workers ?? Math.min(2, availableParallelism()), chunks));
  const workers = Array.from(
    { length: shards },
    (_, shard) =>
      new Worker(new URL('./backfill-worker-entry.mjs', import.meta.url), {
        workerData: { job, shard, shards },
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
    const ready = new Map<number, Extract<ToMain, { kind: 'chunk' }>>();
    let next = 0;
    let committing = false;
    let finished = 0;
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve({ records, byCategory });
    };
    const stopped = () => next >= chunks || (opts.signal?.aborted && finished === shards);
    // Commits the next chunks in order as they become ready; one chunk's categories are submitted
    // in the same turn, so the committer stores them in one transaction.
    const drain = async () => {
      if (committing) return;
      committing = true;
      try {
        for (let chunk = ready.get(next); chunk; chunk = ready.get(next)) {
          ready.delete(next);
          await Promise.all(
            chunk.batches.map((b) =>
              ingest.submitPrepared(opts.tenant, logType(b.category), b.received, b.records, b.errors),
            ),
          );
          for (const b of chunk.batches) {
            byCategory[b.category] = (byCategory[b.category] ?? 0) + b.received;
            records += b.received;
          }
          hoursDone += chunk.hours;
          opts.onHour?.(hoursDone, totalHours, records);
          workers[next % shards]!.postMessage({ kind: 'ack' } satisfies FromMain);
          next++;
        }
      } catch (err) {
        onAbort();
        settle(err);
        return;
      } finally {
        committing = false;
      }
      if (stopped()) settle();
    };
    workers.forEach((w) => {
      w.on('message', (m: ToMain) => {
        if (m.kind === 'chunk') {
          ready.set(m.index, m);
          void drain();
        } else if (m.kind === 'done') {
          finished++;
          if (stopped()) settle();
        } else {
          onAbort();
          settle(new Error(`simulator worker failed: ${m.message}`));
        }
      });
      w.on('error', (err) => {
        onAbort();
        settle(err);
      });
    });
    if (chunks === 0) settle();
  });
}
