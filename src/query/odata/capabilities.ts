/**
 * What Microsoft Graph allows in each activity-log resource's query options, and a validator that
 * refuses what Graph refuses, in Graph's words where we know them.
 *
 * Sources (shared/reference/entra-formats.md):
 * - §2.2 filter tables: directoryAudits (docs-old directoryaudit-list.md + directoryaudit.md),
 *   signIns (docs-old signin-list.md + go-v1/beta per-property notes), provisioning (go-v1
 *   per-property notes; "The filters are all case sensitive").
 * - §1.2 per-property notes (e.g. appliedConditionalAccessPolicy.id "Supports $filter (eq)").
 * - §1.1 CountRestrictions: directoryAudit and signIn countable, provisioningObjectSummary not.
 * - Identity Protection list pages (riskDetection-list: "supports $filter and $select … default page
 *   size is 20 objects while the maximum with $top is 500"; riskyUser-list: "maximum page size with
 *   $top is 500"; riskyServicePrincipals list: "$count, $filter, $select, and $top"). Those pages give
 *   no per-property table, so for them we allow eq on every scalar property, startswith on names,
 *   and range operators on datetimes.
 *
 * Deliberate choices where the docs are silent or narrower than practice (each marked below):
 * - The time field accepts eq, gt, ge, lt and le everywhere. The docs list (eq, ge, le) for
 *   directoryAudits/signIns and (eq, gt, lt) for provisioning, but scripts in the wild page audits
 *   with `activityDateTime gt …` and nothing is gained by refusing the other half of the range.
 * - directoryAudit `category` and `result` accept eq: undocumented, but `category eq '…'` is one of
 *   the most common audit filters in published scripts.
 * - `not`, `and`, `or` and parentheses combine any allowed clauses.
 * - `all(…)`, `in`, `endswith`, tolower/toupper and `any()` without a predicate are in the plan
 *   (KQL uses them) but no Graph resource documents them, so Graph requests that use them are refused.
 *
 * Case sensitivity (the plan's `caseInsensitive` flag, decided here):
 * - provisioningObjectSummary: case sensitive, as documented.
 * - every other resource: string eq/startswith compare case-insensitively, as Azure AD's
 *   reporting store does for these properties (userPrincipalName, display names, ids).
 * - enum properties (riskState, conditionalAccessStatus, signInEventTypes …): the literal is checked
 *   against the enum's members and, on case-insensitive resources, rewritten to the member's
 *   spelling; the store keeps canonical spellings (ingest normalises them), so the comparison is
 *   then exact, which keeps it cheap.
 */
import type { LogType } from '../../registry/types.ts';
import { QueryError } from '../errors.ts';
import type { Compare, CompareOp, Expr, FieldRef, Literal, Operand, SortDir, StringFn } from '../plan.ts';
import { type PropertyInfo, propertyAt } from './schema-types.ts';

export type FilterOp = CompareOp | StringFn | 'in';

export interface PropertyCapability {
  /** Graph path with '/' (canonical spelling). */
  path: string;
  ops: readonly FilterOp[];
  /** Served only by /beta (v1.0 answers that the property does not exist). */
  beta?: boolean;
}

export interface CollectionCapability {
  /** The collection's Graph path. */
  path: string;
  /** For a collection of strings: the operators allowed on the element (`t eq 'x'`). */
  element?: readonly FilterOp[];
  /** For a collection of objects: sub-property → operators (`t/id eq 'x'`). */
  properties?: Readonly<Record<string, readonly FilterOp[]>>;
  beta?: boolean;
}

export interface ResourceCapabilities {
  /** Graph entity type name, e.g. 'signIn'. */
  resource: string;
  filter: readonly PropertyCapability[];
  /** Collections filterable through any(…). */
  collections: readonly CollectionCapability[];
  /** Whether string comparisons are case sensitive. */
  caseSensitive: boolean;
  top: { default: number; max: number };
  /** Orderable properties (the time field: paging is keyset on it) and the default direction. */
  orderBy: { default: SortDir };
  count: boolean;
  select: boolean;
}

