/**
 * The parser adapter: KQL text → idtrail's syntax tree (ast.ts), through Microsoft's own parser
 * (`@kusto/language-service-next`, the Kusto.Language C# library compiled to JS by Bridge.NET).
 * The library is Bridge.NET code that installs globals (`Bridge`, `System`, `Kusto`): it is loaded
 * once, lazily or at start (`warmKql`), and no other module touches its objects.
 */
import { createRequire } from 'node:module';
import type { Expr, KType, Operator, Script, Span, Statement, Tabular } from './ast.ts';
import { KqlError, unsupported } from './errors.ts';
import { parseTimespan } from './timespan.ts';

// The Bridge objects are untyped here on purpose: the package's .d.ts describes the C# API
// through global namespaces, and this file is the only one that walks them.
// biome-ignore lint/suspicious/noExplicitAny: Bridge.NET objects
type Node = any;

let kusto: Node | undefined;

function language(): Node {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    // bridge.js defines the .NET runtime on `global` when it sees CommonJS; the Kusto assembly
    // then registers itself into it. Order matters.
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    kusto = (globalThis as unknown as { Kusto: { Language: Node } }).Kusto.Language;
  }
  return kusto;
}

/** Loads the parser and runs one query through it (the first parse JIT-compiles a lot of code). */
export function warmKql(): void {
  parseKql('let x = 1; T | where a has "b" | summarize count() by bin(TimeGenerated, 1h) | take 1');
}

// Dashboards and alerts run the same text again and again: keep the last trees (never mutated).
const cache = new Map<string, Script>();
const CACHE_SIZE = 200;

/** Parses a query. Throws KqlError (code SyntaxError) at the first syntax error. */
export function parseKql(text: string): Script {
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const script = parseUncached(text);
  cache.set(text, script);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return script;
}

function parseUncached(text: string): Script {
  const K = language();
  const code = K.KustoCode.Parse(text);
  const diags = code.GetSyntaxDiagnostics();
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) === 'Error') {
      throw new KqlError(d.Message, d.Start, d.Length, 'SyntaxError');
    }
  }
  const root = code.Syntax;
  const statements: Statement[] = [];
  for (const s of elements(root.Statements)) statements.push(statement(s));
  return { statements };
}

// biome-ignore lint/suspicious/noExplicitAny: the Bridge.NET runtime's System namespace
const System = (): any => (globalThis as unknown as { System: unknown }).System;

const cls = (n: Node): string => {
  // e.g. 'Kusto.Language.Syntax.SeparatedElement$1$Kusto.Language.Syntax.Statement' → 'SeparatedElement'
  const name: string = n.constructor.$$name;
  return name.replace(/^Kusto\.Language\.Syntax\./, '').split('$')[0]!;
};
const span = (n: Node): Span => ({ pos: n.TextStart, len: n.Width });

/** The elements of a SyntaxList (of SeparatedElements or plain nodes). */
function elements(list: Node): Node[] {
  const out: Node[] = [];
  if (!list) return out;
  for (let i = 0; i < list.ChildCount; i++) {
    const c = list.GetChild(i);
    if (!c) continue;
    out.push(cls(c).startsWith('SeparatedElement') ? c.Element : c);
  }
  return out;
}

function statement(n: Node): Statement {
  switch (cls(n)) {
    case 'LetStatement':
      return {
        kind: 'let',
        name: n.Name.SimpleName,
        value: cls(n.Expression) === 'FunctionDeclaration' ? lambda(n.Expression) : expr(n.Expression),
        ...span(n),
      };
    case 'ExpressionStatement':
      return { kind: 'query', query: expr(n.Expression), ...span(n) };
    default:
      throw unsupported(`The statement '${firstToken(n)}' (${cls(n)})`, span(n));
  }
}

