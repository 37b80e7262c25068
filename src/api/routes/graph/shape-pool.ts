/**
 * Worker threads that shape a download's records (shape-worker.ts), so that on a machine with
 * cores to spare the request's thread only reads DuckDB's results and writes the socket while
 * the records of earlier batches are shaped (docs/benchmarks.md). Batches are handed out round
 * robin; a request keeps a few in flight and writes them back in order.
 */
import { Worker } from 'node:worker_threads';
import type { LogType } from '../../../registry/types.ts';
import type { ShapeOptions } from './shape.ts';
import type { ExportFormat } from './shape-batch.ts';

export interface ShapeJob {
  id: number;
  category: string;
  opts: ShapeOptions;
  format: ExportFormat;
  /** The batch's records joined by line breaks. */
  batch: Uint8Array;
}

export interface ShapeReply {
  id: number;
  piece?: Uint8Array;
  failure?: string;
}

export class ShapePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (b: Buffer) => void; reject: (e: Error) => void; worker: number }
  >();
  /** Jobs per worker: a worker with work keeps the process alive, an idle one does not. */
  private readonly busy: number[];
  private nextId = 1;
  private next = 0;
  /** Set when a worker died: what is asked after that fails at once instead of waiting forever. */
  private broken: Error | undefined;

  constructor(readonly size: number) {
    this.busy = new Array<number>(size).fill(0);
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./shape-worker-entry.mjs', import.meta.url));
      w.on('message', (r: ShapeReply) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if (!p) return;
        this.done(p.worker);
        if (r.piece) p.resolve(Buffer.from(r.piece.buffer, r.piece.byteOffset, r.piece.byteLength));
        else p.reject(new Error(`shaping failed in a worker: ${r.failure}`));
      });
      // A worker that dies fails what it was given rather than leaving a download hanging.
      w.on('error', (err) => {
        this.broken = err;
        this.failAll(err);
      });
      w.unref();
      return w;
    });
  }

  /**
   * A batch of records (joined by line breaks) shaped into one piece of the body (shape-batch.ts).
   * The batch's memory moves to the worker when it is the whole of its ArrayBuffer (then `batch`
   * is empty afterwards), and is copied otherwise.
   */
  shape(type: LogType, opts: ShapeOptions, format: ExportFormat, batch: Buffer): Promise<Buffer> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const own = batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength;
    const job: ShapeJob = {
      id,
      category: type.category,
      opts,
      format,
      batch: own ? batch : Uint8Array.from(batch),
    };
    const k = this.next++ % this.workers.length;
    const worker = this.workers[k]!;
    if (this.busy[k]!++ === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: k });
      worker.postMessage(job, [job.batch.buffer as ArrayBuffer]);
    });
  }

  private done(k: number): void {
    if (--this.busy[k]! === 0) this.workers[k]!.unref();
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) {
      this.done(p.worker);
      p.reject(err);
    }
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.failAll(new Error('the shaping workers were closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
