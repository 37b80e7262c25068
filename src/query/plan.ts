/**
 * The shared relational plan both query languages compile to (DESIGN.md "Query paths"):
 * scan → filter → project → sort → limit, over typed expressions. OData builds it today; KQL will
 * build it too, and each store engine turns it into its own SQL (sql/duckdb.ts; ClickHouse later).
 *
 * Engine-neutral on purpose: fields are Graph-shape paths, never storage columns. Which path lives
 * in a typed column and which in the JSON record is the engine's business, read from the registry.
 */
import type { LogType } from '../registry/types.ts';

/** The type of a field, resolved from the record schema. */
export type FieldType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'datetime'
  /** A collection of strings (signInEventTypes). */
  | 'string[]'
  /** A collection of objects (targetResources). */
  | 'object[]'
  /** Not resolved yet: what the OData parser produces before validation. */
  | 'unknown';

export type LiteralType = 'string' | 'number' | 'boolean' | 'datetime' | 'guid' | 'null';

/** A position in the source text (0-based character offset), for error messages. */
interface Positioned {
  pos?: number;
}

/**
 * A field, by Graph path (['status', 'errorCode']). Inside a lambda, `variable` names the lambda
 * variable the path starts from (`t/id` → {variable: 't', path: ['id']}; bare `t` → path []).
 */
export interface FieldRef extends Positioned {
  kind: 'field';
  path: readonly string[];
  variable?: string;
  type: FieldType;
  /** For strings: members of the Graph enum the property has (validation canonicalises literals to them). */
  enumMembers?: readonly string[];
}

export interface Literal extends Positioned {
  kind: 'literal';
  type: LiteralType;
  /**
   * string/guid: the text (unescaped); number: the value; boolean: the value; null: null;
   * datetime: normalised UTC text `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, what the stores keep).
   */
  value: string | number | boolean | null;
  /** The source form of a datetime literal (for messages). */
  text?: string;
  /** For an OData enum literal `microsoft.graph.riskLevel'medium'`: the qualified type name. */
  enumType?: string;
}

/** A value-producing call: tolower/toupper (the only operand functions in the plan). */
export interface ValueCall extends Positioned {
  kind: 'valueCall';
  fn: 'tolower' | 'toupper';
  arg: Operand;
}

export type Operand = FieldRef | Literal | ValueCall;

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * A comparison. `caseInsensitive` is set by validation for string comparisons that the source
 * language defines as case-insensitive (Graph's sign-in and audit strings; KQL's `=~`).
 * Null semantics are OData's two-valued ones: `x eq null` is true when x is null, `x ne 'v'` is true
 * when x is null, and a comparison with a null operand is otherwise false (never unknown).
 */
export interface Compare extends Positioned {
  kind: 'compare';
  op: CompareOp;
  left: Operand;
  right: Operand;
  caseInsensitive?: boolean;
}

export type StringFn = 'startswith' | 'endswith' | 'contains';

/** A boolean string function: fn(subject, argument). */
export interface Call extends Positioned {
  kind: 'call';
  fn: StringFn;
  args: readonly [Operand, Operand];
  caseInsensitive?: boolean;
}

/** `operand in (v1, v2, …)`. */
export interface In extends Positioned {
  kind: 'in';
  operand: Operand;
  values: readonly Literal[];
  caseInsensitive?: boolean;
}

export interface And extends Positioned {
  kind: 'and';
  left: Expr;
  right: Expr;
}

export interface Or extends Positioned {
  kind: 'or';
  left: Expr;
  right: Expr;
}

export interface Not extends Positioned {
  kind: 'not';
  arg: Expr;
}

/**
 * `collection/any(v: predicate)` / `collection/all(v: predicate)`. `any()` without a predicate is
 * true when the collection is not empty. `all` over an empty or absent collection is true.
 */
export interface Lambda extends Positioned {
  kind: 'lambda';
  op: 'any' | 'all';
  collection: FieldRef;
  variable?: string;
  predicate?: Expr;
}

/**
 * A bare operand where a boolean is expected (a boolean property, `true`). Only booleans are
 * valid here; validation refuses anything else.
 */