function lambda(n: Node): Expr {
  const params = elements(n.Parameters.Parameters).map((p) => {
    const nt = p.NameAndType;
    const t = nt.Type;
    // `(T:(*))` or `(T:(a:string))`: a tabular parameter.
    const type = cls(t) === 'PrimitiveTypeExpression' ? typeName(t) : 'table';
    const def = p.DefaultValue ? expr(p.DefaultValue.Value) : undefined;
    return {
      name: String(nt.Name.SimpleName),
      type: type as KType | 'table',
      ...(def ? { default: def } : {}),
    };
  });
  const body = n.Body;
  return {
    kind: 'lambda',
    params,
    lets: elements(body.Statements).map(statement),
    body: expr(body.Expression),
    ...span(n),
  };
}

function firstToken(n: Node): string {
  const t = n.GetFirstToken?.();
  return t ? t.Text : cls(n);
}

const tabularKinds = new Set([
  'PipeExpression',
  'DataTableExpression',
  'UnionOperator',
  'PrintOperator',
  'MaterializeExpression',
  'RangeOperator',
]);

function tabular(n: Node): Tabular {
  const s = span(n);
  switch (cls(n)) {
    case 'ParenthesizedExpression':
      return tabular(n.Expression);
    case 'NameReference':
      return { kind: 'table', name: n.SimpleName, ...s };
    case 'PipeExpression':
      return { kind: 'pipe', input: tabular(n.Expression), op: operator(n.Operator), ...s };
    case 'DataTableExpression':
      return {
        kind: 'datatable',
        columns: elements(n.Schema.Columns).map((c) => ({ name: c.Name.SimpleName, type: typeName(c.Type) })),
        values: elements(n.Values).map(expr),
        ...s,
      };
    case 'UnionOperator': {
      const u = union(n);
      return { ...u, kind: 'union' };
    }
    case 'PrintOperator':
      return { kind: 'print', exprs: elements(n.Expressions).map(expr), ...s };
    case 'RangeOperator':
      return {
        kind: 'range',
        name: n.Name.SimpleName,
        from: expr(n.From),
        to: expr(n.To),
        step: expr(n.Step),
        ...s,
      };
    // materialize() caches a result in Kusto; here the expression is simply inlined.
    case 'MaterializeExpression':
      return tabular(n.Expression);
    case 'FunctionCallExpression':
      return {
        kind: 'call',
        name: n.Name.SimpleName,
        args: elements(n.ArgumentList.Expressions).map(expr),
        ...s,
      };
    default:
      throw unsupported(`The tabular expression '${firstToken(n)}'`, s);
  }
}

function typeName(n: Node): KType {
  const t = String(n.ToString()).toLowerCase();
  const map: Record<string, KType> = {
    string: 'string',
    long: 'long',
    int: 'int',
    real: 'real',
    double: 'real',
    bool: 'bool',
    boolean: 'bool',
    datetime: 'datetime',
    date: 'datetime',
    timespan: 'timespan',
    time: 'timespan',
    dynamic: 'dynamic',
    guid: 'guid',
  };
  const k = map[t];
  if (!k) throw unsupported(`The type '${t}'`, span(n));
  return k;
}

function union(n: Node): Extract<Operator, { kind: 'union' }> {
  let withSource: string | undefined;
  let isFuzzy = false;
  let inner = false;
  for (const p of elements(n.Parameters)) {
    const name = String(p.Name.SimpleName).toLowerCase();
    const value = String(p.Expression.ToString()).trim();
    if (name === 'withsource') withSource = p.Expression.SimpleName ?? value;
    else if (name === 'isfuzzy') isFuzzy = value === 'true';
    else if (name === 'kind' && (value === 'outer' || value === 'inner')) inner = value === 'inner';
    else if (!name.startsWith('hint.')) throw unsupported(`The union parameter '${name}=${value}'`, span(p));
  }
  return {
    kind: 'union',
    tables: elements(n.Expressions).map(tabular),
    withSource,
    isFuzzy,
    ...(inner ? { inner } : {}),
    ...span(n),
  };
}

function noParameters(n: Node, what: string): void {
  const ps = elements(n.Parameters);
  if (ps.length) throw unsupported(`The ${what} parameter '${ps[0].Name.SimpleName}'`, span(ps[0]));
}

