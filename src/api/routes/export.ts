/**
 * GET /api/v1/export/{resource}?format=csv|json&$filter=… — the WHOLE filtered set of a Graph list
 * (no row cap, unlike Entra's 250k/100k downloads), streamed newest first.
 *
 * - `resource` is the last segment of a Graph list path (directoryAudits, signIns, provisioning,
 *   customSecurityAttributeAudits, riskyUsers, riskDetections, …); the same roles as that list.
 * - `$filter` is Graph's, compiled by src/query exactly as for the beta list (signIns reads the
 *   kinds its signInEventTypes clause names); nothing is filtered here.
 * - Rows come from DuckDB in keyset chunks (time, id): the chunk's end key, then its records as
 *   BLOBs in order, streamed (store.streamSql) a vector at a time and written as they arrive:
 *   memory stays bounded by a few batches whatever the size of the set, and the socket's
 *   backpressure paces reads.
 * - Records are shaped on their stored bytes (graph/shape-bytes.ts: nulls filled, evolvable enums,
 *   Conditional Access visibility), never decoded into strings or objects, on worker threads when
 *   configured (graph/shape-pool.ts): that was most of a download's time (docs/benchmarks.md).
 * - `Idtrail-Record-Count` (before the body) says how many records follow, for progress bars.
 * - CSV: one column per top-level property of the record schema (beta shape), objects and arrays
 *   as JSON text; JSON: an array of records in the beta shape, keys in canonical (sorted) order.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { QueryError } from '../../query/errors.ts';
import { buildODataQuery } from '../../query/odata/query.ts';
import { type Cursor, propertiesRead, type Query } from '../../query/plan.ts';
import { compileChunkEndDuckDb, compileCountDuckDb, compileRangeDuckDb } from '../../query/sql/duckdb.ts';
import type { LogType } from '../../registry/types.ts';
import type { Store } from '../../store/store.ts';
import type { AppDeps } from '../app.ts';
import { ApiError } from '../errors.ts';
import { ByteSink } from './graph/byte-sink.ts';
import { resourceByName, resourceGuard } from './graph/resource-param.ts';
import { CONDITIONAL_ACCESS_READERS, type ShapeOptions, shapeOptions } from './graph/shape.ts';
import { type ExportFormat, lines, shapeBatch } from './graph/shape-batch.ts';
import { byteShaper } from './graph/shape-bytes.ts';
import { ShapePool } from './graph/shape-pool.ts';

/** Rows per keyset query (IDTRAIL_EXPORT_CHUNK): large enough to amortise a query, small enough to bound memory. */
export const EXPORT_CHUNK = 5000;

const HOUR = 3_600_000;
/** Past this many hours the window has no lower bound: the next query is definitive. */
const MAX_WINDOW_H = 8192;
/** A window's lower bound as the cursor the next (older) window resumes from: every row at or after it was served. */
const windowCursor = (notBefore: number): Cursor => ({
  t: new Date(notBefore).toISOString().replace('Z', '000Z'),
  id: '',
  dir: 'desc',
});

/** The cursor a chunk's last row makes. */
const cursorAt = (end: { id: string; t: string }, dir: 'asc' | 'desc'): Cursor => ({
  t: end.t,
  id: end.id,
  dir,
});

/** A BLOB as DuckDB's reader hands it over. */
const bytesOf = (v: unknown): Buffer => (v as { bytes: Buffer }).bytes;

/** Records per BLOB DuckDB joins for a chunk (compileRangeDuckDb), about. */
const RECORDS_PER_BLOB = 256;
/** One bucket for the whole chunk (at most `size` records), when its time span is unknown. */
const ONE_BUCKET = Number.MAX_SAFE_INTEGER;

/** Microseconds since the epoch of a cursor time (`…T…Z` with up to 7 fractional digits). */
const micros = (t: string) => {
  const ms = Date.parse(t);
  const frac = /\.(\d+)/.exec(t)?.[1] ?? '';
  return Math.floor(ms / 1000) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
};

/** A chunk's records to read: its query, where it ends, and the time buckets DuckDB joins by. */
interface ChunkRead {
  q: Query;
  through: { id: string; t: string } | undefined;
  bucket: number;
}

/**
 * Where a chunk of `q.limit` rows ends (compileChunkEndDuckDb: keys only, at most two rows) and
 * how its records are to be read: in line-joined BLOBs of about RECORDS_PER_BLOB records, by time
 * buckets of the chunk's span. `from` is where the chunk starts in time (ms; the cursor or the
 * window's end), when known. `more` says that rows follow the chunk in `q`'s window.
 */
