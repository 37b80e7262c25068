/**
 * The relational KQL operators that take more than one SELECT: join/lookup, parse, mv-expand and
 * mv-apply. Functions of the compiler (compile.ts), emitting SQL through its dialect.
 */
import type { KType, Operator } from './ast.ts';
import type { Col, Compiler, Rel, Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';

/**
 * join: every kind of Kusto's. innerunique (the default) keeps one left row per key before an
 * inner join; semi/anti kinds keep one side's columns; the others keep all columns, the right
 * side's clashing names suffixed 1, 2, … (as Kusto names them).
 */
export function join(cx: Compiler, left: Rel, op: Extract<Operator, { kind: 'join' }>, lookup = false): Rel {
  const q = cx.dialect.quote;
  const right = cx.tabular(op.right);
  const keys = op.on.map((k) => {
    const l = cx.col({ cols: left.cols }, k.left, k);
    const r = cx.col({ cols: right.cols }, k.right, k);
    if (!cx.comparable(l.type, r.type))
      throw new KqlError(
        `join: ${k.left} (${l.type}) and ${k.right} (${r.type}) have different types`,
        k.pos,
        k.len,
      );
    const plainL = l.type === 'dynamic' ? `CAST(l.${q(l.name)} AS VARCHAR)` : `l.${q(l.name)}`;
    const plainR = r.type === 'dynamic' ? `CAST(r.${q(r.name)} AS VARCHAR)` : `r.${q(r.name)}`;
    return { l, r, cond: `${plainL} = ${plainR}` };
  });
  const on = keys.map((k) => k.cond).join(' AND ');
  const kind = op.joinKind;
  let leftSql = left.sql;
  if (kind === 'innerunique') {
    const part = keys.map((k) => q(k.l.name)).join(', ');
    leftSql = `SELECT * FROM (${left.sql}) AS ${cx.a()} QUALIFY row_number() OVER (PARTITION BY ${part}) = 1`;
  }
  const semi = { leftsemi: 'SEMI', leftanti: 'ANTI', anti: 'ANTI', leftantisemi: 'ANTI' }[kind];
  if (semi)
    return {
      sql: `SELECT l.* FROM (${leftSql}) AS l ${semi} JOIN (${right.sql}) AS r ON ${on}`,
      cols: left.cols,
    };
  const rsemi = { rightsemi: 'SEMI', rightanti: 'ANTI', rightantisemi: 'ANTI' }[kind];
  if (rsemi)
    return {
      sql: `SELECT r.* FROM (${right.sql}) AS r ${rsemi} JOIN (${leftSql}) AS l ON ${on}`,
      cols: right.cols,
    };
  const sqlJoin = {
    innerunique: 'JOIN',
    inner: 'JOIN',
    leftouter: 'LEFT JOIN',
    rightouter: 'RIGHT JOIN',
    fullouter: 'FULL JOIN',
  }[kind];
  if (!sqlJoin) throw unsupported(`join kind=${kind}`, op);
  const used = new Set(left.cols.map((c) => c.name));
  // lookup: the right side's key columns are not repeated.
  const rightCols = lookup ? right.cols.filter((c) => !keys.some((k) => k.r.name === c.name)) : right.cols;
  const rightNames = rightCols.map((c) => {
    const name = cx.unique(c.name, used);
    used.add(name);
    return name;
  });
  const list = [
    ...left.cols.map((c) => `l.${q(c.name)} AS ${q(c.name)}`),
    ...rightCols.map((c, i) => `r.${q(c.name)} AS ${q(rightNames[i]!)}`),
  ];
  return {
    sql: `SELECT ${list.join(', ')} FROM (${leftSql}) AS l ${sqlJoin} (${right.sql}) AS r ON ${on}`,
    cols: [...left.cols, ...rightCols.map((c, i) => ({ name: rightNames[i]!, type: c.type }))],
  };
}

/**
 * parse and parse-where as one regular expression. simple: literals match as written, `*` any
 * text, a column the shortest text up to the next literal (the rest, when last), and a typed
 * column only text of its type, so the match is all or nothing (Kusto: a failed match leaves
 * every column null, "" for strings). regex: the literals are regular expressions (RE2) and
 * `flags=` (U, i, m, s) apply. relaxed: as simple, but a typed column takes any text and is null
 * when it does not convert, the others still set. parse-where keeps only the rows that match.
 */
export function parseOp(
  cx: Compiler,
  input: Rel,
  op: Extract<Operator, { kind: 'parse' }>,
  from: string,
): Rel {
  const q = cx.dialect.quote;
  const src = cx.str(cx.scalar(op.source, { cols: input.cols }));
  const esc = (t: string) => t.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  let re = op.mode === 'regex' && op.flags ? `(?${op.flags})^` : '^';
  const captures: { name: string; type: KType; group: number }[] = [];
  op.parts.forEach((p, i) => {
    const last = i === op.parts.length - 1;
    if (p.kind === 'literal') {
      if (op.mode === 'regex') {
        // The literal is a regex: its own groups must not shift the columns' group numbers.
        if (/(?<!\\)\((?!\?)/.test(p.text))
          throw unsupported('a capturing group inside a parse kind=regex literal (use (?:…))', op);
        re += p.text;
      } else re += esc(p.text);
    } else if (p.kind === 'any') re += last ? '.*' : '.*?';
    else {
      // Typed columns only match text of their type (not in relaxed mode, where they convert or are null).
      const typed: Partial<Record<KType, string>> = {
        long: '(-?\\d+)',
        int: '(-?\\d+)',
        real: '(-?\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?)',
        bool: '(true|false|True|False)',
      };
      re += (op.mode !== 'relaxed' ? typed[p.type] : undefined) ?? (last ? '(.*)' : '(.*?)');
      captures.push({ name: p.name, type: p.type, group: captures.length + 1 });
    }
  });
  if (!captures.length) throw new KqlError('parse: the pattern names no column', op.pos, op.len);
  const pattern = cx.dialect.string(re);
  // Simple and relaxed: `.` crosses newlines (the text is matched as a whole); regex: as its flags say.
  const opts = op.mode === 'regex' ? '' : ", 's'";
  const matched = `regexp_matches(${src}, ${pattern}${opts})`;
  const value = (c: (typeof captures)[number]) => {
    const text = `regexp_extract(${src}, ${pattern}, ${c.group}${opts})`;
    const v = c.type === 'string' ? text : cx.dialect.fromJsonText(text, c.type);
    return c.type === 'string'
      ? `CASE WHEN ${matched} THEN ${v} ELSE '' END`
      : `CASE WHEN ${matched} THEN ${v} END`;
  };
  const cols: Col[] = input.cols.map((c) => {
    const cap = captures.find((x) => x.name === c.name);
    return cap ? { name: c.name, type: cap.type } : c;
  });
  for (const c of captures)
    if (!input.cols.some((x) => x.name === c.name)) cols.push({ name: c.name, type: c.type });
  const list = cols.map((c) => {
    const cap = captures.find((x) => x.name === c.name);
    return cap ? `${value(cap)} AS ${q(c.name)}` : q(c.name);
  });
  return { sql: `SELECT ${list.join(', ')} ${from}${op.where ? ` WHERE ${matched}` : ''}`, cols };
}

/**
 * mv-expand: one row per element of each expanded array or bag, expanded in parallel (the
 * shorter padded with null); an empty array or bag gives no row, a null value one row of null.
 * Bags expand to one-key bags (bagexpansion=bag) or [key, value] arrays (bagexpansion=array).
 */
/** The element lists of mv-expand/mv-apply items (SQL lists of JSON) and their output columns. */
export function expandLists(
  cx: Compiler,
  op: Extract<Operator, { kind: 'mv-expand' | 'mv-apply' }>,
  scope: Scope,
): { lists: string[]; outs: { name: string; type: KType }[] } {
  const limit = op.limit ? cx.constInt(op.limit, scope, `${op.kind} limit`) : undefined;
  const lists: string[] = [];
  const outs: { name: string; type: KType }[] = [];
  for (const item of op.items) {
    const v = cx.scalar(item.expr, scope);
    if (v.type !== 'dynamic')
      throw new KqlError(`${op.kind}: expected a dynamic value`, item.expr.pos, item.expr.len);
    const name = item.name ?? cx.baseName(item.expr);
    if (!name)
      throw new KqlError(
        `${op.kind}: name the expanded expression (Name = expression)`,
        item.expr.pos,
        item.expr.len,
      );
    const bagItem =
      op.bagExpansion === 'bag'
        ? "json_object(k, json_extract(v, '$.\"' || k || '\"'))"
        : "to_json([to_json(k), json_extract(v, '$.\"' || k || '\"')])";
    let list = `(SELECT CASE WHEN v IS NULL OR json_type(v) = 'NULL' THEN [CAST(NULL AS JSON)]
      WHEN json_type(v) = 'ARRAY' THEN json_extract(v, '$[*]')
      WHEN json_type(v) = 'OBJECT' THEN list_transform(json_keys(v), k -> ${bagItem})
      ELSE [v] END FROM (SELECT ${v.sql} AS v))`;
    if (limit !== undefined) list = `list_slice(${list}, 1, ${limit})`;
    lists.push(list);
    outs.push({ name, type: item.toType ?? 'dynamic' });
  }
  return { lists, outs };
}

/** SELECT-list items that unnest the lists in parallel (as __mv0, __mv1, …, and __mvi for the index). */
export function unnests(cx: Compiler, lists: string[], withIndex: boolean): string {
  const q = cx.dialect.quote;
  const items = lists.map((l, i) => `unnest(${l}) AS ${q(`__mv${i}`)}`);
  if (withIndex)
    items.push(`unnest(range(0, greatest(${lists.map((l) => `len(${l})`).join(', ')}))) AS ${q('__mvi')}`);
  return items.join(', ');
}

export function expandedValue(cx: Compiler, i: number, t: KType): string {
  const q = cx.dialect.quote;
  return t === 'dynamic' ? q(`__mv${i}`) : cx.fromDynamic({ sql: q(`__mv${i}`), type: 'dynamic' }, t).sql;
}

/**
 * mv-expand: one row per element of each expanded array or bag, expanded in parallel (the
 * shorter padded with null); an empty array or bag gives no row, a null value one row of null.
 * Bags expand to one-key bags (bagexpansion=bag) or [key, value] arrays (bagexpansion=array).
 */
export function mvExpand(
  cx: Compiler,
  input: Rel,
  op: Extract<Operator, { kind: 'mv-expand' }>,
  from: string,
): Rel {
  const q = cx.dialect.quote;
  const { lists, outs } = expandLists(cx, op, { cols: input.cols });
  const inner = `SELECT *, ${unnests(cx, lists, !!op.itemIndex)} ${from}`;
  const cols: Col[] = input.cols.map((c) => {
    const o = outs.find((x) => x.name === c.name);
    return o ? { name: c.name, type: o.type } : c;
  });
  for (const o of outs) if (!cols.some((c) => c.name === o.name)) cols.push(o);
  if (op.itemIndex) cols.push({ name: op.itemIndex, type: 'long' });
  const list = cols.map((c) => {
    const i = outs.findIndex((o) => o.name === c.name);
    if (i >= 0) return `${expandedValue(cx, i, outs[i]!.type)} AS ${q(c.name)}`;
    if (c.name === op.itemIndex) return `CAST(${q('__mvi')} AS BIGINT) AS ${q(c.name)}`;
    return q(c.name);
  });
  return { sql: `SELECT ${list.join(', ')} FROM (${inner}) AS ${cx.a()}`, cols };
}

/**
 * mv-apply: for each row, its expanded values as a table (the expanded columns and the item
 * index), the subquery applied to that table, and the row's other columns added to each result
 * row — a LATERAL join whose subtable unnests the outer row's arrays.
 */
export function mvApply(cx: Compiler, input: Rel, op: Extract<Operator, { kind: 'mv-apply' }>): Rel {
  const q = cx.dialect.quote;
  const { lists, outs } = expandLists(cx, op, { cols: input.cols });
  const subCols: Col[] = [...outs];
  if (op.itemIndex) subCols.push({ name: op.itemIndex, type: 'long' });
  const values = outs.map((o, i) => `${expandedValue(cx, i, o.type)} AS ${q(o.name)}`);
  if (op.itemIndex) values.push(`CAST(${q('__mvi')} AS BIGINT) AS ${q(op.itemIndex)}`);
  let sub: Rel = {
    sql: `SELECT ${values.join(', ')} FROM (SELECT ${unnests(cx, lists, !!op.itemIndex)}) AS ${cx.a()}`,
    cols: subCols,
  };
  for (const o of op.ops) {
    if (o.kind === 'render') throw new KqlError('render is not allowed inside mv-apply', o.pos, o.len);
    sub = cx.operator(sub, o);
  }
  // Expanded input columns are replaced by the subquery's; the others are kept, first.
  // An expanded input column is removed, also when named (`Name = Column`), as Kusto documents.
  const expandedNames = new Set(op.items.flatMap((it) => (it.expr.kind === 'name' ? [it.expr.name] : [])));
  const kept = input.cols.filter((c) => !expandedNames.has(c.name) && !outs.some((o) => o.name === c.name));
  const used = new Set(kept.map((c) => c.name));
  const subNames = sub.cols.map((c) => {
    const n = cx.unique(c.name, used);
    used.add(n);
    return n;
  });
  const outer = cx.a();
  const inner = cx.a();
  const list = [
    ...kept.map((c) => `${outer}.${q(c.name)} AS ${q(c.name)}`),
    ...sub.cols.map((c, i) => `${inner}.${q(c.name)} AS ${q(subNames[i]!)}`),
  ];
  return {
    sql: `SELECT ${list.join(', ')} FROM (${input.sql}) AS ${outer}, LATERAL (${sub.sql}) AS ${inner}`,
    cols: [...kept, ...sub.cols.map((c, i) => ({ name: subNames[i]!, type: c.type }))],
  };
}
