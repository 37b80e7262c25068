/**
 * GET /api/v1/export/{resource}?format=csv|json&$filter=… — the WHOLE filtered set of a Graph list
 * (no row cap, unlike Entra's 250k/100k downloads), streamed newest first.
 *
 * - `resource` is the last segment of a Graph list path (directoryAudits, signIns, provisioning,
 *   customSecurityAttributeAudits, riskyUsers, riskDetections, …); the same roles as that list.
 * - `$filter` is Graph's, compiled by src/query exactly as for the beta list (signIns reads the
 *   kinds its signInEventTypes clause names); nothing is filtered here.
 * - Rows come from DuckDB in keyset chunks (time, id) and are written as they arrive: memory stays
 *   bounded by one chunk whatever the size of the set, and the socket's backpressure paces reads.
 * - `Idtrail-Record-Count` (before the body) says how many records follow, for progress bars.
 * - CSV: one column per top-level property of the record schema (beta shape), objects and arrays
 *   as JSON text; JSON: an array of records in the beta shape.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { QueryError } from '../../query/errors.ts';
import { buildODataQuery } from '../../query/odata/query.ts';
import { type Cursor, propertiesRead, type Query } from '../../query/plan.ts';
import { compileCountDuckDb, compileDuckDb } from '../../query/sql/duckdb.ts';
import type { LogType } from '../../registry/types.ts';
import type { Store } from '../../store/store.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { GRAPH_RESOURCES, type GraphResourceRoute } from './graph/resources.ts';
import { CONDITIONAL_ACCESS_READERS, type ShapeOptions, shape, shapeOptions } from './graph/shape.ts';

/** Rows per keyset query (IDTRAIL_EXPORT_CHUNK): large enough to amortise a query, small enough to bound memory. */
export const EXPORT_CHUNK = 5000;

type Json = Record<string, unknown>;

const byName = new Map<string, GraphResourceRoute>(
  GRAPH_RESOURCES.map((r) => [r.path.split('/').pop()!.toLowerCase(), r]),
);

export const EXPORT_RESOURCES = GRAPH_RESOURCES.map((r) => r.path.split('/').pop()!);

/**
 * One CSV field (RFC 4180). Hand-written: quoting is these few lines, and a CSV library would add
 * a second stream stage over rows we already write one chunk at a time.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const HOUR = 3_600_000;
/** Past this many hours the window has no lower bound: the next query is definitive. */
const MAX_WINDOW_H = 8192;
/** A window's lower bound as the cursor the next (older) window resumes from: every row at or after it was served. */
const windowCursor = (notBefore: number): Cursor => ({
  t: new Date(notBefore).toISOString().replace('Z', '000Z'),
  id: '',
  dir: 'desc',
});

/**
 * Every record of the query, newest first, in chunks of at most `size` (keyset on time, id).
 * Each chunk looks back from its cursor in a time window (`notBefore`), so DuckDB skips the row
 * groups older than it (zone maps on `time`) instead of ordering all older rows for every chunk;
 * windows grow when they come back sparse and shrink when dense, and the last one is unbounded.
 */
export async function* exportChunks(
  store: Store,
  query: Query,
  tenant: string,
  size: number,
): AsyncGenerator<Json[]> {
  const run = async (q: Query) => {
    const { sql, params } = compileDuckDb(q, tenant);
    return store.readSql(sql, params);
  };
  if (query.orderBy[0]!.dir !== 'desc') {
    // Oldest first is not what downloads ask for; plain keyset chunks keep it correct anyway.
    let after: Cursor | undefined;
    for (;;) {
      const rows = await run({ ...query, limit: size, ...(after ? { after } : {}) });
      const page = rows.slice(0, size);
      if (page.length > 0) yield page.map((r) => JSON.parse(String(r[2])) as Json);
      if (rows.length <= size) return;
      const last = page[page.length - 1]!;
      after = { t: String(last[1]), id: String(last[0]), dir: 'asc' };
    }
  }
  let after: Cursor | undefined;
  let hours = 1;
  for (;;) {
    const upper = after ? Date.parse(after.t) : Date.now();
    const notBefore = hours > MAX_WINDOW_H ? undefined : upper - hours * HOUR;
    const rows = await run({
      ...query,
      limit: size,
      ...(after ? { after } : {}),
      ...(notBefore !== undefined ? { notBefore: new Date(notBefore).toISOString() } : {}),
    });
    const page = rows.slice(0, size);
    if (page.length > 0) yield page.map((r) => JSON.parse(String(r[2])) as Json);
    if (rows.length > size) {
      const last = page[page.length - 1]!;
      after = { t: String(last[1]), id: String(last[0]), dir: 'desc' };
      if (hours > 1) hours /= 2;
      continue;
    }
    // The window held fewer rows than a chunk: all of them are served.
    if (notBefore === undefined) return;
    after = windowCursor(notBefore);
    if (page.length < size / 2) hours *= 4;
  }
}

async function* csv(
  type: LogType,
  records: AsyncIterable<Json[]>,
  opts: ShapeOptions,
): AsyncGenerator<string> {
  // What the caller may not see (Conditional Access details) is not a column either.
  const columns = Object.keys(type.schema.properties).filter(
    (c) => c !== 'appliedConditionalAccessPolicies' || opts.readsConditionalAccess,
  );
  yield `${columns.map(csvField).join(',')}\r\n`;
  for await (const chunk of records) {
    let out = '';
    for (const r of chunk) {
      const shaped = shape(type, 'beta', r, opts);
      out += `${columns.map((c) => csvField(shaped[c])).join(',')}\r\n`;
    }
    yield out;
  }
}

async function* json(
  type: LogType,
  records: AsyncIterable<Json[]>,
  opts: ShapeOptions,
): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const chunk of records) {
    let out = '';
    for (const r of chunk) {
      out += `${first ? '\n' : ',\n'}${JSON.stringify(shape(type, 'beta', r, opts))}`;
      first = false;
    }
    yield out;
  }
  yield first ? ']\n' : '\n]\n';
}

export const exportRoute =
  (deps: Pick<AppDeps, 'store' | 'exportChunk'>): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { resource: string }; Querystring: Record<string, string | string[] | undefined> }>(
      '/api/v1/export/:resource',
      {
        preHandler: async (req, reply) => {
          const r = byName.get(req.params.resource.toLowerCase());
          if (!r) {
            throw new ApiError(
              404,
              'NotFound',
              `no export for '${req.params.resource}'; one of: ${EXPORT_RESOURCES.join(', ')}`,
            );
          }
          await requireRole(...r.roles).call(app, req, reply);
        },
      },
      async (req, reply) => {
        const r = byName.get(req.params.resource.toLowerCase())!;
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
        const body = Readable.from(
          format === 'csv' ? csv(query.type, records, opts) : json(query.type, records, opts),
          {
            objectMode: false,
          },
        );
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
