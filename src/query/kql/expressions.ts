/**
 * Scalar expressions: literals, names, dynamic access, Kusto's operators (comparisons with their
 * case rules, has/contains/startswith…, in/has_any, between, arithmetic with Kusto's typing) and
 * the conversions between Kusto types; function calls go to functions.ts through the Compiler.
 */
import type { Expr, KType, Span } from './ast.ts';
import type { Compiler, Rel, Sc, Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';

export const NUMERIC = new Set<KType>(['int', 'long', 'real']);

export function constInt(cx: Compiler, e: Expr, scope: Scope, what: string): number {
  const s = scalar(cx, e, scope);
  if (typeof s.value !== 'number' || !Number.isInteger(s.value) || s.value < 0)
    throw new KqlError(`${what}: the row count must be a constant non-negative integer`, e.pos, e.len);
  return s.value;
}

export function lit(cx: Compiler, type: KType, value: unknown): Sc {
  const d = cx.dialect;
  if (value === null || value === undefined) return { sql: d.nullOf(type), type, value: null };
  switch (type) {
    case 'string':
    case 'guid':
      return { sql: d.string(String(value)), type, value };
    case 'long':
    case 'int':
    case 'real': {
      const n = Number(value);
      const sql =
        type === 'real'
          ? `CAST(${n} AS DOUBLE)`
          : type === 'int'
            ? `CAST(${n} AS INTEGER)`
            : `CAST(${n} AS BIGINT)`;
      return { sql, type, value: n };
    }
    case 'bool':
      return { sql: value ? 'true' : 'false', type, value };
    case 'datetime':
      return { sql: d.timestamp(String(value)), type, value };
    case 'timespan':
      return { sql: d.intervalMicros(String(value)), type, value };
    case 'dynamic':
      return { sql: d.jsonLiteral(JSON.stringify(value)), type, dyn: value };
  }
}

export function scalar(cx: Compiler, e: Expr, scope: Scope): Sc {
  const d = cx.dialect;
  switch (e.kind) {
    case 'literal':
      return lit(cx, e.type, e.value);
    case 'dynamic':
      return lit(cx, 'dynamic', e.value);
    case 'name': {
      const c = scope.cols.find((x) => x.name === e.name);
      if (c) return { sql: d.quote(c.name), type: c.type };
      const l = cx.lets.get(e.name);
      if (l?.kind === 'scalar') return scalar(cx, l.value, scope);
      throw new KqlError(`Failed to resolve scalar expression named '${e.name}'`, e.pos, e.len);
    }
    case 'star':
      throw new KqlError("'*' is not allowed here", e.pos, e.len);
    case 'named':
      throw new KqlError('A named expression is not allowed here', e.pos, e.len);
    case 'ordered':
      throw new KqlError('asc/desc is not allowed here', e.pos, e.len);
    case 'tabular':
      throw new KqlError('A tabular expression is not allowed here (use toscalar())', e.pos, e.len);
    case 'lambda':
      throw new KqlError('A function is only allowed in a let statement', e.pos, e.len);
    case 'typeof':
      throw new KqlError('typeof() is only allowed as a type argument', e.pos, e.len);
    case 'member': {
      if (e.member.includes('"')) throw unsupported('a property name with a double quote', e);
      const t = scalar(cx, e.target, scope);
      if (t.type !== 'dynamic')
        throw new KqlError(`'.${e.member}' needs a dynamic value, not ${t.type}`, e.pos, e.len);
      return { sql: d.jsonPath(t.sql, [e.member]), type: 'dynamic' };
    }
    case 'index': {
      const t = scalar(cx, e.target, scope);
      if (t.type !== 'dynamic')
        throw new KqlError(`'[...]' needs a dynamic value, not ${t.type}`, e.pos, e.len);
      const i = scalar(cx, e.index, scope);
      if (typeof i.value === 'string') {
        if (i.value.includes('"')) throw unsupported('a property name with a double quote', e.index);
        return { sql: d.jsonPath(t.sql, [i.value]), type: 'dynamic' };
      }
      if (typeof i.value === 'number' && Number.isInteger(i.value))
        return {
          sql: `json_extract(${t.sql}, ${d.string(i.value < 0 ? `$[#${i.value}]` : `$[${i.value}]`)})`,
          type: 'dynamic',
        };
      throw unsupported('a non-constant index', e.index);
    }
    case 'unary': {
      const o = scalar(cx, e.operand, scope);
      if (e.op === '-')
        return {
          sql: `(-${o.sql})`,
          type: o.type,
          value: typeof o.value === 'number' ? -o.value : undefined,
        };
      if (e.op === '+') return o;
      throw unsupported(`The operator '${e.op}'`, e);
    }
    case 'binary':
      return binary(cx, e, scope);
    case 'in':
      return inList(cx, e, scope);
    case 'between': {
      const l = scalar(cx, e.left, scope);
      let lo = scalar(cx, e.low, scope);
      let hi = scalar(cx, e.high, scope);
      // datetime between (t .. 1h): the upper bound is t + 1h.
      if (l.type === 'datetime' && hi.type === 'timespan')
        hi = { sql: `(${lo.sql} + ${hi.sql})`, type: 'datetime' };
      ({ a: lo } = align(cx, l, lo));
      ({ a: hi } = align(cx, l, hi));
      const sql = `(${cmpSide(cx, l, lo)} BETWEEN ${lo.sql} AND ${hi.sql})`;
      return { sql: e.negated ? `(NOT ${sql})` : sql, type: 'bool' };
    }
    case 'call':
      return cx.call(e, scope);
  }
}

/** A value made comparable to another: dynamic vs typed → the dynamic one converted. */
export function align(cx: Compiler, x: Sc, y: Sc): { a: Sc; b: Sc } {
  if (x.type === 'dynamic' && y.type !== 'dynamic') return { a: y, b: x };
  if (y.type === 'dynamic' && x.type !== 'dynamic') return { a: fromDynamic(cx, y, x.type), b: x };
  return { a: y, b: x };
}

export function cmpSide(cx: Compiler, l: Sc, other: Sc): string {
  return l.type === 'dynamic' && other.type !== 'dynamic' ? fromDynamic(cx, l, other.type).sql : l.sql;
}

export function fromDynamic(cx: Compiler, s: Sc, t: KType): Sc {
  if (s.type !== 'dynamic') return s;
  return { sql: cx.dialect.fromJsonText(`(${s.sql} ->> '$')`, t), type: t };
}

/** A value as Kusto's string: dynamic strings unquoted, other values as text; null → "". */
export function str(s: Sc): string {
  switch (s.type) {
    case 'string':
    case 'guid':
      return s.sql;
    case 'dynamic':
      return `coalesce(${s.sql} ->> '$', '')`;
    case 'datetime':
      return `coalesce(strftime(${s.sql}, '%Y-%m-%dT%H:%M:%S.%fZ'), '')`;
    case 'bool':
      return `coalesce(CASE WHEN ${s.sql} THEN 'true' ELSE 'false' END, '')`;
    case 'timespan':
      return `coalesce(CAST(${s.sql} AS VARCHAR), '')`;
    default:
      return `coalesce(CAST(${s.sql} AS VARCHAR), '')`;
  }
}

/** The value for equality/distinct: dynamic kept as JSON text. */
export function plain(s: Sc): string {
  return s.type === 'dynamic' ? `CAST(${s.sql} AS VARCHAR)` : s.sql;
}

export function num(cx: Compiler, s: Sc, at: Span, what: string): Sc {
  if (NUMERIC.has(s.type) || s.type === 'timespan') return s;
  if (s.type === 'dynamic') return fromDynamic(cx, s, 'real');
  if (s.type === 'bool') return { sql: `CAST(${s.sql} AS BIGINT)`, type: 'long' };
  throw new KqlError(`${what}: expected a number, got ${s.type}`, at.pos, at.len);
}

export function binary(cx: Compiler, e: Extract<Expr, { kind: 'binary' }>, scope: Scope): Sc {
  const op = e.op;
  const l = scalar(cx, e.left, scope);
  const r = scalar(cx, e.right, scope);
  const bool = (sql: string): Sc => ({ sql, type: 'bool' });
  switch (op) {
    case 'and':
    case 'or':
      if (l.type !== 'bool' || r.type !== 'bool')
        throw new KqlError(`'${op}' needs bool operands`, e.pos, e.len);
      return bool(`(${l.sql} ${op.toUpperCase()} ${r.sql})`);
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '<>': {
      const sqlOp = op === '==' ? '=' : op === '!=' ? '<>' : op;
      if (l.type === 'dynamic' && r.type === 'dynamic') return bool(`(${plain(l)} ${sqlOp} ${plain(r)})`);
      const ls = cmpSide(cx, l, r);
      const rs = cmpSide(cx, r, l);
      if (l.type !== 'dynamic' && r.type !== 'dynamic' && !comparable(l.type, r.type))
        throw new KqlError(`Cannot compare ${l.type} with ${r.type} using '${op}'`, e.pos, e.len);
      return bool(`(${ls} ${sqlOp} ${rs})`);
    }
    case '=~':
      return bool(`(lower(${str(l)}) = lower(${str(r)}))`);
    case '!~':
      return bool(`(lower(${str(l)}) <> lower(${str(r)}))`);
    case 'has':
    case '!has':
    case 'has_cs':
    case '!has_cs': {
      const m = has(cx, str(l), r, !op.endsWith('_cs'));
      return bool(op.startsWith('!') ? `(NOT ${m})` : m);
    }
    case 'contains':
    case '!contains':
    case 'contains_cs':
    case '!contains_cs': {
      const cs = op.endsWith('_cs');
      const a = cs ? str(l) : `lower(${str(l)})`;
      const b = cs ? str(r) : `lower(${str(r)})`;
      const m = `contains(${a}, ${b})`;
      return bool(op.startsWith('!') ? `(NOT ${m})` : m);
    }
    case 'startswith':
    case '!startswith':
    case 'startswith_cs':
    case '!startswith_cs':
    case 'endswith':
    case '!endswith':
    case 'endswith_cs':
    case '!endswith_cs':
    case 'hasprefix':
    case '!hasprefix':
    case 'hassuffix':
    case '!hassuffix': {
      const cs = op.endsWith('_cs');
      const a = cs ? str(l) : `lower(${str(l)})`;
      const b = cs ? str(r) : `lower(${str(r)})`;
      const base = op.replace('!', '').replace('_cs', '');
      let m: string;
      if (base === 'startswith') m = `starts_with(${a}, ${b})`;
      else if (base === 'endswith') m = `suffix(${a}, ${b})`;
      else {
        // hasprefix/hassuffix: a term starting/ending with the needle.
        const pat =
          base === 'hasprefix'
            ? `'(^|[^[:alnum:]])' || ${cx.dialect.regexEscape(b)}`
            : `${cx.dialect.regexEscape(b)} || '($|[^[:alnum:]])'`;
        m = cx.dialect.regexMatch(a, pat, false);
      }
      return bool(op.startsWith('!') ? `(NOT ${m})` : m);
    }
    case 'matches regex':
      return bool(cx.dialect.regexMatch(str(l), str(r), false));
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arith(cx, op, l, r, e);
    default:
      throw unsupported(`The operator '${op}'`, e);
  }
}

export function comparable(a: KType, b: KType): boolean {
  if (a === b) return true;
  if (NUMERIC.has(a) && NUMERIC.has(b)) return true;
  const s = new Set(['string', 'guid']);
  return s.has(a) && s.has(b);
}

/**
 * `has`: the needle is a whole term of the text — bounded by the ends or by non-alphanumeric
 * characters on each side (Kusto's term index rule), as a regex with explicit boundaries.
 */
export function has(cx: Compiler, text: string, needle: Sc, ci: boolean): string {
  const n = str(needle);
  if (typeof needle.value === 'string') {
    const esc = needle.value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    const pat = cx.dialect.string(`(^|[^[:alnum:]])${esc}($|[^[:alnum:]])`);
    return needle.value === '' ? 'true' : cx.dialect.regexMatch(text, pat, ci);
  }
  return cx.dialect.regexMatch(
    text,
    `'(^|[^[:alnum:]])' || ${cx.dialect.regexEscape(n)} || '($|[^[:alnum:]])'`,
    ci,
  );
}

export function arith(cx: Compiler, op: string, l: Sc, r: Sc, e: Span): Sc {
  const d = cx.dialect;
  const lt = l.type;
  const rt = r.type;
  if (lt === 'datetime' && rt === 'datetime' && op === '-')
    return { sql: `(${l.sql} - ${r.sql})`, type: 'timespan' };
  if (lt === 'datetime' && rt === 'timespan' && (op === '+' || op === '-'))
    return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'datetime' };
  if (lt === 'timespan' && rt === 'datetime' && op === '+')
    return { sql: `(${r.sql} + ${l.sql})`, type: 'datetime' };
  if (lt === 'timespan' && rt === 'timespan') {
    if (op === '+' || op === '-') return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'timespan' };
    if (op === '/') return { sql: `(CAST(${d.micros(l.sql)} AS DOUBLE) / ${d.micros(r.sql)})`, type: 'real' };
  }
  if (lt === 'timespan' && NUMERIC.has(rt) && (op === '*' || op === '/'))
    return { sql: d.intervalMicros(`${d.micros(l.sql)} ${op} ${r.sql}`), type: 'timespan' };
  if (NUMERIC.has(lt) && rt === 'timespan' && op === '*')
    return { sql: d.intervalMicros(`${l.sql} * ${d.micros(r.sql)}`), type: 'timespan' };
  const a = lt === 'dynamic' ? fromDynamic(cx, l, 'real') : l;
  const b = rt === 'dynamic' ? fromDynamic(cx, r, 'real') : r;
  if (!NUMERIC.has(a.type) || !NUMERIC.has(b.type))
    throw new KqlError(`Cannot apply '${op}' to ${lt} and ${rt}`, e.pos, e.len);
  const type: KType =
    a.type === 'real' || b.type === 'real' ? 'real' : a.type === 'long' || b.type === 'long' ? 'long' : 'int';
  const value =
    typeof a.value === 'number' && typeof b.value === 'number'
      ? op === '+'
        ? a.value + b.value
        : op === '-'
          ? a.value - b.value
          : op === '*'
            ? a.value * b.value
            : undefined
      : undefined;
  if (op === '/' && type !== 'real') return { sql: d.intDiv(a.sql, `NULLIF(${b.sql}, 0)`), type };
  if (op === '/') return { sql: `(CAST(${a.sql} AS DOUBLE) / ${b.sql})`, type };
  if (op === '%') return { sql: `(${a.sql} % NULLIF(${b.sql}, 0))`, type };
  return { sql: `(${a.sql} ${op} ${b.sql})`, type, ...(value !== undefined ? { value } : {}) };
}

