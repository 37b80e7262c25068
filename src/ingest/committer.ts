/**
 * Group commit. Validated batches from concurrent requests queue here; one loop takes everything
 * waiting, drops records already stored, seals the rest (seq + chained hash), writes them all in
 * one store transaction and only then answers each request. Sealing happens here, in commit order,
 * so chains never fork and a failed commit leaves no gap. The next group is sealed and staged
 * while the current one commits (see `loop`).
 */
import type { LogType } from '../registry/types.ts';
import { chainHash, GENESIS_HASH } from '../security/hash-chain.ts';
import type {
  AppendBatch,
  ChainHead,
  RecordDictionary,
  SealedRow,
  StagedAppend,
  Store,
} from '../store/store.ts';
import { FingerprintSet, fingerprint } from './fingerprint-set.ts';

/** A record that passed validation, ready to seal. */
export interface PreparedRecord {
  id: string;
  time: string;
  /**
   * The canonical JSON text, or its UTF-8 bytes: records prepared on a worker thread can come as
   * views into one transferred buffer, so the main thread never holds them as JS strings.
   */
  canonical: string | Uint8Array;
  values: unknown[];
  /** Its compact form, made with one of the store's dictionaries (Store.recordDictionaries). */
  compact?: Uint8Array;
  /** `values` serialised by the producer (SealedRow.columnsJson); `values` may then be empty. */
  columnsJson?: Uint8Array;
}

export interface PreparedBatch {
  type: LogType;
  tenant: string;
  records: PreparedRecord[];
  /**
   * Batches submitted in order by one producer that must land as a prefix of what it submitted
   * (the simulator's backfill submits the next chunks before the last one committed, so that their
   * sealing overlaps its commit). Once a commit holding one of its batches fails, every batch of
   * the sequence still queued or staged is refused, never committed after the gap.
   */
  sequence?: CommitSequence;
}

/** An ordered stream of batches (see PreparedBatch.sequence). */
export class CommitSequence {
  failed: unknown = undefined;
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
  /**
   * Its records were let go once staged (a sequence's batch: refused, never sealed again, if a
   * commit before it fails), so that a producer's memory goes while its commit runs.
   */
  released?: boolean;
}

interface TypeState {
  heads: Map<string, ChainHead>;
  seen: FingerprintSet;
}

/** A group sealed and staged, not yet committed. */
interface Sealed {
  group: Pending[];
  states: Map<string, TypeState>;
  /** Chain heads after this group, by category + tenant. */
  newHeads: Map<string, ChainHead>;
  /** Ids this group stores, by category + tenant. */
  ids: Map<string, Set<string>>;
  results: CommitResult[];
  byCategory: Map<string, number>;
  total: number;
  started: number;
  staged: StagedAppend;
}

interface InFlight extends Sealed {
  /** Resolves to null when the commit landed, or to its error. */
  done: Promise<unknown>;
}

