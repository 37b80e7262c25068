/**
 * The Store: where sealed records live. Append-only: there is no update or delete of a record.
 * Engines (DuckDB now, ClickHouse later) implement this interface. Reads of the query paths are
 * compiled by src/query/sql/<engine>.ts and run through `readSql`; no other module writes SQL.
 */
import type { LogType } from '../registry/types.ts';
import type { RecordDictionary } from './record-codec.ts';

export type { RecordDictionary };

/** A record ready to store: sealed (seq + chained hash) and flattened into its typed columns. */
export interface SealedRow {
  tenant: string;
  seq: number;
  hash: string;
  id: string;
  /** The record's own time (ISO 8601 UTC). */
  time: string;
  /**
   * The record as canonical JSON (RFC 8785): exactly the text the hash covers; or that text's UTF-8
   * bytes (records prepared on a worker thread arrive so, and are never decoded on the main thread).
   */
  record: string | Uint8Array;
  /** Typed column values, in the order of the log type's `columns`. */
  values: unknown[];
  /**
   * The record's compact form made by the producer (a worker thread) with the store's current
   * dictionary for its table (`recordDictionaries`). The store keeps it only when it names that
   * dictionary, and compresses the record itself otherwise; the stored bytes are the same.
   */
  compact?: Uint8Array;
  /**
   * The typed values already serialised by the producer: `columnsJson(type, values)` (row-json.ts)
   * as UTF-8. When present the store takes the values from it, and `values` may be left empty.
   */
  columnsJson?: Uint8Array;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface AppendBatch {
  type: LogType;
  rows: SealedRow[];
}

export interface StagedAppend {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface StoredRecord {
  seq: number;
  hash: string;
  id: string;
  time: string;
  ingestedAt: string;
  record: string;
  /** The stored compact form (`record_z`), when asked for: verify checks it decodes to `record`. */
  compact?: unknown;
}

export interface ApiKeyRow {
  /** sha256 of the whole key text, hex. */
  hash: string;
  /** Short public id shown in listings. */
  keyId: string;
  tenant: string;
  name: string;
  roles: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface KeyStore {
  insertKey(key: Omit<ApiKeyRow, 'createdAt' | 'revokedAt'>): Promise<void>;
  findKey(hash: string): Promise<ApiKeyRow | undefined>;
  listKeys(tenant?: string): Promise<ApiKeyRow[]>;
  revokeKey(keyId: string): Promise<boolean>;
}

/** A signed checkpoint or purge record as stored (security/checkpoints.ts makes and checks them). */
export interface SignedRow {
  tenant: string;
  category: string;
  /** The chain position it speaks for: a checkpoint's seq, a purge's last_seq. */
  seq: number;
  /** The chain's hash at `seq`. */
  hash: string;
  keyId: string;
  /** The canonical JSON that was signed, and its Ed25519 signature (base64url). */
  payload: string;
  signature: string;
}

export interface PurgeRow extends SignedRow {
  firstSeq: number;
  records: number;
}

/** Where the records a retention run would drop end: the chain prefix up to `lastSeq`. */
export interface PurgeBoundary {
  firstSeq: number;
  lastSeq: number;
  lastHash: string;
  records: number;
  minTime: string;
  maxTime: string;
}

/** Checkpoints, purges and retention policies (tamper evidence and retention, security/). */
export interface IntegrityStore {
  insertCheckpoint(row: SignedRow, signedAt: string): Promise<void>;
  /** Checkpoints in seq order; of one chain, of one tenant, or all. */
  listCheckpoints(filter?: { tenant?: string; category?: string }): Promise<SignedRow[]>;
  listPurges(filter?: { tenant?: string; category?: string }): Promise<PurgeRow[]>;
  /**
   * The longest chain prefix whose records are all older than `before` (ISO 8601), or null when
   * the first record is not.
   */
  purgeBoundary(type: LogType, tenant: string, before: string): Promise<PurgeBoundary | null>;
  /** Drops the chain prefix up to `purge.seq` and stores the signed purge record, in one transaction. */
  purge(type: LogType, purge: PurgeRow, purgedAt: string): Promise<number>;
  setRetention(tenant: string, category: string, days: number): Promise<void>;
  /** Retention overrides: per tenant, or all. */
  listRetention(tenant?: string): Promise<Array<{ tenant: string; category: string; days: number }>>;
}

export interface DestinationRow {
  tenant: string;
  name: string;
  type: string;
  /** Type-specific settings, secrets included (never sent back by the API). */
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface SettingRow {
  tenant: string;
  name: string;
  /** The diagnostic setting's ARM `properties`, as stored. */
  properties: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface CursorKey {
  tenant: string;
  setting: string;
  category: string;
  destination: string;
}

export interface CursorRow extends CursorKey {
  /** The next seq of the (tenant, category) chain to deliver. */
  nextSeq: number;
  /** Records delivered through this cursor since it was made. */
  delivered: number;
}

/** Diagnostic settings, destinations and delivery cursors (src/router). */
export interface RouterStore {
  putDestination(d: Omit<DestinationRow, 'createdAt' | 'updatedAt'>): Promise<void>;
  listDestinations(tenant?: string): Promise<DestinationRow[]>;
  deleteDestination(tenant: string, name: string): Promise<boolean>;
  putSetting(s: Omit<SettingRow, 'createdAt' | 'updatedAt'>): Promise<void>;
  listSettings(tenant?: string): Promise<SettingRow[]>;
  /** Deletes a setting and its cursors. */
  deleteSetting(tenant: string, name: string): Promise<boolean>;
  listCursors(tenant?: string): Promise<CursorRow[]>;
  /** Creates the cursor when missing; an existing one keeps its position. */
  ensureCursor(c: CursorRow): Promise<CursorRow>;
  /** Moves a cursor on after a delivery was made durable by its destination. */
  advanceCursor(c: CursorKey, nextSeq: number, delivered: number): Promise<void>;
  /** Removes cursors of a setting that no longer route a (category, destination). */
  deleteCursor(c: CursorKey): Promise<void>;
  /** The first seq of a tenant's chain stored at or after a time (ingest time), or head+1. */
  firstSeqSince(type: LogType, tenant: string, since: string): Promise<number>;
}

/** A query saved on the Logs page, shared by a tenant's users (Log Analytics' saved searches). */
export interface SavedQueryRow {
  tenant: string;
  id: string;
  displayName: string;
  query: string;
  description: string | null;
  category: string | null;
  /** Who saved it last (key name or token subject). */
  savedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface SavedQueryStore {
  /** Creates or replaces a saved query; `created` says which. */
  putSavedQuery(q: Omit<SavedQueryRow, 'createdAt' | 'updatedAt'>): Promise<{ created: boolean }>;
  listSavedQueries(tenant: string): Promise<SavedQueryRow[]>;
  getSavedQuery(tenant: string, id: string): Promise<SavedQueryRow | undefined>;
  deleteSavedQuery(tenant: string, id: string): Promise<boolean>;
}

/** A watchlist (Microsoft Sentinel's): a CSV reference list that KQL reads with `_GetWatchlist`. */
export interface WatchlistRow {
  tenant: string;
  alias: string;
  watchlistId: string;
  displayName: string;
  description: string | null;
  provider: string;
  source: string;
  itemsSearchKey: string;
  contentType: string;
  numberOfLinesToSkip: number;
  /** Sentinel's labels (free text tags). */
  labels: string[];
  /** The CSV header's column names, in order. */
  columns: string[];
  itemCount: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** One CSV row of a watchlist. */
export interface WatchlistItemRow {
  /** Position in the CSV (0-based): the items' order and paging key. */
  ord: number;
  itemId: string;
  searchKey: string;
  /** The fields in header order. */
  values: string[];
  updatedAt: string;
}

export interface WatchlistStore {
  /**
   * Creates or replaces a watchlist and all its items in one transaction (a replace keeps the
   * watchlist's id and creation); `created` says which.
   */
  putWatchlist(
    w: Omit<
      WatchlistRow,
      'watchlistId' | 'itemCount' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'
    > & {
      by: string;
    },
    items: readonly { itemId: string; searchKey: string; values: readonly string[] }[],
  ): Promise<{ created: boolean }>;
  listWatchlists(tenant: string): Promise<WatchlistRow[]>;
  getWatchlist(tenant: string, alias: string): Promise<WatchlistRow | undefined>;
  /** Deletes a watchlist and its items. */
  deleteWatchlist(tenant: string, alias: string): Promise<boolean>;
  /** Items in CSV order, from position `from` on, at most `limit`. */
  listWatchlistItems(tenant: string, alias: string, from: number, limit: number): Promise<WatchlistItemRow[]>;
}

/** How a statement reads, where the engine can plan better knowing it. */
export interface ReadOptions {
  /**
   * It reads records' compact forms (`record_z`, a few rows picked by a sort and limit), not the
   * block-compressed `record`. DuckDB then plans it without late materialization: fetching the
   * picked rows by row id in a second scan is worth it only when the record column costs a
   * vector's decompression per row (docs/benchmarks.md, Graph API).
   */
  compact?: boolean;
}

export interface Store extends KeyStore, IntegrityStore, RouterStore, SavedQueryStore, WatchlistStore {
  readonly engine: string;
  /** Applies pending schema migrations; safe to call on every start. */
  migrate(): Promise<void>;
  /**
   * The last seq and hash of every tenant's chain for a log type (a chain retention emptied ends
   * at its last purge record).
   */
  chainHeads(type: LogType): Promise<Map<string, ChainHead>>;
  /** Every (tenant, id) stored for a log type, in pages; used to build the dedupe index. */
  scanIds(type: LogType, onPage: (tenants: string[], ids: string[]) => void): Promise<void>;
  /** Which of these ids a tenant already has for a log type. */
  existingIds(type: LogType, tenant: string, ids: readonly string[]): Promise<Set<string>>;
  /** Stores all batches in one atomic, durable commit. */
  append(batches: readonly AppendBatch[]): Promise<void>;
  /**
   * The same in two steps: `stageAppend` does the engine's client-side work (encoding, scratch
   * files) and may run while an earlier staged append commits; `commit` makes it durable, one
   * commit at a time in call order; `discard` drops it unstored.
   */
  stageAppend(batches: readonly AppendBatch[]): Promise<StagedAppend>;
  /** Records of one tenant's chain from a seq on, in seq order. */
  readChain(
    type: LogType,
    tenant: string,
    fromSeq: number,
    limit: number,
    opts?: { withCompact?: boolean },
  ): Promise<StoredRecord[]>;
  count(type: LogType, tenant?: string): Promise<number>;
  /**
   * Runs a read-only statement compiled for this engine (src/query/sql/<engine>.ts) with bound
   * parameters, and returns its rows. The query layer owns the SQL; the store only runs it.
   */
  readSql(sql: string, params: readonly unknown[], opts?: ReadOptions): Promise<unknown[][]>;
  /**
   * The same, streamed: the result arrives in the engine's own chunks, each as columns of values
   * (DuckDB: vectors of up to 2,048 rows), so a large result is never held whole, and the rows are
   * not turned into per-row arrays (downloads read millions of rows).
   */
  streamSql(sql: string, params: readonly unknown[]): AsyncGenerator<unknown[][]>;
  /**
   * A record's canonical text from its compact form: the `record_z` column, each record compressed
   * on its own (record-codec.ts), which a read of a few scattered rows (a Graph page) selects
   * instead of `record`. Null for rows stored before the column existed: read `record` for those.
   */
  recordText(compact: unknown): string | null;
  /** The same as UTF-8 bytes, for readers that shape bytes (Graph pages). */
  recordBytes(compact: unknown): Buffer | null;
  /**
   * The dictionaries new compact forms are made with, one per table that has one (made from its
   * first records, never changed): a producer with these can compress records off the main thread
   * (`SealedRow.compact`). Empty for an engine without compact forms.
   */
  recordDictionaries(): RecordDictionary[];
  /**
   * Rows of one table in one append from which the store writes them most cheaply, for producers
   * that can choose their commit size (the simulator's backfill). DuckDB: a row group's worth.
   */
  readonly bulkAppendRows: number;
  /**
   * Gives every record of a log type stored without a compact form (before migration 5) its
   * compact form, a range of rows per transaction; returns how many it filled. `bin/idtrail compact`.
   */
  compactRecords(type: LogType, onProgress?: (done: number, total: number) => void): Promise<number>;
  /**
   * The latest record time (ISO 8601) a tenant has for a log type, or null when it has none. Read
   * once, then kept current from commits (Graph's page 1 asks on every request).
   */
  maxTime(type: LogType, tenant: string): Promise<string | null>;
  /** The earliest record time (ISO 8601) a tenant has for a log type, or null when it has none. */
  minTime(type: LogType, tenant: string): Promise<string | null>;
  close(): Promise<void>;
}
