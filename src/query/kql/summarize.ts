/** summarize: group keys, aggregation functions (also inside expressions), arg_max/arg_min rows. */
import type { Expr, KType, Operator } from './ast.ts';
import { AGGREGATE_NAMES, type Col, type Compiler, type Rel, type Sc, type Scope } from './compile.ts';
import { KqlError, unsupported } from './errors.ts';

export function summarize(
  cx: Compiler,
  input: Rel,
  op: Extract<Operator, { kind: 'summarize' }>,
  from: string,
): Rel {
  const q = cx.dialect.quote;
  const scope: Scope = { cols: input.cols, rel: input };
  const used = new Set<string>();
  const by = op.by.map((e, i) => cx.column(e, scope, i, used));
  // Inner: group keys and aggregates (arg_max/arg_min as one struct each); outer: unpacks them.
  const inner: string[] = by.map((b) => `${b.sql} AS ${q(b.name)}`);
  const outer: string[] = by.map((b) => q(b.name));
  const cols: Col[] = by.map((b) => ({ name: b.name, type: b.type }));
  op.aggregates.forEach((e, i) => {
    const names = e.kind === 'named' ? e.names : undefined;
    const call = e.kind === 'named' ? e.expr : e;
    if (call.kind !== 'call' || !AGGREGATE_NAMES.has(call.name.toLowerCase())) {
      // A scalar expression over aggregates, e.g. dcount(a) * 2 or array_length(make_set(x)).
      cx.aggScope = scope;
      let v: Sc;
      try {
        v = cx.scalar(call, { cols: by.map((b) => ({ name: b.name, type: b.type })) });
      } finally {
        cx.aggScope = undefined;
      }
      const name = names?.[0] ?? cx.autoName(call, i, used);
      used.add(name);
      inner.push(`${v.sql} AS ${q(name)}`);
      outer.push(q(name));
      cols.push({ name, type: v.type });
      return;
    }
    const fn =
      ({ argmax: 'arg_max', argmin: 'arg_min' } as Record<string, string>)[call.name.toLowerCase()] ??
      call.name.toLowerCase();
    if (fn === 'arg_max' || fn === 'arg_min') {
      const [key, ...rest] = call.args;
      if (!key || !rest.length) throw new KqlError(`${fn}: expected (expr, columns...)`, call.pos, call.len);
      const k = cx.scalar(key, scope);
      const picked: { name: string; sql: string; type: KType }[] = [
        { name: cx.autoName(key, i, used, names?.[0]), sql: k.sql, type: k.type },
      ];
      let n = 1;
      for (const r of rest) {
        if (r.kind === 'star') {
          for (const c of input.cols) {
            if (by.some((b) => b.name === c.name) || picked.some((p) => p.name === c.name)) continue;
            picked.push({ name: c.name, sql: q(c.name), type: c.type });
            used.add(c.name);
          }
        } else {
          const p = cx.column(r, scope, i, used, false, names?.[n]);
          picked.push(p);
        }
        n++;
      }
      const s = `__s${i}`;
      const struct = `struct_pack(${picked.map((p, j) => `c${j} := ${p.sql}`).join(', ')})`;
      inner.push(`${fn}(${struct}, ${k.sql}) AS ${q(s)}`);
      picked.forEach((p, j) => {
        outer.push(`${q(s)}.c${j} AS ${q(p.name)}`);
        cols.push({ name: p.name, type: p.type });
      });
      return;
    }
    if (fn === 'percentiles') {
      // One column per percentile, named percentile_x_p (or by the names given).
      const [x, ...ps] = call.args;
      if (!x || !ps.length)
        throw new KqlError('percentiles: expected (expr, percentile, …)', call.pos, call.len);
      ps.forEach((p, j) => {
        const one = aggregate(cx, 'percentile', { ...call, name: 'percentile', args: [x, p] }, scope);
        const name = names?.[j] ?? cx.unique(one.name, used);
        used.add(name);
        inner.push(`${one.sql} AS ${q(name)}`);
        outer.push(q(name));
        cols.push({ name, type: one.type });
      });
      return;
    }
    const agg = aggregate(cx, fn, call, scope);
    const name = names?.[0] ?? cx.unique(agg.name, used);
    used.add(name);
    inner.push(`${agg.sql} AS ${q(name)}`);
    outer.push(q(name));
    cols.push({ name, type: agg.type });
  });
  const group = by.length ? ` GROUP BY ${by.map((_, i) => i + 1).join(', ')}` : '';
  return {
    sql: `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} ${from}${group}) AS ${cx.a()}`,
    cols,
  };
}

