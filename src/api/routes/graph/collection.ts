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
import { propertiesRead } from '../../../query/plan.ts';
import { compileByIdDuckDb, compileCountDuckDb } from '../../../query/sql/duckdb.ts';
import { logType } from '../../../registry/log-types.ts';
import type { AppDeps } from '../../app.ts';
import { requireRole } from '../../auth.ts';
import { ApiError } from '../../errors.ts';
import { throttled } from '../../throttle.ts';
import { ByteSink } from './byte-sink.ts';
import { newestFirst } from './newest-first.ts';
import { GRAPH_RESOURCES, type GraphResourceRoute } from './resources.ts';
import { CONDITIONAL_ACCESS_READERS, shapeOptions } from './shape.ts';
import { byteShaper } from './shape-bytes.ts';

const SIGN_IN_KINDS = [
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
].map(logType);

const JSON_TYPE = 'application/json; charset=utf-8';
/** A first guess of a page body's size: 100 sign-ins of ~4 KB. */
const BODY_BYTES = 1 << 19;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;

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
    // The body is written as bytes: each record shaped from its stored bytes (shape-bytes.ts), so a
    // page of 100 sign-ins (~400 KB) is never parsed into objects and serialised again.
    const out = new ByteSink(BODY_BYTES);
    out.text(`{"@odata.context":${JSON.stringify(contextBase)}`);
    if (count) {
      const c = compileCountDuckDb(query, tenant);
      out.latin1(`,"@odata.count":${Number((await deps.store.readSql(c.sql, c.params))[0]![0])}`);
    }
    out.latin1(',"value":[');
    const shaper = byteShaper(r.type, opts, version);
    page.rows.forEach((row, i) => {
      if (i > 0) out.byte(COMMA);
      shaper.graph(row.record, out, query.select);
    });
    out.byte(CLOSE_BRACKET);
    if (page.next) {
      out.text(`,"@odata.nextLink":${JSON.stringify(nextLink(req, encodeCursor(page.next, fingerprint)))}`);
    }
    out.byte(CLOSE_BRACE);
    if (opts.includeUnknownEnumMembers) reply.header('Preference-Applied', 'include-unknown-enum-members');
    return reply.type(JSON_TYPE).send(out.take());
  });

  // Beta's signIns holds every sign-in kind; v1.0's only the interactive ones.
  const byIdTypes = version === 'beta' && r.path === '/auditLogs/signIns' ? SIGN_IN_KINDS : [r.type];
  app.get<{ Params: { id: string } }>(`${base}/:id`, guard, async (req, reply) => {
    const tenant = req.principal!.tenant;
    let record: Buffer | null = null;
    for (const type of byIdTypes) {
      const { sql, params } = compileByIdDuckDb(type, tenant, req.params.id);
      const rows = await deps.store.readSql(sql, params, { compact: true });
      if (rows.length === 0) continue;
      record = deps.store.recordBytes(rows[0]![0]);
      if (record === null) {
        // Stored before compact records (migration 5): read the text.
        const text = compileByIdDuckDb(type, tenant, req.params.id, 'record');
        record = Buffer.from(String((await deps.store.readSql(text.sql, text.params))[0]![0]));
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
    // The entity as the page shows it (the same byte shaper), after its context.
    const out = new ByteSink(record.length * 2 + 256);
    out.byte(OPEN_BRACE);
    out.text(`"@odata.context":${JSON.stringify(`${contextBase}/$entity`)}`);
    const start = out.len;
    byteShaper(r.type, opts, version).graph(record, out);
    // The shaped record's own braces go: its members follow the context's.
    if (out.len - start > 2) {
      out.buf[start] = COMMA;
      return reply.type(JSON_TYPE).send(out.take());
    }
    out.len = start;
    out.byte(CLOSE_BRACE);
    return reply.type(JSON_TYPE).send(out.take());
  });
}

export const graphRoutes =
  (deps: Pick<AppDeps, 'store' | 'throttle'>): FastifyPluginAsync =>
  async (app) => {
    for (const r of GRAPH_RESOURCES) for (const v of r.versions) register(app, deps, r, v);
  };