function operator(n: Node): Operator {
  const s = span(n);
  switch (cls(n)) {
    case 'FilterOperator':
      noParameters(n, 'where');
      return { kind: 'where', predicate: expr(n.Condition), ...s };
    case 'ProjectOperator':
      return { kind: 'project', exprs: elements(n.Expressions).map(expr), ...s };
    case 'ProjectAwayOperator':
    case 'ProjectKeepOperator':
      return {
        kind: cls(n) === 'ProjectAwayOperator' ? 'project-away' : 'project-keep',
        // Names or wildcards (`*1`, `Prop*`).
        names: elements(n.Expressions).map((e) => {
          if (cls(e) !== 'NameReference') throw unsupported(`${firstToken(n)} of an expression`, span(e));
          return String(e.SimpleName);
        }),
        ...s,
      };
    case 'ProjectRenameOperator':
      return {
        kind: 'project-rename',
        renames: elements(n.Expressions).map((e) => ({
          to: e.Name.SimpleName,
          from: e.Expression.SimpleName,
        })),
        ...s,
      };
    case 'ExtendOperator':
      return { kind: 'extend', exprs: elements(n.Expressions).map(expr), ...s };
    case 'SummarizeOperator':
      noParameters(n, 'summarize');
      return {
        kind: 'summarize',
        aggregates: elements(n.Aggregates).map(expr),
        by: n.ByClause ? elements(n.ByClause.Expressions).map(expr) : [],
        ...s,
      };
    case 'SortOperator':
      noParameters(n, 'sort');
      return { kind: 'sort', by: elements(n.Expressions).map(expr), ...s };
    case 'TakeOperator':
      noParameters(n, 'take');
      return { kind: 'take', count: expr(n.Expression), ...s };
    case 'TopOperator':
      noParameters(n, 'top');
      return { kind: 'top', count: expr(n.Expression), by: expr(n.ByExpression), ...s };
    case 'TopNestedOperator':
      return {
        kind: 'top-nested',
        clauses: elements(n.Clauses).map((c: Node) => {
          // `by agg [asc|desc]`: an OrderedExpression when a direction is written; desc by default.
          const ordered = cls(c.ByExpression) === 'OrderedExpression';
          const by = ordered ? c.ByExpression.Expression : c.ByExpression;
          const dir = ordered ? c.ByExpression.Ordering?.AscOrDescKeyword?.Text : undefined;
          return {
            ...(c.Expression ? { count: expr(c.Expression) } : {}),
            of: expr(c.OfExpression),
            ...(c.WithOthersClause ? { others: expr(c.WithOthersClause.Expression) } : {}),
            by: expr(by),
            desc: dir === undefined || String(dir).toLowerCase() === 'desc',
          };
        }),
        ...s,
      };
    case 'DistinctOperator':
      noParameters(n, 'distinct');
      return { kind: 'distinct', exprs: elements(n.Expressions).map(expr), ...s };
    case 'CountOperator':
      return { kind: 'count', ...s };
    case 'GetSchemaOperator':
      return { kind: 'getschema', ...s };
    case 'MakeSeriesOperator': {
      noParameters(n, 'make-series');
      const r = n.RangeClause;
      const aggregates = elements(n.Aggregates).map((m) => ({
        expr: expr(m.Expression),
        ...(m.DefaultExpression ? { default: expr(m.DefaultExpression.Expression) } : {}),
      }));
      const by = n.ByClause ? elements(n.ByClause.Expressions).map(expr) : [];
      if (cls(r) === 'MakeSeriesInRangeClause') {
        // The older form: `on x in range(start, stop, step)`, stop inclusive as a bin start.
        const [from, to, step] = elements(r.Arguments.Expressions).map(expr);
        if (!from || !to || !step)
          throw new KqlError('make-series: range() needs start, stop, step', s.pos, s.len);
        return {
          kind: 'make-series',
          aggregates,
          on: expr(n.OnClause.Expression),
          from,
          to,
          step,
          inclusiveTo: true,
          by,
          ...s,
        };
      }
      return {
        kind: 'make-series',
        aggregates,
        on: expr(n.OnClause.Expression),
        ...(r.MakeSeriesFromClause ? { from: expr(r.MakeSeriesFromClause.Expression) } : {}),
        ...(r.MakeSeriesToClause ? { to: expr(r.MakeSeriesToClause.Expression) } : {}),
        step: expr(r.MakeSeriesStepClause.Expression),
        by,
        ...s,
      };
    }
    case 'RenderOperator': {
      const properties: Record<string, unknown> = {};
      const props = [...elements(n.Parameters), ...(n.WithClause ? elements(n.WithClause.Properties) : [])];
      for (const p of props) properties[p.Name.SimpleName] = renderValue(p.Expression);
      return { kind: 'render', chart: n.ChartType.Text, properties, ...s };
    }
    case 'UnionOperator':
      return union(n);
    case 'JoinOperator':
      return join(n, s);
    case 'MvExpandOperator':
      return mvExpand(n, s);
    case 'MvApplyOperator': {
      const m = mvExpand(n, s);
      if (m.kind !== 'mv-expand') throw new Error('unreachable');
      const { kind: _k, ...rest } = m;
      return { ...rest, kind: 'mv-apply', ops: subquery(n.Subquery.Expression) };
    }
    case 'LookupOperator': {
      const j = join(n, s, n.LookupClause);
      if (j.kind !== 'join' || (j.joinKind !== 'leftouter' && j.joinKind !== 'inner'))
        throw unsupported('lookup kinds other than leftouter and inner', s);
      return { kind: 'lookup', joinKind: j.joinKind, right: j.right, on: j.on, ...s };
    }
    case 'ParseOperator':
      return parseOp(n, s, false);
    case 'ParseWhereOperator':
      return parseOp(n, s, true);
    case 'AsOperator':
      for (const p of elements(n.Parameters))
        if (!String(p.Name.SimpleName).toLowerCase().startsWith('hint.'))
          throw unsupported(`The as parameter '${p.Name.SimpleName}'`, span(p));
      return { kind: 'as', name: n.Name.SimpleName, ...s };
    case 'SerializeOperator':
      noParameters(n, 'serialize');
      return { kind: 'serialize', exprs: elements(n.Expressions).map(expr), ...s };
    case 'EvaluateOperator': {
      noParameters(n, 'evaluate');
      const call = n.FunctionCall;
      const schema = n.Schema
        ? (() => {
            const cols = elements(n.Schema.Schema.Columns);
            const star = !!n.Schema.Schema.AsteriskToken && n.Schema.Schema.AsteriskToken.Text === '*';
            return {
              star,
              columns: cols
                .filter((c) => cls(c) === 'NameAndTypeDeclaration')
                .map((c) => ({ name: String(c.Name.SimpleName), type: typeName(c.Type) })),
            };
          })()
        : undefined;
      return {
        kind: 'evaluate',
        plugin: String(call.Name.SimpleName),
        args: elements(call.ArgumentList.Expressions).map(expr),
        ...(schema ? { schema } : {}),
        ...s,
      };
    }
    case 'ProjectReorderOperator':
      return {
        kind: 'project-reorder',
        names: elements(n.Expressions).map((e) => {
          const ordered = cls(e) === 'OrderedExpression';
          const ref = ordered ? e.Expression : e;
          if (cls(ref) !== 'NameReference') throw unsupported('project-reorder of an expression', span(e));
          const dir =
            ordered && e.Ordering?.AscOrDescKeyword
              ? String(e.Ordering.AscOrDescKeyword.Text).toLowerCase()
              : undefined;
          return { pattern: String(ref.ToString()), ...(dir ? { order: dir as 'asc' | 'desc' } : {}) };
        }),
        ...s,
      };
    default:
      throw unsupported(`The operator '${firstToken(n)}'`, s);
  }
}

