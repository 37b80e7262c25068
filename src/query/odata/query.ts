/**
 * A Graph list request's query options → a validated plan Query: what a Graph route calls.
 *
 *   const { query, count, fingerprint } = buildODataQuery(logType('SignInLogs'), req.query, { version: 'beta' });
 *   const { sql, params } = compileDuckDb(query, tenant);           // rows: id, t, record
 *   const page = pageOf(rows, query.limit, query.orderBy[0].dir);    // + page.next → nextLink
 *   nextLink = same URL with $skiptoken = encodeCursor(page.next, fingerprint)
 *
 * Errors are QueryError (status 400, code 'BadRequest', a message naming what is wrong).
 */
import { LOG_TYPES } from '../../registry/log-types.ts';
import type { LogType } from '../../registry/types.ts';
import { decodeCursor, queryFingerprint } from '../cursor.ts';
import { QueryError } from '../errors.ts';
import { type Expr, type OrderBy, type Query, walkExpr } from '../plan.ts';
import { capabilitiesFor, type GraphVersion, validateFilter } from './capabilities.ts';
import { parseCount, parseFilter, parseOrderBy, parseSelect, parseTop } from './parse.ts';
import { topLevelProperties } from './schema-types.ts';

export interface ODataOptions {
  /** The Graph version of the request: beta-only properties are unknown in v1.0. Default 'v1.0'. */
  version?: GraphVersion;
}

export interface ODataQuery {
  query: Query;
  /** `$count=true`: the caller adds `@odata.count` (compileCountDuckDb). */
  count: boolean;
  /** Binds cursors to this query: pass to encodeCursor for the nextLink. */
  fingerprint: string;
}

/** System query options Graph defines that these resources do not support. */
const UNSUPPORTED_OPTIONS = new Set([
  '$skip',
  '$search',
  '$expand',
  '$apply',
  '$compute',
  '$levels',
  '$deltatoken',
  '$index',
  '$schemaversion',
]);
const SUPPORTED_OPTIONS = new Set([
  '$filter',
  '$orderby',
  '$top',
  '$skiptoken',
  '$select',
  '$count',
  '$format',
]);

const bad = (option: string, message: string) => new QueryError(message, 'BadRequest', undefined, option);

/**
 * Builds the plan Query for a Graph list request on a log type's resource.
 * `params` are the request's decoded query-string values (a repeated option is refused).
 */
export function buildODataQuery(
  type: LogType,
  params: Readonly<Record<string, string | readonly string[] | undefined>>,
  opts: ODataOptions = {},
): ODataQuery {
  const version = opts.version ?? 'v1.0';
  const caps = capabilitiesFor(type);
  const options = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const key = rawKey.toLowerCase();
    if (!key.startsWith('$')) continue; // not a system query option: the route's business
    if (UNSUPPORTED_OPTIONS.has(key)) {
      throw bad(key, `Query option '${rawKey}' is not supported on resource '${caps.resource}'.`);
    }
    if (!SUPPORTED_OPTIONS.has(key)) throw bad(key, `Unknown query option '${rawKey}'.`);
    if (typeof value !== 'string') {
      throw bad(
        key,
        `Query option '${rawKey}' was specified more than once; it must be specified at most once.`,
      );
    }
    if (options.has(key)) {
      throw bad(
        key,
        `Query option '${rawKey}' was specified more than once; it must be specified at most once.`,
      );
    }
    options.set(key, value);
  }

  // $format: JSON is all these resources speak.
  const format = options.get('$format');
  if (format !== undefined && !/^(json|application\/json)$/i.test(format.trim())) {
    throw bad('$format', `Unsupported $format '${format}': only json is supported.`);
  }

  // $filter
  const filterText = options.get('$filter');
  let filter: Expr | undefined;
  if (filterText !== undefined && filterText.trim() !== '') {
    filter = validateFilter(type, parseFilter(filterText), { version });
  }

  // $orderby: the time field only (paging is keyset on it), optionally followed by the id.
  let orderBy: OrderBy[] = [{ path: [type.timeField], dir: caps.orderBy.default }];
  const orderText = options.get('$orderby');
  if (orderText !== undefined && orderText.trim() !== '') {
    const items = parseOrderBy(orderText);
    const first = items[0]!;
    const firstName = first.path.join('/');
    if (firstName.toLowerCase() !== type.timeField.toLowerCase()) {
      throw bad(
        '$orderby',
        `Unsupported or invalid query orderby clause specified for property '${firstName}' of resource '${caps.resource}'. Only '${type.timeField}' can be ordered by (asc or desc).`,
      );
    }
    for (const extra of items.slice(1)) {
      const name = extra.path.join('/');
      if (name.toLowerCase() !== type.idField.toLowerCase() || extra.dir !== first.dir) {
        throw bad(
          '$orderby',
          `Unsupported or invalid query orderby clause specified for property '${name}' of resource '${caps.resource}'. Only '${type.timeField}' can be ordered by (asc or desc).`,
        );
      }
    }
    orderBy = [{ path: [type.timeField], dir: first.dir }];
  }
  const dir = orderBy[0]!.dir;

  // $top
  let limit = caps.top.default;
  const topText = options.get('$top');
  if (topText !== undefined) {
    limit = parseTop(topText);
    if (limit < 1 || limit > caps.top.max) {
      throw bad(
        '$top',
        `Invalid page size specified: '${topText.trim()}'. Must be between 1 and ${caps.top.max} inclusive.`,
      );
    }
  }

  // $select
  let select: string[] | undefined;
  const selectText = options.get('$select');
  if (selectText !== undefined && selectText.trim() !== '') {
    if (!caps.select)
      throw bad('$select', `Query option '$select' is not supported on resource '${caps.resource}'.`);
    const names = topLevelProperties(type.schema);
    const picked: string[] = [];
    let all = false;
    for (const item of parseSelect(selectText)) {
      // `*` selects everything, but the other items must still name properties.
      if (item === '*') {
        all = true;
        continue;
      }
      if (item.includes('/')) {
        throw bad(
          '$select',
          `Selecting a nested property ('${item}') is not supported; select '${item.split('/')[0]}' instead.`,
        );
      }
      const name = names.find((n) => n.toLowerCase() === item.toLowerCase());
      if (!name) {
        throw bad(
          '$select',
          `Could not find a property named '${item}' on type 'microsoft.graph.${caps.resource}'.`,
        );
      }
      if (!picked.includes(name)) picked.push(name);
    }
    select = all || picked.length === 0 ? undefined : picked;
  }

  // $count
  let count = false;
  const countText = options.get('$count');
  if (countText !== undefined) {
    count = parseCount(countText);
    if (count && !caps.count) {
      throw bad('$count', `Query option '$count' is not supported on resource '${caps.resource}'.`);
    }
  }

  const [scan, ...union] = caps.resource === 'signIn' ? signInScan(type, filter, version) : [type];
  const base: Query = { type: scan!, filter, orderBy, limit };
  if (union.length > 0) base.union = union;
  if (select) base.select = select;
  const fingerprint = queryFingerprint(base);

  const token = options.get('$skiptoken');
  if (token !== undefined) base.after = decodeCursor(token, { fingerprint, dir });

  return { query: base, count, fingerprint };
}

