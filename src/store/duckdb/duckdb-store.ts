/**
 * The embedded store on DuckDB (`@duckdb/node-api`).
 *
 * Appends go through DuckDB's own parallel readers: each commit writes its rows to scratch files
 * and runs `INSERT … SELECT FROM read_json(…) POSITIONAL JOIN read_csv(…)` for every table, all in
 * one transaction.
 * Measured on the 2-core machine this is about 3x faster than the row-by-row Appender API, whose
 * per-value calls across the N-API boundary dominate (docs/benchmarks.md).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { LogType } from '../../registry/types.ts';
import { RecordCodec, type RecordDictionary } from '../record-codec.ts';
import { duckdbDialect, tableColumns } from '../sql/dialect.ts';
import type {
  ApiKeyRow,
  AppendBatch,
  ChainHead,
  CursorKey,
  CursorRow,
  DestinationRow,
  PurgeBoundary,
  PurgeRow,
  ReadOptions,
  SavedQueryRow,
  SealedRow,
  SettingRow,
  SignedRow,
  StagedAppend,
  Store,
  StoredRecord,
  WatchlistItemRow,
  WatchlistRow,
  WatchlistStore,
} from '../store.ts';
import { ByteWriter } from './byte-writer.ts';
import { MIGRATIONS } from './migrations.ts';
import * as watchlists from './watchlists.ts';

const q = duckdbDialect.quote;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

export interface DuckDbOptions {
  /** Database file, or ':memory:'. */
  file: string;
  /** Folder for commit scratch files. */
  scratchDir: string;
  /** WAL size at which DuckDB checkpoints inside a commit (default 1GB; idle checkpoints come first). */
  checkpointThreshold?: string;
}

/** Read connections kept open between reads (concurrent reads beyond this open their own). */
const MAX_IDLE_READERS = 8;
/** Checkpoint when no append came for this long and at least this much was written since the last one. */
const IDLE_MS = 3_000;
const IDLE_CHECKPOINT_BYTES = 32 * 1024 * 1024;
/** A scratch file's buffer is written out when it holds this much. */
const SCRATCH_FLUSH_BYTES = 8 * 1024 * 1024;

export class DuckDbStore implements Store {
  readonly engine = 'duckdb';
  private commitNo = 0;
  /** Serialises writes on the writer connection: appends and background checkpoints. */
  private writeLock: Promise<unknown> = Promise.resolve();
  private lastAppend = 0;
  private unCheckpointedBytes = 0;
  private maintenance?: NodeJS.Timeout;
  private codec = new RecordCodec();
  private readonly idleReaders: DuckDBConnection[] = [];
  /** Idle connections for compact reads: late materialization off for their session. */
  private readonly idleCompactReaders: DuckDBConnection[] = [];
  private closed = false;
  /**
   * The newest record time per (table, tenant), once asked for, kept current by commits: Graph's
   * page 1 anchors on it, and max(time) over 10M rows costs ~100 ms.
   */
  private readonly newest = new Map<string, { t: string; ms: number } | null>();
  private commitsNoted = 0;
  /** Dictionaries in use whose row no commit has stored yet: each staged append stores them. */
  private unstoredDictionaries: RecordDictionary[] = [];
  /** Scratch buffers kept between commits (writeScratch). */
  private readonly writers: ByteWriter[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly scratchDir: string,
  ) {}

  static async open(opts: DuckDbOptions): Promise<DuckDbStore> {
    mkdirSync(opts.scratchDir, { recursive: true });
    if (opts.file !== ':memory:') mkdirSync(path.dirname(opts.file), { recursive: true });
    // New files get storage version v1.2.0, the first with ZSTD for strings (see
    // dialect.recordStorage); an existing file keeps the version it was made with.
    const instance = await DuckDBInstance.create(opts.file, { storage_compatibility_version: 'v1.2.0' });
    // We hold the database now, so no other process is mid-commit: scratch files left by a
    // crashed predecessor are garbage (their transaction either committed or never will).
    // (An in-memory database holds no lock, so it leaves the folder alone.)
    if (opts.file !== ':memory:') {
      for (const f of readdirSync(opts.scratchDir)) {
        if (/^commit-.*\.ndjson$/.test(f)) rmSync(path.join(opts.scratchDir, f), { force: true });
      }
    }
    const writer = await instance.connect();
    const store = new DuckDbStore(instance, writer, opts.scratchDir);
    // DuckDB checkpoints inside COMMIT once the WAL passes 16 MiB; under steady ingest that turns
    // every third commit into a multi-second stall and re-compresses partly filled row groups
    // again and again (docs/benchmarks.md). Let the WAL grow instead and checkpoint when idle.
    await writer.run(`SET checkpoint_threshold = '${opts.checkpointThreshold ?? '1GB'}'`);
    // A Graph page (up to 1,000 rows) sorts and limits on small columns, then fetches only its own
    // rows' records by row id (DuckDB's late materialization, by default only for LIMIT ≤ 50).
    // Without it every record in the scanned time window is decompressed (ZSTD, see
    // dialect.recordStorage) before the top rows are picked: 5× slower pages (docs/benchmarks.md).
    await writer.run('SET GLOBAL late_materialization_max_rows = 1000');
    await store.migrate();
    store.codec = new RecordCodec(
      (await store.rows(writer, 'SELECT id, tbl, dict FROM record_dictionaries')).map((r) => ({
        id: Number(r[0]),
        table: String(r[1]),
        dict: r[2] as Uint8Array,
      })),
    );
    if (opts.file !== ':memory:') {
      store.maintenance = setInterval(() => void store.idleCheckpoint(), 2_000);
      store.maintenance.unref();
    }
    return store;
  }