const JOIN_KINDS = new Set([
  'innerunique',
  'inner',
  'leftouter',
  'rightouter',
  'fullouter',
  'leftanti',
  'anti',
  'leftantisemi',
  'rightanti',
  'rightantisemi',
  'leftsemi',
  'rightsemi',
]);

function join(n: Node, s: Span, onClause?: Node): Operator {
  let joinKind = onClause ? 'leftouter' : 'innerunique';
  for (const p of elements(n.Parameters)) {
    const name = String(p.Name.SimpleName).toLowerCase();
    const value = String(p.Expression.ToString()).toLowerCase();
    if (name === 'kind' && JOIN_KINDS.has(value)) joinKind = value;
    else if (name === 'kind') throw unsupported(`join kind=${value}`, span(p));
    else if (name !== 'hint.strategy' && name !== 'hint.shufflekey' && name !== 'hint.remote')
      throw unsupported(`The join parameter '${name}'`, span(p));
  }
  const clause = onClause ?? n.ConditionClause;
  if (cls(clause) !== 'JoinOnClause') throw unsupported('join … where', span(clause));
  const on = elements(clause.Expressions).map((e) => {
    const es = span(e);
    if (cls(e) === 'NameReference') return { left: e.SimpleName, right: e.SimpleName, ...es };
    if (cls(e) === 'BinaryExpression' && e.Operator.Text === '==') {
      const side = (x: Node) =>
        cls(x) === 'PathExpression' && cls(x.Expression) === 'NameReference'
          ? { which: String(x.Expression.SimpleName), name: String(x.Selector.SimpleName) }
          : undefined;
      const a = side(e.Left);
      const b = side(e.Right);
      if (
        a &&
        b &&
        new Set([a.which, b.which]).size === 2 &&
        [a.which, b.which].every((w) => w === '$left' || w === '$right')
      ) {
        const l = a.which === '$left' ? a : b;
        const r = a.which === '$left' ? b : a;
        return { left: l.name, right: r.name, ...es };
      }
    }
    throw unsupported('this join condition (use a column name or $left.a == $right.b)', es);
  });
  return { kind: 'join', joinKind, right: tabular(n.Expression), on, ...s };
}