export function aggregate(
  cx: Compiler,
  fn: string,
  call: Extract<Expr, { kind: 'call' }>,
  scope: Scope,
): { sql: string; type: KType; name: string } {
  const args = call.args;
  const arg = (i: number) => {
    const e = args[i];
    if (!e) throw new KqlError(`${fn}: missing argument ${i + 1}`, call.pos, call.len);
    return cx.scalar(e, scope);
  };
  const argName = (i: number) => (args[i] ? cx.baseName(args[i]!) : undefined);
  const suffix = (prefix: string, i = 0) => `${prefix}_${argName(i) ?? ''}`;
  const bool = (i: number) => {
    const s = arg(i);
    if (s.type !== 'bool')
      throw new KqlError(`${fn}: the predicate must be a bool`, args[i]!.pos, args[i]!.len);
    return s.sql;
  };
  const sumType = (t: KType): KType => (t === 'real' ? 'real' : t === 'timespan' ? 'timespan' : 'long');
  switch (fn) {
    case 'count':
      if (args.length) throw unsupported('count() with an argument', call);
      return { sql: 'count(*)', type: 'long', name: 'count_' };
    case 'countif':
      return { sql: `count(*) FILTER (WHERE ${bool(0)})`, type: 'long', name: 'countif_' };
    case 'dcount': {
      const a = arg(0);
      return { sql: `count(DISTINCT ${cx.plain(a)})`, type: 'long', name: suffix('dcount') };
    }
    case 'count_distinct': {
      const a = arg(0);
      return { sql: `count(DISTINCT ${cx.plain(a)})`, type: 'long', name: suffix('count_distinct') };
    }
    case 'make_bag': {
      // Merges the property bags of the group (a key seen twice keeps one of its values).
      const a = arg(0);
      if (a.type !== 'dynamic')
        throw new KqlError('make_bag: expected a dynamic value', args[0]!.pos, args[0]!.len);
      const bags = `list(${a.sql}) FILTER (WHERE json_type(${a.sql}) = 'OBJECT')`;
      return {
        sql: `CASE WHEN coalesce(len(${bags}), 0) = 0 THEN ${cx.dialect.jsonLiteral('{}')} ELSE list_reduce(${bags}, (x, y) -> json_merge_patch(x, y)) END`,
        type: 'dynamic',
        name: suffix('bag'),
      };
    }
    case 'dcountif': {
      const a = arg(0);
      return {
        sql: `count(DISTINCT ${cx.plain(a)}) FILTER (WHERE ${bool(1)})`,
        type: 'long',
        name: suffix('dcountif'),
      };
    }
    case 'sum': {
      const a = cx.num(arg(0), args[0]!, fn);
      return { sql: `sum(${a.sql})`, type: sumType(a.type), name: suffix('sum') };
    }
    case 'sumif': {
      const a = cx.num(arg(0), args[0]!, fn);
      return {
        sql: `sum(${a.sql}) FILTER (WHERE ${bool(1)})`,
        type: sumType(a.type),
        name: suffix('sumif'),
      };
    }
    case 'avg': {
      const a = cx.num(arg(0), args[0]!, fn);
      return { sql: `avg(${a.sql})`, type: 'real', name: suffix('avg') };
    }
    case 'avgif': {
      const a = cx.num(arg(0), args[0]!, fn);
      return { sql: `avg(${a.sql}) FILTER (WHERE ${bool(1)})`, type: 'real', name: suffix('avgif') };
    }
    case 'min':
    case 'max': {
      const a = arg(0);
      return { sql: `${fn}(${a.sql})`, type: a.type, name: suffix(fn) };
    }
    case 'minif':
    case 'maxif': {
      const a = arg(0);
      return {
        sql: `${fn.slice(0, 3)}(${a.sql}) FILTER (WHERE ${bool(1)})`,
        type: a.type,
        name: suffix(fn),
      };
    }
    case 'make_set':
    case 'makeset':
    case 'make_list':
    case 'makelist':
    case 'make_set_if':
    case 'make_list_if': {
      const a = arg(0);
      const set = fn.includes('set');
      const cond = fn.endsWith('_if') ? ` AND ${bool(1)}` : '';
      const capArg = fn.endsWith('_if') ? args[2] : args[1];
      const list = `list(${a.sql}) FILTER (WHERE ${a.sql} IS NOT NULL${cond})`;
      const capped = capArg
        ? `list_slice(${set ? `list_distinct(${list})` : list}, 1, ${cx.constInt(capArg, scope, fn)})`
        : set
          ? `list_distinct(${list})`
          : list;
      return {
        sql: `coalesce(${cx.dialect.toJson(capped)}, ${cx.dialect.jsonLiteral('[]')})`,
        type: 'dynamic',
        name: suffix(set ? 'set' : 'list'),
      };
    }
    case 'percentile': {
      const a = cx.num(arg(0), args[0]!, fn);
      const p = arg(1);
      if (typeof p.value !== 'number')
        throw new KqlError('percentile: the percentile must be a constant', args[1]!.pos, args[1]!.len);
      return {
        sql: `quantile_disc(${a.sql}, ${p.value / 100})`,
        type: a.type,
        name: `percentile_${argName(0) ?? ''}_${String(p.value).replace('.', '_')}`,
      };
    }
    case 'stdev':
    case 'stdevp':
    case 'variance':
    case 'variancep':
    case 'stdevif':
    case 'varianceif': {
      // Sample (Bessel-corrected) by default, population with the p forms, as Kusto defines them.
      const a = cx.num(arg(0), args[0]!, fn);
      const base = fn.replace(/if$/, '');
      const sqlFn = {
        stdev: 'stddev_samp',
        stdevp: 'stddev_pop',
        variance: 'var_samp',
        variancep: 'var_pop',
      }[base]!;
      const filter = fn.endsWith('if') ? ` FILTER (WHERE ${bool(1)})` : '';
      return { sql: `${sqlFn}(CAST(${a.sql} AS DOUBLE))${filter}`, type: 'real', name: suffix(fn) };
    }
    case 'percentiles_array': {
      const a = cx.num(arg(0), args[0]!, fn);
      const ps = args.slice(1).map((_, i) => arg(i + 1));
      if (!ps.length || ps.some((p) => typeof p.value !== 'number'))
        throw new KqlError('percentiles_array: the percentiles must be constants', call.pos, call.len);
      return {
        sql: `to_json(quantile_disc(${a.sql}, [${ps.map((p) => (p.value as number) / 100).join(', ')}]))`,
        type: 'dynamic',
        name: suffix('percentiles'),
      };
    }
    case 'any':
    case 'take_any': {
      const a = arg(0);
      return { sql: `any_value(${a.sql})`, type: a.type, name: `${fn}_${argName(0) ?? ''}` };
    }
    default:
      throw unsupported(`The aggregation function '${call.name}'`, call);
  }
}
