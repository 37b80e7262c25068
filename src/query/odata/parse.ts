/**
 * OData query options → the shared plan (../plan.ts): `$filter`, `$orderby`, `$top`, `$select`,
 * `$count`. Syntax only: property names stay unresolved ('unknown' types) until validation
 * against a resource's capabilities (capabilities.ts) resolves and checks them.
 *
 * Hand-written recursive descent, on purpose: the OData ABNF subset Graph's activity logs accept is
 * small (comparisons, and/or/not, a few string functions, any/all lambdas, typed literals), we need
 * errors that give the position and what was expected, and we need to build our own plan rather
 * than walk a foreign AST. The npm OData parsers (odata-v4-parser 0.1.x, @odata/parser 0.2.x) are
 * pre-1.0, cover the whole OData grammar, and produce a generic token tree we would still have to
 * walk, type and cut down to what Graph accepts: little would be saved.
 *
 * Precedence, from OData 4.01 §5.1.1.15: grouping and member access, then unary `not`, then the
 * relational and equality operators, then `and`, then `or`. As in OData, `not` applies to the
 * term right after it: write `not (x eq 'a')` or `not startswith(x,'a')`; `not x eq 'a'` is refused.
 */
import { QueryError } from '../errors.ts';
import type {
  Call,
  CompareOp,
  Expr,
  FieldRef,
  Lambda,
  Literal,
  Operand,
  OrderBy,
  SortDir,
  StringFn,
  ValueCall,
} from '../plan.ts';

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const UNSUPPORTED_OPS = new Set(['has', 'add', 'sub', 'mul', 'div', 'divby', 'mod']);
const STRING_FNS = new Set<string>(['startswith', 'endswith', 'contains']);
const VALUE_FNS = new Set<string>(['tolower', 'toupper']);
/** OData functions we know and do not support (a clearer message than "unknown function"). */
const KNOWN_FNS = new Set([
  'length',
  'indexof',
  'substring',
  'concat',
  'trim',
  'matchespattern',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'fractionalseconds',
  'totalseconds',
  'date',
  'time',
  'totaloffsetminutes',
  'now',
  'mindatetime',
  'maxdatetime',
  'round',
  'floor',
  'ceiling',
  'cast',
  'isof',
  'geo.distance',
  'geo.intersects',
  'geo.length',
  'hassubset',
  'hassubsequence',
]);
const KEYWORDS = new Set(['and', 'or', 'not', ...COMPARE_OPS, 'in', ...UNSUPPORTED_OPS]);

// ───────────────────────────── lexer ─────────────────────────────

type TokKind = 'ident' | 'string' | 'number' | 'datetime' | 'guid' | 'enum' | 'punct' | 'eof';

interface Token {
  kind: TokKind;
  /** The source text of the token. */
  text: string;
  pos: number;
  /** string: the unescaped value; enum: the member; datetime: normalised UTC text. */
  value?: string | number;
  /** enum: the qualified type name. */
  enumType?: string;
}

const GUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-])/y;
const DATETIME =
  /(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(Z|z|[+-]\d{2}:\d{2})?)?(?![\w:.-])/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/y;
