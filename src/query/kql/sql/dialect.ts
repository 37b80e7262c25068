/**
 * The KQL compiler's SQL dialect seam: every engine-specific piece of SQL the compiler and the LA
 * views emit goes through this interface. DuckDB is implemented in duckdb.ts; a ClickHouse
 * dialect implements the same methods.
 */
import type { KType } from '../ast.ts';

export interface KqlDialect {
  name: string;
  quote(ident: string): string;
  /** A string literal. */
  string(v: string): string;
  /** The SQL type a Kusto type is held in. */
  sqlType(t: KType): string;
  nullOf(t: KType): string;
  /** Parses a JSON text column once per row. */
  parseJson(textSql: string): string;
  /** A JSON value (dynamic) at a key path, or NULL. */
  jsonPath(json: string, path: readonly string[]): string;
  /** The text of a JSON value at a key path: strings unquoted, other values as JSON text; NULL when absent or null. */
  jsonPathText(json: string, path: readonly string[]): string;
  /** A JSON string value holding JSON text, parsed (kept as is when it does not parse). */
  parseJsonString(json: string): string;
  /** Text (from JSON) converted to a column type; NULL when it does not convert. */
  fromJsonText(text: string, t: KType): string;
  capitalize(text: string): string;
  jsonTypeOf(json: string): string;
  jsonObject(pairs: readonly (readonly [string, string])[]): string;
  jsonLiteral(text: string): string;
  jsonArrayContainsText(json: string, value: string): string;
  /** Case-sensitive or -insensitive regular-expression match (RE2 syntax). */
  regexMatch(text: string, pattern: string, caseInsensitive: boolean): string;
  /** Escapes a SQL string expression for literal use inside a regex. */
  regexEscape(text: string): string;
  /** Microseconds (BIGINT) since the epoch of a timestamp, and back. */
  epochMicros(ts: string): string;
  fromEpochMicros(us: string): string;
  /** An interval of a microseconds expression, and an interval's length in microseconds. */
  intervalMicros(us: string): string;
  micros(interval: string): string;
  /** A timestamp literal from ISO 8601 (UTC). */
  timestamp(iso: string): string;
  /** A value as JSON (dynamic). */
  toJson(v: string): string;
  /** Integer division truncating toward zero. */
  intDiv(a: string, b: string): string;
}