  async migrate(): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)',
    );
    const done = new Set(
      (await this.rows(this.writer, 'SELECT version FROM schema_migrations')).map((r) => Number(r[0])),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const sql of m.statements()) await this.writer.run(sql);
        await this.writer.run(
          `INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${lit(m.name)})`,
        );
        await this.writer.run('COMMIT');
      } catch (err) {
        await this.writer.run('ROLLBACK');
        throw err;
      }
    }
  }

  private async rows(conn: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<unknown[][]> {
    const reader = params ? await conn.runAndReadAll(sql, params) : await conn.runAndReadAll(sql);
    return reader.getRowsJS() as unknown[][];
  }

  /**
   * A read on its own connection: a DuckDB connection runs one statement at a time, and reads
   * come concurrently from many requests. Connections are cheap; each sees the last commit.
   */
  private async read(sql: string, params?: DuckDBValue[], compact = false): Promise<unknown[][]> {
    // Idle connections are kept for the next read: opening and closing one per statement cost a
    // Graph page ~1 ms of the binding's time (docs/benchmarks.md). Reads set no connection state;
    // a connection whose statement failed is closed rather than reused.
    const pool = compact ? this.idleCompactReaders : this.idleReaders;
    const conn = pool.pop() ?? (await this.newReader(compact));
    let reusable = false;
    try {
      const rows = await this.rows(conn, sql, params);
      reusable = true;
      return rows;
    } finally {
      if (reusable && !this.closed && pool.length < MAX_IDLE_READERS) pool.push(conn);
      else conn.closeSync();
    }
  }

  async chainHeads(type: LogType): Promise<Map<string, ChainHead>> {
    // A purge record stands for the records it dropped: a chain retention emptied goes on from it.
    const rows = await this.read(
      `SELECT tenant, max(seq), arg_max(hash, seq) FROM (
         SELECT tenant, seq, hash FROM ${q(type.table)}
         UNION ALL SELECT tenant, last_seq, last_hash FROM purges WHERE category = $1
       ) GROUP BY tenant`,
      [type.category],
    );
    return new Map(rows.map((r) => [String(r[0]), { seq: Number(r[1]), hash: String(r[2]) }]));
  }

  async scanIds(type: LogType, onPage: (tenants: string[], ids: string[]) => void): Promise<void> {
    const conn = await this.instance.connect();
    try {
      const result = await conn.stream(`SELECT tenant, id FROM ${q(type.table)}`);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const cols = chunk.getColumns() as string[][];
        onPage(cols[0]!, cols[1]!);
      }
    } finally {
      conn.closeSync();
    }
  }

  async existingIds(type: LogType, tenant: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.read(
      `SELECT id FROM ${q(type.table)} WHERE tenant = ${lit(tenant)} AND id IN (SELECT unnest(${listLiteral(ids)}))`,
    );
    return new Set(rows.map((r) => String(r[0])));
  }

  async append(batches: readonly AppendBatch[]): Promise<void> {
    const staged = await this.stageAppend(batches);
    await staged.commit();
  }

  /**
   * Writes the scratch files of an append (the JavaScript side of it) without the write lock, so
   * the committer can stage the next group while DuckDB runs the current one.
   */
  async stageAppend(batches: readonly AppendBatch[]): Promise<StagedAppend> {
    const work = batches.filter((b) => b.rows.length > 0);
    const files: string[] = [];
    const inserts: string[] = [];
    const removeFiles = () => {
      for (const f of files) rmSync(f, { force: true });
    };
    if (work.length > 0) {
      try {
        await this.writeScratch(work, files, inserts);
      } catch (err) {
        removeFiles();
        throw err;
      }
    }
    const dictionaries = [...this.unstoredDictionaries];
    // What the commit needs of the rows, taken now: the staged append must not hold the rows (their
    // texts are written to the scratch files), so that a producer's memory can go while it commits.
    const newest = newestByKey(work);
    let used = false;
    return {
      commit: () => {
        if (used) return Promise.reject(new Error('a staged append commits once'));
        used = true;
        if (inserts.length === 0) return Promise.resolve();
        return this.withWriteLock(async () => {
          try {
            await this.writer.run('BEGIN TRANSACTION');
            try {
              for (const sql of inserts) await this.writer.run(sql);
              await this.writer.run('COMMIT');
              this.unstoredDictionaries = this.unstoredDictionaries.filter((d) => !dictionaries.includes(d));
              this.noteNewest(newest);
            } catch (err) {
              await this.writer.run('ROLLBACK').catch(() => {});
              throw err;
            }
          } finally {
            this.lastAppend = Date.now();
            removeFiles();
          }
        });
      },
      discard: async () => {
        used = true;
        removeFiles();
      },
    };
  }

  private withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.writeLock.then(fn, fn);
    this.writeLock = next.catch(() => {});
    return next;
  }

  /** A checkpoint while ingest is quiet, so commits rarely pay for one. */
  private async idleCheckpoint(): Promise<void> {
    if (this.unCheckpointedBytes < IDLE_CHECKPOINT_BYTES || Date.now() - this.lastAppend < IDLE_MS) return;
    await this.withWriteLock(async () => {
      if (Date.now() - this.lastAppend < IDLE_MS) return;
      await this.writer.run('CHECKPOINT');
      this.unCheckpointedBytes = 0;
    }).catch(() => {
      // A checkpoint can be refused while readers hold old snapshots; the next idle period retries.
    });
  }

  /**
   * Two files per table (typed columns as NDJSON; canonical records, each beside its compact form,
   * one per line) and their INSERTs.
   */
  private async writeScratch(
    work: readonly AppendBatch[],
    files: string[],
    inserts: string[],
  ): Promise<void> {
    const commit = ++this.commitNo;
    const now = new Date().toISOString();
    // A table's first batch gives it its dictionary (record-codec.ts).
    for (const b of work)
      this.ensureDictionary(b.type.table, () => b.rows.map((r) => recordString(r.record)));
    inserts.push(...this.dictionaryInserts());
    for (const [i, b] of work.entries()) {
      // Two files per table: the typed columns as NDJSON, and the canonical records one per
      // line, each followed by \x01 and its compact form in base64. Canonical JSON never holds a
      // raw newline or control character, so DuckDB can read the record file as delimited text
      // (no escaping to write or undo), and the two are joined by position. The stored record is
      // byte-for-byte the text the hash covers.
      // Rows are stored in time order within a commit: a page's newest rows then share fewer of the
      // 2,048-row vectors that ZSTD decodes whole (docs/benchmarks.md). They are written to the
      // files in that order (an ORDER BY in the INSERT made DuckDB sort the 4 KB records: ~8% of
      // the demo's CPU). Nothing reads rows in physical order: chains use ORDER BY seq.
      const cols = tableColumns(b.type).filter((c) => c.name !== 'record');
      const names = cols.map((c) => c.name);
      const base = path.join(this.scratchDir, `commit-${process.pid}-${commit}-${i}`);
      const colsFile = `${base}.ndjson`;
      const recFile = `${base}.records.ndjson`;
      files.push(colsFile, recFile);
      const colsOut = this.writers.pop() ?? new ByteWriter();
      const recOut = this.writers.pop() ?? new ByteWriter();
      const [colsFh, recFh] = await Promise.all([open(colsFile, 'w'), open(recFile, 'w')]);
      // Written out as the buffers fill: a bulk commit (bulkAppendRows) holds hundreds of MB.
      const flush = async (out: ByteWriter, fh: typeof colsFh) => {
        await fh.writeFile(out.view());
        this.unCheckpointedBytes += out.length;
        out.length = 0;
      };
      try {
        for (const r of byTime(b.rows)) {
          const o: Record<string, unknown> = {
            tenant: r.tenant,
            seq: r.seq,
            hash: r.hash,
            id: r.id,
            time: r.time,
            ingested_at: now,
          };
          const pre = r.columnsJson;
          if (pre && pre.length > 2) {
            // The base columns, then the producer's `{"col":…}` without its opening brace.
            colsOut.text(JSON.stringify(o).slice(0, -1));
            colsOut.byte(0x2c);
            colsOut.bytes(pre.subarray(1));
          } else {
            if (!pre)
              for (let c = 0; c < b.type.columns.length; c++)
                o[b.type.columns[c]!.name] = r.values[c] ?? null;
            colsOut.text(JSON.stringify(o));
          }
          colsOut.byte(0x0a);
          // A compact form made by a worker with this table's current dictionary is the same bytes.
          const z =
            r.compact && this.codec.isCurrent(b.type.table, r.compact)
              ? Buffer.from(r.compact.buffer, r.compact.byteOffset, r.compact.byteLength)
              : this.codec.encode(b.type.table, r.record);
          if (typeof r.record === 'string') recOut.text(r.record);
          else recOut.bytes(r.record);
          recOut.byte(0x01);
          recOut.ascii(z.toString('base64'));
          recOut.byte(0x0a);
          if (colsOut.length >= SCRATCH_FLUSH_BYTES) await flush(colsOut, colsFh);
          if (recOut.length >= SCRATCH_FLUSH_BYTES) await flush(recOut, recFh);
        }
        await Promise.all([flush(colsOut, colsFh), flush(recOut, recFh)]);
      } finally {
        await Promise.all([colsFh.close(), recFh.close()]);
        // Kept for the next commit: a new buffer per commit, outside the heap, made V8 start a
        // full GC about as often (its external-memory trigger).
        colsOut.length = 0;
        recOut.length = 0;
        if (this.writers.length < 4) this.writers.push(colsOut, recOut);
      }
      const spec = cols.map((c) => `${lit(c.name)}: ${lit(duckdbDialect.columnType(c.type))}`).join(', ');
      inserts.push(
        `INSERT INTO ${q(b.type.table)} (${[...names, 'record', 'record_z'].map(q).join(', ')})
         SELECT ${names.map((n) => `c.${q(n)}`).join(', ')}, r.record, from_base64(r.z)
         FROM read_json(${lit(colsFile)}, format = 'newline_delimited', columns = {${spec}}) c
         POSITIONAL JOIN read_csv(${lit(recFile)}, columns = {'record': 'VARCHAR', 'z': 'VARCHAR'}, header = false,
           delim = E'\\x01', quote = '', escape = '', auto_detect = false, max_line_size = 1000000000) r`,
      );
    }
  }

  /**
   * Until one commit has stored a dictionary, every transaction that writes compact records stores
   * it too (a failed commit must not leave records that refer to a dictionary no row holds).
   */
  private dictionaryInserts(): string[] {
    return this.unstoredDictionaries.map(
      (d) =>
        `INSERT INTO record_dictionaries (id, tbl, dict) VALUES (${d.id}, ${lit(d.table)}, from_base64(${lit(Buffer.from(d.dict).toString('base64'))})) ON CONFLICT DO NOTHING`,
    );
  }

  /** A dictionary for `table` from these records when it has none yet (see writeScratch). */
  private ensureDictionary(table: string, records: () => readonly string[]): void {
    if (this.codec.dictionaryOf(table) !== undefined) return;
    const d = this.codec.makeDictionary(table, records());
    if (!d) return;
    this.codec.add(d);
    this.unstoredDictionaries.push(d);
  }

  async compactRecords(
    type: LogType,
    onProgress?: (done: number, total: number) => void,
    chunkRows = 50_000,
  ): Promise<number> {
    const t = q(type.table);
    const [[missing, maxRow]] = (await this.read(
      `SELECT count(*) FILTER (WHERE record_z IS NULL), max(rowid) FROM ${t}`,
    )) as [[bigint, bigint | null]];
    const total = Number(missing);
    if (total === 0) return 0;
    let done = 0;
    onProgress?.(0, total);
    // A rowid range at a time, each in its own transaction under the write lock (rowids are
    // stable within it): read the records, compress them here, and UPDATE from a scratch file.
    for (let from = 0; from <= Number(maxRow); from += chunkRows) {
      const to = from + chunkRows - 1;
      done += await this.withWriteLock(async () => {
        const rows = await this.rows(
          this.writer,
          `SELECT rowid, record FROM ${t} WHERE rowid BETWEEN ${from} AND ${to} AND record_z IS NULL`,
        );
        if (rows.length === 0) return 0;
        this.ensureDictionary(type.table, () => rows.slice(0, 1000).map((r) => String(r[1])));
        const dictionaries = [...this.unstoredDictionaries];
        let text = '';
        for (const r of rows)
          text += `${r[0]}\x01${this.codec.encode(type.table, String(r[1])).toString('base64')}\n`;
        const file = path.join(this.scratchDir, `commit-${process.pid}-compact-${++this.commitNo}.ndjson`);
        await writeFile(file, text);
        try {
          await this.writer.run('BEGIN TRANSACTION');
          try {
            for (const sql of this.dictionaryInserts()) await this.writer.run(sql);
            await this.writer.run(
              `UPDATE ${t} SET record_z = from_base64(s.z)
               FROM read_csv(${lit(file)}, columns = {'rid': 'BIGINT', 'z': 'VARCHAR'}, header = false,
                 delim = E'\\x01', quote = '', escape = '', auto_detect = false) s
               WHERE ${t}.rowid = s.rid AND ${t}.rowid BETWEEN ${from} AND ${to} AND ${t}.record_z IS NULL`,
            );
            await this.writer.run('COMMIT');
            this.unstoredDictionaries = this.unstoredDictionaries.filter((d) => !dictionaries.includes(d));
          } catch (err) {
            await this.writer.run('ROLLBACK').catch(() => {});
            throw err;
          }
          // Updated strings live in memory until a checkpoint writes them.
          await this.writer.run('CHECKPOINT');
        } finally {
          rmSync(file, { force: true });
        }
        return rows.length;
      });
      onProgress?.(done, total);
    }
    return done;
  }

  recordDictionaries(): RecordDictionary[] {
    return this.codec.current();
  }

  /**
   * DuckDB's row group size. An INSERT of at least this many rows into a table is written as
   * compressed row groups straight to the database file (optimistic writes) and the WAL records only
   * their blocks; smaller appends go to the WAL uncompressed and are compressed at a checkpoint.
   * Measured on 368,640 non-interactive sign-ins: 9.4 s of CPU in 122,880-row commits against 32.4
   * s in 12,000-row commits with their checkpoint (docs/benchmarks.md, demo start).
   */
  readonly bulkAppendRows = 122_880;

  recordText(compact: unknown): string | null {
    if (compact == null) return null;
    return this.codec.decode(compact as Uint8Array);
  }

  recordBytes(compact: unknown): Buffer | null {
    if (compact == null) return null;
    return this.codec.decodeBytes(compact as Uint8Array);
  }

  async readChain(
    type: LogType,
    tenant: string,
    fromSeq: number,
    limit: number,
    opts: { withCompact?: boolean } = {},
  ): Promise<StoredRecord[]> {
    const rows = await this.read(
      `SELECT seq, hash, id, strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ'), strftime(ingested_at, '%Y-%m-%dT%H:%M:%S.%fZ'), record${opts.withCompact ? ', record_z' : ''}
       FROM ${q(type.table)} WHERE tenant = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
      [tenant, fromSeq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r[0]),
      hash: String(r[1]),
      id: String(r[2]),
      time: String(r[3]),
      ingestedAt: String(r[4]),
      record: String(r[5]),
      ...(opts.withCompact ? { compact: r[6] } : {}),
    }));
  }

  async count(type: LogType, tenant?: string): Promise<number> {
    const rows = tenant
      ? await this.read(`SELECT count(*) FROM ${q(type.table)} WHERE tenant = $1`, [tenant])
      : await this.read(`SELECT count(*) FROM ${q(type.table)}`);
    return Number(rows[0]![0]);
  }

  async readSql(sql: string, params: readonly unknown[], opts: ReadOptions = {}): Promise<unknown[][]> {
    return this.read(sql, params as DuckDBValue[], opts.compact === true);
  }

  private async newReader(compact: boolean): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    // A session setting: the instance-wide 1,000 (set at open) stays for reads of `record`.
    if (compact) await conn.run('SET SESSION late_materialization_max_rows = 0');
    return conn;
  }

  async *streamSql(sql: string, params: readonly unknown[]): AsyncGenerator<unknown[][]> {
    // Its own connection (as read()); closed when the consumer stops early too (return()).
    const conn = await this.instance.connect();
    try {
      const result = await conn.stream(sql, params as DuckDBValue[]);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return;
        yield chunk.getColumns() as unknown[][];
      }
    } finally {
      conn.closeSync();
    }
  }

  /** Moves the kept newest times on after a commit (`newest`: by table and tenant, ms; newestByKey). */
  private noteNewest(newest: ReadonlyMap<string, number>): void {
    this.commitsNoted++;
    for (const [key, ms] of newest) {
      if (!this.newest.has(key)) continue; // not asked for yet: read when it is
      const cur = this.newest.get(key);
      if (!cur || ms > cur.ms)
        this.newest.set(key, { t: new Date(ms).toISOString().replace('Z', '000Z'), ms });
    }
  }

  async maxTime(type: LogType, tenant: string): Promise<string | null> {
    const key = `${type.table}\u0000${tenant}`;
    const known = this.newest.get(key);
    if (known !== undefined) return known?.t ?? null;
    const commits = this.commitsNoted;
    const t = await this.maxTimeRead(type, tenant);
    // A commit that landed while reading may be newer than what the read saw: keep nothing then.
    if (commits === this.commitsNoted) this.newest.set(key, t === null ? null : { t, ms: Date.parse(t) });
    return t;
  }

  private async maxTimeRead(type: LogType, tenant: string): Promise<string | null> {
    const rows = await this.read(
      `SELECT strftime(max(time), '%Y-%m-%dT%H:%M:%S.%fZ') FROM ${q(type.table)} WHERE tenant = $1`,
      [tenant],
    );
    return rows[0]?.[0] == null ? null : String(rows[0][0]);
  }

  async minTime(type: LogType, tenant: string): Promise<string | null> {
    const rows = await this.read(
      `SELECT strftime(min(time), '%Y-%m-%dT%H:%M:%S.%fZ') FROM ${q(type.table)} WHERE tenant = $1`,
      [tenant],
    );
    return rows[0]?.[0] == null ? null : String(rows[0][0]);
  }

  async insertKey(key: Omit<ApiKeyRow, 'createdAt' | 'revokedAt'>): Promise<void> {
    await this.withWriteLock(() =>
      this.writer.run(
        `INSERT INTO api_keys (hash, key_id, tenant, name, roles) VALUES ($1, $2, $3, $4, ${listLiteral(key.roles)})`,
        [key.hash, key.keyId, key.tenant, key.name],
      ),
    );
  }

  async findKey(hash: string): Promise<ApiKeyRow | undefined> {
    const rows = await this.keyRows('WHERE hash = $1', [hash]);
    return rows[0];
  }

  async listKeys(tenant?: string): Promise<ApiKeyRow[]> {
    return tenant
      ? this.keyRows('WHERE tenant = $1 ORDER BY created_at', [tenant])
      : this.keyRows('ORDER BY created_at', []);
  }

  async revokeKey(keyId: string): Promise<boolean> {
    const before = await this.keyRows('WHERE key_id = $1 AND revoked_at IS NULL', [keyId]);
    if (before.length === 0) return false;
    await this.withWriteLock(() =>
      this.writer.run('UPDATE api_keys SET revoked_at = current_timestamp WHERE key_id = $1', [keyId]),
    );
    return true;
  }

  async insertCheckpoint(row: SignedRow, signedAt: string): Promise<void> {
    await this.withWriteLock(() =>
      this.writer.run(
        `INSERT INTO checkpoints (tenant, category, seq, hash, signed_at, key_id, payload, signature)
         VALUES ($1, $2, $3, $4, $5::TIMESTAMP, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [row.tenant, row.category, row.seq, row.hash, signedAt, row.keyId, row.payload, row.signature],
      ),
    );
  }

  async listCheckpoints(filter: { tenant?: string; category?: string } = {}): Promise<SignedRow[]> {
    const { where, params } = tenantCategory(filter);
    const rows = await this.read(
      `SELECT tenant, category, seq, hash, key_id, payload, signature FROM checkpoints ${where}
       ORDER BY tenant, category, seq`,
      params,
    );
    return rows.map(signedRow);
  }

  async listPurges(filter: { tenant?: string; category?: string } = {}): Promise<PurgeRow[]> {
    const { where, params } = tenantCategory(filter);
    const rows = await this.read(
      `SELECT tenant, category, last_seq, last_hash, key_id, payload, signature, first_seq, records
       FROM purges ${where} ORDER BY tenant, category, last_seq`,
      params,
    );
    return rows.map((r) => ({ ...signedRow(r), firstSeq: Number(r[7]), records: Number(r[8]) }));
  }

  async purgeBoundary(type: LogType, tenant: string, before: string): Promise<PurgeBoundary | null> {
    // The prefix ends just before the first record (in seq order) at or after the cutoff.
    const rows = await this.read(
      `WITH stop AS (SELECT min(seq) AS s FROM ${q(type.table)} WHERE tenant = $1 AND time >= $2::TIMESTAMP)
       SELECT min(seq), max(seq), arg_max(hash, seq), count(*),
              strftime(min(time), '%Y-%m-%dT%H:%M:%S.%fZ'), strftime(max(time), '%Y-%m-%dT%H:%M:%S.%fZ')
       FROM ${q(type.table)}, stop WHERE tenant = $1 AND (stop.s IS NULL OR seq < stop.s)`,
      [tenant, before],
    );
    const r = rows[0];
    if (!r || r[0] == null || Number(r[3]) === 0) return null;
    return {
      firstSeq: Number(r[0]),
      lastSeq: Number(r[1]),
      lastHash: String(r[2]),
      records: Number(r[3]),
      minTime: String(r[4]),
      maxTime: String(r[5]),
    };
  }

  async purge(type: LogType, p: PurgeRow, purgedAt: string): Promise<number> {
    return this.withWriteLock(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const deleted = await this.writer.run(
          `DELETE FROM ${q(type.table)} WHERE tenant = $1 AND seq <= $2`,
          [p.tenant, p.seq],
        );
        await this.writer.run(
          `INSERT INTO purges (tenant, category, first_seq, last_seq, last_hash, records, purged_at, key_id, payload, signature)
           VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMP, $8, $9, $10)`,
          [
            p.tenant,
            p.category,
            p.firstSeq,
            p.seq,
            p.hash,
            p.records,
            purgedAt,
            p.keyId,
            p.payload,
            p.signature,
          ],
        );
        await this.writer.run('COMMIT');
        // A purge that emptied the chain leaves no newest time: read it again when asked.
        this.newest.delete(`${type.table}\u0000${p.tenant}`);
        this.commitsNoted++;
        return Number(deleted.rowsChanged);
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async setRetention(tenant: string, category: string, days: number): Promise<void> {
    await this.withWriteLock(() =>
      this.writer.run(
        `INSERT INTO retention_policies (tenant, category, days) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, category) DO UPDATE SET days = excluded.days, updated_at = now()`,
        [tenant, category, days],
      ),
    );
  }

  async listRetention(tenant?: string): Promise<Array<{ tenant: string; category: string; days: number }>> {
    const rows = tenant
      ? await this.read(
          'SELECT tenant, category, days FROM retention_policies WHERE tenant = $1 ORDER BY category',
          [tenant],
        )
      : await this.read('SELECT tenant, category, days FROM retention_policies ORDER BY tenant, category');
    return rows.map((r) => ({ tenant: String(r[0]), category: String(r[1]), days: Number(r[2]) }));
  }

  private async keyRows(where: string, params: DuckDBValue[]): Promise<ApiKeyRow[]> {
    const rows = await this.read(
      `SELECT hash, key_id, tenant, name, roles, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ'), strftime(revoked_at, '%Y-%m-%dT%H:%M:%SZ') FROM api_keys ${where}`,
      params,
    );
    return rows.map((r) => ({
      hash: String(r[0]),
      keyId: String(r[1]),
      tenant: String(r[2]),
      name: String(r[3]),
      roles: (r[4] as string[]) ?? [],
      createdAt: String(r[5]),
      revokedAt: r[6] == null ? null : String(r[6]),
    }));
  }

  // --- router: destinations, diagnostic settings, delivery cursors -----------------------------

  /**
   * Router tables are written on their own connection: a cursor move then commits alongside an
   * ingest commit instead of queueing behind it (DuckDB runs transactions of different
   * connections concurrently; these touch no log table, so they never conflict with appends).
   */
  private routerConn: Promise<DuckDBConnection> | null = null;
  private routerLock: Promise<unknown> = Promise.resolve();

  private withRouterConn<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    this.routerConn ??= this.instance.connect();
    const conn = this.routerConn;
    const run = () => conn.then(fn);
    const next = this.routerLock.then(run, run);
    this.routerLock = next.catch(() => {});
    return next;
  }

  private write(sql: string, params: DuckDBValue[]): Promise<void> {
    return this.withRouterConn(async (conn) => {
      await conn.run(sql, params);
    });
  }

  async putDestination(d: Omit<DestinationRow, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.write(
      `INSERT INTO destinations (tenant, name, type, config) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, name) DO UPDATE SET type = excluded.type, config = excluded.config,
         updated_at = now()`,
      [d.tenant, d.name, d.type, JSON.stringify(d.config)],
    );
  }

  async listDestinations(tenant?: string): Promise<DestinationRow[]> {
    const rows = await this.read(
      `SELECT tenant, name, type, config, ${isoTs('created_at')}, ${isoTs('updated_at')} FROM destinations
       ${tenant === undefined ? '' : 'WHERE tenant = $1'} ORDER BY tenant, name`,
      tenant === undefined ? [] : [tenant],
    );
    return rows.map((r) => ({
      tenant: String(r[0]),
      name: String(r[1]),
      type: String(r[2]),
      config: JSON.parse(String(r[3])) as Record<string, unknown>,
      createdAt: String(r[4]),
      updatedAt: String(r[5]),
    }));
  }

  async deleteDestination(tenant: string, name: string): Promise<boolean> {
    return this.withRouterConn(async (conn) => {
      const r = await conn.run('DELETE FROM destinations WHERE tenant = $1 AND name = $2', [tenant, name]);
      return r.rowsChanged > 0;
    });
  }

  async putSetting(s: Omit<SettingRow, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.write(
      `INSERT INTO diagnostic_settings (tenant, name, properties) VALUES ($1, $2, $3)
       ON CONFLICT (tenant, name) DO UPDATE SET properties = excluded.properties, updated_at = now()`,
      [s.tenant, s.name, JSON.stringify(s.properties)],
    );
  }

  async listSettings(tenant?: string): Promise<SettingRow[]> {
    const rows = await this.read(
      `SELECT tenant, name, properties, ${isoTs('created_at')}, ${isoTs('updated_at')} FROM diagnostic_settings
       ${tenant === undefined ? '' : 'WHERE tenant = $1'} ORDER BY tenant, created_at, name`,
      tenant === undefined ? [] : [tenant],
    );
    return rows.map((r) => ({
      tenant: String(r[0]),
      name: String(r[1]),
      properties: JSON.parse(String(r[2])) as Record<string, unknown>,
      createdAt: String(r[3]),
      updatedAt: String(r[4]),
    }));
  }

  async deleteSetting(tenant: string, name: string): Promise<boolean> {
    return this.withRouterConn(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        await conn.run('DELETE FROM delivery_cursors WHERE tenant = $1 AND setting = $2', [tenant, name]);
        const r = await conn.run('DELETE FROM diagnostic_settings WHERE tenant = $1 AND name = $2', [
          tenant,
          name,
        ]);
        await conn.run('COMMIT');
        return r.rowsChanged > 0;
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async listCursors(tenant?: string): Promise<CursorRow[]> {
    const rows = await this.read(
      `SELECT tenant, setting, category, destination, next_seq, delivered FROM delivery_cursors
       ${tenant === undefined ? '' : 'WHERE tenant = $1'} ORDER BY tenant, setting, category, destination`,
      tenant === undefined ? [] : [tenant],
    );
    return rows.map((r) => ({
      tenant: String(r[0]),
      setting: String(r[1]),
      category: String(r[2]),
      destination: String(r[3]),
      nextSeq: Number(r[4]),
      delivered: Number(r[5]),
    }));
  }

  async ensureCursor(c: CursorRow): Promise<CursorRow> {
    await this.write(
      `INSERT INTO delivery_cursors (tenant, setting, category, destination, next_seq, delivered)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [c.tenant, c.setting, c.category, c.destination, c.nextSeq, c.delivered],
    );
    const rows = await this.read(
      `SELECT next_seq, delivered FROM delivery_cursors
       WHERE tenant = $1 AND setting = $2 AND category = $3 AND destination = $4`,
      [c.tenant, c.setting, c.category, c.destination],
    );
    return { ...c, nextSeq: Number(rows[0]![0]), delivered: Number(rows[0]![1]) };
  }

  async advanceCursor(c: CursorKey, nextSeq: number, delivered: number): Promise<void> {
    await this.write(
      `UPDATE delivery_cursors SET next_seq = $5, delivered = $6, updated_at = current_timestamp
       WHERE tenant = $1 AND setting = $2 AND category = $3 AND destination = $4`,
      [c.tenant, c.setting, c.category, c.destination, nextSeq, delivered],
    );
  }

  async deleteCursor(c: CursorKey): Promise<void> {
    await this.write(
      'DELETE FROM delivery_cursors WHERE tenant = $1 AND setting = $2 AND category = $3 AND destination = $4',
      [c.tenant, c.setting, c.category, c.destination],
    );
  }

  async firstSeqSince(type: LogType, tenant: string, since: string): Promise<number> {
    // Seqs are given in commit order, so ingest time rises with seq.
    const rows = await this.read(
      `SELECT coalesce(min(seq) FILTER (WHERE ingested_at >= $2::TIMESTAMP), max(seq) + 1, 1)
       FROM ${q(type.table)} WHERE tenant = $1`,
      [tenant, since.replace(/Z$/, '')],
    );
    return Number(rows[0]![0]);
  }

  // --- saved queries (the Logs page) ------------------------------------------------------------
  // Small settings rows like the router's: written on the same serialised connection, so the
  // existence check and the upsert of one PUT cannot interleave with another's.

  async putSavedQuery(sq: Omit<SavedQueryRow, 'createdAt' | 'updatedAt'>): Promise<{ created: boolean }> {
    return this.withRouterConn(async (conn) => {
      const existing = await this.rows(conn, 'SELECT 1 FROM saved_queries WHERE tenant = $1 AND id = $2', [
        sq.tenant,
        sq.id,
      ]);
      await conn.run(
        `INSERT INTO saved_queries (tenant, id, display_name, query, description, category, saved_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant, id) DO UPDATE SET display_name = excluded.display_name,
           query = excluded.query, description = excluded.description, category = excluded.category,
           saved_by = excluded.saved_by, updated_at = now()`,
        [sq.tenant, sq.id, sq.displayName, sq.query, sq.description, sq.category, sq.savedBy],
      );
      return { created: existing.length === 0 };
    });
  }

  private async savedQueries(where: string, params: DuckDBValue[]): Promise<SavedQueryRow[]> {
    const rows = await this.read(
      `SELECT tenant, id, display_name, query, description, category, saved_by, ${isoTs('created_at')},
         ${isoTs('updated_at')} FROM saved_queries ${where} ORDER BY lower(display_name), id`,
      params,
    );
    return rows.map((r) => ({
      tenant: String(r[0]),
      id: String(r[1]),
      displayName: String(r[2]),
      query: String(r[3]),
      description: r[4] == null ? null : String(r[4]),
      category: r[5] == null ? null : String(r[5]),
      savedBy: String(r[6]),
      createdAt: String(r[7]),
      updatedAt: String(r[8]),
    }));
  }

  listSavedQueries(tenant: string): Promise<SavedQueryRow[]> {
    return this.savedQueries('WHERE tenant = $1', [tenant]);
  }

  async getSavedQuery(tenant: string, id: string): Promise<SavedQueryRow | undefined> {
    return (await this.savedQueries('WHERE tenant = $1 AND id = $2', [tenant, id]))[0];
  }

  async deleteSavedQuery(tenant: string, id: string): Promise<boolean> {
    return this.withRouterConn(async (conn) => {
      const r = await conn.run('DELETE FROM saved_queries WHERE tenant = $1 AND id = $2', [tenant, id]);
      return r.rowsChanged > 0;
    });
  }

  // --- watchlists (KQL's _GetWatchlist) ----------------------------------------------------------
  // On the settings connection too: one PUT's replace is one transaction, serialised with others.

  putWatchlist(...args: Parameters<WatchlistStore['putWatchlist']>): Promise<{ created: boolean }> {
    return this.withRouterConn((conn) => watchlists.putWatchlist(conn, ...args));
  }

  listWatchlists(tenant: string): Promise<WatchlistRow[]> {
    return watchlists.listWatchlists((sql, p) => this.read(sql, p as DuckDBValue[]), tenant);
  }

  async getWatchlist(tenant: string, alias: string): Promise<WatchlistRow | undefined> {
    return (
      await watchlists.listWatchlists((sql, p) => this.read(sql, p as DuckDBValue[]), tenant, alias)
    )[0];
  }

  deleteWatchlist(tenant: string, alias: string): Promise<boolean> {
    return this.withRouterConn((conn) => watchlists.deleteWatchlist(conn, tenant, alias));
  }

  listWatchlistItems(
    tenant: string,
    alias: string,
    from: number,
    limit: number,
  ): Promise<WatchlistItemRow[]> {
    return watchlists.listWatchlistItems(
      (sql, p) => this.read(sql, p as DuckDBValue[]),
      tenant,
      alias,
      from,
      limit,
    );
  }

  async close(): Promise<void> {
    clearInterval(this.maintenance);
    this.closed = true;
    for (const c of [...this.idleReaders.splice(0), ...this.idleCompactReaders.splice(0)]) c.closeSync();
    await this.writeLock;
    await this.routerLock;
    if (this.routerConn) (await this.routerConn).closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}

/** The common columns of checkpoints and purges, selected in this order. */
function signedRow(r: unknown[]): SignedRow {
  return {
    tenant: String(r[0]),
    category: String(r[1]),
    seq: Number(r[2]),
    hash: String(r[3]),
    keyId: String(r[4]),
    payload: String(r[5]),
    signature: String(r[6]),
  };
}

function tenantCategory(filter: { tenant?: string; category?: string }): {
  where: string;
  params: DuckDBValue[];
} {
  const conds: string[] = [];
  const params: DuckDBValue[] = [];
  if (filter.tenant !== undefined) conds.push(`tenant = $${params.push(filter.tenant)}`);
  if (filter.category !== undefined) conds.push(`category = $${params.push(filter.category)}`);
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}
const isoTs = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%SZ')`;

/**
 * Rows by their time (a stable sort: ties keep seq order). Times compare as text: ingest stores them
 * as UTC ISO 8601; where two differ only in fraction digits the order may be off by a millisecond,
 * which costs nothing (the order is only for locality).
 */
function byTime(rows: readonly SealedRow[]): readonly SealedRow[] {
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) if (rows[i - 1]!.time > rows[i]!.time) sorted = false;
  return sorted ? rows : [...rows].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

const recordString = (r: string | Uint8Array) =>
  typeof r === 'string' ? r : Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('utf8');

function listLiteral(items: readonly string[]): string {
  return `[${items.map(lit).join(', ')}]::VARCHAR[]`;
}

/** The latest record time of each table and tenant in an append, ms (DuckDbStore.noteNewest). */
function newestByKey(batches: readonly AppendBatch[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of batches)
    for (const r of b.rows) {
      const key = `${b.type.table}\u0000${r.tenant}`;
      const ms = Date.parse(r.time);
      const cur = out.get(key);
      if (cur === undefined || ms > cur) out.set(key, ms);
    }
  return out;
}