/** mv-apply's subquery: a chain of operators with an implicit input. */
function subquery(n: Node): Operator[] {
  if (cls(n) === 'PipeExpression') return [...subquery(n.Expression), operator(n.Operator)];
  if (cls(n) === 'ParenthesizedExpression') return subquery(n.Expression);
  return [operator(n)];
}

function mvExpand(n: Node, s: Span): Operator {
  let bagExpansion: 'bag' | 'array' = 'bag';
  let itemIndex: string | undefined;
  for (const p of elements(n.Parameters)) {
    const name = String(p.Name.SimpleName).toLowerCase();
    const value = String(p.Expression.ToString());
    if (name === 'bagexpansion' || name === 'kind') {
      if (value !== 'bag' && value !== 'array') throw unsupported(`mv-expand ${name}=${value}`, span(p));
      bagExpansion = value;
    } else if (name === 'with_itemindex') itemIndex = value;
    else throw unsupported(`The mv-expand parameter '${name}'`, span(p));
  }
  const items = elements(n.Expressions).map((m) => {
    const e = expr(m.Expression);
    const toType = m.ToTypeOf ? typeName(elements(m.ToTypeOf.TypeOf.Types)[0]) : undefined;
    if (e.kind === 'named') return { name: e.names[0], expr: e.expr, ...(toType ? { toType } : {}) };
    return { expr: e, ...(toType ? { toType } : {}) };
  });
  const limit = n.RowLimitClause ? expr(n.RowLimitClause.RowLimit) : undefined;
  return {
    kind: 'mv-expand',
    bagExpansion,
    items,
    ...(itemIndex ? { itemIndex } : {}),
    ...(limit ? { limit } : {}),
    ...s,
  };
}