/** The items of an in-list: scalars, dynamic arrays (expanded), or one tabular expression's first column. */
export function listItems(cx: Compiler, list: Expr[], scope: Scope): { items: Sc[]; subquery?: Rel } {
  const items: Sc[] = [];
  for (const x of list) {
    if (
      x.kind === 'tabular' ||
      (x.kind === 'name' &&
        !scope.cols.some((c) => c.name === x.name) &&
        cx.lets.get(x.name)?.kind === 'tabular')
    ) {
      if (list.length !== 1) throw unsupported('a tabular expression among other values in a list', x);
      const rel = cx.tabular(
        x.kind === 'tabular' ? x.query : { kind: 'table', name: x.name, pos: x.pos, len: x.len },
      );
      return { items, subquery: rel };
    }
    const s = scalar(cx, x, scope);
    if (s.type === 'dynamic' && Array.isArray(s.dyn)) {
      for (const v of s.dyn)
        items.push(
          lit(
            cx,
            typeof v === 'number'
              ? Number.isInteger(v)
                ? 'long'
                : 'real'
              : typeof v === 'boolean'
                ? 'bool'
                : 'string',
            v,
          ),
        );
    } else items.push(s);
  }
  return { items };
}

export function inList(cx: Compiler, e: Extract<Expr, { kind: 'in' }>, scope: Scope): Sc {
  const l = scalar(cx, e.left, scope);
  const { items, subquery } = listItems(cx, e.list, scope);
  const op = e.op;
  const bool = (sql: string): Sc => ({ sql, type: 'bool' });
  if (op === 'has_any' || op === 'has_all') {
    if (subquery) throw unsupported(`${op} with a tabular expression`, e);
    if (!items.length) return bool(op === 'has_any' ? 'false' : 'true');
    const parts = items.map((i) => has(cx, str(l), i, true));
    return bool(`(${parts.join(op === 'has_any' ? ' OR ' : ' AND ')})`);
  }
  const negated = op.startsWith('!');
  const ci = op.endsWith('~');
  if (subquery) {
    const c = subquery.cols[0];
    if (!c) throw new KqlError('in: the tabular expression has no columns', e.pos, e.len);
    const col = `${cx.dialect.quote(c.name)}`;
    const right = ci ? `lower(${col})` : col;
    const left = ci ? `lower(${str(l)})` : l.type === 'dynamic' ? fromDynamic(cx, l, c.type).sql : l.sql;
    const m = `(${left} IN (SELECT ${right} FROM (${subquery.sql}) AS ${cx.a()}))`;
    return bool(negated ? `(NOT coalesce(${m}, false))` : m);
  }
  if (!items.length) return bool(negated ? 'true' : 'false');
  if (ci) {
    const m = `(lower(${str(l)}) IN (${items.map((i) => `lower(${str(i)})`).join(', ')}))`;
    return bool(negated ? `(NOT ${m})` : m);
  }
  const left = l.type === 'dynamic' ? fromDynamic(cx, l, items[0]!.type).sql : l.sql;
  const m = `(${left} IN (${items.map((i) => i.sql).join(', ')}))`;
  return bool(negated ? `(NOT ${m})` : m);
}

export function cast(cx: Compiler, s: Sc, t: KType, at: Span): string {
  if (s.type === t) return s.sql;
  if (s.value === null) return cx.dialect.nullOf(t);
  if (NUMERIC.has(s.type) && NUMERIC.has(t)) return `CAST(${s.sql} AS ${cx.dialect.sqlType(t)})`;
  if (t === 'dynamic') return cx.dialect.toJson(s.sql);
  if ((t === 'string' || t === 'guid') && (s.type === 'string' || s.type === 'guid')) return s.sql;
  throw new KqlError(`Expected a ${t} value, got ${s.type}`, at.pos, at.len);
}