async function planChunk(
  store: Store,
  q: Query,
  tenant: string,
  from: number | undefined,
): Promise<ChunkRead & { more: boolean }> {
  const e = compileChunkEndDuckDb(q, tenant);
  const ends = await store.readSql(e.sql, e.params);
  const through = ends.length === 2 ? { id: String(ends[0]![0]), t: String(ends[0]![1]) } : undefined;
  const to = through ? micros(through.t) : q.notBefore ? Date.parse(q.notBefore) * 1000 : undefined;
  const span = from !== undefined && to !== undefined ? Math.abs(from * 1000 - to) : undefined;
  const bucket =
    span === undefined ? ONE_BUCKET : Math.max(1, Math.floor((span * RECORDS_PER_BLOB) / q.limit));
  return { q, through, bucket, more: through !== undefined };
}

/** A chunk's records, as DuckDB's line-joined BLOBs, in order (compileRangeDuckDb). */
async function readChunk(store: Store, tenant: string, c: ChunkRead): Promise<Buffer[]> {
  const r = compileRangeDuckDb(c.q, tenant, c.through, c.bucket);
  const out: Buffer[] = [];
  for await (const [blobs] of store.streamSql(r.sql, r.params)) for (const b of blobs!) out.push(bytesOf(b));
  return out;
}

/**
 * The chunks of the walk, in order: each chunk's end is planned from the previous one's. Newest
 * first, each chunk looks back from its cursor in a time window (`notBefore`), so DuckDB skips the
 * row groups older than it (zone maps on `time`) instead of ordering the keys of all older rows
 * for every chunk: windows are sized from the last full chunk's time span (about two chunks'
 * rows), grow when they come back sparse, and the last one is unbounded.
 */
async function* planChunks(
  store: Store,
  query: Query,
  tenant: string,
  size: number,
): AsyncGenerator<ChunkRead> {
  const dir = query.orderBy[0]!.dir;
  if (dir !== 'desc') {
    // Oldest first is not what downloads ask for; plain keyset chunks keep it correct anyway.
    let after: Cursor | undefined;
    for (;;) {
      const q = { ...query, limit: size, ...(after ? { after } : {}) };
      const c = await planChunk(store, q, tenant, after ? Date.parse(after.t) : undefined);
      yield c;
      if (!c.through) return;
      after = cursorAt(c.through, dir);
    }
  }
  let after: Cursor | undefined;
  let hours = 1;
  for (;;) {
    const upper = after ? Date.parse(after.t) : Date.now();
    const notBefore = hours > MAX_WINDOW_H ? undefined : upper - hours * HOUR;
    const q: Query = {
      ...query,
      limit: size,
      ...(after ? { after } : {}),
      ...(notBefore !== undefined ? { notBefore: new Date(notBefore).toISOString() } : {}),
    };
    const c = await planChunk(store, q, tenant, upper);
    yield c;
    if (c.through) {
      // A full chunk: the next window is sized to hold about two chunks at this chunk's density.
      const spanH = (upper - Date.parse(c.through.t)) / HOUR;
      hours = Math.max(spanH * 2, 1 / 3600);
      after = cursorAt(c.through, dir);
      continue;
    }
    // The window held no more than a chunk: all of it is served.
    if (notBefore === undefined) return;
    after = windowCursor(notBefore);
    hours *= 4;
  }
}

/**
 * Every record of the query (stored canonical JSON bytes), in the query's order, a chunk of about
 * `size` records at a time as DuckDB's line-joined BLOBs. One chunk ahead is read while the
 * caller shapes and writes the current one: DuckDB sorts and joins a whole chunk before it hands
 * over its first BLOB, and without the overlap each chunk's engine time would add to the
 * download's. Memory: two chunks. A record committed during the walk inside a range not yet read
 * is served (in its place); the `Idtrail-Record-Count` header counted the set when the download
 * began.
 */
export async function* exportChunks(
  store: Store,
  query: Query,
  tenant: string,
  size: number,
): AsyncGenerator<Buffer[]> {
  const plans = planChunks(store, query, tenant, size);
  let next = await plans.next();
  let reading = next.done ? undefined : readChunk(store, tenant, next.value);
  let planning: Promise<IteratorResult<ChunkRead>> | undefined;
  try {
    while (reading) {
      // The next chunk's end is found while this one is read (its keys need only this one's end).
      planning = plans.next();
      const blobs = await reading;
      next = await planning;
      planning = undefined;
      reading = next.done ? undefined : readChunk(store, tenant, next.value);
      yield blobs;
    }
  } finally {
    // A client that went away: what was started ahead is not waited for, nor left unhandled.
    reading?.catch(() => {});
    planning?.catch(() => {});
    await plans.return(undefined);
  }
}

/** Batches shaped at once at most: in flight beyond these, reading waits (bounded memory). */
const IN_FLIGHT = 3;
/** Smaller batches (bytes) are shaped in the request's thread: a worker round trip would cost more. */
const MIN_WORKER_BATCH = 256 * 1024;