/** The Graph-served sign-in kinds, by their signInEventTypes value. */
const SIGN_IN_KINDS = new Map(
  LOG_TYPES.filter((t) => t.graph?.signInEventType).map((t) => [t.graph!.signInEventType!, t] as const),
);

/**
 * The sign-in tables a `/auditLogs/signIns` request reads (entra-formats.md §2.2): v1.0 serves
 * interactive sign-ins only (`type`); beta serves the other kinds only when the filter asks for
 * them through signInEventTypes. When a top-level `and` clause is
 * `signInEventTypes/any(t: t eq 'a' [or t eq 'b' …])`, only those kinds are read; any other use of
 * signInEventTypes reads all four Graph-served kinds and lets the filter decide.
 */
export function signInScan(type: LogType, filter: Expr | undefined, version: GraphVersion): LogType[] {
  if (version === 'v1.0' || !filter || !mentionsEventTypes(filter)) return [type];
  const kinds = selectedKinds(filter) ?? [...SIGN_IN_KINDS.keys()];
  const types = [...new Set(kinds)]
    .map((k) => SIGN_IN_KINDS.get(k))
    .filter((t): t is LogType => t !== undefined);
  // No Graph-served kind selected (e.g. only 'unknownFutureValue'): scan `type`; the filter matches nothing there.
  return types.length > 0 ? types : [type];
}

function mentionsEventTypes(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'lambda' && x.collection.path.join('/') === 'signInEventTypes') found = true;
  });
  return found;
}

/** Kinds named by a top-level conjunct `signInEventTypes/any(t: t eq 'a' or t eq 'b')`, if any. */
function selectedKinds(e: Expr): string[] | undefined {
  if (e.kind === 'and') {
    const l = selectedKinds(e.left);
    const r = selectedKinds(e.right);
    if (l && r) return l.filter((k) => r.includes(k));
    return l ?? r;
  }
  if (e.kind !== 'lambda' || e.op !== 'any' || e.collection.path.join('/') !== 'signInEventTypes')
    return undefined;
  if (!e.predicate || e.variable === undefined) return undefined;
  const values: string[] = [];
  const collect = (x: Expr): boolean => {
    if (x.kind === 'or') return collect(x.left) && collect(x.right);
    if (
      x.kind === 'compare' &&
      x.op === 'eq' &&
      x.left.kind === 'field' &&
      x.left.variable === e.variable &&
      x.right.kind === 'literal' &&
      typeof x.right.value === 'string'
    ) {
      values.push(x.right.value);
      return true;
    }
    return false;
  };
  return collect(e.predicate) ? values : undefined;
}
