/**
 * The Log Analytics tables as SQL over the stored records: for each log type, a SELECT that
 * computes every column of its LA table (registry/la-tables.ts: names, order, Kusto types, sources)
 * from the stored canonical record, for one tenant only. No second copy of the data: the view is
 * inlined into each query. The JS row builder (records/la-row.ts) and these expressions implement
 * the same mapping; la-views.test.ts checks that they agree row for row.
 */
import { LA_SOURCE_SYSTEM, type LaColumn, type LaSource, type LaType } from '../../../registry/la-tables.ts';
import type { LogType } from '../../../registry/types.ts';
import type { KType } from '../ast.ts';
import type { KqlDialect } from './dialect.ts';

export interface ViewColumn {
  name: string;
  type: KType;
}

/** The SQL of a log type's LA table for the tenant bound to `tenantParam`, and its columns. */
export function laViewSql(
  d: KqlDialect,
  type: LogType,
  columns: readonly LaColumn[],
  tenantParam: string,
): { sql: string; cols: ViewColumn[] } {
  const tp = typedPaths(d, type);
  const exprs = columns.map((c) => `${column(d, tp, type, c, tenantParam)} AS ${d.quote(c.name)}`);
  const own = type.columns.map((c) => d.quote(c.name)).join(', ');
  const inner = `SELECT "time", tenant, ${own ? `${own}, ` : ''}${d.parseJson('record')} AS j FROM ${d.quote(type.table)} WHERE tenant = ${tenantParam}`;
  return {
    sql: `SELECT ${exprs.join(', ')} FROM (${inner}) AS r`,
    cols: columns.map((c) => ({ name: c.name, type: c.type })),
  };
}

/**
 * Scalar paths the store also keeps as typed columns (registry/log-types.ts `columns`): read from
 * the column (no JSON parse; filters use DuckDB's zone maps). Ingest validates records against
 * their schema, so the typed value and the JSON text agree (la-views.test checks it).
 */
/** Record path ('a/b') → SQL of the store's typed column holding it, as text. */
type Typed = ReadonlyMap<string, string>;

function typedPaths(d: KqlDialect, type: LogType): Typed {
  const m = new Map<string, string>();
  for (const c of type.columns) {
    if (c.each || c.type === 'string[]') continue;
    const col = d.quote(c.name);
    m.set(c.path.join('/'), c.type === 'string' ? col : `CAST(${col} AS VARCHAR)`);
  }
  return m;
}

function column(d: KqlDialect, tp: Typed, type: LogType, c: LaColumn, tenant: string): string {
  const v = source(d, tp, type, c.type, c.from, tenant);
  // Kusto strings are never null: a missing value reads as "".
  return c.type === 'string' ? `coalesce(${v}, '')` : v;
}

/** SQL for one source, typed as the column. */
function source(d: KqlDialect, tp: Typed, type: LogType, t: LaType, src: LaSource, tenant: string): string {
  if ('path' in src) {
    let v: string;
    if (t === 'dynamic') {
      v = d.jsonPath('j', src.path);
      if (src.as === 'parseJson') v = d.parseJsonString(v);
    } else {
      v = d.fromJsonText(textOf(d, tp, src.path), t);
      if (src.as === 'capitalize') v = d.capitalize(v);
    }
    return src.or ? `coalesce(${v}, ${source(d, tp, type, t, src.or, tenant)})` : v;
  }
  if ('system' in src) {
    switch (src.system) {
      case 'tenant':
      case 'workspace':
        return tenant;
      case 'timeGenerated':
        return '"time"';
      case 'type':
        return d.string(type.laTable);
      case 'sourceSystem':
        return d.string(LA_SOURCE_SYSTEM);
      case 'category':
        return d.string(type.category);
      case 'operationName':
        return d.string(type.operationName);
      case 'operationVersion':
        return d.string(type.operationVersion);
    }
  }
  if ('const' in src) return d.fromJsonText(d.string(String(src.const)), t);
  if ('none' in src) return d.nullOf(t);
  if ('derive' in src) {
    if (src.derive === 'signInIsRisky') return signInIsRisky(d, tp);
    return auditInitiatedBy(d);
  }
  return envelope(d, tp, type, t, src.envelope, tenant);
}

/** A path's value as text: from the typed column when the store keeps one, else from the JSON. */
function textOf(d: KqlDialect, tp: Typed, path: readonly string[]): string {
  return tp.get(path.join('/')) ?? d.jsonPathText('j', path);
}