const IDENT = /[A-Za-z_$][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const SPACE = /\s+/y;

function syntaxError(source: string, pos: number, message: string, option = '$filter'): QueryError {
  return new QueryError(
    `Invalid filter clause: syntax error at position ${pos} in '${source}': ${message}`,
    'BadRequest',
    pos,
    option,
  );
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the filter';
  if (t.kind === 'string') return `the string ${t.text}`;
  return `'${t.text}'`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Normalises an OData date or dateTimeOffset literal to UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`
 * (microseconds: what both stores keep). A date alone means midnight UTC; no zone means UTC.
 * Returns undefined when a field is out of range.
 */
export function normalizeDateTime(m: RegExpExecArray): string | undefined {
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  const u = new Date(0);
  u.setUTCFullYear(year, month - 1, day);
  u.setUTCHours(hour, minute, second, 0);
  u.setTime(u.getTime() - offsetMin * 60_000);
  if (Number.isNaN(u.getTime())) return undefined;
  const micros = (frac + '000000').slice(0, 6);
  return (
    `${pad(u.getUTCFullYear(), 4)}-${pad(u.getUTCMonth() + 1)}-${pad(u.getUTCDate())}` +
    `T${pad(u.getUTCHours())}:${pad(u.getUTCMinutes())}:${pad(u.getUTCSeconds())}.${micros}Z`
  );
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = i;
    return re.exec(src);
  };
  while (i < src.length) {
    const sp = at(SPACE);
    if (sp) {
      i += sp[0].length;
      continue;
    }
    const c = src[i]!;
    const start = i;
    if ('(),:/'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const { value, end } = readString(src, i);
      out.push({ kind: 'string', text: src.slice(start, end), pos: start, value });
      i = end;
      continue;
    }
    // GUIDs and datetimes first: both begin like a number (or, for GUIDs, like an identifier).
    const g = at(GUID);
    if (g) {
      out.push({ kind: 'guid', text: g[0], pos: start, value: g[0] });
      i += g[0].length;
      continue;
    }
    const dt = at(DATETIME);
    if (dt) {
      const norm = normalizeDateTime(dt);
      if (!norm) throw syntaxError(src, start, `'${dt[0]}' is not a valid date or DateTimeOffset value.`);
      out.push({ kind: 'datetime', text: dt[0], pos: start, value: norm });
      i += dt[0].length;
      // An unencoded '+' in a URL arrives as a space: "…T10:00:00 02:00".
      const rest = src.slice(i);
      if (/^ \d{2}:\d{2}(?![\w:])/.test(rest)) {
        throw syntaxError(
          src,
          i,
          `a space follows the DateTimeOffset '${dt[0]}'; a '+' in a URL must be encoded as %2B (for example ${dt[0]}%2B${rest.slice(1, 6)}).`,
        );
      }
      continue;
    }
    const n = at(NUMBER);
    if (n) {
      out.push({ kind: 'number', text: n[0], pos: start, value: Number(n[0]) });
      i += n[0].length;
      continue;
    }
    const id = at(IDENT);
    if (id) {
      i += id[0].length;
      if (src[i] === "'" && !KEYWORDS.has(id[0].toLowerCase())) {
        // A typed literal: `microsoft.graph.riskLevel'medium'` (enum) or a v3 form (`datetime'…'`).
        const { value, end } = readString(src, i);
        if (!id[0].includes('.')) {
          throw syntaxError(
            src,
            start,
            `typed literals like ${id[0]}'…' are not supported; write dates and times unquoted (2024-01-01T00:00:00Z), GUIDs unquoted or as strings, and enum values as strings.`,
          );
        }
        out.push({ kind: 'enum', text: src.slice(start, end), pos: start, value, enumType: id[0] });
        i = end;
        continue;
      }
      out.push({ kind: 'ident', text: id[0], pos: start });
      continue;
    }
    throw syntaxError(src, start, `the character '${c}' is not valid here.`);
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}

/** Reads an OData string literal at `start` (a quote); `''` is an escaped quote. */
function readString(src: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const q = src.indexOf("'", i);
    if (q < 0)
      throw syntaxError(
        src,
        start,
        "the string literal is not terminated (a quote inside a string is written as two quotes: '').",
      );
    value += src.slice(i, q);
    if (src[q + 1] === "'") {
      value += "'";
      i = q + 2;
      continue;
    }
    return { value, end: q + 1 };
  }
}

// ───────────────────────────── parser ─────────────────────────────

/** A parsed term: an operand (field, literal, tolower(…)) or a boolean expression. */
type Term = Operand | Expr;

const isOperand = (t: Term): t is Operand =>
  t.kind === 'field' || t.kind === 'literal' || t.kind === 'valueCall';

class Parser {
  private i = 0;
  private readonly toks: Token[];
  /** Lambda variables in scope, innermost last. */
  private readonly scope: string[] = [];

  constructor(private readonly src: string) {
    this.toks = lex(src);
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private isWord(t: Token, w: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === w;
  }
  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }
  private fail(t: Token, message: string): never {
    throw syntaxError(this.src, t.pos, message);
  }
  private expectPunct(p: string, what: string): Token {
    const t = this.peek();
    if (!this.isPunct(t, p)) this.fail(t, `expected ${what}, found ${describe(t)}.`);
    return this.next();
  }

  parse(): Expr {
    if (this.peek().kind === 'eof') this.fail(this.peek(), 'the filter is empty.');
    const e = this.asExpr(this.parseOr());
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (this.isPunct(t, ')')) this.fail(t, "found ')' without a matching '('.");
      if (t.kind === 'ident' && UNSUPPORTED_OPS.has(t.text.toLowerCase())) {
        this.fail(t, `the operator '${t.text}' is not supported.`);
      }
      this.fail(t, `expected 'and', 'or' or the end of the filter, found ${describe(t)}.`);
    }
    return e;
  }

  private parseOr(): Term {
    let left = this.parseAnd();
    while (this.isWord(this.peek(), 'or')) {
      const op = this.next();
      const right = this.parseAnd();
      left = { kind: 'or', left: this.asExpr(left, op), right: this.asExpr(right, op), pos: op.pos };
    }
    return left;
  }

  private parseAnd(): Term {
    let left = this.parseComparison();
    while (this.isWord(this.peek(), 'and')) {
      const op = this.next();
      const right = this.parseComparison();
      left = { kind: 'and', left: this.asExpr(left, op), right: this.asExpr(right, op), pos: op.pos };
    }
    return left;
  }

  private parseComparison(): Term {
    const left = this.parseUnary();
    const t = this.peek();
    if (t.kind !== 'ident') return left;
    const w = t.text.toLowerCase();
    if (COMPARE_OPS.has(w)) {
      this.next();
      const right = this.parseUnary();
      return {
        kind: 'compare',
        op: w as CompareOp,
        left: this.asOperand(left, t),
        right: this.asOperand(right, t),
        pos: t.pos,
      };
    }
    if (w === 'in') {
      this.next();
      const operand = this.asOperand(left, t);
      this.expectPunct('(', "'(' to start the list after 'in'");
      const values: Literal[] = [];
      for (;;) {
        const v = this.parseUnary();
        if (v.kind !== 'literal') this.fail(this.peek(), "expected a literal value in the 'in' list.");
        values.push(v);
        if (this.isPunct(this.peek(), ',')) {
          this.next();
          continue;
        }
        this.expectPunct(')', "',' or ')' in the 'in' list");
        break;
      }
      return { kind: 'in', operand, values, pos: t.pos };
    }
    if (UNSUPPORTED_OPS.has(w)) this.fail(t, `the operator '${w}' is not supported.`);
    if (w !== 'and' && w !== 'or') {
      this.fail(t, `expected an operator (eq, ne, gt, ge, lt, le, in, and, or), found ${describe(t)}.`);
    }
    return left;
  }

  private parseUnary(): Term {
    const t = this.peek();
    if (this.isWord(t, 'not') && !this.isPunct(this.peek(1), '/')) {
      this.next();
      const arg = this.parseUnary();
      return { kind: 'not', arg: this.asExpr(arg, t), pos: t.pos };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Term {
    const t = this.peek();
    switch (t.kind) {
      case 'punct':
        if (t.text === '(') {
          this.next();
          const inner = this.parseOr();
          this.expectPunct(')', "')' to close the '(' at position " + t.pos);
          return inner;
        }
        return this.fail(t, `expected a property, a literal, a function or '(', found ${describe(t)}.`);
      case 'string':
        this.next();
        return { kind: 'literal', type: 'string', value: t.value as string, pos: t.pos };
      case 'number':
        this.next();
        return { kind: 'literal', type: 'number', value: t.value as number, pos: t.pos };
      case 'guid':
        this.next();
        return { kind: 'literal', type: 'guid', value: t.value as string, pos: t.pos };
      case 'datetime':
        this.next();
        return { kind: 'literal', type: 'datetime', value: t.value as string, text: t.text, pos: t.pos };
      case 'enum':
        this.next();
        return {
          kind: 'literal',
          type: 'string',
          value: t.value as string,
          enumType: t.enumType!,
          pos: t.pos,
        };
      case 'eof':
        return this.fail(t, 'the filter ends where a property, a literal or a function was expected.');
      case 'ident':
        return this.parseIdentifier();
    }
  }

  private parseIdentifier(): Term {
    const t = this.next();
    const lower = t.text.toLowerCase();
    if (this.isPunct(this.peek(), '(')) return this.parseCall(t, lower);
    if (lower === 'true' || lower === 'false') {
      return { kind: 'literal', type: 'boolean', value: lower === 'true', pos: t.pos };
    }
    if (lower === 'null') return { kind: 'literal', type: 'null', value: null, pos: t.pos };
    if (KEYWORDS.has(lower))
      this.fail(t, `expected a property, a literal or a function, found the operator '${t.text}'.`);
    if (t.text.includes('.') || t.text.startsWith('$')) {
      this.fail(t, `'${t.text}' is not a property name.`);
    }
    // A member path: a/b/c, possibly ending in a lambda a/b/any(x: …).
    const segments = [t.text];
    const variable = this.scope.includes(t.text) ? t.text : undefined;
    for (;;) {
      if (!this.isPunct(this.peek(), '/')) break;
      this.next();
      const seg = this.peek();
      if (seg.kind !== 'ident') this.fail(seg, `expected a property name after '/', found ${describe(seg)}.`);
      this.next();
      const segLower = seg.text.toLowerCase();
      if ((segLower === 'any' || segLower === 'all') && this.isPunct(this.peek(), '(')) {
        return this.parseLambda(segLower, variable, variable ? segments.slice(1) : segments, t.pos);
      }
      if (seg.text.includes('.')) this.fail(seg, `type casts like '${seg.text}' are not supported.`);
      segments.push(seg.text);
    }
    const ref: FieldRef = {
      kind: 'field',
      path: variable ? segments.slice(1) : segments,
      type: 'unknown',
      pos: t.pos,
    };
    if (variable) ref.variable = variable;
    return ref;
  }

  private parseLambda(op: 'any' | 'all', variable: string | undefined, path: string[], pos: number): Lambda {
    this.next(); // '('
    const collection: FieldRef = { kind: 'field', path, type: 'unknown', pos };
    if (variable) collection.variable = variable;
    if (this.isPunct(this.peek(), ')')) {
      if (op === 'all') this.fail(this.peek(), "'all' needs a predicate: all(x: …).");
      this.next();
      return { kind: 'lambda', op, collection, pos };
    }
    const v = this.next();
    if (v.kind !== 'ident' || v.text.includes('.') || KEYWORDS.has(v.text.toLowerCase())) {
      this.fail(v, `expected a range variable name after '${op}(', found ${describe(v)}.`);
    }
    if (this.scope.includes(v.text)) this.fail(v, `the range variable '${v.text}' is already in use.`);
    this.expectPunct(':', `':' after the range variable '${v.text}'`);
    this.scope.push(v.text);
    const predicate = this.asExpr(this.parseOr(), v);
    this.scope.pop();
    this.expectPunct(')', `')' to close '${op}('`);
    return { kind: 'lambda', op, collection, variable: v.text, predicate, pos };
  }

  private parseCall(name: Token, lower: string): Term {
    if (STRING_FNS.has(lower) || VALUE_FNS.has(lower)) {
      this.next(); // '('
      const args: Operand[] = [];
      if (!this.isPunct(this.peek(), ')')) {
        for (;;) {
          const arg = this.parseOr();
          args.push(this.asOperand(arg, this.peek()));
          if (this.isPunct(this.peek(), ',')) {
            this.next();
            continue;
          }
          break;
        }
      }
      this.expectPunct(')', `',' or ')' in the arguments of '${name.text}'`);
      const want = STRING_FNS.has(lower) ? 2 : 1;
      if (args.length !== want) {
        this.fail(
          name,
          `the function '${name.text}' takes ${want} argument${want > 1 ? 's' : ''}, found ${args.length}.`,
        );
      }
      if (VALUE_FNS.has(lower)) {
        const call: ValueCall = {
          kind: 'valueCall',
          fn: lower as ValueCall['fn'],
          arg: args[0]!,
          pos: name.pos,
        };
        return call;
      }
      const call: Call = {
        kind: 'call',
        fn: lower as StringFn,
        args: [args[0]!, args[1]!],
        pos: name.pos,
      };
      return call;
    }
    if (KNOWN_FNS.has(lower)) this.fail(name, `the function '${name.text}' is not supported.`);
    if (lower === 'any' || lower === 'all') {
      this.fail(name, `'${name.text}' must follow a collection property: collection/${lower}(x: …).`);
    }
    return this.fail(name, `unknown function '${name.text}'.`);
  }

  /** A term where a boolean expression is expected. */
  private asExpr(t: Term, at?: Token): Expr {
    if (!isOperand(t)) return t;
    if (t.kind === 'field' || (t.kind === 'literal' && t.type === 'boolean')) {
      return { kind: 'bool', operand: t, pos: t.pos ?? at?.pos ?? 0 };
    }
    throw syntaxError(
      this.src,
      t.pos ?? at?.pos ?? 0,
      `expected a boolean expression (a comparison such as x eq 'v', a function such as startswith(x,'v'), or a lambda), found ${t.kind === 'literal' ? 'a literal' : 'a value'}.`,
    );
  }

  /** A term where a value is expected (a comparison's side, a function's argument). */
  private asOperand(t: Term, at: Token): Operand {
    if (isOperand(t)) return t;
    const what =
      t.kind === 'not'
        ? "'not' applies to the term right after it; put the comparison in parentheses: not (x eq 'v')"
        : 'a boolean expression cannot be compared or passed here';
    throw syntaxError(this.src, t.pos ?? at.pos, `${what}.`);
  }
}

/** Parses `$filter` text into a plan expression with unresolved field types. */
export function parseFilter(text: string): Expr {
  return new Parser(text).parse();
}

// ───────────────────────── other query options ─────────────────────────

function optionError(option: string, message: string, pos?: number): QueryError {
  return new QueryError(message, 'BadRequest', pos, option);
}

/** `$orderby`: `path [asc|desc] (, path [asc|desc])*`; paths use '/'. */
export function parseOrderBy(text: string): OrderBy[] {
  const items: OrderBy[] = [];
  let pos = 0;
  for (const raw of text.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+([A-Za-z]+))?\s*$/.exec(raw);
    if (!m) {
      throw optionError(
        '$orderby',
        `Invalid $orderby clause at position ${pos} in '${text}': expected a property name optionally followed by asc or desc, found '${raw.trim()}'.`,
        pos,
      );
    }
    const dirText = (m[2] ?? 'asc').toLowerCase();
    if (dirText !== 'asc' && dirText !== 'desc') {
      throw optionError(
        '$orderby',
        `Invalid $orderby clause in '${text}': expected asc or desc after '${m[1]}', found '${m[2]}'.`,
        pos,
      );
    }
    items.push({ path: m[1]!.split('/'), dir: dirText as SortDir });
    pos += raw.length + 1;
  }
  return items;
}

/** `$top`: a non-negative integer (range checks belong to the resource). */
export function parseTop(text: string): number {
  if (!/^\s*\d{1,9}\s*$/.test(text)) {
    throw optionError('$top', `Invalid value '${text}' for $top: it must be a positive integer.`);
  }
  return Number(text);
}

/** `$select`: a comma-separated list of property names ('*' for all). */
export function parseSelect(text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!/^(\*|[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*)$/.test(item)) {
      throw optionError(
        '$select',
        `Invalid $select clause '${text}': '${item}' is not a property name (the list is comma-separated, e.g. $select=id,createdDateTime).`,
      );
    }
  }
  return items;
}

/** `$count`: true or false. */
export function parseCount(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw optionError('$count', `Invalid value '${text}' for $count: it must be true or false.`);
}
