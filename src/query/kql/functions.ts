/** KQL scalar functions, compiled to SQL through the dialect. Unknown names are errors. */
import type { Expr, KType } from './ast.ts';
import { AGGREGATE_NAMES, type Compiler, type Sc, type Scope } from './compile.ts';
import { callDynamic, lambdaArgs } from './dynamic.ts';
import { KqlError, unsupported } from './errors.ts';
import { formatTimespanSql } from './format-timespan.ts';
import { geoInfoSql } from './geo.ts';
import { ipv4ToLong, ipv6Compare, ipv6Parts } from './ip.ts';
import { seriesOutliers, seriesStats } from './series.ts';

type Call = Extract<Expr, { kind: 'call' }>;

export function callScalar(c: Compiler, e: Call, scope: Scope): Sc {
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
  const arg = (i: number): Sc => c.scalar(e.args[i]!, scope);
  const s = (i: number) => c.asString(arg(i));
  const num = (i: number) => c.asNumber(arg(i), e.args[i]!, e.name);
  const R = (sql: string, type: KType): Sc => ({ sql, type });
  switch (fn) {
    // --- strings
    case 'tostring':
      arity(1);
      return R(s(0), 'string');
    case 'tolower':
      arity(1);
      return R(`lower(${s(0)})`, 'string');
    case 'toupper':
      arity(1);
      return R(`upper(${s(0)})`, 'string');
    case 'strlen':
      arity(1);
      return R(`CAST(length(${s(0)}) AS BIGINT)`, 'long');
    case 'strcat':
      arity(1, 64);
      return R(`concat(${e.args.map((_, i) => s(i)).join(', ')})`, 'string');
    case 'strcat_delim':
      arity(3, 64);
      return R(
        `concat_ws(${s(0)}, ${e.args
          .slice(1)
          .map((_, i) => s(i + 1))
          .join(', ')})`,
        'string',
      );
    case 'substring': {
      arity(2, 3);
      const start = num(1).sql;
      return R(
        n === 3 ? `substr(${s(0)}, (${start}) + 1, ${num(2).sql})` : `substr(${s(0)}, (${start}) + 1)`,
        'string',
      );
    }
    case 'trim':
      arity(2);
      return R(`regexp_replace(${s(1)}, '^(' || ${s(0)} || ')+|(' || ${s(0)} || ')+$', '', 'g')`, 'string');
    case 'trim_start':
    case 'trim_end': {
      // The regex, repeated, at the start (end) only.
      arity(2);
      const re = fn === 'trim_start' ? `'^(' || ${s(0)} || ')+'` : `'(' || ${s(0)} || ')+$'`;
      return R(`regexp_replace(${s(1)}, ${re}, '')`, 'string');
    }
    case 'replace_string':
      arity(3);
      return R(`replace(${s(0)}, ${s(1)}, ${s(2)})`, 'string');
    case 'replace_regex':
    case 'replace':
      arity(3);
      return R(`regexp_replace(${s(0)}, ${s(1)}, ${s(2)}, 'g')`, 'string');
    case 'indexof':
      arity(2);
      return R(`CAST(strpos(${s(0)}, ${s(1)}) - 1 AS BIGINT)`, 'long');
    case 'reverse':
      arity(1);
      return R(`reverse(${s(0)})`, 'string');
    case 'isempty':
      arity(1);
      return R(
        `(${arg(0).type === 'string' ? `${s(0)} = ''` : `(${arg(0).sql} IS NULL OR ${s(0)} = '')`})`,
        'bool',
      );
    case 'isnotempty':
    case 'notempty':
      arity(1);
      return R(
        `(NOT ${arg(0).type === 'string' ? `${s(0)} = ''` : `(${arg(0).sql} IS NULL OR ${s(0)} = '')`})`,
        'bool',
      );
    case 'isnull':
      arity(1);
      // Kusto strings are never null.
      return R(arg(0).type === 'string' ? 'false' : `(${arg(0).sql} IS NULL)`, 'bool');
    case 'isnotnull':
    case 'notnull':
      arity(1);
      return R(arg(0).type === 'string' ? 'true' : `(${arg(0).sql} IS NOT NULL)`, 'bool');
    case 'extract': {
      arity(3, 4);
      const g = arg(1);
      if (typeof g.value !== 'number')
        throw new KqlError('extract(): the group must be a constant', e.args[1]!.pos, e.args[1]!.len);
      const text = `coalesce(nullif(regexp_extract(${s(2)}, ${s(0)}, ${g.value}), ''), '')`;
      if (n === 3) return R(text, 'string');
      // extract(…, typeof(T)): the match converted to T; null when there is none or it does not convert.
      const t = e.args[3]!;
      if (t.kind !== 'typeof')
        throw new KqlError('extract(): the fourth argument must be typeof(type)', t.pos, t.len);
      if (t.type === 'string' || t.type === 'guid') return R(text, t.type);
      return R(d.fromJsonText(`nullif(${text}, '')`, t.type), t.type);
    }
    case 'split': {
      arity(2, 3);
      const parts = `string_split(${s(0)}, ${s(1)})`;
      if (n === 3) {
        const i = arg(2);
        if (typeof i.value !== 'number') throw unsupported('split() with a non-constant index', e.args[2]!);
        return R(`to_json(list_slice(${parts}, ${i.value + 1}, ${i.value + 1}))`, 'dynamic');
      }
      return R(`to_json(${parts})`, 'dynamic');
    }
    case 'countof':
      arity(2);
      return R(
        `CAST((length(${s(0)}) - length(replace(${s(0)}, ${s(1)}, ''))) // nullif(length(${s(1)}), 0) AS BIGINT)`,
        'long',
      );
    case 'extract_all': {
      arity(2, 3);
      if (n === 3) throw unsupported('extract_all() with capture-group selection', e.args[1]!);
      const re = arg(0);
      if (typeof re.value !== 'string')
        throw new KqlError('extract_all(): the regex must be a constant', e.args[0]!.pos, e.args[0]!.len);
      // Groups: ( not followed by ?, not escaped. One group → its matches; none → whole matches.
      const groups = (re.value.match(/(?<!\\)\((?!\?)/g) ?? []).length;
      if (groups > 1) throw unsupported('extract_all() with more than one capture group', e.args[0]!);
      return R(
        `CASE WHEN len(regexp_extract_all(${s(1)}, ${re.sql}, ${groups})) > 0 THEN to_json(regexp_extract_all(${s(1)}, ${re.sql}, ${groups})) END`,
        'dynamic',
      );
    }
    case 'parse_url': {
      arity(1);
      const u = s(0);
      const re = d.string(
        '^([a-zA-Z][a-zA-Z0-9+.-]*)://(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?#]*)(?::([0-9]+))?([^?#]*)(?:\\?([^#]*))?(?:#(.*))?$',
      );
      const g = (i: number) => `regexp_extract(${u}, ${re}, ${i})`;
      const query = `CASE WHEN ${g(7)} = '' THEN ${d.jsonLiteral('{}')} ELSE to_json(map_from_entries(list_transform(string_split(${g(7)}, '&'), p -> {'k': split_part(p, '=', 1), 'v': url_decode(split_part(p, '=', 2))}))) END`;
      return R(
        `CASE WHEN regexp_matches(${u}, ${re}) THEN json_object('Scheme', ${g(1)}, 'Host', ${g(4)}, 'Port', ${g(5)}, 'Path', ${g(6)}, 'Username', ${g(2)}, 'Password', ${g(3)}, 'Query Parameters', ${query}, 'Fragment', ${g(8)}) ELSE json_object('Scheme', '', 'Host', '', 'Port', '', 'Path', '', 'Username', '', 'Password', '', 'Query Parameters', ${d.jsonLiteral('{}')}, 'Fragment', '') END`,
        'dynamic',
      );
    }
    case 'url_decode':
      arity(1);
      return R(`coalesce(url_decode(${s(0)}), '')`, 'string');
    case 'url_encode':
    case 'url_encode_component':
      arity(1);
      return R(`url_encode(${s(0)})`, 'string');
    // --- conversions
    case 'toint':
    case 'tolong':
    case 'toreal':
    case 'todouble': {
      arity(1);
      const a = arg(0);
      const t: KType = fn === 'toint' ? 'int' : fn === 'tolong' ? 'long' : 'real';
      const text =
        a.type === 'dynamic'
          ? `(${a.sql} ->> '$')`
          : a.type === 'bool'
            ? `CAST(CAST(${a.sql} AS INTEGER) AS VARCHAR)`
            : `CAST(${a.sql} AS VARCHAR)`;
      return R(d.fromJsonText(text, t), t);
    }
    case 'tobool':
    case 'toboolean': {
      arity(1);
      const a = arg(0);
      return R(a.type === 'bool' ? a.sql : d.fromJsonText(c.asString(a), 'bool'), 'bool');
    }
    case 'todatetime': {
      arity(1);
      const a = arg(0);
      return R(a.type === 'datetime' ? a.sql : d.fromJsonText(c.asString(a), 'datetime'), 'datetime');
    }
    case 'totimespan': {
      arity(1);
      const a = arg(0);
      if (a.type === 'timespan') return a;
      if (a.type !== 'string' && a.type !== 'dynamic') throw unsupported(`totimespan() of a ${a.type}`, e);
      // Kusto's text form [-][d.]hh:mm[:ss[.fffffff]]; anything else is null.
      const t = s(0);
      const re = d.string('^(-)?(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,7}))?)?$');
      const g = (i: number) => `TRY_CAST(nullif(regexp_extract(${t}, ${re}, ${i}), '') AS BIGINT)`;
      const frac = `coalesce(CAST(round(TRY_CAST(('0.' || nullif(regexp_extract(${t}, ${re}, 6), '')) AS DOUBLE) * 1000000) AS BIGINT), 0)`;
      const us = `(coalesce(${g(2)}, 0) * 86400000000 + ${g(3)} * 3600000000 + ${g(4)} * 60000000 + coalesce(${g(5)}, 0) * 1000000 + ${frac})`;
      return R(
        `CASE WHEN regexp_matches(${t}, ${re}) THEN ${d.intervalMicros(`CASE WHEN regexp_extract(${t}, ${re}, 1) = '-' THEN -${us} ELSE ${us} END`)} END`,
        'timespan',
      );
    }
    case 'column_ifexists': {
      // Resolved when compiled: the column when the input has it, else the default.
      arity(2);
      const name = arg(0);
      if (typeof name.value !== 'string')
        throw new KqlError(
          'column_ifexists(): the column name must be a constant',
          e.args[0]!.pos,
          e.args[0]!.len,
        );
      const col = scope.cols.find((x) => x.name === name.value);
      return col ? R(d.quote(col.name), col.type) : arg(1);
    }
    case 'isnan':
    case 'isinf':
    case 'isfinite': {
      arity(1);
      const x = `CAST(${num(0).sql} AS DOUBLE)`;
      return R(fn === 'isfinite' ? `isfinite(${x})` : `${fn}(${x})`, 'bool');
    }
    case 'tohex': {
      arity(1, 2);
      const x = num(0);
      if (x.type === 'real')
        throw new KqlError('tohex(): expected an integer', e.args[0]!.pos, e.args[0]!.len);
      const hex = `lower(hex(CAST(${x.sql} AS BIGINT)))`;
      return R(n === 2 ? `lpad(${hex}, CAST(${num(1).sql} AS INTEGER), '0')` : hex, 'string');
    }
    case 'week_of_year':
      // ISO 8601 week number, as Kusto's week_of_year.
      arity(1);
      return R(`CAST(weekofyear(${dt(c, arg(0), e)}) AS INTEGER)`, 'int');
    case 'make_datetime': {
      arity(3, 6);
      const part = (i: number, def: string) => (i < n ? `CAST(${num(i).sql} AS DOUBLE)` : def);
      return R(
        `try(make_timestamp(CAST(${num(0).sql} AS BIGINT), CAST(${num(1).sql} AS BIGINT), CAST(${num(2).sql} AS BIGINT), CAST(${part(3, '0')} AS BIGINT), CAST(${part(4, '0')} AS BIGINT), ${part(5, '0')}))`,
        'datetime',
      );
    }
    case 'parse_ipv4':
      arity(1);
      return R(ipv4ToLong(s(0)), 'long');
    case 'ipv4_compare':
    case 'ipv4_is_match': {
      // Optional prefix lengths: in the address (a.b.c.d/n) or as the last argument.
      arity(2, 3);
      const bits = (text: string) =>
        `coalesce(TRY_CAST(nullif(split_part(${text}, '/', 2), '') AS BIGINT), 32)`;
      const a = s(0);
      const b = s(1);
      const len = `least(${bits(a)}, ${bits(b)}${n === 3 ? `, CAST(${num(2).sql} AS BIGINT)` : ''})`;
      const size = `CAST(pow(2, 32 - ${len}) AS BIGINT)`;
      const x = `(${ipv4ToLong(`split_part(${a}, '/', 1)`)} // ${size})`;
      const y = `(${ipv4ToLong(`split_part(${b}, '/', 1)`)} // ${size})`;
      if (fn === 'ipv4_is_match') return R(`(${x} = ${y})`, 'bool');
      return R(`CAST(sign(${x} - ${y}) AS BIGINT)`, 'long');
    }
    case 'ipv6_compare':
    case 'ipv6_is_match': {
      // IPv4 and IPv6 text, each with an optional /prefix, and an optional prefix argument.
      arity(2, 3);
      const cmp = ipv6Compare(ipv6Parts(s(0)), ipv6Parts(s(1)), n === 3 ? num(2).sql : undefined);
      if (fn === 'ipv6_is_match') return R(`(${cmp} = 0)`, 'bool');
      return R(`CAST(${cmp} AS BIGINT)`, 'long');
    }
    case 'bin_at': {
      // bin() with buckets aligned on a fixed point instead of 0 or the epoch.
      arity(3);
      const v = arg(0);
      const size = arg(1);
      const at = arg(2);
      if (typeof size.value !== 'number' || size.value <= 0)
        throw new KqlError(
          'bin_at(): the bin size must be a constant positive value',
          e.args[1]!.pos,
          e.args[1]!.len,
        );
      if (v.type === 'datetime') {
        const f = dt(c, at, e);
        const off = `(${d.epochMicros(v.sql)} - ${d.epochMicros(f)})`;
        return R(
          d.fromEpochMicros(
            `${d.epochMicros(f)} + CAST(floor(${off} / ${size.value}) AS BIGINT) * ${size.value}`,
          ),
          'datetime',
        );
      }
      const x = c.asNumber(v, e.args[0]!, e.name);
      const f = c.asNumber(at, e.args[2]!, e.name);
      const type: KType = x.type === 'real' || size.type === 'real' || f.type === 'real' ? 'real' : x.type;
      const sql = `(${f.sql} + floor((CAST(${x.sql} AS DOUBLE) - ${f.sql}) / ${size.value}) * ${size.value})`;
      return R(type === 'real' ? sql : `CAST(${sql} AS ${d.sqlType(type)})`, type);
    }
    case 'ingestion_time':
      throw unsupported(`The function '${e.name}' (idtrail keeps no ingestion time per row)`, e);
    case 'toguid':
      arity(1);
      return R(
        `CASE WHEN regexp_matches(${s(0)}, '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$') THEN lower(${s(0)}) END`,
        'guid',
      );
    case 'parse_json':
    case 'todynamic':
    case 'toobject': {
      arity(1);
      const a = arg(0);
      if (a.type === 'dynamic') return a;
      if (a.type === 'string')
        return R(
          `CASE WHEN json_valid(${a.sql}) THEN CAST(${a.sql} AS JSON) ELSE to_json(nullif(${a.sql}, '')) END`,
          'dynamic',
        );
      return R(d.toJson(a.sql), 'dynamic');
    }
    // --- logic
    case 'iif':
    case 'iff': {
      arity(3);
      const cond = arg(0);
      const a = arg(1);
      const b = arg(2);
      return R(`CASE WHEN ${cond.sql} THEN ${a.sql} ELSE ${sameType(c, b, a.type, e)} END`, a.type);
    }
    case 'case': {
      if (n < 3 || n % 2 === 0)
        throw new KqlError('case(): expected predicate, value pairs and an else value', e.pos, e.len);
      const first = arg(1);
      const parts: string[] = [];
      for (let i = 0; i + 1 < n; i += 2)
        parts.push(`WHEN ${arg(i).sql} THEN ${sameType(c, arg(i + 1), first.type, e)}`);
      return R(`CASE ${parts.join(' ')} ELSE ${sameType(c, arg(n - 1), first.type, e)} END`, first.type);
    }
    case 'coalesce': {
      arity(1, 64);
      const first = arg(0);
      const items = e.args.map((_, i) => {
        const v = arg(i);
        const sql = sameType(c, v, first.type, e);
        return first.type === 'string' ? `nullif(${sql}, '')` : sql;
      });
      const sql = `coalesce(${items.join(', ')})`;
      return R(first.type === 'string' ? `coalesce(${sql}, '')` : sql, first.type);
    }
    case 'not':
      arity(1);
      return R(`(NOT ${arg(0).sql})`, 'bool');
    // --- numbers
    case 'abs':
      arity(1);
      return R(`abs(${num(0).sql})`, num(0).type);
    case 'round': {
      arity(1, 2);
      return R(
        `round(CAST(${num(0).sql} AS DOUBLE)${n === 2 ? `, CAST(${num(1).sql} AS INTEGER)` : ''})`,
        'real',
      );
    }
    case 'floor':
    case 'bin':
      arity(2);
      return bin(c, e, scope);
    case 'sqrt':
    case 'exp':
    case 'log':
    case 'log10':
    case 'log2': {
      arity(1);
      const x = `CAST(${num(0).sql} AS DOUBLE)`;
      const f = `${fn === 'log' ? 'ln' : fn}(${x})`;
      if (fn === 'exp') return R(f, 'real');
      // Kusto (IEEE): a negative argument gives NaN, log(0) -infinity; DuckDB would raise an error.
      const zero = fn === 'sqrt' ? '0.0' : "'-Infinity'::DOUBLE";
      return R(`CASE WHEN ${x} < 0 THEN 'NaN'::DOUBLE WHEN ${x} = 0 THEN ${zero} ELSE ${f} END`, 'real');
    }
    case 'pow':
      arity(2);
      return R(`pow(${num(0).sql}, ${num(1).sql})`, 'real');
    case 'min_of':
    case 'max_of': {
      arity(2, 64);
      const first = arg(0);
      return R(
        `${fn === 'min_of' ? 'least' : 'greatest'}(${e.args.map((_, i) => arg(i).sql).join(', ')})`,
        first.type,
      );
    }
    // --- dates
    case 'now':
      arity(0, 1);
      return n
        ? R(`(${c.literal('datetime', c.nowIso()).sql} + ${arg(0).sql})`, 'datetime')
        : c.literal('datetime', c.nowIso());
    case 'ago': {
      arity(1);
      const t = arg(0);
      if (t.type !== 'timespan')
        throw new KqlError('ago(): expected a timespan', e.args[0]!.pos, e.args[0]!.len);
      return R(`(${c.literal('datetime', c.nowIso()).sql} - ${t.sql})`, 'datetime');
    }
    case 'startofday':
    case 'startofweek':
    case 'startofmonth':
    case 'startofyear': {
      arity(1, 2);
      if (n === 2) throw unsupported(`${fn}() with an offset`, e.args[1]!);
      const unit = fn.slice(7);
      const a = dt(c, arg(0), e);
      // Kusto weeks start on Sunday; date_trunc('week') starts on Monday.
      if (unit === 'week')
        return R(`(CAST(${a} AS DATE) - CAST(dayofweek(${a}) AS INTEGER))::TIMESTAMP`, 'datetime');
      return R(`date_trunc('${unit}', ${a})`, 'datetime');
    }
    case 'endofday':
      arity(1);
      return R(
        `(date_trunc('day', ${dt(c, arg(0), e)}) + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND)`,
        'datetime',
      );
    case 'dayofweek':
      arity(1);
      return R(d.intervalMicros(`CAST(dayofweek(${dt(c, arg(0), e)}) AS BIGINT) * 86400000000`), 'timespan');
    case 'dayofmonth':
    case 'dayofyear':
    case 'hourofday':
    case 'getmonth':
    case 'getyear':
    case 'monthofyear': {
      arity(1);
      const part = {
        dayofmonth: 'day',
        dayofyear: 'doy',
        hourofday: 'hour',
        getmonth: 'month',
        monthofyear: 'month',
        getyear: 'year',
      }[fn]!;
      return R(`CAST(date_part('${part}', ${dt(c, arg(0), e)}) AS INTEGER)`, 'int');
    }
    case 'datetime_diff': {
      arity(3);
      const p = arg(0);
      if (typeof p.value !== 'string')
        throw new KqlError('datetime_diff(): the period must be a constant', e.args[0]!.pos, e.args[0]!.len);
      const unit = {
        year: 'year',
        quarter: 'quarter',
        month: 'month',
        week: 'week',
        day: 'day',
        hour: 'hour',
        minute: 'minute',
        second: 'second',
        millisecond: 'millisecond',
        microsecond: 'microsecond',
      }[p.value.toLowerCase()];
      if (!unit) throw unsupported(`datetime_diff() period '${p.value}'`, e.args[0]!);
      // Kusto counts calendar boundaries crossed (as date_diff does), first minus second.
      return R(`CAST(date_diff('${unit}', ${dt(c, arg(2), e)}, ${dt(c, arg(1), e)}) AS BIGINT)`, 'long');
    }
    case 'datetime_add': {
      arity(3);
      const p = arg(0);
      if (typeof p.value !== 'string')
        throw new KqlError('datetime_add(): the period must be a constant', e.args[0]!.pos, e.args[0]!.len);
      return R(
        `(${dt(c, arg(2), e)} + to_${p.value.toLowerCase()}s(CAST(${num(1).sql} AS BIGINT)))`,
        'datetime',
      );
    }
    case 'format_datetime': {
      arity(2);
      const f = arg(1);
      if (typeof f.value !== 'string')
        throw new KqlError(
          'format_datetime(): the format must be a constant',
          e.args[1]!.pos,
          e.args[1]!.len,
        );
      return R(`strftime(${dt(c, arg(0), e)}, ${d.string(strftimeFormat(f.value, e))})`, 'string');
    }
    case 'format_timespan': {
      arity(2);
      const t = arg(0);
      if (t.type !== 'timespan')
        throw new KqlError('format_timespan(): expected a timespan', e.args[0]!.pos, e.args[0]!.len);
      const f = arg(1);
      if (typeof f.value !== 'string')
        throw new KqlError(
          'format_timespan(): the format must be a constant',
          e.args[1]!.pos,
          e.args[1]!.len,
        );
      return R(formatTimespanSql(`abs(${d.micros(t.sql)})`, f.value, e.args[1]!), 'string');
    }
    case 'unixtime_seconds_todatetime':
      arity(1);
      return R(d.fromEpochMicros(`${num(0).sql} * 1000000`), 'datetime');
    case 'unixtime_milliseconds_todatetime':
      arity(1);
      return R(d.fromEpochMicros(`${num(0).sql} * 1000`), 'datetime');
    // --- dynamic
    case 'ipv4_is_private': {
      arity(1);
      const ip = ipv4ToLong(s(0));
      // RFC 1918: 10/8, 172.16/12, 192.168/16.
      return R(
        `CASE WHEN ${ip} IS NULL THEN NULL ELSE (${ip} // 16777216 = 10 OR ${ip} // 1048576 = 2753 OR ${ip} // 65536 = 49320) END`,
        'bool',
      );
    }
    case 'ipv4_is_in_range': {
      arity(2);
      const ip = ipv4ToLong(s(0));
      const range = s(1);
      const base = ipv4ToLong(`split_part(${range}, '/', 1)`);
      const bits = `coalesce(TRY_CAST(nullif(split_part(${range}, '/', 2), '') AS BIGINT), 32)`;
      const size = `CAST(pow(2, 32 - ${bits}) AS BIGINT)`;
      return R(`(${ip} // ${size} = ${base} // ${size})`, 'bool');
    }
    case 'gettype': {
      arity(1);
      const a = arg(0);
      if (a.type !== 'dynamic') return c.literal('string', a.type);
      // A dynamic value's own type; Kusto calls a JSON integer in int32's range an int.
      const j = a.sql;
      return R(
        `CASE coalesce(json_type(${j}), 'NULL') WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'dictionary' WHEN 'VARCHAR' THEN 'string' WHEN 'DOUBLE' THEN 'real' WHEN 'BOOLEAN' THEN 'bool' WHEN 'NULL' THEN 'null' ELSE (CASE WHEN TRY_CAST(${j} AS INTEGER) IS NOT NULL THEN 'int' ELSE 'long' END) END`,
        'string',
      );
    }
    case 'base64_encode_tostring':
    case 'base64_encodestring':
      arity(1);
      return R(`to_base64(encode(${s(0)}))`, 'string');
    case 'base64_decode_tostring':
    case 'base64_decodestring':
      arity(1);
      // Not base64, or not UTF-8 once decoded: "" (Kusto gives null; strings read as "").
      return R(`coalesce(try(decode(from_base64(${s(0)}))), '')`, 'string');
    case 'hash_sha256':
    case 'hash_sha1':
    case 'hash_md5':
      arity(1);
      return R(`${{ hash_sha256: 'sha256', hash_sha1: 'sha1', hash_md5: 'md5' }[fn]}(${s(0)})`, 'string');
    case 'hash': {
      // Not Kusto's xxhash64 (values differ; see docs/kql.md): stable, and uniform for sampling.
      arity(1, 2);
      const h = `CAST(hash(${s(0)}) >> 1 AS BIGINT)`;
      if (n === 1) return R(h, 'long');
      const m = arg(1);
      if (typeof m.value !== 'number' || m.value <= 0 || !Number.isInteger(m.value))
        throw new KqlError(
          'hash(): the modulo must be a constant positive integer',
          e.args[1]!.pos,
          e.args[1]!.len,
        );
      return R(`(${h} % ${m.value})`, 'long');
    }
    case 'strrep': {
      arity(2, 3);
      const la = lambdaArgs(c, e, scope);
      const times = c.asNumber(la.arg(1), e.args[1]!, e.name).sql;
      const delim = n === 3 ? c.asString(la.arg(2)) : "''";
      const text = c.asString(la.arg(0));
      // Kusto caps the repetitions at 1024 (and the result's length; not checked here).
      return la.wrap(
        R(
          `array_to_string(list_transform(range(0, least(greatest(CAST(${times} AS BIGINT), 0), 1024)), x -> ${text}), ${delim})`,
          'string',
        ),
      );
    }
    case 'todecimal': {
      // idtrail has no decimal type: the value as a real (double), see docs/kql.md.
      arity(1);
      const a = arg(0);
      const text = a.type === 'dynamic' ? `(${a.sql} ->> '$')` : `CAST(${a.sql} AS VARCHAR)`;
      return R(d.fromJsonText(text, 'real'), 'real');
    }
    case 'series_stats_dynamic': {
      arity(1, 2);
      if (n === 2) throw unsupported('series_stats_dynamic() with ignore_nonfinite', e.args[1]!);
      const la = lambdaArgs(c, e, scope);
      const a = la.arg(0);
      if (a.type !== 'dynamic') throw new KqlError(`${e.name}(): expected a dynamic array`, e.pos, e.len);
      return la.wrap(R(d.jsonObject(seriesStats(a).map((x) => [x.name, x.sql] as const)), 'dynamic'));
    }
    case 'series_stats':
      throw new KqlError(
        'series_stats() makes several columns: use it alone in extend or project (or series_stats_dynamic())',
        e.pos,
        e.len,
      );
    case 'series_decompose_anomalies':
    case 'series_decompose':
      throw new KqlError(
        `${e.name}() makes several columns: use it alone in extend or project, e.g. (flag, score, baseline) = ${e.name}(x)`,
        e.pos,
        e.len,
      );
    case 'series_outliers':
      return seriesOutliers(c, e, scope);
    case 'series_decompose_forecast':
      throw unsupported(`The function '${e.name}' (forecasting is not implemented)`, e);
    case 'geo_info_from_ip_address':
      arity(1);
      return geoInfoSql(c, e, scope);
    case 'row_number':
    case 'row_cumsum':
    case 'prev':
    case 'next': {
      if (!scope.serialized)
        throw new KqlError(
          `${e.name}(): the row set must be serialized (use sort, top, serialize or range before it)`,
          e.pos,
          e.len,
        );
      c.usedWindow = true;
      // The input's order is the order DuckDB delivers (sort's ORDER BY, kept through projections).
      // A restart argument: the rows from the last row where it is true (itself included) count
      // from the start again. The value at that row is computed in the SELECT before (it may use
      // prev/next), then carried forward with last_value(… IGNORE NULLS).
      const restart = (i: number) => {
        const r = arg(i);
        if (r.type !== 'bool')
          throw new KqlError(
            `${e.name}(): the restart argument must be a bool`,
            e.args[i]!.pos,
            e.args[i]!.len,
          );
        return r.sql;
      };
      const lastMark = (sql: string) =>
        `last_value(${sql} IGNORE NULLS) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
      if (fn === 'row_cumsum') {
        arity(1, 2);
        // The running sum in the input's order.
        const term = num(0);
        if (n === 2 && /\bOVER \(/.test(term.sql))
          throw unsupported('row_cumsum() of a window function with a restart argument', e);
        const x = hoistWindow(c, term, e);
        if (x.type === 'timespan') throw unsupported('row_cumsum() of a timespan', e);
        const type = x.type === 'real' ? 'real' : 'long';
        const sum = `sum(${x.sql}) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
        if (n === 1) return R(sum, type);
        // At a restart row: the sum of the rows before it, subtracted from then on.
        const before = hoistWindow(
          c,
          {
            sql: `CASE WHEN ${restart(1)} THEN coalesce(sum(${x.sql}) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) END`,
            type,
          },
          e,
        );
        return R(`(${sum} - coalesce(${lastMark(before.sql)}, 0))`, type);
      }
      if (fn === 'row_number') {
        arity(0, 2);
        const start = n ? num(0).sql : '1';
        if (n < 2) return R(`(row_number() OVER () - 1 + ${start})`, 'long');
        // The position of the last restart row (1 before any).
        const at = hoistWindow(
          c,
          { sql: `CASE WHEN ${restart(1)} THEN row_number() OVER () END`, type: 'long' },
          e,
        );
        return R(`(row_number() OVER () - coalesce(${lastMark(at.sql)}, 1) + ${start})`, 'long');
      }
      arity(1, 3);
      const v = hoistWindow(c, arg(0), e);
      const off = n >= 2 ? c.constInt(e.args[1]!, scope, e.name) : 1;
      const def = n === 3 ? sameType(c, arg(2), v.type, e) : d.nullOf(v.type);
      const w = `${fn === 'prev' ? 'lag' : 'lead'}(${v.sql}, ${off}, ${def}) OVER ()`;
      return R(v.type === 'string' ? `coalesce(${w}, '')` : w, v.type);
    }
    case 'datetime_part': {
      arity(2);
      const p = arg(0);
      if (typeof p.value !== 'string')
        throw new KqlError('datetime_part(): the part must be a constant', e.args[0]!.pos, e.args[0]!.len);
      const part = {
        year: 'year',
        quarter: 'quarter',
        month: 'month',
        week_of_year: 'week',
        day: 'day',
        dayofyear: 'doy',
        hour: 'hour',
        minute: 'minute',
        second: 'second',
        millisecond: 'millisecond',
        microsecond: 'microsecond',
      }[p.value.toLowerCase()];
      if (!part) throw unsupported(`datetime_part() part '${p.value}'`, e.args[0]!);
      // DuckDB's millisecond/microsecond parts include the seconds: keep the fraction only.
      const v = `date_part('${part}', ${dt(c, arg(1), e)})`;
      return R(
        `CAST(${part === 'millisecond' ? `${v} % 1000` : part === 'microsecond' ? `${v} % 1000000` : v} AS INTEGER)`,
        'int',
      );
    }
    case 'toscalar': {
      arity(1);
      const x = e.args[0]!;
      if (x.kind !== 'tabular' && x.kind !== 'name')
        throw new KqlError('toscalar(): expected a tabular expression', x.pos, x.len);
      const rel = c.subquery(
        x.kind === 'tabular' ? x.query : { kind: 'table', name: x.name, pos: x.pos, len: x.len },
      );
      const col = rel.cols[0];
      if (!col) throw new KqlError('toscalar(): the expression has no columns', x.pos, x.len);
      return R(`(SELECT ${d.quote(col.name)} FROM (${rel.sql}) AS ${c.freshAlias()} LIMIT 1)`, col.type);
    }
    default: {
      const dyn = callDynamic(c, e, scope);
      if (dyn) return dyn;
      if (AGGREGATE_NAMES.has(fn))
        throw new KqlError(
          `The aggregation function '${e.name}' can only be used in summarize`,
          e.pos,
          e.len,
        );
      throw unsupported(`The function '${e.name}'`, e);
    }
  }
}