/** records/la-row.ts DERIVE.signInIsRisky, in SQL. */
function signInIsRisky(d: KqlDialect, tp: Typed): string {
  const s = textOf(d, tp, ['riskState']);
  const a = textOf(d, tp, ['riskLevelDuringSignIn']);
  const b = textOf(d, tp, ['riskLevelAggregated']);
  return `CASE WHEN ${s} IN ('atRisk', 'confirmedCompromised') THEN true
    WHEN ${a} IN ('low', 'medium', 'high') OR ${b} IN ('low', 'medium', 'high') THEN true
    WHEN ${a} = 'hidden' OR ${b} = 'hidden' THEN NULL
    WHEN ${a} = 'none' OR ${b} = 'none' OR ${s} IN ('none', 'confirmedSafe', 'remediated', 'dismissed') THEN false
    ELSE NULL END`;
}

/** records/envelope-fields.ts auditInitiatorBranch: {user}, else {app}, else {}. */
function auditInitiatedBy(d: KqlDialect): string {
  const user = d.jsonPath('j', ['initiatedBy', 'user']);
  const app = d.jsonPath('j', ['initiatedBy', 'app']);
  const present = (v: string) => `(${v} IS NOT NULL AND ${d.jsonTypeOf(v)} = 'OBJECT')`;
  return `CASE WHEN ${present(user)} THEN ${d.jsonObject([['user', user]])}
    WHEN ${present(app)} THEN ${d.jsonObject([['app', app]])} ELSE ${d.jsonLiteral('{}')} END`;
}

/**
 * The envelope-derived columns (records/envelope-fields.ts, per family), in SQL. Each branch
 * mirrors one getter there; la-views.test.ts compares the two on generated records.
 */
function envelope(d: KqlDialect, tp: Typed, type: LogType, t: LaType, field: string, tenant: string): string {
  const text = (...path: string[]) => textOf(d, tp, path);
  const typed = (v: string) => d.fromJsonText(v, t);
  const none = d.nullOf(t);
  switch (field) {
    case 'operationVersion':
      return typed(d.string(type.operationVersion));
    case 'resourceId':
      return typed(`'/tenants/' || ${tenant} || '/providers/Microsoft.aadiam'`);
    case 'level':
      return typed(d.string('4'));
  }
  const opName = typed(d.string(type.operationName));
  switch (type.family) {
    case 'audit':
      switch (field) {
        case 'operationName':
          return typed(text('activityDisplayName'));
        case 'resultSignature':
          return typed(d.string('None'));
        case 'durationMs':
          return typed(d.string('0'));
        case 'callerIpAddress':
          return typed(`coalesce(${text('initiatedBy', 'user', 'ipAddress')}, '<null>')`);
        case 'correlationId':
          return typed(text('correlationId'));
        case 'identity':
          return typed(
            `coalesce(${text('initiatedBy', 'user', 'displayName')}, ${text('initiatedBy', 'app', 'displayName')}, '')`,
          );
        default:
          return none;
      }
    case 'signIn': {
      const managed = type.category === 'ManagedIdentitySignInLogs';
      const code = text('status', 'errorCode');
      switch (field) {
        case 'operationName':
          return opName;
        case 'resultType':
          return typed(`coalesce(${code}, '0')`);
        case 'resultSignature':
          return typed(`CASE WHEN ${code} IS NULL OR ${code} = '0' THEN 'SUCCESS' ELSE 'FAILURE' END`);
        case 'resultDescription':
          return typed(text('status', 'failureReason'));
        case 'durationMs':
          return typed(d.string('0'));
        case 'callerIpAddress':
          return managed ? none : typed(text('ipAddress'));
        case 'correlationId':
          return typed(text('correlationId'));
        case 'identity': {
          const kinds = d.jsonPath('j', ['signInEventTypes']);
          return typed(
            `CASE WHEN ${d.jsonArrayContainsText(kinds, 'servicePrincipal')} OR ${d.jsonArrayContainsText(kinds, 'managedIdentity')} THEN NULL ELSE ${text('userDisplayName')} END`,
          );
        }
        case 'location':
          return managed ? none : typed(text('location', 'countryOrRegion'));
        default:
          return none;
      }
    }
    case 'provisioning':
      switch (field) {
        case 'operationName':
          return opName;
        case 'resultType':
          return typed(d.capitalize(text('provisioningStatusInfo', 'status')));
        case 'durationMs':
          return typed(`coalesce(${text('durationInMilliseconds')}, '0')`);
        case 'correlationId':
          return typed(text('changeId'));
        case 'identity':
          return typed(text('id'));
        default:
          return none;
      }
    default:
      switch (field) {
        case 'operationName':
          return opName;
        case 'resultSignature':
          return typed(d.string('None'));
        case 'correlationId':
          return typed(`coalesce(${text('correlationId')}, ${text('requestId')})`);
        default:
          return none;
      }
  }
}
