/**
 * Delivery: one loop per route (tenant, setting, category, destination). Each reads the tenant's
 * chain from its durable cursor, writes the records to the destination's sink, and moves the cursor
 * only once the sink has them: at-least-once, in seq order per category. A failing destination
 * retries with exponential backoff and jitter inside its own loops, so it slows neither ingest
 * (which never waits on delivery) nor any other route.
 *
 * Duplicate window: a crash between a sink's durable write and the cursor's commit delivers that
 * one batch (at most `batchSize` records of one route) again after the restart.
 */
import { findLogType } from '../registry/log-types.ts';
import type { LogType } from '../registry/types.ts';
import type { CursorKey, DestinationRow, SettingRow, Store } from '../store/store.ts';
import { backoffMs } from './backoff.ts';
import { toOutRecord } from './format.ts';
import { routesOf, type SettingProperties } from './settings.ts';
import { createSink } from './sinks/index.ts';
import type { Sink } from './sinks/sink.ts';

export interface RouterOptions {
  /** Records read and delivered per step (also the duplicate window after a crash). */
  batchSize?: number;
  /** First retry delay and the cap of the exponential backoff. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often an idle route looks for records even without a commit notice. */
  idlePollMs?: number;
  /** AuditLogs exports' `properties.tenantGeo`. */
  tenantGeo?: string;
}

export interface RouterObserver {
  delivered?(key: CursorKey, records: number): void;
  failed?(key: CursorKey, error: string): void;
}

export interface RouteStatus extends CursorKey {
  type: string;
  /** Records stored but not yet delivered (0 for the workspace, which reads the store itself). */
  lag: number;
  delivered: number;
  nextSeq: number;
  state: 'idle' | 'delivering' | 'retrying' | 'registered';
  failures: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
}

const routeId = (k: CursorKey) => [k.tenant, k.setting, k.category, k.destination].join('\u0000');
const headId = (category: string, tenant: string) => `${category}\u0000${tenant}`;

interface SinkEntry {
  type: string;
  config: string;
  sink: Sink | null;
}

class Route {
  nextSeq = 1;
  delivered = 0;
  failures = 0;
  lastError: string | null = null;
  lastErrorAt: string | null = null;
  lastDeliveredAt: string | null = null;
  state: RouteStatus['state'] = 'idle';
  private stopped = false;
  /** A commit notice that came while the loop was not asleep: the next idle sleep is skipped. */
  private poked = false;
  private wakeUp: (() => void) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly key: CursorKey,
    readonly type: LogType,
    readonly destType: string,
    readonly sink: Sink | null,
    private readonly router: Router,
  ) {}

  status(head: number): RouteStatus {
    return {
      ...this.key,
      type: this.destType,
      lag: this.sink ? Math.max(0, head - this.nextSeq + 1) : 0,
      delivered: this.delivered,
      nextSeq: this.nextSeq,
      state: this.sink ? this.state : 'registered',
      failures: this.failures,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      lastDeliveredAt: this.lastDeliveredAt,
    };
  }

  start(): void {
    if (this.sink) this.done = this.loop(this.sink);
  }

  /** Ends a sleep for new records (not a backoff: a failing destination keeps its pace). */
  wake(): void {
    if (this.state === 'retrying') return;
    this.poked = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = () => {
        if (this.sleepTimer) clearTimeout(this.sleepTimer);
        this.wakeUp = null;
        resolve();
      };
      this.sleepTimer = setTimeout(() => this.wakeUp?.(), ms);
    });
  }

  private async loop(sink: Sink): Promise<void> {
    const { store, opts } = this.router;
    while (!this.stopped) {
      try {
        this.poked = false;
        const rows = await store.readChain(this.type, this.key.tenant, this.nextSeq, opts.batchSize);
        if (rows.length === 0) {
          this.state = 'idle';
          if (this.poked) this.poked = false;
          else await this.sleep(opts.idlePollMs);
          continue;
        }
        this.state = 'delivering';
        const records = rows.map((r) => toOutRecord(this.type, this.key.tenant, r, opts.tenantGeo));
        await sink.deliver({ tenant: this.key.tenant, category: this.key.category, records });
        const next = rows[rows.length - 1]!.seq + 1;
        await store.advanceCursor(this.key, next, this.delivered + rows.length);
        this.nextSeq = next;
        this.delivered += rows.length;
        this.failures = 0;
        this.lastDeliveredAt = new Date().toISOString();
        this.router.noteHead(this.key.category, this.key.tenant, next - 1);
        this.router.observer.delivered?.(this.key, rows.length);
      } catch (err) {
        if (this.stopped) break;
        this.failures++;
        this.state = 'retrying';
        this.lastError = err instanceof Error ? err.message || String(err) : String(err);
        this.lastErrorAt = new Date().toISOString();
        this.router.observer.failed?.(this.key, this.lastError);
        await this.sleep(backoffMs(this.failures, opts.backoffBaseMs, opts.backoffMaxMs));
      }
    }
  }
}

