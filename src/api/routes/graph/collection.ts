/**
 * GET /{v1.0|beta}/{resource} and /{resource}/{id} for every Graph resource in resources.ts:
 * OData options → the shared query plan → engine SQL (src/query), keyset `$skiptoken` paging with
 * an absolute `@odata.nextLink`, Graph's collection and entity envelopes and error shape.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { encodeCursor, pageOf } from '../../../query/cursor.ts';
import { QueryError } from '../../../query/errors.ts';
import type { GraphVersion } from '../../../query/odata/capabilities.ts';
import { buildODataQuery } from '../../../query/odata/query.ts';
import type { Query } from '../../../query/plan.ts';
import { compileByIdDuckDb, compileCountDuckDb, compileDuckDb } from '../../../query/sql/duckdb.ts';
import { logType } from '../../../registry/log-types.ts';
import type { LogType } from '../../../registry/types.ts';
import type { Store } from '../../../store/store.ts';
import type { AppDeps } from '../../app.ts';
import { requireRole } from '../../auth.ts';
import { ApiError } from '../../errors.ts';
import { throttled } from '../../throttle.ts';
import { GRAPH_RESOURCES, type GraphResourceRoute } from './resources.ts';

const SIGN_IN_KINDS = [
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
].map(logType);

type Json = Record<string, unknown>;

/** The server's own origin as the client addressed it, for absolute links. */
function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? `${req.hostname}`}`;
}

function queryParams(req: FastifyRequest): Record<string, string | string[] | undefined> {
  return req.query as Record<string, string | string[] | undefined>;
}

/**
 * A stored record as Graph returns it: every property of the resource, null when the record has
 * none (Graph writes nulls; exports omit them). v1.0 leaves out beta-only properties and anything
 * outside the schema; beta keeps the record's extra (open-type) properties after the schema's.
 */
export function shape(type: LogType, version: GraphVersion, record: Json): Json {
  const props = Object.keys(type.schema.properties);
  const betaOnly = new Set(type.graph?.betaOnly ?? []);
  const out: Json = {};
  for (const p of props) {
    if (version === 'v1.0' && betaOnly.has(p)) continue;
    out[p] = record[p] ?? null;
  }
  if (version === 'beta') for (const k of Object.keys(record)) if (!(k in out)) out[k] = record[k];
  return out;
}

function select(record: Json, fields: readonly string[] | undefined): Json {
  if (!fields || fields.length === 0) return record;
  const out: Json = {};
  for (const f of fields) out[f] = record[f] ?? null;
  return out;
}

function nextLink(req: FastifyRequest, skiptoken: string): string {
  const url = new URL(req.url, origin(req));
  url.searchParams.delete('$skiptoken');
  url.searchParams.set('$skiptoken', skiptoken);
  return url.toString();
}

/** Widening windows (hours) for newest-first pages; the last step has no lower bound. */
const WINDOWS_H = [1, 8, 64, 512, 4096];

/**
 * A page, newest first, found by looking back from the cursor (or now) in widening time windows:
 * a window holding a full page already holds the newest rows, and DuckDB skips the row groups
 * older than it (zone maps on `time`), instead of sorting every matching row of the table.
 */
async function newestFirst(
  store: Store,
  query: Query,
  tenant: string,
): Promise<Array<{ id: string; t: string; record: string }>> {
  const run = async (q: Query) => {
    const { sql, params } = compileDuckDb(q, tenant);
    return (await store.readSql(sql, params)).map((row) => ({
      id: String(row[0]),
      t: String(row[1]),
      record: String(row[2]),
    }));
  };
  if (query.orderBy[0]!.dir !== 'desc') return run(query);
  const anchor = query.after ? Date.parse(query.after.t) : Date.now();
  for (const h of WINDOWS_H) {
    const rows = await run({ ...query, notBefore: new Date(anchor - h * 3_600_000).toISOString() });
    if (rows.length > query.limit) return rows;
  }
  return run(query);
}

function toApiError(err: unknown): never {
  if (err instanceof QueryError) throw new ApiError(err.status, err.code, err.message);
  throw err;
}

function register(
  app: Parameters<FastifyPluginAsync>[0],
  deps: Pick<AppDeps, 'store' | 'throttle'>,
  r: GraphResourceRoute,
  version: GraphVersion,
) {
  const base = `/${version}${r.path}`;
  const contextBase = `https://graph.microsoft.com/${version}/$metadata#${r.context}`;
  const guard = { preHandler: [requireRole(...r.roles), throttled(deps.throttle)] };

  app.get(base, guard, async (req) => {
    const tenant = req.principal!.tenant;
    let built: ReturnType<typeof buildODataQuery>;
    try {
      built = buildODataQuery(r.type, queryParams(req), { version });
    } catch (err) {
      toApiError(err);
    }
    const { query, count, fingerprint } = built;
    const rows = await newestFirst(deps.store, query, tenant);
    const page = pageOf(rows, query.limit, query.orderBy[0]!.dir);
    const body: Json = { '@odata.context': contextBase };
    if (count) {
      const c = compileCountDuckDb(query, tenant);
      body['@odata.count'] = Number((await deps.store.readSql(c.sql, c.params))[0]![0]);
    }
    body.value = page.rows.map((row) =>
      select(shape(r.type, version, JSON.parse(row.record) as Json), query.select),
    );
    if (page.next) body['@odata.nextLink'] = nextLink(req, encodeCursor(page.next, fingerprint));
    return body;
  });

  // Beta's signIns holds every sign-in kind; v1.0's only the interactive ones.
  const byIdTypes = version === 'beta' && r.path === '/auditLogs/signIns' ? SIGN_IN_KINDS : [r.type];
  app.get<{ Params: { id: string } }>(`${base}/:id`, guard, async (req) => {
    const tenant = req.principal!.tenant;
    let rows: unknown[][] = [];
    for (const type of byIdTypes) {
      const { sql, params } = compileByIdDuckDb(type, tenant, req.params.id);
      rows = await deps.store.readSql(sql, params);
      if (rows.length > 0) break;
    }
    if (rows.length === 0) {
      throw new ApiError(
        404,
        'Request_ResourceNotFound',
        `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return {
      '@odata.context': `${contextBase}/$entity`,
      ...shape(r.type, version, JSON.parse(String(rows[0]![0])) as Json),
    };
  });
}

export const graphRoutes =
  (deps: Pick<AppDeps, 'store' | 'throttle'>): FastifyPluginAsync =>
  async (app) => {
    for (const r of GRAPH_RESOURCES) for (const v of r.versions) register(app, deps, r, v);
  };
