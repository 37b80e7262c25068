/**
 * GET /api/v1/export/{resource}?format=csv|json&$filter=… — the WHOLE filtered set of a Graph list
 * (no row cap, unlike Entra's 250k/100k downloads), streamed newest first.
 *
 * - `resource` is the last segment of a Graph list path (directoryAudits, signIns, provisioning,
 *   customSecurityAttributeAudits, riskyUsers, riskDetections, …); the same roles as that list.
 * - `$filter` is Graph's, compiled by src/query exactly as for the beta list (signIns reads the
 *   kinds its signInEventTypes clause names); nothing is filtered here.
 * - Rows come from DuckDB in keyset chunks (time, id), streamed (store.streamSql) and written as
 *   they arrive: memory stays bounded by one chunk whatever the size of the set, and the socket's
 *   backpressure paces reads.
 * - Records are shaped on their stored text (graph/shape-text.ts: nulls filled, evolvable enums,
 *   Conditional Access visibility), never parsed into objects and serialised again: that was most
 *   of a download's time (docs/benchmarks.md).
 * - `Idtrail-Record-Count` (before the body) says how many records follow, for progress bars.
 * - CSV: one column per top-level property of the record schema (beta shape), objects and arrays
 *   as JSON text; JSON: an array of records in the beta shape, keys in canonical (sorted) order.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { QueryError } from '../../query/errors.ts';
import { buildODataQuery } from '../../query/odata/query.ts';
import { type Cursor, propertiesRead, type Query } from '../../query/plan.ts';
import { compileCountDuckDb, compileKeysDuckDb, compileRangeDuckDb } from '../../query/sql/duckdb.ts';
import type { Store } from '../../store/store.ts';
import type { AppDeps } from '../app.ts';
import { ApiError } from '../errors.ts';
import { resourceByName, resourceGuard } from './graph/resource-param.ts';
import { CONDITIONAL_ACCESS_READERS, shapeOptions } from './graph/shape.ts';
import { type TextShaper, textShaper } from './graph/shape-text.ts';

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

/** What one keyset query returned: its row count (with the one-past-the-end row) and its last kept row. */
interface PageEnd {
  rows: number;
  id: string;
  t: string;
}

/**
 * One keyset chunk, in two statements: the keys of its first `size` rows in order (the row after
 * them only says that more follow), then the records of exactly that range, unordered, put in key
 * order here. DuckDB sorting the 4 KB record texts cost several times what reading them does.
 * A row committed between the two statements (a late record inside the range) is not in the
 * keys and is left out, as a keyset walk that had passed its time would leave it out.
 */
async function* page(
  store: Store,
  q: Query,
  tenant: string,
  size: number,
  end: PageEnd,
): AsyncGenerator<string[]> {
  const k = compileKeysDuckDb(q, tenant);
  const keys = await store.readSql(k.sql, k.params);
  end.rows = keys.length;
  const n = Math.min(keys.length, size);
  if (n === 0) return;
  end.id = String(keys[n - 1]![0]);
  end.t = String(keys[n - 1]![1]);
  const position = new Map<string, number>();
  for (let i = 0; i < n; i++) position.set(`${keys[i]![1]} ${keys[i]![0]}`, i);
  const out = new Array<string | undefined>(n);
  const r = compileRangeDuckDb(q, tenant, { t: end.t, id: end.id });
  for await (const [ids, times, records] of store.streamSql(r.sql, r.params)) {
    for (let i = 0; i < records!.length; i++) {
      const at = position.get(`${times![i]} ${ids![i]}`);
      if (at !== undefined) out[at] = records![i] as string;
    }
  }
  yield out.filter((x) => x !== undefined);
}

/**
 * Every record of the query (stored canonical JSON text), newest first, in chunks of at most
 * `size` rows per keyset query (time, id), yielded as the engine streams them.
 * Each query looks back from its cursor in a time window (`notBefore`), so DuckDB skips the row
 * groups older than it (zone maps on `time`) instead of ordering all older rows for every query;
 * windows grow when they come back sparse and shrink when dense, and the last one is unbounded.
 */
export async function* exportChunks(
  store: Store,
  query: Query,
  tenant: string,
  size: number,
): AsyncGenerator<string[]> {
  const end: PageEnd = { rows: 0, id: '', t: '' };
  if (query.orderBy[0]!.dir !== 'desc') {
    // Oldest first is not what downloads ask for; plain keyset chunks keep it correct anyway.
    let after: Cursor | undefined;
    for (;;) {
      yield* page(store, { ...query, limit: size, ...(after ? { after } : {}) }, tenant, size, end);
      if (end.rows <= size) return;
      after = { t: end.t, id: end.id, dir: 'asc' };
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
    yield* page(store, q, tenant, size, end);
    if (end.rows > size) {
      after = { t: end.t, id: end.id, dir: 'desc' };
      if (hours > 1) hours /= 2;
      continue;
    }
    // The window held no more than a chunk: all of it is served.
    if (notBefore === undefined) return;
    after = windowCursor(notBefore);
    if (end.rows < size / 2) hours *= 4;
  }
}

/** Text is handed to the socket in pieces of about this many characters (fewer, larger writes). */
const PIECE = 1 << 20;

/**
 * Lines are gathered in an array and joined into one piece of about PIECE characters: one large
 * flat string per write instead of a chain of thousands of concatenations for the collector.
 */
async function* lines(
  records: AsyncIterable<string[]>,
  line: (record: string) => string,
  separator: string,
): AsyncGenerator<string> {
  let batch: string[] = [];
  let size = 0;
  let first = true;
  for await (const chunk of records) {
    for (const r of chunk) {
      const text = line(r);
      batch.push(text);
      size += text.length;
      if (size >= PIECE) {
        yield `${first ? '' : separator}${batch.join(separator)}`;
        first = false;
        batch = [];
        size = 0;
      }
    }
  }
  if (batch.length > 0) yield `${first ? '' : separator}${batch.join(separator)}`;
}

async function* csv(records: AsyncIterable<string[]>, shaper: TextShaper): AsyncGenerator<string> {
  yield `${shaper.header}\r\n`;
  let any = false;
  for await (const piece of lines(records, (r) => shaper.csv(r), '\r\n')) {
    any = true;
    yield piece;
  }
  if (any) yield '\r\n';
}

async function* json(records: AsyncIterable<string[]>, shaper: TextShaper): AsyncGenerator<string> {
  yield '[';
  let any = false;
  for await (const piece of lines(records, (r) => shaper.json(r), ',\n')) {
    yield any ? piece : `\n${piece}`;
    any = true;
  }
  yield any ? '\n]\n' : ']\n';
}

export const exportRoute =
  (deps: Pick<AppDeps, 'store' | 'exportChunk'>): FastifyPluginAsync =>
  async (app) => {
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
        const shaper = textShaper(query.type, opts);
        const body = Readable.from(format === 'csv' ? csv(records, shaper) : json(records, shaper), {
          objectMode: false,
        });
        body.on('error', (err) => req.log.error({ err }, 'export failed mid-stream'));
        return reply
          .header(
            'content-type',
            format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          )
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('idtrail-record-count', String(total))
          .header('access-control-expose-headers', 'idtrail-record-count')
          .send(body);
      },
    );
  };