export class Router {
  readonly opts: Required<RouterOptions>;
  private routes = new Map<string, Route>();
  private sinks = new Map<string, SinkEntry>();
  private heads = new Map<string, number>();
  private reconciling: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly store: Store,
    opts: RouterOptions = {},
    readonly observer: RouterObserver = {},
  ) {
    this.opts = {
      batchSize: opts.batchSize ?? 1000,
      backoffBaseMs: opts.backoffBaseMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 60_000,
      idlePollMs: opts.idlePollMs ?? 5_000,
      tenantGeo: opts.tenantGeo ?? 'NA',
    };
  }

  /** Called after every ingest commit: new chain heads; wakes the routes that have new records. */
  onCommit(heads: ReadonlyArray<{ category: string; tenant: string; seq: number }>): void {
    for (const h of heads) this.noteHead(h.category, h.tenant, h.seq);
    for (const r of this.routes.values()) {
      if (heads.some((h) => h.category === r.key.category && h.tenant === r.key.tenant)) r.wake();
    }
  }

  noteHead(category: string, tenant: string, seq: number): void {
    const id = headId(category, tenant);
    if ((this.heads.get(id) ?? 0) < seq) this.heads.set(id, seq);
  }

  /** Loads the settings and starts delivering. */
  async start(): Promise<void> {
    await this.reconcile();
  }

  /** Brings the running routes in line with the stored settings and destinations. */
  reconcile(): Promise<void> {
    const run = this.reconciling.then(() => this.reconcileNow());
    this.reconciling = run.catch(() => {});
    return run;
  }

  private async reconcileNow(): Promise<void> {
    if (this.closed) return;
    const [settings, destinations] = await Promise.all([
      this.store.listSettings(),
      this.store.listDestinations(),
    ]);
    const dests = new Map(destinations.map((d) => [`${d.tenant}\u0000${d.name}`, d]));

    // Sinks: one per destination, rebuilt when its config changes.
    const stale: Sink[] = [];
    for (const [id, entry] of this.sinks) {
      const d = dests.get(id);
      if (!d || d.type !== entry.type || JSON.stringify(d.config) !== entry.config) {
        this.sinks.delete(id);
        if (entry.sink) stale.push(entry.sink);
      }
    }

    const wanted = new Map<string, { key: CursorKey; dest: DestinationRow; setting: SettingRow }>();
    for (const s of settings) {
      for (const r of routesOf(s.properties as unknown as SettingProperties)) {
        const dest = dests.get(`${s.tenant}\u0000${r.destination}`);
        if (!dest) continue;
        const key = { tenant: s.tenant, setting: s.name, category: r.category, destination: r.destination };
        wanted.set(routeId(key), { key, dest, setting: s });
      }
    }

    // Stop routes no longer wanted, or whose sink is being replaced.
    const stopping: Promise<void>[] = [];
    for (const [id, route] of this.routes) {
      const w = wanted.get(id);
      const sinkGone = !this.sinks.has(`${route.key.tenant}\u0000${route.key.destination}`);
      if (!w || sinkGone) {
        this.routes.delete(id);
        stopping.push(route.stop());
        if (!w && route.sink) await this.store.deleteCursor(route.key);
      }
    }
    await Promise.all(stopping);
    await Promise.all(stale.map((s) => s.close().catch(() => {})));

    // Read after the stops: a stopped route may have moved its cursor on its way out.
    const cursors = await this.store.listCursors();
    const cursorById = new Map(cursors.map((c) => [routeId(c), c]));
    for (const [id, w] of wanted) {
      if (this.routes.has(id)) continue;
      const type = findLogType(w.key.category);
      if (!type) continue;
      const sinkId = `${w.key.tenant}\u0000${w.key.destination}`;
      let entry = this.sinks.get(sinkId);
      if (!entry) {
        entry = {
          type: w.dest.type,
          config: JSON.stringify(w.dest.config),
          sink: createSink(w.dest.type, w.dest.config),
        };
        this.sinks.set(sinkId, entry);
      }
      const route = new Route(w.key, type, w.dest.type, entry.sink, this);
      if (entry.sink) {
        let cursor = cursorById.get(id);
        if (!cursor) {
          const replayFrom = (w.setting.properties as unknown as SettingProperties).replayFrom;
          const start = await this.store.firstSeqSince(
            type,
            w.key.tenant,
            replayFrom ?? new Date().toISOString(),
          );
          cursor = await this.store.ensureCursor({ ...w.key, nextSeq: start, delivered: 0 });
        }
        route.nextSeq = cursor.nextSeq;
        route.delivered = cursor.delivered;
        this.noteHead(type.category, w.key.tenant, await this.headOf(type, w.key.tenant));
      }
      this.routes.set(id, route);
      route.start();
    }
  }

  private async headOf(type: LogType, tenant: string): Promise<number> {
    const known = this.heads.get(headId(type.category, tenant));
    if (known !== undefined) return known;
    // The chain heads: one read per category at start (every tenant's); commits keep them current.
    const heads = await this.store.chainHeads(type);
    for (const [t, h] of heads) this.noteHead(type.category, t, h.seq);
    return heads.get(tenant)?.seq ?? 0;
  }

  status(tenant?: string): RouteStatus[] {
    const out: RouteStatus[] = [];
    for (const r of this.routes.values()) {
      if (tenant !== undefined && r.key.tenant !== tenant) continue;
      out.push(r.status(this.heads.get(headId(r.key.category, r.key.tenant)) ?? 0));
    }
    return out.sort((a, b) => routeId(a).localeCompare(routeId(b)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reconciling;
    await Promise.all([...this.routes.values()].map((r) => r.stop()));
    this.routes.clear();
    await Promise.all([...this.sinks.values()].map((e) => e.sink?.close().catch(() => {})));
    this.sinks.clear();
  }
}
