/**
 * The ingest pipeline end to end, shared by the HTTP route and the CLI:
 * parse → (envelope → Graph) → normalise → validate → prepare → group commit.
 * An invalid batch is refused whole and nothing of it is stored.
 */
import type { LogType } from '../registry/types.ts';
import type { RecordDictionary } from '../store/store.ts';
import type { CommitResult, CommitSequence, Committer, PreparedRecord } from './committer.ts';
import { parseBody } from './parse.ts';
import { type PrepareOptions, prepareItems } from './prepare.ts';
import type { PreparePool } from './prepare-pool.ts';
import type { RecordError } from './validate.ts';

export const MAX_RECORDS_PER_BATCH = 100_000;

export class IngestRefused extends Error {
  constructor(
    readonly reason: 'invalid' | 'too-large',
    message: string,
    readonly errors: RecordError[] = [],
  ) {
    super(message);
  }
}

export interface IngestOutcome extends CommitResult {
  received: number;
}

/** Bodies at least this large are prepared on a worker thread when a pool is configured. */
const POOL_MIN_BYTES = 32 * 1024;

export class IngestService {
  constructor(
    private readonly committer: Committer,
    private readonly opts: PrepareOptions,
    private readonly maxRecords = MAX_RECORDS_PER_BATCH,
    private readonly pool?: PreparePool,
  ) {}

  async ingestText(
    tenant: string,
    type: LogType,
    body: string,
    contentType?: string,
  ): Promise<IngestOutcome> {
    if (this.pool && body.length >= POOL_MIN_BYTES) {
      const r = await this.pool.run({
        category: type.category,
        text: body,
        contentType,
        catalogMode: this.opts.catalogMode,
        maxRecords: this.maxRecords,
      });
      if (r.failure) throw new Error(`prepare worker failed: ${r.failure}`);
      if (r.parseOnlyErrors) throw new IngestRefused('invalid', r.errors[0]!.message, r.errors);
      return this.submitPrepared(tenant, type, r.received, r.records, r.errors);
    }
    const parsed = parseBody(body, contentType);
    if (parsed.errors.length > 0 && parsed.items.length === 0) {
      throw new IngestRefused('invalid', parsed.errors[0]!.message, parsed.errors);
    }
    return this.ingestItems(tenant, type, parsed.items, parsed.errors);
  }

  async ingestItems(
    tenant: string,
    type: LogType,
    items: readonly unknown[],
    parseErrors: RecordError[] = [],
  ): Promise<IngestOutcome> {
    this.checkSize(items.length); // before the work of preparing
    const { records, errors } = prepareItems(type, items, this.opts);
    return this.submitPrepared(tenant, type, items.length, records, [...parseErrors, ...errors]);
  }

  /**
   * The store's dictionaries for the records' compact forms: a producer on a worker thread (the
   * simulator's backfill) compresses with them and hands the result with each record.
   */
  recordDictionaries(): RecordDictionary[] {
    return this.committer.recordDictionaries();
  }

  /** Rows of one table per commit at which the store writes most cheaply (Store.bulkAppendRows). */
  bulkAppendRows(): number {
    return this.committer.bulkAppendRows();
  }

  private checkSize(received: number, max = this.maxRecords): void {
    if (received > max) {
      throw new IngestRefused(
        'too-large',
        `a batch may hold at most ${max} records; this one has ${received}`,
      );
    }
    if (received === 0) throw new IngestRefused('invalid', 'the batch holds no records');
  }

  /**
   * Commits records prepared elsewhere (a prepare worker, the simulator's backfill worker) with the
   * same checks as every write: size, then any record error refuses the whole batch.
   */
  async submitPrepared(
    tenant: string,
    type: LogType,
    received: number,
    records: PreparedRecord[],
    errors: RecordError[],
    opts: {
      /** Batches that must land as a prefix of their producer's stream (committer.ts). */
      sequence?: CommitSequence;
      /**
       * A larger bound than a request's, for an in-process producer that commits in bulk (the
       * simulator's backfill: a table's rows of several days in one commit, bulkAppendRows).
       */
      maxRecords?: number;
    } = {},
  ): Promise<IngestOutcome> {
    this.checkSize(received, opts.maxRecords);
    const { sequence } = opts;
    const all = [...errors].sort((a, b) => a.index - b.index);
    if (all.length > 0) {
      throw new IngestRefused(
        'invalid',
        `${all.length === 1 ? 'a record is' : 'records are'} invalid; nothing was stored`,
        all.slice(0, 100),
      );
    }
    // Not awaited here: a suspended frame would hold the records, which the committer lets go
    // once they are staged (committer.ts, Pending.released).
    const committed = this.committer.submit({ type, tenant, records, ...(sequence ? { sequence } : {}) });
    return committed.then((result) => ({ received, ...result }));
  }
}
