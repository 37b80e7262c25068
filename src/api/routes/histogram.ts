/**
 * GET /api/v1/histogram/{resource}?$filter=…&interval=PT1H — how many records of a Graph list's
 * WHOLE filtered set fall in each time bucket, and how many of them succeeded: the portal's chart
 * (sign-ins and audits over time, by status) over every matching record, not only the rows the
 * grid has loaded. Graph has no aggregation; this is idtrail's own.
 *
 * - `resource` and `$filter` as for /api/v1/export/{resource} (the same roles as the list, the
 *   same OData compiled by src/query, Conditional Access filters refused without a CA role).
 * - `interval`: PT5M, PT15M, PT1H (default), PT6H or P1D; buckets start at multiples of it (UTC).
 *   More than 10,000 buckets is refused (400): widen the interval or narrow the date filter.
 * - Success: sign-ins with `status/errorCode` 0, audits with `result` success, provisioning with
 *   `provisioningStatusInfo/status` success; lists without a status (risk) count `total` only.
 * - Response: `{"interval","total","buckets":[{"start","total","success","failure"}]}`, oldest
 *   first, empty buckets left out.
 */
import type { FastifyPluginAsync } from 'fastify';
import { QueryError } from '../../query/errors.ts';
import { buildODataQuery } from '../../query/odata/query.ts';
import { type Expr, propertiesRead, type Query } from '../../query/plan.ts';
import { compileHistogramDuckDb } from '../../query/sql/duckdb.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { resourceByName, resourceGuard } from './graph/resource-param.ts';
import type { GraphResourceRoute } from './graph/resources.ts';
import { CONDITIONAL_ACCESS_READERS, shapeOptions } from './graph/shape.ts';

export const INTERVALS: Readonly<Record<string, number>> = {
  PT5M: 300,
  PT15M: 900,
  PT1H: 3600,
  PT6H: 21_600,
  P1D: 86_400,
};
export const MAX_BUCKETS = 10_000;

/** What "succeeded" means per list (OData on the list's own properties). */
const SUCCESS: Readonly<Record<string, string>> = {
  signIns: 'status/errorCode eq 0',
  directoryAudits: "result eq 'success'",
  customSecurityAttributeAudits: "result eq 'success'",
  provisioning: "provisioningStatusInfo/status eq 'success'",
};

const odata = (r: GraphResourceRoute, filter: string | undefined): Query => {
  try {
    return buildODataQuery(r.type, filter ? { $filter: filter } : {}, { version: 'beta' }).query;
  } catch (err) {
    if (err instanceof QueryError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
};

export const histogramRoute =
  (deps: { store: Store }): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { resource: string }; Querystring: Record<string, string | string[] | undefined> }>(
      '/api/v1/histogram/:resource',
      {
        preHandler: resourceGuard(app, 'histogram'),
      },
      async (req) => {
        const r = resourceByName(req.params.resource)!;
        const name = r.path.split('/').pop()!;
        const { $filter: filter, interval = 'PT1H' } = req.query;
        if (Array.isArray(filter) || Array.isArray(interval)) {
          throw new ApiError(400, 'BadRequest', 'Query options may be specified only once.');
        }
        const seconds = INTERVALS[interval];
        if (seconds === undefined) {
          throw new ApiError(
            400,
            'BadRequest',
            `Unsupported interval '${interval}': use one of ${Object.keys(INTERVALS).join(', ')}.`,
          );
        }
        const query = odata(r, filter);
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
        const successText = SUCCESS[name];
        const success: Expr | undefined = successText ? odata(r, successText).filter : undefined;
        const c = compileHistogramDuckDb(query, req.principal!.tenant, seconds, success, MAX_BUCKETS);
        const rows = await deps.store.readSql(c.sql, c.params);
        if (rows.length > MAX_BUCKETS) {
          throw new ApiError(
            400,
            'BadRequest',
            `More than ${MAX_BUCKETS.toLocaleString('en-US')} buckets of ${interval}: use a longer interval or a narrower date filter.`,
          );
        }
        let total = 0;
        const buckets = rows.map(([start, n, ok]) => {
          total += Number(n);
          const b: Record<string, unknown> = {
            start: String(start).replace(/\.0+Z$/, 'Z'),
            total: Number(n),
          };
          if (success) {
            b.success = Number(ok);
            b.failure = Number(n) - Number(ok);
          }
          return b;
        });
        return { interval, total, buckets };
      },
    );
  };
