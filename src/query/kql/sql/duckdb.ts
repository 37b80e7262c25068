/** The KQL compiler's DuckDB dialect (see dialect.ts). */
import type { KType } from '../ast.ts';
import type { KqlDialect } from './dialect.ts';

const SQL_TYPES: Record<KType, string> = {
  string: 'VARCHAR',
  guid: 'VARCHAR',
  long: 'BIGINT',
  int: 'INTEGER',
  real: 'DOUBLE',
  bool: 'BOOLEAN',
  datetime: 'TIMESTAMP',
  timespan: 'INTERVAL',
  dynamic: 'JSON',
};

const str = (v: string): string => `'${v.replaceAll("'", "''")}'`;

/** A JSON path with every key quoted, so keys need no other escaping. */
function path(keys: readonly string[]): string {
  for (const k of keys) if (k.includes('"')) throw new Error(`JSON key with a quote: ${k}`);
  return str(`$${keys.map((k) => `."${k}"`).join('')}`);
}

export const duckdbKql: KqlDialect = {
  name: 'duckdb',
  quote: (ident) => `"${ident.replaceAll('"', '""')}"`,
  string: str,
  sqlType: (t) => SQL_TYPES[t],
  nullOf: (t) => `CAST(NULL AS ${SQL_TYPES[t]})`,
  parseJson: (text) => `CAST(${text} AS JSON)`,
  jsonPath: (json, keys) => `json_extract(${json}, ${path(keys)})`,
  // json_extract_string gives strings unquoted and other values as JSON text; JSON null → NULL.
  jsonPathText: (json, keys) =>
    `CASE WHEN json_type(${json}, ${path(keys)}) = 'NULL' THEN NULL ELSE json_extract_string(${json}, ${path(keys)}) END`,
  parseJsonString: (j) =>
    `CASE WHEN json_type(${j}) = 'VARCHAR' AND json_valid(${j} ->> '$') THEN CAST(${j} ->> '$' AS JSON) ELSE ${j} END`,
  fromJsonText(text, t) {
    switch (t) {
      case 'string':
      case 'guid':
        return text;
      case 'dynamic':
        return `to_json(${text})`;
      case 'datetime':
        // Entra times are UTC ('Z'); see docs/kql.md for offsets.
        return `TRY_CAST(${text} AS TIMESTAMP)`;
      case 'timespan':
        return `TRY_CAST(${text} AS INTERVAL)`;
      case 'int':
        return `TRY_CAST(TRY_CAST(${text} AS DOUBLE) AS INTEGER)`;
      case 'long':
        return `TRY_CAST(TRY_CAST(${text} AS DOUBLE) AS BIGINT)`;
      case 'real':
        return `TRY_CAST(${text} AS DOUBLE)`;
      case 'bool':
        return `TRY_CAST(${text} AS BOOLEAN)`;
    }
  },
  capitalize: (t) => `CASE WHEN ${t} = '' THEN ${t} ELSE upper(left(${t}, 1)) || substr(${t}, 2) END`,
  jsonTypeOf: (j) => `json_type(${j})`,
  jsonObject: (pairs) => `json_object(${pairs.map(([k, v]) => `${str(k)}, ${v}`).join(', ')})`,
  jsonLiteral: (text) => `CAST(${str(text)} AS JSON)`,
  jsonArrayContainsText: (j, v) =>
    `coalesce(json_type(${j}) = 'ARRAY' AND list_contains(CAST(json_extract_string(${j}, '$[*]') AS VARCHAR[]), ${str(v)}), false)`,
  regexMatch: (text, pattern, ci) => `regexp_matches(${text}, ${pattern}${ci ? ", 'i'" : ''})`,
  regexEscape: (t) => `regexp_escape(${t})`,
  epochMicros: (ts) => `epoch_us(${ts})`,
  fromEpochMicros: (us) => `make_timestamp(CAST(${us} AS BIGINT))`,
  intervalMicros: (us) => `to_microseconds(CAST(${us} AS BIGINT))`,
  micros: (iv) => `CAST(round(epoch(${iv}) * 1000000) AS BIGINT)`,
  timestamp: (iso) => `CAST(${str(iso.replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`,
  toJson: (v) => `to_json(${v})`,
  intDiv: (a, b) => `CAST(trunc(CAST(${a} AS DOUBLE) / (${b})) AS BIGINT)`,
};