const EQ: readonly FilterOp[] = ['eq'];
const EQ_SW: readonly FilterOp[] = ['eq', 'startswith'];
const EQ_CONTAINS: readonly FilterOp[] = ['eq', 'contains'];
/** Datetime range: see "Deliberate choices" above. */
const RANGE: readonly FilterOp[] = ['eq', 'gt', 'ge', 'lt', 'le'];

const p = (path: string, ops: readonly FilterOp[], beta?: boolean): PropertyCapability =>
  beta ? { path, ops, beta } : { path, ops };

const directoryAuditFilter: PropertyCapability[] = [
  p('activityDisplayName', EQ_SW),
  p('activityDateTime', RANGE),
  p('loggedByService', EQ),
  p('initiatedBy/user/id', EQ),
  p('initiatedBy/user/displayName', EQ),
  p('initiatedBy/user/userPrincipalName', EQ_SW),
  p('initiatedBy/app/appId', EQ),
  p('initiatedBy/app/displayName', EQ),
  p('correlationId', EQ),
  p('id', EQ),
  p('category', EQ), // undocumented, widely used
  p('result', EQ), // undocumented
];
const directoryAuditCollections: CollectionCapability[] = [
  { path: 'targetResources', properties: { id: EQ, displayName: EQ_SW } },
];

const signInFilter: PropertyCapability[] = [
  p('id', EQ),
  p('userId', EQ),
  p('appId', EQ),
  p('correlationId', EQ),
  p('clientAppUsed', EQ),
  p('conditionalAccessStatus', EQ),
  p('status/errorCode', EQ),
  p('createdDateTime', RANGE),
  p('userDisplayName', EQ_SW),
  p('userPrincipalName', EQ_SW),
  p('appDisplayName', EQ_SW),
  p('ipAddress', EQ_SW),
  p('location/city', EQ_SW),
  p('location/state', EQ_SW),
  p('location/countryOrRegion', EQ_SW),
  p('deviceDetail/browser', EQ_SW),
  p('deviceDetail/operatingSystem', EQ_SW),
  p('resourceDisplayName', EQ),
  p('resourceId', EQ),
  p('riskDetail', EQ),
  p('riskLevelAggregated', EQ),
  p('riskLevelDuringSignIn', EQ),
  p('riskState', EQ),
  // v1.0 CSDL has these since 2026 (§1.2 note); filter support from the beta docs.
  p('servicePrincipalId', EQ_SW),
  p('servicePrincipalName', EQ_SW),
  p('userAgent', EQ_SW),
  // beta only
  p('authenticationRequirement', EQ_SW, true),
  p('originalRequestId', EQ, true),
  p('tokenIssuerName', EQ, true),
];
const signInCollections: CollectionCapability[] = [
  { path: 'signInEventTypes', element: ['eq', 'ne'], beta: true },
  { path: 'riskEventTypes_v2', element: EQ_SW },
  { path: 'riskEventTypes', element: EQ },
  { path: 'conditionalAccessAudiences', element: EQ, beta: true },
  { path: 'appliedConditionalAccessPolicies', properties: { id: EQ } },
];

const provisioningFilter: PropertyCapability[] = [
  p('activityDateTime', RANGE),
  p('changeId', EQ_CONTAINS),
  p('cycleId', EQ_CONTAINS),
  p('jobId', EQ_CONTAINS),
  p('provisioningAction', EQ_CONTAINS),
  p('tenantId', EQ_CONTAINS),
  p('initiatedBy/id', EQ_CONTAINS),
  p('initiatedBy/displayName', EQ_CONTAINS),
  p('servicePrincipal/id', EQ),
  p('servicePrincipal/displayName', EQ),
  p('sourceIdentity/identityType', EQ_CONTAINS),
  p('sourceIdentity/id', EQ_CONTAINS),
  p('sourceIdentity/displayName', EQ_CONTAINS),
  p('targetIdentity/identityType', EQ_CONTAINS),
  p('targetIdentity/id', EQ_CONTAINS),
  p('targetIdentity/displayName', EQ_CONTAINS),
  p('sourceSystem/displayName', EQ_CONTAINS),
  p('targetSystem/displayName', EQ_CONTAINS),
  // v1.0 name of beta's statusInfo/status (beta documents eq, contains on it).
  p('provisioningStatusInfo/status', EQ_CONTAINS),
  p('action', EQ_CONTAINS, true),
  p('statusInfo/status', EQ_CONTAINS, true),
];

