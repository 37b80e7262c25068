/**
 * idtrail's own KQL syntax tree. The parser adapter (parse.ts) builds it from the Kusto language
 * service's tree; nothing else sees the service's (Bridge.NET) objects. Every node keeps its
 * position in the query text (`pos`: offset, `len`: length) for error messages.
 */

export interface Span {
  pos: number;
  len: number;
}

/** Kusto scalar types (LA reports all but `decimal` here). */
export type KType =
  | 'string'
  | 'long'
  | 'int'
  | 'real'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'dynamic'
  | 'guid';

export type Literal =
  | { type: 'string' | 'guid'; value: string | null }
  | { type: 'long' | 'int' | 'real'; value: number | null }
  | { type: 'bool'; value: boolean | null }
  /** ISO 8601, UTC. */
  | { type: 'datetime'; value: string | null }
  /** Microseconds (Kusto has 100 ns ticks; idtrail keeps microseconds, see docs/kql.md). */
  | { type: 'timespan'; value: number | null };

export type Expr = Span &
  (
    | ({ kind: 'literal' } & Literal)
    | { kind: 'dynamic'; value: unknown }
    | { kind: 'name'; name: string }
    | { kind: 'star' }
    | { kind: 'binary'; op: string; left: Expr; right: Expr }
    | { kind: 'unary'; op: string; operand: Expr }
    /** in, !in, in~, !in~, has_any, has_all: a list of scalars or one tabular expression. */
    | { kind: 'in'; op: string; left: Expr; list: Expr[] }
    | { kind: 'between'; negated: boolean; left: Expr; low: Expr; high: Expr }
    | { kind: 'call'; name: string; args: Expr[] }
    | { kind: 'member'; target: Expr; member: string }
    | { kind: 'index'; target: Expr; index: Expr }
    /** `name = expr` (or `(a, b) = expr`) in project/extend/summarize. */
    | { kind: 'named'; names: string[]; expr: Expr }
    | { kind: 'ordered'; expr: Expr; desc: boolean | undefined; nulls: 'first' | 'last' | undefined }
    | { kind: 'tabular'; query: Tabular }
    /** A `let` function: `(a:string, b:long) { lets…; body }`. */
    | {
        kind: 'lambda';
        params: { name: string; type: KType | 'table'; default?: Expr }[];
        lets: Statement[];
        body: Expr;
      }
    /** `typeof(long)`: a type as an argument (extract's fourth). */
    | { kind: 'typeof'; type: KType }
  );

export type Tabular = Span &
  (
    | { kind: 'table'; name: string }
    | { kind: 'datatable'; columns: { name: string; type: KType }[]; values: Expr[] }
    | { kind: 'pipe'; input: Tabular; op: Operator }
    | { kind: 'union'; tables: Tabular[]; withSource?: string; isFuzzy: boolean; inner?: boolean }
    | { kind: 'print'; exprs: Expr[] }
    | { kind: 'range'; name: string; from: Expr; to: Expr; step: Expr }
    /** A function call in table position: `table('SigninLogs')`, a `let` function. */
    | { kind: 'call'; name: string; args: Expr[] }
  );

export type Operator = Span &
  (
    | { kind: 'where'; predicate: Expr }
    | { kind: 'project'; exprs: Expr[] }
    /** Names or wildcard patterns (`*1`). */
    | { kind: 'project-away' | 'project-keep'; names: string[] }
    | { kind: 'project-rename'; renames: { to: string; from: string }[] }
    | { kind: 'extend'; exprs: Expr[] }
    | { kind: 'summarize'; aggregates: Expr[]; by: Expr[] }
    | { kind: 'sort'; by: Expr[] }
    | { kind: 'take'; count: Expr }
    | { kind: 'top'; count: Expr; by: Expr }
    | {
        kind: 'top-nested';
        clauses: { count?: Expr; of: Expr; others?: Expr; by: Expr; desc: boolean }[];
      }
    | { kind: 'distinct'; exprs: Expr[] }
    | { kind: 'count' }
    | { kind: 'getschema' }
    | {
        kind: 'make-series';
        aggregates: { expr: Expr; default?: Expr }[];
        on: Expr;
        from?: Expr;
        to?: Expr;
        /** `in range(from, to, step)`: `to` is the last bin's start (inclusive). */
        inclusiveTo?: boolean;
        step: Expr;
        by: Expr[];
      }
    | { kind: 'render'; chart: string; properties: Record<string, unknown> }
    | { kind: 'union'; tables: Tabular[]; withSource?: string; isFuzzy: boolean; inner?: boolean }
    | { kind: 'join'; joinKind: string; right: Tabular; on: JoinKey[] }
    | {
        kind: 'mv-expand';
        bagExpansion: 'bag' | 'array';
        itemIndex?: string;
        items: { name?: string; expr: Expr; toType?: KType }[];
        limit?: Expr;
      }
    | {
        kind: 'mv-apply';
        bagExpansion: 'bag' | 'array';
        itemIndex?: string;
        items: { name?: string; expr: Expr; toType?: KType }[];
        limit?: Expr;
        /** The subquery: operators applied to each row's expanded table. */
        ops: Operator[];
      }
    | { kind: 'project-reorder'; names: { pattern: string; order?: 'asc' | 'desc' }[] }
    | { kind: 'lookup'; joinKind: 'leftouter' | 'inner'; right: Tabular; on: JoinKey[] }
    /** parse and parse-where (`where`): literals (regexes in kind=regex), `*`, columns with a type. */
    | {
        kind: 'parse';
        mode: 'simple' | 'regex' | 'relaxed';
        flags?: string;
        where: boolean;
        source: Expr;
        parts: ParsePart[];
      }
    /** `as Name`: binds the input to a name for the rest of the query. */
    | { kind: 'as'; name: string }
    /** `serialize [Name = expr, …]`: the input's order becomes usable by row_number/prev/next. */
    | { kind: 'serialize'; exprs: Expr[] }
    /** `evaluate plugin(args) [: (schema)]`. */
    | {
        kind: 'evaluate';
        plugin: string;
        args: Expr[];
        schema?: { star: boolean; columns: { name: string; type: KType }[] };
      }
  );

export type ParsePart =
  | { kind: 'literal'; text: string }
  | { kind: 'any' }
  | { kind: 'column'; name: string; type: KType };

/** `on a` (same name on both sides) or `on $left.a == $right.b`. */
export interface JoinKey extends Span {
  left: string;
  right: string;
}

export type Statement =
  | (Span & { kind: 'let'; name: string; value: Expr })
  | (Span & { kind: 'query'; query: Expr });

export interface Script {
  statements: Statement[];
}
