/** The shape of a log type's description. Data only: the modules above the registry act on it. */
import type { TObject } from '@sinclair/typebox';

/** Storage column types, named for the engines' common SQL; each dialect maps them. */
export type ColumnType = 'string' | 'timestamp' | 'int' | 'bigint' | 'double' | 'bool' | 'string[]';

/**
 * A typed column kept beside the full record, for the fields people filter and group on.
 * `path` walks the Graph-shaped record; `each` maps a sub-path over an array (a list column).
 */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  path: readonly string[];
  /** With type 'string[]': `path` names an array of objects, `each` the field taken from each. */
  each?: readonly string[];
}

/** Which envelope/row mapping family a type belongs to (records/ holds one mapping per family). */
export type Family =
  | 'audit'
  | 'signIn'
  | 'provisioning'
  | 'riskyUser'
  | 'riskDetection'
  | 'riskyServicePrincipal'
  | 'servicePrincipalRiskDetection'
  | 'graphActivity'
  | 'generic';

export interface GraphResource {
  /** Entity type name, e.g. 'signIn'. */
  resource: string;
  /** Path under the version root, e.g. '/auditLogs/signIns'. */
  path: string;
  /** The lowest Graph version that serves it. */
  version: 'v1.0' | 'beta';
  /** For the sign-in kinds that share /auditLogs/signIns: the signInEventTypes value that selects them. */
  signInEventType?: string;
  /** Top-level schema properties that only Graph beta returns (v1.0 responses leave them out). */
  betaOnly?: readonly string[];
}

export interface LogType {
  /** Diagnostic-setting category name (seed 004), e.g. 'SignInLogs'. */
  category: string;
  /** Log Analytics table (entra-formats.md Appendix A). */
  laTable: string;
  /** Store table name. */
  table: string;
  graph: GraphResource | null;
  family: Family;
  /** The Graph-shaped record schema (or, for types Graph does not serve, the export `properties` shape). */
  schema: TObject;
  idField: string;
  timeField: string;
  /**
   * The fields that make a record unique, when the id alone does not: risky users and risky
   * service principals are state snapshots of one principal (id = the principal's id), so each
   * change is a new record keyed by (id, riskLastUpdatedDateTime). The store's `id` column holds
   * these values joined with '|'. Default: [idField].
   */
  keyFields?: readonly string[];
  /** Azure Monitor envelope `operationName` for records of this type (entra-formats.md §3.5). */
  operationName: string;
  operationVersion: string;
  columns: readonly ColumnDef[];
  /** Roles allowed to read it; undefined = the default reader roles. */
  readRoles?: readonly string[];
}