const riskyUserFilter: PropertyCapability[] = [
  p('id', EQ),
  p('isDeleted', EQ),
  p('isProcessing', EQ),
  p('riskLevel', EQ),
  p('riskState', EQ),
  p('riskDetail', EQ),
  p('userDisplayName', EQ_SW),
  p('userPrincipalName', EQ_SW),
  p('riskLastUpdatedDateTime', RANGE),
];

const riskDetectionCommon: PropertyCapability[] = [
  p('id', EQ),
  p('requestId', EQ),
  p('correlationId', EQ),
  p('riskEventType', EQ),
  p('riskState', EQ),
  p('riskLevel', EQ),
  p('riskDetail', EQ),
  p('source', EQ),
  p('detectionTimingType', EQ),
  p('activity', EQ),
  p('tokenIssuerType', EQ),
  p('ipAddress', EQ),
  p('activityDateTime', RANGE),
  p('detectedDateTime', RANGE),
  p('lastUpdatedDateTime', RANGE),
];
const riskDetectionFilter: PropertyCapability[] = [
  ...riskDetectionCommon,
  p('userId', EQ),
  p('userDisplayName', EQ_SW),
  p('userPrincipalName', EQ_SW),
  p('location/city', EQ),
  p('location/state', EQ),
  p('location/countryOrRegion', EQ),
];
const servicePrincipalRiskDetectionFilter: PropertyCapability[] = [
  ...riskDetectionCommon,
  p('servicePrincipalId', EQ),
  p('servicePrincipalDisplayName', EQ_SW),
  p('appId', EQ),
];
const riskyServicePrincipalFilter: PropertyCapability[] = [
  p('id', EQ),
  p('appId', EQ),
  p('displayName', EQ_SW),
  p('servicePrincipalType', EQ),
  p('riskLevel', EQ),
  p('riskState', EQ),
  p('riskDetail', EQ),
  p('isEnabled', EQ),
  p('isProcessing', EQ),
  p('riskLastUpdatedDateTime', RANGE),
];

/**
 * $top: signIns documents "maximum and default page size is 1,000". directoryAudits and
 * provisioning document neither (§6 gap 2): we use 1,000/1,000 like signIns, which is what Graph
 * returns for an unparameterised directoryAudits list in practice. Identity Protection documents a
 * maximum of 500 and (riskDetections) a default of 20; we use 20/500 for all four.
 */
const AUDIT_TOP = { default: 1000, max: 1000 };
const RISK_TOP = { default: 20, max: 500 };

export const CAPABILITIES: Readonly<Record<string, ResourceCapabilities>> = {
  directoryAudit: {
    resource: 'directoryAudit',
    filter: directoryAuditFilter,
    collections: directoryAuditCollections,
    caseSensitive: false,
    top: AUDIT_TOP,
    orderBy: { default: 'desc' }, // default order undocumented (§2.3): newest first, like signIns
    count: true,
    select: true,
  },
  customSecurityAttributeAudit: {
    // "the same property set as directoryAudit" (§1.4); beta only.
    resource: 'customSecurityAttributeAudit',
    filter: directoryAuditFilter,
    collections: directoryAuditCollections,
    caseSensitive: false,
    top: AUDIT_TOP,
    orderBy: { default: 'desc' },
    count: true,
    select: true,
  },
  signIn: {
    resource: 'signIn',
    filter: signInFilter,
    collections: signInCollections,
    caseSensitive: false,
    top: { default: 1000, max: 1000 },
    orderBy: { default: 'desc' }, // "by default, the most recent sign-ins are returned first"
    count: true,
    select: true,
  },
  provisioningObjectSummary: {
    resource: 'provisioningObjectSummary',
    filter: provisioningFilter,
    collections: [],
    caseSensitive: true, // "The filters are all case sensitive."
    top: AUDIT_TOP,
    orderBy: { default: 'desc' },
    count: false, // CountRestrictions.Countable = false (§1.1)
    select: true,
  },
  riskyUser: {
    resource: 'riskyUser',
    filter: riskyUserFilter,
    collections: [],
    caseSensitive: false,
    top: RISK_TOP,
    orderBy: { default: 'desc' },
    count: false,
    select: true,
  },
  riskDetection: {
    resource: 'riskDetection',
    filter: riskDetectionFilter,
    collections: [],
    caseSensitive: false,
    top: RISK_TOP,
    orderBy: { default: 'desc' },
    count: false,
    select: true,
  },
  riskyServicePrincipal: {
    resource: 'riskyServicePrincipal',
    filter: riskyServicePrincipalFilter,
    collections: [],
    caseSensitive: false,
    top: RISK_TOP,
    orderBy: { default: 'desc' },
    count: true, // "supports the $count, $filter, $select, and $top OData query parameters"
    select: true,
  },
  servicePrincipalRiskDetection: {
    resource: 'servicePrincipalRiskDetection',
    filter: servicePrincipalRiskDetectionFilter,
    collections: [],
    caseSensitive: false,
    top: RISK_TOP,
    orderBy: { default: 'desc' },
    count: false,
    select: true,
  },
};