export class Committer {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  /** Wakes the loop while it waits on a commit: work arrived that it can seal meanwhile. */
  private arrived: (() => void) | null = null;
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
    if (batch.sequence?.failed !== undefined) return Promise.reject(batch.sequence.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      // Start on the next turn of the event loop, so that requests arriving together commit together.
      if (!this.running) this.running = new Promise((r) => setImmediate(r)).then(() => this.loop());
      else this.arrived?.();
    });
  }

  /** The store's dictionaries for compact forms, for producers that compress records themselves. */
  recordDictionaries(): RecordDictionary[] {
    return this.store.recordDictionaries();
  }

  bulkAppendRows(): number {
    return this.store.bulkAppendRows;
  }

  /** Waits for everything queued so far to be committed (or refused), then refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }

  /**
   * Commits groups one after another, but pipelined: while the store commits group N, the next
   * group is sealed on N's (not yet durable) chain heads and staged (its scratch files written).
   * If N fails, the staged group is discarded and sealed again on the heads that did land, so a
   * failed commit still leaves no gap; nothing is acknowledged before its own commit.
   */
  private async loop(): Promise<void> {
    let inflight: InFlight | null = null;
    try {
      while (this.queue.length > 0 || inflight) {
        if (inflight && this.queue.length === 0) {
          // Wait for the commit, or for new work to seal while it runs (one turn later, so that
          // requests arriving together still go in one group).
          const arrival = new Promise<void>((r) => {
            this.arrived = r;
          }).then(() => new Promise<void>((r) => setImmediate(r)));
          await Promise.race([inflight.done, arrival]);
          this.arrived = null;
        }
        let next: Sealed | null = null;
        if (this.queue.length > 0) next = await this.sealAndStage(this.takeGroup(), inflight);
        if (inflight) {
          const failure = await this.finish(inflight);
          inflight = null;
          if (failure !== null && next) {
            await next.staged.discard().catch(() => {});
            // Sealed on heads that did not land: sealed again, but for batches whose records are gone.
            const released = next.group.filter((p) => p.released);
            for (const p of released) p.reject(failure);
            markFailedSequences(released, failure);
            this.queue.unshift(...next.group.filter((p) => !p.released));
            next = null;
          }
          if (failure !== null) this.refuseFailedSequences();
        }
        if (next) {
          const staged = next.staged;
          inflight = {
            ...next,
            done: staged.commit().then(
              () => null,
              (err: unknown) => err ?? new Error('commit failed'),
            ),
          };
        }
      }
    } finally {
      this.running = null;
    }
  }

  /** Drops the queued batches of sequences a failed commit broke (see PreparedBatch.sequence). */
  private refuseFailedSequences(): void {
    this.queue = this.queue.filter((p) => {
      const failed = p.batch.sequence?.failed;
      if (failed === undefined) return true;
      p.reject(failed);
      return false;
    });
  }

  private takeGroup(): Pending[] {
    let n = 0;
    let take = 0;
    while (
      take < this.queue.length &&
      (take === 0 || n + this.queue[take]!.batch.records.length <= this.maxGroupRecords)
    ) {
      n += this.queue[take]!.batch.records.length;
      take++;
    }
    return this.queue.splice(0, take);
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

  /**
   * Drops records already stored (or in the commit in flight), seals the rest on the heads the
   * in-flight commit will leave, and stages the append. A failure here refuses this group only.
   */
  private async sealAndStage(group: Pending[], inflight: InFlight | null): Promise<Sealed | null> {
    const started = performance.now();
    try {
      const states = new Map<string, TypeState>();
      for (const p of group) {
        if (!states.has(p.batch.type.category))
          states.set(p.batch.type.category, await this.state(p.batch.type));
      }

      // 1. Find records that are (or may be) stored already: fingerprint hits, confirmed by the store;
      //    records of the commit in flight count as stored (if it fails, this group is sealed again).
      const inGroup = new Map<string, Set<string>>(); // category+tenant -> ids earlier in this group
      const suspects = new Map<string, { type: LogType; tenant: string; ids: Set<string> }>();
      const dupInGroup = new Set<PreparedRecord>();
      for (const p of group) {
        const { type, tenant } = p.batch;
        const key = `${type.category}\u0000${tenant}`;
        const seen = states.get(type.category)!.seen;
        const local = getOrCreate(inGroup, key, () => new Set<string>());
        const flying = inflight?.ids.get(key);
        for (const r of p.batch.records) {
          if (local.has(r.id) || flying?.has(r.id)) {
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
      const ids = new Map<string, Set<string>>();
      const rowsByType = new Map<string, AppendBatch>();
      const results: CommitResult[] = [];
      const byCategory = new Map<string, number>();
      let total = 0;
      for (const p of group) {
        const { type, tenant } = p.batch;
        const key = `${type.category}\u0000${tenant}`;
        const already = stored.get(key);
        let head = newHeads.get(key) ??
          inflight?.newHeads.get(key) ??
          states.get(type.category)!.heads.get(tenant) ?? { seq: 0, hash: GENESIS_HASH };
        const out = getOrCreate(rowsByType, type.category, (): AppendBatch => ({ type, rows: [] }));
        const sealedIds = getOrCreate(ids, key, () => new Set<string>());
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
          if (r.compact) row.compact = r.compact;
          if (r.columnsJson) row.columnsJson = r.columnsJson;
          out.rows.push(row);
          sealedIds.add(r.id);
          res.accepted++;
          res.firstSeq ??= seq;
          res.lastSeq = seq;
        }
        newHeads.set(key, head);
        results.push(res);
        total += res.accepted;
        byCategory.set(type.category, (byCategory.get(type.category) ?? 0) + res.accepted);
      }

      // 3. The store's client-side work for one durable commit of the whole group.
      const staged = await this.store.stageAppend([...rowsByType.values()]);
      // The texts are in the scratch files now. A sequence's batches are never sealed again (a
      // failed commit before them refuses them), so their records can go while the commit runs.
      for (const p of group)
        if (p.batch.sequence) {
          p.batch = { ...p.batch, records: [] };
          p.released = true;
        }
      return { group, states, newHeads, ids, results, byCategory, total, started, staged };
    } catch (err) {
      this.observer.onError?.(err);
      for (const p of group) p.reject(err);
      markFailedSequences(group, err);
      this.refuseFailedSequences();
      return null;
    }
  }

  /**
   * Waits for a commit; then moves the in-memory state on and answers, or refuses, its requests.
   * Returns null when it landed, else its error.
   */
  private async finish(f: InFlight): Promise<unknown> {
    const err = await f.done;
    if (err) {
      this.observer.onError?.(err);
      for (const p of f.group) p.reject(err);
      markFailedSequences(f.group, err);
      return err;
    }
    // Only now does the in-memory state move on.
    for (const [key, head] of f.newHeads) {
      const [category, tenant] = key.split('\u0000') as [string, string];
      f.states.get(category)!.heads.set(tenant, head);
    }
    for (const [key, ids] of f.ids) {
      const [category, tenant] = key.split('\u0000') as [string, string];
      const seen = f.states.get(category)!.seen;
      for (const id of ids) seen.add(fingerprint(tenant, id));
    }
    this.observer.onCommit?.({
      records: f.total,
      batches: f.group.length,
      seconds: (performance.now() - f.started) / 1000,
      byCategory: f.byCategory,
      heads: [...f.newHeads].map(([key, head]) => {
        const [category, tenant] = key.split('\u0000') as [string, string];
        return { category, tenant, seq: head.seq };
      }),
    });
    for (const [i, p] of f.group.entries()) p.resolve(f.results[i]!);
    return null;
  }
}

function markFailedSequences(group: readonly Pending[], err: unknown): void {
  for (const p of group)
    if (p.batch.sequence && p.batch.sequence.failed === undefined) p.batch.sequence.failed = err;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
