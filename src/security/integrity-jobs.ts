/**
 * The background jobs of tamper evidence and retention: checkpoints every `checkpointMs` (and at
 * shutdown), retention every `retentionMs`. Runs never overlap; a failed run is kept with its error
 * and retried at the next tick. Recent runs are kept for the API; observers feed /metrics.
 */
import type { Store } from '../store/store.ts';
import { type CheckpointRun, signCheckpoints } from './checkpoint-job.ts';
import { type RetentionRun, runRetention } from './retention.ts';
import type { SigningKey } from './signing-key.ts';

export interface IntegrityJobOptions {
  /** 0 disables the timer (checkpoints are still signed at shutdown and on demand). */
  checkpointMs: number;
  /** 0 disables retention's timer (runs on demand only). */
  retentionMs: number;
  retentionDays: number;
  /** Awaited: copies of the run (digest files) are written before the next run starts. */
  onCheckpoint?(run: CheckpointRun): void | Promise<void>;
  onRetention?(run: RetentionRun): void;
}

const KEEP_RUNS = 20;

export class IntegrityJobs {
  readonly retentionRuns: RetentionRun[] = [];
  lastCheckpoint: CheckpointRun | null = null;
  private timers: NodeJS.Timeout[] = [];
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    readonly key: SigningKey,
    readonly opts: IntegrityJobOptions,
  ) {}

  start(): void {
    if (this.opts.checkpointMs > 0) this.every(this.opts.checkpointMs, () => this.checkpoint());
    if (this.opts.retentionMs > 0) this.every(this.opts.retentionMs, () => this.retention());
  }

  private every(ms: number, job: () => Promise<unknown>): void {
    const t = setInterval(() => void job().catch(() => {}), ms);
    t.unref();
    this.timers.push(t);
  }

  /** One job at a time: a purge and a checkpoint never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => {});
    return next;
  }

  checkpoint(): Promise<CheckpointRun> {
    return this.serial(async () => {
      const run = await signCheckpoints(this.store, this.key);
      this.lastCheckpoint = run;
      await this.opts.onCheckpoint?.(run);
      return run;
    });
  }

  retention(tenant?: string, now = new Date()): Promise<RetentionRun> {
    return this.serial(async () => {
      let run: RetentionRun;
      try {
        run = await runRetention(this.store, this.key, { days: this.opts.retentionDays }, now, tenant);
      } catch (err) {
        const at = new Date().toISOString();
        run = { startedAt: at, finishedAt: at, purged: [], error: String(err) };
      }
      this.retentionRuns.unshift(run);
      this.retentionRuns.length = Math.min(this.retentionRuns.length, KEEP_RUNS);
      this.opts.onRetention?.(run);
      if (run.error) throw new Error(run.error);
      return run;
    });
  }

  /** Stops the timers and signs a last checkpoint. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.checkpoint().catch(() => {});
  }
}