export interface BoolOperand extends Positioned {
  kind: 'bool';
  operand: Operand;
}

export type Expr = Compare | Call | In | And | Or | Not | Lambda | BoolOperand;

export type SortDir = 'asc' | 'desc';

export interface OrderBy {
  path: readonly string[];
  dir: SortDir;
}

/** A keyset position: the (time, id) of the last row of the previous page, and its direction. */
export interface Cursor {
  /** The row's time as the store keeps it: `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
  t: string;
  /** The store's `id` column value. */
  id: string;
  dir: SortDir;
}

export interface Query {
  /** The log type to scan. */
  type: LogType;
  /**
   * More log types of the same shape (same columns) scanned with the same filter and merged in
   * order: the sign-in kinds that share `/auditLogs/signIns` in beta.
   */
  union?: readonly LogType[];
  filter?: Expr;
  /**
   * The sort. The engines page by keyset on (time, id), so the first key must be the type's time
   * field; the id is always the tie-breaker, in the same direction.
   */
  orderBy: readonly OrderBy[];
  /** Rows per page. Engines fetch one more to know whether there is a next page. */
  limit: number;
  /** Resume after this position (exclusive). */
  after?: Cursor;
  /**
   * Only rows at or after this time (ISO 8601). Not a user option: a route searching newest-first
   * in widening time windows sets it, so engines can skip old data (see api/routes/graph).
   */
  notBefore?: string;
  /** Top-level properties to return; undefined = the whole record. */
  select?: readonly string[];
}

// ---- small constructors, for tests and for other front ends (KQL) ----

export const field = (path: string | readonly string[], type: FieldType = 'unknown'): FieldRef => ({
  kind: 'field',
  path: typeof path === 'string' ? path.split('/') : path,
  type,
});

export const lit = (value: string | number | boolean | null, type?: LiteralType): Literal => ({
  kind: 'literal',
  type:
    type ??
    (value === null
      ? 'null'
      : typeof value === 'string'
        ? 'string'
        : typeof value === 'number'
          ? 'number'
          : 'boolean'),
  value,
});

export const cmp = (op: CompareOp, left: Operand, right: Operand, caseInsensitive?: boolean): Compare => ({
  kind: 'compare',
  op,
  left,
  right,
  ...(caseInsensitive ? { caseInsensitive } : {}),
});

export const and = (...args: Expr[]): Expr => args.reduce((l, r) => ({ kind: 'and', left: l, right: r }));
export const or = (...args: Expr[]): Expr => args.reduce((l, r) => ({ kind: 'or', left: l, right: r }));
export const not = (arg: Expr): Expr => ({ kind: 'not', arg });

/** The plan without source positions: for comparing plans and for fingerprints. */
export function stripPositions<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'pos' ? undefined : v))) as T;
}

/** Visits every node of an expression, depth first. */
export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'and':
    case 'or':
      walkExpr(e.left, visit);
      walkExpr(e.right, visit);
      break;
    case 'not':
      walkExpr(e.arg, visit);
      break;
    case 'lambda':
      if (e.predicate) walkExpr(e.predicate, visit);
      break;
    default:
      break;
  }
}

/** The top-level record properties an expression reads (lambda variables resolved to their collection). */
export function propertiesRead(expr: Expr | undefined, into: Set<string> = new Set()): Set<string> {
  if (!expr) return into;
  const operand = (o: Operand) => {
    if (o.kind === 'field' && !o.variable && o.path.length > 0) into.add(o.path[0]!);
    else if (o.kind === 'valueCall') operand(o.arg);
  };
  switch (expr.kind) {
    case 'compare':
      operand(expr.left);
      operand(expr.right);
      break;
    case 'call':
      operand(expr.args[0]);
      operand(expr.args[1]);
      break;
    case 'in':
      operand(expr.operand);
      break;
    case 'and':
    case 'or':
      propertiesRead(expr.left, into);
      propertiesRead(expr.right, into);
      break;
    case 'not':
      propertiesRead(expr.arg, into);
      break;
    case 'lambda':
      operand(expr.collection);
      propertiesRead(expr.predicate, into);
      break;
    case 'bool':
      operand(expr.operand);
      break;
  }
  return into;
}
