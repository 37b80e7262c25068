/**
 * A small pool of prepare workers (prepare-worker.ts). Large ingest bodies are prepared there, in
 * parallel with the main thread's HTTP handling and commits; small ones stay in-thread, where a
 * round trip would cost more than it saves.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PreparedRecord } from './committer.ts';
import type { CatalogMode, RecordError } from './validate.ts';

export interface PrepareRequest {
  id: number;
  category: string;
  text: string;
  contentType: string | undefined;
  catalogMode: CatalogMode;
  maxRecords: number;
}

export interface PrepareResponse {
  id: number;
  received: number;
  records: PreparedRecord[];
  errors: RecordError[];
  /** The body could not be parsed at all. */
  parseOnlyErrors: boolean;
  failure?: string;
}

/** Workers for a machine: one fewer than its cores (the main thread needs one), at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class PreparePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, (r: PrepareResponse) => void>();
  private readonly load: number[];
  private nextId = 1;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./prepare-worker-entry.mjs', import.meta.url));
      w.on('message', (r: PrepareResponse) => {
        const done = this.pending.get(r.id);
        this.pending.delete(r.id);
        done?.(r);
      });
      w.unref();
      return w;
    });
    this.load = this.workers.map(() => 0);
  }

  run(req: Omit<PrepareRequest, 'id'>): Promise<PrepareResponse> {
    const id = this.nextId++;
    // The least busy worker.
    let k = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[k]!) k = i;
    this.load[k]!++;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        this.load[k]!--;
        resolve(r);
      });
      this.workers[k]!.postMessage({ ...req, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
