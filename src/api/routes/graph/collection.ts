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
import { propertiesRead, type Query } from '../../../query/plan.ts';
import { compileByIdDuckDb, compileCountDuckDb } from '../../../query/sql/duckdb.ts';
import { type PageRow, queryPage, readPage, withRecords } from '../../../query/sql/read-page.ts';
import { logType } from '../../../registry/log-types.ts';
import type { Store } from '../../../store/store.ts';
import type { AppDeps } from '../../app.ts';
import { requireRole } from '../../auth.ts';
import { ApiError } from '../../errors.ts';
import { throttled } from '../../throttle.ts';
import { GRAPH_RESOURCES, type GraphResourceRoute } from './resources.ts';
import { CONDITIONAL_ACCESS_READERS, select, shape, shapeOptions } from './shape.ts';

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
export async function newestFirst(store: Store, query: Query, tenant: string): Promise<PageRow[]> {
  if (query.orderBy[0]!.dir !== 'desc') return readPage(store, query, tenant);
  // Page 1 looks back from the newest stored record, not from now: a tenant whose logs stop
  // earlier (an import, a quiet night) would otherwise run every small window empty first.
  const anchor = query.after ? Date.parse(query.after.t) : await newestTime(store, query, tenant);
  if (anchor === null) return readPage(store, query, tenant);
  for (const h of WINDOWS_H) {
    const q = { ...query, notBefore: new Date(anchor - h * 3_600_000).toISOString() };
    const page = await queryPage(store, q, tenant);
    if (page.rows.length > query.limit) return withRecords(store, q, tenant, page);
  }
  return readPage(store, query, tenant);
}

/**
 * The newest record time of the scanned log types. The store keeps it current from its commits, so
 * this costs no scan. A stale value would be harmless anyway: windows only bound rows from below.
 */
async function newestTime(store: Store, query: Query, tenant: string): Promise<number | null> {
  let t: number | null = null;
  for (const type of [query.type, ...(query.union ?? [])]) {
    const m = await store.maxTime(type, tenant);
    if (m !== null) t = Math.max(t ?? 0, Date.parse(m));
  }
  return t;
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

  app.get(base, guard, async (req, reply) => {
    const tenant = req.principal!.tenant;
    let built: ReturnType<typeof buildODataQuery>;
    try {
      built = buildODataQuery(r.type, queryParams(req), { version });
    } catch (err) {
      toApiError(err);
    }
    const { query, count, fingerprint } = built;
    const opts = shapeOptions(req.headers.prefer, req.principal!.roles);
    if (
      !opts.readsConditionalAccess &&
      propertiesRead(query.filter).has('appliedConditionalAccessPolicies')
    ) {
      // Entra leaves the property out for such callers (§2.4); filtering on it would reveal it.
      throw new ApiError(
        403,
        'Authorization_RequestDenied',
        'Reading Conditional Access data needs one of these roles: ' +
          CONDITIONAL_ACCESS_READERS.join(', ') +
          '.',
      );
    }
    const rows = await newestFirst(deps.store, query, tenant);
    const page = pageOf(rows, query.limit, query.orderBy[0]!.dir);
    const body: Json = { '@odata.context': contextBase };
    if (count) {
      const c = compileCountDuckDb(query, tenant);
      body['@odata.count'] = Number((await deps.store.readSql(c.sql, c.params))[0]![0]);
    }
    body.value = page.rows.map((row) =>
      select(shape(r.type, version, JSON.parse(row.record) as Json, opts), query.select),
    );
    if (page.next) body['@odata.nextLink'] = nextLink(req, encodeCursor(page.next, fingerprint));
    if (opts.includeUnknownEnumMembers) reply.header('Preference-Applied', 'include-unknown-enum-members');
    return body;
  });

  // Beta's signIns holds every sign-in kind; v1.0's only the interactive ones.
  const byIdTypes = version === 'beta' && r.path === '/auditLogs/signIns' ? SIGN_IN_KINDS : [r.type];
  app.get<{ Params: { id: string } }>(`${base}/:id`, guard, async (req, reply) => {
    const tenant = req.principal!.tenant;
    let record: string | null = null;
    for (const type of byIdTypes) {
      const { sql, params } = compileByIdDuckDb(type, tenant, req.params.id);
      const rows = await deps.store.readSql(sql, params);
      if (rows.length === 0) continue;
      record = deps.store.recordText(rows[0]![0]);
      if (record === null) {
        // Stored before compact records (migration 5): read the text.
        const text = compileByIdDuckDb(type, tenant, req.params.id, 'record');
        record = String((await deps.store.readSql(text.sql, text.params))[0]![0]);
      }
      break;
    }
    if (record === null) {
      throw new ApiError(
        404,
        'Request_ResourceNotFound',
        `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    const opts = shapeOptions(req.headers.prefer, req.principal!.roles);
    if (opts.includeUnknownEnumMembers) reply.header('Preference-Applied', 'include-unknown-enum-members');
    return {
      '@odata.context': `${contextBase}/$entity`,
      ...shape(r.type, version, JSON.parse(record) as Json, opts),
    };
  });
}

export const graphRoutes =
  (deps: Pick<AppDeps, 'store' | 'throttle'>): FastifyPluginAsync =>
  async (app) => {
    for (const r of GRAPH_RESOURCES) for (const v of r.versions) register(app, deps, r, v);
  };