function parseOp(n: Node, s: Span, where: boolean): Operator {
  type Mode = 'simple' | 'regex' | 'relaxed';
  let mode = 'simple' as Mode;
  let flags: string | undefined;
  for (const p of elements(n.Parameters)) {
    const name = String(p.Name.SimpleName).toLowerCase();
    const value = String(p.Expression.ToString()).trim();
    if (name === 'kind' && ['simple', 'regex', 'relaxed'].includes(value.toLowerCase()))
      mode = value.toLowerCase() as Mode;
    else if (name === 'flags' && /^[Uimsx]*$/.test(value)) flags = value;
    else throw unsupported(`parse ${name}=${value}`, span(p));
  }
  if (flags && mode !== 'regex') throw new KqlError('parse: flags= needs kind=regex', s.pos, s.len);
  const parts = elements(n.Patterns).map((p): import('./ast.ts').ParsePart => {
    switch (cls(p)) {
      case 'StarExpression':
        return { kind: 'any' };
      case 'LiteralExpression': {
        const e = literal(p, span(p));
        if (e.kind !== 'literal' || e.type !== 'string')
          throw unsupported('a non-string literal in parse', span(p));
        return { kind: 'literal', text: String(e.value) };
      }
      case 'NameDeclaration':
        return { kind: 'column', name: p.SimpleName, type: 'string' };
      case 'NameAndTypeDeclaration':
        return { kind: 'column', name: p.Name.SimpleName, type: typeName(p.Type) };
      default:
        throw unsupported(`The parse pattern '${String(p.ToString())}'`, span(p));
    }
  });
  return {
    kind: 'parse',
    mode,
    ...(flags ? { flags } : {}),
    where,
    source: expr(n.Expression),
    parts,
    ...s,
  };
}

/** A render property's value as plain JSON (names and literals; lists of names as arrays). */
function renderValue(n: Node): unknown {
  switch (cls(n)) {
    case 'LiteralExpression':
      return literalValue(n);
    case 'NameReference':
    case 'NameDeclaration':
      return n.SimpleName;
    case 'ParenthesizedExpression':
      return renderValue(n.Expression);
    case 'ExpressionList':
      return elements(n.Expressions).map(renderValue);
    default:
      return String(n.ToString());
  }
}

function literalValue(n: Node): unknown {
  const e = expr(n);
  return e.kind === 'literal' ? e.value : null;
}

function expr(n: Node): Expr {
  const s = span(n);
  const k = cls(n);
  if (tabularKinds.has(k)) return { kind: 'tabular', query: tabular(n), ...s };
  switch (k) {
    case 'LiteralExpression':
      return literal(n, s);
    case 'DynamicExpression':
      return { kind: 'dynamic', value: json(n.Expression), ...s };
    case 'NameReference':
      return { kind: 'name', name: n.SimpleName, ...s };
    case 'StarExpression':
      return { kind: 'star', ...s };
    case 'ParenthesizedExpression': {
      const inner = n.Expression;
      if (tabularKinds.has(cls(inner))) return { kind: 'tabular', query: tabular(inner), ...s };
      return expr(inner);
    }
    case 'BinaryExpression':
      return {
        kind: 'binary',
        op: String(n.Operator.Text).toLowerCase(),
        left: expr(n.Left),
        right: expr(n.Right),
        ...s,
      };
    case 'PrefixUnaryExpression':
      return { kind: 'unary', op: n.Operator.Text, operand: expr(n.Expression), ...s };
    case 'InExpression':
    case 'HasAnyExpression':
    case 'HasAllExpression':
      return {
        kind: 'in',
        op: String(n.Operator.Text).toLowerCase(),
        left: expr(n.Left),
        list: elements(n.Right.Expressions).map(expr),
        ...s,
      };
    case 'BetweenExpression':
      return {
        kind: 'between',
        negated: String(n.Operator.Text).startsWith('!'),
        left: expr(n.Left),
        low: expr(n.Right.First),
        high: expr(n.Right.Second),
        ...s,
      };
    case 'FunctionCallExpression':
      return {
        kind: 'call',
        name: n.Name.SimpleName,
        args: elements(n.ArgumentList.Expressions).map(expr),
        ...s,
      };
    case 'TypeOfLiteralExpression': {
      const types = elements(n.Types);
      if (types.length !== 1) throw unsupported('typeof() of a tuple', s);
      return { kind: 'typeof', type: typeName(types[0]), ...s };
    }
    case 'ToScalarExpression':
      return { kind: 'call', name: 'toscalar', args: [expr(n.Expression)], ...s };
    case 'PathExpression':
      return { kind: 'member', target: expr(n.Expression), member: n.Selector.SimpleName, ...s };
    case 'ElementExpression':
      return { kind: 'index', target: expr(n.Expression), index: expr(n.Selector.Expression), ...s };
    case 'SimpleNamedExpression':
      return { kind: 'named', names: [n.Name.SimpleName], expr: expr(n.Expression), ...s };
    case 'CompoundNamedExpression':
      return {
        kind: 'named',
        names: elements(n.Names.Names).map((d) => d.SimpleName),
        expr: expr(n.Expression),
        ...s,
      };
    case 'OrderedExpression': {
      const o = n.Ordering;
      const dir = o?.AscOrDescKeyword ? String(o.AscOrDescKeyword.Text).toLowerCase() : undefined;
      const nulls = o?.NullsClause ? String(o.NullsClause.FirstOrLastKeyword.Text).toLowerCase() : undefined;
      return {
        kind: 'ordered',
        expr: expr(n.Expression),
        desc: dir === undefined ? undefined : dir === 'desc',
        nulls: nulls as 'first' | 'last' | undefined,
        ...s,
      };
    }
    default:
      throw unsupported(`The expression '${String(n.ToString()).slice(0, 40)}' (${k})`, s);
  }
}

