/** format_timespan(timespan, format): Kusto's (.NET's) custom timespan format specifiers, compiled to SQL. */
import { KqlError } from './errors.ts';

/** The delimiters Kusto documents; any other character outside a specifier is an error. */
const DELIMITERS = new Set([' ', '/', '-', ':', ',', '.', '_', '[', ']']);
const MAX_RUN: Record<string, number> = { d: 8, f: 7, F: 7, h: 2, H: 2, m: 2, s: 2 };

/**
 * The SQL (a string) of a constant format over `us`, the timespan's absolute value in
 * microseconds (BIGINT). Components are those of the absolute value, as .NET's custom formats
 * (no sign); fractions have microsecond precision (the 7th digit is 0).
 */
export function formatTimespanSql(us: string, format: string, at: { pos: number; len: number }): string {
  const parts: string[] = [];
  const frac7 = `lpad(CAST((${us} % 1000000) * 10 AS VARCHAR), 7, '0')`;
  const two = (v: string, n: number) =>
    n === 2 ? `lpad(CAST(${v} AS VARCHAR), 2, '0')` : `CAST(${v} AS VARCHAR)`;
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    const max = MAX_RUN[ch];
    if (max === undefined) {
      if (!DELIMITERS.has(ch))
        throw new KqlError(
          `format_timespan(): '${ch}' is not a format specifier or delimiter`,
          at.pos,
          at.len,
        );
      parts.push(`'${ch}'`);
      i++;
      continue;
    }
    let n = 1;
    while (format[i + n] === ch) n++;
    if (n > max)
      throw new KqlError(`format_timespan(): '${ch.repeat(n)}' is not a format specifier`, at.pos, at.len);
    i += n;
    switch (ch) {
      case 'd':
        // lpad cuts a longer text: pad to at least n digits only.
        parts.push(
          `lpad(CAST(${us} // 86400000000 AS VARCHAR), CAST(greatest(${n}, length(CAST(${us} // 86400000000 AS VARCHAR))) AS INTEGER), '0')`,
        );
        break;
      case 'h':
      case 'H':
        parts.push(two(`(${us} // 3600000000) % 24`, n));
        break;
      case 'm':
        parts.push(two(`(${us} // 60000000) % 60`, n));
        break;
      case 's':
        parts.push(two(`(${us} // 1000000) % 60`, n));
        break;
      case 'f':
        parts.push(`substr(${frac7}, 1, ${n})`);
        break;
      default:
        // F: the digits without trailing zeros; nothing when they are all zero.
        parts.push(`rtrim(substr(${frac7}, 1, ${n}), '0')`);
    }
  }
  return parts.length ? `CASE WHEN ${us} IS NULL THEN '' ELSE concat(${parts.join(', ')}) END` : "''";
}
