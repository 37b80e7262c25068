/** KQL functions over dynamic values: arrays, bags and sets, and JSON text paths. */
import type { Expr, KType } from './ast.ts';
import type { Compiler, Sc, Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';

type Call = Extract<Expr, { kind: 'call' }>;

/**
 * Arguments as column references of a one-row subquery, for SQL that uses them inside lambdas:
 * DuckDB refuses a subquery (a `toscalar()`, a `let` of one) inside a lambda. `arg` compiles an
 * argument; one that holds a subquery becomes a column of that row, and `wrap` puts the result
 * over it.
 */
export function lambdaArgs(c: Compiler, e: Call, scope: Scope) {
  const hoisted: string[] = [];
  const q = c.dialect.quote;
  return {
    arg(i: number): Sc {
      const a = c.scalar(e.args[i]!, scope);
      if (!a.sql.includes('(SELECT')) return a;
      const name = `__a${hoisted.length}`;
      hoisted.push(`${a.sql} AS ${q(name)}`);
      return { ...a, sql: q(name) };
    },
    wrap(r: Sc): Sc {
      return hoisted.length
        ? { ...r, sql: `(SELECT ${r.sql} FROM (SELECT ${hoisted.join(', ')}) AS ${c.freshAlias()})` }
        : r;
    },
  };
}

/** Compiles a dynamic-value function, or returns undefined when `e` names another function. */
export function callDynamic(c: Compiler, e: Call, scope: Scope): Sc | undefined {
  const { arg, wrap } = lambdaArgs(c, e, scope);
  const r = dynamicFunction(c, e, arg);
  return r && wrap(r);
}

function dynamicFunction(c: Compiler, e: Call, arg: (i: number) => Sc): Sc | undefined {
  const d = c.dialect;
  const fn = e.name.toLowerCase();
  const n = e.args.length;
  const arity = (min: number, max = min) => {
    if (n < min || n > max)
      throw new KqlError(
        `${e.name}(): expected ${min === max ? min : `${min} to ${max}`} arguments, got ${n}`,
        e.pos,
        e.len,
      );
  };
  const s = (i: number) => c.asString(arg(i));
  const num = (i: number) => c.asNumber(arg(i), e.args[i]!, e.name);
  const R = (sql: string, type: KType): Sc => ({ sql, type });
  switch (fn) {
    case 'array_length':
      arity(1);
      return R(
        `CASE WHEN json_type(${arg(0).sql}) = 'ARRAY' THEN CAST(json_array_length(${arg(0).sql}) AS BIGINT) END`,
        'long',
      );
    case 'bag_keys':
      arity(1);
      return R(
        `CASE WHEN json_type(${arg(0).sql}) = 'OBJECT' THEN to_json(json_keys(${arg(0).sql})) END`,
        'dynamic',
      );
    case 'pack':
    case 'bag_pack': {
      if (n % 2) throw new KqlError(`${e.name}(): expected key, value pairs`, e.pos, e.len);
      const pairs: string[] = [];
      for (let i = 0; i < n; i += 2) pairs.push(`${s(i)}, ${arg(i + 1).sql}`);
      return R(`json_object(${pairs.join(', ')})`, 'dynamic');
    }
    case 'pack_array':
      return R(`to_json([${e.args.map((_, i) => d.toJson(arg(i).sql)).join(', ')}])`, 'dynamic');
    case 'set_has_element':
    case 'array_index_of': {
      arity(2);
      const v = arg(1);
      const list = `CAST(json_extract_string(${arg(0).sql}, '$[*]') AS VARCHAR[])`;
      if (fn === 'set_has_element') return R(`list_contains(${list}, ${c.asString(v)})`, 'bool');
      return R(`CAST(list_position(${list}, ${c.asString(v)}) - 1 AS BIGINT)`, 'long');
    }
    case 'array_concat':
      arity(1, 64);
      return R(
        `to_json(list_concat(${e.args.map((_, i) => `coalesce(CAST(json_extract(${arg(i).sql}, '$[*]') AS JSON[]), [])`).join(', ')}))`,
        'dynamic',
      );
    case 'array_slice': {
      arity(3);
      const a = arg(0).sql;
      // Kusto: inclusive indexes, negative from the end.
      const len = `json_array_length(${a})`;
      const idx = (x: string) => `(CASE WHEN ${x} < 0 THEN ${len} + ${x} ELSE ${x} END)`;
      return R(
        `to_json(list_slice(json_extract(${a}, '$[*]'), ${idx(num(1).sql)} + 1, ${idx(num(2).sql)} + 1))`,
        'dynamic',
      );
    }
    case 'bag_merge': {
      arity(2, 64);
      // Shallow: every key of every bag; a key in several bags keeps the leftmost bag's value.
      const entries = `list_concat(${e.args
        .map((_, i) => {
          const b = arg(i).sql;
          return `CASE WHEN json_type(${b}) = 'OBJECT' THEN list_transform(json_keys(${b}), k -> {'k': k, 'v': json_extract(${b}, '$."' || k || '"')}) ELSE [] END`;
        })
        .join(', ')})`;
      return R(bagFromEntries(entries), 'dynamic');
    }
    case 'bag_remove_keys': {
      arity(2);
      const b = arg(0).sql;
      const keys = arg(1);
      if (keys.type !== 'dynamic')
        throw new KqlError(
          'bag_remove_keys(): the keys must be a dynamic array',
          e.args[1]!.pos,
          e.args[1]!.len,
        );
      if (Array.isArray(keys.dyn) && keys.dyn.some((k) => String(k).startsWith('$')))
        throw unsupported('bag_remove_keys() with JSONPath keys', e.args[1]!);
      const drop = `coalesce(CAST(json_extract_string(${keys.sql}, '$[*]') AS VARCHAR[]), [])`;
      return R(
        `CASE WHEN json_type(${b}) = 'OBJECT' THEN ${bagFromEntries(`list_transform(list_filter(json_keys(${b}), k -> NOT list_contains(${drop}, k)), k -> {'k': k, 'v': json_extract(${b}, '$."' || k || '"')})`)} END`,
        'dynamic',
      );
    }
    case 'zip': {
      arity(2, 16);
      const lists = e.args.map((_, i) => `CAST(json_extract(${arg(i).sql}, '$[*]') AS JSON[])`);
      const arrays = e.args.map((_, i) => `json_type(${arg(i).sql}) = 'ARRAY'`);
      // Pairs by position; a shorter array is padded with null (indexing past a list's end is NULL).
      return R(
        `CASE WHEN ${arrays.join(' AND ')} THEN to_json(list_transform(range(1, greatest(${lists.map((l) => `len(${l})`).join(', ')}) + 1), i -> [${lists.map((l) => `${l}[i]`).join(', ')}])) END`,
        'dynamic',
      );
    }
    case 'strcat_array':
      arity(2);
      return R(
        `coalesce(array_to_string(list_transform(CAST(json_extract(${arg(0).sql}, '$[*]') AS JSON[]), x -> coalesce(x ->> '$', '')), ${s(1)}), '')`,
        'string',
      );
    case 'bag_has_key':
      arity(2);
      return R(
        `coalesce(json_type(${arg(0).sql}) = 'OBJECT' AND list_contains(json_keys(${arg(0).sql}), ${s(1)}), false)`,
        'bool',
      );
    case 'array_sort_asc':
    case 'array_sort_desc': {
      arity(1, 2);
      // Kusto sorts numbers, then strings, nulls last (or first with nulls_last=false); one type here.
      const a = arg(0).sql;
      const desc = fn.endsWith('desc');
      const nullsLast = n === 2 ? arg(1).sql : 'true';
      const items = `CAST(json_extract(${a}, '$[*]') AS JSON[])`;
      const key = `list_transform(${items}, x -> {'n': TRY_CAST(x AS DOUBLE), 's': x ->> '$', 'v': x})`;
      const sorted = `list_transform(list_sort(list_filter(${key}, x -> json_type(x.v) <> 'NULL'), '${desc ? 'DESC' : 'ASC'}'), x -> x.v)`;
      const nulls = `list_filter(${items}, x -> json_type(x) = 'NULL')`;
      return R(
        `CASE WHEN json_type(${a}) = 'ARRAY' THEN to_json(CASE WHEN ${nullsLast} THEN list_concat(${sorted}, ${nulls}) ELSE list_concat(${nulls}, ${sorted}) END) END`,
        'dynamic',
      );
    }
    case 'array_reverse':
      arity(1);
      return R(
        `CASE WHEN json_type(${arg(0).sql}) = 'ARRAY' THEN to_json(list_reverse(CAST(json_extract(${arg(0).sql}, '$[*]') AS JSON[]))) END`,
        'dynamic',
      );
    case 'array_sum':
      arity(1);
      return R(
        `CASE WHEN json_type(${arg(0).sql}) = 'ARRAY' THEN list_sum(list_transform(CAST(json_extract(${arg(0).sql}, '$[*]') AS JSON[]), x -> TRY_CAST(x AS DOUBLE))) END`,
        'real',
      );
    case 'set_union':
    case 'set_intersect':
    case 'set_difference': {
      arity(2, 64);
      // Distinct values compared as JSON text, in order of first appearance.
      const lists = e.args.map(
        (_, i) => `coalesce(CAST(json_extract(${arg(i).sql}, '$[*]') AS VARCHAR[]), [])`,
      );
      const inOrder = (l: string) => `list_filter(${l}, (x, i) -> list_position(${l}, x) = i)`;
      const others = (x: string, join: 'AND' | 'OR') =>
        lists
          .slice(1)
          .map((l) => `list_contains(${l}, ${x})`)
          .join(` ${join} `);
      const first = inOrder(lists[0]!);
      const out =
        fn === 'set_union'
          ? inOrder(`list_concat(${lists.join(', ')})`)
          : fn === 'set_intersect'
            ? `list_filter(${first}, x -> ${others('x', 'AND')})`
            : `list_filter(${first}, x -> NOT (${others('x', 'OR')}))`;
      return R(`to_json(list_transform(${out}, x -> CAST(x AS JSON)))`, 'dynamic');
    }
    case 'extract_json':
    case 'extractjson': {
      arity(2, 3);
      const path = arg(0);
      if (typeof path.value !== 'string' || !/^\$(\.[A-Za-z_][\w]*|\[\d+\]|\['[^'"]+'\])*$/.test(path.value))
        throw unsupported(
          `${e.name}() with the path ${JSON.stringify(path.value ?? '')} (only $.a, $['a'] and $.a[0] paths)`,
          e.args[0]!,
        );
      const jsonPath = c.dialect.string(path.value.replace(/\['([^']+)'\]/g, '."$1"'));
      const text = `CASE WHEN json_valid(${s(1)}) THEN json_extract_string(CAST(${s(1)} AS JSON), ${jsonPath}) END`;
      const t = e.args[2];
      if (!t) return R(`coalesce(${text}, '')`, 'string');
      if (t.kind !== 'typeof')
        throw new KqlError(`${e.name}(): the third argument must be typeof(type)`, t.pos, t.len);
      if (t.type === 'string' || t.type === 'guid') return R(`coalesce(${text}, '')`, t.type);
      if (t.type === 'dynamic')
        return R(
          `CASE WHEN json_valid(${s(1)}) THEN json_extract(CAST(${s(1)} AS JSON), ${jsonPath}) END`,
          'dynamic',
        );
      return R(c.dialect.fromJsonText(text, t.type), t.type);
    }
    default:
      return undefined;
  }
}

/** A bag from a list of {k, v} entries; the first entry of a key wins. */
function bagFromEntries(entries: string): string {
  const first = `list_filter(${entries}, (x, i) -> list_position(list_transform(${entries}, y -> y.k), x.k) = i)`;
  return `CASE WHEN len(${entries}) = 0 THEN CAST('{}' AS JSON) ELSE to_json(map_from_entries(${first})) END`;
}