function literal(n: Node, s: Span): Expr {
  const kind = String(System().Enum.toString(language().Syntax.SyntaxKind, n.Kind));
  const text: string = n.Token.ValueText;
  const isNull = text === 'null';
  switch (kind) {
    case 'StringLiteralExpression':
      return { kind: 'literal', type: 'string', value: text, ...s };
    case 'GuidLiteralExpression':
      return { kind: 'literal', type: 'guid', value: isNull ? null : text, ...s };
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression': {
      const type =
        kind === 'LongLiteralExpression' ? 'long' : kind === 'IntLiteralExpression' ? 'int' : 'real';
      const v = isNull
        ? null
        : type === 'real'
          ? Number(text)
          : Number.parseInt(text, text.startsWith('0x') ? 16 : 10);
      if (v !== null && !Number.isFinite(v))
        throw new KqlError(`Invalid ${type} literal '${text}'`, s.pos, s.len);
      return { kind: 'literal', type, value: v, ...s };
    }
    case 'BooleanLiteralExpression':
      return { kind: 'literal', type: 'bool', value: isNull ? null : text.toLowerCase() === 'true', ...s };
    case 'DateTimeLiteralExpression': {
      if (isNull) return { kind: 'literal', type: 'datetime', value: null, ...s };
      const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/\d[T ]\d/.test(text) ? text : `${text}Z`;
      const d = new Date(iso.includes('T') || iso.includes(' ') ? iso.replace(' ', 'T') : `${iso}T00:00:00Z`);
      if (Number.isNaN(d.getTime())) throw new KqlError(`Invalid datetime literal '${text}'`, s.pos, s.len);
      return { kind: 'literal', type: 'datetime', value: d.toISOString(), ...s };
    }
    case 'TimespanLiteralExpression': {
      if (isNull) return { kind: 'literal', type: 'timespan', value: null, ...s };
      const v = parseTimespan(text);
      if (v === null) throw new KqlError(`Invalid timespan literal '${text}'`, s.pos, s.len);
      return { kind: 'literal', type: 'timespan', value: v, ...s };
    }
    default:
      throw unsupported(`The literal '${String(n.ToString())}' (${kind})`, s);
  }
}

/** A dynamic(...) literal's JSON value, from its syntax (Kusto accepts JSON plus Kusto literals). */
function json(n: Node): unknown {
  switch (cls(n)) {
    case 'JsonObjectExpression': {
      const o: Record<string, unknown> = {};
      for (const p of elements(n.Pairs)) o[p.Name.ValueText] = json(p.Value);
      return o;
    }
    case 'JsonArrayExpression':
      return elements(n.Values).map(json);
    case 'LiteralExpression': {
      if (n.Token.ValueText === 'null') return null;
      const e = literal(n, span(n));
      return e.kind === 'literal' ? e.value : null;
    }
    case 'PrefixUnaryExpression': {
      const v = json(n.Expression);
      return n.Operator.Text === '-' && typeof v === 'number' ? -v : v;
    }
    default:
      throw unsupported(`The dynamic literal '${String(n.ToString())}'`, span(n));
  }
}