/** A window function's argument that holds a window function, as a column computed before. */
function hoistWindow(c: Compiler, v: Sc, e: Call): Sc {
  if (!/\bOVER \(/.test(v.sql)) return v;
  if (!c.windowHoist) throw unsupported(`${e.name}() of a window function here`, e);
  const name = `__w${c.windowHoist.length}`;
  c.windowHoist.push(`${v.sql} AS ${c.dialect.quote(name)}`);
  return { ...v, sql: c.dialect.quote(name) };
}

function dt(c: Compiler, s: Sc, e: Call): string {
  if (s.type === 'datetime') return s.sql;
  if (s.type === 'dynamic' || s.type === 'string') return c.dialect.fromJsonText(c.asString(s), 'datetime');
  throw new KqlError(`${e.name}(): expected a datetime, got ${s.type}`, e.pos, e.len);
}

function sameType(c: Compiler, s: Sc, t: KType, e: Call): string {
  if (s.type === t || s.value === null) return s.value === null ? c.dialect.nullOf(t) : s.sql;
  const numeric = new Set(['int', 'long', 'real']);
  if (numeric.has(s.type) && numeric.has(t)) return `CAST(${s.sql} AS ${c.dialect.sqlType(t)})`;
  if (t === 'dynamic') return c.dialect.toJson(s.sql);
  if (s.type === 'dynamic') return c.asType(s, t).sql;
  throw new KqlError(`${e.name}(): all results must have one type (${t}, not ${s.type})`, e.pos, e.len);
}

/** bin()/floor(): rounds down to a multiple of the size (datetimes from the epoch). */
function bin(c: Compiler, e: Call, scope: Scope): Sc {
  const d = c.dialect;
  const v = c.scalar(e.args[0]!, scope);
  const size = c.scalar(e.args[1]!, scope);
  if (v.type === 'datetime') {
    if (size.type !== 'timespan' || typeof size.value !== 'number' || size.value <= 0)
      throw new KqlError(
        'bin(): a datetime needs a constant positive timespan',
        e.args[1]!.pos,
        e.args[1]!.len,
      );
    return {
      sql: d.fromEpochMicros(`(${d.epochMicros(v.sql)} // ${size.value}) * ${size.value}`),
      type: 'datetime',
    };
  }
  if (v.type === 'timespan') {
    if (size.type !== 'timespan' || typeof size.value !== 'number' || size.value <= 0)
      throw new KqlError(
        'bin(): a timespan needs a constant positive timespan',
        e.args[1]!.pos,
        e.args[1]!.len,
      );
    return {
      sql: d.intervalMicros(`floor(${d.micros(v.sql)} / ${size.value}) * ${size.value}`),
      type: 'timespan',
    };
  }
  const x = c.asNumber(v, e.args[0]!, e.name);
  const s = c.asNumber(size, e.args[1]!, e.name);
  const type: KType = x.type === 'real' || s.type === 'real' ? 'real' : x.type;
  const sql = `floor(CAST(${x.sql} AS DOUBLE) / ${s.sql}) * ${s.sql}`;
  return { sql: type === 'real' ? sql : `CAST(${sql} AS ${d.sqlType(type)})`, type };
}

/** Kusto's format_datetime specifiers → strftime. */
function strftimeFormat(f: string, e: Call): string {
  const tokens: [string, string][] = [
    ['yyyy', '%Y'],
    ['yy', '%y'],
    ['MM', '%m'],
    ['dd', '%d'],
    ['HH', '%H'],
    ['hh', '%I'],
    ['mm', '%M'],
    ['ss', '%S'],
    ['fffffff', '%f0'],
    ['ffffff', '%f'],
    ['fff', '%g'],
    ['tt', '%p'],
    ['M', '%-m'],
    ['d', '%-d'],
    ['H', '%-H'],
  ];
  let out = '';
  let i = 0;
  outer: while (i < f.length) {
    for (const [k, v] of tokens) {
      if (f.startsWith(k, i)) {
        out += v;
        i += k.length;
        continue outer;
      }
    }
    const ch = f[i]!;
    if (/[a-zA-Z]/.test(ch)) throw unsupported(`format_datetime() specifier '${ch}'`, e);
    out += ch === '%' ? '%%' : ch;
    i++;
  }
  return out;
}