/** The capabilities of a log type's Graph resource; throws for types Graph does not serve. */
export function capabilitiesFor(type: LogType): ResourceCapabilities {
  const caps = type.graph ? CAPABILITIES[type.graph.resource] : undefined;
  if (!caps) throw new Error(`log type '${type.category}' has no Graph resource`);
  return caps;
}

// ───────────────────────────── validation ─────────────────────────────

export type GraphVersion = 'v1.0' | 'beta';

export interface ValidateOptions {
  /** Beta-only properties are unknown in v1.0. Default 'beta' (everything allowed). */
  version?: GraphVersion;
}

const OP_KIND: Record<CompareOp, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};
const FLIP: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

const EDM: Record<string, string> = {
  string: 'Edm.String',
  number: 'Edm.Int32',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  guid: 'Edm.Guid',
  null: 'null',
};

const filterError = (message: string, pos?: number) => new QueryError(message, 'BadRequest', pos, '$filter');

interface LambdaBinding {
  collection: CollectionCapability;
  info: PropertyInfo;
}

class Validator {
  private readonly entityType: string;
  private readonly bindings = new Map<string, LambdaBinding>();

  constructor(
    private readonly type: LogType,
    private readonly caps: ResourceCapabilities,
    private readonly version: GraphVersion,
  ) {
    this.entityType = `microsoft.graph.${caps.resource}`;
  }

  private unsupported(path: string, detail: string, pos?: number): QueryError {
    return filterError(
      `Unsupported or invalid query filter clause specified for property '${path}' of resource '${this.caps.resource}'. ${detail}`,
      pos,
    );
  }

  private notFound(path: readonly string[], missing: number, pos?: number): QueryError {
    const on =
      missing === 0
        ? `type '${this.entityType}'`
        : `'${path.slice(0, missing).join('/')}' of type '${this.entityType}'`;
    return filterError(`Could not find a property named '${path[missing]}' on ${on}.`, pos);
  }

  /**
   * Resolves a top-level (non-lambda) property reference against the schema and capabilities.
   * Beta-only properties are all top-level ones (signInEventTypes, statusInfo, …), so in v1.0 the
   * first segment is the one reported missing.
   */
  private property(f: FieldRef): { info: PropertyInfo; cap: PropertyCapability | undefined } {
    const found = propertyAt(this.type.schema, f.path);
    if ('missing' in found) throw this.notFound(f.path, found.missing, f.pos);
    const key = found.path.join('/');
    const cap = this.caps.filter.find((c) => c.path === key);
    if (cap?.beta && this.version === 'v1.0') throw this.notFound(found.path, 0, f.pos);
    const coll = this.caps.collections.find((c) => c.path === key);
    if (coll?.beta && this.version === 'v1.0') throw this.notFound(found.path, 0, f.pos);
    return { info: found, cap };
  }