/**
 * The response body: each batch of records (a DuckDB vector, up to 2,048) shaped straight into one
 * byte piece (graph/shape-batch.ts; no string per record), by the shaping workers when there are
 * some, with up to IN_FLIGHT batches in flight, written in order. CSV: the header, then a line per
 * record, each ending in CRLF; JSON: `[`, each record on its own line, `]`.
 */
export async function* body(
  records: AsyncIterable<Buffer[]>,
  type: LogType,
  opts: ShapeOptions,
  format: ExportFormat,
  pool: ShapePool | undefined,
): AsyncGenerator<Buffer> {
  const csv = format === 'csv';
  yield Buffer.from(csv ? `${byteShaper(type, opts).header}\r\n` : '[');
  const pieces: Array<Promise<Buffer>> = [];
  let first = true;
  const next = async () => {
    const piece = await pieces.shift()!;
    // JSON: every record comes after `,\n`; the first one after `\n` only.
    if (!csv && first && piece.length > 0) {
      first = false;
      return piece.subarray(1);
    }
    return piece;
  };
  try {
    for await (const batches of records) {
      for (const batch of batches) {
        if (batch.length === 0) continue;
        if (pool && batch.length >= MIN_WORKER_BATCH) pieces.push(pool.shape(type, opts, format, batch));
        else {
          const out = new ByteSink(Math.ceil(batch.length * 1.4) + 1024);
          shapeBatch(type, opts, format, lines(batch), out);
          pieces.push(Promise.resolve(out.take()));
        }
        while (pieces.length >= IN_FLIGHT) yield await next();
      }
    }
    while (pieces.length > 0) yield await next();
  } finally {
    // A client that went away: the batches still in flight are not waited for, nor left unhandled.
    for (const p of pieces) p.catch(() => {});
  }
  if (!csv) yield Buffer.from(first ? ']\n' : '\n]\n');
}

export const exportRoute =
  (deps: Pick<AppDeps, 'store' | 'exportChunk' | 'exportWorkers'>): FastifyPluginAsync =>
  async (app) => {
    // Started with the first download, shared by all of them, stopped with the server.
    let shapePool: ShapePool | undefined;
    const pool = () => {
      if (!deps.exportWorkers) return undefined;
      if (!shapePool) shapePool = new ShapePool(deps.exportWorkers);
      return shapePool;
    };
    app.addHook('onClose', async () => shapePool?.close());
    app.get<{ Params: { resource: string }; Querystring: Record<string, string | string[] | undefined> }>(
      '/api/v1/export/:resource',
      {
        preHandler: resourceGuard(app, 'export'),
      },
      async (req, reply) => {
        const r = resourceByName(req.params.resource)!;
        const format = req.query.format ?? 'csv';
        if (format !== 'csv' && format !== 'json') {
          throw new ApiError(400, 'BadRequest', `Unsupported format '${String(format)}': use csv or json.`);
        }
        const filter = req.query.$filter;
        if (Array.isArray(filter)) {
          throw new ApiError(400, 'BadRequest', "Query option '$filter' was specified more than once.");
        }
        let query: Query;
        try {
          query = buildODataQuery(r.type, filter ? { $filter: filter } : {}, { version: 'beta' }).query;
        } catch (err) {
          if (err instanceof QueryError) throw new ApiError(err.status, err.code, err.message);
          throw err;
        }
        const tenant = req.principal!.tenant;
        // The same visibility as the Graph list: evolvable enums and Conditional Access details.
        const opts = shapeOptions(req.headers.prefer, req.principal!.roles);
        if (
          !opts.readsConditionalAccess &&
          propertiesRead(query.filter).has('appliedConditionalAccessPolicies')
        ) {
          throw new ApiError(
            403,
            'Authorization_RequestDenied',
            `Reading Conditional Access data needs one of these roles: ${CONDITIONAL_ACCESS_READERS.join(', ')}.`,
          );
        }
        const c = compileCountDuckDb(query, tenant);
        const total = Number((await deps.store.readSql(c.sql, c.params))[0]![0]);
        const name = `${r.path.split('/').pop()}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}Z.${format}`;
        const records = exportChunks(deps.store, query, tenant, deps.exportChunk ?? EXPORT_CHUNK);
        // Byte mode: the stream's buffer is counted in bytes (16 KiB), not in chunks of thousands of
        // records (object mode would read 16 chunks ahead of a slow client).
        const stream = Readable.from(body(records, query.type, opts, format, pool()), { objectMode: false });
        stream.on('error', (err) => req.log.error({ err }, 'export failed mid-stream'));
        return reply
          .header(
            'content-type',
            format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          )
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('idtrail-record-count', String(total))
          .header('access-control-expose-headers', 'idtrail-record-count')
          .send(stream);
      },
    );
  };
