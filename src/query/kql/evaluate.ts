/**
 * `evaluate` plugins. bag_unpack turns the top-level keys of a dynamic column into columns. Its
 * output columns depend on the data (as in Kusto): without an output schema the compiler asks
 * for a discovery query (the distinct keys and their JSON types) and binds with its rows.
 */
import type { KType, Operator } from './ast.ts';
import { type Col, type Compiler, NeedsDiscovery, type Rel } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';

type Evaluate = Extract<Operator, { kind: 'evaluate' }>;

export function evaluate(cx: Compiler, input: Rel, op: Evaluate, from: string): Rel {
  const plugin = op.plugin.toLowerCase();
  if (plugin === 'bag_unpack') return bagUnpack(cx, input, op, from);
  throw unsupported(`The plugin '${op.plugin}'`, op);
}

/** A JSON type (DuckDB's json_type names) as the Kusto type of a column holding it. */
const JSON_KTYPE: Record<string, KType> = {
  VARCHAR: 'string',
  BIGINT: 'long',
  UBIGINT: 'long',
  DOUBLE: 'real',
  BOOLEAN: 'bool',
};

function bagUnpack(cx: Compiler, input: Rel, op: Evaluate, from: string): Rel {
  const d = cx.dialect;
  const q = d.quote;
  const scope = { cols: input.cols };
  const [colArg, prefixArg, conflictArg, ignoredArg] = op.args;
  if (!colArg || op.args.length > 4)
    throw new KqlError(
      'bag_unpack(): expected (column [, prefix [, columnsConflict [, ignoredProperties]]])',
      op.pos,
      op.len,
    );
  if (colArg.kind !== 'name') throw unsupported('bag_unpack() of an expression (name a column)', colArg);
  const source = cx.col(scope, colArg.name, colArg);
  if (source.type !== 'dynamic')
    throw new KqlError('bag_unpack(): the column must be dynamic', colArg.pos, colArg.len);
  const constant = (e: typeof prefixArg, what: string): string | undefined => {
    if (!e) return undefined;
    const v = cx.scalar(e, scope);
    if (typeof v.value !== 'string')
      throw new KqlError(`bag_unpack(): ${what} must be a constant string`, e.pos, e.len);
    return v.value;
  };
  const prefix = constant(prefixArg, 'the prefix') ?? '';
  const conflict = constant(conflictArg, 'columnsConflict') ?? 'error';
  if (!['error', 'replace_source', 'keep_source'].includes(conflict))
    throw new KqlError(
      `bag_unpack(): unknown columnsConflict '${conflict}'`,
      conflictArg!.pos,
      conflictArg!.len,
    );
  const ignored = new Set<string>();
  if (ignoredArg) {
    const v = cx.scalar(ignoredArg, scope);
    if (!Array.isArray(v.dyn))
      throw new KqlError(
        'bag_unpack(): ignoredProperties must be a dynamic array',
        ignoredArg.pos,
        ignoredArg.len,
      );
    for (const k of v.dyn) ignored.add(String(k));
  }
  const v = q(source.name);
  let keys: { key: string; type: KType }[];
  if (op.schema) {
    // The schema's columns that are not input columns are the bag's keys.
    keys = op.schema.columns
      .filter(
        (c) =>
          c.name.startsWith(prefix) && !input.cols.some((x) => x.name === c.name && x.name !== source.name),
      )
      .map((c) => ({ key: c.name.slice(prefix.length), type: c.type }));
  } else {
    // The keys of every bag of the input, each with the set of its values' JSON types.
    const sql = `SELECT k, list(DISTINCT json_type(json_extract(${v}, '$."' || k || '"'))) FROM (SELECT ${v} FROM (${input.sql}) AS s WHERE json_type(${v}) = 'OBJECT') AS b, unnest(json_keys(${v})) AS u(k) GROUP BY k ORDER BY k`;
    const rows = cx.discovered(sql);
    if (!rows) throw new NeedsDiscovery(sql);
    keys = rows
      .map(([k, types]) => {
        const ts = [
          ...new Set((types as string[]).filter((t) => t !== 'NULL').map((t) => JSON_KTYPE[t] ?? 'dynamic')),
        ];
        // One type for every value: that type; mixed (or only nulls, arrays, objects): dynamic.
        return { key: String(k), type: ts.length === 1 ? ts[0]! : 'dynamic' };
      })
      .filter((k) => !ignored.has(k.key));
  }
  for (const k of keys)
    if (k.key.includes('"')) throw unsupported(`bag_unpack() of a key with a double quote (${k.key})`, op);
  const kept = input.cols.filter((c) => c.name !== source.name);
  const outNames = new Set(keys.map((k) => prefix + k.key));
  const clash = kept.filter((c) => outNames.has(c.name));
  if (clash.length && conflict === 'error')
    throw new KqlError(
      `bag_unpack(): the column '${clash[0]!.name}' already exists (use columnsConflict='replace_source' or 'keep_source')`,
      op.pos,
      op.len,
    );
  const unpacked: (Col & { sql: string })[] = keys
    .filter((k) => !(conflict === 'keep_source' && kept.some((c) => c.name === prefix + k.key)))
    .map((k) => ({
      name: prefix + k.key,
      type: k.type,
      sql:
        k.type === 'dynamic'
          ? `CASE WHEN json_type(${d.jsonPath(v, [k.key])}) <> 'NULL' THEN ${d.jsonPath(v, [k.key])} END`
          : d.fromJsonText(d.jsonPathText(v, [k.key]), k.type),
    }));
  const base = kept.filter((c) => !unpacked.some((u) => u.name === c.name));
  let cols: Col[] = [...base, ...unpacked.map(({ name, type }) => ({ name, type }))];
  let list = [...base.map((c) => q(c.name)), ...unpacked.map((u) => `${u.sql} AS ${q(u.name)}`)];
  if (op.schema && !op.schema.star) {
    // An output schema without `*`: exactly its columns, in its order.
    const all = new Map(cols.map((c, i) => [c.name, { c, sql: list[i]! }]));
    const picked = op.schema.columns.map((c) => {
      const hit = all.get(c.name);
      if (!hit) return { c, sql: `${d.nullOf(c.type)} AS ${q(c.name)}` };
      return { c: { name: c.name, type: c.type }, sql: hit.sql };
    });
    cols = picked.map((p) => p.c);
    list = picked.map((p) => p.sql);
  }
  return { sql: `SELECT ${list.join(', ') || 'NULL AS "__empty"'} ${from}`, cols };
}
