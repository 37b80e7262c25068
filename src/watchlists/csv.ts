/**
 * A watchlist's CSV or TSV (Microsoft Sentinel's `rawContent`): parsed with csv-parse (RFC 4180 quoting,
 * CRLF or LF, a UTF-8 BOM), after skipping `numberOfLinesToSkip` lines as Sentinel's API does.
 * The first remaining line is the header; every field stays a string, as in Sentinel.
 */
import { CsvError, parse } from 'csv-parse/sync';

/** Limits of one watchlist. Sentinel takes local uploads up to 3.8 MB. */
export const WATCHLIST_LIMITS = {
  /** Bytes of rawContent (UTF-8). */
  bytes: 3_800_000,
  /** Items (CSV rows after the header). */
  rows: 100_000,
  columns: 200,
  /** Characters of a column name. */
  columnName: 256,
};

/** The columns `_GetWatchlist` adds before the CSV's: a CSV column may not take their names. */
export const WATCHLIST_SYSTEM_COLUMNS = ['_DTItemId', 'LastUpdatedTimeUTC', 'SearchKey', 'WatchlistItem'];

/** A refused CSV: the message says what and where (line numbers count from 1 in the raw text). */
export class WatchlistCsvError extends Error {}

export interface ParsedCsv {
  columns: string[];
  rows: string[][];
}

/**
 * `format` 'csv' (text/csv: comma-separated, RFC 4180 quoting) or 'tsv' (text/tsv: IANA's
 * tab-separated values, which have no quoting — a quote is an ordinary character).
 */
export function parseWatchlistCsv(
  raw: string,
  numberOfLinesToSkip = 0,
  format: 'csv' | 'tsv' = 'csv',
): ParsedCsv {
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > WATCHLIST_LIMITS.bytes)
    throw new WatchlistCsvError(
      `rawContent is ${bytes} bytes; a watchlist holds at most ${WATCHLIST_LIMITS.bytes} bytes of CSV`,
    );
  let records: string[][];
  try {
    records = parse(raw, {
      bom: true,
      ...(format === 'tsv' ? { delimiter: '\t', quote: false } : {}),
      from_line: numberOfLinesToSkip + 1,
      skip_empty_lines: true,
      // CRLF, LF or CR, even mixed in one file (an edited export).
      record_delimiter: ['\r\n', '\n', '\r'],
      // One more than the limit: enough to tell that there are too many.
      to: WATCHLIST_LIMITS.rows + 2,
    }) as string[][];
  } catch (e) {
    if (e instanceof CsvError)
      throw new WatchlistCsvError(`rawContent is not valid ${format.toUpperCase()}: ${e.message}`);
    throw e;
  }
  const [header, ...rows] = records;
  if (!header)
    throw new WatchlistCsvError(
      numberOfLinesToSkip
        ? `rawContent has no header line after skipping ${numberOfLinesToSkip} lines`
        : 'rawContent is empty: the first line must be the header',
    );
  if (rows.length > WATCHLIST_LIMITS.rows)
    throw new WatchlistCsvError(`a watchlist holds at most ${WATCHLIST_LIMITS.rows} items`);
  if (header.length > WATCHLIST_LIMITS.columns)
    throw new WatchlistCsvError(
      `the header has ${header.length} columns; a watchlist has at most ${WATCHLIST_LIMITS.columns}`,
    );
  const columns = header.map((h) => h.trim());
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (!c) throw new WatchlistCsvError(`header column ${i + 1} has no name`);
    if (c.length > WATCHLIST_LIMITS.columnName)
      throw new WatchlistCsvError(
        `header column ${i + 1} is longer than ${WATCHLIST_LIMITS.columnName} characters`,
      );
    if (WATCHLIST_SYSTEM_COLUMNS.includes(c))
      throw new WatchlistCsvError(
        `header column '${c}' clashes with a column _GetWatchlist adds (${WATCHLIST_SYSTEM_COLUMNS.join(', ')})`,
      );
    if (seen.has(c)) throw new WatchlistCsvError(`header column '${c}' appears twice`);
    seen.add(c);
  });
  return { columns, rows };
}
