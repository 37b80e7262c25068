/**
 * Group commit. Validated batches from concurrent requests queue here; one loop takes everything
 * waiting, drops records already stored, seals the rest (seq + chained hash), writes them all in
 * one store transaction and only then answers each request. Sealing happens here, in commit order,
 * so chains never fork and a failed commit leaves no gap.
 */
import type { LogType } from '../registry/types.ts';
import { chainHash, GENESIS_HASH } from '../security/hash-chain.ts';
import type { AppendBatch, ChainHead, SealedRow, Store } from '../store/store.ts';
import { FingerprintSet, fingerprint } from './fingerprint-set.ts';

/** A record that passed validation, ready to seal. */
export interface PreparedRecord {
  id: string;
  time: string;
  canonical: string;
  values: unknown[];
}

export interface PreparedBatch {
  type: LogType;
  tenant: string;
  records: PreparedRecord[];
}

export interface CommitResult {
  accepted: number;
  duplicates: number;
  /** First and last seq given to this batch's new records; null when all were duplicates. */
  firstSeq: number | null;
  lastSeq: number | null;
}

export interface CommitObserver {
  onCommit?(info: {
    records: number;
    batches: number;
    seconds: number;
    byCategory: Map<string, number>;
    /** The chain heads this commit moved: (category, tenant) → last seq. */
    heads: Array<{ category: string; tenant: string; seq: number }>;
  }): void;
  onError?(err: unknown): void;
}

interface Pending {
  batch: PreparedBatch;
  resolve: (r: CommitResult) => void;
  reject: (e: unknown) => void;
}

interface TypeState {
  heads: Map<string, ChainHead>;
  seen: FingerprintSet;
}

export class Committer {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private states = new Map<string, Promise<TypeState>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly observer: CommitObserver = {},
    /** Upper bound of records in one commit, to bound memory. */
    private readonly maxGroupRecords = 100_000,
  ) {}

  submit(batch: PreparedBatch): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new Error('the committer is shut down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      // Start on the next turn of the event loop, so that requests arriving together commit together.
      if (!this.running) this.running = new Promise((r) => setImmediate(r)).then(() => this.loop());
    });
  }

  /** Waits for everything queued so far to be committed (or refused), then refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let n = 0;
        let take = 0;
        while (
          take < this.queue.length &&
          (take === 0 || n + this.queue[take]!.batch.records.length <= this.maxGroupRecords)
        ) {
          n += this.queue[take]!.batch.records.length;
          take++;
        }
        const group = this.queue.splice(0, take);
        await this.commitGroup(group);
      }
    } finally {
      this.running = null;
    }
  }

  private state(type: LogType): Promise<TypeState> {
    let s = this.states.get(type.category);
    if (!s) {
      s = (async () => {
        const heads = await this.store.chainHeads(type);
        const seen = new FingerprintSet();
        await this.store.scanIds(type, (tenants, ids) => {
          for (let i = 0; i < ids.length; i++) seen.add(fingerprint(tenants[i]!, ids[i]!));
        });
        return { heads, seen };
      })();
      // A failed load is retried by the next commit rather than cached.
      s.catch(() => this.states.delete(type.category));
      this.states.set(type.category, s);
    }
    return s;
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const states = new Map<string, TypeState>();
      for (const p of group) {
        if (!states.has(p.batch.type.category))
          states.set(p.batch.type.category, await this.state(p.batch.type));
      }

      // 1. Find records that are (or may be) stored already: fingerprint hits, confirmed by the store.
      const inGroup = new Map<string, Set<string>>(); // category+tenant -> ids earlier in this group
      const suspects = new Map<string, { type: LogType; tenant: string; ids: Set<string> }>();
      const dupInGroup = new Set<PreparedRecord>();
      for (const p of group) {
        const { type, tenant } = p.batch;
        const key = `${type.category}\u0000${tenant}`;
        const seen = states.get(type.category)!.seen;
        const local = getOrCreate(inGroup, key, () => new Set<string>());
        for (const r of p.batch.records) {
          if (local.has(r.id)) {
            dupInGroup.add(r);
            continue;
          }
          local.add(r.id);
          if (seen.has(fingerprint(tenant, r.id))) {
            getOrCreate(suspects, key, () => ({ type, tenant, ids: new Set<string>() })).ids.add(r.id);
          }
        }
      }
      const stored = new Map<string, Set<string>>();
      for (const [key, s] of suspects)
        stored.set(key, await this.store.existingIds(s.type, s.tenant, [...s.ids]));

      // 2. Seal the new records in order, on copies of the chain heads (kept only if the commit lands).
      const newHeads = new Map<string, ChainHead>();
      const rowsByType = new Map<string, AppendBatch>();
      const results: CommitResult[] = [];
      const byCategory = new Map<string, number>();
      let total = 0;
      for (const p of group) {
        const { type, tenant } = p.batch;
        const key = `${type.category}\u0000${tenant}`;
        const already = stored.get(key);
        let head = newHeads.get(key) ??
          states.get(type.category)!.heads.get(tenant) ?? { seq: 0, hash: GENESIS_HASH };
        const out = getOrCreate(rowsByType, type.category, (): AppendBatch => ({ type, rows: [] }));
        const res: CommitResult = { accepted: 0, duplicates: 0, firstSeq: null, lastSeq: null };
        for (const r of p.batch.records) {
          if (dupInGroup.has(r) || already?.has(r.id)) {
            res.duplicates++;
            continue;
          }
          const seq = head.seq + 1;
          const hash = chainHash(head.hash, tenant, type.category, seq, r.canonical);
          head = { seq, hash };
          const row: SealedRow = {
            tenant,
            seq,
            hash,
            id: r.id,
            time: r.time,
            record: r.canonical,
            values: r.values,
          };
          out.rows.push(row);
          res.accepted++;
          res.firstSeq ??= seq;
          res.lastSeq = seq;
        }
        newHeads.set(key, head);
        results.push(res);
        total += res.accepted;
        byCategory.set(type.category, (byCategory.get(type.category) ?? 0) + res.accepted);
      }

      // 3. One durable commit for the whole group.
      await this.store.append([...rowsByType.values()]);

      // 4. Only now does the in-memory state move on.
      for (const [key, head] of newHeads) {
        const [category, tenant] = key.split('\u0000') as [string, string];
        states.get(category)!.heads.set(tenant, head);
      }
      for (const b of rowsByType.values()) {
        const seen = states.get(b.type.category)!.seen;
        for (const r of b.rows) seen.add(fingerprint(r.tenant, r.id));
      }
      this.observer.onCommit?.({
        records: total,
        batches: group.length,
        seconds: (performance.now() - started) / 1000,
        byCategory,
        heads: [...newHeads].map(([key, head]) => {
          const [category, tenant] = key.split('\u0000') as [string, string];
          return { category, tenant, seq: head.seq };
        }),
      });
      for (const [i, p] of group.entries()) p.resolve(results[i]!);
    } catch (err) {
      this.observer.onError?.(err);
      for (const p of group) p.reject(err);
    }
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