  validate(e: Expr): Expr {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { ...e, left: this.validate(e.left), right: this.validate(e.right) };
      case 'not':
        return { ...e, arg: this.validate(e.arg) };
      case 'compare':
        return this.compare(e);
      case 'call':
        return this.call(e);
      case 'in': {
        const { field, path, ops } = this.resolveField(this.fieldOperand(e.operand));
        if (!ops.includes('in')) {
          throw this.unsupported(
            path,
            `The operator 'in' is not supported; combine comparisons with 'or' instead (supported: ${ops.join(', ')}).`,
            e.pos,
          );
        }
        const out: Expr = {
          kind: 'in',
          operand: field,
          values: e.values.map((v) => this.literalFor(field, path, v, 'eq', e.pos)),
        };
        if (e.pos !== undefined) out.pos = e.pos;
        if (this.caseInsensitive(field)) out.caseInsensitive = true;
        return out;
      }
      case 'lambda':
        return this.lambda(e);
      case 'bool': {
        if (e.operand.kind === 'literal' && e.operand.type === 'boolean') return e;
        const f = this.fieldOperand(e.operand);
        const r = this.resolveField(f);
        if (r.field.type !== 'boolean') {
          throw filterError(
            `Invalid filter clause: the property '${r.path}' is not a boolean; compare it with a value (for example ${r.path} eq 'value').`,
            e.pos,
          );
        }
        if (!r.ops.includes('eq'))
          throw this.unsupported(r.path, `It does not support filtering (supported: none).`, e.pos);
        return { ...e, operand: r.field };
      }
    }
  }

  private fieldOperand(o: Operand): FieldRef {
    if (o.kind === 'field') return o;
    if (o.kind === 'valueCall') {
      throw filterError(
        `Invalid filter clause: the function '${o.fn}' is not supported on resource '${this.caps.resource}'.`,
        o.pos,
      );
    }
    throw filterError('Invalid filter clause: expected a property here, found a literal.', o.pos);
  }

  /**
   * Resolves a field (top-level, or through a lambda variable) to its typed plan node, its display
   * path and the operators allowed on it.
   */
  private resolveField(f: FieldRef): { field: FieldRef; path: string; ops: readonly FilterOp[] } {
    if (f.variable !== undefined) {
      const b = this.bindings.get(f.variable)!;
      if (b.collection.element) {
        if (f.path.length > 0) {
          throw filterError(
            `Invalid filter clause: the elements of '${b.collection.path}' are strings; compare '${f.variable}' itself (${f.variable} eq 'value').`,
            f.pos,
          );
        }
        const field: FieldRef = { ...f, type: 'string' };
        if (b.info.enumMembers) field.enumMembers = b.info.enumMembers;
        return { field, path: b.collection.path, ops: b.collection.element };
      }
      const found = propertyAt(b.info.items!, f.path);
      if ('missing' in found) {
        throw filterError(
          `Could not find a property named '${f.path[found.missing]}' on the elements of '${b.collection.path}'.`,
          f.pos,
        );
      }
      const sub = found.path.join('/');
      const ops = b.collection.properties?.[sub];
      const display = `${b.collection.path}/${sub}`;
      if (!ops) {
        const allowed = Object.keys(b.collection.properties ?? {}).join(', ');
        throw this.unsupported(
          display,
          `Inside ${b.collection.path}/any(…) only these properties can be filtered: ${allowed}.`,
          f.pos,
        );
      }
      return { field: this.typed(f, found), path: display, ops };
    }
    const { info, cap } = this.property(f);
    const display = info.path.join('/');
    if (info.type === 'string[]' || info.type === 'object[]') {
      const example = info.type === 'string[]' ? "t: t eq 'value'" : "t: t/id eq 'value'";
      throw filterError(
        `Invalid filter clause: '${display}' is a collection; filter it with a lambda, for example ${display}/any(${example}).`,
        f.pos,
      );
    }
    if (info.type === 'object') {
      throw filterError(
        `Invalid filter clause: '${display}' is a complex property; filter one of its properties (for example ${display}/id).`,
        f.pos,
      );
    }
    if (!cap) throw this.unsupported(display, 'The property does not support $filter.', f.pos);
    return { field: this.typed(f, info), path: display, ops: cap.ops };
  }

  private typed(f: FieldRef, info: PropertyInfo): FieldRef {
    const type = info.type === 'object' || info.type === 'other' ? 'unknown' : info.type;
    const out: FieldRef = { ...f, path: info.path, type };
    if (info.enumMembers) out.enumMembers = info.enumMembers;
    return out;
  }

  private compare(e: Compare): Expr {
    let { left, right, op } = e;
    if (left.kind === 'literal' && right.kind !== 'literal') {
      [left, right] = [right, left];
      op = FLIP[op];
    }
    if (left.kind !== 'field' || right.kind !== 'literal') {
      if (left.kind === 'valueCall' || right.kind === 'valueCall') {
        const fn = left.kind === 'valueCall' ? left.fn : (right as { fn: string }).fn;
        throw filterError(
          `Invalid filter clause: the function '${fn}' is not supported on resource '${this.caps.resource}'.`,
          e.pos,
        );
      }
      throw filterError(
        'Invalid filter clause: a comparison needs a property on one side and a literal value on the other.',
        e.pos,
      );
    }
    const { field, path, ops } = this.resolveField(left);
    if (!ops.includes(op)) {
      throw this.unsupported(
        path,
        `The operator '${op}' is not supported (supported: ${ops.join(', ')}).`,
        e.pos,
      );
    }
    const value = this.literalFor(field, path, right, op, e.pos);
    const out: Compare = { kind: 'compare', op, left: field, right: value };
    if (e.pos !== undefined) out.pos = e.pos;
    if (this.caseInsensitive(field)) out.caseInsensitive = true;
    return out;
  }

  private caseInsensitive(f: FieldRef): boolean {
    return !this.caps.caseSensitive && f.type === 'string' && !f.enumMembers;
  }

  /** Checks a literal against the field's type (ODL's wording for mismatches) and normalises it. */
  private literalFor(field: FieldRef, path: string, l: Literal, op: CompareOp, pos?: number): Literal {
    const mismatch = () =>
      filterError(
        `Invalid filter clause: A binary operator with incompatible types was detected. Found operand types '${EDM[field.type] ?? field.type}' and '${EDM[l.type]}' for operator kind '${OP_KIND[op]}'.` +
          (field.type === 'datetime' && l.type === 'string'
            ? ` Write dates and times unquoted, e.g. ${path} ge 2024-01-01T00:00:00Z.`
            : ''),
        l.pos ?? pos,
      );
    if (l.type === 'null') {
      if (op !== 'eq' && op !== 'ne') {
        throw filterError(
          `Invalid filter clause: null can only be compared with eq or ne (found '${op}').`,
          l.pos ?? pos,
        );
      }
      return l;
    }
    switch (field.type) {
      case 'string': {
        if (l.type !== 'string' && l.type !== 'guid') throw mismatch();
        const text = String(l.value);
        if (l.enumType && !/^microsoft\.graph\.[A-Za-z_]\w*$/.test(l.enumType)) {
          throw filterError(
            `Invalid filter clause: '${l.enumType}' is not an enum type of this service.`,
            l.pos ?? pos,
          );
        }
        if (field.enumMembers) {
          const member = field.enumMembers.find((m) => m.toLowerCase() === text.toLowerCase());
          if (member === undefined) {
            throw filterError(
              `Invalid filter clause: '${text}' is not a valid value for '${path}'. Valid values: ${field.enumMembers.join(', ')}.`,
              l.pos ?? pos,
            );
          }
          const value = this.caps.caseSensitive ? text : member;
          return { kind: 'literal', type: 'string', value, ...(l.pos !== undefined ? { pos: l.pos } : {}) };
        }
        return {
          kind: 'literal',
          type: 'string',
          value: text,
          ...(l.pos !== undefined ? { pos: l.pos } : {}),
        };
      }
      case 'number':
        if (l.type !== 'number') throw mismatch();
        return l;
      case 'boolean':
        if (l.type !== 'boolean') throw mismatch();
        return l;
      case 'datetime':
        if (l.type !== 'datetime') throw mismatch();
        return l;
      default:
        throw this.unsupported(path, 'The property does not support $filter.', pos);
    }
  }

  private call(e: Expr & { kind: 'call' }): Expr {
    const [subject, arg] = e.args;
    const f = this.fieldOperand(subject);
    if (arg.kind !== 'literal' || arg.type !== 'string') {
      throw filterError(
        `Invalid filter clause: the second argument of '${e.fn}' must be a string literal, e.g. ${e.fn}(property,'text').`,
        arg.pos ?? e.pos,
      );
    }
    const { field, path, ops } = this.resolveField(f);
    if (!ops.includes(e.fn)) {
      throw this.unsupported(
        path,
        `The function '${e.fn}' is not supported (supported: ${ops.join(', ')}).`,
        e.pos,
      );
    }
    if (field.type !== 'string') {
      throw filterError(
        `Invalid filter clause: '${e.fn}' needs a string property; '${path}' is not one.`,
        e.pos,
      );
    }
    const out: Expr = { kind: 'call', fn: e.fn, args: [field, { ...arg, value: String(arg.value) }] };
    if (e.pos !== undefined) out.pos = e.pos;
    // Functions on enum properties (provisioningAction contains 'crea') compare the stored text.
    if (!this.caps.caseSensitive && field.type === 'string') out.caseInsensitive = true;
    return out;
  }

  private lambda(e: Expr & { kind: 'lambda' }): Expr {
    const c = e.collection;
    if (c.variable !== undefined) {
      throw filterError('Invalid filter clause: nested lambdas are not supported.', e.pos);
    }
    const found = propertyAt(this.type.schema, c.path);
    if ('missing' in found) throw this.notFound(c.path, found.missing, c.pos);
    const display = found.path.join('/');
    const cap = this.caps.collections.find((x) => x.path === display);
    if (cap?.beta && this.version === 'v1.0') throw this.notFound(found.path, 0, c.pos);
    if (found.type !== 'string[]' && found.type !== 'object[]') {
      throw filterError(
        `Invalid filter clause: '${e.op}' applies to collections; '${display}' is not a collection.`,
        e.pos,
      );
    }
    if (!cap) {
      throw this.unsupported(
        display,
        `The collection cannot be filtered with ${e.op}(…) on this resource.`,
        e.pos,
      );
    }
    if (e.op === 'all') {
      throw this.unsupported(display, `The lambda operator 'all' is not supported; use any(…).`, e.pos);
    }
    if (!e.predicate || e.variable === undefined) {
      throw this.unsupported(
        display,
        `any() needs a predicate, e.g. ${display}/any(t: ${cap.element ? "t eq 'value'" : "t/id eq 'value'"}).`,
        e.pos,
      );
    }
    this.bindings.set(e.variable, { collection: cap, info: found });
    let predicate: Expr;
    try {
      predicate = this.validate(e.predicate);
      this.checkLambdaBody(predicate, e.variable, display);
    } finally {
      this.bindings.delete(e.variable);
    }
    const collection: FieldRef = { ...c, path: found.path, type: found.type };
    if (found.enumMembers) collection.enumMembers = found.enumMembers;
    const out: Expr = { kind: 'lambda', op: e.op, collection, variable: e.variable, predicate };
    if (e.pos !== undefined) out.pos = e.pos;
    return out;
  }

  /** Inside a lambda every property must be reached through its variable. */
  private checkLambdaBody(e: Expr, variable: string, collection: string): void {
    const check = (o: Operand) => {
      if (o.kind === 'field' && o.variable !== variable) {
        throw filterError(
          `Invalid filter clause: inside ${collection}/any(${variable}: …) refer to the element as '${variable}' (found '${o.path.join('/')}').`,
          o.pos,
        );
      }
    };
    switch (e.kind) {
      case 'and':
      case 'or':
        this.checkLambdaBody(e.left, variable, collection);
        this.checkLambdaBody(e.right, variable, collection);
        break;
      case 'not':
        this.checkLambdaBody(e.arg, variable, collection);
        break;
      case 'compare':
        check(e.left);
        check(e.right);
        break;
      case 'call':
        check(e.args[0]);
        break;
      case 'in':
        check(e.operand);
        break;
      case 'bool':
        check(e.operand);
        break;
      case 'lambda':
        break;
    }
  }
}

/**
 * Validates a parsed `$filter` against a resource: resolves every property to its schema type,
 * checks operators, functions and literal types, normalises literals (enum spellings, GUIDs as
 * strings) and marks case-insensitive comparisons. Throws QueryError with Graph's wording.
 */
export function validateFilter(type: LogType, expr: Expr, opts: ValidateOptions = {}): Expr {
  return new Validator(type, capabilitiesFor(type), opts.version ?? 'beta').validate(expr);
}
